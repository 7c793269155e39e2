"""Constant folding of Python expressions over the values a debugger stop shows.

Why: a 2M-parameter transformer gets about one branch like `if len(str(4)) >= 4:` in five
wrong, and every wrong branch derails a rollout. A compiler decides such a condition without
running anything: the values of the names it reads are in the state (their reprs parse as
literals) and the operations are builtin arithmetic, comparisons and a few pure builtins.
`folded_steps` uses this to decide whole debugger steps before the model is asked.

Folding never runs user code. `Folder.fold` interprets a whitelist of operations on literal
values (`ast.literal_eval` of the reprs), with caps on sizes; any other node, a name it cannot
read, a call of a function the source defines or rebinds, an operation whose result depends on
set order, or an error (the line would raise) raises `NotFoldable`, and the model decides.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import string
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from neurodebug.neural_debugger.groundtruth.recorder import safe_repr
from neurodebug.neural_debugger.predict.records import STDLIB_RECORDS, Record, contains, record

MAX_SIZE = 10_000
"""Longest string / container a folded operation may build (and the largest int, in bits)."""


class NotFoldable(Exception):
    """The expression is not pure arithmetic on known values: the model must decide."""


def quiet_literal_eval(text: str) -> Any:
    """`ast.literal_eval`, without the SyntaxWarning (`1if`: "invalid decimal literal") that
    text the model wrote can make Python print on stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.literal_eval(text)


def literal(text: str) -> Any:
    """The value a local's repr shows, if it is a complete literal (not cut, not summarised)
    and reads back as the same text: a real list shows `[0, 2]`; `[0,2]` is some object's own
    repr (an interval), which only looks like a list."""
    if text.endswith("...") or len(text) > 400:
        raise NotFoldable(text)
    try:
        value = quiet_literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise NotFoldable(text) from error
    if contains(value, lambda item: item is Ellipsis or isinstance(item, complex | bytes)):
        raise NotFoldable(text)
    if safe_repr(value) != text:  # an object whose own repr looks like a literal: `[0,2]`
        raise NotFoldable(text)
    return value


class Lazy:
    """The items of an iterator (`enumerate`, `zip`, `reversed`). It can be iterated and tested
    with `in`; anything else (len, ==, +, indexing, its repr) is not folded, since the real
    object behaves differently from a list there, and it is never a local's value."""

    def __init__(self, items: Any) -> None:
        self.items = tuple(items)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __contains__(self, item: Any) -> bool:
        return item in self.items

    def __eq__(self, other: object) -> bool:
        raise NotFoldable("comparing an iterator or a view")

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        raise NotFoldable("the repr of an iterator or a view")


class LazyView(Lazy):
    """A dict's keys, values or items: a `Lazy` that also has a length."""

    def __len__(self) -> int:
        return len(self.items)


def not_a_value(value: Any) -> bool:
    """Whether `value` cannot be the value of a local as the tracer shows it (a `Record` is
    only ever read from a local's repr, never written as one)."""
    return set_ordered(value) or contains(value, lambda item: isinstance(item, Lazy | Record))


def set_ordered(value: Any) -> bool:
    """Whether iterating or printing `value` may depend on set order: any non-empty set (the
    order of strings changes with the hash seed, and even ints' order depends on the history of
    insertions and removals that built the set)."""
    return contains(value, lambda item: isinstance(item, set | frozenset) and len(item) > 0)


def check_size(value: Any) -> Any:
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


_WIDE_FIELD = re.compile(r"\d{5,}|%[-#0 +]*\*")
"""A width or precision of 10,000 or more, or one `%` takes from its arguments: formatting it
could build a huge string before `check_size` sees it."""


def _checked_template(template: str) -> str:
    if _WIDE_FIELD.search(template):
        raise NotFoldable("a field too wide")
    return template


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):  # printf-style formatting
        _checked_template(left)
        if set_ordered(right):
            raise NotFoldable("set order")
    return operator.mod(left, right)


def _format(value: Any, spec: str = "") -> str:
    """`format(value, spec)` (and an f-string's field) on a literal value."""
    if set_ordered(value):
        raise NotFoldable("set order")
    return format(value, _checked_template(spec))


def _format_method(template: str, *args: Any, **kwargs: Any) -> str:
    """`template.format(...)`, with plain fields only: `{0.attr}` and `{0[key]}` look up
    attributes and items folding does not model."""
    for _, field_name, spec, _ in string.Formatter().parse(_checked_template(template)):
        if field_name and ("." in field_name or "[" in field_name):
            raise NotFoldable("a field with an attribute or an index")
        _checked_template(spec or "")
    if any(set_ordered(value) for value in (*args, *kwargs.values())):
        raise NotFoldable("set order")
    return template.format(*args, **kwargs)


