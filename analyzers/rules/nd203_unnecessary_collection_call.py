"""ND203: `dict()`, `list()`, `tuple()` with no arguments, `dict(a=1)` → literals."""

from __future__ import annotations

import keyword
from collections.abc import Iterator

from ._syntax import builtin_shadowed, call_args, call_name, has_comment
from .base import Context, Fix, Hit, Rule, make_doc

DOC = make_doc(
    "Calls of `dict()`, `list()` or `tuple()` without arguments, and `dict(key=value, …)`.",
    "A call looks up a global name and calls it; a literal is one instruction.",
    "counts = dict()\nitems = list()\noptions = dict(depth=2, strict=True)",
    "counts = {}\nitems = []\noptions = {'depth': 2, 'strict': True}",
    "Safe; not reported when the file rebinds the builtin.",
)

_EMPTY = {"dict": "{}", "list": "[]", "tuple": "()"}


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        name = call_name(ctx, call)
        if name not in _EMPTY:
            continue
        args = call_args(call)
        if args and (name != "dict" or any(a.type != "keyword_argument" for a in args)):
            continue
        if builtin_shadowed(ctx, name):
            continue
        if args:
            pairs = []
            for arg in args:
                key = arg.child_by_field_name("name")
                value = arg.child_by_field_name("value")
                if key is None or value is None or keyword.iskeyword(ctx.text(key)):
                    break
                pairs.append(f'"{ctx.text(key)}": {ctx.text(value)}')
            else:
                new = "{" + ", ".join(pairs) + "}"
                fix: Fix | None = ctx.fix(
                    "Rewrite as a dict literal", "safe", ctx.replace(call, new)
                )
                fix = None if has_comment(call) else fix
                yield Hit(call, "Unnecessary `dict()` call: rewrite as a literal", fix)
            continue
        fix = ctx.fix("Rewrite as a literal", "safe", ctx.replace(call, _EMPTY[name]))
        fix = None if has_comment(call) else fix
        yield Hit(call, f"Unnecessary `{name}()` call: rewrite as `{_EMPTY[name]}`", fix)


RULE = Rule(
    code="ND203",
    name="unnecessary-collection-call",
    summary="`dict()` / `list()` / `tuple()` / `dict(a=1)` → literal",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("C408", "R1735", "R1734"),
    fix="safe",
    default=False,
)
