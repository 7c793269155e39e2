"""Folding across the program's own calls: every stop equal to a real trace, or no answer."""

from __future__ import annotations

import ast

import pytest
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.groundtruth.tracer import trace_source
from neurodebug.neural_debugger.model.dataset import states_of
from neurodebug.neural_debugger.model.encoding import State, apply_stop
from neurodebug.neural_debugger.predict.constraints import folded_stop, folded_stops
from neurodebug.neural_debugger.predict.source_facts import source_facts

LATTICE = """
def count_paths(rows, cols):
    if rows == 0 or cols == 0:
        return 1
    return count_paths(rows - 1, cols) + count_paths(rows, cols - 1)
"""

FIB_BY_ASSIGNMENTS = """
def fib(n):
    if n < 2:
        return n
    a = fib(n - 1)
    b = fib(n - 2)
    return a + b
"""

HELPERS = """
def scale(x, factor=3):
    return x * factor


def is_even(n):
    return n % 2 == 0


def inc(x):
    return x + 1


def total(n):
    s = 0
    i = 0
    while scale(i, 1) < n:
        if is_even(i):
            s += scale(i)
        else:
            s += inc(inc(i))
        i += 1
    return (s, 'done')
"""

MUTATES_ITS_ARGUMENT = """
def push(xs, v):
    xs.append(v)
    return len(xs)


def fill(v):
    items = [1]
    n = push(items, v)
    return items, n
"""

READS_A_GLOBAL = """
LIMIT = 3


def capped(x):
    return min(x, LIMIT)


def run(x):
    y = capped(x)
    return y
"""

RAISES = """
def check(x):
    if x < 0:
        raise ValueError('negative')
    return x


def run(x):
    y = check(x)
    return y
"""

NESTED_HELPER = """
def label_blanks(cells, mark):
    def blank_or_same(value, mark='-'):
        if isinstance(value, str) and not value.strip():
            return mark
        return value

    out = []
    for cell in cells:
        out.append(blank_or_same(cell, mark))
    first = blank_or_same(cells[0]) if cells else None
    return out, first
"""

NESTED_READS_ITS_ENCLOSING = """
def shifted(xs, by):
    def shift(x):
        return x + by

    total = 0
    for x in xs:
        total += shift(x)
    return total
"""

DEEP = """
def down(n):
    if n == 0:
        return 0
    return down(n - 1)
"""


def _view(step: Step) -> tuple[object, ...]:
    return (step.event, step.line, step.function, step.depth, step.locals, step.value)


def _fold_every_step(source: str, call: str) -> tuple[list[Step], list[Step]]:
    """The real steps of `call`, and the steps folding alone predicts from its first stop."""
    real = trace_source(source, call).steps
    facts = source_facts(source)
    state = State(step=real[0])
    predicted = [real[0]]
    while len(predicted) < len(real):
        stops = folded_stops(facts, state, "step_into")
        if not stops:
            break
        for stop in stops:
            state = apply_stop(state, stop)
            predicted.append(state.step)
    return real, predicted


@pytest.mark.parametrize(
    ("source", "call"),
    [
        (LATTICE, "count_paths(2, 1)"),
        (LATTICE, "count_paths(3, 3)"),
        (FIB_BY_ASSIGNMENTS, "fib(6)"),
        (HELPERS, "total(7)"),
        (NESTED_HELPER, "label_blanks(['a', ' ', '', 7], '?')"),
        (NESTED_HELPER, "label_blanks(['  '], '.')"),
    ],
    ids=[
        "lattice-small",
        "lattice-3x3",
        "fib-assignments",
        "helpers-defaults-while-if",
        "nested-helper",
        "nested-helper-default",
    ],
)
def test_whole_calls_fold_stop_for_stop_like_the_real_trace(source: str, call: str) -> None:
    real, predicted = _fold_every_step(source, call)
    assert any(step.depth > 0 for step in real)  # the call really enters own functions
    assert [_view(s) for s in predicted] == [_view(s) for s in real]


def test_step_over_a_line_of_own_calls_lands_on_its_own_next_stop() -> None:
    trace = trace_source(FIB_BY_ASSIGNMENTS, "fib(5)")
    facts = source_facts(FIB_BY_ASSIGNMENTS)
    states = states_of(trace)
    at_first_call = next(s for s in states if s.step.event == "line" and s.step.line == 5)
    after = folded_stop(facts, at_first_call, "step_over")
    assert after is not None
    assert (after.event, after.line, after.depth, after.changed) == ("line", 6, 0, {"a": "3"})
    into = folded_stop(facts, at_first_call, "step_into")
    assert into is not None
    assert (into.event, into.line, into.depth, into.changed) == ("call", 2, 1, {"n": "4"})


@pytest.mark.parametrize(
    ("source", "call", "line"),
    [
        (MUTATES_ITS_ARGUMENT, "fill(4)", 9),  # the callee's change would be lost on a copy
        (READS_A_GLOBAL, "run(5)", 10),  # a module global is not a value the stop shows
        (RAISES, "run(-1)", 9),  # exceptions inside a callee are left to the model
        (DEEP, "down(30)", 5),  # past the depth cap
        (NESTED_READS_ITS_ENCLOSING, "shifted([1, 2], 3)", 8),  # `by` lives in the caller
    ],
    ids=["mutable-argument", "global-read", "raises", "too-deep", "nested-free-name"],
)
def test_calls_that_cannot_fold_exactly_get_no_answer(source: str, call: str, line: int) -> None:
    facts = source_facts(source)
    trace = trace_source(source, call)
    assert trace.status in ("ok", "exception")
    state = next(s for s in states_of(trace) if s.step.event == "line" and s.step.line == line)
    assert folded_stop(facts, state, "step_into") is None
    assert folded_stop(facts, state, "step_over") is None


def test_a_default_that_is_no_python_literal_leaves_the_function_out_instead_of_failing() -> None:
    from neurodebug.neural_debugger.predict.call_folding import own_callables

    tree = ast.parse("def stub(x=...):\n    return x\n\ndef plain(y=2):\n    return y\n")
    assert set(own_callables(tree)) == {"plain"}  # `...` reads back as the name Ellipsis


def test_a_local_that_shadows_an_own_function_is_not_that_function() -> None:
    source = (
        "def twice(x):\n    return 2 * x\n\ndef run(x, twice):\n    y = twice(x)\n    return y\n"
    )
    facts = source_facts(source)
    state = State(step=Step(5, "line", "run", 0, {"x": "3", "twice": "<built-in function abs>"}))
    assert folded_stop(facts, state, "step_into") is None
    assert folded_stop(facts, state, "step_over") is None


DECORATED = (
    "import functools\n"
    "\n"
    "class Box:\n"
    "    @staticmethod\n"
    "    @functools.lru_cache(maxsize=None)\n"
    "    def area(w, h):\n"
    '        """Docstrings run no code."""\n'
    "        return w * h\n"
)


def test_a_decorated_function_starts_at_its_first_decorator_and_steps_into_its_body() -> None:
    trace = trace_source(DECORATED, "Box.area(2, 3)")
    real = [(step.event, step.line) for step in trace.steps]
    assert real[:2] == [("call", 4), ("line", 8)]  # `co_firstlineno` is the decorator's line
    stop = folded_stop(source_facts(DECORATED), State(step=trace.steps[0]), "step_into")
    assert stop is not None and (stop.event, stop.line) == ("line", 8)
