"""ND106: a loop whose body only stores `d[k] = v` → dict comprehension."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import (
    for_clause,
    has_comment,
    loop_target_leaks,
    names_read,
    partial_results_observable,
    previous_statement,
    single_body,
    target_names,
)
from .base import Context, FixSafety, Hit, Rule, make_doc

DOC = make_doc(
    "A `for` loop whose only statement stores into a local dict (optionally under an `if`), "
    "when neither key, value, condition nor iterable reads that dict.",
    "A comprehension stores through one instruction per item; the loop evaluates a subscript "
    "assignment in bytecode every time.",
    "index = {}\nfor position, word in enumerate(words):\n    index[word] = position",
    "index = {word: position for position, word in enumerate(words)}",
    "Safe when the dict is created empty right before the loop (`d = {}`) and the loop "
    "variable is not used outside the loop; otherwise the fix "
    "is `d.update(...)`, unsafe because the loop variable no longer leaks out.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        shape = single_body(loop)
        if shape is None:
            continue
        statement, condition = shape
        expression = statement.named_children[0] if statement.named_child_count == 1 else None
        if statement.type != "expression_statement" or expression is None:
            continue
        if expression.type != "assignment" or expression.child_by_field_name("type") is not None:
            continue
        target = expression.child_by_field_name("left")
        value = expression.child_by_field_name("right")
        if target is None or value is None or target.type != "subscript":
            continue
        container = target.child_by_field_name("value")
        key = target.child_by_field_name("subscript")
        if container is None or key is None or container.type != "identifier":
            continue
        name = ctx.text(container)
        if known_kind(ctx, container) != "dict":
            continue
        left = loop.child_by_field_name("left")
        right = loop.child_by_field_name("right")
        if left is None or right is None or name in set(target_names(left)):
            continue
        reads = names_read(key) | names_read(value) | names_read(right)
        if condition is not None:
            reads |= names_read(condition)
        if name in reads or not (reads & set(target_names(left))):
            continue
        fix = None
        if not has_comment(loop) and not partial_results_observable(loop):
            suffix = f" if {ctx.text(condition)}" if condition is not None else ""
            comprehension = f"{ctx.text(key)}: {ctx.text(value)} {for_clause(ctx, loop)}{suffix}"
            before = previous_statement(loop)
            if before is not None and ctx.text(before).replace(" ", "") == f"{name}={{}}":
                edit = ctx.replace_range(
                    before.start_byte, loop.end_byte, f"{name} = {{{comprehension}}}"
                )
                safety: FixSafety = "unsafe" if loop_target_leaks(ctx, loop) else "safe"
                fix = ctx.fix("Replace the loop with a dict comprehension", safety, edit)
            else:
                edit = ctx.replace(loop, f"{name}.update({{{comprehension}}})")
                fix = ctx.fix("Replace the loop with `update`", "unsafe", edit)
        yield Hit(loop, f"Build `{name}` with a dict comprehension instead of a loop", fix)


RULE = Rule(
    code="ND106",
    name="manual-dict-comprehension",
    summary="loop that only stores `d[k] = v` → dict comprehension or `update`",
    doc=DOC,
    check=check,
    equivalents=("PERF403", "W8403", "R1717"),
    fix="safe",
    dataflow=True,
    default=False,
)
