"""The suite tracer: whole calls of a package's functions, recorded while other code calls them."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from neurodebug.neural_debugger.groundtruth.corpus.suite_tracer import (
    SuiteRecorder,
    function_sources,
)
from neurodebug.neural_debugger.groundtruth.tracer import trace_source

MODULE = textwrap.dedent(
    '''
    """A small module standing in for a project's package."""


    def total(values, start=0):
        """Sum with a running total."""
        result = start
        for value in values:
            result += value
        return result


    def fact(n):
        if n <= 1:
            return 1
        return n * fact(n - 1)


    def squares(n):
        return [i * i for i in range(n)]


    def parse_int(text):
        try:
            return int(text)
        except ValueError:
            raise KeyError(text)


    def numbers(n):
        yield from range(n)


    def spin(n):
        count = 0
        while count < n:
            count += 1
        return count


    class Box:
        def __init__(self, size):
            self.size = size

        def __repr__(self):
            return f"Box({self.size})"

        def grow(self, by):
            self.size += by
            return self.size


    class Opaque:
        pass


    def describe(thing):
        return type(thing).__name__


    def join(sep, *parts, upper=False, **extra):
        return sep.join(parts)
    '''
)


def _load(tmp_path: Path) -> ModuleType:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(MODULE)
    spec = importlib.util.spec_from_file_location("nd_suite_pkg_mod", package / "mod.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(tmp_path: Path, run: Any, **options: Any) -> list[dict[str, Any]]:
    """Records of the calls `run(module)` makes, traced as the plugin traces a test."""
    module = _load(tmp_path)
    out = io.StringIO()
    recorder = SuiteRecorder(str(tmp_path / "pkg"), out, project="demo", split="train", **options)
    sys.settrace(recorder.global_trace)
    try:
        run(module)
    finally:
        sys.settrace(None)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _by_name(records: list[dict[str, Any]], qualname: str) -> list[dict[str, Any]]:
    return [record for record in records if record["meta"]["qualname"] == qualname]


def test_a_recorded_call_equals_the_tracer_run_of_the_same_source(tmp_path: Path) -> None:
    records = _record(tmp_path, lambda m: m.total([1, 2, 3], start=10))
    (record,) = _by_name(records, "total")
    assert record["source"].startswith("def total(values, start=0):\n")
    assert record["call"] == "total([1, 2, 3], 10)" and record["meta"]["literal_call"]
    assert record["trace"]["result"] == "16" and record["trace"]["status"] == "ok"
    real = trace_source(record["source"], record["call"])
    assert [step.to_json() for step in real.steps] == record["trace"]["stops"]


def test_recursion_and_comprehensions_are_deeper_stops_of_the_same_call(tmp_path: Path) -> None:
    def run(m: ModuleType) -> None:
        m.fact(3)
        m.squares(2)

    records = _record(tmp_path, run)
    (fact,) = _by_name(records, "fact")  # the inner calls belong to the outer one
    depths = [stop["depth"] for stop in fact["trace"]["stops"] if stop["event"] == "call"]
    assert depths == [0, 1, 2]
    (squares,) = _by_name(records, "squares")
    inner = [stop for stop in squares["trace"]["stops"] if stop["function"] == "<listcomp>"]
    assert inner and {stop["depth"] for stop in inner} == {1}
    assert squares["trace"]["result"] == "[0, 1]"


def test_methods_are_dedented_and_numbered_from_their_first_line(tmp_path: Path) -> None:
    records = _record(tmp_path, lambda m: m.Box(2).grow(3))
    (grow,) = _by_name(records, "Box.grow")
    assert grow["source"].splitlines()[0] == "def grow(self, by):"
    assert grow["call"] == "Box.grow(Box(2), 3)" and not grow["meta"]["literal_call"]
    assert [stop["line"] for stop in grow["trace"]["stops"]] == [1, 2, 3, 3]


def test_an_exception_leaving_the_call_is_the_outcome(tmp_path: Path) -> None:
    def run(m: ModuleType) -> None:
        with pytest.raises(KeyError):
            m.parse_int("x")

    (record,) = _by_name(_record(tmp_path, run), "parse_int")
    assert record["trace"]["status"] == "exception"
    assert record["trace"]["exception"] == "KeyError: 'x'"


def test_caps_duplicates_generators_and_opaque_arguments(tmp_path: Path) -> None:
    def run(m: ModuleType) -> None:
        for n in (1, 1, 2, 3, 4):
            m.spin(n)
        list(m.numbers(3))
        m.describe(m.Opaque())
        m.describe(5)

    records = _record(tmp_path, run, calls_per_function=2)
    assert [r["call"] for r in _by_name(records, "spin")] == ["spin(1)", "spin(2)"]
    assert not _by_name(records, "numbers")
    assert [r["call"] for r in _by_name(records, "describe")] == ["describe(5)"]


def test_a_call_over_the_step_budget_is_dropped_and_still_runs(tmp_path: Path) -> None:
    results: list[int] = []
    records = _record(tmp_path, lambda m: results.append(m.spin(500)), max_steps=50)
    assert results == [500] and not _by_name(records, "spin")


def test_calls_are_written_back_with_star_arguments_and_keywords(tmp_path: Path) -> None:
    records = _record(tmp_path, lambda m: m.join("-", "a", "b", upper=True, x=1))
    (join,) = _by_name(records, "join")
    assert join["call"] == "join('-', 'a', 'b', upper=True, **{'x': 1})"
    assert join["meta"]["literal_call"]


def test_function_sources_start_at_the_first_decorator() -> None:
    found = function_sources(str(Path(__file__)))
    decorated = test_the_plugin_records_a_real_pytest_run_without_changing_its_outcome
    first_line = decorated.__code__.co_firstlineno
    last_line, source, indent = found[first_line]
    assert source.startswith("@pytest.mark.e2e\ndef test_the_plugin_records") and indent == 0
    assert last_line > first_line + 10


@pytest.mark.e2e
def test_the_plugin_records_a_real_pytest_run_without_changing_its_outcome(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "mod.py").write_text(MODULE)
    (project / "tests").mkdir()
    (project / "tests" / "test_mod.py").write_text(
        textwrap.dedent(
            """
            import pytest
            from pkg.mod import fact, parse_int, total

            def test_total():
                assert total([1, 2]) == 3

            def test_fact():
                assert fact(4) == 24

            def test_parse():
                with pytest.raises(KeyError):
                    parse_int("no")

            def test_fails_on_purpose():
                assert total([1]) == 2
            """
        )
    )
    out = tmp_path / "records.jsonl"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(project),
        "NEURODEBUG_SUITE_OUT": str(out),
        "NEURODEBUG_SUITE_ROOT": str(project / "pkg"),
        "NEURODEBUG_SUITE_PROJECT": "proj",
        "NEURODEBUG_SUITE_SPLIT": "test",
    }
    plugin = "neurodebug.neural_debugger.groundtruth.corpus.suite_plugin"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", plugin]
    done = subprocess.run(
        [*command, "tests"], cwd=project, env=env, capture_output=True, text=True, timeout=120
    )
    assert "1 failed, 3 passed" in done.stdout, done.stdout + done.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {record["call"] for record in records} == {
        "total([1, 2], 0)",
        "fact(4)",
        "parse_int('no')",
        "total([1], 0)",
    }
    assert {record["meta"]["split"] for record in records} == {"test"}
    assert all(record["meta"]["test"].startswith("tests/test_mod.py::") for record in records)


def test_a_function_whose_calls_are_always_refused_stops_being_tried(tmp_path: Path) -> None:
    module = _load(tmp_path)
    out = io.StringIO()
    recorder = SuiteRecorder(
        str(tmp_path / "pkg"), out, project="demo", split="train", calls_per_function=2
    )
    sys.settrace(recorder.global_trace)
    try:
        for _ in range(50):
            module.describe(module.Opaque())  # opaque: refused at the call
            module.spin(400)  # past the step budget: dropped at the end
    finally:
        sys.settrace(None)
    assert out.getvalue() == ""
    assert sorted(recorder.tries.values()) == [8, 8]  # 4 tries per call kept, then never again


def test_a_project_that_is_one_module_is_traced_too(tmp_path: Path) -> None:
    module = _load(tmp_path)
    out = io.StringIO()
    recorder = SuiteRecorder(str(tmp_path / "pkg" / "mod.py"), out, project="one", split="train")
    sys.settrace(recorder.global_trace)
    try:
        module.fact(2)
    finally:
        sys.settrace(None)
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["call"] == "fact(2)" and record["meta"]["file"] == "mod.py"


def test_excluded_folders_are_never_recorded(tmp_path: Path) -> None:
    module = _load(tmp_path)
    out = io.StringIO()
    recorder = SuiteRecorder(
        str(tmp_path),
        out,
        project="p",
        split="train",
        exclude=(str(tmp_path / "other"), str(tmp_path / "pkg")),
    )
    sys.settrace(recorder.global_trace)
    try:
        module.fact(2)
    finally:
        sys.settrace(None)
    assert out.getvalue() == ""


def test_a_generator_started_in_one_recording_never_leaks_into_the_next(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "gen.py").write_text(
        "def start(xs):\n    it = (x * 2 for x in xs)\n    next(it)\n    return it\n\n\n"
        "def consume(n, it):\n    total = n\n    for x in it:\n        total += x\n    return total\n"
    )
    spec = importlib.util.spec_from_file_location("nd_suite_gen", package / "gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = io.StringIO()
    recorder = SuiteRecorder(str(package), out, project="p", split="train")
    sys.settrace(recorder.global_trace)
    try:
        assert module.consume(5, module.start([1, 2, 3])) == 15
    finally:
        sys.settrace(None)
    records = {
        json.loads(line)["meta"]["qualname"]: json.loads(line)
        for line in out.getvalue().splitlines()
    }
    stops = records["consume"]["trace"]["stops"]
    assert {stop["function"] for stop in stops} == {"consume"}
    assert all(stop["line"] >= 1 for stop in stops)


def test_literal_calls_are_only_those_that_can_be_written_back_and_rerun() -> None:
    from neurodebug.neural_debugger.groundtruth.corpus.suite_tracer import is_literal

    assert is_literal("[1, 2]") and is_literal("{'a': (1, 2.5)}")
    assert not is_literal("[1, 2, ...]") and not is_literal("...")  # a cut container
    assert not is_literal("<Box object>") and not is_literal("Box(2)")
