"""ND212: `sum(lists, [])` → flattening in linear time."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import call_name, fresh_name, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`sum(iterable_of_lists, [])`, which concatenates lists with `+`.",
    "Each `+` copies everything accumulated so far: O(n²) in the total length.",
    "flat = sum(rows, [])",
    "flat = [item for row in rows for item in row]",
    "Unsafe: `sum` also accepts non-list items that support `+` with a list (e.g. objects "
    "overriding `__radd__`), which the comprehension would iterate instead.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        if call_name(ctx, call) != "sum":
            continue
        args = positional_args(call)
        if args is None or len(args) != 2 or ctx.text(args[1]).replace(" ", "") != "[]":
            continue
        row = fresh_name(ctx, "row")
        item = fresh_name(ctx, "item")
        new = f"[{item} for {row} in {ctx.text(args[0])} for {item} in {row}]"
        fix = ctx.fix("Flatten with a comprehension", "unsafe", ctx.replace(call, new))
        yield Hit(call, "`sum(..., [])` is quadratic: flatten with a comprehension", fix)


RULE = Rule(
    code="ND212",
    name="quadratic-list-summation",
    summary="`sum(lists, [])` is quadratic → flatten",
    doc=DOC,
    check=check,
    equivalents=("RUF017",),
    fix="unsafe",
)
