"""ND219: `del xs[:]` → `xs.clear()`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`del xs[:]` (or `xs[:] = []`) on a list or dict known from its binding.",
    "The slice deletion builds a slice object and goes through the generic slice machinery; "
    "`clear()` empties the container directly and says what it does.",
    "del pending[:]",
    "pending.clear()",
    "Safe: the fix is offered only for names bound to a list in the same scope.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for statement in ctx.of_type("delete_statement"):
        targets = statement.named_children
        if len(targets) != 1 or targets[0].type != "subscript":
            continue
        target = targets[0]
        value = target.child_by_field_name("value")
        index = target.child_by_field_name("subscript")
        if value is None or index is None or ctx.text(index).replace(" ", "") != ":":
            continue
        if known_kind(ctx, value) != "list":
            continue
        fix = ctx.fix("Use `clear()`", "safe", ctx.replace(statement, f"{ctx.text(value)}.clear()"))
        yield Hit(statement, f"Prefer `{ctx.text(value)}.clear()` over deleting a full slice", fix)


RULE = Rule(
    code="ND219",
    name="delete-full-slice",
    summary="`del xs[:]` → `xs.clear()`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("FURB131",),
    fix="safe",
    default=False,
)
