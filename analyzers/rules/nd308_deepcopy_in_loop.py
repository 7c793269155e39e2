"""ND308: `copy.deepcopy(...)` inside a loop."""

from __future__ import annotations

from collections.abc import Iterator

from ._dependence import loop_facts
from ._syntax import call_args, loop_of, names_read, qualified_call
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A call of `copy.deepcopy` inside a loop.",
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
        growing = bool(args) and bool(names_read(args[0]) & loop_facts(ctx, loop).mutated)
        detail = " of a structure the loop grows (O(n²))" if growing else ""
        yield Hit(call, f"`deepcopy` in a loop{detail}: copy less, or snapshot immutably")


RULE = Rule(
    code="ND308",
    name="deepcopy-in-loop",
    summary="`copy.deepcopy` inside a loop",
    doc=DOC,
    check=check,
    dataflow=True,
)
