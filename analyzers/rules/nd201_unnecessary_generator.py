"""ND201: `list(gen)`, `set(gen)`, `dict(gen)` → a comprehension."""

from __future__ import annotations

from collections.abc import Iterator

from ._loops import FEW_ELEMENTS, runs_few_times
from ._syntax import builtin_shadowed, call_name
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    f"A generator expression passed straight to `list()`, `set()` or `dict()`. {FEW_ELEMENTS}",
    "The generator suspends and resumes a frame for every element, and the call looks up the "
    "builtin; a comprehension builds the collection directly.",
    "squares = list(n * n for n in numbers)\npairs = dict((k, v) for k, v in rows)",
    "squares = [n * n for n in numbers]\npairs = {k: v for k, v in rows}",
    "Safe; not reported when the file rebinds `list`, `set` or `dict`.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        name = call_name(ctx, call)
        arguments = call.child_by_field_name("arguments")
        if name not in ("list", "set", "dict") or arguments is None:
            continue
        if arguments.type != "generator_expression" or runs_few_times(ctx, arguments):
            continue
        inner = ctx.text(arguments)[1:-1]
        body = arguments.child_by_field_name("body")
        if name == "list":
            new = f"[{inner}]"
        elif name == "set":
            new = f"{{{inner}}}"
        else:
            if body is None or body.type != "tuple" or body.named_child_count != 2:
                continue
            key, value = body.named_children
            rest = ctx.text(arguments)[body.end_byte - arguments.start_byte : -1]
            new = f"{{{ctx.text(key)}: {ctx.text(value)}{rest}}}"
        if builtin_shadowed(ctx, name):
            continue
        fix = ctx.fix("Rewrite as a comprehension", "safe", ctx.replace(call, new))
        yield Hit(call, f"Unnecessary generator: rewrite `{name}(...)` as a comprehension", fix)


RULE = Rule(
    code="ND201",
    name="unnecessary-generator",
    summary="`list(gen)` / `set(gen)` / `dict(gen)` → comprehension",
    doc=DOC,
    check=check,
    equivalents=("C400", "C401", "C402", "R1728"),
    fix="safe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
