"""ND207: `any([...])`, `all([...])`, `sum([...])`, `min([...])`, `max([...])` → generator."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import builtin_shadowed, call_name, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A list comprehension as the only argument of `any`, `all`, `sum`, `min` or `max`.",
    "The whole list is built before the call sees the first element: `any`/`all` lose their "
    "short-circuit, and every call holds all elements in memory at once.",
    "if any([is_prime(n) for n in numbers]):\n    ...",
    "if any(is_prime(n) for n in numbers):\n    ...",
    "Unsafe: with a generator, `any`/`all` stop early, so side effects in the element "
    "expression may no longer happen for the remaining elements.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        name = call_name(ctx, call)
        if name not in ("any", "all", "sum", "min", "max") or builtin_shadowed(ctx, name):
            continue
        args = positional_args(call)
        if args is None or len(args) != 1 or args[0].type != "list_comprehension":
            continue
        comprehension = args[0]
        fix = ctx.fix(
            "Pass a generator expression",
            "unsafe",
            ctx.replace(comprehension, ctx.text(comprehension)[1:-1]),
        )
        yield Hit(comprehension, f"Unnecessary list comprehension in `{name}()`", fix)


RULE = Rule(
    code="ND207",
    name="unnecessary-comprehension-in-call",
    summary="`any([...])` / `all([...])` / `sum([...])` → generator",
    doc=DOC,
    check=check,
    equivalents=("C419", "R1729"),
    fix="unsafe",
)
