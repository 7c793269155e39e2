"""ND221: `for x in xs: s.add(f(x))` → `s.update(f(x) for x in xs)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import (
    appended,
    for_clause,
    has_comment,
    loop_target_leaks,
    names_read,
    partial_results_observable,
    single_body,
)
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A `for` loop whose only statement is `s.add(value)` (or `s.discard(value)`) on a set, "
    "when the value does not read `s`.",
    "Each iteration calls a bound method from bytecode; `update` / `difference_update` take "
    "a generator and loop in C.",
    "for word in words:\n    seen.add(word.lower())",
    "seen.update(word.lower() for word in words)",
    "Safe: same elements, same order, and only for names known to be sets.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        shape = single_body(loop)
        if shape is None or shape[1] is not None:
            continue
        for method, bulk in (("add", "update"), ("discard", "difference_update")):
            found = appended(ctx, shape[0], method)
            if found is None:
                continue
            name, value = found
            receiver = shape[0].named_children[0].child_by_field_name("function")
            if receiver is None or known_kind(ctx, receiver.named_children[0]) != "set":
                continue
            right = loop.child_by_field_name("right")
            if right is None or name in names_read(value) or name in names_read(right):
                continue
            left = loop.child_by_field_name("left")
            if left is not None and ctx.text(value) == ctx.text(left):
                new = f"{name}.{bulk}({ctx.text(right)})"
            else:
                new = f"{name}.{bulk}({ctx.text(value)} {for_clause(ctx, loop)})"
            fix = (
                None
                if has_comment(loop) or partial_results_observable(loop)
                else ctx.fix(
                    f"Use `{bulk}`",
                    "unsafe" if loop_target_leaks(ctx, loop) else "safe",
                    ctx.replace(loop, new),
                )
            )
            yield Hit(loop, f"Use `{name}.{bulk}(...)` instead of a loop of `{method}`", fix)


RULE = Rule(
    code="ND221",
    name="for-loop-set-mutations",
    summary="loop of `s.add(...)` → `s.update(...)`",
    doc=DOC,
    check=check,
    equivalents=("FURB142",),
    fix="safe",
    dataflow=True,
)
