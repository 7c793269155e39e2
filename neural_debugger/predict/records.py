"""Attribute reads on objects whose repr shows their attributes (issue 17, item 4).

Why: a debugger stop shows `marker = _ListMarker(spaces='', marker='-', text=' bar')`, and
`return self.marker[-1]` is then as certain as arithmetic on literals. Dataclasses, named tuples
(`typing.NamedTuple`, `collections.namedtuple`, the stdlib's `urllib.parse.ParseResult`),
attrs classes, `types.SimpleNamespace`, `argparse.Namespace` and `datetime.timedelta` all write
their repr in the keyword form `Name(field=value, …)`, where each keyword is an attribute and
its text is the attribute value's own repr. Folding reads such a repr as a `Record`: the fields
it shows in full fold; everything else about the object (its truth, length, equality, items,
repr, other attributes) is left to the model, since a named tuple and a dataclass with the same
repr differ there.

What is not read as a record:
- a repr with a positional part (`Duration(35, 0, years=1)`, `Cache({}, maxsize=1)`): a
  hand-written repr, whose keywords need not be attributes (`Cache.maxsize` reads
  `self.__maxsize`);
- `call(x=1)`: `unittest.mock.call` is a tuple whose attributes are new calls;
- a class of the source itself when the source writes a `__repr__` or `__getattribute__`
  (`FoldFacts.own_reprs`): its repr says whatever that code says.

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
NOT_RECORDS = frozenset(("call", "mock.call", "unittest.mock.call"))
"""Reprs in the keyword form whose keywords are not attributes."""


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


def record(text: str, own_classes: frozenset[str] = frozenset()) -> Record | None:
    """The `Record` a local's repr shows, or None. `own_classes`: names of classes whose repr
    the source writes itself (never read)."""
    if not _RECORD_START.match(text) or len(text) > 400:
        return None
    kind = text[: text.index("(")]
    if kind in NOT_RECORDS or kind.rsplit(".", 1)[-1] in own_classes:
        return None
    if not text.endswith("..."):
        return _parsed(text, kind)
    body = text[:-3]
    cut = body.rfind(", ")
    while cut > 0:  # the longest prefix that ends after a whole field
        found = _parsed(body[:cut] + ")", kind)
        if found is not None:
            return found
        cut = body.rfind(", ", 0, cut)
    return None


def _parsed(text: str, kind: str) -> Record | None:
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
        if keyword.arg is None or keyword.arg in fields:
            return None
        fields[keyword.arg] = _field_value(keyword.value, text)
    return Record(kind, fields)


def _field_value(node: ast.expr, text: str) -> Any:
    """A field's value when its text is a literal whose repr is that very text (a dataclass
    writes each field with `repr`), or a nested record; else `UNREADABLE`."""
    segment = ast.get_source_segment(text, node) or ""
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        nested = record(segment)
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
