"""A syntax error inside one function leaves facts for every function that parses."""

from __future__ import annotations

from pathlib import Path

import pytest
from neurodebug.analyzers.document import analyze_source

FIXTURES = Path(__file__).with_name("fixtures") / "broken"

# fixture -> (line of the reported error, {qualname: expected definitions (var, line)})
EXPECTED = {
    "unclosed_paren.py": (
        6,
        {
            "good": {("a", 1), ("b", 2)},
            "after": {("p", 9), ("q", 10)},
        },
    ),
    "incomplete_condition.py": (
        8,
        {
            "first": {("n", 1), ("total", 2), ("i", 3), ("total", 4)},
            "K.m": {("self", 13), ("z", 13), ("r", 14)},
        },
    ),
    "stray_token.py": (
        3,
        {
            "g": {("b", 6), ("c", 7), ("c", 9)},
        },
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_functions_around_the_error_keep_their_facts(name: str) -> None:
    facts = analyze_source((FIXTURES / name).read_bytes())
    error_line, expected = EXPECTED[name]
    assert [problem.line for problem in facts.syntax_errors] == [error_line]
    for qualname, definitions in expected.items():
        [function] = facts.functions_named(qualname)
        assert {(d.var, d.line) for d in function.definitions} == definitions
        function.compute_all()  # every other fact computes too
        assert function.cfg.blocks


def test_the_broken_function_is_still_listed_with_what_parsed() -> None:
    facts = analyze_source((FIXTURES / "stray_token.py").read_bytes())
    [broken] = facts.functions_named("f")
    assert broken.reaching_definitions(4, "x") == {3}
    [second] = facts.functions_named("g")
    assert second.reaching_definitions(10, "c") == {7, 9}


def test_garbage_and_empty_input_do_not_raise() -> None:
    for source in (b"", b"))))(((", b"def", b"class :\n  def (:\n", b"\xff\xfe", b"x = [\n" * 50):
        facts = analyze_source(source)
        facts.compute_all()
        assert facts.functions[0].kind == "module"
        assert facts.names is not None
