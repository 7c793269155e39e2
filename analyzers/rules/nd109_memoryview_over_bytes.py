"""ND109: slicing a `bytes` object inside a loop."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._loops import loop_of
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A slice `data[i:j]` of a value known to be `bytes` inside a loop.",
    "Every slice of `bytes` copies the bytes; a `memoryview` slice shares the buffer, so a "
    "loop that walks a large buffer in slices does O(n) copying per step without it.",
    "for start in range(0, len(data), 4096):\n    send(data[start:start + 4096])",
    "view = memoryview(data)\nfor start in range(0, len(view), 4096):\n"
    "    send(view[start:start + 4096])",
    "No fix: consumers may need real `bytes` (hashing, dict keys).",
)


def check(ctx: Context) -> Iterator[Hit]:
    for subscript in ctx.of_type("subscript"):
        index = subscript.child_by_field_name("subscript")
        value = subscript.child_by_field_name("value")
        if index is None or value is None or index.type != "slice":
            continue
        if loop_of(ctx, subscript) is None or known_kind(ctx, value) != "bytes":
            continue
        yield Hit(subscript, f"Slicing bytes `{ctx.text(value)}` copies: use a memoryview")


RULE = Rule(
    code="ND109",
    name="memoryview-over-bytes",
    summary="slicing `bytes` inside a loop (copies; use `memoryview`)",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("W8204",),
    default=False,
)
