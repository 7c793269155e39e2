"""ND104: a loop whose body only appends (maybe under an `if`) → list comprehension."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._kinds import known_kind
from ._syntax import (
    appended,
    for_clause,
    has_comment,
    loop_target_leaks,
    names_read,
    partial_results_observable,
    previous_statement,
    single_body,
    target_names,
)
from .base import Context, Fix, FixSafety, Hit, Rule, make_doc

DOC = make_doc(
    "A `for` loop whose only statement appends a computed value to a list (optionally under "
    "an `if`). Not flagged when the value or the condition reads the list being built "
    "(`fib.append(fib[-1] + fib[-2])`, the `if x not in out` de-duplication idiom), when the "
    "target is not a plain local list (`groups[k].append(v)`), or when the iterable reads it.",
    "Each iteration looks up and calls the bound `append` method from bytecode; a "
    "comprehension appends through a dedicated instruction and pre-sizes nothing it need not.",
    "squares = []\nfor n in numbers:\n    if n % 2:\n        squares.append(n * n)",
    "squares = [n * n for n in numbers if n % 2]",
    "Safe when the list is created empty right before the loop (`xs = []`) and the loop "
    "variable is not used outside the loop: both become one assignment. Otherwise the fix is `xs.extend(<generator>)`, marked unsafe because the loop "
    "variable no longer leaks out of the loop.",
)


def manual_append(
    ctx: Context, loop: tree_sitter.Node
) -> tuple[str, tree_sitter.Node, tree_sitter.Node | None] | None:
    """(list name, appended value, condition) for a loop that only appends to a local list."""
    if loop.type != "for_statement":
        return None
    shape = single_body(loop)
    if shape is None:
        return None
    statement, condition = shape
    found = appended(ctx, statement)
    if found is None:
        return None
    name, value = found
    receiver = statement.named_children[0].child_by_field_name("function")
    if receiver is None or known_kind(ctx, receiver.named_children[0]) != "list":
        return None
    right = loop.child_by_field_name("right")
    left = loop.child_by_field_name("left")
    if right is None or left is None or name in set(target_names(left)):
        return None
    reads = names_read(value) | names_read(right)
    if condition is not None:
        reads |= names_read(condition)
    if name in reads:
        return None
    return name, value, condition


def build_fix(
    ctx: Context,
    loop: tree_sitter.Node,
    name: str,
    element: str,
    condition: tree_sitter.Node | None,
    plain_iterable: bool,
) -> Fix | None:
    """`xs = [elem for …]` replacing `xs = []` + loop, or `xs.extend(…)` replacing the loop."""
    if has_comment(loop) or partial_results_observable(loop):
        return None
    clause = for_clause(ctx, loop)
    suffix = f" if {ctx.text(condition)}" if condition is not None else ""
    right = loop.child_by_field_name("right")
    iterable = ctx.text(right) if right is not None else ""
    before = previous_statement(loop)
    empty = f"{name} = []"
    if before is not None and ctx.text(before).replace(" ", "") == empty.replace(" ", ""):
        new = (
            f"{name} = list({iterable})"
            if plain_iterable
            else f"{name} = [{element} {clause}{suffix}]"
        )
        edit = ctx.replace_range(before.start_byte, loop.end_byte, new)
        safety: FixSafety = "unsafe" if loop_target_leaks(ctx, loop) else "safe"
        return ctx.fix("Replace the loop with a list comprehension", safety, edit)
    new = (
        f"{name}.extend({iterable})"
        if plain_iterable
        else f"{name}.extend({element} {clause}{suffix})"
    )
    return ctx.fix("Replace the loop with `extend`", "unsafe", ctx.replace(loop, new))


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        found = manual_append(ctx, loop)
        if found is None:
            continue
        name, value, condition = found
        left = loop.child_by_field_name("left")
        if condition is None and left is not None and ctx.text(value) == ctx.text(left):
            continue  # a plain copy: ND105
        fix = build_fix(ctx, loop, name, ctx.text(value), condition, plain_iterable=False)
        yield Hit(loop, f"Build `{name}` with a list comprehension instead of a loop", fix)


RULE = Rule(
    code="ND104",
    name="manual-list-comprehension",
    summary="loop that only appends to a list → list comprehension or `extend`",
    doc=DOC,
    check=check,
    equivalents=("PERF401", "W8401", "R1728"),
    fix="safe",
    dataflow=True,
    default=False,
)
