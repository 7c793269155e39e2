"""Constant folding: exact where it decides, silent where it cannot, never running user code."""

from __future__ import annotations

import ast
import itertools
import random

import pytest
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.groundtruth.tracer import trace_source
from neurodebug.neural_debugger.model.dataset import Program, sample_transitions, states_of
from neurodebug.neural_debugger.model.encoding import State, apply_stop
from neurodebug.neural_debugger.predict.constraints import folded_stop
from neurodebug.neural_debugger.predict.folded_steps import fold_facts
from neurodebug.neural_debugger.predict.folding import Folder, NotFoldable, bound_names
from neurodebug.neural_debugger.predict.source_facts import source_facts

from tests.neural_debugger.neural_fixtures import PROGRAMS

BRANCHES = (
    "def classify(n, words):\n"
    "    label = 'none'\n"
    "    if len(str(n)) >= 2 and n % 2 == 0:\n"
    "        label = 'even-wide'\n"
    "    elif 'x' in words:\n"
    "        label = 'x'\n"
    "    else:\n"
    "        label = label.upper()\n"
    "    count = 0\n"
    "    while count < len(words):\n"
    "        count += 1\n"
    "    try:\n"
    "        return label + str(count)\n"
    "    finally:\n"
    "        count = -1\n"
)
CALLS = ("classify(12, ['a'])", "classify(3, ['x', 'y'])", "classify(5, [])")

LOOPS = (
    "def tally(words, limit):\n"
    "    seen = []\n"
    "    counts = {}\n"
    "    for w in words:\n"
    "        if len(w) > limit:\n"
    "            continue\n"
    "        seen.append(w)\n"
    "        counts[w] = counts.get(w, 0) + 1\n"
    "        print(w, len(seen))\n"
    "    try:\n"
    "        first = seen[0]\n"
    "    except IndexError as err:\n"
    "        first = ''\n"
    "    alias = seen\n"
    "    seen.append('end')\n"
    "    return first, counts\n"
)
PAIRS = (
    "def label(words):\n"
    "    out = []\n"
    "    for i, w in enumerate(words):\n"
    "        out.append(w * i)\n"
    "    return out\n"
)
NESTED_TRY = (
    "def nested(n):\n"
    "    try:\n"
    "        try:\n"
    "            if n > 0:\n"
    "                raise KeyError(n)\n"
    "            raise ValueError(n)\n"
    "        except KeyError as e:\n"
    "            x = 1\n"
    "        finally:\n"
    "            y = 2\n"
    "    except ValueError:\n"
    "        z = 3\n"
    "    return 0\n"
)
LOOP_CALLS = ("tally(['ab', 'abcdef', 'cd', 'ab'], 3)", "tally([], 1)", "tally(['x', 'y'], 1)")


def fold(text: str, **locals_: str) -> object:
    tree = ast.parse(text, mode="eval")
    return Folder(dict(locals_)).fold(tree.body)


def test_pure_expressions_fold_to_python_values() -> None:
    assert fold("len(str(4)) >= 4") is False
    assert fold("n % 3 == 1 or missing", n="4") is True  # short circuit: `missing` is not read
    assert fold("0 < n <= 5 < m", n="3", m="9") is True
    assert fold("sorted(xs)[-1] + max(2, len(s))", xs="[3, 1, 2]", s="'abcd'") == 7
    assert fold("w.startswith('b') and d.get('k', 0)", w="'bee'", d="{'k': 2}") == 2
    assert fold("t[1:] * 2", t="(1, 2)") == (2, 2)
    assert fold("9 // (3 - 4)") == -9
    assert fold("sorted(d.items())", d="{'b': 1, 'a': 2}") == [("a", 2), ("b", 1)]
    assert fold("list(zip(xs, s)) + [max(enumerate(xs))]", xs="[1, 2]", s="'ab'") == [
        (1, "a"),
        (2, "b"),
        (1, 2),
    ]
    assert fold("'k' in d.keys() and len(d.values()) == 1", d="{'k': 0}") is True


