"""Debugger actions as pure functions of a full trace (the neural debugger paper's semantics).

A stop is an index into `trace.steps`; `None` means the program has ended. Every action maps a
stop to the next (or, for the inverse actions, previous) stop without running anything, so the
model's training pairs (state, action) -> next state come straight from a recorded trace:

- `step_into`: the next event, descending into calls;
- `step_over`: the next event at the same call depth or shallower (a call made from this line
  runs to completion unseen);
- `step_out`: the return of the current frame; from a return, the caller's next stop;
- `continue_to`: the next `line` event on a breakpoint line, at any depth (or the program's end);
- `step_back` / `step_back_over`: the inverse of step into / step over;
- `call_of`: from a return (or any stop in a frame), the frame's `call` event, whose locals are
  the arguments (the paper's inverse "step call": inputs from outputs).

A real debugger (debugpy) stops only before lines and once more in a caller after a return;
`debugger_stops` gives that view (used by `verify` to compare against real debugpy sessions).
"""

from __future__ import annotations

import dis
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from types import CodeType

from neurodebug.neural_debugger.groundtruth.trace import Trace

Stop = int | None

FORWARD_ACTIONS = ("step_into", "step_over", "step_out", "continue")
INVERSE_ACTIONS = ("step_back", "step_back_over", "call_of")
ACTIONS = FORWARD_ACTIONS + INVERSE_ACTIONS


def _check(trace: Trace, index: int) -> None:
    if not 0 <= index < len(trace.steps):
        raise IndexError(f"stop {index} is outside the trace (0..{len(trace.steps) - 1})")


def step_into(trace: Trace, index: int) -> Stop:
    """The next event, whatever its depth; None after the last one."""
    _check(trace, index)
    return index + 1 if index + 1 < len(trace.steps) else None


def step_over(trace: Trace, index: int) -> Stop:
    """The next event at the current depth or shallower."""
    _check(trace, index)
    depth = trace.steps[index].depth
    for later in range(index + 1, len(trace.steps)):
        if trace.steps[later].depth <= depth:
            return later
    return None


def step_out(trace: Trace, index: int) -> Stop:
    """The current frame's return event; from a return event, the caller's next stop."""
    _check(trace, index)
    here = trace.steps[index]
    for later in range(index + 1, len(trace.steps)):
        step = trace.steps[later]
        if step.depth < here.depth:
            return later
        if here.event != "return" and step.depth == here.depth and step.event == "return":
            return later
    return None


def continue_to(trace: Trace, index: int, breakpoints: Collection[int]) -> Stop:
    """The next line event on a breakpoint line (any depth); None: runs to the end."""
    _check(trace, index)
    for later in range(index + 1, len(trace.steps)):
        step = trace.steps[later]
        if step.event == "line" and step.line in breakpoints:
            return later
    return None


def step_back(trace: Trace, index: int) -> Stop:
    """The previous event (inverse step into); None before the first."""
    _check(trace, index)
    return index - 1 if index > 0 else None


def step_back_over(trace: Trace, index: int) -> Stop:
    """The previous event at the current depth or shallower (inverse step over)."""
    _check(trace, index)
    depth = trace.steps[index].depth
    for earlier in range(index - 1, -1, -1):
        if trace.steps[earlier].depth <= depth:
            return earlier
    return None


def call_of(trace: Trace, index: int) -> Stop:
    """The `call` event of the frame this stop is in: its locals are the call's arguments."""
    _check(trace, index)
    depth = trace.steps[index].depth
    for earlier in range(index, -1, -1):
        step = trace.steps[earlier]
        if step.depth < depth:
            return None
        if step.depth == depth and step.event == "call":
            return earlier
    return None


