"""Constant folding: the stops a statement leads to when its expressions are pure arithmetic on
values the stop already shows.

Why: the model decides most branches right, but a 2M-parameter transformer gets about one
`if len(str(4)) >= 4:` in five wrong, and every wrong branch derails a rollout. A compiler
decides such a condition without running anything: the values of the names it reads are in
the state (their reprs parse as literals) and the operations are builtin arithmetic,
comparisons and a few pure builtins. So before asking the model, the predictor folds:

- a `call` stop (arguments bound): the body's first line is next, nothing changed;
- `if` / `elif` / `while` headers whose condition folds: the next stop is the branch's first
  line, with no local changed;
- `name = expr` (and `name += expr` on an immutable value) with one CFG successor: the next
  stop is that line with `name` set to the value;
- `return expr`: the return stop on the same line, with that value.

Folding never runs user code. `fold` interprets a whitelist of operations on literal values
(`ast.literal_eval` of the reprs), with caps on sizes; any other node, a name it cannot read,
a call of a function the source defines or rebinds, an operation whose result depends on set
order, or an error (the line would raise) makes the expression unknown, and the model decides.
`neurodebug eval` reports the model with and without folding.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neurodebug.neural_debugger.encoding import State, Stop
from neurodebug.neural_debugger.tracer import safe_repr

MAX_SIZE = 10_000
"""Longest string / container a folded operation may build (and the largest int, in bits)."""


class NotFoldable(Exception):
    """The expression is not pure arithmetic on known values: the model must decide."""


def literal(text: str) -> Any:
    """The value a local's repr shows, if it is a complete literal (not cut, not summarised)."""
    if text.endswith("...") or len(text) > 400:
        raise NotFoldable(text)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise NotFoldable(text) from error
    if _contains(value, lambda item: item is Ellipsis or isinstance(item, complex | bytes)):
        raise NotFoldable(text)
    return value


def _contains(value: Any, test: Callable[[Any], bool]) -> bool:
    if test(value):
        return True
    if isinstance(value, dict):
        return any(_contains(k, test) or _contains(v, test) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_contains(item, test) for item in value)
    return False


def _unordered(value: Any) -> bool:
    """Whether iterating or printing `value` depends on set order (which hash seeds change)."""
    return _contains(value, lambda item: isinstance(item, set | frozenset))


def _check_size(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_SIZE:
        raise NotFoldable("int too large")
    if isinstance(value, str | list | tuple | dict | set | frozenset) and len(value) > MAX_SIZE:
        raise NotFoldable("too large")
    if isinstance(value, float) and not math.isfinite(value):
        raise NotFoldable("not finite")
    return value


def _multiply(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
        if sized and len(seq) * max(count, 0) > MAX_SIZE:
            raise NotFoldable("too large")
    return operator.mul(left, right)


def _power(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, int) and abs(exponent) > 256:
        raise NotFoldable("exponent too large")
    whole = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if whole and base.bit_length() * exponent > MAX_SIZE:
        raise NotFoldable("too large")
    return operator.pow(base, exponent)


def _shift(value: Any, amount: Any) -> Any:
    if isinstance(amount, int) and amount > MAX_SIZE:
        raise NotFoldable("too large")
    return operator.lshift(value, amount)


BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: _multiply,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
    ast.LShift: _shift,
    ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}
COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


def _ordered(function: Callable[..., Any]) -> Callable[..., Any]:
    """A builtin whose result depends on its argument's iteration order: refuse sets."""

    def call(*args: Any) -> Any:
        if any(_unordered(arg) for arg in args):
            raise NotFoldable("set order")
        return function(*args)

    return call


BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len,
    "abs": abs,
    "min": min,
    "max": max,
    "sum": sum,
    "sorted": sorted,
    "bool": bool,
    "int": int,
    "float": float,
    "round": round,
    "divmod": divmod,
    "any": any,
    "all": all,
    "range": range,
    "str": _ordered(str),
    "list": _ordered(list),
    "tuple": _ordered(tuple),
    "set": set,
}
"""Pure builtins a folded call may use (only when the source never binds their names)."""

METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        (
            *("startswith", "endswith", "isdigit", "isalpha", "isalnum", "isupper", "islower"),
            *("isspace", "upper", "lower", "strip", "lstrip", "rstrip", "count", "find"),
            *("rfind", "replace", "split", "join", "title", "capitalize", "zfill"),
        )
    ),
    list: frozenset(("count", "index")),
    tuple: frozenset(("count", "index")),
    dict: frozenset(("get", "keys", "values", "items")),
}
"""Methods that read their receiver and never change it."""