@pytest.mark.parametrize(
    ("text", "locals_"),
    [
        ("helper(3)", {}),  # a function of the source: user code
        ("obj.value", {"obj": "<Account object>"}),  # not a literal
        ("span", {"span": "[0,2]"}),  # an object whose repr only looks like a list
        ("name + 'x'", {"name": '"a"'}),  # a str subclass: a str shows 'a'
        ("1 + n", {"n": "0x10"}),  # an int shows 16
        ("xs[0]", {"xs": "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...]"}),  # summarised by the tracer
        ("list(s)[0]", {"s": "{'a', 'b'}"}),  # set order depends on the hash seed
        ("1 / 0", {}),  # the line raises: the model says what
        ("'a' * 10 ** 9", {}),
        ("2 ** 10 ** 6", {}),
        ("len(range(10 ** 12))", {}),
        ("'x'.zfill(10 ** 9)", {}),
        ("s.replace('a', s * 100)", {"s": repr("a" * 70)}),  # 70 x 7,000 characters
        ("xs.append(1)", {"xs": "[]"}),  # a method that changes its receiver
        ("[v for v in xs]", {"xs": "[1]"}),
        ("unknown + 1", {}),
        ("d.keys() == ['a']", {"d": "{'a': 1}"}),  # a view is not a list
        ("str(d.items())", {"d": "{'a': 1}"}),
        ("len(enumerate(xs))", {"xs": "[1]"}),
        ("a is b", {"a": "300", "b": "300"}),  # equal ints: one object or two
        ("s is t", {"s": "'x'", "t": "'x'"}),
        ("'{0.real}'.format(n)", {"n": "1"}),  # attribute lookups in a field
        ("'{0[0]}'.format(xs)", {"xs": "[1]"}),
        ("'%10000000d' % n", {"n": "1"}),  # would build a huge string first
        ("'%*d' % (w, 1)", {"w": "1000000000"}),
        ("f'{n:>{w}}'", {"n": "1", "w": "1000000000"}),
        ("'{:{}}'.format(1, w)", {"w": "1000000000"}),
        ("f'{s}'", {"s": "{'a', 'b'}"}),  # set order
        ("f'{s!r}'", {"s": "{'a', 'b'}"}),
        ("'%s' % (s,)", {"s": "{'a', 'b'}"}),
        ("isinstance(x, Point)", {"x": "1"}),  # a class folding does not know
        ("isinstance(x, dict) and x", {"x": "{}", "dict": "'shadowed'"}),
        ("f(**kw)", {"kw": "{}"}),
        ("sorted(xs, key=lambda v: -v)", {"xs": "[1]"}),
        ("s.expandtabs(n)", {"s": "'\\t'", "n": "10000"}),  # not a whitelisted method
    ],
)
def test_what_folding_refuses(text: str, locals_: dict[str, str]) -> None:
    with pytest.raises(NotFoldable):
        fold(text, **locals_)


AS_PYTHON_COMPUTES = [
    ("x is None or y is not None", {"x": "0", "y": "None"}),
    ("flag is True", {"flag": "1"}),
    ("isinstance(s, (str, bytes)) and not isinstance(n, bool)", {"s": "'a'", "n": "3"}),
    ("isinstance(n, int) and isinstance(True, int)", {"n": "3"}),
    (
        "f'{name}: {count:>4} {ratio:.2f} {name!r} {items}'",
        {"name": "'a'", "count": "7", "ratio": "0.125", "items": "[1, 'b']"},
    ),
    ("f'{n=}|{w:{fill}^{width}}|'", {"n": "2", "w": "'x'", "fill": "'*'", "width": "5"}),
    ("'{0:^%ds}' % width", {"width": "6"}),
    ("('{0:^%ds}' % width).format(s)", {"width": "6", "s": "'ab'"}),
    ("'%s=%r (%d%%)' % (k, v, p)", {"k": "'a'", "v": "'b'", "p": "50"}),
    ("'%(a)s-%(b)05.1f' % d", {"d": "{'a': 1, 'b': 2.25}"}),
    ("'{0}, {k} and {0}'.format(x, k=y)", {"x": "1", "y": "[2]"}),
    ("format(n, ',') + format(r, '.1%')", {"n": "1234567", "r": "0.256"}),
    ("s.partition('=')[2].rjust(6, '.') + s.center(9)", {"s": "'key=val'"}),
    ("line.rsplit(',', maxsplit=1)", {"line": "'a,b,c'"}),
    ("body.splitlines(keepends=True)", {"body": "'a\\nb\\r\\n'"}),
    ("sorted(xs, reverse=True, key=str)", {"xs": "[10, 9, 100]"}),
    ("max(xs, default=-1) + min([], default=0)", {"xs": "[]"}),
    ("int(s, base=16) + int('11', 2)", {"s": "'ff'"}),
    ("d.copy() == d and xs.copy()", {"d": "{'a': 1}", "xs": "[1]"}),
    ("n.bit_length() + x.is_integer()", {"n": "255", "x": "2.0"}),
    ("s.removeprefix('ab').removesuffix('z').casefold().swapcase()", {"s": "'abXyz'"}),
    ("repr(s) + chr(ord('a') + 1) + hex(255) + bin(5) + oct(8)", {"s": "'q'"}),
    ("s.index('b') + s.rindex('b')", {"s": "'abcb'"}),
    ("s.isidentifier() and s.istitle() or s.isnumeric()", {"s": "'Ab'"}),
]


