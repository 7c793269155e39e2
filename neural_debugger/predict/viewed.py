"""Lines in and out of the model's view of a source (`model.source_view`).

The predictor reads every source through its view (no docstrings, comments or blank lines, lines
numbered densely), so a real function spends its window on code. Callers keep speaking in the
source's own lines: states and breakpoints go in through `state_in` / `lines_in`, stops and
traces come out through `stop_out` / `trace_out`. A state on a line the view dropped cannot be
asked about: no stop ever happens there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.model.encoding import Frame, State, Stop
from neurodebug.neural_debugger.model.source_view import View
from neurodebug.neural_debugger.predict.constraints import PredictionError


class LineNotInViewError(PredictionError):
    """A stop was given on a line that holds no code (a comment, a docstring, a blank line)."""


def _line_in(view: View, line: int) -> int:
    found = view.to_view_line(line)
    if found is None:
        raise LineNotInViewError(f"line {line} holds no code (a comment, docstring or blank line)")
    return found


def state_in(view: View, state: State) -> State:
    """The state with its stop's and its callers' lines in the view's numbering."""
    step = replace(state.step, line=_line_in(view, state.step.line))
    outer = tuple(
        Frame(frame.function, _line_in(view, frame.line), frame.locals) for frame in state.outer
    )
    return State(step=step, outer=outer)


def lines_in(view: View, lines: Sequence[int]) -> list[int]:
    """The lines the view holds, in its numbering (breakpoints on dropped lines never hit)."""
    found = (view.to_view_line(line) for line in lines)
    return [line for line in found if line is not None]


def _line_out(view: View, line: int) -> int:
    try:
        return view.to_real_line(line)
    except IndexError:  # a line past the view: keep it, the caller shows it as predicted
        return line


def stop_out(view: View, stop: Stop) -> Stop:
    """A stop predicted on the view, in the source's lines."""
    if stop.end or stop.line <= 0:
        return stop
    return replace(stop, line=_line_out(view, stop.line))


def trace_out(view: View, trace: Trace) -> Trace:
    """A trace predicted on the view, in the source's lines."""
    steps = [replace(step, line=_line_out(view, step.line)) for step in trace.steps]
    return replace(trace, steps=steps)
