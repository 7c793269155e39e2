"""The predictor reads sources through the model's view; callers keep the source's own lines."""

from __future__ import annotations

import pytest
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.model.encoding import State
from neurodebug.neural_debugger.predict.inference import SourceTooLongError, load_predictor
from neurodebug.neural_debugger.predict.viewed import LineNotInViewError

from tests.neural_debugger.neural_fixtures import tiny_checkpoint

LONG_DOC = "\n".join(f"    Paragraph {n}: what the function is for, at length." for n in range(60))
SOURCE = f'''def bump(x):
    """Add one.

{LONG_DOC}
    """
    # a comment the model does not need

    y = x + 1  # and a trailing one
    return y
'''


def test_a_long_docstring_no_longer_makes_a_function_too_long() -> None:
    predictor = load_predictor(tiny_checkpoint())
    predictor.view = False
    with pytest.raises(SourceTooLongError):
        predictor.predict_trace(SOURCE, "bump", "bump(2)")
    predictor.view = True
    trace = predictor.predict_trace(SOURCE, "bump", "bump(2)")
    y_line = SOURCE.splitlines().index("    y = x + 1  # and a trailing one") + 1
    # folding decides each stop exactly; the lines are the file's, not the view's
    assert [(s.event, s.line) for s in trace.steps] == [
        ("call", 1), ("line", y_line), ("line", y_line + 1), ("return", y_line + 1),
    ]  # fmt: skip
    assert trace.result == "3"


def test_a_stop_on_a_line_without_code_is_refused_with_a_reason() -> None:
    predictor = load_predictor(tiny_checkpoint())
    comment_line = SOURCE.splitlines().index("    # a comment the model does not need") + 1
    state = State(step=Step(comment_line, "line", "bump", 0, {"x": "2"}))
    with pytest.raises(LineNotInViewError, match=f"line {comment_line} holds no code"):
        predictor.predict_steps(SOURCE, [(state, "step_over", ())])


def test_stops_and_breakpoints_map_through_the_view() -> None:
    predictor = load_predictor(tiny_checkpoint())
    y_line = SOURCE.splitlines().index("    y = x + 1  # and a trailing one") + 1
    state = State(step=Step(y_line, "line", "bump", 0, {"x": "2"}))
    (stop,) = predictor.predict_steps(SOURCE, [(state, "continue", (y_line + 1,))])
    assert (stop.event, stop.line, stop.changed) == ("line", y_line + 1, {"y": "3"})
