"""What a step back may land on, from the source alone (`stop_constraints`)."""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Callable
from types import FrameType
from typing import Any

from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.model.encoding import Frame, State
from neurodebug.neural_debugger.predict.constraints import (
    Constraints,
    folded_stop,
    stop_constraints,
)
from neurodebug.neural_debugger.predict.source_facts import source_facts

SOURCE = textwrap.dedent(
    '''\
    @staticmethod
    def scale(
        values, factor
    ):
        """Multiply every value.

        A docstring is no line of the frame.
        """
        out = []
        for v in values:
            out.append(v * factor)
        total = sum(
            out
        )
        return out

    def outer(n):
        def inner(k):
            return k + n
        return inner(n)
    '''
)


def back(
    line: int, event: str = "line", function: str = "scale", **more_locals: str
) -> Constraints:
    frame = {"values": "[1]", "factor": "2", **more_locals}
    state = State(Step(line, event, function, 0, frame))
    return stop_constraints(source_facts(SOURCE), state, "step_back", ())


def test_before_the_first_statement_is_only_the_call_at_the_first_decorator() -> None:
    rule = back(9)
    assert rule.events == {"call"}
    assert rule.lines("call") == {1}


def test_a_later_statement_is_never_preceded_by_the_call() -> None:
    rule = back(10)  # `v` is not bound yet: the loop is entered from `out = []`
    assert "call" not in rule.events
    assert rule.lines("line") == {9}
    assert rule.depths("line") == {0}
    assert back(10, v="1").lines("line") == {11}  # the body went round


def test_a_statement_over_several_lines_may_come_back_from_its_other_lines() -> None:
    # `total = sum(` is reported again after `out` on the next line is loaded
    assert back(12, v="1").lines("line") == {10, 13, 14}
    assert back(15, v="1").lines("line") == {12}


def test_before_a_return_is_its_own_line_or_what_that_line_called() -> None:
    rule = back(15, "return")
    assert rule.lines("line") == {15}
    assert "call" not in rule.events
    rule = back(20, "return", "outer")
    assert rule.lines("line") == {20}
    assert rule.lines("return") >= {19}  # `inner` returned to it
    assert rule.depths("return") == {1}


def test_a_nested_def_line_follows_the_enclosing_frames_header() -> None:
    rule = back(18, function="outer")  # `def inner` is outer's first statement
    assert rule.events == {"call"}
    assert rule.lines("call") == {17}
    rule = back(19, function="inner")  # inner's first line: only inner's call, never line 18
    assert rule.events == {"call"}
    assert rule.lines("call") == {18}


def go_on(line: int, breakpoints: tuple[int, ...], source: str = SOURCE, **frame: str) -> set[int]:
    """The breakpoint lines a continue from `scale`'s `line` may stop at."""
    function = "scale" if source is SOURCE else "walk"
    state = State(Step(line, "line", function, 0, {"values": "[1]", **frame}))
    return set(stop_constraints(source_facts(source), state, "continue", breakpoints).lines("line"))


def test_a_continue_never_stops_on_a_docstring_or_a_header() -> None:
    assert go_on(9, (1, 2, 5, 6)) == set()


def test_a_continue_reaches_only_what_the_frame_can_still_run() -> None:
    assert go_on(12, (9, 10, 11, 15)) == {15}  # the loop is behind
    assert go_on(11, (9, 10, 11, 15), v="1") == {10, 11, 15}  # inside it: round again
    assert go_on(13, (12,)) == {12}  # `total = sum(` is reported again after `out`


def test_a_continue_keeps_lines_another_call_may_reach() -> None:
    recursive = textwrap.dedent(
        """\
        def walk(values):
            total = [v for v in values]
            if len(values) > 1:
                walk(values[1:])
            def visit(x):
                return x
            return total
        """
    )
    # `walk` calls itself: its first lines may stop again in a deeper frame
    assert go_on(7, (2, 3, 6), recursive) == {2, 3, 6}
    plain = recursive.replace("walk(values[1:])", "print(values[1:])")
    # no other call of `walk`: only `visit` (a frame of its own) remains ahead of line 7
    assert go_on(7, (2, 3, 6), plain) == {2, 6}


