"""ND301: a pure call inside a loop whose value is the same on every iteration → hoist it."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._dependence import (
    PURE_BUILTINS,
    PURE_METHODS,
    is_constant_time,
    is_invariant,
    pure_functions,
)
from ._kinds import known_kind
from ._loops import loop_of
from ._syntax import name_for, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A call inside a loop (body or `while` condition) whose cost grows with its input (or is "
    "unknown), that reads nothing the loop rebinds or mutates and calls only pure code: "
    "builtins such as `len`/`max`, non-mutating `str`/`dict`/`set` methods, and functions of the same file proven side-effect free. Never "
    "flagged when the expression reads a name the loop writes, nor when it sits in a branch "
    "(an `if` body, an `else`, a `try`) that does not run on every iteration. Constant-time "
    "calls are left to the opt-in ND317: builtins such as `len(x)`, a constructor called with "
    "nothing (`frozenset()`) and a `.get` with a literal key (`options.get('check', False)`).",
    "The same value is recomputed on every iteration; for `name.lower()` or `median(values)` "
    "that turns an O(n) loop into O(n·m).",
    "for word in words:\n    if word == name.lower():\n        total += 1",
    "name_lower = name.lower()\nfor word in words:\n    if word == name_lower:\n        total += 1",
    "Unsafe: the hoisted call then runs even when the loop runs zero times (an exception it "
    "raises, e.g. on a wrong type, moves before the loop). No peer offers this fix. When the "
    "loop calls code the analysis cannot see, the call is reported only if everything it "
    "reads is certainly a str, bytes or tuple: unseen code may change a list or dict through "
    "another name (a bound method `pop = q.pop`, `self.cols` vs a local `cols`).",
)

_STATEMENT_ASSIGNMENT = ("assignment",)


_CONDITION_FIELDS = {
    "if_statement": "condition",
    "elif_clause": "condition",
    "conditional_expression": None,
    "boolean_operator": "left",
    "match_statement": "subject",
}
_NEVER_SURE = frozenset(
    {
        "try_statement",
        "except_clause",
        "finally_clause",
        "else_clause",
        "with_statement",
        "case_clause",
    }
)


def runs_every_iteration(node: tree_sitter.Node, loop: tree_sitter.Node) -> bool:
    """Whether `node` is evaluated on every pass through `loop`'s body (not in a branch).

    Hoisting a branch's expression would run it even when the branch is not taken: wasted
    work at best, a new exception at worst (`int(d['y'])` under `if key == 'y'`).
    """
    child = node
    parent = node.parent
    while parent is not None and parent != loop:
        kind = parent.type
        if kind in _NEVER_SURE:
            return False
        if kind in _CONDITION_FIELDS:
            field = _CONDITION_FIELDS[kind]
            if kind == "conditional_expression":
                # `a if cond else b`: only `cond` (the middle operand) always runs
                operands = parent.named_children
                if len(operands) != 3 or child != operands[1]:
                    return False
            elif field is None or child != parent.child_by_field_name(field):
                return False
        child, parent = parent, parent.parent
    return parent == loop


def _candidate(ctx: Context, call: tree_sitter.Node) -> tree_sitter.Node | None:
    """The loop to hoist `call` out of, if it is an invariant for/while body expression."""
    loop = loop_of(ctx, call)
    if loop is None or loop.type not in ("for_statement", "while_statement"):
        return None
    parent = call.parent
    # a whole `name = call()` statement directly in the body is ND107's (statement hoisting)
    if (
        parent is not None
        and parent.type == "assignment"
        and parent.parent is not None
        and parent.parent.parent == loop.child_by_field_name("body")
    ):
        return None
    if not runs_every_iteration(call, loop):
        return None
    # only the outermost invariant call of an expression
    ancestor = call.parent
    while ancestor is not None and ancestor != loop:
        if ancestor.type == "call" and is_invariant(ctx, ancestor, loop):
            return None
        ancestor = ancestor.parent
    if not is_invariant(ctx, call, loop):
        return None
    if _calls_unseen_code(ctx, loop) and not _reads_only_immutables(ctx, call):
        return None
    return loop


_NON_MUTATING_BUILTINS = frozenset(
    {
        "range",
        "enumerate",
        "zip",
        "reversed",
        "sorted",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
        "str",
        "int",
        "float",
        "bool",
        "repr",
        "print",
        "isinstance",
        "sum",
        "min",
        "max",
        "abs",
        "round",
        "divmod",
        "any",
        "all",
        "len",
        "ord",
        "chr",
    }
)
"""Builtins that change no object they are given (they may build new ones)."""

_CONTAINER_MUTATORS = frozenset(
    {"append", "extend", "insert", "add", "update", "setdefault", "discard", "remove", "clear"}
)


def _calls_unseen_code(ctx: Context, loop: tree_sitter.Node) -> bool:
    """Whether the loop calls anything but pure code and the mutators of its own fresh
    containers (`result.append(x)` where `result` is certainly a list built here)."""
    pure = pure_functions(ctx)
    for node in walk(loop):
        if node.type != "call":
            continue
        function = node.child_by_field_name("function")
        if function is None:
            return True
        if function.type == "identifier":
            name = ctx.text(function)
            if name in PURE_BUILTINS or name in _NON_MUTATING_BUILTINS or name in pure:
                continue
            return True
        if function.type != "attribute":
            return True
        method = function.child_by_field_name("attribute")
        receiver = function.child_by_field_name("object")
        if method is None or receiver is None:
            return True
        if ctx.text(method) in PURE_METHODS:
            continue
        fresh = receiver.type == "identifier" and known_kind(ctx, receiver) in (
            "list",
            "dict",
            "set",
        )
        if not (fresh and ctx.text(method) in _CONTAINER_MUTATORS):
            return True
    return False


def _not_a_variable_read(ctx: Context, node: tree_sitter.Node, pure: set[str]) -> bool:
    """A pure function's name in call position, or an attribute's name (`q` in `x.q`)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "call" and parent.child_by_field_name("function") == node:
        return ctx.text(node) in PURE_BUILTINS or ctx.text(node) in pure
    return parent.type == "attribute" and node != parent.child_by_field_name("object")


