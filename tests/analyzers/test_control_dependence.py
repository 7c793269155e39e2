"""Control dependence from post-dominators, for every kind of condition."""

from __future__ import annotations

from textwrap import dedent

from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.extract import MATCH_SUBJECT
from neurodebug.analyzers.facts import ControlEdge, FunctionFacts, VarLine


def function(source: str) -> FunctionFacts:
    return analyze_source(dedent(source).encode()).functions_named("f")[0]


def conditions(facts: FunctionFacts, line: int) -> list[tuple[int, tuple[str, ...]]]:
    return [(e.condition_line, e.variables) for e in facts.control_dependencies(line)]


def test_if_elif_else_and_the_join_after_them() -> None:
    facts = function(
        """\
        def f(a, b):
            if a > 0:
                x = 1
            elif b:
                x = 2
            else:
                x = 3
            return x
        """
    )
    assert conditions(facts, 3) == [(2, ("a",))]
    assert conditions(facts, 4) == [(2, ("a",))]
    assert conditions(facts, 5) == [(4, ("b",))]
    assert conditions(facts, 7) == [(4, ("b",))]
    assert conditions(facts, 8) == []  # runs whatever the conditions say


def test_early_return_makes_the_rest_dependent() -> None:
    facts = function(
        """\
        def f(items):
            if not items:
                return None
            first = items[0]
            return first
        """
    )
    assert conditions(facts, 4) == [(2, ("items",))]
    assert conditions(facts, 5) == [(2, ("items",))]


def test_loops_decide_their_bodies_and_else() -> None:
    facts = function(
        """\
        def f(xs, limit):
            for x in xs:
                if x > limit:
                    break
                print(x)
            else:
                print("all")
            n = 0
            while n < limit:
                n += 1
            return n
        """
    )
    assert conditions(facts, 3) == [(2, ("xs",))]
    assert conditions(facts, 5) == [(3, ("limit", "x"))]
    assert conditions(facts, 7) == [(2, ("xs",))]
    assert conditions(facts, 8) == []  # break or not, line 8 runs
    assert conditions(facts, 10) == [(9, ("limit", "n"))]
    assert facts.control_dependencies(10) == [ControlEdge(9, 10, ("limit", "n"))]


def test_match_cases_and_guards() -> None:
    facts = function(
        """\
        def f(cmd, verbose):
            match cmd:
                case "a":
                    x = 1
                case ("b", n) if n > verbose:
                    x = n
                case _:
                    x = 0
            return x
        """
    )
    # a case tests the subject's value, evaluated once on the `match` line
    assert conditions(facts, 4) == [(3, (MATCH_SUBJECT,))]
    assert conditions(facts, 6) == [(5, (MATCH_SUBJECT, "n", "verbose"))]
    assert conditions(facts, 8) == [(5, (MATCH_SUBJECT, "n", "verbose"))]
    assert conditions(facts, 9) == []
    assert VarLine("cmd", 1) in facts.information_flow(6, "x")  # through the `match` line


def test_except_clauses_decide_their_handlers() -> None:
    facts = function(
        """\
        def f(s, fallback):
            if s:
                try:
                    x = int(s)
                except ValueError:
                    x = fallback
                except (TypeError, KeyError):
                    x = None
            return x
        """
    )
    assert conditions(facts, 6) == [(5, ("ValueError",))]
    assert conditions(facts, 8) == [(7, ("KeyError", "TypeError"))]
    assert conditions(facts, 4) == [(2, ("s",))]  # no implicit exception edges in the body
    assert conditions(facts, 5) == [(2, ("s",))]


def test_builtins_are_not_named_unless_rebound() -> None:
    facts = function(
        """\
        def f(xs):
            if len(xs) > 2:
                return 1
            return 0
        """
    )
    assert conditions(facts, 3) == [(2, ("xs",))]
