"""ND102: `for k, _ in d.items()` that throws away the key or the value."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._syntax import method_call, names_read, positional_args, target_names, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A loop over `d.items()` that never uses the key (or never uses the value).",
    "`items()` builds a `(key, value)` tuple per entry and unpacks it; `values()` / `keys()` "
    "hand out one object per step and skip that work.",
    "for _key, value in prices.items():\n    total += value",
    "for value in prices.values():\n    total += value",
    "Unsafe: `d` may be a duck-typed object whose `keys()`/`values()` differ from `items()`.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        left = loop.child_by_field_name("left")
        right = loop.child_by_field_name("right")
        body = loop.child_by_field_name("body")
        if left is None or right is None or body is None or right.type != "call":
            continue
        if left.type not in ("pattern_list", "tuple_pattern") or left.named_child_count != 2:
            continue
        key, value = left.named_children
        if not (_is_target(key) and _is_target(value)):
            continue
        called = method_call(ctx, right)
        if called is None or called[1] != "items" or positional_args(right) != []:
            continue
        used: set[str] = set()
        for part in (body, loop.child_by_field_name("alternative")):
            if part is not None:
                used |= names_read(part)
                used |= {ctx.text(n) for n in walk(part) if n.type == "identifier"}
        receiver = ctx.text(called[0])
        for unused, kept, method in ((key, value, "values"), (value, key, "keys")):
            if not set(target_names(unused)) & used:  # `_`, or `(_, _)`: nothing read
                fix = ctx.fix(
                    f"Iterate over `{receiver}.{method}()`",
                    "unsafe",
                    ctx.replace(left, ctx.text(kept)),
                    ctx.replace(right, f"{receiver}.{method}()"),
                )
                yield Hit(
                    right, f"Use `{receiver}.{method}()` instead of `{receiver}.items()`", fix
                )
                break


_PATTERNS = ("tuple_pattern", "list_pattern", "pattern_list", "parenthesized_expression")


def _is_target(node: tree_sitter.Node) -> bool:
    """A name, or a nested unpacking of names (`(_, _)`, `[a, b]`)."""
    if node.type == "identifier":
        return True
    return node.type in _PATTERNS and all(_is_target(c) for c in node.named_children)


RULE = Rule(
    code="ND102",
    name="incorrect-dict-iterator",
    summary="`for k, _ in d.items()` discarding the key or value",
    doc=DOC,
    check=check,
    equivalents=("PERF102", "W8102"),
    fix="unsafe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
