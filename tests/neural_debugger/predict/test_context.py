"""The one long-source fallback (`context`): which views the model reads, and lines mapped back."""

from __future__ import annotations

from collections.abc import Sequence

from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.predict.context import (
    predict_trace_in_context,
    reduced_method_source,
    source_views,
)
from neurodebug.neural_debugger.predict.inference import SourceTooLongError

SOURCE = (
    "import math\n"  # 1
    "\n"  # 2
    "def unrelated():\n"  # 3
    "    return 0\n"  # 4
    "\n"  # 5
    "def f(x):\n"  # 6
    "    y = x + 1\n"  # 7
    "    return y\n"  # 8
)


class TooLongUnless:
    """A predictor double: refuses texts longer than `limit` characters, else one stop per line
    of `function`'s body, as the text it read numbers them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.read: list[str] = []

    def predict_trace(
        self,
        source: str,
        function: str,
        call: str,
        action: str = "step_into",
        breakpoints: Sequence[int] = (),
        max_steps: int = 50,
        *,
        module: str = "__neurodebug_main__",
    ) -> Trace:
        self.read.append(source)
        if len(source) > self.limit:
            raise SourceTooLongError("the source is too long for the model")
        first = next(
            i for i, t in enumerate(source.splitlines(), 1) if t.lstrip().startswith("def f")
        )
        return Trace(
            steps=[Step(first + 1, "line", function, 0), Step(first + 2, "line", function, 0)]
        )


def test_views_are_module_then_reduced_then_the_function_alone() -> None:
    whole, reduced, alone = source_views(SOURCE, "f", (6, 8))
    assert whole.text == SOURCE and whole.line_map is None
    assert "unrelated" not in reduced.text and "import math" in reduced.text
    assert alone.text == "def f(x):\n    y = x + 1\n    return y\n" and alone.line_map == (6, 7, 8)


def test_a_module_mid_edit_is_read_as_the_function_alone() -> None:
    broken = SOURCE.replace("return 0", "return (")
    (view,) = source_views(broken, "f", (6, 8))
    assert view.text.startswith("def f(x):") and view.view_line(7) == 2
    assert source_views(broken, "f")[0].text == broken  # no lines: the model says why


def test_too_long_falls_back_and_stops_come_back_in_file_lines() -> None:
    predictor = TooLongUnless(limit=len(SOURCE) - 1)
    trace = predict_trace_in_context(predictor, SOURCE, "f", "f(1)")
    assert [step.line for step in trace.steps] == [7, 8]
    assert len(predictor.read) == 2 and "unrelated" not in predictor.read[1]
    shortest = TooLongUnless(limit=40)
    trace = predict_trace_in_context(shortest, SOURCE, "f", "f(1)", lines=(6, 8))
    assert [step.line for step in trace.steps] == [7, 8] and len(shortest.read) == 3


METHODS = """\
import math
from collections import deque

LIMIT = 3


def clip(value):
    return min(value, LIMIT)


def unrelated():
    return deque()


class Base:
    def __init__(self, size):
        self.size = clip(size)


class Meter(Base):
    \"\"\"A meter.\"\"\"

    unit = "m"
    scale = 2

    def reset(self):
        self.size = 0

    def reading(self, extra):
        total = self.size * self.scale + extra
        return f"{self.describe(total)}{self.unit}"

    def describe(self, total):
        return str(math.floor(total))
