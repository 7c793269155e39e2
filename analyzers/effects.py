"""Which calls may change which objects: a table of builtin and stdlib methods, the types of a
scope's names where the code shows them, and the names that may share an object.

Why: "does this statement change `q`?" decides reaching definitions, and through them every
rule that hoists or reuses a value. Without types the answer is by method name alone
(`PURE_METHODS`), which says `q.empty()` writes `q` (so later reads of `q` depend on a test
that changes nothing) and `q.get()` on a `queue.Queue` reads it (it removes an item). With
the receiver's type known, the table below decides; without it, the name-based answer stays.
Names bound to the same object (`cols = self.cols`, a bound method `pop = q.pop`) share
their writes: a change through one is a change of the other.

Types come only from what the scope shows, flow-insensitively: every binding of the name is a
literal, comprehension or constructor call of one type (`[]`, `deque()`, `queue.Queue()`,
`re.compile(…)`), or a parameter annotation (`xs: list[int]`, `q: "queue.Queue[int]"`);
augmented assignment keeps the type. One binding of another kind makes it unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import tree_sitter


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STR_READS = _words(
    """capitalize casefold center count encode endswith expandtabs find format format_map
    index isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable
    isspace istitle isupper join ljust lower lstrip partition removeprefix removesuffix replace
    rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title
    translate upper zfill"""
)
_BYTES_READS = _STR_READS - _words(
    "casefold encode format format_map isdecimal isidentifier isnumeric isprintable"
) | {
    "decode",
    "hex",
}
_DICT_READS = _words("copy get items keys values")
_DICT_WRITES = _words("clear pop popitem setdefault update")
_SET_READS = _words(
    "copy difference intersection isdisjoint issubset issuperset symmetric_difference union"
)

METHOD_EFFECTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "list": (
        _words("copy count index"),
        _words("append clear extend insert pop remove reverse sort"),
    ),
    "tuple": (_words("count index"), frozenset()),
    "str": (_STR_READS, frozenset()),
    "bytes": (_BYTES_READS, frozenset()),
    "bytearray": (
        _BYTES_READS | {"copy"},
        _words("append clear extend insert pop remove reverse"),
    ),
    "dict": (_DICT_READS, _DICT_WRITES),
    "set": (
        _SET_READS,
        _words(
            """add clear difference_update discard intersection_update pop remove
            symmetric_difference_update update"""
        ),
    ),
    "frozenset": (_SET_READS, frozenset()),
    "deque": (
        _words("copy count index"),
        _words(
            "append appendleft clear extend extendleft insert pop popleft remove reverse rotate"
        ),
    ),
    "Counter": (
        _DICT_READS | {"elements", "most_common", "total"},
        _DICT_WRITES | {"subtract"},
    ),
    "defaultdict": (_DICT_READS, _DICT_WRITES),
    "OrderedDict": (_DICT_READS, _DICT_WRITES | {"move_to_end"}),
    "Queue": (_words("empty full qsize"), _words("get get_nowait put put_nowait")),
    "Pattern": (_words("findall finditer fullmatch match search split sub subn"), frozenset()),
}
"""type → (methods that never change the receiver, methods that do). A method in neither
(`task_done`, a subclass's own) counts as a write: the sound default. Each entry is checked
against CPython in tests/analyzers/test_effects.py."""

_CONSTRUCTORS = {
    "list": "list",
    "tuple": "tuple",
    "str": "str",
    "bytes": "bytes",
    "bytearray": "bytearray",
    "dict": "dict",
    "set": "set",
    "frozenset": "frozenset",
    "sorted": "list",
    "deque": "deque",
    "Counter": "Counter",
    "defaultdict": "defaultdict",
    "OrderedDict": "OrderedDict",
    "Queue": "Queue",
    "LifoQueue": "Queue",
    "PriorityQueue": "Queue",
    "SimpleQueue": "Queue",
    "compile": "Pattern",
}
"""Callee (its last dotted part: `collections.deque`, `queue.Queue`, `re.compile`) → type."""

_ANNOTATIONS = {
    **{name: kind for name, kind in _CONSTRUCTORS.items() if name not in ("sorted", "compile")},
    "List": "list",
    "Tuple": "tuple",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Deque": "deque",
    "DefaultDict": "defaultdict",
    "Pattern": "Pattern",
}

_LITERALS = {
    "list": "list",
    "list_comprehension": "list",
    "tuple": "tuple",
    "dictionary": "dict",
    "dictionary_comprehension": "dict",
    "set": "set",
    "set_comprehension": "set",
    "concatenated_string": "str",
}


# Method names pure by name alone: the answer for receivers of unknown type.
PURE_METHODS = _words(
    """copy count index get keys values items startswith endswith format join split rsplit strip
    lstrip rstrip lower upper replace find rfind rindex encode decode isdigit isalpha isspace
    isalnum isupper islower isdecimal isnumeric isidentifier isprintable isascii istitle
    title capitalize casefold center ljust rjust zfill partition rpartition expandtabs
    translate removeprefix removesuffix format_map issubset issuperset isdisjoint union
    intersection difference symmetric_difference splitlines bit_length bit_count hex
    is_integer conjugate as_integer_ratio to_bytes group groups groupdict span
    most_common isoformat strftime timestamp hexdigest digest exists is_file is_dir"""
)


class StatementLike(Protocol):
    """What the effects pass needs of a statement node (`extract.StatementNode`)."""

    defs: list[tuple[str, bool, str]]
    roots: list[str]


@dataclass
class ReceiverFacts:
    """What one scope's code shows about its names (see the module docstring)."""

    types: dict[str, str] = field(default_factory=dict)
    """Name → its type, where every binding in the scope agrees."""
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    """Name → the other names that may hold the same object or a part of it."""
    bound_methods: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Name bound to `receiver.method` → (receiver, method): calling it is a method call."""

    def changes_receiver(self, receiver: str, method: str, pure_by_name: bool) -> bool:
        """Whether `receiver.method(...)` may change `receiver`'s object."""
        kind = self.types.get(receiver)
        if kind is None:
            return not pure_by_name
        return method not in METHOD_EFFECTS[kind][0]

    def sharing(self, name: str) -> frozenset[str]:
        """`name` and the names that may hold the same object."""
        return self.aliases.get(name, frozenset()) | {name}


_NOTHING_SHOWN = ReceiverFacts()


def receiver_facts(
    parameters: tree_sitter.Node | None,
    nodes: Sequence[StatementLike],
    assigned: Sequence[tuple[str, tree_sitter.Node]],
    declared: set[str],
    source: bytes,
) -> ReceiverFacts:
    """The `ReceiverFacts` of one scope, from what its statement graph saw: the parameters
    (annotations), every binding (`defs` with kills), the `name = value` assignments and the
    `global` / `nonlocal` names. No second walk over the tree."""
    if not assigned and not parameters:
        return _NOTHING_SHOWN  # no annotation, no `name = value`: no type, no alias
    text = _Text(source)
    kinds: dict[str, set[str | None]] = {name: {None} for name in declared}
    for parameter in parameters.named_children if parameters is not None else ():
        identifier = parameter.child_by_field_name("name") or (
            parameter.named_children[0] if parameter.named_children else None
        )
        if identifier is not None and identifier.type == "identifier":
            annotation = parameter.child_by_field_name("type")
            kinds.setdefault(text(identifier), set()).add(_annotated(annotation, text))
    values: dict[str, list[tree_sitter.Node]] = {}
    for name, value in assigned:
        values.setdefault(name, []).append(value)
    counted: dict[str, int] = {}
    for node in nodes:
        for name, kills, how in node.defs:
            if kills and how == "assign":
                counted[name] = counted.get(name, 0) + 1
            elif kills and how not in ("augmented", "param"):
                kinds.setdefault(name, set()).add(None)  # a for target, an import, a with …
    links: list[tuple[str, str]] = []
    bound_methods: dict[str, tuple[str, str]] = {}
    for name, count in counted.items():
        given = values.get(name, [])
        if len(given) < count:  # bound by unpacking somewhere: `a, b = …`
            kinds.setdefault(name, set()).add(None)
        for value in given:
            kinds.setdefault(name, set()).add(_value_type(value, text))
            if value.type == "identifier":
                links.append((name, text(value)))
            elif value.type == "attribute" or (value.type == "subscript" and not _sliced(value)):
                root = _root(value)
                if root is not None:
                    links.append((name, text(root)))
                    method = value.child_by_field_name("attribute")
                    if value.type == "attribute" and method is not None:
                        bound_methods[name] = (text(root), text(method))
    types: dict[str, str] = {}
    for name, found in kinds.items():
        only = next(iter(found)) if len(found) == 1 else None
        if only is not None:
            types[name] = only
    return ReceiverFacts(types, _groups(links), bound_methods)


def resolve_effects(
    nodes: Sequence[StatementLike],
    calls: Sequence[tuple[int, list[tuple[str, str, bool]]]],
    facts: ReceiverFacts,
) -> None:
    """Turn each node's recorded calls into definitions (`x.m()` that may change `x`, a call
    of a bound method kept in a name), then make every change of an object a change of each
    name that may share it (`how` "alias")."""
    for index, recorded in calls:
        node = nodes[index]
        for name, method, whole_statement in recorded:
            if method:
                if facts.changes_receiver(name, method, method in PURE_METHODS):
                    node.defs.append((name, False, "mutation"))
                    if whole_statement:
                        node.roots.append(name)
                continue
            held = facts.bound_methods.get(name)
            if held is not None and facts.changes_receiver(
                held[0], held[1], held[1] in PURE_METHODS
            ):
                node.defs.append((held[0], False, "mutation"))
    if not facts.aliases:
        return
    for node in nodes:
        shared = [
            (other, False, "alias")
            for name, kills, how in node.defs
            if not kills and how == "mutation"
            for other in facts.aliases.get(name, ())
        ]
        if shared:
            node.defs.extend(shared)


class _Text:
    __slots__ = ("source",)

    def __init__(self, source: bytes) -> None:
        self.source = source

    def __call__(self, node: tree_sitter.Node) -> str:
        if self.source:
            return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        return (node.text or b"").decode("utf-8", "replace")


def _bound_identifiers(node: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    if node is None:
        return []
    if node.type == "identifier":
        return [node]
    if node.type in ("attribute", "subscript"):
        return []
    return [name for child in node.named_children for name in _bound_identifiers(child)]


def _sliced(subscript: tree_sitter.Node) -> bool:
    """`xs[1:]` copies (a new object, no alias); `xs[i]` may be an object `xs` holds."""
    return any(child.type == "slice" for child in subscript.named_children)


def _root(node: tree_sitter.Node) -> tree_sitter.Node | None:
    while node.type in ("attribute", "subscript"):
        child = node.child_by_field_name("object" if node.type == "attribute" else "value")
        if child is None:
            return None
        node = child
    return node if node.type == "identifier" else None


def _value_type(value: tree_sitter.Node, text: _Text) -> str | None:
    kind = value.type
    if kind in _LITERALS:
        return _LITERALS[kind]
    if kind == "string":
        return "bytes" if text(value)[:2].lower() in ('b"', "b'", "rb", "br") else "str"
    if kind == "call":
        function = value.child_by_field_name("function")
        if function is None:
            return None
        name = text(function).rsplit(".", 1)[-1]
        return _CONSTRUCTORS.get(name)
    return None


def _annotated(annotation: tree_sitter.Node | None, text: _Text) -> str | None:
    """The type a parameter or variable annotation names (`list[int]`, `"queue.Queue[int]"`)."""
    if annotation is None:
        return None
    written = text(annotation).strip().strip("\"'")
    base = written.split("[", 1)[0].strip().rsplit(".", 1)[-1]
    if "|" in written or base == "Optional":
        return None
    return _ANNOTATIONS.get(base)


def _groups(links: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Names linked directly or through others, each mapped to the rest of its group."""
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for first, second in links:
        parent[find(first)] = find(second)
    members: dict[str, set[str]] = {}
    for name in parent:
        members.setdefault(find(name), set()).add(name)
    return {
        name: frozenset(group - {name})
        for group in members.values()
        if len(group) > 1
        for name in group
    }
