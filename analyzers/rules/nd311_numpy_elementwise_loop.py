"""ND311: a Python loop over array indices doing element-wise arithmetic → vectorize."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import (
    body_statements,
    call_name,
    expression_of,
    module_imports,
    names_read,
    positional_args,
    walk,
)
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "In a file that imports numpy, `for i in range(len(a))` (or `range(n)`) whose body only "
    "assigns `out[i] = <expression of a[i], b[i], scalars>`.",
    "Each element goes through the interpreter: boxing a numpy scalar, dispatching the "
    "operator, unboxing. A vectorized expression runs the same arithmetic in C, typically "
    "10–100x faster.",
    "for i in range(len(prices)):\n    totals[i] = prices[i] * quantities[i] + fee",
    "totals[:] = prices * quantities + fee",
    "No fix: the arrays' shapes and dtypes are not known statically.",
)


def check(ctx: Context) -> Iterator[Hit]:
    if "numpy" not in module_imports(ctx).values():
        return
    for loop in ctx.of_type("for_statement"):
        left = loop.child_by_field_name("left")
        right = loop.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or right.type != "call":
            continue
        args = positional_args(right)
        if call_name(ctx, right) != "range" or args is None or len(args) != 1:
            continue
        index = ctx.text(left)
        statements = body_statements(loop.child_by_field_name("body"))
        if not statements:
            continue
        vectorizable = True
        for statement in statements:
            expression = expression_of(statement)
            if expression is None or expression.type not in ("assignment", "augmented_assignment"):
                vectorizable = False
                break
            target = expression.child_by_field_name("left")
            value = expression.child_by_field_name("right")
            if target is None or value is None or target.type != "subscript":
                vectorizable = False
                break
            subscript = target.child_by_field_name("subscript")
            if subscript is None or ctx.text(subscript) != index:
                vectorizable = False
                break
            uses = [n for n in walk(value) if n.type == "identifier" and ctx.text(n) == index]
            indexed = all(
                n.parent is not None
                and n.parent.type == "subscript"
                and n.parent.child_by_field_name("subscript") == n
                for n in uses
            )
            if (
                not uses
                or not indexed
                or any(n.type in ("call", "lambda") for n in walk(value))
                or (index not in names_read(value))
            ):
                vectorizable = False
                break
        if vectorizable:
            yield Hit(
                loop, "Element-wise Python loop over arrays: use a vectorized numpy expression"
            )


RULE = Rule(
    code="ND311",
    name="numpy-elementwise-loop",
    summary="element-wise Python loop over numpy arrays → vectorized expression",
    doc=DOC,
    check=check,
    dataflow=True,
)
