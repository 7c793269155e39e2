"""ND214: `x == a or x == b or …` → `x in (a, b, …)`."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._syntax import unparen
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A chain of `or`-ed `==` comparisons (or `and`-ed `!=`) of the same expression against "
    "literals or (dotted) names. Not reported when a compared value calls, indexes or "
    "computes: merged, it would run even when an earlier comparison ends the chain.",
    "Each comparison re-evaluates the left side and dispatches a comparison; a membership "
    "test against a tuple of constants does it in one C loop.",
    "if status == 'new' or status == 'open' or status == 'retry':\n    ...",
    "if status in ('new', 'open', 'retry'):\n    ...",
    "No fix, and opt-in: `method == 'get' or method == 'head'` measures faster than "
    "`method in ('get', 'head')` on CPython 3.11 (the tuple form: 0.73×, `neurodebug bench "
    "worth ND214`), and `in` tries identity before `==`, so objects with a custom `__eq__` "
    "(NaN, numpy arrays) may compare differently.",
)


def _leaves(node: tree_sitter.Node, operator: str) -> list[tree_sitter.Node]:
    node = unparen(node)
    if node.type == "boolean_operator":
        op = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if op is not None and op.type == operator and left is not None and right is not None:
            return _leaves(left, operator) + _leaves(right, operator)
    return [node]


_QUIET = frozenset(("integer", "float", "string", "true", "false", "none", "identifier"))


def _evaluates_quietly(value: tree_sitter.Node) -> bool:
    """A literal, a name or a dotted name: nothing a merged tuple would run that the `or`
    chain skipped. A call, subscript or arithmetic (`len(rows[j]) - 1`) could raise once the
    earlier comparison no longer short-circuits it (a real iterator library's test failed)."""
    value = unparen(value)
    if value.type == "unary_operator":
        return all(child.type in ("integer", "float") for child in value.named_children)
    while value.type == "attribute":
        inner = value.child_by_field_name("object")
        if inner is None:
            return False
        value = inner
    if value.type == "string":  # an f-string runs its interpolations
        return not any(child.type == "interpolation" for child in value.named_children)
    return value.type in _QUIET


def check(ctx: Context) -> Iterator[Hit]:
    for node in ctx.of_type("boolean_operator"):
        parent = node.parent
        operator_node = node.child_by_field_name("operator")
        if operator_node is None:
            continue
        operator = operator_node.type
        if parent is not None and parent.type == "boolean_operator":
            parent_op = parent.child_by_field_name("operator")
            if parent_op is not None and parent_op.type == operator:
                continue  # only the outermost of a chain
        comparison = "==" if operator == "or" else "!="
        leaves = _leaves(node, operator)
        subjects: list[str] = []
        values: list[str] = []
        for leaf in leaves:
            ops = [c.type for c in leaf.children if not c.is_named]
            if leaf.type != "comparison_operator" or ops != [comparison]:
                break
            operands = leaf.named_children
            if len(operands) != 2:  # an error-recovered node (found by fuzzing) is no pair
                break
            left, right = operands
            if not _evaluates_quietly(right):
                break  # merged, it would run (and maybe raise) where the chain stopped early
            subjects.append(ctx.text(left))
            values.append(ctx.text(right))
        else:
            if len(set(subjects)) != 1 or len(values) < 2:
                continue
            subject = leaves[0].named_children[0]
            if subject.type not in ("identifier", "attribute", "subscript"):
                continue
            membership = "in" if operator == "or" else "not in"
            new = f"{subjects[0]} {membership} ({', '.join(values)})"
            yield Hit(node, f"Consider merging multiple comparisons: `{new}`")


RULE = Rule(
    code="ND214",
    name="repeated-equality-comparison",
    summary="`x == a or x == b` → `x in (a, b)`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("PLR1714", "R1714"),
    default=False,
)
