"""The effect model: the method table checked against CPython, types from what the code shows,
aliases sharing their writes, and the kind of each data edge."""

from __future__ import annotations

import collections
import copy
import queue
import re
from collections.abc import Callable
from typing import Any

import pytest
from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.effects import ALWAYS_CHANGES, METHOD_EFFECTS

SAMPLES: dict[str, Callable[[], Any]] = {
    "list": lambda: [3, 1, 2],
    "tuple": lambda: (3, 1, 2),
    "str": lambda: "Ab c",
    "bytes": lambda: b"Ab c",
    "bytearray": lambda: bytearray(b"Ab c"),
    "dict": lambda: {"a": 1, "b": 2},
    "set": lambda: {1, 2, 3},
    "frozenset": lambda: frozenset({1, 2, 3}),
    "deque": lambda: collections.deque([3, 1, 2]),
    "Counter": lambda: collections.Counter("aab"),
    "defaultdict": lambda: collections.defaultdict(int, {"a": 1, "b": 2}),
    "OrderedDict": lambda: collections.OrderedDict(a=1, b=2),
    "Queue": lambda: _queue_of(3, 1),
    "Pattern": lambda: re.compile("a+"),
    "int": lambda: 6,
    "bool": lambda: True,
    "float": lambda: 2.5,
}

ARGUMENTS: dict[str, tuple[Any, ...]] = {
    # sequences and strings
    "count": (1,),
    "index": (1,),
    "append": (9,),
    "extend": ([7, 8],),
    "insert": (0, 5),
    "remove": (1,),
    "center": (9,),
    "endswith": ("c",),
    "startswith": ("A",),
    "find": ("b",),
    "rfind": ("b",),
    "rindex": ("b",),
    "join": (["x", "y"],),
    "ljust": (9,),
    "rjust": (9,),
    "partition": (" ",),
    "rpartition": (" ",),
    "removeprefix": ("A",),
    "removesuffix": ("c",),
    "replace": ("b", "z"),
    "split": (),
    "rsplit": (),
    "translate": ({65: 66},),
    "zfill": (9,),
    "format_map": ({},),
    "encode": (),
    "decode": (),
    # dicts, sets, deques, counters, queues, patterns
    "get": ("a",),
    "pop": (),
    "setdefault": ("z", 0),
    "update": ({"z": 5},),
    "move_to_end": ("a",),
    "subtract": ("a",),
    "add": (7,),
    "discard": (1,),
    "difference": ({1},),
    "difference_update": ({1},),
    "intersection": ({1},),
    "intersection_update": ({1},),
    "isdisjoint": ({9},),
    "issubset": ({1, 2, 3, 4},),
    "issuperset": ({1},),
    "symmetric_difference": ({1, 9},),
    "symmetric_difference_update": ({1, 9},),
    "union": ({9},),
    "appendleft": (0,),
    "extendleft": ([0],),
    "rotate": (1,),
    "most_common": (1,),
    "put": (4,),
    "put_nowait": (4,),
    "findall": ("baaa",),
    "finditer": ("baaa",),
    "fullmatch": ("aa",),
    "match": ("aa",),
    "search": ("baa",),
    "sub": ("x", "baa"),
    "subn": ("x", "baa"),
}
"""Arguments for the sample calls (empty for the rest); per type where a method differs."""

PER_TYPE_ARGUMENTS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("dict", "pop"): ("a",),
    ("Counter", "pop"): ("a",),
    ("defaultdict", "pop"): ("a",),
    ("OrderedDict", "pop"): ("a",),
    ("Counter", "update"): ("zz",),
    ("set", "remove"): (1,),
    ("set", "update"): ({7},),
    ("Pattern", "split"): ("baab",),
    ("Counter", "get"): ("a",),
    ("bytes", "count"): (b"b",),
    ("bytes", "index"): (b"b",),
    ("bytearray", "count"): (b"b",),
    ("bytearray", "index"): (b"b",),
    ("bytearray", "append"): (65,),
    ("bytearray", "extend"): (b"xy",),
    ("bytearray", "insert"): (0, 65),
    ("bytearray", "remove"): (65,),
    ("str", "count"): ("b",),
    ("str", "index"): ("b",),
    ("tuple", "count"): (1,),
    **{
        ("bytes", name): tuple(a.encode() if isinstance(a, str) else a for a in args)
        for name, args in ARGUMENTS.items()
        if any(isinstance(a, str) for a in args)
    },
    **{
        ("bytearray", name): tuple(a.encode() if isinstance(a, str) else a for a in args)
        for name, args in ARGUMENTS.items()
        if any(isinstance(a, str) for a in args)
    },
    ("bytes", "join"): ([b"x", b"y"],),
    ("bytearray", "join"): ([b"x", b"y"],),
    ("bytes", "translate"): (None,),
    ("bytearray", "translate"): (None,),
}


