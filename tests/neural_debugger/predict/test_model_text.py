"""The predictor reads sources without docstrings and comments; line numbers are the file's."""

from __future__ import annotations

import pytest
from neurodebug.neural_debugger.predict.inference import SourceTooLongError, load_predictor

from tests.neural_debugger.neural_fixtures import tiny_checkpoint

LONG_DOC = "\n".join(f"    Paragraph {n}: what the function is for, at length." for n in range(60))
SOURCE = f'''def bump(x):
    """Add one.

{LONG_DOC}
    """
    # a comment the model does not need

    y = x + 1  # and a trailing one
    return y
'''


def test_a_long_docstring_no_longer_makes_a_function_too_long() -> None:
    predictor = load_predictor(tiny_checkpoint())
    predictor.view = False
    with pytest.raises(SourceTooLongError):
        predictor.predict_trace(SOURCE, "bump", "bump(2)")
    predictor.view = True
    trace = predictor.predict_trace(SOURCE, "bump", "bump(2)")
    y_line = SOURCE.splitlines().index("    y = x + 1  # and a trailing one") + 1
    # folding decides each stop exactly, at the file's own lines
    assert [(s.event, s.line) for s in trace.steps] == [
        ("call", 1), ("line", y_line), ("line", y_line + 1), ("return", y_line + 1),
    ]  # fmt: skip
    assert trace.result == "3"