@pytest.mark.parametrize(("text", "locals_"), AS_PYTHON_COMPUTES)
def test_folding_agrees_with_python(text: str, locals_: dict[str, str]) -> None:
    values = {name: ast.literal_eval(value) for name, value in locals_.items()}
    expected = eval(text, {}, values)  # the test's own expressions
    assert fold(text, **locals_) == expected
    assert type(fold(text, **locals_)) is type(expected)


def test_a_builtin_the_source_rebinds_is_not_the_builtin() -> None:
    tree = ast.parse("def len(x):\n    return 0\n\ndef f(s):\n    return len(s)\n")
    folder = Folder({"s": "'abc'"}, bound_names(tree))
    with pytest.raises(NotFoldable):
        folder.fold(ast.parse("len(s)", mode="eval").body)


def traced(source: str, calls: tuple[str, ...]) -> list[Program]:
    return [
        Program(source, ((call, Trace.from_json(trace_source(source, call).to_json())),))
        for call in calls
    ]


def test_folded_stops_equal_the_real_ones_wherever_folding_decides() -> None:
    rng = random.Random(0)
    decided = 0
    programs = [p for source, calls in PROGRAMS for p in traced(source, calls)]
    extra = [
        *traced(BRANCHES, CALLS),
        *traced(LOOPS, LOOP_CALLS),
        *traced(PAIRS, ("label(['a', 'b'])",)),
    ]
    for program in [*programs, *extra]:
        facts = source_facts(program.source)
        for transition in sample_transitions(program, rng, 80):
            folded = folded_stop(facts, transition.state, transition.action)
            if folded is None:
                continue
            real = transition.stop
            assert (folded.event, folded.line, folded.depth, folded.changed) == (
                real.event,
                real.line,
                real.depth,
                real.changed,
            ), (program.source, transition)
            assert folded.deleted == real.deleted
            if real.event == "return":
                assert folded.value == real.value
            if real.event == "exception":
                assert folded.exception == real.exception
            decided += 1
    assert decided > 40


def test_branches_loops_and_guarded_returns() -> None:
    facts = source_facts(BRANCHES)
    [wide, with_x, empty] = traced(BRANCHES, CALLS)

    def at(program: Program, line: int, occurrence: int = 0) -> object:
        states = [s for s in states_of(program.traces[0][1]) if s.step.line == line]
        return folded_stop(facts, states[occurrence], "step_over")

    assert at(wide, 3).line == 4  # type: ignore[attr-defined]
    assert at(with_x, 3).line == 5 and at(with_x, 5).line == 6  # type: ignore[attr-defined]
    assert at(empty, 5).line == 8  # type: ignore[attr-defined]
    assert at(empty, 8).changed == {"label": "'NONE'"}  # type: ignore[attr-defined]
    assert at(with_x, 10, 0).line == 11 and at(with_x, 10, 2).line == 12  # type: ignore[attr-defined]
    assert at(with_x, 11, 0).changed == {"count": "1"}  # type: ignore[attr-defined]
    assert at(wide, 13) is None  # a return inside try/finally runs the finally block first


