"""Predicted cost: entry-call discovery and step counting over traces."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.groundtruth.tracer import trace_source
from neurodebug.neural_debugger.predict.context import reduced_source, remap

from neurodebug.cost.predicted_cost import (
    count_lines,
    discover_entry_calls,
    predict_profile,
    profile_from_traces,
)
from neurodebug.cost.ranking import rank_records

DATA = Path(__file__).resolve().parent / "data"


def test_discovers_doctests_comments_and_test_calls(tmp_path: Path) -> None:
    module = tmp_path / "hot_cold.py"
    shutil.copy(DATA / "hot_cold.py", module)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_hot.py").write_text(
        "from hot_cold import cheap_total, unique_count\n\n"
        "def test_it():\n    n = 4\n    assert cheap_total(10) == 45\n    unique_count(n)\n"
    )
    (tests / "test_other.py").write_text("def test_x():\n    cheap_total(99)\n")  # no import
    calls = discover_entry_calls(module, module.read_text(), tmp_path)
    assert [(c.function, c.call, c.origin) for c in calls] == [
        ("unique_count", "unique_count(5)", "doctest"),
        ("counted", "counted([3, 1, 2])", "comment"),
        ("cheap_total", "cheap_total(10)", "test:test_hot.py"),
    ]


def test_non_literal_and_unknown_calls_are_skipped(tmp_path: Path) -> None:
    source = '"""\n>>> f(x)\n>>> g(1)\n>>> f(*[1])\n>>> f(1, k=[2])\n"""\n\ndef f(a, k=None):\n    return a\n'
    calls = discover_entry_calls(tmp_path / "m.py", source)
    assert [c.call for c in calls] == ["f(1, k=[2])"]


def test_counts_from_real_traces(tmp_path: Path) -> None:
    source = (DATA / "hot_cold.py").read_text()
    trace = trace_source(source, "unique_count(7)", filename=str(DATA / "hot_cold.py"))
    assert trace.status == "ok" and trace.result == "7"
    counts = count_lines(trace)
    assert counts[13] == 7 and counts[12] == 8 and counts[15] == 1
    profile = profile_from_traces(
        [(DATA / "hot_cold.py", trace), (DATA / "hot_cold.py", trace)], "two runs"
    )
    costs = profile.file(DATA / "hot_cold.py")
    assert costs is not None and costs[13].hits == 14
    assert profile.kind == "predicted" and profile.total == 2 * sum(counts.values())


class TracerAsPredictor:
    """Stands in for the neural predictor with the real tracer (same Trace schema)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls: list[str] = []

    def predict_trace(
        self,
        source: str,
        function: str,
        call: str,
        action: str = "step_into",
        breakpoints: Sequence[int] = (),
        max_steps: int = 50,
        *,
        module: str = "__neurodebug_main__",
    ) -> Trace:
        self.calls.append(call)
        trace = trace_source(source, call, filename=str(self.path))
        return Trace(steps=trace.steps[:max_steps], result=trace.result)


def test_predicted_profile_ranks_and_says_predicted(tmp_path: Path) -> None:
    module = tmp_path / "hot_cold.py"
    shutil.copy(DATA / "hot_cold.py", module)
    predictor = TracerAsPredictor(module)
    predicted = predict_profile([module], predictor, tmp_path, max_steps=500)
    profile = predicted.profile
    assert predictor.calls == ["unique_count(5)", "counted([3, 1, 2])"]
    assert len(predicted.used) == 2 and not predicted.skipped
    assert profile.kind == "predicted" and profile.unit == "steps"
    costs = profile.file(module)
    assert costs is not None and costs[13].hits == 5 and costs[33].hits == 1  # the file's lines
    records = [
        {
            "path": "hot_cold.py",
            "code": code,
            "line": line,
            "column": column,
            "end_line": line,
            "severity": "warning",
            "message": "m",
            "fix": None,
        }
        for code, line, column in (("ND201", 26, 15), ("ND302", 13, 21))
    ]
    ranked = rank_records(records, profile, base=tmp_path)
    assert ranked[0]["code"] == "ND302" and ranked[0]["ranking"]["hits"] == 5
    assert ranked[0]["ranking"]["cost"] == "predicted"
    assert "(predicted, not measured)" in ranked[0]["ranking"]["hover"]
    assert ranked[1]["severity"] == "hint"
    assert ranked[1]["ranking"]["hover"].startswith("predicted never to run")


def test_trace_without_line_stops_counts_nothing() -> None:
    trace = Trace(steps=[Step(line=3, event="call", function="f", depth=0)])
    assert count_lines(trace) == {}


def test_reduced_source_keeps_what_the_function_needs_and_maps_lines() -> None:
    source = (
        "import re\n"  # 1
        "LIMIT = 3\n"  # 2
        "OTHER = 4\n"  # 3
        "\n"  # 4
        "def helper(x):\n"  # 5
        "    return x + LIMIT\n"  # 6
        "\n"  # 7
        "def unrelated():\n"  # 8
        "    return OTHER\n"  # 9
        "\n"  # 10
        "def f(x):\n"  # 11
        "    return helper(x) * 2\n"  # 12
    )
    text, line_map = reduced_source(source, "f")
    assert "unrelated" not in text and "OTHER" not in text
    assert "LIMIT = 3" in text and "def helper" in text and "import re" in text
    for number, line in enumerate(text.splitlines(), start=1):
        original = line_map[number - 1]
        assert (original == 0 and line == "") or source.splitlines()[original - 1] == line
    trace = trace_source(text, "f(1)")
    assert trace.result == "8"
    mapped = remap(trace, line_map)
    assert sorted(count_lines(mapped)) == [6, 12]
