"""ND107: an assignment in a loop body whose value never changes between iterations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import tree_sitter

from ._dependence import is_constant_time, is_invariant
from ._syntax import expression_of, has_comment, is_store, target_names, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A statement `name = expression` directly in a loop body whose expression reads nothing "
    "the loop changes (no name it rebinds, no object it mutates) and calls only pure "
    "functions, and whose target is bound nowhere else in the loop. Not reported when its "
    "calls are all constant-time (`len(x)`, `frozenset()`, `d.get('key')` with a literal "
    "key): moving one saves tens of nanoseconds per iteration.",
    "The same value is recomputed on every iteration.",
    "for row in rows:\n    limit = max(thresholds) * 2\n    if row > limit:\n        flagged += 1",
    "limit = max(thresholds) * 2\nfor row in rows:\n    if row > limit:\n        flagged += 1",
    "Unsafe: the statement then runs even when the loop runs zero times, and an exception it "
    "raises moves before the loop.",
)

_CHEAP = ("identifier", "integer", "float", "string", "true", "false", "none")


def invariant_assignment(
    ctx: Context, statement: tree_sitter.Node, loop: tree_sitter.Node
) -> tree_sitter.Node | None:
    """The value of `statement` when it is a loop-invariant `name = value`, else None."""
    expression = expression_of(statement)
    if expression is None or expression.type != "assignment":
        return None
    left = expression.child_by_field_name("left")
    right = expression.child_by_field_name("right")
    if left is None or right is None or left.type != "identifier":
        return None
    # arithmetic on names, or `len(x)`, costs nanoseconds per iteration: only a call that
    # does work (`max(thresholds)`, `name.lower()`) is worth moving
    if right.type in _CHEAP or not any(
        n.type == "call" and not is_constant_time(ctx, n) for n in (right, *walk(right))
    ):
        return None
    if not is_invariant(ctx, right, loop):
        return None
    name = ctx.text(left)
    bindings, first_read = _loop_index(ctx, loop)
    if (
        bindings.get(name, 0) != 1
        or first_read.get(name, statement.start_byte) < statement.start_byte
    ):
        return None
    if loop.type == "while_statement":
        condition = loop.child_by_field_name("condition")
        if condition is not None and name in ctx.text(condition):
            return None
    return right


def _loop_index(ctx: Context, loop: tree_sitter.Node) -> tuple[Counter[str], dict[str, int]]:
    """How often the loop body binds each name, and where each name is first read."""
    key = f"nd107:{loop.id}"
    cached = ctx.cache.get(key)
    if isinstance(cached, tuple):
        return cached
    bindings: Counter[str] = Counter()
    first_read: dict[str, int] = {}
    body = loop.child_by_field_name("body")
    for node in walk(body) if body is not None else ():
        if node.type in ("assignment", "augmented_assignment", "for_statement"):
            target = node.child_by_field_name("left")
            if target is not None:
                bindings.update(target_names(target))
        elif node.type == "named_expression":
            target = node.child_by_field_name("name")
            if target is not None:
                bindings[ctx.text(target)] += 1
        elif node.type == "identifier" and not is_store(node):
            first_read.setdefault(ctx.text(node), node.start_byte)
    ctx.cache[key] = (bindings, first_read)
    return bindings, first_read


def check(ctx: Context) -> Iterator[Hit]:
    for loop in (*ctx.of_type("for_statement"), *ctx.of_type("while_statement")):
        body = loop.child_by_field_name("body")
        if body is None:
            continue
        for statement in body.named_children:
            value = invariant_assignment(ctx, statement, loop)
            if value is None:
                continue
            fix = None
            if not has_comment(statement) and len(body.named_children) > 1:
                indent = ctx.line_indent(loop)
                line_start = ctx.source.rfind(b"\n", 0, statement.start_byte) + 1
                line_end = ctx.source.find(b"\n", statement.end_byte)
                line_end = len(ctx.source) if line_end < 0 else line_end + 1
                fix = ctx.fix(
                    "Move the statement before the loop",
                    "unsafe",
                    ctx.insert_before_line(loop, f"{indent}{ctx.text(statement)}\n"),
                    ctx.replace_range(line_start, line_end, ""),
                )
            yield Hit(
                statement, "Statement is loop-invariant: compute it once before the loop", fix
            )


RULE = Rule(
    code="ND107",
    name="loop-invariant-statement",
    summary="assignment in a loop whose value does not change between iterations",
    doc=DOC,
    check=check,
    equivalents=("W8201",),
    fix="unsafe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
