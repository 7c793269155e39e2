"""ND211: `list(x)[0]` / `[y for y in x][0]` → `next(iter(x))`."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import builtin_shadowed, call_name, is_store, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "Taking the first element of a freshly built list: `list(x)[0]`, `tuple(x)[0]`, or a list "
    "comprehension indexed with `[0]`.",
    "All of `x` is copied (O(n) time and memory) to read one element.",
    "first = list(scores.values())[0]",
    "first = next(iter(scores.values()))",
    "Unsafe: on an empty `x`, `IndexError` becomes `StopIteration`.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for subscript in ctx.of_type("subscript"):
        value = subscript.child_by_field_name("value")
        index = subscript.child_by_field_name("subscript")
        if value is None or index is None or ctx.text(index) != "0":
            continue
        if is_store(subscript):
            continue
        if value.type == "call" and call_name(ctx, value) in ("list", "tuple"):
            args = positional_args(value)
            if args is None or len(args) != 1 or builtin_shadowed(ctx, "next"):
                continue
            new = f"next(iter({ctx.text(args[0])}))"
        elif value.type == "list_comprehension":
            new = f"next(({ctx.text(value)[1:-1]}))"
        else:
            continue
        fix = ctx.fix("Use `next(iter(...))`", "unsafe", ctx.replace(subscript, new))
        yield Hit(subscript, "Prefer `next(iter(...))` over copying everything to take `[0]`", fix)


RULE = Rule(
    code="ND211",
    name="first-element-of-copy",
    summary="`list(x)[0]` → `next(iter(x))`",
    doc=DOC,
    check=check,
    equivalents=("RUF015",),
    fix="unsafe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
