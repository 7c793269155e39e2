"""ND202: `set([… for …])` / `dict([(k, v) for …])` → set / dict comprehension."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import call_name, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A list comprehension passed straight to `set()` or `dict()`.",
    "The list is built in full only to be copied into the set or dict and thrown away.",
    "unique = set([w.lower() for w in words])",
    "unique = {w.lower() for w in words}",
    "Safe.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        name = call_name(ctx, call)
        if name not in ("set", "dict"):
            continue
        args = positional_args(call)
        if args is None or len(args) != 1 or args[0].type != "list_comprehension":
            continue
        comprehension = args[0]
        inner = ctx.text(comprehension)[1:-1]
        if name == "set":
            new = f"{{{inner}}}"
        else:
            body = comprehension.child_by_field_name("body")
            if body is None or body.type != "tuple" or body.named_child_count != 2:
                continue
            key, value = body.named_children
            rest = ctx.text(comprehension)[body.end_byte - comprehension.start_byte : -1]
            new = f"{{{ctx.text(key)}: {ctx.text(value)}{rest}}}"
        fix = ctx.fix(f"Rewrite as a {name} comprehension", "safe", ctx.replace(call, new))
        yield Hit(call, f"Unnecessary list comprehension: rewrite as a {name} comprehension", fix)


RULE = Rule(
    code="ND202",
    name="unnecessary-list-comprehension-call",
    summary="`set([...])` / `dict([...])` around a list comprehension",
    doc=DOC,
    check=check,
    equivalents=("C403", "C404", "R1717", "R1718"),
    fix="safe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