def _isinstance(value: Any, types: Any) -> bool:
    classes = types if isinstance(types, tuple) else (types,)
    if not all(isinstance(cls, type) and cls in TYPES.values() for cls in classes):
        raise NotFoldable("isinstance of a type folding does not know")
    return isinstance(value, types)


def _identity(left: Any, right: Any) -> bool:
    """`left is right`, only where identity is exact: one side is None, True or False (one
    object each), or both are builtin types. Equal ints or strings may or may not be one
    object in the real program."""
    singleton = any(value is None or isinstance(value, bool) for value in (left, right))
    types = all(isinstance(value, type) for value in (left, right))
    if not (singleton or types):
        raise NotFoldable("identity comparison")
    return left is right


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
    ast.Mod: _modulo,
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
    ast.Is: _identity,
    ast.IsNot: lambda a, b: not _identity(a, b),
}
CONVERSIONS: dict[int, Callable[[object], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}
"""An f-string field's `!s`, `!r` and `!a`, by the code the parser gives them."""
TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (int, float, bool, str, bytes, list, tuple, dict, set, frozenset)
}
"""Builtin types a folded expression may name as values (`isinstance(x, (int, float))`)."""


def _ordered(function: Callable[..., Any]) -> Callable[..., Any]:
    """A builtin whose result depends on its argument's iteration order: refuse sets."""

    def call(*args: Any) -> Any:
        if any(set_ordered(arg) for arg in args):
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
    "enumerate": _ordered(lambda *args: Lazy(enumerate(*args))),
    "zip": _ordered(lambda *args: Lazy(zip(*args, strict=False))),
    "reversed": _ordered(lambda *args: Lazy(reversed(*args))),
    "repr": _ordered(repr),
    "format": _format,
    "isinstance": _isinstance,
    "chr": chr,
    "ord": ord,
    "hex": hex,
    "oct": oct,
    "bin": bin,
}
"""Pure builtins a folded call may use (only when the source never binds their names)."""

METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        (
            *("startswith", "endswith", "isdigit", "isalpha", "isalnum", "isupper", "islower"),
            *("isspace", "upper", "lower", "strip", "lstrip", "rstrip", "count", "find"),
            *("rfind", "replace", "split", "join", "title", "capitalize", "zfill"),
            *("index", "rindex", "rsplit", "splitlines", "partition", "rpartition"),
            *("center", "ljust", "rjust", "casefold", "swapcase", "removeprefix"),
            *("removesuffix", "isnumeric", "isdecimal", "isidentifier", "istitle", "format"),
        )
    ),
    list: frozenset(("count", "index", "copy")),
    tuple: frozenset(("count", "index")),
    dict: frozenset(("get", "keys", "values", "items", "copy")),
    int: frozenset(("bit_length",)),
    float: frozenset(("is_integer",)),
}
"""Methods that read their receiver and never change it."""


