"""Backward and forward slices and information flow, implicit flows included."""

from __future__ import annotations

from textwrap import dedent

from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.facts import FunctionFacts, VarLine

SOURCE = """\
def f(a, b, flag):
    total = 0
    count = 0
    for x in a:
        if x > b:
            total += x
        count += 1
    label = "big" if total > 10 else "small"
    secret = 0
    if flag:
        secret = 1
    return total, label, secret
"""


def function(source: str = SOURCE) -> FunctionFacts:
    return analyze_source(dedent(source).encode()).functions_named("f")[0]


def test_backward_slice_keeps_only_what_affects_the_criterion() -> None:
    facts = function()
    assert facts.backward_slice(12, "total") == {1, 2, 4, 5, 6, 12}
    assert facts.backward_slice(8, "label") == {1, 2, 4, 5, 6, 8}
    assert facts.backward_slice(7, "count") == {1, 3, 4, 7}


def test_backward_slice_follows_implicit_flow_through_conditions() -> None:
    facts = function()
    assert facts.backward_slice(12, "secret") == {1, 9, 10, 11, 12}


def test_forward_slice_is_what_a_definition_can_change() -> None:
    facts = function()
    assert facts.forward_slice(1, "b") == {1, 5, 6, 8, 12}
    assert facts.forward_slice(3, "count") == {3, 7}
    assert facts.forward_slice(1, "flag") == {1, 10, 11, 12}  # 12 returns what 11 set


def test_information_flow_lists_sources_with_implicit_ones() -> None:
    facts = function()
    flows = facts.information_flow(12, "secret")
    assert VarLine("flag", 1) in flows  # the parameter, via the condition on line 10
    assert VarLine("flag", 10) in flows  # the condition variable itself
    assert VarLine("secret", 11) in flows and VarLine("secret", 9) in flows
    assert not any(flow.var in ("total", "a", "b") for flow in flows)


def test_slice_on_a_line_that_does_not_mention_the_variable() -> None:
    facts = function()
    # the value of `total` as line 9 starts
    assert facts.backward_slice(9, "total") == {1, 2, 4, 5, 6, 9}
