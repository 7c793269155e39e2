"""The synthetic generator, the corpus features and the sharded corpus with its manifest."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

from neurodebug.neural_debugger.groundtruth.corpus.build import CorpusSettings, build_corpus
from neurodebug.neural_debugger.groundtruth.corpus.features import constructs, source_hash
from neurodebug.neural_debugger.groundtruth.corpus.generator import generate_program, new_call
from neurodebug.neural_debugger.groundtruth.corpus.harvest import candidates, harvest
from neurodebug.neural_debugger.groundtruth.corpus.templates import (
    TEMPLATES,
    template_call,
    template_program,
)
from neurodebug.neural_debugger.groundtruth.corpus.writer import split_of
from neurodebug.neural_debugger.groundtruth.sandbox import Job, WorkerPool, run_jobs
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.groundtruth.tracer import Limits

from tests.conftest import run_neurodebug


def test_generated_programs_are_valid_small_functions() -> None:
    rng = random.Random(123)
    programs = [generate_program(rng) for _ in range(300)]
    for program in programs:
        tree = ast.parse(program.source)
        names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert program.function in names
        call = ast.parse(program.call, mode="eval").body
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
        assert call.func.id == program.function and len(call.args) == len(program.params)
        assert 4 <= len(program.source.splitlines()) <= 60
    distinct = {program.source for program in programs}
    assert len(distinct) > 290
    lines = sorted(len(program.source.splitlines()) for program in programs)
    assert 8 <= lines[len(lines) // 2] <= 40  # the median program is in the requested range


def test_generator_is_deterministic_per_seed() -> None:
    first = [generate_program(random.Random(5)).source for _ in range(3)]
    assert first[0] == first[1] == first[2]
    assert generate_program(random.Random(6)).source != first[0]
    program = generate_program(random.Random(5))
    assert new_call(random.Random(1), program).startswith(program.function + "(")


def test_generated_programs_cover_the_constructs() -> None:
    rng = random.Random(7)
    seen: set[str] = set()
    for _ in range(400):
        seen.update(constructs(generate_program(rng).source))
    wanted = {"for", "while", "if", "try", "raise", "recursion", "helper_call", "list_comprehension",
              "dict_comprehension", "slicing", "generator", "class", "closure", "float_arithmetic",
              "tuple_unpacking", "builtin_call", "break", "lambda"}  # fmt: skip
    assert wanted <= seen, wanted - seen


def test_constructs_and_normalized_hash() -> None:
    source = "def f(xs):\n    return [x for x in xs[1:] if x] + [f(xs[1:])]\n"
    assert {"list_comprehension", "slicing", "recursion", "if"} - {"if"} <= set(constructs(source))
    assert "while" not in constructs(source)
    reformatted = "def f(xs):  # comment\n\n    return [x for x in xs[1:] if x]+[f(xs[1:])]\n"
    assert source_hash(source) == source_hash(reformatted)
    assert source_hash(source) != source_hash(source.replace("1:", "2:"))


def test_split_is_by_hash_and_roughly_90_5_5() -> None:
    rng = random.Random(0)
    hashes = [f"{rng.getrandbits(160):040x}" for _ in range(4000)]
    splits = [split_of(h) for h in hashes]
    assert splits == [split_of(h) for h in hashes]
    assert 0.86 < splits.count("train") / len(splits) < 0.94
    assert splits.count("val") > 100 and splits.count("test") > 100


def test_build_corpus_writes_shards_manifest_and_ready(tmp_path: Path) -> None:
    settings = CorpusSettings(programs=60, workers=1, seed=3, shard_size=25, calls_per_program=2)
    manifest = build_corpus(tmp_path, settings)
    assert (tmp_path / "READY").exists()
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    assert manifest["records"] == 60
    records = []
    for split, info in manifest["splits"].items():
        lines = 0
        for shard in info["shards"]:
            for line in (tmp_path / shard).read_text().splitlines():
                record = json.loads(line)
                assert record["meta"]["split"] == split == split_of(record["meta"]["hash"])
                records.append(record)
                lines += 1
        assert lines == info["records"]
    assert len(records) == 60
    assert len(manifest["splits"]["train"]["shards"]) >= 2  # 25 records per shard
    by_hash: dict[str, set[str]] = {}
    for record in records:
        trace = Trace.from_json(record["trace"])
        assert trace.status in ("ok", "exception")
        assert settings.min_steps <= len(trace.steps) <= settings.max_steps
        assert record["meta"]["steps"] == len(trace.steps)
        assert record["meta"]["hash"] == source_hash(record["source"])
        assert record["call"].startswith(record["function"] + "(")
        by_hash.setdefault(record["meta"]["hash"], set()).add(record["id"])
    assert len(by_hash) < 60  # two calls per program share the program's hash
    distributions = manifest["distributions"]
    assert sum(distributions["steps"].values()) == 60
    assert distributions["constructs"]["if"] > 0 and distributions["events"]["line"] > 0


def test_trace_corpus_command(tmp_path: Path) -> None:
    completed = run_neurodebug(
        "trace-corpus",
        "--out",
        str(tmp_path / "c"),
        "--programs",
        "20",
        "--workers",
        "1",
        "--harvest-calls",
        "0",
    )
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout)
    assert summary["records"] == 20 and sum(summary["splits"].values()) == 20
    assert (tmp_path / "c" / "READY").exists()
    bad = run_neurodebug(
        "trace-corpus", "--out", str(tmp_path / "d"), "--programs", "0", "--harvest-calls", "0"
    )
    assert bad.returncode == 2


def test_every_template_gives_a_runnable_program_with_fresh_inputs() -> None:
    rng = random.Random(11)
    jobs, programs = [], []
    for template in TEMPLATES:
        program = template(rng)
        programs.append(program)
        ast.parse(program.source)
        other = template_call(rng, program)
        assert other.startswith(program.function + "(")
        jobs += [Job(program.source, program.call), Job(program.source, other)]
    traces = list(run_jobs(jobs, Limits(timeout_s=5, max_steps=2000), workers=2))
    for job, trace in zip(jobs, traces, strict=True):
        assert trace.status in ("ok", "exception"), (job, trace.status, trace.exception)
        if trace.exception:  # only intended errors
            assert trace.exception.startswith("ValueError"), (job, trace.exception)
        assert len(trace.steps) >= 3
    sources = {template_program(random.Random(seed)).source for seed in range(200)}
    assert len(sources) > 100  # names, constants and variations differ per draw


def test_harvest_finds_pure_library_functions_only() -> None:
    found = {f"{c.module}.{c.name}": c for c in candidates()}
    assert {
        "posixpath.join",
        "posixpath.splitext",
        "bisect.bisect_right",
        "textwrap.dedent",
    } <= set(found)
    assert "posixpath.abspath" not in found and "posixpath.expanduser" not in found  # cwd / env
    join = found["posixpath.join"]
    assert join.source.startswith("def join(") and join.required == 1


def test_harvested_calls_are_traced_deterministically_in_their_module() -> None:
    modules: dict[str, tuple[str, ...] | None] = {
        "posixpath": ("splitext", "join"),
        "bisect": ("bisect_right",),
    }
    with WorkerPool(2, Limits(timeout_s=5, max_steps=257)) as pool:
        kept = list(harvest(pool, random.Random(4), calls_per_function=4, modules=modules))
    origins = {candidate.origin for candidate, _, _ in kept}
    assert origins == {
        "stdlib:posixpath.splitext",
        "stdlib:posixpath.join",
        "stdlib:bisect.bisect_right",
    }
    for candidate, call, trace in kept:
        assert call.startswith(candidate.name + "(")
        assert trace.status in ("ok", "exception") and len(trace.steps) >= 3
        lines = len(candidate.source.splitlines())
        assert all(1 <= step.line <= lines for step in trace.steps)  # numbered within the source
        assert trace.steps[0].event == "call" and trace.steps[0].function == candidate.name
