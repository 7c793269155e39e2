"""Where an exception goes next inside its own frame, read from the `try` statements.

Python 3.11 reports an `exception` stop where an exception is raised (or arrives from a call),
then, without any matching yet, a `line` stop on the first `except` line of the innermost `try`
whose body holds that line (or its `finally`, when it has no handlers); with no `try` around it
the frame returns at once, on the same line, with no value. Which handler matches comes later,
on the `except` lines, and is left to the model. Measured against real traces in
tests/neural_debugger/predict/test_folding.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from neurodebug.neural_debugger.predict.folding import own_nodes


@dataclass(frozen=True)
class TryBlock:
    """One `try` statement of a function, by line ranges (first, last)."""

    function: str
    body: tuple[int, int]
    clauses: tuple[tuple[int, int], ...]
    """Handler bodies and the `else` part: an exception there leaves this `try` unhandled."""
    first_handler: int | None
    finally_first: int | None
    span: tuple[int, int]


@dataclass(frozen=True)
class ExceptionFlow:
    tries: tuple[TryBlock, ...] = ()
    with_lines: frozenset[int] = frozenset()
    """Lines in a `with` body: an exception there runs `__exit__` first (maybe user code)."""


def exception_flow(tree: ast.Module) -> ExceptionFlow:
    """The `try` blocks of every function (its own scope only) and the `with` bodies."""
    tries: list[TryBlock] = []
    with_lines: set[int] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in own_nodes(function):
            if isinstance(node, ast.With | ast.AsyncWith):
                with_lines.update(range(node.lineno, _end(node) + 1))
            if not isinstance(node, ast.Try | ast.TryStar):
                continue
            clauses = [(h.lineno, _end(h)) for h in node.handlers]
            if node.orelse:
                clauses.append((node.orelse[0].lineno, _end(node.orelse[-1])))
            tries.append(
                TryBlock(
                    function=function.name,
                    body=(node.body[0].lineno, _end(node.body[-1])),
                    clauses=tuple(clauses),
                    first_handler=node.handlers[0].lineno if node.handlers else None,
                    finally_first=node.finalbody[0].lineno if node.finalbody else None,
                    span=(node.lineno, _end(node)),
                )
            )
    return ExceptionFlow(tuple(tries), frozenset(with_lines))


def next_after_exception(flow: ExceptionFlow, function: str, line: int) -> int | None:
    """The line of the `line` stop after an exception at `line` in `function`; 0 when the
    frame returns right away; None when it cannot be told (a `with` body, a `finally`)."""
    if line in flow.with_lines:
        return None
    around = sorted(
        (t for t in flow.tries if t.function == function and t.span[0] <= line <= t.span[1]),
        key=lambda t: t.span[1] - t.span[0],
    )
    for block in around:  # innermost first
        if block.body[0] <= line <= block.body[1]:
            return block.first_handler or block.finally_first
        if any(first <= line <= last for first, last in block.clauses):
            if block.finally_first is not None:
                return block.finally_first
            continue  # unhandled here: the next `try` out, if any
        return None  # in a `finally` block: where it goes depends on how it was entered
    return 0


def _end(node: ast.AST) -> int:
    end: int | None = getattr(node, "end_lineno", None)
    return end if end is not None else int(getattr(node, "lineno", 0))
