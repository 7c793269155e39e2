"""Attribute reads on objects whose repr shows their attributes (issue 17, item 4).

Why: a debugger stop shows `marker = Marker(spaces='', marker='-')`, and `return
self.marker[-1]` is then as certain as arithmetic on literals. A dataclass, a named tuple or an
attrs class writes its repr in the keyword form `Name(field=value, …)` from generated code,
each keyword an attribute written with its value's own repr. Folding reads such a repr as a
`Record`: the fields it shows in full fold; everything else about the object (its truth,
length, equality, items, repr, other attributes) is left to the model, since a named tuple and
a dataclass with the same repr differ there.

Which reprs are read: a class the source defines as a dataclass, named tuple or attrs class
without a `__repr__` or `__getattribute__` of its own or of a base (`folded_steps.
record_classes`), and the standard library's kinds in `STDLIB_RECORDS`. Not any class whose
repr merely looks so: a hand-written repr need not show attributes (urllib3's `Timeout(connect=2,
read=3, total=None)` has no attribute `connect`), and the value folding writes is certain. Never
read: a repr with a positional part, `call(x=1)` (`unittest.mock.call`), dunder fields.

A repr cut at the tracer's length limit (`…...`) still gives the fields before the cut that
are followed by `, `: their text is whole.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

_RECORD_START = re.compile(r"[A-Za-z_][\w.]*\([A-Za-z_]\w*=")

STDLIB_RECORDS = frozenset(
    (
        "datetime.timedelta",
        "datetime.IsoCalendarDate",
        "namespace",  # types.SimpleNamespace
        "Namespace",  # argparse.Namespace
        "ArgumentParser",  # argparse's `_AttributeHolder` repr: its keywords are attributes
        "ParseResult",  # urllib.parse's named tuples
        "SplitResult",
        "DefragResult",
        "ParseResultBytes",
        "SplitResultBytes",
        "DefragResultBytes",
        "CacheInfo",  # functools
        "DecimalTuple",  # decimal
        "os.stat_result",
        "os.terminal_size",
        "time.struct_time",
        "sys.version_info",
        "sys.flags",
        "sys.float_info",
        "zoneinfo.ZoneInfo",
    )
)
"""Standard-library kinds whose keyword-form repr is generated from their attributes. Matched
by the name the repr shows; a class of the source with the same name is judged by its code."""


class BeyondRecord(TypeError):
    """What a record cannot tell. A `TypeError`, so `Folder.fold` turns it into `NotFoldable`
    (this module stays below `folding`, which imports it)."""


class _Unreadable:
    """A field whose text is not a literal (`tzinfo=<UTC>`) or is itself cut short."""


UNREADABLE = _Unreadable()


class Record:
    """An object seen through its keyword-form repr: its shown fields, nothing else."""

    def __init__(self, kind: str, fields: dict[str, Any]) -> None:
        self.kind = kind
        self.fields = fields

    def attribute(self, name: str) -> Any:
        value = self.fields.get(name, UNREADABLE)
        if value is UNREADABLE:
            raise BeyondRecord(f"{self.kind}.{name} is not shown in its repr")
        return value

    def _refuse(self, *_: object) -> NoReturn:
        raise BeyondRecord(f"a {self.kind} object beyond its shown fields")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __bool__ = __len__ = __contains__ = __getitem__ = _refuse
    __repr__ = __str__ = __format__ = _refuse
    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[Any]:
        self._refuse()


def record(text: str, readable: Callable[[str], bool]) -> Record | None:
    """The `Record` a local's repr shows, or None. `readable(kind)`: whether a repr of that
    class (`Marker`, `datetime.timedelta`) is known to show its attributes."""
    if not _RECORD_START.match(text) or len(text) > 400:
        return None
    kind = text[: text.index("(")]
    if not readable(kind):
        return None
    if not text.endswith("..."):
        return _parsed(text, kind, readable)
    body = text[:-3]
    cut = body.rfind(", ")
    while cut > 0:  # the longest prefix that ends after a whole field
        found = _parsed(body[:cut] + ")", kind, readable)
        if found is not None:
            return found
        cut = body.rfind(", ", 0, cut)
    return None


def _parsed(text: str, kind: str, readable: Callable[[str], bool]) -> Record | None:
    try:
        with warnings.catch_warnings():  # `1if` in a repr: "invalid decimal literal"
            warnings.simplefilter("ignore", SyntaxWarning)
            node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    if not isinstance(node, ast.Call) or node.args or not node.keywords:
        return None
    if ast.get_source_segment(text, node.func) != kind:
        return None
    fields: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None or keyword.arg in fields or keyword.arg.startswith("__"):
            return None
        fields[keyword.arg] = _field_value(keyword.value, text, readable)
    return Record(kind, fields)


def _field_value(node: ast.expr, text: str, readable: Callable[[str], bool]) -> Any:
    """A field's value when its text is a literal whose repr is that very text (a dataclass
    writes each field with `repr`), or a nested record; else `UNREADABLE`."""
    segment = ast.get_source_segment(text, node) or ""
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        nested = record(segment, readable)
        return UNREADABLE if nested is None else nested
    unfoldable = contains(value, lambda item: isinstance(item, set | frozenset | complex | bytes))
    if unfoldable or value is Ellipsis or repr(value) != segment:
        return UNREADABLE  # a set's repr order is not its iteration order
    return value


def contains(value: Any, test: Callable[[Any], bool]) -> bool:
    """Whether `value`, or anything inside its lists, tuples, sets and dicts, passes `test`."""
    if test(value):
        return True
    if isinstance(value, dict):
        return any(contains(k, test) or contains(v, test) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains(item, test) for item in value)
    return False


def generated_repr(node: ast.ClassDef) -> bool:
    """Whether a class gets its repr from generated code: a dataclass or attrs class (repr
    not turned off) or a `NamedTuple` subclass."""
    if any(simple_name(base) == "NamedTuple" for base in node.bases):
        return True
    for decorator in node.decorator_list:
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if simple_name(called) not in ("dataclass", "define", "frozen", "mutable", "s", "attrs"):
            continue
        keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
        off = any(
            k.arg == "repr" and isinstance(k.value, ast.Constant) and not k.value.value
            for k in keywords
        )
        return not off
    return False


def record_classes(tree: ast.Module) -> frozenset[str]:
    """The source's classes whose keyword-form repr shows their attributes: `generated_repr`
    ones and `X = namedtuple("X", …)`, less those whose own code writes the repr or looks
    attributes up (see `own_reprs`)."""
    found = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and generated_repr(node)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        if simple_name(node.value.func) == "namedtuple":  # `Pair = namedtuple("Pair", …)`
            found |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return frozenset(found - own_reprs(tree))


def own_reprs(tree: ast.Module) -> frozenset[str]:
    """Classes that define `__repr__` or `__getattribute__`, and classes derived from them
    (by name): a keyword-form repr of theirs need not show their attributes."""
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found = {
        node.name
        for node in classes
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign)
        and {"__repr__", "__getattribute__"} & _defined_names(item)
    }
    grew = True
    while grew:
        derived = {
            node.name
            for node in classes
            if any(isinstance(base, ast.Name) and base.id in found for base in node.bases)
        }
        grew = not derived <= found
        found |= derived
    return frozenset(found)


def _defined_names(item: ast.stmt) -> set[str]:
    if isinstance(item, ast.Assign):  # `__repr__ = _repr`
        return {target.id for target in item.targets if isinstance(target, ast.Name)}
    return {item.name} if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) else set()


def simple_name(node: ast.expr | None) -> str:
    """`x` of `x` and of `a.b.x`; '' for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""