def apply(trace: Trace, index: int, action: str, breakpoints: Collection[int] = ()) -> Stop:
    """Apply a named action (one of `ACTIONS`) to a stop."""
    table: dict[str, Callable[[Trace, int], Stop]] = {
        "step_into": step_into,
        "step_over": step_over,
        "step_out": step_out,
        "step_back": step_back,
        "step_back_over": step_back_over,
        "call_of": call_of,
    }
    if action == "continue":
        return continue_to(trace, index, breakpoints)
    if action not in table:
        raise ValueError(f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
    return table[action](trace, index)


# --------------------------------------------------------------------------------------------
# The view of a real line debugger (debugpy / pydevd), checked against real sessions.
#
# It stands before lines, so its positions are the trace's `line` events, plus one position per
# `return` event of a non-entry frame that is not a yield: after a frame returns (or is left by an
# exception), pydevd stops once more in the caller, on the line that made the call, before that
# line finishes. Its actions are then: stepIn = the next position; next = the next position made
# by an event at the current frame's depth or shallower; stepOut = the position made by the
# current frame's return; continue = the next `line` event on a breakpoint line. A generator's
# yield makes no caller stop, unless it happens on one of its "return lines" (`return_lines`).


@dataclass(frozen=True)
class DebuggerStop:
    """Where a line debugger stands: the trace index that put it there, and what it shows."""

    index: int
    line: int
    function: str
    depth: int
    locals: dict[str, str]


YieldStops = Mapping[str, Collection[int]]
"""Per function name, the lines where a yield also makes a stop in the caller (see below)."""


def return_lines(source: str) -> dict[str, set[int]]:
    """Per function name, the lines holding a return instruction (pydevd's "return lines").

    pydevd treats a generator's return event as a real return, stopping in the caller, only
    when it happens on such a line — so a one-line generator expression stops there per item.
    """
    found: dict[str, set[int]] = {}
    pending = [compile(source, "<source>", "exec")]
    while pending:
        code = pending.pop()
        pending.extend(const for const in code.co_consts if isinstance(const, CodeType))
        for instruction in dis.get_instructions(code):
            if instruction.opname == "RETURN_VALUE" and instruction.positions is not None:
                line = instruction.positions.lineno
                if line is not None:
                    found.setdefault(code.co_name, set()).add(line)
    return found


def debugger_stop(
    trace: Trace, index: int, yield_stops: YieldStops | None = None
) -> DebuggerStop | None:
    """The debugger position the event at `index` makes, or None if it makes none."""
    step = trace.steps[index]
    if step.event == "line":
        return DebuggerStop(index, step.line, step.function, step.depth, step.locals)
    if step.event != "return" or step.depth == 0:
        return None
    if step.yielded and step.line not in (yield_stops or {}).get(step.function, ()):
        return None
    for earlier in range(index - 1, -1, -1):  # the caller's latest event: its current line
        caller = trace.steps[earlier]
        if caller.depth < step.depth:
            if caller.depth != step.depth - 1:
                return None
            return DebuggerStop(index, caller.line, caller.function, caller.depth, caller.locals)
    return None


def _frame_depth(trace: Trace, index: int, yield_stops: YieldStops | None) -> int:
    stop = debugger_stop(trace, index, yield_stops)
    return stop.depth if stop is not None else trace.steps[index].depth


def debugger_step(
    trace: Trace,
    index: int,
    action: str,
    breakpoints: Collection[int] = (),
    yield_stops: YieldStops | None = None,
) -> Stop:
    """The trace index of the debugger's next position after `action` from position `index`."""
    depth = _frame_depth(trace, index, yield_stops)
    for later in range(index + 1, len(trace.steps)):
        step = trace.steps[later]
        if action == "continue":
            if step.event == "line" and step.line in breakpoints:
                return later
            continue
        if debugger_stop(trace, later, yield_stops) is None:
            continue
        if action == "step_into":
            return later
        if action == "step_over" and step.depth <= depth:
            return later
        if action == "step_out" and step.event == "return" and step.depth <= depth:
            return later
        if action not in FORWARD_ACTIONS:
            raise ValueError(f"{action!r} is not a forward action")
    return None


def debugger_stops(
    trace: Trace,
    action: str,
    breakpoints: Collection[int] = (),
    max_stops: int = 10_000,
    yield_stops: YieldStops | None = None,
) -> list[DebuggerStop]:
    """The positions a debugger visits repeating `action` from the start of the entry call.

    The session starts with a step into the call, so the first position is the first line event;
    with `continue` it is the first breakpoint hit instead. Pass `return_lines(source)` as
    `yield_stops` to reproduce pydevd exactly on one-line generators.
    """
    if action not in FORWARD_ACTIONS:
        raise ValueError(f"{action!r} is not a forward action")
    current: Stop = None
    for index, step in enumerate(trace.steps):
        if step.event == "line" and (action != "continue" or step.line in breakpoints):
            current = index
            break
    stops: list[DebuggerStop] = []
    while current is not None and len(stops) < max_stops:
        stop = debugger_stop(trace, current, yield_stops)
        assert stop is not None
        stops.append(stop)
        current = debugger_step(trace, current, action, breakpoints, yield_stops)
    return stops