def test_loops_in_place_changes_prints_and_handler_names() -> None:
    facts = source_facts(LOOPS)
    [words, empty, unique] = traced(LOOPS, LOOP_CALLS)

    def at(program: Program, line: int, occurrence: int = 0) -> object:
        states = [s for s in states_of(program.traces[0][1]) if s.step.line == line]
        return folded_stop(facts, states[occurrence], "step_into")

    first = at(words, 4)
    assert (first.line, first.changed) == (5, {"w": "'ab'"})  # type: ignore[attr-defined]
    after_long = at(words, 4, 2)
    assert (after_long.line, after_long.changed) == (5, {"w": "'cd'"})  # type: ignore[attr-defined]
    assert at(words, 4, 4) is None  # 'ab' came twice: which one was last is not known
    assert at(unique, 4, 2).line == 10  # type: ignore[attr-defined]  # exhausted: the exit
    assert at(empty, 4).line == 10  # type: ignore[attr-defined]
    assert at(words, 7).changed == {"seen": "['ab']"}  # type: ignore[attr-defined]
    assert at(words, 8).changed == {"counts": "{'ab': 1}"}  # type: ignore[attr-defined]
    assert at(words, 9).changed == {}  # type: ignore[attr-defined]
    in_try = at(words, 11)  # it folds, so it does not raise: not to the handler
    assert (in_try.line, in_try.changed) == (14, {"first": "'ab'"})  # type: ignore[attr-defined]
    assert at(empty, 11) is None  # `seen[0]` of an empty list raises: the model says what
    left = at(empty, 13)
    assert left.deleted == ("err",) and left.changed == {"first": "''"}  # type: ignore[attr-defined]
    assert at(words, 15) is None  # `alias` is the same list: the change would show there too


def test_a_step_back_to_a_loop_header_comes_from_the_side_the_variable_tells() -> None:
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    facts = source_facts(LOOPS)
    [words, _empty, _unique] = traced(LOOPS, LOOP_CALLS)
    headers = [s for s in states_of(words.traces[0][1]) if s.step.line == 4]
    entry = stop_constraints(facts, headers[0], "step_back", ())
    assert entry.lines("line") == {3}  # `w` unbound: the loop was just entered
    again = stop_constraints(facts, headers[1], "step_back", ())
    assert again.lines("line") and all(5 <= n <= 9 for n in again.lines("line"))


def test_a_step_back_to_where_branches_join_comes_from_the_side_the_condition_picks() -> None:
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    facts = source_facts(BRANCHES)
    [wide, with_x, empty] = traced(BRANCHES, CALLS)

    def before_line_9(program: Program) -> frozenset[int]:
        state = next(s for s in states_of(program.traces[0][1]) if s.step.line == 9)
        return stop_constraints(facts, state, "step_back", ()).lines("line")

    assert before_line_9(wide) == {4}  # the condition reads n, which no branch changes
    assert before_line_9(with_x) == {6}
    assert before_line_9(empty) == {8}


def test_only_loops_whose_variable_tells_the_position_are_followed() -> None:
    from neurodebug.neural_debugger.predict.folded_steps import fold_facts

    source = (
        "def a(xs):\n"  # 1
        "    for v in xs:\n"  # 2: followed
        "        pass\n"
        "def b(xs):\n"  # 4
        "    global g\n"
        "    for g in xs:\n"  # 6: a global: not among the locals
        "        pass\n"
        "def c(xs):\n"  # 8
        "    v = 0\n"
        "    for v in xs:\n"  # 10: bound before the loop too
        "        pass\n"
        "def d(xs):\n"  # 12
        "    while xs:\n"
        "        for v in xs:\n"  # 14: re-entered on every outer iteration
        "            pass\n"
        "        xs = xs[1:]\n"
        "def e(xs):\n"  # 17
        "    for v in xs:\n"  # 18: the loop changes what it iterates
        "        xs.append(v)\n"
    )
    assert fold_facts(ast.parse(source)).loops == {2}


def test_a_raise_of_a_builtin_exception_stops_with_its_text() -> None:
    source = PROGRAMS[2][0]  # check(n): raise ValueError('negative') when n < 0
    [program] = traced(source, ("check(-2)",))
    facts = source_facts(source)
    states = states_of(program.traces[0][1])
    at_raise = next(s for s in states if s.step.line == 3 and s.step.event == "line")
    stop = folded_stop(facts, at_raise, "step_over")
    assert stop is not None
    assert (stop.event, stop.line, stop.exception) == ("exception", 3, "ValueError: negative")
    shadowed = "class ValueError(Exception):\n    pass\n\n" + source
    facts = source_facts(shadowed)
    moved = State(Step(6, "line", "check", 0, {"n": "-2"}))
    assert folded_stop(facts, moved, "step_over") is None  # the source's own ValueError


