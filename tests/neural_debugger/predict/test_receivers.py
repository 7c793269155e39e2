"""A method's entry names its receiver (`Stack().push(1)`): the call stop shows the object the
call built as `self` (or the class as `cls`), equal to what the tracer records, and a prediction
of the whole call starts in the class's own `__init__` as a debugger does."""

from __future__ import annotations

from pathlib import Path

import pytest
from neurodebug.neural_debugger.groundtruth.tracer import module_of_file, trace_entry, trace_source
from neurodebug.neural_debugger.predict.constraints import call_state, entry_states
from neurodebug.neural_debugger.predict.source_facts import PredictionError, source_facts

from tests.neural_debugger.neural_fixtures import tiny_checkpoint

CLASSES = """\
import dataclasses
from typing import NamedTuple


class Queue:
    def __init__(self, size, name="q"):
        self.size = size
        self.items = []

    def put(self, item, front=False):
        self.items.insert(0 if front else len(self.items), item)
        return len(self.items)

    @classmethod
    def of(cls, size):
        return cls(size)

    @staticmethod
    def fits(count, size):
        return count <= size


class Bounded(Queue):
    def full(self):
        return len(self.items) >= self.size


@dataclasses.dataclass
class Span:
    start: int
    stop: int = 10
    label: str = ""

    def width(self, scale=1):
        return (self.stop - self.start) * scale


class Move(NamedTuple):
    piece: str
    to: tuple

    def rank(self):
        return self.to[1]


class Blank:
    def hello(self, name):
        return "hi " + name
"""


@pytest.mark.parametrize(
    ("function", "call"),
    [
        ("put", "Queue(3).put('a')"),
        ("put", "Queue(3, name='z').put('a', front=True)"),
        ("full", "Bounded(2).full()"),  # `__init__` comes from the base class
        ("width", "Span(2).width(scale=3)"),  # a dataclass's generated repr
        ("width", "Span(1, 4, 'xy').width()"),
        ("rank", "Move('rook', (0, 7)).rank()"),
        ("hello", "Blank().hello('you')"),  # no `__init__`
        ("of", "Queue.of(5)"),  # a classmethod: `cls` is the class
        ("fits", "Queue.fits(2, 3)"),  # a staticmethod binds as a function
    ],
)
def test_the_methods_call_stop_is_the_one_python_makes(function: str, call: str) -> None:
    real = next(
        step
        for step in trace_source(CLASSES, call).steps
        if step.event == "call" and step.function == function
    )
    bound = call_state(source_facts(CLASSES), function, call).step.locals
    assert list(bound.items()) == list(real.locals.items())


@pytest.mark.parametrize(
    ("call", "function"),
    [("Queue(3).put('a')", "put"), ("Bounded(2).full()", "full")],
)
def test_the_constructors_init_is_the_first_stop(call: str, function: str) -> None:
    real = trace_source(CLASSES, call).steps[0]
    assert (real.event, real.function) == ("call", "__init__")
    built = entry_states(source_facts(CLASSES), function, call)[0]
    assert built is not None
    assert (built.step.line, built.step.function) == (real.line, real.function)
    assert list(built.step.locals.items()) == list(real.locals.items())


def test_no_init_runs_for_records_plain_classes_and_the_unbound_form() -> None:
    facts = source_facts(CLASSES)
    assert entry_states(facts, "width", "Span(2).width()")[0] is None
    assert entry_states(facts, "hello", "Blank().hello('x')")[0] is None
    assert entry_states(facts, "put", "Queue.put(1, 'a')")[0] is None
    unbound = call_state(facts, "hello", "Blank.hello(1, 'x')").step.locals
    assert unbound == {"self": "1", "name": "'x'"}  # as written: the first argument is `self`


@pytest.mark.parametrize(
    "call",
    [
        "queue.put('a')",  # an object the call does not build: its repr is unknown
        "deque().put('a')",  # a class this module does not define
        "Queue(size).put('a')",  # a constructor argument that is no literal
    ],
)
def test_a_receiver_whose_repr_cannot_be_known_is_refused_with_a_reason(call: str) -> None:
    with pytest.raises(PredictionError, match="put"):
        call_state(source_facts(CLASSES), "put", call)


