"""A call's `call` stop, bound from the call expression as Python binds it: equal, name for name
and in order, to the stop the tracer records for the same call."""

from __future__ import annotations

import pytest
from neurodebug.neural_debugger.groundtruth.tracer import trace_source
from neurodebug.neural_debugger.predict.constraints import call_state
from neurodebug.neural_debugger.predict.source_facts import PredictionError, source_facts

SIGNATURES = (
    "def scale(x, factor=3, *, label='n', unit=None):\n    return x\n"
    "\n"
    "def gather(first, /, second=(1, 2), *rest, flag=False, **options):\n    return first\n"
    "\n"
    "def typed(text, kind=int, size=len):\n    return text\n"
    "\n"
    "def required(a, b, *, c):\n    return a\n"
)


@pytest.mark.parametrize(
    ("function", "call"),
    [
        ("scale", "scale(2)"),
        ("scale", "scale(2, 5, unit='m')"),
        ("scale", "scale(label='k', x=1)"),
        ("gather", "gather(1)"),
        ("gather", "gather(1, 2, 3, 4, flag=True, depth=2, name='x')"),
        ("gather", "gather([], second={'a': 1})"),
        ("typed", "typed('t')"),  # builtins as defaults: `<class 'int'>`, `<built-in …>`
        ("typed", "typed('t', str, size=max)"),  # and as arguments
        ("required", "required(1, 2, c=3)"),
    ],
)
def test_the_call_stop_is_the_one_python_makes(function: str, call: str) -> None:
    real = trace_source(SIGNATURES, call).steps[0]
    assert real.event == "call"
    bound = call_state(source_facts(SIGNATURES), function, call).step.locals
    assert list(bound.items()) == list(real.locals.items())


@pytest.mark.parametrize(
    ("function", "call"),
    [
        ("scale", "scale(1, 2, 3)"),  # too many positional arguments
        ("scale", "scale(1, x=2)"),  # two values for x
        ("scale", "scale(1, colour='red')"),  # no such parameter, no **kwargs
        ("gather", "gather(1, **{'a': 2})"),
        ("scale", "scale(total)"),  # neither a literal nor a builtin
    ],
)
def test_a_call_that_does_not_fit_is_refused_with_a_reason(function: str, call: str) -> None:
    with pytest.raises(PredictionError):
        call_state(source_facts(SIGNATURES), function, call)


def test_a_default_the_source_rebinds_or_computes_is_left_to_the_model() -> None:
    source = "LIMIT = 3\n\ndef int(x):\n    return x\n\ndef f(a, b=int, c=LIMIT):\n    return a\n"
    assert call_state(source_facts(source), "f", "f(1)").step.locals == {"a": "1"}