def test_a_loop_over_pairs_binds_both_names() -> None:
    facts = source_facts(PAIRS)
    [program] = traced(PAIRS, ("label(['a', 'b'])",))
    headers = [s for s in states_of(program.traces[0][1]) if s.step.line == 3]
    first, second, done = (folded_stop(facts, h, "step_over") for h in headers)
    assert first is not None and first.changed == {"i": "0", "w": "'a'"}
    assert second is not None and second.changed == {"i": "1", "w": "'b'"}
    assert done is not None and (done.line, done.changed) == (5, {})


def test_after_an_exception_the_first_except_line_or_the_frames_return() -> None:
    facts = source_facts(LOOPS)
    [_words, empty, _unique] = traced(LOOPS, LOOP_CALLS)
    raised = next(s for s in states_of(empty.traces[0][1]) if s.step.event == "exception")
    caught = folded_stop(facts, raised, "step_into")
    assert caught is not None and (caught.event, caught.line) == ("line", 12)
    source = PROGRAMS[2][0]  # check(-2): no try around the raise
    [program] = traced(source, ("check(-2)",))
    raised = next(s for s in states_of(program.traces[0][1]) if s.step.event == "exception")
    left = folded_stop(source_facts(source), raised, "step_over")
    assert left is not None and (left.event, left.line, left.value) == ("return", 3, None)


def test_a_step_back_leaves_out_predecessors_folding_shows_impossible() -> None:
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    source = "def h(k):\n    if k > 0:\n        k = 10\n    else:\n        k = 20\n    return k\n"
    facts = source_facts(source)
    for value, previous in (("20", {5}), ("10", {3})):
        state = State(Step(6, "line", "h", 0, {"k": value}))
        assert stop_constraints(facts, state, "step_back", ()).lines("line") == previous


def test_step_back_constraints_admit_every_real_previous_stop() -> None:
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    brackets = (
        "def check(s):\n"
        "    pairs = {')': '(', ']': '['}\n"
        "    stack = []\n"
        "    for ch in s:\n"
        "        if ch in '([':\n"
        "            stack.append(ch)\n"
        "        elif ch in pairs:\n"
        "            if not stack or stack.pop() != pairs[ch]:\n"  # changes `stack` as it tests
        "                return False\n"
        "    return not stack\n"
    )
    programs = [
        *traced(brackets, ("check('()(')", "check('(])')")),
        *traced(BRANCHES, CALLS),
        *traced(LOOPS, LOOP_CALLS),
        *traced(PAIRS, ("label(['a', 'b'])",)),
    ]
    checked = 0
    for program in programs:
        facts = source_facts(program.source)
        for transition in sample_transitions(program, random.Random(2), 80):
            if transition.action != "step_back" or transition.stop.end:
                continue
            rule = stop_constraints(facts, transition.state, "step_back", ())
            assert transition.stop.line in rule.lines(transition.stop.event), transition
            checked += 1
    assert checked > 20


def test_a_nested_def_binds_its_function_and_the_outer_walk_goes_on() -> None:
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    source = "def outer(n):\n    def scale(v):\n        return v * 2\n    return scale(n)\n"
    facts = source_facts(source)
    [program] = traced(source, ("outer(3)",))
    at_def = next(s for s in states_of(program.traces[0][1]) if s.step.line == 2)
    stop = folded_stop(facts, at_def, "step_over")
    assert stop is not None
    assert (stop.line, stop.changed) == (4, {"scale": "<function outer.<locals>.scale>"})
    assert stop_constraints(facts, at_def, "step_into", ()).lines("line") == {4}
    after = next(s for s in states_of(program.traces[0][1]) if s.step.line == 4)
    assert 2 in stop_constraints(facts, after, "step_back", ()).lines("line")


MULTI_LINE = (
    "def shapes(a, xs):\n"
    "    x = [\n"
    "        len(xs),\n"
    "        a,\n"
    "    ]\n"
    "    y = (a +\n"
    "         1)\n"
    "    z = max(\n"
    "        a, 2)\n"
    "    w = a.real if (a >\n"
    "        0) else 0\n"
    "    if (\n"
    "        a > 0\n"
    "    ):\n"
    "        y += 1\n"
    "    for v in sorted(\n"
    "            xs):\n"
    "        y += v\n"
    "    t = (\n"
    "        1, 2)\n"
    "    d = {\n"
    "        'k': a}\n"
    "    return [\n"
    "        a]\n"
)


