"""tree-sitter parsing: errors located like a compiler would, recovery keeps the rest."""

from __future__ import annotations

from neurodebug.analyzers.parsing import parse, syntax_errors


def test_valid_source_has_no_errors() -> None:
    assert syntax_errors(parse(b"def f(x):\n    return [i for i in x if i]\n")) == []


def test_missing_paren_is_named() -> None:
    problems = syntax_errors(parse(b"def f():\n    return 1\n\ndef g(:\n    pass\n"))
    assert [(p.line, p.column, p.message) for p in problems] == [(4, 7, "SyntaxError: missing ')'")]


def test_error_in_one_function_leaves_the_other_parsed() -> None:
    tree = parse(b"def good(a):\n    return a * 2\n\ndef bad(:\n    pass\n")
    functions = [n for n in tree.root_node.children if n.type == "function_definition"]
    names = [f.child_by_field_name("name") for f in functions]
    assert b"good" in [name.text for name in names if name is not None]


def test_several_errors_each_reported_once_per_line() -> None:
    problems = syntax_errors(parse(b"x = = 1\ny = 2\nz = ) 3\n"))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (1, 5, "SyntaxError: invalid syntax near '='"),
        (3, 5, "SyntaxError: invalid syntax near ')'"),
    ]
