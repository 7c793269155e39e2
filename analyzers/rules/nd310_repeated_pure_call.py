"""ND310: the same pure call evaluated twice in one loop-body statement."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._dependence import (
    PURE_BUILTINS,
    PURE_METHODS,
    is_constant_time,
    is_plain_call_of,
    pure_functions,
)
from ._loops import loop_of
from ._syntax import method_call, rebound_in, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "Inside a loop, one statement evaluating the same pure call twice, e.g. `d.get(k)` in "
    "both the condition and the result, when nothing between the two can change its inputs. "
    "Constant-time calls (`len(s)`, `abs(x)`, `isinstance(...)`, `d.get('key')` with a "
    "literal key) and conversions of one "
    "number (`int(s)`, `float(s)`, `round(x)`) are not reported: a temporary saves a call of "
    "tens of nanoseconds, not work. Nor is a second call that may run without the first "
    "(`a and f(x) or b and f(x)`).",
    "Each repetition redoes the work (a hash lookup, a scan, a call of a pure function of the "
    "same file) on every iteration.",
    "for key in keys:\n    if stats.get(key) and stats.get(key) > limit:\n        hot.append(key)",
    "for key in keys:\n    value = stats.get(key)\n    if value and value > limit:\n        hot.append(key)",
    "No fix: the temporary's name and place are left to the author.",
)

_NUMBER_CONVERSIONS = frozenset({"int", "float", "complex", "round"})
"""Their cost grows only with the digits of one number: tens of nanoseconds per call."""

_STATEMENTS = (
    "expression_statement",
    "return_statement",
    "if_statement",
    "while_statement",
)


def _pure(ctx: Context, call: tree_sitter.Node) -> bool:
    function = call.child_by_field_name("function")
    if function is None:
        return False
    if function.type == "identifier":
        name = ctx.text(function)
        return (
            name in PURE_BUILTINS and name not in ("sorted", "reversed")
        ) or name in pure_functions(ctx)
    called = method_call(ctx, call)
    return (
        called is not None
        and called[1] in PURE_METHODS
        and called[1] not in ("copy", "keys", "values", "items")
    )


def _runs_before(first: tree_sitter.Node, second: tree_sitter.Node) -> bool:
    """Whether `first` has always run when `second` runs: below the expression holding both,
    `first` is not an operand that a short circuit or a conditional expression may skip.
    (`a is X and v.lower() in s or a is Y and v.lower() in t` runs one `lower()` at most.)"""
    holding = {node.id for node in _ancestors(second)}
    child = first
    for parent in _ancestors(first):
        if parent.id in holding:
            return True
        skippable = (
            parent.type == "boolean_operator" and child == parent.child_by_field_name("right")
        ) or (parent.type == "conditional_expression" and child != parent.named_children[1])
        if skippable:
            return False
        child = parent
    return False


def _ancestors(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def check(ctx: Context) -> Iterator[Hit]:
    seen: set[tuple[int, str]] = set()
    for call in ctx.of_type("call"):
        if not call.named_children or loop_of(ctx, call) is None:
            continue
        statement = call.parent
        while statement is not None and statement.type not in _STATEMENTS:
            statement = statement.parent
        if statement is None:
            continue
        part = (
            statement.child_by_field_name("condition")
            if statement.type in ("if_statement", "while_statement")
            else statement
        )
        if part is None or not (part.start_byte <= call.start_byte < part.end_byte):
            continue
        expression = ctx.text(call)
        key = (statement.id, expression)
        if key in seen or ctx.text(part).count(expression) < 2 or not _pure(ctx, call):
            continue
        if is_constant_time(ctx, call) or is_plain_call_of(ctx, call, _NUMBER_CONVERSIONS):
            continue  # `len(s)` / `int(s)` twice: a temporary saves tens of nanoseconds
        seen.add(key)
        same = [n for n in walk(part) if n.type == "call" and ctx.text(n) == expression]
        if len(same) < 2 or rebound_in(ctx, part) or not _runs_before(same[0], same[1]):
            continue
        yield Hit(
            same[1],
            f"`{expression}` is computed again in the same statement: reuse the first result",
        )


RULE = Rule(
    code="ND310",
    name="repeated-pure-call",
    summary="same pure call evaluated twice in one statement of a loop body",
    doc=DOC,
    check=check,
    severity="hint",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
