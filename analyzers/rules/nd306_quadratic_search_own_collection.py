"""ND306: `xs.count(x)` / `xs.index(x)` / `x in xs` inside `for x in xs` (quadratic)."""

from __future__ import annotations

from collections.abc import Iterator

from ._dependence import loop_facts
from ._kinds import kind_before
from ._syntax import method_call, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "Inside `for x in xs`, a linear search of `xs` itself: `xs.count(...)`, `xs.index(...)` "
    "or a membership test against `xs`. A membership test is not reported when `xs` is a set, "
    "frozenset or dict (by its literal, constructor, comprehension or annotation), also when "
    "the function makes it one before the loop (`group = set(group)` for a parameter): every "
    "binding that can reach the loop must say so.",
    "Each search scans the whole collection, so the loop does O(n²) work; counting once with "
    "`collections.Counter` (or an index dict built once) makes it O(n).",
    "for client in clients:\n    if clients.count(client) > limit:\n        noisy.add(client)",
    "from collections import Counter\n\ncounts = Counter(clients)\nfor client in clients:\n"
    "    if counts[client] > limit:\n        noisy.add(client)",
    "No fix: the replacement depends on what the counts are used for.",
)


_HASHED = frozenset({"set", "frozenset", "dict"})
"""Membership in these is O(1): a test against the loop's own set is no scan."""


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        iterable = loop.child_by_field_name("right")
        body = loop.child_by_field_name("body")
        if iterable is None or body is None or iterable.type != "identifier":
            continue
        name = ctx.text(iterable)
        facts = loop_facts(ctx, loop)
        if name in facts.assigned:
            continue
        for node in walk(body):
            if node.type == "call":
                called = method_call(ctx, node)
                if called is None or called[1] not in ("count", "index"):
                    continue
                if called[0].type != "identifier" or ctx.text(called[0]) != name:
                    continue
                yield Hit(
                    node,
                    f"`{ctx.text(node)}` scans `{name}` on each of its own iterations (O(n²)): "
                    "count once with `collections.Counter` or a dict",
                )
            elif node.type == "comparison_operator":
                operators = [c.type for c in node.children if not c.is_named]
                container = node.named_children[-1]
                if (
                    operators in (["in"], ["not in"])
                    and ctx.text(container) == name
                    and kind_before(ctx, container, loop) not in _HASHED
                ):
                    yield Hit(
                        node,
                        f"Membership test against `{name}` inside a loop over `{name}` (O(n²))",
                    )


RULE = Rule(
    code="ND306",
    name="quadratic-search-own-collection",
    summary="`xs.count` / `xs.index` / `in xs` inside `for x in xs` (quadratic)",
    doc=DOC,
    check=check,
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
