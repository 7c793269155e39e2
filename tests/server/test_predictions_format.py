"""What an executed line wrote, from real traces: the data behind inlay hints and hover values."""

from __future__ import annotations

import pytest
from neurodebug.neural_debugger.groundtruth.tracer import trace_source
from neurodebug.neural_debugger.predict.runs import label, line_values, tooltip, value_before

from tests.server.conftest import DATA

pytestmark = pytest.mark.e2e  # the tracer runs the code in a sandbox subprocess


@pytest.fixture(scope="module")
def loops_trace() -> object:
    return trace_source((DATA / "loops.py").read_text(), "running_total([3, 1, 4])")


def test_each_line_shows_what_it_wrote_and_loops_their_last_iteration(loops_trace: object) -> None:
    values = line_values(loops_trace, "running_total", 2, 6)  # type: ignore[arg-type]
    assert values[2].values == {"values": "[3, 1, 4]"}  # the call: its arguments
    assert values[3].values == {"total": "0"} and values[3].runs == 1
    assert values[4].values == {"value": "4"}  # last iteration of the loop header...
    assert values[4].runs == 4  # ...which ran once per value plus the exit test
    assert values[5].values == {"total": "8"} and values[5].runs == 3
    assert label(values[5], 40) == "total = 8 (×3)"


def test_labels_are_cut_to_the_width_and_tooltips_keep_everything(loops_trace: object) -> None:
    values = line_values(loops_trace, "running_total", 2, 6)  # type: ignore[arg-type]
    short = label(values[2], 12)
    assert len(short) <= 12 and short.endswith("…")
    text = tooltip(values[5], len(loops_trace.steps), "predicted for running_total([3, 1, 4])")  # type: ignore[attr-defined]
    assert "total = 8" in text
    assert f"of {len(loops_trace.steps)}" in text and "ran 3 times" in text  # type: ignore[attr-defined]


def test_value_at_a_line_is_the_last_one_seen_there(loops_trace: object) -> None:
    assert value_before(loops_trace, "running_total", 6, "total") == "8"  # type: ignore[arg-type]
    assert value_before(loops_trace, "running_total", 5, "value") == "4"  # type: ignore[arg-type]


def test_values_the_prediction_is_unsure_of_are_marked_with_their_probability(
    loops_trace: object,
) -> None:
    from dataclasses import replace

    steps = list(loops_trace.steps)  # type: ignore[attr-defined]
    # the stop after line 3 (`total = 0`) shows what it wrote; say the model was 40% sure of it
    after = next(i for i, s in enumerate(steps) if s.line == 4 and s.event == "line")
    steps[after] = replace(steps[after], probability=0.4)
    unsure = replace(loops_trace, steps=steps)  # type: ignore[type-var]
    values = line_values(unsure, "running_total", 2, 6)
    assert values[3].probability == 0.4 and values[5].probability == 1.0
    assert label(values[3], 40) == "≈ total = 0"
    assert label(values[3], 40, confident_at=0.3) == "total = 0"  # the editor's threshold
    assert label(values[5], 40) == "total = 8 (×3)"
    assert "probability 40%" in tooltip(values[3], len(steps), "predicted")
    assert steps[after] == loops_trace.steps[after]  # type: ignore[attr-defined]  # never in ==
