"""ND204: `list(sorted(x))`, `list(list(x))`, `set(set(x))`, `tuple(list(x))`, …"""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import builtin_shadowed, call_name, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A collection constructor around a call that already returns a fresh collection: "
    "`list(sorted(x))`, `list(list(x))`, `set(set(x))`, `list(tuple(x))`, `set(sorted(x))`, "
    "`sorted(list(x))` and similar.",
    "The inner result is built only to be copied once more and thrown away.",
    "names = list(sorted(people))\nunique = set(list(words))",
    "names = sorted(people)\nunique = set(words)",
    "Safe: the outer call gets the same elements in the same order from `x` directly.",
)

# outer → inner calls whose result the outer can take directly (the inner call is dropped,
# or for `list(sorted(x))` the outer one is)
_DROP_INNER = {
    "list": ("list", "tuple"),
    "set": ("list", "tuple", "set", "sorted", "reversed"),
    "tuple": ("list", "tuple"),
    "sorted": ("list", "tuple", "sorted"),
}


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        outer = call_name(ctx, call)
        if outer not in ("list", "set", "tuple", "sorted"):
            continue
        args = positional_args(call)
        if not args or args[0].type != "call":
            continue
        if outer != "sorted" and len(args) != 1:
            continue
        inner_call = args[0]
        inner = call_name(ctx, inner_call)
        inner_args = positional_args(inner_call)
        if builtin_shadowed(ctx, outer) or builtin_shadowed(ctx, inner):
            continue
        if outer == "list" and inner == "sorted":
            fix = ctx.fix("Drop the `list()` call", "safe", ctx.replace(call, ctx.text(inner_call)))
            yield Hit(call, "Unnecessary `list()` around `sorted()`", fix)
        elif inner in _DROP_INNER[outer] and inner_args is not None and len(inner_args) == 1:
            if inner == "sorted" and outer == "sorted":
                continue  # the inner key may differ from the outer; keep it
            fix = ctx.fix(
                f"Drop the inner `{inner}()` call",
                "safe",
                ctx.replace(inner_call, ctx.text(inner_args[0])),
            )
            yield Hit(call, f"Unnecessary `{inner}()` call within `{outer}()`", fix)


RULE = Rule(
    code="ND204",
    name="unnecessary-double-cast",
    summary="`list(sorted(x))`, `set(list(x))` and other copies of a fresh copy",
    doc=DOC,
    check=check,
    equivalents=("C411", "C413", "C414"),
    fix="safe",
    default=False,
)
