"""Name resolution for hover and highlights: every scope kind and declaration."""

from __future__ import annotations

from neurodebug.analyzers.document import analyze_source

SOURCE = b"""\
import os.path as osp, sys
x = 1
def f(a, b=x):
    global x
    x = a
    y = [x for x in range(a) if (z := x)]
    def g():
        nonlocal y
        y = 2
        return a + z
    class C:
        y = 3
        def m(self):
            return y
    try:
        pass
    except OSError as err:
        print(err)
    with open(a) as (fh, other):
        pass
    match a:
        case [first, *rest] if first:
            return rest
        case {"k": value}:
            return value
    k = lambda q, r=b: q + r + y
    return len(y), osp, sys
print(x, f)
"""


def where(line: int, col: int) -> tuple[str, str, list[int], list[int]]:
    binding = analyze_source(SOURCE).name_at(line, col)
    assert binding is not None
    return (
        binding.scope_kind,
        binding.scope_name,
        [o.line for o in binding.definitions],
        [o.line for o in binding.uses],
    )


def test_global_declaration_binds_in_the_module() -> None:
    assert where(5, 4) == ("module", "<module>", [2, 5], [3, 4, 28])


def test_comprehension_variable_is_local_to_the_comprehension() -> None:
    assert where(6, 9) == ("comprehension", "f.<locals>.<list_comprehension>", [6], [6, 6])


def test_walrus_in_comprehension_binds_in_the_function() -> None:
    assert where(10, 19) == ("function", "f", [6], [10])


def test_nonlocal_and_class_bodies_skipped_by_methods() -> None:
    assert where(9, 8) == ("function", "f", [6, 9], [8, 14, 26, 27])
    assert where(12, 8) == ("class", "f.<locals>.C", [12], [])


def test_parameters_defaults_and_lambda() -> None:
    assert where(3, 6) == ("function", "f", [3], [5, 6, 10, 19, 21])
    assert where(26, 20) == ("function", "f", [3], [26])  # default evaluated outside
    assert where(26, 23) == ("lambda", "f.<locals>.<lambda>", [26], [26])


def test_except_with_match_and_import_bindings() -> None:
    assert where(18, 14) == ("function", "f", [17], [18])
    assert where(19, 25) == ("function", "f", [19], [])
    assert where(23, 19) == ("function", "f", [22], [23])
    assert where(25, 19) == ("function", "f", [24], [25])
    assert where(27, 24) == ("module", "<module>", [1], [27])


def test_builtins_and_positions_off_names() -> None:
    assert where(27, 11)[0] == "builtin"
    facts = analyze_source(SOURCE)
    assert facts.name_at(2, 2) is None  # on `=`
    binding = facts.name_at(2, 1)  # just after `x`
    assert binding is not None and binding.name == "x"


def test_positions_after_leading_blank_lines_and_comments() -> None:
    facts = analyze_source(b"\n\n# comment\nx = 1\nprint(x)\n")
    binding = facts.name_at(5, 6)
    assert binding is not None and binding.name == "x"
    assert [(o.line, o.col) for o in binding.definitions] == [(4, 0)]