def _queue_of(*items: int) -> queue.Queue[int]:
    made: queue.Queue[int] = queue.Queue()
    for item in items:
        made.put(item)
    return made


def _state(value: Any) -> Any:
    """What a change would show: items and order (a queue's inside, a pattern's source)."""
    if isinstance(value, queue.Queue):
        return list(value.queue)
    if isinstance(value, re.Pattern):
        return (value.pattern, value.flags)
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, set | frozenset):
        return sorted(value)
    return copy.copy(list(value)) if isinstance(value, collections.deque) else copy.copy(value)


def _call(kind: str, method: str) -> tuple[Any, Any]:
    receiver = SAMPLES[kind]()
    before = _state(receiver)
    arguments = PER_TYPE_ARGUMENTS.get((kind, method), ARGUMENTS.get(method, ()))
    result = getattr(receiver, method)(*arguments)
    if hasattr(result, "__next__"):
        list(result)
    return before, _state(receiver)


CASES = [
    (kind, method, writes)
    for kind, (reads, write_methods) in METHOD_EFFECTS.items()
    for writes, methods in ((False, reads), (True, write_methods))
    for method in sorted(methods)
]


@pytest.mark.parametrize(("kind", "method", "writes"), CASES, ids=[f"{k}.{m}" for k, m, _ in CASES])
def test_the_table_agrees_with_cpython(kind: str, method: str, writes: bool) -> None:
    before, after = _call(kind, method)
    assert (before != after) is writes, f"{kind}.{method}: {before!r} -> {after!r}"


RECEIVERS: dict[str, Callable[[], list[Any]]] = {
    "list": lambda: [[], [1], [1, 1], [None, 1, "a"]],
    "set": lambda: [set(), {1}, {1, 2}],
    "dict": lambda: [{}, {1: 1}, {1: 1, 2: 2}],
}
"""Empty, one-element, repeated and mixed receivers: where a change is easiest to miss."""

CERTAIN_ARGUMENTS: list[tuple[Any, ...]] = [(), (1,), ([],), (0, 1), (-1, 1), (97,), (0, 97)]


def _returns_and_keeps(receiver: Any, method: str, arguments: tuple[Any, ...]) -> bool:
    """Whether the call returns normally and leaves `repr(receiver)` (what the soundness
    test's tracer compares) as it was."""
    before = repr(receiver)
    try:
        getattr(receiver, method)(*arguments)
    except (IndexError, KeyError, ValueError, TypeError):
        return False
    return repr(receiver) == before


CERTAIN = [(kind, method) for kind, methods in ALWAYS_CHANGES.items() for method in sorted(methods)]


@pytest.mark.parametrize(("kind", "method"), CERTAIN, ids=[f"{k}.{m}" for k, m in CERTAIN])
def test_a_certain_change_changes_every_receiver_it_returns_on(kind: str, method: str) -> None:
    """`ALWAYS_CHANGES` ends the reach of earlier definitions: no call of it may return and
    leave the object as it was, whatever the receiver and the arguments."""
    calls = 0
    for arguments in CERTAIN_ARGUMENTS:
        for receiver in RECEIVERS[kind]():
            assert not _returns_and_keeps(receiver, method, arguments), (kind, method, arguments)
            calls += 1
    assert calls > 10


LEFT_AS_IT_WAS = [
    (lambda: [1, 2], "sort", ()),
    (lambda: [1, 2], "extend", ([],)),
    (lambda: {1}, "add", (1,)),
    (lambda: {1: 1}, "setdefault", (1, 2)),
    (lambda: {1: 1}, "pop", (2, None)),
    (lambda: collections.deque([1], 1), "append", (1,)),
    (lambda: collections.deque([1], 1), "appendleft", (1,)),
    (lambda: [], "clear", ()),
]


@pytest.mark.parametrize(("make", "method", "arguments"), LEFT_AS_IT_WAS)
def test_the_writes_left_out_of_the_certain_table_can_change_nothing(
    make: Callable[[], Any], method: str, arguments: tuple[Any, ...]
) -> None:
    receiver = make()
    assert method not in ALWAYS_CHANGES.get(type(receiver).__name__, ())
    assert _returns_and_keeps(receiver, method, arguments)


