"""ND318: `for k in d.keys()` → `for k in d` (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Hit, Rule, make_doc
from .nd210_in_dict_keys import FIX_SAFETY, iteration_hits

DOC = make_doc(
    "A `for` loop over `d.keys()`, when the body does not delete from `d`.",
    "The view costs one method call per loop, not per element: iterating the view and the "
    "dict run the same C loop. On a loop over a 10-key mapping (the shape of the real "
    "projects' findings, `update()` methods) that is 1.13× (`neurodebug bench worth ND318`), "
    "so the rule is opt-in; it reads better without `.keys()`.",
    "for key in other.keys():\n    self[key] = other[key]",
    "for key in other:\n    self[key] = other[key]",
    FIX_SAFETY,
)


def check(ctx: Context) -> Iterator[Hit]:
    yield from iteration_hits(ctx)


RULE = Rule(
    code="ND318",
    name="iterating-dict-keys",
    summary="`for k in d.keys()` → `for k in d`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("SIM118", "C0201"),
    fix="safe",
    default=False,
)
