"""ND205: `[x for x in y]` → `list(y)`, `{x for x in y}` → `set(y)`, `{k: v for k, v in y}`."""

from __future__ import annotations

from collections.abc import Iterator

from ._loops import FEW_ELEMENTS, runs_few_times
from ._syntax import builtin_shadowed, has_comment
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A comprehension that hands out every element unchanged, with a single `for` and no `if`. "
    + FEW_ELEMENTS,
    "The comprehension runs a bytecode loop per element; `list(y)` / `set(y)` / `dict(y)` copy "
    "in C.",
    "copy = [item for item in items]\nlookup = {k: v for k, v in pairs}",
    "copy = list(items)\nlookup = dict(pairs)",
    "Safe.",
)

_KINDS = {
    "list_comprehension": "list",
    "set_comprehension": "set",
    "dictionary_comprehension": "dict",
}


def check(ctx: Context) -> Iterator[Hit]:
    for kind, constructor in _KINDS.items():
        for node in ctx.of_type(kind):
            clauses = [c for c in node.named_children if c.type in ("for_in_clause", "if_clause")]
            if len(clauses) != 1 or clauses[0].type != "for_in_clause" or runs_few_times(ctx, node):
                continue
            clause = clauses[0]
            if any(c.type == "async" for c in clause.children):
                continue
            left = clause.child_by_field_name("left")
            right = clause.child_by_field_name("right")
            body = node.child_by_field_name("body")
            if left is None or right is None or body is None:
                continue
            if kind == "dictionary_comprehension":
                key = body.child_by_field_name("key")
                value = body.child_by_field_name("value")
                if key is None or value is None:
                    continue
                if (
                    left.type not in ("pattern_list", "tuple_pattern")
                    or left.named_child_count != 2
                ):
                    continue
                first, second = left.named_children
                if (ctx.text(key), ctx.text(value)) != (ctx.text(first), ctx.text(second)):
                    continue
            elif left.type != "identifier" or ctx.text(body) != ctx.text(left):
                continue
            if builtin_shadowed(ctx, constructor):
                continue
            fix = (
                None
                if has_comment(node)
                else ctx.fix(
                    f"Rewrite as `{constructor}()`",
                    "safe",
                    ctx.replace(node, f"{constructor}({ctx.text(right)})"),
                )
            )
            yield Hit(node, f"Unnecessary comprehension: rewrite as `{constructor}(...)`", fix)


RULE = Rule(
    code="ND205",
    name="unnecessary-comprehension",
    summary="identity comprehension → `list(y)` / `set(y)` / `dict(y)`",
    doc=DOC,
    check=check,
    equivalents=("C416", "R1721"),
    fix="safe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