@dataclass
class Folder:
    """Folds expressions of one source over one frame's locals."""

    env: dict[str, str]
    """The frame's locals as reprs; a name is read (parsed) only when an expression needs it."""
    bound_names: frozenset[str] = frozenset()
    """Every name the source binds anywhere: such a name is never taken for a builtin."""
    own_call: Callable[[str, list[Any]], Any] | None = None
    """Runs a call of one of the program's own functions (`call_folding`), or raises
    `NotFoldable`; None: such calls do not fold."""
    records: frozenset[str] = frozenset()
    """Classes of the source whose repr is generated from their fields (`FoldFacts.records`):
    a local of theirs is read as a `Record`."""
    classes: frozenset[str] = frozenset()
    """Every class the source defines: one of these is a record only if in `records`."""
    _values: dict[str, Any] = field(default_factory=dict)

    def name(self, name: str) -> Any:
        if name not in self._values:
            if name not in self.env:
                raise NotFoldable(f"{name} is not a known local")
            text = self.env[name]
            try:
                self._values[name] = literal(text)
            except NotFoldable:
                shown = record(text, self._readable)
                if shown is None:
                    raise
                self._values[name] = shown
        return self._values[name]

    def _readable(self, kind: str) -> bool:
        """Whether a keyword-form repr of class `kind` shows its attributes (see `records`)."""
        name = kind.rpartition(".")[2]
        if name in self.records:
            return True
        return name not in self.classes and kind in STDLIB_RECORDS

    def fold(self, node: ast.expr) -> Any:
        """The value of `node`, or `NotFoldable`. A `Record` never comes out, alone or inside
        a container: only its fields are values (its truth, repr and the rest are not)."""
        try:
            value = check_size(self._fold(node))
            if contains(value, lambda item: isinstance(item, Record)):
                raise NotFoldable("an object seen through its repr")
            return value
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
            unbound = node.id not in self.env and node.id not in self.bound_names
            return TYPES[node.id] if unbound and node.id in TYPES else self.name(node.id)
        if isinstance(node, ast.JoinedStr):
            return "".join(self._fold_field(part) for part in node.values)
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
            return check_size(BINARY[type(node.op)](self._fold(node.left), self._fold(node.right)))
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
            keys = [key for key in node.keys if key is not None]
            if len(keys) != len(node.keys):
                raise NotFoldable("dict unpacking")
            return {self._fold(k): self._fold(v) for k, v in zip(keys, node.values, strict=True)}
        if isinstance(node, ast.Subscript):
            value = self._fold(node.value)
            if isinstance(value, set | frozenset):
                raise NotFoldable("set subscript")
            return value[self._index(node.slice)]
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            receiver = self._fold(node.value)
            if not isinstance(receiver, Record):  # `x.real`, `s.upper` without a call
                raise NotFoldable(f"attribute {node.attr}")
            return receiver.attribute(node.attr)
        raise NotFoldable(type(node).__name__)

    def _fold_field(self, node: ast.expr) -> str:
        """One part of an f-string: its text, or a field (`{value!r:>{width}}`)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if not isinstance(node, ast.FormattedValue):
            raise NotFoldable("f-string part")
        value = self._fold(node.value)
        convert = CONVERSIONS.get(node.conversion)
        if convert is not None:
            if set_ordered(value):
                raise NotFoldable("set order")
            value = convert(value)
        spec = "" if node.format_spec is None else self._fold(node.format_spec)
        return check_size(_format(value, spec))

    def _keywords(self, node: ast.Call) -> dict[str, Any]:
        if any(keyword.arg is None for keyword in node.keywords):
            raise NotFoldable("**kwargs")
        return {str(keyword.arg): self._fold(keyword.value) for keyword in node.keywords}

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
            own = function.id in self.bound_names  # `own_call` checks a local of that name
            if own and self.own_call is not None and not node.keywords:
                return self.own_call(function.id, [self._fold(arg) for arg in node.args])
            builtin = BUILTINS.get(function.id)
            if builtin is None or function.id in self.bound_names or function.id in self.env:
                raise NotFoldable(f"call of {function.id}")
            args = [self._fold(arg) for arg in node.args]
            keywords = self._keywords(node)
            if any(isinstance(arg, Record) for arg in [*args, *keywords.values()]):
                raise NotFoldable(f"{function.id} of an object")  # `isinstance(point, tuple)`
            if function.id == "range" and len(range(*args)) > MAX_SIZE:
                raise NotFoldable("too large")
            return builtin(*args, **keywords)
        if isinstance(function, ast.Attribute):
            receiver = self._fold(function.value)
            if function.attr not in METHODS.get(type(receiver), frozenset()):
                raise NotFoldable(f"method {function.attr}")
            args = [self._fold(arg) for arg in node.args]
            keywords = self._keywords(node)
            if function.attr == "join" and any(set_ordered(arg) for arg in args):
                raise NotFoldable("set order")
            if any(isinstance(arg, int) and arg > MAX_SIZE for arg in [*args, *keywords.values()]):
                raise NotFoldable("too large")  # `s.zfill(10**9)`
            new = args[1] if function.attr == "replace" and len(args) > 1 else ""
            if isinstance(new, str) and new and (len(receiver) + 1) * len(new) > MAX_SIZE:
                raise NotFoldable("too large")
            if function.attr == "format":
                return _format_method(receiver, *args, **keywords)
            result = getattr(receiver, function.attr)(*args, **keywords)
            if function.attr in ("keys", "values", "items"):
                return LazyView(result)
            return result
        raise NotFoldable("call")


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes of `node`'s own scope: nested functions, classes and comprehensions are yielded
    but not entered."""
    for child in ast.iter_child_nodes(node):
        yield child
        if not isinstance(child, (*SCOPES, *COMPREHENSIONS)):
            yield from own_nodes(child)


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


PURE_METHOD_NAMES = frozenset().union(*METHODS.values())


def calls_only_pure(node: ast.expr) -> bool:
    """Whether every call in `node` is of a builtin or method `Folder` knows to be pure, so
    evaluating it (even partly, through `and` / `or`) changes no object."""
    for inner in ast.walk(node):
        if not isinstance(inner, ast.Call):
            continue
        function = inner.func
        if isinstance(function, ast.Name) and function.id in BUILTINS:
            continue
        if isinstance(function, ast.Attribute) and function.attr in PURE_METHOD_NAMES:
            continue
        return False
    return True
