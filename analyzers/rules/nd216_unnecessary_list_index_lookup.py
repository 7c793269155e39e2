"""ND216: `xs[i]` inside `for i, x in enumerate(xs)` → `x`."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Hit, Rule, make_doc
from .nd215_unnecessary_dict_index_lookup import index_lookups

DOC = make_doc(
    "Inside `for i, x in enumerate(xs)` a read of `xs[i]`, which is `x`. Not flagged when the "
    "loop rebinds `i`, `x` or `xs`, or may change `xs`.",
    "The subscript repeats a bounds check and a load for a value already in hand.",
    "for i, word in enumerate(words):\n    print(i, words[i].upper())",
    "for i, word in enumerate(words):\n    print(i, word.upper())",
    "Safe: the dependency analysis proves `xs`, `i` and `x` are unchanged in the loop.",
)


def check(ctx: Context) -> Iterator[Hit]:
    yield from index_lookups(ctx, "enumerate")


RULE = Rule(
    code="ND216",
    name="unnecessary-list-index-lookup",
    summary="`xs[i]` inside `for i, x in enumerate(xs)` → `x`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("PLR1736", "R1736", "C0200"),
    fix="safe",
    dataflow=True,
    default=False,
)
