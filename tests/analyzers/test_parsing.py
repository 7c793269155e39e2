"""tree-sitter parsing: errors located like a compiler would, recovery keeps the rest."""

from __future__ import annotations

from neurodebug.analyzers.parsing import compiler_syntax_errors, parse, syntax_errors


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


def test_one_missing_paren_is_one_error_where_cpython_puts_it() -> None:
    # tree-sitter reads the rest of the module as the call's arguments; CPython names the `(`.
    source = b"def ok():\n    return 1\n\n\nvalues = sum(\n" + b"other = 1\n" * 200
    tree = parse(source)
    (problem,) = syntax_errors(tree, source=source)
    assert (problem.line, problem.column) == (5, 13)
    assert problem.message == "SyntaxError: '(' was never closed"


def test_compiler_columns_are_utf8_bytes_like_tree_sitter() -> None:
    source = "x = 'ééé' +* 2\n".encode()
    (problem,) = syntax_errors(parse(source), source=source)
    assert source[problem.column - 1 : problem.column] == b"*"
    assert problem.end_column > problem.column


def test_indentation_errors_keep_their_kind() -> None:
    source = b"def f():\n    x = 1\n      y = 2\n"
    (problem,) = syntax_errors(parse(source), source=source)
    assert problem.message == "IndentationError: unexpected indent" and problem.line == 3


def test_valid_code_has_no_errors_even_where_the_grammar_lags() -> None:
    assert syntax_errors(parse(b"x = 1\n"), source=b"x = 1\n") == []
    assert compiler_syntax_errors(b"def f(:\n") and compiler_syntax_errors(b"x = 1\n") == []


def test_code_cpython_only_warns_about_is_no_error_and_no_log_line() -> None:
    """`0x1for` and `'\\d'` compile with a SyntaxWarning / DeprecationWarning: the user's code,
    not an error, and not a line on the server's stderr on every keystroke."""
    import warnings

    source = b"xs = [0x1for x in 'ab']\npattern = '\\d+'\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        assert compiler_syntax_errors(source) == []
