"""Debugger actions as pure functions of a recorded trace (built by hand: no process needed)."""

from __future__ import annotations

import pytest
from neurodebug.neural_debugger.groundtruth.actions import (
    ACTIONS,
    apply,
    call_of,
    continue_to,
    debugger_stops,
    return_lines,
    step_back,
    step_back_over,
    step_into,
    step_out,
    step_over,
)
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace

# f(2) calls g twice:                       index
#   def g(x):            # 1
#       return x + 1     # 2
#   def f(n):            # 4
#       a = g(n)         # 5
#       b = g(a)         # 6
#       return b         # 7
STEPS = [
    Step(4, "call", "f", 0, {"n": "2"}),  # 0
    Step(5, "line", "f", 0, {"n": "2"}),  # 1
    Step(1, "call", "g", 1, {"x": "2"}),  # 2
    Step(2, "line", "g", 1, {"x": "2"}),  # 3
    Step(2, "return", "g", 1, {"x": "2"}, "3"),  # 4
    Step(6, "line", "f", 0, {"n": "2", "a": "3"}),  # 5
    Step(1, "call", "g", 1, {"x": "3"}),  # 6
    Step(2, "line", "g", 1, {"x": "3"}),  # 7
    Step(2, "return", "g", 1, {"x": "3"}, "4"),  # 8
    Step(7, "line", "f", 0, {"n": "2", "a": "3", "b": "4"}),  # 9
    Step(7, "return", "f", 0, {"n": "2", "a": "3", "b": "4"}, "4"),  # 10
]
TRACE = Trace(steps=STEPS, result="4")


def test_step_into_is_the_next_event() -> None:
    assert step_into(TRACE, 1) == 2
    assert step_into(TRACE, 4) == 5
    assert step_into(TRACE, 10) is None


def test_step_over_skips_deeper_events() -> None:
    assert step_over(TRACE, 1) == 5  # the call to g runs unseen
    assert step_over(TRACE, 5) == 9
    assert step_over(TRACE, 3) == 4  # inside g: its own return is at the same depth
    assert step_over(TRACE, 4) == 5  # from g's return, the caller
    assert step_over(TRACE, 10) is None


def test_step_out_goes_to_the_return_then_the_caller() -> None:
    assert step_out(TRACE, 2) == 4
    assert step_out(TRACE, 3) == 4
    assert step_out(TRACE, 4) == 5  # from the return: the caller's next stop
    assert step_out(TRACE, 1) == 10  # the entry's own return
    assert step_out(TRACE, 10) is None


def test_continue_stops_on_breakpoint_lines_at_any_depth() -> None:
    assert continue_to(TRACE, 0, {2}) == 3
    assert continue_to(TRACE, 3, {2}) == 7
    assert continue_to(TRACE, 7, {2}) is None  # runs to the end
    assert continue_to(TRACE, 0, {6, 2}) == 3
    assert continue_to(TRACE, 0, {1}) is None  # only line events hit breakpoints (not calls)


def test_inverse_actions() -> None:
    assert step_back(TRACE, 5) == 4 and step_back(TRACE, 0) is None
    assert step_back_over(TRACE, 9) == 5  # skips g's events backwards
    assert step_back_over(TRACE, 7) == 6
    # the call's arguments from its return: the inverse "step call"
    assert call_of(TRACE, 8) == 6 and TRACE.steps[6].locals == {"x": "3"}
    assert call_of(TRACE, 10) == 0 and TRACE.steps[0].locals == {"n": "2"}


def test_apply_dispatches_every_action() -> None:
    expected = {"step_into": 2, "step_over": 5, "step_out": 10, "continue": 3, "step_back": 0,
                "step_back_over": 0, "call_of": 0}  # fmt: skip
    assert set(expected) == set(ACTIONS)
    for action, index in expected.items():
        assert apply(TRACE, 1, action, breakpoints={2}) == index
    with pytest.raises(ValueError):
        apply(TRACE, 1, "jump")
    with pytest.raises(IndexError):
        step_into(TRACE, 11)


def test_debugger_view_stops_again_in_the_caller_after_a_return() -> None:
    into = [(stop.function, stop.line) for stop in debugger_stops(TRACE, "step_into")]
    assert into == [("f", 5), ("g", 2), ("f", 5), ("f", 6), ("g", 2), ("f", 6), ("f", 7)]
    over = [(stop.function, stop.line) for stop in debugger_stops(TRACE, "step_over")]
    assert over == [("f", 5), ("f", 6), ("f", 7)]
    assert [(s.function, s.line) for s in debugger_stops(TRACE, "step_out")] == [("f", 5)]
    hits = debugger_stops(TRACE, "continue", breakpoints={2})
    assert [(s.function, s.line, s.locals["x"]) for s in hits] == [("g", 2, "2"), ("g", 2, "3")]
    back_in_caller = debugger_stops(TRACE, "step_into")[2]
    assert back_in_caller.index == 4 and back_in_caller.locals == {"n": "2"}


def test_yields_make_no_caller_stop_unless_on_a_return_line() -> None:
    steps = [
        Step(5, "call", "f", 0, {}),
        Step(6, "line", "f", 0, {}),
        Step(1, "call", "gen", 1, {}),
        Step(2, "line", "gen", 1, {}),
        Step(2, "return", "gen", 1, {}, "0", yielded=True),
        Step(7, "line", "f", 0, {"v": "0"}),
        Step(7, "return", "f", 0, {"v": "0"}, "0"),
    ]
    trace = Trace(steps=steps)
    assert [s.line for s in debugger_stops(trace, "step_into")] == [6, 2, 7]
    with_return_line = debugger_stops(trace, "step_into", yield_stops={"gen": {2}})
    assert [s.line for s in with_return_line] == [6, 2, 6, 7]


def test_return_lines_finds_each_functions_returns() -> None:
    source = "def g(xs):\n    for x in xs:\n        yield x\n    return 5\n\ndef f(xs):\n    return sum(v for v in xs)\n"
    lines = return_lines(source)
    assert lines["g"] == {4}
    assert lines["<genexpr>"] == {7} and lines["f"] == {7}