def test_a_statement_over_several_lines_starts_where_folding_says() -> None:
    """Where `_starts_late` says a statement's first line event is its own first line, the
    tracer agrees; a late starter is entered on the line the compiled code starts it on."""
    tree = ast.parse(MULTI_LINE)
    facts = fold_facts(tree)
    trace = trace_source(MULTI_LINE, "shapes(3, [2, 1])")
    lines = [step.line for step in trace.steps if step.event == "line"]
    first_seen: dict[int, int] = {}
    for statement in ast.walk(tree.body[0]):
        if statement is tree.body[0]:
            continue
        if isinstance(statement, ast.stmt) and statement.end_lineno != statement.lineno:
            span = range(statement.lineno, (statement.end_lineno or 0) + 1)
            first_seen[statement.lineno] = next(line for line in lines if line in span)
    starting_late = {start for start, seen in first_seen.items() if seen != start}
    # `x = [` starts at `len(xs)`, the `if (` at its test, `d = {` and `return [` at an item
    assert starting_late == {2, 12, 21, 23}
    assert starting_late <= set(facts.late_start)
    on_time = set(first_seen) - set(facts.late_start)
    assert on_time == {6, 8, 10, 16}  # y, z, w and the `for`
    for start, first in facts.late_start.items():  # the compiled code's first line, or None
        assert first in (None, first_seen[start]), start
    assert facts.late_start[2] == 3  # `x = [` is entered on `len(xs)`
    entry = State(step=trace.steps[0])
    stop = folded_stop(source_facts(MULTI_LINE), entry, "step_into")
    assert stop is not None
    assert (stop.event, stop.line) == (trace.steps[1].event, trace.steps[1].line) == ("line", 3)


def test_stop_constraints_admit_every_line_a_multi_line_statement_stops_on() -> None:
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    facts = source_facts(MULTI_LINE)
    [program] = traced(MULTI_LINE, ("shapes(3, [2, 1])",))
    states = states_of(program.traces[0][1])
    checked = 0
    for state, after in itertools.pairwise(states):
        if after.step.depth != state.step.depth or state.step.event not in ("call", "line"):
            continue
        rule = stop_constraints(facts, state, "step_over", ())
        assert after.step.line in rule.lines(after.step.event), (state.step, after.step)
        if state.step.line in facts.started_at:  # inside a statement: its lines or what follows
            assert 1 not in rule.lines("line") and rule.lines("line") <= set(range(2, 25))
        checked += 1
    assert checked >= 15


def test_step_over_from_a_return_may_stop_at_the_next_call_of_the_same_line() -> None:
    from neurodebug.neural_debugger.groundtruth.actions import step_over
    from neurodebug.neural_debugger.predict.constraints import stop_constraints

    source = (
        "def inc(x):\n"
        "    return x + 1\n"
        "\n"
        "def double(x):\n"
        "    return 2 * x\n"
        "\n"
        "def both(y):\n"
        "    z = double(inc(y))\n"
        "    return z\n"
    )
    trace = trace_source(source, "both(3)")
    states = states_of(trace)
    returned = next(i for i, s in enumerate(trace.steps) if s.event == "return" and s.line == 2)
    after = step_over(trace, returned)
    assert after is not None and trace.steps[after].event == "call"  # `double` is next
    rule = stop_constraints(source_facts(source), states[returned], "step_over", ())
    assert trace.steps[after].line in rule.lines("call")


def test_a_nested_def_in_a_method_cut_out_of_its_class_is_left_to_the_model() -> None:
    """The function object's repr names the class (`Box.first.<locals>.pick`), which a
    method's recorded source does not show; in the whole module, the class is there."""
    method = "def first(self, xs):\n    def pick(x):\n        return x\n    return pick(xs[0])\n"
    state = State(step=Step(2, "line", "first", 0, {"self": "<Box object>", "xs": "[1]"}))
    assert folded_stop(source_facts(method), state, "step_over") is None
    module = "class Box:\n" + "".join(f"    {line}\n" for line in method.splitlines())
    inside = State(step=Step(3, "line", "first", 0, {"self": "<Box object>", "xs": "[1]"}))
    stop = folded_stop(source_facts(module), inside, "step_over")
    assert stop is not None and stop.changed == {"pick": "<function Box.first.<locals>.pick>"}
    real = trace_source(module + "\n\ndef run():\n    return Box().first([1])\n", "run()")
    assert "<function Box.first.<locals>.pick>" in {s.locals.get("pick") for s in real.steps}


