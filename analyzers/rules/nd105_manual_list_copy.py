"""ND105: a loop that appends every item unchanged → `list(xs)` / `extend`."""

from __future__ import annotations

from collections.abc import Iterator

from ._loops import FEW_ELEMENTS, runs_few_times
from .base import Context, Hit, Rule, make_doc
from .nd104_manual_list_comprehension import build_fix, manual_append

DOC = make_doc(
    "A `for` loop whose only statement appends the loop variable itself to a local list. "
    + FEW_ELEMENTS,
    "The loop runs bytecode per element; `list(xs)` or `extend` copies in C.",
    "copied = []\nfor item in items:\n    copied.append(item)",
    "copied = list(items)",
    "Safe when the list is created empty right before the loop; otherwise `extend`, unsafe "
    "because the loop variable no longer leaks out of the loop.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        found = None if runs_few_times(ctx, loop) else manual_append(ctx, loop)
        if found is None:
            continue
        name, value, condition = found
        left = loop.child_by_field_name("left")
        if condition is not None or left is None or ctx.text(value) != ctx.text(left):
            continue
        fix = build_fix(ctx, loop, name, ctx.text(value), None, plain_iterable=True)
        yield Hit(loop, f"Copy into `{name}` with `list()` or `extend` instead of a loop", fix)


RULE = Rule(
    code="ND105",
    name="manual-list-copy",
    summary="loop that appends every item unchanged → `list(x)` / `extend`",
    doc=DOC,
    check=check,
    equivalents=("PERF402", "W8402"),
    fix="safe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