def test_a_prediction_of_the_whole_call_steps_through_init_first() -> None:
    """With any model (an untrained one here), the stops begin in `__init__` and the method's
    call stop shows the built object and the arguments."""
    from neurodebug.neural_debugger.predict.inference import load_predictor

    source = CLASSES[CLASSES.index("class Queue:") : CLASSES.index("    @classmethod")]
    predictor = load_predictor(tiny_checkpoint())  # its window holds the one class
    trace = predictor.predict_trace(source, "put", "Queue(3).put('a')", max_steps=40)
    assert trace.steps[0].function == "__init__" and trace.steps[0].event == "call"
    calls = [s for s in trace.steps if s.event == "call" and s.function == "put"]
    if calls:  # the untrained model may run out of stops inside `__init__`
        assert calls[0].locals == {
            "self": "<__neurodebug_main__.Queue object>",
            "item": "'a'",
            "front": "False",
        }


def test_in_a_package_the_object_names_the_packages_module(tmp_path: Path) -> None:
    """A file of a package runs as `<package>.__neurodebug_main__` (under the tracer and
    debugpy alike), and its objects' reprs say so: the predicted call stop does too."""
    package = tmp_path / "store"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "queues.py"
    module.write_text(CLASSES)
    real = next(
        s
        for s in trace_entry(module, "put", "Queue(3).put('a')").steps
        if s.event == "call" and s.function == "put"
    )
    name = module_of_file(module)
    assert name == "store.__neurodebug_main__"
    bound = call_state(source_facts(CLASSES), "put", "Queue(3).put('a')", name).step.locals
    assert bound == real.locals
    assert module_of_file(tmp_path / "missing.py") == "__neurodebug_main__"


SLICES = """\
import dataclasses
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Slice(Generic[T]):
    text: T
    start: int
    end: int = -1

    def __post_init__(self):
        if self.end < 0:
            object.__setattr__(self, "end", self.end + len(self.text) + 1)

    def width(self):
        return self.end - self.start
"""


def test_a_dataclass_post_init_runs_first_and_the_repr_is_its_generated_one() -> None:
    """A dataclass with a `Generic` base and a `__post_init__` (lark's `TextSlice` shape): the
    generated `__init__` is not traced, its `__post_init__` is, with the fields as given; the
    method's call stop shows them as `__post_init__` left them."""
    steps = trace_source(SLICES, "Slice('hello', 1).width()").steps
    facts = source_facts(SLICES)
    built = entry_states(facts, "width", "Slice('hello', 1).width()")[0]
    assert built is not None
    assert (built.step.function, built.step.line, built.step.locals) == (
        steps[0].function,
        steps[0].line,
        steps[0].locals,
    )
    assert built.step.locals == {"self": "Slice(text='hello', start=1, end=-1)"}
    method = next(s for s in steps if s.event == "call" and s.function == "width")
    assert method.locals == {"self": "Slice(text='hello', start=1, end=5)"}


REFUSED = """\
import dataclasses


class Base:
    def run(self, n):
        return n


class Child(Base):
    def run(self, n):
        return n + 1


class Other:
    pass


@dataclasses.dataclass
class Bag:
    items: list = dataclasses.field(default_factory=list)

    def size(self):
        return len(self.items)


@dataclasses.dataclass(kw_only=True)
class Named:
    x: int

    def get(self):
        return self.x


class Outer:
    class Inner:
        def go(self, n):
            return n
"""


@pytest.mark.parametrize(
    ("function", "call", "reason"),
    [
        ("run", "Other().run(1)", "has no"),  # a class without that method
        ("run", "Child().run(1)", "overrides"),  # runs Child.run, not the def asked for
        ("size", "Bag().size()", "not known"),  # a field made by a call: no repr to write
        ("get", "Named(1).get()", "not known"),  # keyword-only fields given by position
        ("go", "Outer.Inner().go(1)", "inside classes"),
        ("run", "Base(n).run(1)", "literals"),
    ],
)
def test_a_receiver_that_is_not_what_the_run_builds_is_refused(
    function: str, call: str, reason: str
) -> None:
    with pytest.raises(PredictionError, match=reason):
        call_state(source_facts(REFUSED), function, call)
