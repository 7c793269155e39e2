"""ND303: `xs.pop(0)` / `xs.insert(0, v)` in a loop → `collections.deque`."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import known_kind
from ._syntax import loop_of, method_call, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`xs.pop(0)` or `xs.insert(0, value)` inside a loop, on a name bound to a list.",
    "Removing or inserting at the front of a list shifts every other element: O(n) per call, "
    "O(n²) for a queue drained or filled in a loop. `collections.deque` does both in O(1) "
    "(`popleft()`, `appendleft()`).",
    "queue = [start]\nwhile queue:\n    node = queue.pop(0)",
    "from collections import deque\n\nqueue = deque([start])\nwhile queue:\n    node = queue.popleft()",
    "No fix: every use of the list (indexing, slicing, passing it on) must accept a deque.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        called = method_call(ctx, call)
        if called is None or called[1] not in ("pop", "insert"):
            continue
        receiver, method = called
        args = positional_args(call)
        if args is None or not args or ctx.text(args[0]) != "0":
            continue
        if (method == "pop" and len(args) != 1) or (method == "insert" and len(args) != 2):
            continue
        if receiver.type != "identifier" or loop_of(ctx, call) is None:
            continue
        if known_kind(ctx, receiver) != "list":
            continue
        replacement = "popleft()" if method == "pop" else "appendleft(value)"
        yield Hit(
            call,
            f"`{ctx.text(call)}` is O(n) per call: make `{ctx.text(receiver)}` a "
            f"`collections.deque` and use `{replacement}`",
        )


RULE = Rule(
    code="ND303",
    name="list-front-operation-in-loop",
    summary="`list.pop(0)` / `insert(0, …)` in a loop → `collections.deque`",
    doc=DOC,
    check=check,
    dataflow=True,
)
