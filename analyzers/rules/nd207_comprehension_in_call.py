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
    "No fix, and opt-in: measured on a validation that scans every element (`all([...])` "
    "over 10^3..10^6 items, `neurodebug bench worth ND207`) the generator is slower (0.78×); "
    "it pays only when an early element decides `any`/`all` or the list would not fit in "
    "memory, which the rule cannot tell.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        name = call_name(ctx, call)
        if name not in ("any", "all", "sum", "min", "max") or builtin_shadowed(ctx, name):
            continue
        args = positional_args(call)
        if args is None or len(args) != 1 or args[0].type != "list_comprehension":
            continue
        yield Hit(args[0], f"Unnecessary list comprehension in `{name}()`")


RULE = Rule(
    code="ND207",
    name="unnecessary-comprehension-in-call",
    summary="`any([...])` / `all([...])` / `sum([...])` → generator",
    doc=DOC,
    check=check,
    equivalents=("C419", "R1729"),
    default=False,
)