@dataclass
class Folder:
    """Folds expressions of one source over one frame's locals."""

    env: dict[str, str]
    """The frame's locals as reprs; a name is read (parsed) only when an expression needs it."""
    bound_names: frozenset[str] = frozenset()
    """Every name the source binds anywhere: such a name is never taken for a builtin."""
    _values: dict[str, Any] = field(default_factory=dict)

    def name(self, name: str) -> Any:
        if name not in self._values:
            if name not in self.env:
                raise NotFoldable(f"{name} is not a known local")
            self._values[name] = literal(self.env[name])
        return self._values[name]

    def fold(self, node: ast.expr) -> Any:
        """The value of `node`, or `NotFoldable`."""
        try:
            return _check_size(self._fold(node))
        except NotFoldable:
            raise
        except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as error:
            raise NotFoldable(f"the expression raises {type(error).__name__}") from error
        except (RecursionError, MemoryError) as error:
            raise NotFoldable("too deep") from error

    def _fold(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and not isinstance(node.value, bytes | complex):
            return node.value
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return _check_size(BINARY[type(node.op)](self._fold(node.left), self._fold(node.right)))
        if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
            return UNARY[type(node.op)](self._fold(node.operand))
        if isinstance(node, ast.BoolOp):
            value = self._fold(node.values[0])
            for operand in node.values[1:]:
                if isinstance(node.op, ast.And) != bool(value):  # short circuit
                    return value
                value = self._fold(operand)
            return value
        if isinstance(node, ast.Compare):
            left = self._fold(node.left)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                if type(op) not in COMPARE:
                    raise NotFoldable("identity comparison")
                right = self._fold(comparator)
                if not COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self._fold(node.body if self._fold(node.test) else node.orelse)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            if any(isinstance(item, ast.Starred) for item in node.elts):
                raise NotFoldable("starred")
            items = [self._fold(item) for item in node.elts]
            return (
                tuple(items)
                if isinstance(node, ast.Tuple)
                else (items if isinstance(node, ast.List) else set(items))
            )
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise NotFoldable("dict unpacking")
            return {
                self._fold(k): self._fold(v) for k, v in zip(node.keys, node.values, strict=True)
            }  # type: ignore[arg-type]
        if isinstance(node, ast.Subscript):
            value = self._fold(node.value)
            if isinstance(value, set | frozenset):
                raise NotFoldable("set subscript")
            return value[self._index(node.slice)]
        if isinstance(node, ast.Call) and not node.keywords:
            return self._call(node)
        raise NotFoldable(type(node).__name__)

    def _index(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if part is None else self._fold(part) for part in parts))
        return self._fold(node)

    def _call(self, node: ast.Call) -> Any:
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise NotFoldable("starred")
        function = node.func
        if isinstance(function, ast.Name):
            builtin = BUILTINS.get(function.id)
            if builtin is None or function.id in self.bound_names or function.id in self.env:
                raise NotFoldable(f"call of {function.id}")
            args = [self._fold(arg) for arg in node.args]
            if function.id == "range" and len(range(*args)) > MAX_SIZE:
                raise NotFoldable("too large")
            return builtin(*args)
        if isinstance(function, ast.Attribute):
            receiver = self._fold(function.value)
            if function.attr not in METHODS.get(type(receiver), frozenset()):
                raise NotFoldable(f"method {function.attr}")
            args = [self._fold(arg) for arg in node.args]
            if function.attr == "join" and any(_unordered(arg) for arg in args):
                raise NotFoldable("set order")
            if any(isinstance(arg, int) and arg > MAX_SIZE for arg in args):
                raise NotFoldable("too large")  # `s.zfill(10**9)`
            new = args[1] if function.attr == "replace" and len(args) > 1 else ""
            if isinstance(new, str) and (len(receiver) + 1) * len(new) > MAX_SIZE:
                raise NotFoldable("too large")
            result = getattr(receiver, function.attr)(*args)
            if function.attr in ("keys", "values", "items"):
                return list(result)  # a view's repr differs; `in` and len agree with a list
            return result
        raise NotFoldable("call")


