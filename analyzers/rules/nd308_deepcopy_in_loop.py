"""ND308: `copy.deepcopy(...)` inside a loop."""

from __future__ import annotations

from collections.abc import Iterator

from ._dependence import grown_in, loop_facts
from ._loops import loop_of
from ._syntax import call_args, names_read, qualified_call
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A call of `copy.deepcopy` inside a loop, on an object the loop does not rebind (the same "
    "object copied on every iteration) or on a structure the loop grows. Copying each element "
    "of a collection once (`copy.deepcopy(row)` for every `row`) is not reported: there the "
    "copy is the work itself, no more than one `deepcopy` of the whole collection.",
    "`deepcopy` walks the whole object graph in Python with a memo dict: copying a growing "
    "structure on every iteration is O(n²), and even a fixed one is far slower than a shallow "
    "copy or an immutable snapshot (a tuple, a frozen dataclass).",
    "for index, row in enumerate(rows):\n    seen.append(row)\n    saved.append(copy.deepcopy(seen))",
    "for index, row in enumerate(rows):\n    seen.append(row)\n    saved.append(tuple(seen))  "
    "# rows are not mutated later",
    "No fix: whether a shallow copy suffices depends on later mutations.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        if qualified_call(ctx, call) != "copy.deepcopy":
            continue
        loop = loop_of(ctx, call)
        if loop is None:
            continue
        args = call_args(call)
        copied = names_read(args[0]) if args else set()
        growing = bool(copied & grown_in(ctx, loop))
        if not growing and copied & loop_facts(ctx, loop).assigned:
            continue  # a different object each iteration: each is copied once
        # `d[k] = v` may only overwrite a bounded set of keys (registers, fields): no O(n²)
        unbounded = bool(copied & grown_in(ctx, loop, item_stores=False))
        detail = " of a structure the loop grows (O(n²))" if unbounded else ""
        yield Hit(call, f"`deepcopy` in a loop{detail}: copy less, or snapshot immutably")


RULE = Rule(
    code="ND308",
    name="deepcopy-in-loop",
    summary="`copy.deepcopy` inside a loop",
    doc=DOC,
    check=check,
    dataflow=True,
)
