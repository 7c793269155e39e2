"""Build a trace corpus: generate programs, trace them in sandbox workers, keep the good ones.

The pipeline: the generator (in this process; it only writes source text) → dedup by the
AST-normalized source hash → sandbox workers trace each program's calls in forked, limited
children → filter (finished normally or with an intended exception, within the step budget) →
split by program hash → sharded JSONL + manifest.json → READY.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.groundtruth.corpus.features import constructs, source_hash
from neurodebug.neural_debugger.groundtruth.corpus.generator import (
    Program,
    generate_program,
    new_call,
)
from neurodebug.neural_debugger.groundtruth.corpus.harvest import harvest
from neurodebug.neural_debugger.groundtruth.corpus.templates import template_call, template_program
from neurodebug.neural_debugger.groundtruth.corpus.writer import ShardWriter, split_of
from neurodebug.neural_debugger.groundtruth.sandbox import Job, WorkerPool
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.groundtruth.tracer import Limits

log = logging.getLogger(__name__)

GENERATOR_BUG_EXCEPTIONS = frozenset(
    {"NameError", "UnboundLocalError", "TypeError", "AttributeError", "SyntaxError", "RuntimeError"}
)
"""Exceptions that mean the generator wrote a wrong program, not an intended error path."""


@dataclass(frozen=True)
class CorpusSettings:
    """How a corpus is built; stored in its manifest so a corpus can be rebuilt."""

    programs: int
    workers: int = 2
    seed: int = 0
    max_steps: int = 256
    min_steps: int = 4
    calls_per_program: int = 1
    shard_size: int = 5000
    timeout_s: float = 2.0
    memory_mb: int = 256
    origin: str = "synthetic"
    template_share: float = 0.25
    """Share of programs drawn from the classic-algorithm templates instead of the generator."""
    template_calls: int = 3
    """Calls per template program (their sources repeat more, so each gets more inputs)."""
    harvest_calls: int = 0
    """Calls per harvested standard-library function (0: no harvested records)."""


@dataclass
class _Pending:
    program: Program
    program_hash: str
    call_number: int
    origin: str
    context_module: str | None = None


def _synthetic_jobs(
    settings: CorpusSettings, seen: set[str], dropped: Counter[str], pending: dict[int, _Pending]
) -> Iterator[Job]:
    rng = random.Random(settings.seed)
    index = 0
    while True:
        from_template = rng.random() < settings.template_share
        program = template_program(rng) if from_template else generate_program(rng)
        try:
            program_hash = source_hash(program.source)
        except SyntaxError:
            dropped["syntax_error"] += 1
            continue
        if program_hash in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(program_hash)
        calls = [program.call]
        extra_calls = (
            settings.calls_per_program - 1 + (settings.template_calls - 1 if from_template else 0)
        )
        for _ in range(extra_calls):
            call = template_call(rng, program) if from_template else new_call(rng, program)
            if call not in calls:
                calls.append(call)
        for number, call in enumerate(calls):
            pending[index] = _Pending(program, program_hash, number, settings.origin)
            index += 1
            yield Job(source=program.source, call=call)


def rejection(trace: Trace, settings: CorpusSettings) -> str | None:
    """Why a trace is not kept (a drop-reason key for the manifest), or None to keep it."""
    if trace.status not in ("ok", "exception"):
        return trace.status
    if trace.exception and trace.exception.split(":")[0] in GENERATOR_BUG_EXCEPTIONS:
        return "generator_bug"
    if len(trace.steps) < settings.min_steps:
        return "too_short"
    if len(trace.steps) > settings.max_steps:
        return "step_limit"
    return None


def make_record(pending: _Pending, call: str, trace: Trace) -> dict[str, Any]:
    """One corpus record (the format is documented in the package docstring)."""
    source = pending.program.source
    record: dict[str, Any] = {
        "id": f"{pending.program_hash[:12]}-{pending.call_number}",
        "source": source,
        "function": pending.program.function,
        "call": call,
        "trace": trace.to_json(),
        "meta": {
            "origin": pending.origin,
            "split": split_of(pending.program_hash),
            "hash": pending.program_hash,
            "constructs": constructs(source),
            "lines": len(source.splitlines()),
            "steps": len(trace.steps),
            "max_depth": max((step.depth for step in trace.steps), default=0),
        },
    }
    if pending.context_module is not None:  # the source runs inside this module's globals
        record["meta"]["context_module"] = pending.context_module
    return record


def _harvest_records(
    pool: WorkerPool, settings: CorpusSettings, seen: set[str]
) -> list[dict[str, Any]]:
    """Records of real library functions (see `harvest.py`); one program per function."""
    records = []
    numbers: Counter[str] = Counter()
    rng = random.Random(settings.seed)
    for candidate, call, trace in harvest(pool, rng, settings.harvest_calls, settings.max_steps):
        program_hash = source_hash(candidate.source)
        seen.add(program_hash)
        program = Program(candidate.source, candidate.name, call)
        pending = _Pending(
            program, program_hash, numbers[program_hash], candidate.origin, candidate.module
        )
        numbers[program_hash] += 1
        records.append(make_record(pending, call, trace))
    return records


def build_corpus(out: Path, settings: CorpusSettings) -> dict[str, Any]:
    """Write harvested records (if asked) and `settings.programs` synthetic ones into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "READY").unlink(missing_ok=True)
    limits = Limits(
        timeout_s=settings.timeout_s, max_steps=settings.max_steps + 1, memory_mb=settings.memory_mb
    )
    writer = ShardWriter(out, settings.shard_size)
    dropped: Counter[str] = Counter()
    seen: set[str] = set()
    pending: dict[int, _Pending] = {}
    calls: dict[int, str] = {}

    def jobs() -> Iterator[Job]:
        for position, job in enumerate(_synthetic_jobs(settings, seen, dropped, pending)):
            calls[position] = job.call
            yield job

    kept = 0
    with WorkerPool(settings.workers, limits) as pool:
        if settings.harvest_calls > 0:
            harvested = _harvest_records(pool, settings, seen)
            for record in harvested:
                writer.write(record)
            log.info("corpus: %d harvested records", len(harvested))
        for index, trace in pool.run_unordered(jobs()) if settings.programs > 0 else ():
            info, call = pending.pop(index), calls.pop(index)
            reason = rejection(trace, settings)
            if reason is not None:
                dropped[reason] += 1
                continue
            writer.write(make_record(info, call, trace))
            kept += 1
            if kept % 1000 == 0:
                log.info("corpus: %d / %d records", kept, settings.programs)
            if kept >= settings.programs:
                break
    writer.close()
    manifest = writer.manifest(settings={**settings.__dict__}, dropped=dict(dropped.most_common()))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / "READY").write_text(f"{manifest['records']} records\n")
    return manifest