INERT = (
    "def table(a, b):\n"
    "    names = (\n"
    "        'x',\n"
    "        'y',\n"
    "    )\n"
    "    mapping = {\n"
    "        'left': a,\n"
    "        7: b,\n"
    "    }\n"
    "    pair = [\n"
    "        a,\n"
    "        b,\n"
    "    ]\n"
    "    return (\n"
    "        names,\n"
    "        mapping,\n"
    "        pair,\n"
    "    )\n"
)


def test_a_whole_call_of_multi_line_tables_folds_stop_for_stop() -> None:
    """Statements over several lines that only read names and constants stop on a fixed
    sequence of their lines (from the compiled code); every step folds, equal to the trace."""
    real = trace_source(INERT, "table(1, 2)").steps
    assert len({step.line for step in real}) >= 8  # it really stops inside the statements
    facts = source_facts(INERT)
    state = State(step=real[0])
    predicted = [real[0]]
    while len(predicted) < len(real):
        stop = folded_stop(facts, state, "step_into")
        assert stop is not None, (state.step.line, [s.line for s in real])
        state = apply_stop(state, stop)
        predicted.append(state.step)
    view = [(s.event, s.line, s.locals, s.value) for s in predicted]
    assert view == [(s.event, s.line, s.locals, s.value) for s in real]


def test_a_global_declaration_is_not_a_stop() -> None:
    source = "COUNT = 0\n\ndef bump(n):\n    global COUNT\n    COUNT = n\n    return n\n"
    trace = trace_source(source, "bump(2)")
    assert [(s.event, s.line) for s in trace.steps][:2] == [("call", 3), ("line", 5)]
    stop = folded_stop(source_facts(source), State(step=trace.steps[0]), "step_into")
    assert stop is not None and (stop.event, stop.line) == ("line", 5)


def test_a_statement_the_compiler_starts_late_is_entered_where_cpython_stops() -> None:
    # The `%` operand's string sits on the statement's first line, yet CPython 3.11 reports
    # the first line event on the tuple's first line: the compiled code decides, not the syntax.
    source = (
        "def describe(name, size):\n"
        '    return "%s(size=%r, half=%r)" % (\n'
        "        name.upper(),\n"
        "        size,\n"
        "        size // 2,\n"
        "    )\n"
    )
    trace = trace_source(source, "describe('box', 4)")
    first_line = next(step.line for step in trace.steps if step.event == "line")
    call = State(Step(1, "call", "describe", 0, {"name": "'box'", "size": "4"}))
    stop = folded_stop(source_facts(source), call, "step_into")
    assert stop is not None and stop.line == 3 == first_line


OBJECTS = """
import collections

Pair = collections.namedtuple("Pair", "key value")


def make(key, value):
    pair = Pair(key, value)
    return pair


def both(key, value):
    pair = Pair(key, value)
    count = len(key)
    return pair, count


def cut(words):
    joined = "-".join(words)
    return joined, words
"""


def test_a_return_of_locals_carries_their_reprs_literal_or_not() -> None:
    """`return pair` of a namedtuple: its repr is no literal, so folding the expression fails,
    but the returned object is the local itself; a tuple of locals reads as the tracer writes
    it. A part cut short by the repr limit leaves the tuple to the model."""
    facts = source_facts(OBJECTS)
    calls = ("make('a', 1)", "both('ab', [1, 2])", f"cut({['word'] * 30!r})")
    made, paired, long = traced(OBJECTS, calls)

    def at_return(program: Program) -> object:
        states = states_of(program.traces[0][1])
        last_line = [s for s in states if s.step.event == "line"][-1]
        folded = folded_stop(facts, last_line, "step_over")
        assert program.traces[0][1].steps[-1].event == "return"
        return folded, program.traces[0][1].steps[-1].value

    folded, real = at_return(made)
    assert real == "Pair(key='a', value=1)" and folded.value == real  # type: ignore[attr-defined]
    folded, real = at_return(paired)
    assert real == "(Pair(key='ab', value=[1, 2]), 2)" and folded.value == real  # type: ignore[attr-defined]
    folded, real = at_return(long)
    assert folded is None  # "word-word-…" is cut short: the tuple is not written from parts
