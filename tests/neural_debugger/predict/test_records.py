"""Attribute reads on objects whose repr shows their attributes: exact where folding decides,
refused wherever the repr may not be the attributes."""

from __future__ import annotations

import argparse
import ast
import collections
import dataclasses
import datetime
import random
import types
import typing
import urllib.parse

import pytest
from neurodebug.neural_debugger.groundtruth.recorder import safe_repr
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.model.dataset import sample_transitions
from neurodebug.neural_debugger.model.encoding import State
from neurodebug.neural_debugger.predict import folding
from neurodebug.neural_debugger.predict.constraints import folded_stop
from neurodebug.neural_debugger.predict.folding import Folder, NotFoldable
from neurodebug.neural_debugger.predict.records import record_classes
from neurodebug.neural_debugger.predict.source_facts import source_facts

from tests.neural_debugger.predict.test_folding import traced


@dataclasses.dataclass
class Span:
    start: int
    stop: int
    label: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)


class Move(typing.NamedTuple):
    piece: str
    to: tuple[int, int]
    capture: bool


Version = collections.namedtuple("Version", "major minor note")


@dataclasses.dataclass
class Outer:
    inner: Span
    weight: float


OURS = frozenset(("Span", "Move", "Version", "Outer"))
"""The test's own record classes, as if the source the folder reads defined them."""


def _fold(
    text: str, env: dict[str, str], records: frozenset[str] = OURS, classes: frozenset[str] = OURS
) -> object:
    folder = Folder(env, records=records, classes=classes)
    return folder.fold(ast.parse(text, mode="eval").body)


# (object, attributes its repr shows whole, attributes folding must refuse)
CASES: list[tuple[object, list[str], list[str]]] = [
    (Span(3, 9, "head", ["a", "b"]), ["start", "stop", "label", "tags"], []),
    (Span(0, 1, "x" * 70), ["start", "stop"], ["label", "tags"]),  # cut by the repr limit
    (Move("knight", (2, 3), False), ["piece", "to", "capture"], ["count", "index"]),
    (Version(3, 11, None), ["major", "minor", "note"], []),
    (Outer(Span(1, 2), 0.5), ["weight"], []),
    (types.SimpleNamespace(depth=2, name="leaf", children=[]), ["depth", "name", "children"], []),
    (argparse.Namespace(verbose=True, paths=["a.py"]), ["verbose", "paths"], []),
    (datetime.timedelta(days=2, seconds=5), ["days", "seconds"], ["microseconds"]),
    (
        urllib.parse.urlparse("https://x.invalid/a?q=1#t"),
        ["scheme", "netloc", "path", "params"],
        ["query", "fragment"],  # `query='...` is where the tracer cut the repr
    ),
]


@pytest.mark.parametrize(("value", "read", "refused"), CASES, ids=lambda v: type(v).__name__)
def test_attributes_a_repr_shows_whole_fold_to_the_real_values(
    value: object, read: list[str], refused: list[str]
) -> None:
    text = safe_repr(value)  # what a debugger stop shows for the local
    for name in read:
        real = getattr(value, name)
        folded = _fold(f"obj.{name}", {"obj": text})
        assert folded == real and type(folded) is type(real), (text, name)
    for name in refused:
        with pytest.raises(NotFoldable):
            _fold(f"obj.{name}", {"obj": text})


def test_a_record_inside_a_record_and_expressions_over_fields() -> None:
    outer = safe_repr(Outer(Span(1, 2, "in"), 0.5))
    assert _fold("o.inner.stop - o.inner.start", {"o": outer}) == 1
    assert _fold("o.inner.label.upper() + '!'", {"o": outer}) == "IN!"
    move = safe_repr(Move("rook", (0, 7), True))
    assert _fold("m.to[1] * 2 if m.capture else 0", {"m": move}) == 14
    assert _fold("m is None", {"m": move}) is False


@pytest.mark.parametrize(
    "expression",
    [
        "bool(m)",  # a dataclass and a named tuple answer differently
        "not m",
        "len(m)",
        "m == m",
        "m[0]",
        "isinstance(m, tuple)",
        "str(m)",
        "f'{m}'",
        "'rook' in m",
        "[x for x in m]",
        "m.piece.missing",
    ],
)
def test_anything_beyond_the_shown_fields_is_left_to_the_model(expression: str) -> None:
    with pytest.raises(NotFoldable):
        _fold(expression, {"m": safe_repr(Move("rook", (0, 7), True))})


@pytest.mark.parametrize(
    "text",
    [
        "Cache({}, maxsize=1, currsize=0)",  # a positional part: a hand-written repr
        "call(x=1)",  # unittest.mock.call: attributes are new calls
        "P(s={3, 1})",  # a set's repr order is not its order
        "P(a=<object>)",
        "P(a=1, a=2)",
        "P(a=1) + 1",
        "P(a='unterminated...",
    ],
)
def test_reprs_that_are_not_read_as_records(text: str) -> None:
    with pytest.raises(NotFoldable):
        _fold("obj.a if hasattr(obj, 'a') else obj.s", {"obj": text})
    with pytest.raises(NotFoldable):
        _fold("obj.x", {"obj": text})


