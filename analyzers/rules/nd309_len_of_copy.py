"""ND309: `len(list(x))`, `len(tuple(x))`, `len(sorted(x))`, `len([... for ...])`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import builtin_shadowed, call_name, method_call, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "The length of a collection built only to be measured, when the original is a sized "
    "builtin (a dict view, a list, a set …) whose own `len()` answers. Not reported for an "
    "iterator or a name of unknown type: counting it without the copy (`sum(1 for _ in it)`) "
    "saves memory, not time, and is slower than the copy below a few thousand items.",
    "Building the copy costs O(n) time and memory; `len()` of the original is O(1) for "
    "sized containers.",
    "if len(list(pairs.keys())) == 0:\n    return None",
    "if len(pairs) == 0:\n    return None",
    "Safe: `len(list(d.keys()))` → `len(d)` and `len(list(xs))` → `len(xs)`, only for names "
    "known to be sized builtins.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        if call_name(ctx, call) != "len" or builtin_shadowed(ctx, "len"):
            continue
        args = positional_args(call)
        if args is None or len(args) != 1 or args[0].type != "call":
            continue
        inner = args[0]
        if call_name(ctx, inner) not in ("list", "tuple", "sorted"):
            continue
        inner_args = positional_args(inner)
        if inner_args is None or len(inner_args) != 1:
            continue
        source = inner_args[0]
        called = method_call(ctx, source) if source.type == "call" else None
        if (
            called is not None
            and called[1] in ("keys", "values", "items")
            and positional_args(source) == []
        ):
            new = f"len({ctx.text(called[0])})"
        elif known_kind(ctx, source) in ("list", "tuple", "set", "dict", "str", "bytes"):
            new = f"len({ctx.text(source)})"
        else:
            continue  # an iterator: `sum(1 for _ in it)` would save memory, not time
        fix = ctx.fix(f"Use `{new}`", "safe", ctx.replace(call, new))
        yield Hit(call, f"`{ctx.text(call)}` copies everything to count it: use `{new}`", fix)


RULE = Rule(
    code="ND309",
    name="len-of-copy",
    summary="`len(list(x))` copies to count → `len(x)`",
    doc=DOC,
    check=check,
    fix="safe",
)
