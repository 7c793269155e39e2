"""ND215: `d[k]` inside `for k, v in d.items()` → `v`."""

from __future__ import annotations

from collections.abc import Iterator

from ._dependence import loop_facts
from ._syntax import call_name, is_store, method_call, positional_args, rebound_in, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "Inside `for k, v in d.items()` (or `for i, v in enumerate(xs)`, see ND216) a read of "
    "`d[k]`, which is `v`. Not flagged when the loop rebinds `k`, `v` or `d`, or may change `d`.",
    "The lookup hashes the key and probes the table again for a value already in hand.",
    "for name, score in scores.items():\n    print(name, scores[name])",
    "for name, score in scores.items():\n    print(name, score)",
    "Safe: the dependency analysis proves `d`, `k` and `v` are unchanged in the loop.",
)


def index_lookups(ctx: Context, method: str) -> Iterator[Hit]:
    """Hits for `container[key]` reads equal to the loop's value variable."""
    for loop in ctx.of_type("for_statement"):
        left = loop.child_by_field_name("left")
        right = loop.child_by_field_name("right")
        body = loop.child_by_field_name("body")
        if left is None or right is None or body is None or right.type != "call":
            continue
        if left.type not in ("pattern_list", "tuple_pattern") or left.named_child_count != 2:
            continue
        first, second = left.named_children
        if first.type != "identifier" or second.type != "identifier":
            continue
        if method == "items":
            called = method_call(ctx, right)
            if called is None or called[1] != "items" or positional_args(right) != []:
                continue
            container, key, value = called[0], first, second
        else:
            args = positional_args(right)
            if call_name(ctx, right) != "enumerate" or args is None or len(args) != 1:
                continue
            container, key, value = args[0], first, second
        if container.type != "identifier":
            continue
        facts = loop_facts(ctx, loop)
        names = {ctx.text(container), ctx.text(key), ctx.text(value)}
        changed = (facts.assigned - {ctx.text(key), ctx.text(value)}) | facts.mutated
        if names & changed:
            continue
        if rebound_in(ctx, body) & names:
            continue
        for node in walk(body):
            if node.type != "subscript":
                continue
            obj = node.child_by_field_name("value")
            index = node.child_by_field_name("subscript")
            if obj is None or index is None:
                continue
            if (ctx.text(obj), ctx.text(index)) != (ctx.text(container), ctx.text(key)):
                continue
            if is_store(node):
                continue
            fix = ctx.fix(f"Use `{ctx.text(value)}`", "safe", ctx.replace(node, ctx.text(value)))
            yield Hit(node, f"Unnecessary lookup `{ctx.text(node)}`: use `{ctx.text(value)}`", fix)


def check(ctx: Context) -> Iterator[Hit]:
    yield from index_lookups(ctx, "items")


RULE = Rule(
    code="ND215",
    name="unnecessary-dict-index-lookup",
    summary="`d[k]` inside `for k, v in d.items()` → `v`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("PLR1733", "R1733", "PLC0206"),
    fix="safe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
