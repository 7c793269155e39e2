"""ND316: `x in list(...)` / `x in sorted(...)` / `x in list(d.keys())` → test the source."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import builtin_shadowed, call_name, method_call, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A membership test against a list or tuple built just for the test: `x in list(d.keys())`, "
    "`x in list(s)`, `x in sorted(xs)`.",
    "The copy costs O(n) and the test scans it in O(n), even when the source (a dict, a set) "
    "could answer in O(1).",
    "if category not in list(totals.keys()):\n    totals[category] = 0.0",
    "if category not in totals:\n    totals[category] = 0.0",
    "Safe for `list(d.keys())` → `d` and for names known to be lists, tuples, sets, dicts "
    "or strings; other iterables get an unsafe fix (a lazy iterator is consumed differently).",
)


def check(ctx: Context) -> Iterator[Hit]:
    for comparison in ctx.of_type("comparison_operator"):
        operators = [c.type for c in comparison.children if not c.is_named]
        if operators not in (["in"], ["not in"]) or comparison.named_child_count != 2:
            continue
        copy = comparison.named_children[1]
        if copy.type != "call" or call_name(ctx, copy) not in ("list", "tuple", "sorted"):
            continue
        if builtin_shadowed(ctx, call_name(ctx, copy)):
            continue
        args = positional_args(copy)
        if args is None or len(args) != 1:
            continue
        source = args[0]
        called = method_call(ctx, source) if source.type == "call" else None
        safety: str = "unsafe"
        if called is not None and called[1] == "keys" and positional_args(source) == []:
            new, safety = ctx.text(called[0]), "safe"
        else:
            new = ctx.text(source)
            if known_kind(ctx, source) in ("list", "tuple", "set", "dict"):
                safety = "safe"
        fix = ctx.fix(
            f"Test membership in `{new}`",
            "safe" if safety == "safe" else "unsafe",
            ctx.replace(copy, new),
        )
        yield Hit(
            copy, f"`{ctx.text(copy)}` copies before a linear search: test `{new}` directly", fix
        )


RULE = Rule(
    code="ND316",
    name="membership-in-copy",
    summary="`x in list(d.keys())` / `x in list(s)` → `x in d` / `x in s`",
    doc=DOC,
    check=check,
    fix="safe",
    dataflow=True,
)
