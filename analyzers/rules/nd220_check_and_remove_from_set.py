"""ND220: `if x in s: s.remove(x)` → `s.discard(x)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import body_statements, expression_of, has_comment, method_call, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`if x in s: s.remove(x)` on a set, with nothing else in the `if`.",
    "The element is hashed and looked up twice; `discard` does it once and ignores missing "
    "elements.",
    "if user in online:\n    online.remove(user)",
    "online.discard(user)",
    "Safe: the fix is offered only when `s` is known to be a set.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for comparison in ctx.of_type("comparison_operator"):
        statement = comparison.parent
        if statement is None or statement.type != "if_statement":
            continue
        if statement.child_by_field_name("condition") != comparison:
            continue
        if statement.child_by_field_name("alternative") is not None:
            continue
        operators = [c.type for c in comparison.children if not c.is_named]
        if operators != ["in"] or comparison.named_child_count != 2:
            continue
        element, container = comparison.named_children
        consequence = statement.child_by_field_name("consequence")
        body = body_statements(consequence)
        if len(body) != 1:
            continue
        call = expression_of(body[0])
        if call is None or call.type != "call":
            continue
        called = method_call(ctx, call)
        args = positional_args(call)
        if called is None or called[1] != "remove" or args is None or len(args) != 1:
            continue
        if ctx.text(called[0]) != ctx.text(container) or ctx.text(args[0]) != ctx.text(element):
            continue
        if known_kind(ctx, container) != "set":
            continue
        new = f"{ctx.text(container)}.discard({ctx.text(element)})"
        fix = (
            None
            if has_comment(statement)
            else ctx.fix("Use `discard`", "safe", ctx.replace(statement, new))
        )
        yield Hit(statement, f"Use `{new}` instead of check and `remove`", fix)


RULE = Rule(
    code="ND220",
    name="check-and-remove-from-set",
    summary="`if x in s: s.remove(x)` → `s.discard(x)`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("FURB132",),
    fix="safe",
)