def test_a_comprehension_frame_steps_on_its_own_lines_and_returns_to_its_caller() -> None:
    source = textwrap.dedent(
        """\
        def table(rows):
            cells = [
                str(cell) for row in rows
                for cell in row
            ]
            return cells
        """
    )
    facts = source_facts(source)
    caller = Frame("table", 2, {"rows": "[[1]]"})
    inside = State(Step(3, "line", "<listcomp>", 1, {}), (caller,))
    over = stop_constraints(facts, inside, "step_over", ())
    assert over.events == {"line", "exception", "return"}
    assert over.lines("line") == {2, 3, 4, 5}  # `[` to `]`; `return cells` is the caller's
    assert over.depths("line") == {1}
    back_in_caller = State(Step(3, "return", "<listcomp>", 1, {}), (caller,))
    rule = stop_constraints(facts, back_in_caller, "step_over", ())
    assert rule.depths("line") == {0}
    assert 6 in rule.lines("line")


def test_a_one_line_function_body_is_not_folded_as_its_def_line() -> None:
    # From the body's line event (it shares the `def` line), the frame returns: folding read
    # the line as the function's header and went round to the same line with certainty.
    source = "def touch(self) -> None: ...\n"
    facts = source_facts(source)
    state = State(Step(1, "line", "touch", 0, {"self": "<Plugin object>"}))
    assert folded_stop(facts, state, "step_over") is None
    rule = stop_constraints(facts, state, "continue", (1,))
    assert rule.may_end


RETURNS = textwrap.dedent(
    """\
    def marker(depth, entry, comment):
        label = "[" * depth
        return "%s%s%s%s" % (label,
                             entry.strip(),
                             "]" * depth,
                             comment)

    def tally(items):
        count = 0
        for item in items:
            count += item
        if count:
            print(
                count,
            )

    def shielded(path):
        with open(path) as handle:
            text = handle.read()
        return text
    """
)


def _returns(action: str, line: int, function: str) -> frozenset[int]:
    facts = source_facts(RETURNS)
    state = State(Step(line, "line", function, 0, {}))
    rule = stop_constraints(facts, state, action, ())
    return rule.lines("return") if "return" in rule.events else frozenset()


def test_a_return_stop_with_a_value_is_only_where_one_can_be() -> None:
    # inside `return …` written over four lines: CPython returns on its first line
    assert _returns("step_over", 4, "marker") == {3}
    assert _returns("step_into", 5, "marker") == {3}
    # a statement in the middle of a frame cannot return (an exception stop comes first)
    assert _returns("step_over", 2, "marker") == frozenset()
    assert _returns("step_over", 11, "tally") == frozenset()
    # falling off the end: the `if` when it is false, the last statement's first line
    assert _returns("step_over", 12, "tally") == {12}
    assert _returns("step_over", 14, "tally") == {13}  # on the call's first line only
    # inside a `with` the frame never returns on the line itself: `__exit__` runs on the `with`
    # line and the return is reported there
    assert _returns("step_over", 19, "shielded") == frozenset()