def _reads_only_immutables(ctx: Context, call: tree_sitter.Node) -> bool:
    """Whether every name `call` reads (but the pure functions it calls) holds a str, bytes or
    tuple for certain.

    A loop that calls code we cannot see may change a container through another name: `len(q)`
    under `pop = q.pop`, `len(cols)` while `self.cols.append(...)` grows the same list, or a
    list an object holds since before the loop (a real grammar library's test suite went from
    green to 73 failures when `len(rule_defs)` was hoisted). Immutable values cannot change.
    """
    pure = pure_functions(ctx)
    for node in [call, *walk(call)]:
        if node.type != "identifier" or _not_a_variable_read(ctx, node, pure):
            continue
        if known_kind(ctx, node) not in ("str", "bytes", "tuple"):
            return False
    return True


def check(ctx: Context) -> Iterator[Hit]:
    yield from invariant_call_hits(ctx, constant_time=False)


def invariant_call_hits(ctx: Context, constant_time: bool) -> Iterator[Hit]:
    """Hoisting hits for the invariant calls that are (`constant_time`) or are not O(1)."""
    done: set[tuple[int, str]] = set()
    for call in ctx.of_type("call"):
        loop = _candidate(ctx, call)
        if loop is None or is_constant_time(ctx, call) != constant_time:
            continue
        expression = ctx.text(call)
        if (loop.id, expression) in done:
            continue
        done.add((loop.id, expression))
        name = name_for(ctx, call)
        same = [
            node
            for node in walk(loop)
            if node.type == "call"
            and ctx.text(node) == expression
            and _candidate(ctx, node) == loop
        ]
        indent = ctx.line_indent(loop)
        edits = [ctx.insert_before_line(loop, f"{indent}{name} = {expression}\n")]
        edits.extend(ctx.replace(node, name) for node in same)
        fix = ctx.fix(f"Hoist `{expression}` out of the loop", "unsafe", *edits)
        yield Hit(call, f"`{expression}` is loop-invariant: compute it once before the loop", fix)


RULE = Rule(
    code="ND301",
    name="loop-invariant-expression",
    summary="pure call recomputed on every iteration → hoisted before the loop (with fix)",
    doc=DOC,
    check=check,
    equivalents=("W8201",),
    fix="unsafe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
