"""ND111: a list literal of constants in a function that is never changed → tuple."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._syntax import enclosing_scope, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`name = [constants…]` in a function when every later use of `name` only reads it: "
    "iterates it, tests membership, indexes it or takes its `len`.",
    "A tuple of constants is built once by the compiler and loaded as one constant; a list "
    "literal is rebuilt element by element on every call.",
    "def weekday(n):\n    names = ['mon', 'tue', 'wed']\n    return names[n]",
    "def weekday(n):\n    names = ('mon', 'tue', 'wed')\n    return names[n]",
    "Safe: the fix is offered only when no use could tell a tuple from a list.",
)

_CONSTANTS = ("integer", "float", "string", "true", "false", "none", "unary_operator")


def _read_only_use(ctx: Context, node: tree_sitter.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "for_statement":
        return node == parent.child_by_field_name("right")
    if parent.type == "comparison_operator":
        operators = [c.type for c in parent.children if not c.is_named]
        return operators in (["in"], ["not in"]) and node == parent.named_children[-1]
    if parent.type == "subscript":
        return node == parent.child_by_field_name("value") and not _stored_into(parent)
    if parent.type == "argument_list":
        call = parent.parent
        function = call.child_by_field_name("function") if call is not None else None
        return function is not None and ctx.text(function) == "len"
    return False


_TARGET_PARTS = frozenset(
    (
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "tuple",
        "list",
        "parenthesized_expression",
        "list_splat_pattern",
        "expression_list",
    )
)


def _stored_into(subscript: tree_sitter.Node) -> bool:
    """`xs[i] = …`, also as part of an unpacking target (`a, xs[i] = …`, `for xs[i] in …`) or
    of a `del`: a tuple would raise there (a real BER encoder's `(s, m, base[i], e) = …`)."""
    child, parent = subscript, subscript.parent
    while parent is not None and parent.type in _TARGET_PARTS:
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "delete_statement":
        return True
    kinds = ("assignment", "augmented_assignment", "for_statement", "for_in_clause")
    return parent.type in kinds and parent.child_by_field_name("left") == child


def check(ctx: Context) -> Iterator[Hit]:
    for assignment in ctx.of_type("assignment"):
        left = assignment.child_by_field_name("left")
        right = assignment.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or right.type != "list":
            continue
        if assignment.child_by_field_name("type") is not None:
            continue
        items = [c for c in right.named_children if c.type != "comment"]
        if not items or any(item.type not in _CONSTANTS for item in items):
            continue
        scope = enclosing_scope(assignment)
        if scope.type != "function_definition":
            continue
        name = ctx.text(left)
        uses = [
            node
            for node in walk(scope, into_scopes=True)
            if node.type == "identifier" and ctx.text(node) == name and node != left
        ]
        if not uses or not all(_read_only_use(ctx, use) for use in uses):
            continue
        inner = ctx.text(right)[1:-1].rstrip()
        if len(items) == 1 and not inner.endswith(","):
            inner += ","
        fix = ctx.fix("Use a tuple", "safe", ctx.replace(right, f"({inner})"))
        yield Hit(right, f"`{name}` is never changed: use a tuple instead of a list", fix)


RULE = Rule(
    code="ND111",
    name="tuple-over-list",
    summary="never-changed list literal of constants → tuple",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("W8301", "R6102"),
    fix="safe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
