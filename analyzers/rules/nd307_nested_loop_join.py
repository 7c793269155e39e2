"""ND307: nested loops that join two collections on equality → a dict index."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import names_read, single_body, target_names
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`for a in A: for b in B: if key(a) == key(b): …` where one side of `==` reads only the "
    "outer loop's variables and the other only the inner loop's.",
    "Every pair is compared: O(len(A)·len(B)). Indexing `B` by its key in a dict once makes "
    "the join O(len(A) + len(B)).",
    "for sku, qty in stock:\n    for cat_sku, category in catalogue:\n        if sku == cat_sku:\n"
    "            rows.append((sku, category, qty))",
    "by_sku = {}\nfor cat_sku, category in catalogue:\n    by_sku.setdefault(cat_sku, []).append(category)\n"
    "for sku, qty in stock:\n    for category in by_sku.get(sku, ()):\n        rows.append((sku, category, qty))",
    "No fix: the index's shape (unique keys or lists) depends on the data.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for inner in ctx.of_type("for_statement"):
        block = inner.parent
        outer = block.parent if block is not None else None
        if outer is None or outer.type != "for_statement":
            continue
        shape = single_body(inner)
        if shape is None or shape[1] is None:
            continue
        condition = shape[1]
        operators = [c.type for c in condition.children if not c.is_named]
        if condition.type != "comparison_operator" or operators != ["=="]:
            continue
        outer_left = outer.child_by_field_name("left")
        inner_left = inner.child_by_field_name("left")
        inner_right = inner.child_by_field_name("right")
        if outer_left is None or inner_left is None or inner_right is None:
            continue
        outer_vars = set(target_names(outer_left))
        inner_vars = set(target_names(inner_left))
        if outer_vars & names_read(inner_right):
            continue  # the inner collection depends on the outer element: not a join
        operands = condition.named_children
        if len(operands) != 2:  # an error-recovered comparison (found by fuzzing)
            continue
        left, right = operands
        sides = (names_read(left), names_read(right))
        for one, other in (sides, sides[::-1]):
            outer_side = bool(one & outer_vars) and not one & inner_vars
            inner_side = bool(other & inner_vars) and not other & outer_vars
            if outer_side and inner_side:
                yield Hit(
                    inner,
                    "Nested loops join two collections on `==` (O(n·m)): index the inner "
                    "one in a dict first",
                )
                break


RULE = Rule(
    code="ND307",
    name="nested-loop-join",
    summary="nested loops joining two collections on `==` → dict index",
    doc=DOC,
    check=check,
    dataflow=True,
)
