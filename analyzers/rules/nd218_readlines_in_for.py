"""ND218: `for line in f.readlines()` → `for line in f`."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import method_call, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "Iterating over `f.readlines()` in a `for` loop or comprehension.",
    "`readlines()` reads the whole file into a list first (O(file) memory); iterating the "
    "file object streams it line by line with the same lines.",
    "with open(path) as f:\n    for line in f.readlines():\n        handle(line)",
    "with open(path) as f:\n    for line in f:\n        handle(line)",
    "Safe for file objects; unsafe in general (a duck-typed `readlines` may differ), and the "
    "rule cannot tell, so the fix is marked unsafe.",
)


def check(ctx: Context) -> Iterator[Hit]:
    candidates = [loop.child_by_field_name("right") for loop in ctx.of_type("for_statement")]
    for kind in (
        "list_comprehension",
        "set_comprehension",
        "generator_expression",
        "dictionary_comprehension",
    ):
        for node in ctx.of_type(kind):
            candidates.extend(
                c.child_by_field_name("right")
                for c in node.named_children
                if c.type == "for_in_clause"
            )
    for right in candidates:
        if right is None or right.type != "call" or positional_args(right) != []:
            continue
        called = method_call(ctx, right)
        if called is None or called[1] != "readlines":
            continue
        fix = ctx.fix("Iterate over the file", "unsafe", ctx.replace(right, ctx.text(called[0])))
        yield Hit(right, "Iterate over the file object instead of `readlines()`", fix)


RULE = Rule(
    code="ND218",
    name="readlines-in-for",
    summary="`for line in f.readlines()` → `for line in f`",
    doc=DOC,
    check=check,
    equivalents=("FURB129",),
    fix="unsafe",
)
