"""ND303: `xs.pop(0)` / `xs.insert(0, v)` in a loop → `collections.deque`."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._dependence import loop_facts
from ._kinds import known_kind, scope_bindings
from ._loops import loop_of
from ._syntax import (
    add_import,
    call_name,
    enclosing_scope,
    is_parameter,
    method_call,
    names_read,
    positional_args,
    walk,
)
from .base import Context, Edit, Fix, Hit, Rule, make_doc

DOC = make_doc(
    "`xs.pop(0)` or `xs.insert(0, value)` inside a loop, on a name bound to a list. Not "
    "reported when the loop binds the list afresh on each iteration (one front operation "
    "then costs no more than making the list), nor when the function cannot make it a deque "
    "on its own: the list is a parameter (the caller's), or is sorted in place or sliced (a "
    "deque can do neither).",
    "Removing or inserting at the front of a list shifts every other element: O(n) per call, "
    "O(n²) for a queue drained or filled in a loop. `collections.deque` does both in O(1) "
    "(`popleft()`, `appendleft()`).",
    "queue = [start]\nwhile queue:\n    node = queue.pop(0)",
    "from collections import deque\n\nqueue = deque([start])\nwhile queue:\n    node = queue.popleft()",
    "Unsafe fix, offered only where the deque can stand in for the list everywhere: the name "
    "is a local bound once, to a list display or `list(…)`, and every other use is `append`, "
    "`extend`, `pop()`, `pop(0)`, `insert(0, …)`, `clear`, `count`, `remove`, `len(…)`, a "
    "truth test, `for … in` or `in`; never indexed, sliced, returned, passed on or used in a "
    "nested function. The fix binds `collections.deque(…)` and rewrites `pop(0)` to "
    "`popleft()`, `insert(0, v)` to `appendleft(v)`. Unsafe because an `IndexError` from "
    'popping an empty one says "deque" instead of "list".',
)

_DEQUE_METHODS = frozenset(("append", "extend", "pop", "insert", "clear", "count", "remove"))
_TRUTH_TESTS = frozenset(("not_operator",))  # `xs or []` would hand the deque on


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
        loop = loop_of(ctx, call) if receiver.type == "identifier" else None
        if loop is None or known_kind(ctx, receiver) != "list":
            continue
        if _made_afresh_in(ctx, loop, ctx.text(receiver)):
            continue  # one front operation per iteration costs no more than making the list
        if _must_stay_a_list(ctx, receiver):
            continue  # the advice cannot be followed inside this function
        replacement = "popleft()" if method == "pop" else "appendleft(value)"
        yield Hit(
            call,
            f"`{ctx.text(call)}` is O(n) per call: make `{ctx.text(receiver)}` a "
            f"`collections.deque` and use `{replacement}`",
            _deque_fix(ctx, receiver),
        )


def _made_afresh_in(ctx: Context, loop: tree_sitter.Node, name: str) -> bool:
    """Whether `loop` binds `name` to a new value that does not read it (`parts = [ref]`, not
    `queue += more` or `queue = queue + more`)."""
    if name not in loop_facts(ctx, loop).assigned:
        return False
    for node in walk(loop):
        if node.type != "assignment":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None and ctx.text(left) == name:
            return name not in names_read(right)
    return False


def _must_stay_a_list(ctx: Context, receiver: tree_sitter.Node) -> bool:
    """Whether the function cannot make the list a deque on its own: it is a parameter (the
    caller's list, which the caller may share), or the function sorts it in place or slices
    it (a deque can do neither). A list the function makes and returns is its own: it can
    return `list(queue)`."""
    name = ctx.text(receiver)
    scope = enclosing_scope(receiver)
    if is_parameter(ctx, scope, name):
        return True
    for node in walk(scope):
        if node.type != "identifier" or ctx.text(node) != name or node.parent is None:
            continue
        parent = node.parent
        if parent.type == "attribute" and parent.child_by_field_name("object") == node:
            method = parent.child_by_field_name("attribute")
            if method is not None and ctx.text(method) == "sort":
                return True
        elif (
            parent.type == "subscript"
            and parent.child_by_field_name("value") == node
            and any(child.type == "slice" for child in parent.named_children)
        ):
            return True
    return False


def _deque_fix(ctx: Context, receiver: tree_sitter.Node) -> Fix | None:
    """Rebind the list as a deque and rewrite its front operations, where every use allows."""
    name = ctx.text(receiver)
    scope = enclosing_scope(receiver)
    if scope.type != "function_definition":
        return None
    bindings = scope_bindings(ctx, scope)
    values = bindings.values.get(name, [])
    if len(values) != 1 or name in bindings.other_bindings or name in bindings.annotations:
        return None
    (value,) = values
    made = _deque_of(ctx, value)
    body = scope.child_by_field_name("body")
    if made is None or body is None:
        return None
    edits = [ctx.replace(value, made)]
    for node in walk(body, into_scopes=True):
        if node.type != "identifier" or ctx.text(node) != name:
            continue
        if enclosing_scope(node) != scope:
            return None  # a nested function or lambda sees it
        if (
            node.parent is not None
            and node.parent.type == "assignment"
            and (node.parent.child_by_field_name("left") == node)
        ):
            continue  # the one binding, rewritten above
        use = _deque_use(ctx, node)
        if use is None:
            return None
        if isinstance(use, Edit):
            edits.append(use)
    import_edit = add_import(ctx, "collections")
    if import_edit is not None:
        edits.append(import_edit)
    return ctx.fix(f"Make `{name}` a `collections.deque`", "unsafe", *edits)


def _deque_of(ctx: Context, value: tree_sitter.Node) -> str | None:
    if value.type == "list":
        return (
            f"collections.deque({ctx.text(value)})"
            if value.named_child_count
            else ("collections.deque()")
        )
    if value.type == "call" and call_name(ctx, value) == "list":
        args = positional_args(value)
        if args is not None and len(args) <= 1:
            return f"collections.deque({ctx.text(args[0]) if args else ''})"
    return None


def _deque_use(ctx: Context, name: tree_sitter.Node) -> Edit | bool | None:
    """The edit one use needs (`pop(0)` → `popleft()`), False when it needs none, None when
    a deque cannot stand in for the list there."""
    parent = name.parent
    if parent is None:
        return None
    if parent.type == "attribute" and parent.child_by_field_name("object") == name:
        call = parent.parent
        method = parent.child_by_field_name("attribute")
        if call is None or call.type != "call" or method is None:
            return None
        method_name = ctx.text(method)
        args = positional_args(call)
        if method_name not in _DEQUE_METHODS or args is None:
            return None
        front = bool(args) and ctx.text(args[0]) == "0"
        if method_name == "pop" and args:
            return (
                ctx.replace(call, f"{ctx.text(name)}.popleft()")
                if front and len(args) == 1
                else None
            )
        if method_name == "insert":
            if not front or len(args) != 2:
                return None
            return ctx.replace(call, f"{ctx.text(name)}.appendleft({ctx.text(args[1])})")
        return False
    if parent.type == "argument_list" and parent.parent is not None:
        call = parent.parent
        return False if call_name(ctx, call) == "len" and parent.named_child_count == 1 else None
    if parent.type in _TRUTH_TESTS:
        return False
    if parent.type in ("if_statement", "while_statement", "elif_clause", "conditional_expression"):
        return False if parent.child_by_field_name("condition") == name else None
    if parent.type == "for_statement":
        return False if parent.child_by_field_name("right") == name else None
    if parent.type == "comparison_operator":
        operators = [ctx.text(c) for c in parent.children if not c.is_named]
        on_right = parent.named_children[-1] == name and parent.named_child_count == 2
        return False if on_right and operators in (["in"], ["not", "in"]) else None
    return None


RULE = Rule(
    code="ND303",
    name="list-front-operation-in-loop",
    summary="`list.pop(0)` / `insert(0, …)` in a loop → `collections.deque`",
    doc=DOC,
    check=check,
    fix="unsafe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
