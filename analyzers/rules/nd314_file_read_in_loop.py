"""ND314: opening or reading the same file on every iteration of a loop."""

from __future__ import annotations

from collections.abc import Iterator

from ._dependence import is_invariant
from ._loops import loop_of
from ._syntax import call_args, call_name, method_call
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`open(path)` or `Path(...).read_text()` / `read_bytes()` inside a loop when the path "
    "does not depend on the loop (the dependency analysis proves it reads nothing the loop "
    "changes).",
    "The same file is opened, read and decoded again on every iteration: system calls and "
    "parsing that could happen once.",
    "for region in regions:\n    with open(path) as f:\n        rows = f.read().splitlines()\n"
    "    report(region, rows)",
    "with open(path) as f:\n    rows = f.read().splitlines()\nfor region in regions:\n"
    "    report(region, rows)",
    "No fix: the file might legitimately change between iterations (a log being tailed).",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        loop = loop_of(ctx, call)
        if loop is None or loop.type not in ("for_statement", "while_statement"):
            continue
        if call_name(ctx, call) == "open":
            args = call_args(call)
            if not args or args[0].type == "keyword_argument":
                continue
            mode = args[1] if len(args) > 1 else None
            if mode is not None and any(flag in ctx.text(mode) for flag in "wax+"):
                continue
            path = args[0]
            if path.type in ("integer",) or not is_invariant(ctx, path, loop):
                continue
            yield Hit(call, f"`{ctx.text(path)}` is opened again on every iteration: read it once")
            continue
        called = method_call(ctx, call)
        if called is None or called[1] not in ("read_text", "read_bytes"):
            continue
        if is_invariant(ctx, called[0], loop):
            yield Hit(
                call, f"`{ctx.text(called[0])}` is read again on every iteration: read it once"
            )


RULE = Rule(
    code="ND314",
    name="file-read-in-loop",
    summary="same file opened or read on every iteration",
    doc=DOC,
    check=check,
    dataflow=True,
)
