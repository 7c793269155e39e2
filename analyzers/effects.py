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

import builtins
from collections.abc import Callable, Collection, Mapping, Sequence
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

_INT_READS = _words("bit_length bit_count conjugate as_integer_ratio to_bytes")

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
    "int": (_INT_READS, frozenset()),
    "bool": (_INT_READS, frozenset()),
    "float": (_words("as_integer_ratio conjugate hex is_integer"), frozenset()),
}
"""type → (methods that never change the receiver, methods that do). A method in neither
(`task_done`, a subclass's own) counts as a write: the sound default. Each entry is checked
against CPython in tests/analyzers/test_effects.py."""

ALWAYS_CHANGES: dict[str, frozenset[str]] = {
    "list": _words("append insert pop remove"),
    "set": _words("pop remove"),
    "dict": _words("popitem"),
}
"""type → the writes that change the receiver every time they return (an element more or
fewer): after `xs.append(v)` the earlier contents of `xs` are read only through that
statement, so it ends their reach. Only for names bound to literal displays
(`ReceiverFacts.displayed`), whose type is certain. Not `extend` (of nothing), `add` (of a
member), `sort` (of a sorted list), `setdefault` (of a present key). Checked against CPython in
tests/analyzers/test_effects.py."""

_CONSTRUCTORS = {
    "list": "list",
    "tuple": "tuple",
    "str": "str",
    "bytes": "bytes",
    "bytearray": "bytearray",
    "dict": "dict",
    "set": "set",
    "frozenset": "frozenset",
    "int": "int",
    "float": "float",
    "bool": "bool",
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

_RETURNS = {"len": "int", "ord": "int", "hash": "int", "id": "int", "chr": "str", "repr": "str"}
"""Builtins whose result has a known type (not constructors: not valid annotations)."""

_LITERALS = {
    "integer": "int",
    "float": "float",
    "true": "bool",
    "false": "bool",
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


# What a call does to the objects passed to it, when the callee is not one of the module's own
# functions (those are decided by their summaries, `calls.py`). Slots are positions (0-based)
# or keyword names; an empty set: the callee only reads its arguments.
BUILTIN_ARGUMENT_EFFECTS: dict[str, frozenset[int | str]] = {
    **{
        name: frozenset()
        for name in _words(
            """abs all any ascii bin bool bytearray bytes callable chr complex dict dir divmod
            enumerate filter float format frozenset getattr hasattr hash hex id int isinstance
            input issubclass iter len list map max min object oct open ord pow range repr
            reversed round set slice sorted str sum super tuple type vars zip"""
        )
    },
    **{  # exception classes store what they are given
        name: frozenset()
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    },
    "print": frozenset({"file"}),
    "next": frozenset({0}),
    "setattr": frozenset({0}),
    "delattr": frozenset({0}),
}
"""Builtins by name. `next(it)` advances `it`; `print(…, file=f)` writes `f`. Builtins that
consume an iterator they are given (`list(it)`, `sum(gen)`) are taken as reads: the iterator
protocol is not modelled (see docs/analysis.md)."""

READING_MODULES = _words(
    """math cmath re os os.path posixpath ntpath json copy itertools functools operator string
    textwrap time datetime struct bisect heapq statistics keyword unicodedata fnmatch glob
    shlex html base64 binascii hashlib zlib difflib fractions decimal typing types inspect
    dataclasses enum contextlib collections warnings"""
)
"""Standard-library modules whose functions only read the objects passed to them, except
those in `MODULE_FUNCTION_EFFECTS` and the in-place ones (`heapq.heappush`: `MUTATING_FUNCTIONS`
in expressions.py, which changes the first argument)."""

MODULE_FUNCTION_EFFECTS: dict[str, frozenset[int | str]] = {
    "json.dump": frozenset({1, "fp"}),
    "struct.pack_into": frozenset({1, "buffer"}),
    **{
        f"operator.{name}": frozenset({0})
        for name in [
            "setitem",
            "delitem",
            "iadd",
            "iand",
            "iconcat",
            "ifloordiv",
            "ilshift",
            "imatmul",
            "imod",
            "imul",
            "ior",
            "ipow",
            "irshift",
            "isub",
            "itruediv",
            "ixor",
        ]
    },
}

STORING_METHODS = _words(
    """append appendleft extend extendleft add insert update remove discard put put_nowait
    setdefault write writelines push"""
)
"""Method names that, on a receiver of unknown type, are taken to change at most the receiver:
what they are given is stored or written, not changed (`out.append(x)` leaves `x` alone)."""

IMMUTABLE_TYPES = frozenset({"str", "bytes", "int", "float", "bool", "frozenset"})
"""A name of one of these types holds an object no call can change."""


class StatementLike(Protocol):
    """What the effects pass needs of a statement node (`extract.StatementNode`)."""

    defs: list[tuple[str, bool, str]]
    roots: tuple[str, ...]
    changes: tuple[str, ...]


@dataclass
class ReceiverFacts:
    """What one scope's code shows about its names (see the module docstring)."""

    types: dict[str, str] = field(default_factory=dict)
    """Name → its type, where every binding in the scope agrees."""
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    """Name → the other names that may hold the same object or a part of it."""
    bound_methods: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Name bound to `receiver.method` → (receiver, method): calling it is a method call."""
    containers: dict[str, frozenset[str]] = field(default_factory=dict)
    """Name bound to an element of others (`for row in rows`, `for k, v in d.items()`) → the
    names holding it, transitively: a change of the element is a change of each of them."""

    displayed: frozenset[str] = frozenset()
    """Names every binding of which is a literal display or comprehension (`[]`, `{k: v}`,
    `[x for …]`): their type is certain, where an annotation, a constructor's name
    (`client.list()` ends in `list`) or an import could name a lookalike."""

    def changes_receiver(self, receiver: str, method: str, pure_by_name: bool) -> bool:
        """Whether `receiver.method(...)` may change `receiver`'s object."""
        kind = self.types.get(receiver)
        if kind is None:
            return not pure_by_name
        return method not in METHOD_EFFECTS[kind][0]

    def always_changes(self, receiver: str, method: str) -> bool:
        """Whether `receiver.method(...)` changes `receiver`'s object whenever it returns: the
        scope binds it only to literal displays of one type (`displayed`), and the method is
        one of `ALWAYS_CHANGES` for that type."""
        kind = self.types.get(receiver)
        return (
            kind is not None
            and receiver in self.displayed
            and method in ALWAYS_CHANGES.get(kind, ())
        )

    def also_changed(self, name: str) -> frozenset[str]:
        """The other names whose objects change when `name`'s object changes."""
        return self.aliases.get(name, frozenset()) | self.containers.get(name, frozenset())


_NOTHING_SHOWN = ReceiverFacts()


def receiver_facts(
    parameters: tree_sitter.Node | None,
    nodes: Sequence[StatementLike],
    assigned: Sequence[tuple[str, tree_sitter.Node]],
    declared: set[str],
    source: bytes,
    iterated: Sequence[tuple[tree_sitter.Node, tree_sitter.Node]] = (),
) -> ReceiverFacts:
    """The `ReceiverFacts` of one scope, from what its statement graph saw: the parameters
    (annotations), every binding (`defs` with kills), the `name = value` assignments and the
    `global` / `nonlocal` names. No second walk over the tree."""
    text = _Text(source)
    containers = _containers(iterated, text)
    if not assigned and not parameters:
        # no annotation, no `name = value`: no type, no alias
        return ReceiverFacts(containers=containers) if containers else _NOTHING_SHOWN
    kinds: dict[str, set[str | None]] = {name: {None} for name in declared}
    parameter_names: set[str] = set()
    for parameter in parameters.named_children if parameters is not None else ():
        identifier = parameter.child_by_field_name("name") or (
            parameter.named_children[0] if parameter.named_children else None
        )
        if identifier is not None and identifier.type == "identifier":
            annotation = parameter.child_by_field_name("type")
            kinds.setdefault(text(identifier), set()).add(_annotated(annotation, text))
            parameter_names.add(text(identifier))
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
    displayed = frozenset(
        name
        for name in types
        if name in counted
        and name not in parameter_names
        and len(values.get(name, ())) == counted[name]
        and all(value.type in _LITERALS for value in values[name])
    )
    return ReceiverFacts(types, _groups(links), bound_methods, containers, displayed)


Passing = tuple[str, str, tuple[tuple[str, int | str], ...]]
"""(receiver, callee, ((name, slot), …)) of one call: `g(x)` is ("", "g", (("x", 0),)),
`self.add(item=x)` is ("self", "add", (("x", "item"),)), `os.path.join(a, *rest)` is
("os.path", "join", (("a", 0), ("rest", "*"))); a receiver that is not a dotted name is
"<str>" (a string literal) or "<expr>". Recorded by `expressions.Scan`."""

Resolve = Callable[[str, str], object | None]
"""(receiver, callee) → a handle when the call reaches the module's own functions (`calls.py`)."""


@dataclass(frozen=True, slots=True)
class CallContext:
    """What deciding a call's effect on its arguments needs beyond the scope's own names."""

    modules: frozenset[str] = frozenset()
    """Names bound by `import m` (module objects)."""
    imported: Mapping[str, str] = field(default_factory=dict)
    """Names bound by `from m import n [as k]`: k → "m.n"."""
    own: Resolve | None = None


def resolve_effects(
    nodes: Sequence[StatementLike],
    calls: Sequence[tuple[int, list[tuple[str, str, bool]]]],
    facts: ReceiverFacts,
    passes: Sequence[tuple[int, list[Passing]]] = (),
    context: CallContext | None = None,
) -> list[tuple[int, object, tuple[tuple[str, int | str], ...]]]:
    """Turn each node's recorded calls into definitions (`x.m()` that may change `x`, a call
    of a bound method kept in a name; `how` "call": an argument a callee may change), then
    make every change of an object a change of each name that may share it (`how` "alias"). Calls of
    the module's own functions are returned as (node, handle, passed), for `calls.py`."""
    context = context or CallContext()
    own = context.own
    rebound = _rebound(nodes) if passes or calls else set()
    sites: list[tuple[int, object, tuple[tuple[str, int | str], ...]]] = []
    for index, recorded in calls:
        node = nodes[index]
        for name, method, whole_statement in recorded:
            if method:
                if own is not None and own(name, method) is not None:
                    continue  # the callee's summary decides (its first parameter)
                if name in METHOD_EFFECTS and name not in rebound:
                    continue  # `list.append(xs, v)`: a class, not an object that changes
                if facts.changes_receiver(name, method, method in PURE_METHODS):
                    node.defs.append((name, False, "mutation"))
                    if whole_statement:
                        node.roots += (name,)
                        if facts.always_changes(name, method):
                            node.changes += (name,)
                continue
            held = facts.bound_methods.get(name)
            if held is None or (held[0] in context.modules and held[0] not in rebound):
                continue  # not a method kept in a name, or a module's function (`e = re.escape`)
            if facts.changes_receiver(held[0], held[1], held[1] in PURE_METHODS):
                node.defs.append((held[0], False, "mutation"))
    for index, recorded_passes in passes:
        node = nodes[index]
        for receiver, callee, passed in recorded_passes:
            shadowed = not receiver and callee in rebound
            handle = None if own is None or shadowed else own(receiver, callee)
            if handle is not None:
                receiver_slot = ((receiver, -1),) if receiver else ()
                sites.append((index, handle, receiver_slot + passed))
                continue
            for name in changed_arguments(receiver, callee, passed, facts, context, rebound):
                node.defs.append((name, False, "call"))
    if facts.aliases or facts.containers:
        for node in nodes:
            shared = [
                (other, False, "alias")
                for name, kills, how in node.defs
                if not kills and how in ("mutation", "call")
                for other in facts.also_changed(name)
            ]
            if shared:
                node.defs.extend(shared)
    return sites


def _rebound(nodes: Sequence[StatementLike]) -> set[str]:
    """Names the scope binds other than by `def` or `import`: not the builtin, class or
    module function of that name."""
    found: set[str] = set()
    for node in nodes:
        for var, kills, how in node.defs:
            if kills and how != "def" and how != "import":
                found.add(var)
    return found


def changed_arguments(
    receiver: str,
    callee: str,
    passed: tuple[tuple[str, int | str], ...],
    facts: ReceiverFacts,
    context: CallContext,
    rebound: Collection[str],
) -> list[str]:
    """The names among `passed` whose objects a call that does not reach the module's own
    functions may change: none for what the tables say only reads (builtins, standard-library
    modules, methods of a known type, storing and pure method names), every one otherwise
    (the sound default for an unknown callee), never a name of an immutable type."""
    slots: frozenset[int | str] | None
    if not receiver and callee in facts.bound_methods:
        # a method or module function kept in a name (`add = seen.add`, `e = re.escape`)
        receiver, callee = facts.bound_methods[callee]
    if not receiver:
        if callee in context.imported and callee not in rebound:
            slots = _module_slots(context.imported[callee])
        elif callee in BUILTIN_ARGUMENT_EFFECTS and callee not in rebound:
            slots = BUILTIN_ARGUMENT_EFFECTS[callee]
        else:
            slots = None
    elif receiver == "<str>":
        slots = frozenset()
    else:
        root = receiver.split(".", 1)[0]
        if root in context.modules and root not in rebound:
            slots = _module_slots(f"{receiver}.{callee}")
        else:
            slots = _method_slots(receiver, callee, facts, rebound)
    changed = []
    for name, slot in passed:
        if facts.types.get(name) in IMMUTABLE_TYPES:
            continue
        if (
            slots is None
            or slot in slots
            or (slot == "*" and any(isinstance(s, int) for s in slots))
            or (slot == "**" and any(isinstance(s, str) for s in slots))
        ):
            changed.append(name)
    return changed


def _method_slots(
    receiver: str, method: str, facts: ReceiverFacts, rebound: Collection[str]
) -> frozenset[int | str] | None:
    if receiver in facts.types:
        return frozenset()
    if receiver in METHOD_EFFECTS and receiver not in rebound:
        # `list.append(xs, v)`: a method called through its class gets its receiver first
        return frozenset() if method in METHOD_EFFECTS[receiver][0] else frozenset({0})
    if method in PURE_METHODS or method in STORING_METHODS:
        return frozenset()
    return None


def _module_slots(function: str) -> frozenset[int | str] | None:
    """`json.dump` → the slots it changes; None for a module this table does not know."""
    if function in MODULE_FUNCTION_EFFECTS:
        return MODULE_FUNCTION_EFFECTS[function]
    module = function.rpartition(".")[0]
    if module in READING_MODULES:
        return frozenset()  # the in-place ones (heappush) change their first argument already
    return None


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
        written = text(function)
        name = written.rsplit(".", 1)[-1]
        return _CONSTRUCTORS.get(name) or (_RETURNS.get(name) if name == written else None)
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


_ELEMENT_WRAPPERS = _words("enumerate zip sorted reversed list tuple set frozenset filter iter")
_ELEMENT_VIEWS = _words("items values keys copy")


def _containers(
    iterated: Sequence[tuple[tree_sitter.Node, tree_sitter.Node]], text: _Text
) -> dict[str, frozenset[str]]:
    """For-loop targets → the names whose elements they are bound to, transitively."""
    direct: dict[str, set[str]] = {}
    for target, iterable in iterated:
        sources = _element_sources(iterable, text)
        if sources:
            for identifier in _bound_identifiers(target):
                direct.setdefault(text(identifier), set()).update(sources)
    closed: dict[str, frozenset[str]] = {}
    for element, holders in direct.items():
        seen: set[str] = set()
        stack = list(holders)
        while stack:
            current = stack.pop()
            if current not in seen and current != element:
                seen.add(current)
                stack.extend(direct.get(current, ()))
        if seen:
            closed[element] = frozenset(seen)
    return closed


def _element_sources(node: tree_sitter.Node, text: _Text) -> list[str]:
    """The names an iterable hands out elements of: `rows`, `self.rows`, `enumerate(rows)`,
    `zip(a, b)`, `d.items()`; none for computed values (`range(n)`, `f(x)`)."""
    kind = node.type
    if kind == "identifier":
        return [text(node)]
    if kind in ("attribute", "subscript"):
        root = _root(node)
        return [text(root)] if root is not None else []
    if kind == "parenthesized_expression" and node.named_child_count == 1:
        return _element_sources(node.named_children[0], text)
    if kind != "call":
        return []
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None:
        return []
    if function.type == "identifier" and text(function) in _ELEMENT_WRAPPERS and arguments:
        return [
            name
            for argument in arguments.named_children
            if argument.type != "keyword_argument"
            for name in _element_sources(argument, text)
        ]
    method = function.child_by_field_name("attribute") if function.type == "attribute" else None
    if method is not None and text(method) in _ELEMENT_VIEWS:
        obj = function.child_by_field_name("object")
        return _element_sources(obj, text) if obj is not None else []
    return []


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
