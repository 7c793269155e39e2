"""ND304: `s += piece` on a string inside a loop → `"".join(...)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._loops import loop_of
from ._syntax import (
    for_clause,
    has_comment,
    loop_target_leaks,
    names_read,
    partial_results_observable,
    single_body,
)
from .base import Context, FixSafety, Hit, Rule, make_doc

DOC = make_doc(
    "`text += piece` inside a loop, where `text` is bound to a string.",
    "Strings are immutable: each `+=` may copy everything accumulated so far, O(n²) in the "
    "final length (CPython's in-place trick only helps while no other reference exists and "
    "not on other interpreters). Collecting pieces and joining once is linear.",
    "text = ''\nfor row in rows:\n    text += f'{row}\\n'",
    "text = ''\ntext += ''.join(f'{row}\\n' for row in rows)",
    "Safe when the loop's only statement is the `+=` (maybe under an `if`) and the piece does "
    "not read the string: the same pieces are joined in the same order (unsafe when the loop "
    "variable is used outside the loop, since the generator's does not leak). Otherwise no fix.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for statement in ctx.of_type("augmented_assignment"):
        operator = statement.child_by_field_name("operator")
        left = statement.child_by_field_name("left")
        right = statement.child_by_field_name("right")
        if operator is None or left is None or right is None or ctx.text(operator) != "+=":
            continue
        if left.type != "identifier" or known_kind(ctx, left) != "str":
            continue
        loop = loop_of(ctx, statement)
        if loop is None or loop.type not in ("for_statement", "while_statement"):
            continue
        name = ctx.text(left)
        fix = None
        shape = single_body(loop) if loop.type == "for_statement" else None
        if (
            shape is not None
            and shape[0].named_children
            and shape[0].named_children[0] == statement
            and name not in names_read(right)
            and not has_comment(loop)
            and not partial_results_observable(loop)
        ):
            iterable = loop.child_by_field_name("right")
            condition = shape[1]
            if (
                iterable is not None
                and name not in names_read(iterable)
                and (condition is None or name not in names_read(condition))
            ):
                suffix = f" if {ctx.text(condition)}" if condition is not None else ""
                new = f'{name} += "".join({ctx.text(right)} {for_clause(ctx, loop)}{suffix})'
                safety: FixSafety = "unsafe" if loop_target_leaks(ctx, loop) else "safe"
                fix = ctx.fix("Join the pieces once", safety, ctx.replace(loop, new))
        yield Hit(statement, f"`{name} +=` in a loop copies the string: collect and `join`", fix)


RULE = Rule(
    code="ND304",
    name="string-concat-in-loop",
    summary='`str +=` in a loop (quadratic) → `"".join(...)`',
    doc=DOC,
    check=check,
    equivalents=("R1713",),
    fix="safe",
    dataflow=True,
    default=False,
)
