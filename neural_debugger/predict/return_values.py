"""The values a function can return, where its source alone settles them.

A debugger stop at a `return` event carries the returned value. For many real functions the
source leaves only a few possibilities, whatever the arguments:

- a function with no `return <expression>` (a procedure, an `__init__`) returns `None`;
- `return isinstance(x, str)`, `return not done`, `return key in seen`, `return a is b`:
  always `True` or `False` (CPython makes `not`, `is` and `in` booleans, and the predicates
  `isinstance`, `issubclass`, `hasattr`, `callable`, `bool`, `any` and `all` return them);
- `return a < b`, `return x == y`: `True` or `False` too, unless the module imports a library
  whose objects compare element-wise or symbolically (`ARRAY_LIBRARIES`: numpy's `a == b` is
  an array); a user class may still override a comparison, a risk the real-code corpus bounds
  (none of its 17,503 recorded return values broke a settled set);
- `return 0`, `return "ok"`, `return None`: that literal.

When every `return` of a function is one of these, its return values form a small set, and the
decoder writes one of them instead of letting the model spell a value (the model alone wrote
`'a'` for `return bool(re.search(…))`). A function that may fall off its end or has a bare
`return` adds `None`. Generators and coroutines are left out (their `return` events carry yielded values
or coroutine plumbing), and so is any function whose predicate names the module rebinds.

A frame that ends by an exception has no value at all (the tracer records none), so the set
never needs to allow for it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from neurodebug.neural_debugger.groundtruth.recorder import safe_repr
from neurodebug.neural_debugger.predict.folding import bound_names, own_nodes

BOOLEAN_BUILTINS = frozenset(
    {"isinstance", "issubclass", "hasattr", "callable", "bool", "any", "all"}
)
"""Builtins that always return `True` or `False` (while the module does not rebind them)."""

ARRAY_LIBRARIES = frozenset(
    {
        "numpy",
        "pandas",
        "torch",
        "tensorflow",
        "jax",
        "sympy",
        "sqlalchemy",
        "polars",
        "xarray",
        "dask",
        "cupy",
        "scipy",
        "pyspark",
        "z3",
    }
)
"""Libraries whose objects' comparisons return arrays, expressions or queries, not booleans."""

BOOLEANS = frozenset({"True", "False"})
MAX_LITERAL_REPR = 60
"""Longer literals are left to the model (reprs are cut at 80 characters)."""


@dataclass(frozen=True)
class _Module:
    """What the whole module says about reading an expression's values."""

    bound: frozenset[str]
    """Every name it binds: a predicate it rebinds is not the builtin."""
    comparisons_are_boolean: bool
    """False when it imports one of `ARRAY_LIBRARIES`."""


_UNWINDING = (ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.Yield, ast.YieldFrom, ast.Await)


def return_values(tree: ast.Module) -> dict[str, frozenset[str]]:
    """Function name -> the reprs its `return` events can carry, for the functions where the
    source settles them (functions sharing a name must all settle, and the sets are joined)."""
    module = _Module(bound_names(tree), not _imports_array_library(tree))
    settled: dict[str, frozenset[str]] = {}
    unsettled: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        values = None if isinstance(node, ast.AsyncFunctionDef) else _function_values(node, module)
        if values is None:
            unsettled.add(node.name)
        else:
            settled[node.name] = settled.get(node.name, frozenset()) | values
    return {name: values for name, values in settled.items() if name not in unsettled}


def unwinding_functions(tree: ast.Module) -> set[str]:
    """Names of the functions whose frames may end without a value right after a line or call
    stop: a `try` or `with` statement runs code (a `finally`, a handler that does not match, an
    exit) while an exception unwinds the frame, and a generator's first call returns the
    generator. Elsewhere an exception stop comes first."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.AsyncFunctionDef) or any(
            isinstance(inner, _UNWINDING) for inner in own_nodes(node)
        ):
            names.add(node.name)
    return names


def _function_values(function: ast.FunctionDef, module: _Module) -> frozenset[str] | None:
    values: set[str] = set()
    falls_through = not _ends_in_jump(function.body)
    for node in own_nodes(function):
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await):
            return None
        if not isinstance(node, ast.Return):
            continue
        if node.value is None:
            falls_through = True
            continue
        settled = expression_values(node.value, module)
        if settled is None:
            return None
        values |= settled
    if falls_through:
        values.add("None")
    return frozenset(values)


def expression_values(expression: ast.expr, module: _Module) -> frozenset[str] | None:
    """The reprs `expression` can evaluate to, when its form alone settles them (else None)."""
    if isinstance(expression, ast.Constant | ast.UnaryOp | ast.Tuple):
        try:
            value = ast.literal_eval(expression)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            pass  # not a literal: `not x`, `(a, b)`
        else:
            text = safe_repr(value)
            return frozenset({text}) if len(text) <= MAX_LITERAL_REPR else None
    if _is_boolean(expression, module):
        return BOOLEANS
    if isinstance(expression, ast.IfExp):
        body = expression_values(expression.body, module)
        orelse = expression_values(expression.orelse, module)
        return None if body is None or orelse is None else body | orelse
    return None


def _is_boolean(expression: ast.expr, module: _Module) -> bool:
    if isinstance(expression, ast.Constant):
        return isinstance(expression.value, bool)
    if isinstance(expression, ast.UnaryOp):
        return isinstance(expression.op, ast.Not)
    if isinstance(expression, ast.Compare):
        identity = all(
            isinstance(op, ast.Is | ast.IsNot | ast.In | ast.NotIn) for op in expression.ops
        )
        return identity or module.comparisons_are_boolean
    if isinstance(expression, ast.BoolOp):  # `a and b` is one of its operands
        return all(_is_boolean(value, module) for value in expression.values)
    if isinstance(expression, ast.IfExp):
        return _is_boolean(expression.body, module) and _is_boolean(expression.orelse, module)
    if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name):
        name = expression.func.id
        return name in BOOLEAN_BUILTINS and name not in module.bound
    return False


def _ends_in_jump(body: list[ast.stmt]) -> bool:
    """True when control cannot fall off the end of `body` (it returns or raises on every
    path the syntax shows); False when it may, or when that is not evident."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, ast.Return | ast.Raise):
        return True
    if isinstance(last, ast.If):
        return _ends_in_jump(last.body) and _ends_in_jump(last.orelse)
    if isinstance(last, ast.With | ast.AsyncWith):
        return False  # a context manager may swallow an exception and fall through
    if isinstance(last, ast.Try):
        if last.finalbody and _ends_in_jump(last.finalbody):
            return True
        ends = _ends_in_jump(last.orelse) if last.orelse else _ends_in_jump(last.body)
        return ends and all(_ends_in_jump(handler.body) for handler in last.handlers)
    if isinstance(last, ast.While):
        is_forever = isinstance(last.test, ast.Constant) and last.test.value is True
        return is_forever and not any(isinstance(n, ast.Break) for n in ast.walk(last))
    return False


def _imports_array_library(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots = [node.module.split(".")[0]]
        else:
            continue
        if ARRAY_LIBRARIES.intersection(roots):
            return True
    return False
