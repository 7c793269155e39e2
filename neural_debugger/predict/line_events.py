"""Where CPython reports `line` events inside statements written over several lines.

CPython reports a line whenever the instruction it runs is on another line than the last one.
A statement's instructions follow the order it evaluates things in, so a statement over several
lines does not simply stop on its first line: `x = [` over `f(a),` and `g(b),` stops on the
`f(a)` line, then on the `g(b)` line, then back on its own line to build and store the list.

The compiled code says exactly which lines, in which order, and compiling runs nothing. Two
facts come from it:
- `late_start`: a statement whose first instruction is on a later line than its first line is
  entered there;
- `inert`: a statement that evaluates only names and constants, in displays (a table of
  constants, a tuple of names) cannot run user code or branch, so its line sequence is fixed:
  from each of its lines the next stop is known, and where its own line comes last and once,
  it folds from there like a one-line statement.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from itertools import pairwise
from types import CodeType

Spot = tuple[int, int, int, int]
"""An instruction's source position: line, column, end line, end column."""


@dataclass(frozen=True)
class LineEvents:
    """What the compiled code says about multi-line statements, by line."""

    late_start: dict[int, int | None] = field(default_factory=dict)
    """First lines of statements that may start on a later line, with that line (None: the
    code does not tell)."""
    next_inside: dict[int, int] = field(default_factory=dict)
    """Lines of inert statements that stop once in them and not last: the next stop's line."""
    folds_from_start: frozenset[int] = frozenset()
    """First lines of inert statements whose own line is where they stop last, and only once:
    a stop there has evaluated everything but the store, so the statement folds from there."""


def line_events(tree: ast.Module, statements: list[ast.stmt]) -> LineEvents:
    """`LineEvents` for the multi-line `statements` of a parsed program."""
    # Every statement that may start late is asked of the compiled code, not only those the
    # syntax says start late: CPython 3.11 puts `"%s" % (` / `a,` … `)`'s first instruction on
    # the tuple's first line. Where the code does not tell, only the syntax's are marked.
    may_start_late = [
        s for s in statements if s.end_lineno != s.lineno and not isinstance(s, _STARTS_ON_OWN_LINE)
    ]
    late = {s.lineno for s in may_start_late if starts_late(s)}
    inert = [s for s in statements if _inert(s)]
    if not may_start_late and not inert:
        return LineEvents()
    codes = _compiled(tree)
    if codes is None:
        return LineEvents(dict.fromkeys(late))
    late_start: dict[int, int | None] = {}
    for statement in may_start_late:
        evaluated = _evaluated_part(statement)
        lines = () if evaluated is None else _lines_within(codes, evaluated)
        first = lines[0] if lines else None
        if statement.lineno in late or (first is not None and first != statement.lineno):
            late_start[statement.lineno] = first
    next_inside: dict[int, int] = {}
    folds_from_start: set[int] = set()
    for statement in inert:
        lines = _lines_within(codes, statement)
        once = {line for line in lines if lines.count(line) == 1}
        next_inside.update((here, after) for here, after in pairwise(lines) if here in once)
        if lines and lines[-1] == statement.lineno and lines.count(statement.lineno) == 1:
            folds_from_start.add(statement.lineno)
    return LineEvents(late_start, next_inside, frozenset(folds_from_start))


Placed = tuple[int, int, Spot]
"""An instruction: its code object's number, its place in that code, its position."""


