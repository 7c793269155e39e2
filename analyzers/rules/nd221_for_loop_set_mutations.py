"""ND221: `for x in xs: s.add(f(x))` → `s.update(f(x) for x in xs)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import (
    appended,
    for_clause,
    names_read,
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
    "No fix, and opt-in: `seen.update(value % 1000 for value in values)` measures slower "
    "than the loop of `add` on CPython 3.11 (0.90×, 10^3..10^6 items, `neurodebug bench "
    "worth ND221`): the generator costs what the bound-method call saved.",
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
            yield Hit(loop, f"Loop of `{method}` could be one call: `{new}`")


RULE = Rule(
    code="ND221",
    name="for-loop-set-mutations",
    summary="loop of `s.add(...)` → `s.update(...)`",
    doc=DOC,
    check=check,
    equivalents=("FURB142",),
    dataflow=True,
    default=False,
)