OWN_REPR = """\
import dataclasses


class Base:
    def __repr__(self):
        return f"{type(self).__name__}(size={self.size * 2})"


class Box(Base):
    def __init__(self, size):
        self.size = size


@dataclasses.dataclass
class Plain:
    size: int


@dataclasses.dataclass
class Shown(Base):  # a dataclass that inherits a hand-written repr
    size: int


@dataclasses.dataclass
class Holder:
    inner: object


Pair = collections.namedtuple("Pair", "left right")
"""


def test_only_classes_whose_repr_is_generated_are_read() -> None:
    """Of the source's classes, dataclasses and named tuples without a hand-written repr
    (their own or a base's); of others, the standard library's kinds only: urllib3's
    `Timeout(connect=2, read=3, total=None)` has no attribute `connect`."""
    tree = ast.parse(OWN_REPR)
    records = record_classes(tree)
    classes = frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    assert records == {"Plain", "Holder", "Pair"}
    assert _fold("p.size", {"p": "Plain(size=3)"}, records, classes) == 3
    assert _fold("p.right", {"p": "Pair(left=1, right=2)"}, records, classes) == 2
    for text, expression in [
        ("Box(size=6)", "o.size"),
        ("Shown(size=6)", "o.size"),
        ("Holder(inner=Box(size=6))", "o.inner.size"),  # a nested record is judged alike
        ("Timeout(connect=2, read=3, total=None)", "o.connect"),  # not the source's, not stdlib
        ("namespace(__class__=1)", "o.__class__"),  # a dunder is no plain attribute
    ]:
        with pytest.raises(NotFoldable):
            _fold(expression, {"o": text}, records, classes)
    stdlib = "datetime.timedelta(days=1, seconds=2)"
    assert _fold("o.days + o.seconds", {"o": stdlib}, records, classes) == 3


def test_a_record_never_leaves_the_folder_as_a_value() -> None:
    """`if p:`, `t += (p,)`, `x = [p]`: the object itself is never a folded value (its truth
    and repr are not known), so such steps go to the model instead of failing."""
    source = (
        "import dataclasses\n\n\n@dataclasses.dataclass\nclass P:\n    x: int\n\n\n"
        "def f(p, t):\n    if p:\n        t += (p,)\n    items = [p]\n    return p.x\n"
    )
    facts = source_facts(source)
    state = {"p": "P(x=3)", "t": "()"}
    for line in (10, 11, 12):
        step = Step(line, "line", "f", 0, dict(state))
        assert folded_stop(facts, State(step=step), "step_over") is None
    last = Step(13, "line", "f", 0, {**state, "items": "[P(x=3)]"})
    folded = folded_stop(facts, State(step=last), "step_over")
    assert folded is not None and folded.value == "3"


DATA = """\
import dataclasses
from typing import NamedTuple


class Marker(NamedTuple):
    spaces: str
    marker: str

    def width(self):
        return len(self.spaces) + len(self.marker)

    def ordered(self):
        if len(self.marker) > 1:
            return self.marker[:-1]
        return None


@dataclasses.dataclass
class Range:
    low: int
    high: int

    def clamp(self, value):
        top = self.high - 1
        if value < self.low:
            value = self.low
        elif value > top:
            value = top
        return value
"""
DATA_CALLS = (
    "Marker('  ', '-').width()",
    "Marker('', '12.').ordered()",
    "Marker(' ', '*').ordered()",
    "Range(2, 9).clamp(15)",
    "Range(2, 9).clamp(-4)",
    "Range(0, 3).clamp(1)",
)


def test_folded_steps_over_fields_equal_the_traced_ones() -> None:
    """Traced methods of a named tuple and a dataclass: every stop folding decides is the real
    one, and fields decide stops that folding could not decide before."""
    facts = source_facts(DATA)
    decided = {True: 0, False: 0}
    original = folding.record
    try:
        for program in traced(DATA, DATA_CALLS):
            for transition in sample_transitions(program, random.Random(0), 200):
                for with_records in (False, True):
                    folding.record = original if with_records else (lambda *_, **__: None)
                    folded = folded_stop(facts, transition.state, transition.action)
                    if folded is None:
                        continue
                    real = transition.stop
                    assert (folded.event, folded.line, folded.changed) == (
                        real.event,
                        real.line,
                        real.changed,
                    ), transition
                    if real.event == "return":
                        assert folded.value == real.value
                    decided[with_records] += 1
    finally:
        folding.record = original
    assert decided[True] >= decided[False] + 8, decided
