"""ND209: a loop that returns True/False on the first match → `any()` / `all()`."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._syntax import for_clause, single_body
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`for x in xs: if cond: return True` followed by `return False` (or the `False`/`True` "
    "mirror image, which is `all`).",
    "The loop dispatches bytecode for the test, the branch and the jump on every element; "
    "`any()`/`all()` over a generator runs the iteration in C and reads as one expression.",
    "def has_negative(xs):\n    for x in xs:\n        if x < 0:\n            return True\n"
    "    return False",
    "def has_negative(xs):\n    return any(x < 0 for x in xs)",
    "No fix: the `any()`/`all()` form measures slower on CPython 3.11 (0.47× when every "
    "element is scanned, `neurodebug bench worth ND209`); the rule is opt-in, for those who "
    "prefer the expression for reading.",
)


def negated(ctx: Context, condition: tree_sitter.Node) -> str:
    """`not (c)`, simplified for `a not in b` → `a in b`, `a != b` → `a == b`, `not x` → `x`."""
    swaps = {"not in": "in", "in": "not in", "!=": "==", "==": "!=", "is not": "is", "is": "is not"}
    if condition.type == "comparison_operator" and condition.named_child_count == 2:
        operators = [c for c in condition.children if not c.is_named]
        if len(operators) == 1 and operators[0].type in swaps:
            left, right = condition.named_children
            return f"{ctx.text(left)} {swaps[operators[0].type]} {ctx.text(right)}"
    if condition.type == "not_operator":
        argument = condition.child_by_field_name("argument")
        if argument is not None:
            return ctx.text(argument)
    return f"not ({ctx.text(condition)})"


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        shape = single_body(loop)
        if shape is None or shape[1] is None:
            continue
        statement, condition = shape
        after = loop.next_named_sibling
        if statement.type != "return_statement" or after is None:
            continue
        if after.type != "return_statement":
            continue
        inside = ctx.text(statement).replace("return", "", 1).strip()
        outside = ctx.text(after).replace("return", "", 1).strip()
        assert condition is not None
        clause = for_clause(ctx, loop)
        if (inside, outside) == ("True", "False"):
            new = f"return any({ctx.text(condition)} {clause})"
            builtin = "any"
        elif (inside, outside) == ("False", "True"):
            new = f"return all({negated(ctx, condition)} {clause})"
            builtin = "all"
        else:
            continue
        if condition.type == "named_expression" or "await" in ctx.text(condition):
            continue
        yield Hit(loop, f"Loop reimplements `{builtin}()`: `{new}`")


RULE = Rule(
    code="ND209",
    name="reimplemented-any-all",
    summary="loop returning True/False on first match → `any()` / `all()`",
    doc=DOC,
    check=check,
    equivalents=("SIM110", "SIM111", "C0501"),
    default=False,
)