def _returns_traced(source: str, run: Callable[[dict[str, Any]], object]) -> list[tuple[str, int]]:
    """(function, line) of every `return` event while `run` calls the functions `source`
    defines, under a real `sys.settrace`."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<traced>", "exec"), namespace)
    seen: list[tuple[str, int]] = []

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_filename == "<traced>" and event == "return":
            seen.append((frame.f_code.co_name, frame.f_lineno))
        return tracer

    sys.settrace(tracer)
    try:
        run(namespace)
    finally:
        sys.settrace(None)
    return seen


def test_every_value_return_cpython_makes_is_allowed() -> None:
    """Run the functions for real: each `return` event that carries a value (no exception
    unwinding) is on a line `value_returns` holds."""

    def run(namespace: dict[str, Any]) -> None:
        namespace["marker"](2, " x ", "# c")
        namespace["tally"]([1, 2])
        namespace["tally"]([])

    seen = _returns_traced(RETURNS, run)
    assert seen == [("marker", 3), ("tally", 13), ("tally", 12)]
    facts = source_facts(RETURNS)
    assert {line for _, line in seen} <= facts.value_returns


def test_a_step_out_ends_on_a_returns_first_line_or_a_raise() -> None:
    assert _returns("step_out", 4, "marker") == {3}  # not the `return`'s other lines
    assert _returns("step_out", 10, "tally") == {12, 13}  # falls off after either


WITHS = textwrap.dedent(
    """\
    import contextlib
    import threading

    LOCK = threading.Lock()

    def early(flag):
        with LOCK:
            if flag:
                return 1
            value = 2
        return value

    def nested(value):
        with LOCK:
            with contextlib.nullcontext():
                return value

    def failing(items):
        with LOCK:
            return items[5]

    def finished(value):
        try:
            with LOCK:
                return value
        finally:
            value = 0

    def maker(n):
        with LOCK:
            def inner():
                return n
            return inner
    """
)


def test_a_frame_returns_inside_a_with_body_only_by_an_exception() -> None:
    """Run the functions for real: a `return` or a fall-off inside a `with` block is reported
    on the `with` line after `__exit__` (or on a `finally` around it), never on a
    `with_bodies` line; an exception leaving the block is reported on the line that raised it.
    A step out from the first body line admits each real return, and one from the exception
    stop the raising line."""

    def run(namespace: dict[str, Any]) -> None:
        namespace["early"](True)
        namespace["early"](False)
        namespace["nested"](3)
        with contextlib.suppress(IndexError):
            namespace["failing"]([])
        namespace["finished"](4)
        namespace["maker"](5)()

    seen = _returns_traced(WITHS, run)
    assert seen == [
        ("early", 7), ("early", 11), ("nested", 14), ("failing", 20), ("finished", 27),
        ("maker", 30), ("inner", 32),
    ]  # fmt: skip
    facts = source_facts(WITHS)
    assert {8, 9, 10, 15, 16, 20, 25, 33} <= facts.with_bodies
    assert not {7, 14, 19, 24, 30, 32} & facts.with_bodies  # `with` lines; `inner`'s own frame
    first_body_line = {"early": 8, "nested": 15, "finished": 25, "maker": 33}
    for function, line in seen:
        if function in first_body_line:
            assert line not in facts.with_bodies
            state = State(Step(first_body_line[function], "line", function, 0, {}))
            rule = stop_constraints(facts, state, "step_out", ())
            assert line in rule.lines("return"), (function, line)
            assert not rule.lines("return") & (facts.with_bodies - {line})
    raising = State(Step(20, "exception", "failing", 0, {}))
    assert 20 in stop_constraints(facts, raising, "step_out", ()).lines("return")


FALL_OFF = textwrap.dedent(
    """\
    def g(*args):
        return None

    def called(x):
        g(
            x,
            "a" % (),
        )

    def stored(x):
        y = [
            x,
            x + 1,
        ]

    def nested(x):
        if x:
            g(x,
              x)

    def unpacked(pair):
        (first,
         second) = pair
    """
)


def test_falling_off_after_a_simple_statement_returns_on_its_first_line() -> None:
    """Run the functions for real: a frame that falls off after an expression statement or an
    assignment whose targets sit on its first line returns on that first line, so the later
    lines are no value returns; targets over several lines keep them (the last store is on a
    later line)."""

    def run(namespace: dict[str, Any]) -> None:
        namespace["called"](1)
        namespace["stored"](1)
        namespace["nested"](1)
        namespace["unpacked"]((1, 2))

    seen = _returns_traced(FALL_OFF, run)
    returns = [(name, line) for name, line in seen if name != "g"]
    assert returns == [("called", 5), ("stored", 11), ("nested", 18), ("unpacked", 23)]
    facts = source_facts(FALL_OFF)
    assert {5, 11, 18, 22, 23} <= facts.value_returns
    assert not {6, 7, 8, 12, 13, 14, 19} & facts.value_returns