"""


def test_a_method_is_read_with_its_class_init_and_what_it_calls_on_self() -> None:
    """For `Meter(5).reading(1)`: the class header, the class attributes the method reads, the
    base's `__init__` (the constructor runs it), the methods it calls on `self`, and the
    top-level names those use; not `reset`, `unrelated` or the docstring. Every line maps back
    to the file's own, and the cut-out text parses and runs as the whole module does."""
    views = source_views(METHODS, "reading", (28, 30))
    method = views[1]
    assert method.line_map is not None
    kept = [METHODS.splitlines()[n - 1] if n else "" for n in method.line_map]
    assert kept == method.text.splitlines()
    text = method.text
    assert "def reading" in text and "def describe" in text and "def __init__" in text
    assert "unit = " in text and "scale = " in text and "LIMIT = 3" in text and "def clip" in text
    assert "def reset" not in text and "def unrelated" not in text and "A meter" not in text
    whole: dict[str, object] = {}
    cut: dict[str, object] = {}
    exec(compile(METHODS, "<whole>", "exec"), whole)  # the test's own module
    exec(compile(text, "<cut>", "exec"), cut)
    assert eval("Meter(5).reading(1)", cut) == eval("Meter(5).reading(1)", whole) == "7m"


def test_an_ambiguous_or_missing_method_gets_no_method_view() -> None:
    twice = METHODS + "\n\nclass Other:\n    def reading(self):\n        return 0\n"
    assert len(source_views(twice, "reading")) == 1  # the whole module only
    views = source_views(twice, "reading", (28, 30))  # the lines pick Meter's
    assert len(views) == 3  # not the whole module: its first `reading` is Meter's, not Other's
    assert all("class Other" not in view.text for view in views)
    assert len(source_views(METHODS, "nothing")) == 1


def test_a_long_class_falls_back_to_a_lean_view_then_the_methods_own_lines() -> None:
    """Without the methods it calls on `self` and the class attributes it reads; last, the
    method's own lines, found without being given (the CLI's and verify's case)."""
    views = source_views(METHODS, "reading")
    assert len(views) == 4
    lean = views[2].text
    assert "def reading" in lean and "def __init__" in lean and "class Meter(Base):" in lean
    assert "def describe" not in lean and "unit = " not in lean
    assert views[3].line_map == tuple(range(29, 32))  # `def reading` to its `return`


def test_a_qualified_method_name_picks_its_class() -> None:
    """`Meter.reading` when two classes define `reading`: the prediction reads Meter's."""
    from neurodebug.neural_debugger.predict.context import qualified_lines

    twice = METHODS + "\n\nclass Other:\n    def reading(self):\n        return 0\n"
    assert qualified_lines(twice, "Meter.reading") == (29, 31)
    assert qualified_lines(twice, "Other.reading") == (38, 39)
    assert qualified_lines(twice, "Meter.missing") is None
    asked: list[str] = []

    class FirstStop:
        """Reads only texts without `class Other` (so the whole module is too long) and
        answers the `call` stop on the asked function's `def` line, as the text numbers it."""

        def predict_trace(
            self,
            source,
            function,
            call,
            action="step_into",
            breakpoints=(),
            max_steps=50,
            *,
            module="__neurodebug_main__",
        ):  # type: ignore[no-untyped-def]
            asked.append(function)
            if "class Other" in source:
                raise SourceTooLongError("the source is too long for the model")
            line = next(i for i, t in enumerate(source.splitlines(), 1) if f"def {function}(" in t)
            return Trace(steps=[Step(line, "call", function, 0, {})])

    trace = predict_trace_in_context(FirstStop(), twice, "Meter.reading", "Meter(1).reading(2)")
    assert asked[-1] == "reading"  # asked with the def's own name
    assert [step.line for step in trace.steps] == [29]  # Meter's, in the file's numbering


def test_a_class_header_stops_before_its_first_items_decorators() -> None:
    source = (
        "class Stack:\n"  # 1
        "    @property\n"  # 2
        "    def size(self):\n"  # 3
        "        return 0\n"  # 4
        "\n"  # 5
        "    def push(self, x):\n"  # 6
        "        return x\n"  # 7
    )
    found = reduced_method_source(source, "push")
    assert found is not None
    text, line_map = found
    assert text == "class Stack:\n    def push(self, x):\n        return x\n"
    assert line_map == [1, 6, 7]
