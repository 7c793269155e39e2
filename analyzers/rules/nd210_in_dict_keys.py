"""ND210: `key in d.keys()` → `key in d` (the `for k in d.keys()` form is ND318's)."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._kinds import known_kind
from ._syntax import method_call, positional_args
from .base import Context, FixSafety, Hit, Rule, make_doc

FIX_SAFETY = (
    "Safe when the receiver is certainly a `dict` (every binding of the name in its scope is a "
    "dict literal, comprehension or `dict(...)` call). Otherwise unsafe, as in ruff's SIM118: a "
    "mapping type may define `keys()` differently from its iteration and membership (a "
    "`Mapping` subclass, an ORM row, a pandas object), so dropping `.keys()` can change "
    "the result. The fix is offered only when the receiver is a plain name or attribute."
)
"""Shared with ND318, the loop form: the same edit, the same reasoning."""

DOC = make_doc(
    "A membership test against `d.keys()`. Iterating `d.keys()` in a `for` loop is the "
    "opt-in ND318: it costs one call per loop, not per element.",
    "`d.keys()` creates a view object and an extra method call on every test before doing "
    "exactly what `in d` does (1.67× on a loop of membership tests, `neurodebug bench worth "
    "ND210`).",
    "if name in users.keys():\n    ...",
    "if name in users:\n    ...",
    FIX_SAFETY,
)


def _keys_call(ctx: Context, node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    if node is None or node.type != "call" or positional_args(node) != []:
        return None
    called = method_call(ctx, node)
    if called is None or called[1] != "keys":
        return None
    return called[0]


def _safety(ctx: Context, receiver: tree_sitter.Node) -> FixSafety:
    """Safe only for a name that certainly holds a dict; any other mapping may differ."""
    if receiver.type == "identifier" and known_kind(ctx, receiver) == "dict":
        return "safe"
    return "unsafe"


def check(ctx: Context) -> Iterator[Hit]:
    for comparison in ctx.of_type("comparison_operator"):
        operators = [c.type for c in comparison.children if not c.is_named]
        if operators not in (["in"], ["not in"]):
            continue
        right = comparison.named_children[-1]
        receiver = _keys_call(ctx, right)
        if receiver is None or receiver.type not in ("identifier", "attribute"):
            continue
        fix = ctx.fix(
            "Drop `.keys()`", _safety(ctx, receiver), ctx.replace(right, ctx.text(receiver))
        )
        yield Hit(right, f"Use `{operators[0]} {ctx.text(receiver)}` instead of `.keys()`", fix)


def iteration_hits(ctx: Context) -> Iterator[Hit]:
    """`for k in d.keys()` → `for k in d` (ND318)."""
    for loop in ctx.of_type("for_statement"):
        iterable = loop.child_by_field_name("right")
        receiver = _keys_call(ctx, iterable)
        if receiver is None or iterable is None or receiver.type not in ("identifier", "attribute"):
            continue
        body = loop.child_by_field_name("body")
        name = ctx.text(receiver)
        if body is not None and (
            f"del {name}[" in ctx.text(body) or f"{name}.pop(" in ctx.text(body)
        ):
            continue  # deleting while iterating needs the keys view (pylint#9594)
        fix = ctx.fix("Drop `.keys()`", _safety(ctx, receiver), ctx.replace(iterable, name))
        yield Hit(iterable, f"Iterate over `{name}` instead of `.keys()`", fix)


RULE = Rule(
    code="ND210",
    name="in-dict-keys",
    summary="`k in d.keys()` → `k in d`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("SIM118", "C0201"),
    fix="safe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
