"""The public facts API on one function that exercises loops, try and mutation."""

from __future__ import annotations

from neurodebug.analyzers import EXIT_LINE
from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.facts import ControlEdge, VarLine

SOURCE = b"""\
def f(a, b):
    x = 0
    for i in range(a):
        if i % 2:
            x += i
        else:
            continue
        if x > b:
            break
    else:
        x = -1
    try:
        y = g(x)
    except ValueError:
        y = 0
    xs = []
    xs.append(y)
    return xs
"""


def function() -> object:
    return analyze_source(SOURCE).functions_named("f")[0]


def test_functions_are_found_with_module_first() -> None:
    facts = analyze_source(SOURCE)
    assert [(f.kind, f.qualname, f.def_line, f.end_line) for f in facts.functions] == [
        ("module", "<module>", 1, 19),
        ("function", "f", 1, 18),
    ]
    assert facts.function_at(5).qualname == "f"


def test_parameters_are_defined_on_the_def_line() -> None:
    facts = analyze_source(SOURCE).functions[1]
    params = [(d.var, d.line, d.how) for d in facts.definitions if d.how == "param"]
    assert params == [("a", 1, "param"), ("b", 1, "param")]


def test_reaching_definitions_through_loop_and_else() -> None:
    facts = analyze_source(SOURCE).functions[1]
    assert facts.reaching_definitions(5, "x") == {2, 5}
    assert facts.reaching_definitions(13, "x") == {5, 11}
    assert facts.reaching_definitions(17, "y") == {13, 15}


def test_a_mutation_is_a_definition_that_reads_the_object() -> None:
    facts = analyze_source(SOURCE).functions[1]
    # an append always changes a list: the earlier contents reach `return` through line 17
    assert facts.reaching_definitions(18, "xs") == {17}
    definition = next(d for d in facts.definitions if (d.var, d.line) == ("xs", 17))
    assert definition.how == "mutation"
    assert VarLine("y", 13) in definition.data and VarLine("xs", 16) in definition.data


def test_control_dependencies_name_the_condition_variables() -> None:
    facts = analyze_source(SOURCE).functions[1]
    assert facts.control_dependencies(5) == [ControlEdge(4, 5, ("i",))]
    assert [edge.condition_line for edge in facts.control_dependencies(15)] == [14]
    assert facts.control_dependencies(16) == []


def test_next_lines_follow_the_cfg() -> None:
    facts = analyze_source(SOURCE).functions[1]
    assert facts.next_lines(9) == {12}
    assert facts.next_lines(7) == {3}
    assert facts.next_lines(3) == {4, 11}
    assert facts.next_lines(18) == {EXIT_LINE}
    assert 14 in facts.next_lines(13)


def test_backward_slice_of_the_result() -> None:
    facts = analyze_source(SOURCE).functions[1]
    sliced = facts.backward_slice(18, "xs")
    assert {16, 17, 13, 15, 5, 2, 11, 3, 1} <= sliced
    assert facts.backward_slice(2, "x") == {2}
