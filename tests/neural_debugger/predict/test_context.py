"""The one long-source fallback (`context`): which views the model reads, and lines mapped back."""

from __future__ import annotations

from collections.abc import Sequence

from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.predict.context import predict_trace_in_context, source_views
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
