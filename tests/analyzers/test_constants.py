"""Constant propagation: folded values agree with CPython, and branches are cut only where no
run can take them (what must be cut, and what must stay, written from scratch here)."""

from __future__ import annotations

import itertools
import random
import textwrap
import warnings

import pytest
from neurodebug.analyzers.constants import executable_successors
from neurodebug.analyzers.dataflow import reverse_postorder
from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.extract import EXIT
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.values import (
    UNKNOWN,
    Container,
    evaluate,
    fully_known,
    join,
    match_parts,
    truth,
)

ATOMS = ["0", "1", "-3", "7", "True", "None", "'ab'", "b'x'", "()", "(1, 'a')", "n", "s", "t"]
BINARY = ["+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^"]
COMPARE = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]
ENV = {"n": 5, "s": "xy", "t": (2, UNKNOWN)}
PYTHON_ENV = {"n": 5, "s": "xy", "t": (2, object())}


def _expression(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(ATOMS)
    shape = rng.randrange(6)
    left, right = _expression(rng, depth - 1), _expression(rng, depth - 1)
    if shape == 0:
        return f"({left} {rng.choice(BINARY)} {right})"
    if shape == 1:
        return f"({left} {rng.choice(COMPARE)} {right})"
    if shape == 2:
        return f"({left} {rng.choice(['and', 'or'])} {right})"
    if shape == 3:
        return f"(not {left})"
    if shape == 4:
        return f"({left} if {right} else {_expression(rng, depth - 1)})"
    return f"({left}, {right})[{rng.choice(['0', '1', '-1', '2', ':1'])}]"


def _value_of(text: str) -> object:
    node = parse(text.encode()).root_node.named_children[0].named_children[0]
    return evaluate(node, dict(ENV))


def test_every_folded_value_is_what_python_computes() -> None:
    """2,000 random expressions over ints, strings, bytes, tuples and a partly known tuple:
    wherever the evaluator answers and CPython finishes, they computed the same value of the
    same type. (Where CPython raises, the statement never finishes, so no successor runs with
    the value: an answer there is harmless, and `(1 // 0, 2)[1]` may be answered 2.)"""
    rng = random.Random(11)
    answered = 0
    for _ in range(2000):
        text = _expression(rng, 3)
        folded = _value_of(text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # `x is 1`: what it computes is the point
                expected = eval(text, {}, dict(PYTHON_ENV))
        except Exception:
            continue
        if not fully_known(folded):
            continue
        answered += 1
        assert type(folded) is type(expected) and folded == expected, text
    assert answered > 600  # the test exercises folding, not only refusals


@pytest.mark.parametrize(
    ("pattern", "subjects"),
    [
        ("(0, q)", [(0, 5), (1, 5), (0,), 0, "0a", None]),
        ("(p, 0) if p > 1", [(2, 0), (1, 0), (2, 1)]),
        ("[1, *rest]", [(1,), (1, 2, 3), (2, 1), ()]),
        ("-1 | 'x' | True", [-1, "x", True, 1, 0, None]),
        ("None", [None, 0, False]),
        ("1", [1, True, 1, "1"]),
        ("(a, b) as pair", [(1, 2), (1, 2, 3)]),
        ("_", [None, (1, 2)]),
    ],
)
def test_patterns_decide_as_python_matches(pattern: str, subjects: list[object]) -> None:
    """Each decided pattern agrees with running the `match` statement itself."""
    body, _, guard = pattern.partition(" if ")
    for subject in subjects:
        source = f"hit = False\nmatch s:\n    case {pattern}:\n        hit = True\n"
        scope: dict[str, object] = {"s": subject}
        exec(source, {}, scope)
        clause = parse(source.encode()).root_node.named_children[1]
        case = clause.child_by_field_name("body").named_children[0]  # type: ignore[union-attr]
        patterns = [c for c in case.children if c.type == "case_pattern"]
        binds: dict[str, object] = {}
        decided = match_parts(patterns, subject, binds)
        if guard and decided:
            decided = bool(eval(guard, {}, {**binds}))
        assert decided is None or decided == scope["hit"], (pattern, subject)
        if decided and body == "(0, q)":
            assert binds["q"] == subject[1]  # type: ignore[index]


def _dead_lines(source: str) -> set[int]:
    """Lines of `f` that constant propagation shows no run reaches."""
    function = analyze_source(textwrap.dedent(source).encode()).functions_named("f")[0]
    graph = function.graph
    executable = executable_successors(graph)
    if executable is None:
        return set()
    live = set(reverse_postorder(executable, 0))
    every = set(reverse_postorder([n.edges for n in graph.nodes], 0))
    live_lines = {graph.nodes[i].line for i in live if i != EXIT}
    return {graph.nodes[i].line for i in every - live} - live_lines


def test_a_known_test_cuts_the_branch_it_never_takes() -> None:
    source = """
        def f(a, b):
            s = 0
            sep = None
            if s % 2 == 0:
                y = a
            else:
                y = b
            if sep is not None:
                y = sep
            while s > 3:
                s -= 1
            return y
    """
    assert _dead_lines(source) == {8, 10, 12}


def test_match_on_a_partly_known_subject() -> None:
    source = """
        def f(a):
            s = 0
            match (s % 3, a):
                case (1, _):
                    return 1
                case (p, 0) if p > 1:
                    return 2
                case (0, q):
                    return q
            return 3
    """
    assert _dead_lines(source) == {6, 8, 11}


def test_lists_and_dicts_of_known_length() -> None:
    source = """
        def f(k):
            pending = []
            seen = {}
            for item in pending:
                print(item)
            for i in range(1 - len(seen) - 200, 0, -1):
                print(i)
            pending.append(k)
            if len(pending) > 1:
                return 1
            seen[k] = 1
            if not seen:
                return 2
            return pending[0]
    """
    assert _dead_lines(source) == {6, 8, 11, 14}


@pytest.mark.parametrize(
    "source",
    [
        # a closure fills the list at some later call
        """
        def f(run):
            messages = []
            def record(m):
                messages.append(m)
            run(record)
            for m in messages:
                print(m)
        """,
        # an alias changes it
        """
        def f():
            xs = []
            ys = xs
            ys.append(1)
            if xs:
                print(xs)
        """,
        # it is handed to other code
        """
        def f(fill):
            xs = []
            fill(xs)
            if xs:
                print(xs)
        """,
        # a nested function rebinds the name
        """
        def f(run):
            done = False
            def finish():
                nonlocal done
                done = True
            run(finish)
            if done:
                print(done)
        """,
        # a global can change between any two statements
        """
        def f():
            global LEVEL
            LEVEL = 0
            g()
            if LEVEL:
                print(LEVEL)
        """,
        # the exception may come before or after the assignment
        """
        def f(g):
            x = 0
            try:
                x = 1
                g()
            except ValueError:
                if x == 1:
                    print(x)
        """,
        # a loop changes its own test
        """
        def f():
            i = 0
            while i < 3:
                i += 1
            if i == 3:
                print(i)
        """,
        # `len` is the function's own
        """
        def f(len):
            xs = []
            if len(xs):
                print(xs)
        """,
        # tree-sitter reads `[*a.b()]` as one item: its length is not known
        """
        def f(a):
            xs = [*a.b()]
            if len(xs) == 1:
                return 1
            print(xs)
        """,
    ],
)
def test_nothing_is_cut_where_a_run_may_go(source: str) -> None:
    assert _dead_lines(source) == set()


def test_a_one_line_body_that_never_runs_keeps_its_line_edges() -> None:
    """Facts are per line: the `raise` never runs, but its line (the `if`) does."""
    source = textwrap.dedent(
        """
        def f(x):
            s = 0
            if s < 0: raise ValueError(x)
            return x
        """
    )
    function = analyze_source(source.encode()).functions_named("f")[0]
    edges = {(e.var, e.def_line, e.use_line) for e in function.data_edges}
    assert ("x", 2, 4) in edges and ("x", 2, 5) in edges


def test_dead_lines_lose_their_data_edges() -> None:
    source = textwrap.dedent(
        """
        def f(a):
            debug = False
            total = a
            if debug:
                total = total * 2
            return total
        """
    )
    function = analyze_source(source.encode()).functions_named("f")[0]
    edges = {(e.var, e.def_line, e.use_line) for e in function.data_edges}
    assert ("total", 4, 6) not in edges and ("total", 6, 7) not in edges
    assert ("total", 4, 7) in edges


def test_containers_join_by_length() -> None:
    rng = random.Random(3)
    for left, right in itertools.product(range(3), repeat=2):
        a = Container("list", tuple(rng.randrange(2) for _ in range(left)))
        b = Container("list", tuple(rng.randrange(2) for _ in range(right)))
        joined = join(a, b)
        if left == right:
            assert isinstance(joined, Container) and len(joined.items) == left
        elif min(left, right) == 0:
            assert joined is UNKNOWN
        else:
            assert truth(joined) is True  # both non-empty: only the length is lost


def test_an_always_true_test_in_a_try_body_is_reported_true() -> None:
    """The `if` has exception edges besides its body: the outcome is whether the body is
    kept, not whether it is the only way on."""
    function = analyze_source(
        textwrap.dedent(
            """
            def f(g):
                debug = True
                try:
                    if debug:
                        g(1)
                    else:
                        g(2)
                except ValueError:
                    pass
            """
        ).encode()
    ).functions_named("f")[0]
    (dead,) = function.dead_code
    assert (dead.lines, dead.test_line, dead.outcome) == ((8,), 5, True)
