"""ND103: `try`/`except` inside a loop whose handlers all leave the loop (Python < 3.11)."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import body_statements
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A `try`/`except` directly in a loop body, on Python before 3.11, when every handler ends "
    "the loop (`break`, `return` or `raise`), so the `try` could wrap the whole loop instead.",
    "Before 3.11 entering a `try` block costs a setup instruction on every iteration; "
    "3.11 made it zero-cost, so the rule is off for `target-version >= py311`. A loop that "
    "must go on after a failing item (a handler that continues) is never flagged: moving the "
    "`try` out would change what it does.",
    "for line in lines:\n    try:\n        values.append(int(line))\n    except ValueError:\n"
    "        break",
    "try:\n    for line in lines:\n        values.append(int(line))\nexcept ValueError:\n    pass",
    "No fix: moving the handler changes which statements it covers.",
)

_EXITS = ("break_statement", "return_statement", "raise_statement")


def check(ctx: Context) -> Iterator[Hit]:
    for statement in ctx.of_type("try_statement"):
        block = statement.parent
        loop = block.parent if block is not None else None
        if loop is None or loop.type not in ("for_statement", "while_statement"):
            continue
        if block != loop.child_by_field_name("body"):
            continue
        handlers = [c for c in statement.named_children if c.type == "except_clause"]
        if not handlers or any(c.type == "finally_clause" for c in statement.named_children):
            continue
        ends_loop = True
        for handler in handlers:
            statements = body_statements(handler.named_children[-1])
            if not statements or statements[-1].type not in _EXITS:
                ends_loop = False
        if ends_loop:
            yield Hit(statement, "`try`/`except` within a loop incurs overhead before 3.11")


RULE = Rule(
    code="ND103",
    name="try-except-in-loop",
    summary="`try`/`except` in a loop when every handler leaves the loop",
    doc=DOC,
    check=check,
    equivalents=("PERF203", "R8203"),
    max_version=(3, 11),
    default=False,
)
