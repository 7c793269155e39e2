"""ND308: `copy.deepcopy(...)` inside a loop."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._dependence import loop_facts
from ._loops import loop_of
from ._syntax import call_args, method_call, names_read, qualified_call, walk
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


_GROWERS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft"})


def _grown_in(ctx: Context, loop: tree_sitter.Node) -> set[str]:
    """Names the loop visibly grows: `xs.append(...)`, `d.update(...)`, `xs += ...`,
    `d[k] = ...`. (The effect analysis's "may mutate" is wider: an unknown call with `v` as
    argument may change `v`, which is sound for hoisting but not proof of growth.)"""
    grown: set[str] = set()
    for node in walk(loop):
        if node.type == "call":
            called = method_call(ctx, node)
            if called is not None and called[1] in _GROWERS and called[0].type == "identifier":
                grown.add(ctx.text(called[0]))
        elif node.type in ("augmented_assignment", "assignment"):
            left = node.child_by_field_name("left")
            if left is None:
                continue
            if node.type == "augmented_assignment" and left.type == "identifier":
                grown.add(ctx.text(left))
            elif left.type == "subscript":
                target = left.child_by_field_name("value")
                if target is not None and target.type == "identifier":
                    grown.add(ctx.text(target))
    return grown


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        if qualified_call(ctx, call) != "copy.deepcopy":
            continue
        loop = loop_of(ctx, call)
        if loop is None:
            continue
        args = call_args(call)
        copied = names_read(args[0]) if args else set()
        growing = bool(copied & _grown_in(ctx, loop))
        if not growing and copied & loop_facts(ctx, loop).assigned:
            continue  # a different object each iteration: each is copied once
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
