"""Settled return values: what the source alone says a function can return, checked against
CPython by running each function."""

from __future__ import annotations

import ast
import itertools

from neurodebug.neural_debugger.groundtruth.recorder import safe_repr
from neurodebug.neural_debugger.predict.return_values import return_values

PROGRAM = """
def procedure(items, x):
    items.append(x)
    def inner(y):
        return y * 2
    inner(x)

def is_text(value, strict):
    if strict:
        return isinstance(value, str)
    return value is not None and not callable(value)

def maybe_bool(value, strict):
    if strict:
        return value in ("a", "b")

def status(value, strict):
    if value is None:
        return "missing"
    if strict:
        return -1
    return ("ok", 0) if value else None

def bigger(value, strict):
    return value < 3 or not strict

def either(value, strict):
    return value == 1 or strict

def anything(value, strict):
    return value

def counts(value, strict):
    yield value

def ends_in_try(value, strict):
    try:
        return bool(value)
    except TypeError:
        return False
"""
ARGUMENTS = ([None, 0, 1, "a", "zz", len], [True, False])


def test_settled_sets_are_what_the_source_says() -> None:
    table = return_values(ast.parse(PROGRAM))
    assert table["procedure"] == {"None"}
    assert table["is_text"] == {"True", "False"}  # every path returns
    assert table["maybe_bool"] == {"True", "False", "None"}  # may fall off the end
    assert table["status"] == {"'missing'", "-1", "('ok', 0)", "None"}
    assert table["bigger"] == {"True", "False"}
    assert table["ends_in_try"] == {"True", "False"}
    assert "inner" not in table  # `y * 2` is unknown, and does not unsettle `procedure`
    assert "anything" not in table  # an unknown value
    assert "either" not in table  # `or` may return `strict`, whatever it is
    assert "counts" not in table  # a generator's return events carry yielded values


def test_every_settled_set_holds_what_cpython_returns() -> None:
    namespace: dict[str, object] = {}
    exec(compile(PROGRAM, "<program>", "exec"), namespace)  # our own test program
    table = return_values(ast.parse(PROGRAM))
    checked = 0
    for name, values in table.items():
        if name == "inner":
            continue
        function = namespace[name]
        assert callable(function)
        for value, strict in itertools.product(*ARGUMENTS):
            try:
                result = function([], value) if name == "procedure" else function(value, strict)
            except TypeError:
                continue  # no value at all: the tracer records none
            assert safe_repr(result) in values, (name, value, strict, result)
            checked += 1
    assert checked >= 50


def test_rebound_predicates_and_array_libraries_are_not_trusted() -> None:
    rebound = "def isinstance(a, b):\n    return a\n\ndef f(x):\n    return isinstance(x, int)\n"
    assert "f" not in return_values(ast.parse(rebound))
    arrays = "import numpy as np\n\ndef eq(a, b):\n    return a == b\n\ndef same(a, b):\n"
    arrays += "    return a is b\n"
    table = return_values(ast.parse(arrays))
    assert "eq" not in table  # numpy's `a == b` is an array
    assert table["same"] == {"True", "False"}  # `is` is a boolean whatever the objects


def test_functions_sharing_a_name_join_their_sets_or_stay_unsettled() -> None:
    two_classes = (
        "class A:\n    def ok(self):\n        return True\n\n"
        "class B:\n    def ok(self):\n        return 0\n\n"
        "class C:\n    def get(self):\n        return None\n\n"
        "class D:\n    def get(self):\n        return self\n"
    )
    table = return_values(ast.parse(two_classes))
    assert table["ok"] == {"True", "0"}
    assert "get" not in table