def _edges(source: str, name: str = "f") -> set[tuple[str, int, int]]:
    function = analyze_source(source.encode()).functions_named(name)[0]
    return {(e.var, e.def_line, e.use_line) for e in function.data_edges}


QUEUE_LOOP = """import queue


def f(q: "queue.Queue[int]"):
    total = 0
    while not q.empty():
        total += q.get()
    return total, q
"""


def test_a_known_receiver_type_decides_reads_and_writes() -> None:
    edges = _edges(QUEUE_LOOP)
    assert ("q", 6, 7) not in edges  # `empty()` reads the queue: no definition at 6
    assert ("q", 7, 6) in edges  # `get()` removes an item: the loop test reads it again
    assert ("q", 7, 8) in edges
    unannotated = QUEUE_LOOP.replace('q: "queue.Queue[int]"', "q")
    # unknown type: by name, `empty` may write and `get` is taken for a read
    assert ("q", 6, 7) in _edges(unannotated)


ALIASES = """def f(rows, extra):
    cols = rows.cols
    n = len(cols)
    rows.cols.append(extra)
    pop = cols.pop
    while len(cols) > n:
        pop()
    return cols
"""


def test_writes_through_another_name_reach_the_reads_of_each_name() -> None:
    edges = _edges(ALIASES)
    assert ("cols", 4, 6) in edges  # rows.cols.append changes what cols holds
    assert ("cols", 7, 6) in edges  # pop() is cols.pop(): the loop test sees the change
    function = analyze_source(ALIASES.encode()).functions_named("f")[0]
    assert function.data_kind("cols", 4, 6) == "alias"
    assert function.data_kind("cols", 2, 6) == "value"


CHAINED = """class Ring:
    def __init__(self, make):
        self.root = root = make()
        root.prev = root.next = root
        first = last = []
        last.append(1)
        return self, first
"""


def test_a_chained_assignment_binds_one_object_to_every_target() -> None:
    """Found on cachetools' TTLCache: `self.__root = root = Link()` and then a change through
    `root` changed what `self` holds, and the edge was missing."""
    edges = _edges(CHAINED, "__init__")
    assert ("self", 4, 7) in edges  # root.prev = … changes self.root's object
    assert ("first", 6, 7) in edges  # last.append changes the list first holds too


def test_a_store_is_a_mutation_edge_not_a_value_read() -> None:
    source = "def f(keys):\n    d = {}\n    for k in keys:\n        d[k] = len(d)\n    return d\n"
    function = analyze_source(source.encode()).functions_named("f")[0]
    assert function.data_kind("d", 2, 4) == "value"  # `len(d)` reads it as a value
    plain = "def f(keys):\n    d = {}\n    for k in keys:\n        d[k] = 1\n    return d\n"
    function = analyze_source(plain.encode()).functions_named("f")[0]
    assert ("d", 4, 4) in {(e.var, e.def_line, e.use_line) for e in function.data_edges}
    assert function.data_kind("d", 2, 4) == function.data_kind("d", 4, 4) == "mutation"
    assert function.data_kind("d", 4, 5) == "value"


def test_hover_explains_each_edge_kind() -> None:
    from neurodebug.analyzers.document import Document
    from neurodebug.analyzers.hover_facts import hover_facts

    document = Document.open("file:///aliases.py", 1, ALIASES)
    at_test = hover_facts(document, 6, 14)  # `cols` in `while len(cols) > n:`
    assert at_test is not None
    text = "\n".join(at_test.paragraphs)
    assert "line 2: `cols = rows.cols`" in text
    assert "line 4: `rows.cols.append(extra)`, changed through another name" in text
    stored = Document.open(
        "file:///store.py", 1, "def f(keys):\n    d = {}\n    for k in keys:\n        d[k] = 1\n"
    )
    at_store = hover_facts(stored, 4, 8)  # `d` in `d[k] = 1`
    assert at_store is not None
    text = "\n".join(at_store.paragraphs)
    assert "line 2: `d = {}`, its contents before this change" in text
    assert "line 4: `d[k] = 1`, its contents before this change" in text
    called = Document.open(
        "file:///call.py",
        1,
        "def fill(t):\n    t.append(1)\n\ndef f(xs):\n    fill(xs)\n    return xs\n",
    )
    after_call = hover_facts(called, 6, 11)  # `xs` in `return xs`
    assert after_call is not None
    text = "\n".join(after_call.paragraphs)
    assert "line 5: `fill(xs)`, changed by the call there" in text
