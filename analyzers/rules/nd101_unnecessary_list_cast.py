"""ND101: `for x in list(y)` where `y` is already a list, tuple or set."""

from __future__ import annotations

from collections.abc import Iterator

from ._dependence import loop_facts
from ._kinds import known_kind
from ._syntax import base_name, call_name, positional_args
from .base import Context, Hit, Rule

DOC = """\
## What it finds
A `for` loop over `list(y)` when `y` is already a list, tuple or set.

## Why it is slow
`list(y)` copies every element into a new list before the loop starts: O(n) time and memory
for nothing, since the loop could walk `y` directly.

## Example
```python
for item in list(items):
    total += item
```

## Use instead
```python
for item in items:
    total += item
```

## Fix safety
Safe: the fix is offered only when the loop body cannot change `y` (no method call, item or
attribute assignment on it, and it is not passed to an unknown function), so iterating `y`
itself visits the same elements.
"""


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        right = loop.child_by_field_name("right")
        if right is None or right.type != "call" or call_name(ctx, right) != "list":
            continue
        args = positional_args(right)
        if args is None or len(args) != 1:
            continue
        iterable = args[0]
        if known_kind(ctx, iterable) not in ("list", "tuple", "set"):
            continue
        name = base_name(iterable)
        facts = loop_facts(ctx, loop)
        if name is not None and (name in facts.mutated or name in facts.assigned):
            continue
        fix = ctx.fix("Iterate directly", "safe", ctx.replace(right, ctx.text(iterable)))
        yield Hit(right, f"Do not cast `{ctx.text(iterable)}` to a list to iterate over it", fix)


RULE = Rule(
    code="ND101",
    name="unnecessary-list-cast",
    summary="`for x in list(y)` where `y` is already a list, tuple or set",
    doc=DOC,
    check=check,
    equivalents=("PERF101", "W8101"),
    fix="safe",
    dataflow=True,
)
