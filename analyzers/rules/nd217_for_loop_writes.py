"""ND217: `for x in xs: f.write(…)` → `f.writelines(…)`."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._syntax import (
    expression_of,
    for_clause,
    method_call,
    names_read,
    positional_args,
    single_body,
)
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A `for` loop whose only statement is `f.write(expression)`.",
    "Each iteration looks up and calls `write` from bytecode; `writelines` takes a generator "
    "and loops in C.",
    "for row in rows:\n    out.write(f'{row}\\n')",
    "out.writelines(f'{row}\\n' for row in rows)",
    "No fix, and opt-in: writing formatted lines through `writelines` and a generator "
    "measures slower than the loop on CPython 3.11 (0.84× into a `StringIO`, 10^3..10^6 "
    "lines, `neurodebug bench worth ND217`). Never reported for `self.write` / `cls.write` "
    "or inside a method named `writelines`: a class's own writer may have no `writelines`, "
    "or the rewrite would make `writelines` call itself.",
)


def _own_write(ctx: Context, receiver: tree_sitter.Node, loop: tree_sitter.Node) -> bool:
    """`self.write(...)` / `cls.write(...)`, or any loop inside a method named `writelines`.

    The class's own `write` is a custom writer: its `writelines` may not exist (AttributeError)
    or may be the very method holding the loop (endless recursion). Both broke real test
    suites (a templating engine's code generator, an I/O helpers library), so no hint at all.
    """
    if ctx.text(receiver) in ("self", "cls"):
        return True
    node = loop.parent
    while node is not None:
        if node.type == "function_definition":
            name = node.child_by_field_name("name")
            return name is not None and ctx.text(name) == "writelines"
        node = node.parent
    return False


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        shape = single_body(loop)
        if shape is None or shape[1] is not None:
            continue
        expression = expression_of(shape[0])
        if expression is None or expression.type != "call":
            continue
        called = method_call(ctx, expression)
        args = positional_args(expression)
        if called is None or called[1] != "write" or args is None or len(args) != 1:
            continue
        receiver = called[0]
        if receiver.type not in ("identifier", "attribute") or _own_write(ctx, receiver, loop):
            continue
        receiver_name = ctx.text(receiver).split(".")[0]
        left = loop.child_by_field_name("left")
        if receiver_name in names_read(args[0]) or left is None or receiver_name in ctx.text(left):
            continue
        iterable = loop.child_by_field_name("right")
        if iterable is not None and ctx.text(args[0]) == ctx.text(left):
            new = f"{ctx.text(receiver)}.writelines({ctx.text(iterable)})"
        else:
            new = f"{ctx.text(receiver)}.writelines({ctx.text(args[0])} {for_clause(ctx, loop)})"
        yield Hit(loop, f"Loop of writes could be one call: `{new}`")


RULE = Rule(
    code="ND217",
    name="for-loop-writes",
    summary="loop of `f.write(...)` → `f.writelines(...)`",
    doc=DOC,
    check=check,
    equivalents=("FURB122",),
    default=False,
)
