"""ND213: `k in d and d[k]` → `d.get(k)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import unparen
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`key in d and d[key]`: a membership test followed by a lookup of the same key.",
    "The key is hashed and looked up twice; `d.get(key)` does it once.",
    "if name in cache and cache[name]:\n    ...",
    "if cache.get(name):\n    ...",
    "Unsafe: the expression's value changes from `False` to `None` when the key is missing "
    "(the same truth value, a different object).",
)


def check(ctx: Context) -> Iterator[Hit]:
    for node in ctx.of_type("boolean_operator"):
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is None or left is None or right is None or operator.type != "and":
            continue
        left, right = unparen(left), unparen(right)
        if left.type != "comparison_operator" or right.type != "subscript":
            continue
        operators = [c.type for c in left.children if not c.is_named]
        if operators != ["in"] or left.named_child_count != 2:
            continue
        key, container = left.named_children
        value = right.child_by_field_name("value")
        index = right.child_by_field_name("subscript")
        if value is None or index is None:
            continue
        if (ctx.text(value), ctx.text(index)) != (ctx.text(container), ctx.text(key)):
            continue
        if container.type not in ("identifier", "attribute"):
            continue
        new = f"{ctx.text(container)}.get({ctx.text(key)})"
        fix = ctx.fix("Use `.get()`", "unsafe", ctx.replace(node, new))
        yield Hit(node, f"Unnecessary key check before lookup: use `{new}`", fix)


RULE = Rule(
    code="ND213",
    name="unnecessary-key-check",
    summary="`k in d and d[k]` → `d.get(k)`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("RUF019",),
    fix="unsafe",
    default=False,
)