def bound_names(tree: ast.Module) -> frozenset[str]:
    """Every name the source binds (assigns, defines, imports, takes as a parameter)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return frozenset(names)


def _has_frames(node: ast.AST) -> bool:
    """Whether evaluating `node` would open frames a step into stops in (or bind names)."""
    return any(
        isinstance(
            inner,
            ast.Lambda
            | ast.ListComp
            | ast.SetComp
            | ast.DictComp
            | ast.GeneratorExp
            | ast.NamedExpr
            | ast.Await
            | ast.Yield
            | ast.YieldFrom,
        )
        for inner in ast.walk(node)
    )


@dataclass(frozen=True)
class FoldFacts:
    """What folding needs from a source, computed once."""

    statements: dict[int, ast.stmt]
    """Statements folding may decide, by line: one-line assignments and returns, and `if` /
    `while` headers whose condition sits on the header line (a multi-line statement can stop on
    its inner lines); none in a `finally` block."""
    names: frozenset[str]
    """Every name the source binds (see `bound_names`)."""
    guarded: frozenset[int]
    """Lines in a `with` body or a `try` with `finally`: a return there runs more code first."""


def fold_facts(tree: ast.Module) -> FoldFacts:
    """The `FoldFacts` of a parsed program."""
    statements: dict[int, ast.stmt] = {}
    guarded: set[int] = set()
    finally_lines: set[int] = set()
    for node in ast.walk(tree):
        for last in getattr(node, "finalbody", ())[-1:]:
            # where a `finally` block goes next depends on how it was entered: the CFG can't say
            finally_lines.update(range(node.finalbody[0].lineno, (last.end_lineno or 0) + 1))
        if isinstance(node, ast.With | ast.AsyncWith) or (
            isinstance(node, ast.Try | ast.TryStar) and node.finalbody
        ):
            body = node.body
            guarded.update(range(body[0].lineno, (body[-1].end_lineno or body[-1].lineno) + 1))
            for handler in getattr(node, "handlers", ()):
                guarded.update(range(handler.lineno, (handler.end_lineno or handler.lineno) + 1))
        header = isinstance(node, ast.If | ast.While) and node.test.end_lineno == node.lineno
        simple = isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.Return)
        if header or (simple and node.end_lineno == node.lineno):
            statements[node.lineno] = node
    decidable = {line: node for line, node in statements.items() if line not in finally_lines}
    return FoldFacts(decidable, bound_names(tree), frozenset(guarded))


def fold_step(
    facts: FoldFacts, next_lines: dict[int, set[int]], state: State, action: str
) -> Stop | None:
    """The next stop of a step into / over from a `line` or `call` stop, if folding decides it.

    The caller leaves out frames folding cannot see whole (comprehensions, generators).
    """
    step = state.step
    if action not in ("step_into", "step_over") or step.event not in ("line", "call"):
        return None
    following = next_lines.get(step.line)
    if step.event == "call":  # arguments are bound: the body's first line is next, as it is
        if following is None or len(following) != 1:
            return None
        return Stop(
            end=False, event="line", line=min(following), depth=step.depth, function=step.function
        )
    statement = facts.statements.get(step.line)
    if statement is None or following is None or _has_frames(statement):
        return None
    if isinstance(statement, ast.Return) and step.line in facts.guarded:
        return None
    folder = Folder(step.locals, facts.names)

    def at(line: int, changed: dict[str, str] | None = None) -> Stop:
        return Stop(
            end=False,
            event="line",
            line=line,
            depth=step.depth,
            function=step.function,
            changed=changed or {},
        )

    try:
        if isinstance(statement, ast.If | ast.While):
            first = statement.body[0]
            if _silent(first):
                return None
            if folder.fold(statement.test):
                target = first.lineno
            elif statement.orelse:
                if _silent(statement.orelse[0]):
                    return None
                target = statement.orelse[0].lineno
            else:
                others = following - {first.lineno}
                if len(others) != 1:
                    return None
                target = next(iter(others))
            return at(target) if target in following else None
        if isinstance(statement, ast.Return):
            value = folder.fold(statement.value) if statement.value is not None else None
            if _unordered(value):
                return None
            return Stop(
                end=False,
                event="return",
                line=step.line,
                depth=step.depth,
                function=step.function,
                value=safe_repr(value),
            )
        target_name, value = _assignment(folder, statement)
        if target_name is None or len(following) != 1 or _unordered(value):
            return None
        text = safe_repr(value)
        changed = {target_name: text} if step.locals.get(target_name) != text else {}
        return at(next(iter(following)), changed)
    except NotFoldable:
        return None


def _assignment(folder: Folder, statement: ast.stmt) -> tuple[str | None, Any]:
    """(name, value) for `name = expr` and `name op= expr` on an immutable value."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.targets[0].id, folder.fold(statement.value)
    if (
        isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and isinstance(statement.target, ast.Name)
    ):
        return statement.target.id, folder.fold(statement.value)
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        current = folder.name(statement.target.id)
        if not isinstance(current, int | float | str | tuple | bool):
            return None, None  # `xs += [1]` changes the list in place, and every alias of it
        return statement.target.id, folder.fold(
            ast.BinOp(ast.Name(statement.target.id, ast.Load()), statement.op, statement.value)
        )
    return None, None


def _silent(statement: ast.stmt) -> bool:
    """A docstring-like constant expression compiles to nothing: no line event there."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