def _compiled(tree: ast.Module) -> dict[int, list[Placed]] | None:
    """The instructions of the program's own frames, by the line each starts on."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = compile(tree, "<source>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        return None
    by_line: dict[int, list[Placed]] = {}
    codes = [module]
    number = 0
    while codes:
        code = codes.pop()
        codes.extend(const for const in code.co_consts if isinstance(const, CodeType))
        if code.co_name.startswith("<") and code.co_name != "<module>":
            continue  # comprehensions and lambdas run in frames of their own
        number += 1
        for place, (line, end, column, end_column) in enumerate(code.co_positions()):
            # one position per code unit: an instruction's inline caches repeat its position
            if line is not None and end is not None and column is not None:
                spot = (line, column, end, end_column or 0)
                by_line.setdefault(line, []).append((number, place, spot))
    return by_line


def _lines_within(codes: dict[int, list[Placed]], node: ast.AST) -> tuple[int, ...]:
    """The lines the instructions inside `node`'s span are on, in the order they run, each run
    of one line counted once: the `line` events they make. The span lies in one frame's code:
    where others have instructions inside it too, the first compiled frame's are taken."""
    low = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    high = (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)
    inside = sorted(
        (number, place, spot[0])
        for line in range(low[0], high[0] + 1)
        for number, place, spot in codes.get(line, ())
        if low <= spot[:2] and spot[2:] <= high
    )
    lines = [line for number, _, line in inside if number == inside[0][0]]
    return tuple(line for i, line in enumerate(lines) if i == 0 or lines[i - 1] != line)


def starts_late(statement: ast.stmt) -> bool:
    """Whether a statement over several lines may report its first `line` event from a later
    line (its first evaluated part is not on its first line)."""
    if statement.end_lineno == statement.lineno or isinstance(statement, _STARTS_ON_OWN_LINE):
        return False
    first: ast.AST | None = _evaluated_part(statement)
    while first is not None and not isinstance(first, ast.Name | ast.Constant):
        first = _evaluated_first(first)
    return first is None or getattr(first, "lineno", None) != statement.lineno


def _inert(statement: ast.stmt) -> bool:
    """A statement over several lines that binds names to (or returns, or evaluates) a value
    built of names and constants only: no call, attribute, operator or unpacking that could run
    user code, no jump."""
    if statement.end_lineno == statement.lineno:
        return False
    if isinstance(statement, ast.Assign):
        targets_plain = all(isinstance(t, ast.Name) for t in statement.targets)
    elif isinstance(statement, ast.AnnAssign):
        targets_plain = isinstance(statement.target, ast.Name) and statement.value is not None
    else:
        targets_plain = isinstance(statement, ast.Return | ast.Expr)
    value = getattr(statement, "value", None)
    return targets_plain and value is not None and all(_inert_node(n) for n in ast.walk(value))


def _inert_node(node: ast.AST) -> bool:
    """Names, constants and displays; a set's items and a dict's keys are hashed, so only
    constants and builtin types there (an object of the program's own class may hash in
    Python code)."""
    if isinstance(node, ast.Dict | ast.Set):
        keys = node.keys if isinstance(node, ast.Dict) else node.elts
        return all(_hashes_quietly(key) for key in keys)  # a None key: `**mapping`
    return isinstance(node, ast.Constant | ast.Name | ast.List | ast.Tuple | ast.expr_context)


def _hashes_quietly(key: ast.expr | None) -> bool:
    if isinstance(key, ast.Constant):
        return True
    return isinstance(key, ast.Name) and key.id in ("int", "float", "bool", "str", "bytes")


def _evaluated_part(statement: ast.stmt) -> ast.expr | None:
    """The part of a statement Python evaluates first (None: a kind not modelled here)."""
    if isinstance(statement, ast.Assign | ast.AnnAssign | ast.Return | ast.Expr):
        return statement.value
    if isinstance(statement, ast.If | ast.While):
        return statement.test
    if isinstance(statement, ast.For):
        return statement.iter
    if isinstance(statement, ast.AugAssign):
        return statement.target
    return None


_STARTS_ON_OWN_LINE = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Try,
    ast.Pass,
    ast.Break,
    ast.Continue,
    ast.Global,
    ast.Nonlocal,
)
"""Statements whose own line is where they stop first: a `def` line binds (decorators aside),
a `try:` line is its own statement."""


def _evaluated_first(node: ast.AST) -> ast.AST | None:
    """The sub-expression Python evaluates first in `node`, or None where the compiler may
    reorder or merge the work (displays of constants, comprehensions, f-strings)."""
    if isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        return node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.BinOp | ast.Compare):
        return node.left
    if isinstance(node, ast.BoolOp):
        return node.values[0]
    if isinstance(node, ast.UnaryOp):
        return node.operand
    if isinstance(node, ast.IfExp):
        return node.test
    return None
