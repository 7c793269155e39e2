"""`neurodebug verify`: the comparison logic, and the command end to end with real debugpy."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from neurodebug.neural_debugger.groundtruth.actions import DebuggerStop
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.groundtruth.verify import (
    EntryError,
    check_entry,
    compare,
    prediction_agreement,
    values_agree,
    verify_entry,
)

from tests.conftest import run_neurodebug

DATA = Path(__file__).parent / "data" / "debugpy"


def test_values_agree_on_cut_values_and_pydevd_spellings() -> None:
    assert values_agree("[1, 2]", "[1, 2]")
    assert not values_agree("[1, 2]", "[1, 3]")
    assert values_agree("[0, 1, 2, 3, ...]", "[0, 1, 2, 3, 4, 5]")
    assert values_agree("'abcdef'", "'abc...")
    assert values_agree("set()", "{}")


def test_values_agree_where_pydevd_elides_nesting_or_both_fall_back_to_the_class() -> None:
    """boltons' OrderedMultiDict: pydevd shows `([(...), (...), (...)],)` for the tracer's
    `([('a', 1), ('b', 2), ('a', 3)],)`, and `<OrderedMultiDict, len() = 0>` where the object's
    repr raises and the tracer shows `<pkg.__neurodebug_main__.OrderedMultiDict object>`."""
    full = "([('a', 1), ('b', 2), ('a', 3)],)"
    assert values_agree(full, "([(...), (...), (...)],)")
    assert values_agree("{'k': [1, ')', 2]}", "{'k': [...]}")  # a bracket inside quotes
    assert not values_agree(full, "([(...), (...)],)")  # one item fewer
    assert not values_agree(full, "([[...], (...), (...)],)")  # another kind of container
    assert not values_agree("([('a', 1)],)", "([('a', 2)],)")
    cut = "[[[[...], [...], None], [[...], [...], None], 'a', 1], [[[...], [...], 'a', 1..."
    assert values_agree(cut, "[[[...], [...], 'a', 1], [[...], [...], None], 'b', 2]")
    assert not values_agree(cut, "[[[...], [...], 'x', 1], [[...], [...], None], 'b', 2]")
    shown = "<boltons.__neurodebug_main__.OrderedMultiDict object>"
    assert values_agree(shown, "<OrderedMultiDict, len() = 0>")
    assert not values_agree(shown, "<OtherDict, len() = 0>")


def test_compare_reports_each_kind_of_difference() -> None:
    expected = [
        DebuggerStop(1, 2, "f", 0, {"x": "1"}),
        DebuggerStop(2, 3, "f", 0, {"x": "1", "y": "2"}),
    ]
    actual = [Step(2, "line", "f", 0, {"x": "1"}), Step(4, "line", "g", 1, {"x": "1", "y": "3"})]
    tracer, debugger = Trace(steps=[], result="5"), Trace(steps=actual, result="6")
    found = {(d.stop, d.field) for d in compare(expected, actual, tracer, debugger, returns=set())}
    assert found == {(1, "line"), (1, "function"), (1, "depth"), (1, "locals.y"), (-1, "result")}
    same = compare(
        expected[:1], actual[:1], Trace(steps=[], result="5"), Trace(steps=[], result="5"), set()
    )
    assert same == []
    # back in a caller after a return only the names are compared (the callee may mutate values)
    mutated = [Step(2, "line", "f", 0, {"x": "[1, 2]"})]
    assert compare(expected[:1], mutated, tracer, Trace(steps=[], result="5"), returns={1}) == []


@pytest.mark.e2e
def test_verify_json_has_the_predict_shape_and_agrees() -> None:
    completed = run_neurodebug(
        "verify",
        f"{DATA / 'recursion.py'}::f",
        "--call",
        "f(3)",
        "--format",
        "json",
        "--no-predict",
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    data = json.loads(completed.stdout)
    assert data["agree"] is True and data["disagreements"] == []
    assert data["result"] == "7" and data["exception"] is None
    first = data["stops"][0]
    assert set(first) == {"event", "line", "function", "depth", "locals"}
    assert (first["line"], first["function"], first["depth"], first["locals"]) == (
        9,
        "f",
        0,
        {"n": "3"},
    )
    assert [
        s["locals"].get("n") for s in data["stops"] if s["function"] == "fact" and s["line"] == 2
    ] == [
        "3",
        "2",
        "1",
    ]
    assert len(data["tracer"]["stops"]) == len(data["stops"])


@pytest.mark.e2e
def test_verify_text_with_breakpoints() -> None:
    completed = run_neurodebug(
        "verify", f"{DATA / 'loops.py'}::f", "--call", "f(3, [1])", "--action", "continue",
        "--breakpoint", "5", "--breakpoint", "10", "--no-predict",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    stops = [line for line in lines if line.strip().startswith("ok")]
    assert len(stops) == 3 and "line 5" in stops[0] and "line 10" in stops[2]
    assert "result: 2" in completed.stdout and "agree on 3 stops" in completed.stdout


@pytest.mark.e2e
def test_verify_reports_disagreement_with_exit_1(tmp_path: Path) -> None:
    program = tmp_path / "pid.py"
    program.write_text("import os\n\ndef f():\n    pid = os.getpid()\n    return pid\n")
    completed = run_neurodebug("verify", f"{program}::f", "--no-predict")
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "disagreement" in completed.stdout and "locals.pid" in completed.stdout


def test_verify_usage_errors(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text("def f():\n    return 1\n")
    for args in (
        [str(program)],
        [f"{tmp_path / 'missing.py'}::f"],
        [f"{program}::g"],
        [f"{program}::f", "--call", "f("],
        [f"{program}::f", "--action", "continue"],
    ):
        completed = run_neurodebug("verify", *args)
        assert completed.returncode == 2, (args, completed.stdout, completed.stderr)
        assert completed.stderr.startswith("neurodebug verify:") or "usage" in completed.stderr


def test_a_method_may_be_named_by_its_class(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text("class A:\n    def f(self):\n        return 1\n")
    assert check_entry(program, "A.f", "A().f()") == "A().f()"
    assert check_entry(program, "f", "A().f()") == "A().f()"
    with pytest.raises(EntryError):
        check_entry(program, "B.f", "A().f()")


def test_prediction_agreement_counts_lines_and_changed_locals() -> None:
    truth = Trace(
        steps=[
            Step(1, "call", "f", 0, {"n": "2"}),
            Step(2, "line", "f", 0, {"n": "2"}),
            Step(3, "line", "f", 0, {"n": "2", "t": "0"}),
            Step(3, "return", "f", 0, {"n": "2", "t": "0"}, "0"),
        ],
        result="0",
    )
    predicted = Trace(
        steps=[
            Step(1, "call", "f", 0, {"n": "2"}),
            Step(2, "line", "f", 0, {"n": "2"}),
            Step(4, "line", "f", 0, {"n": "2", "t": "1"}),  # wrong line and wrong new value
        ],
        result="0",
    )
    agreement = prediction_agreement(predicted, truth, "step_into")
    assert (agreement.steps_compared, agreement.line_matches, agreement.changed_locals_matches) == (
        3,
        2,
        2,
    )
    assert agreement.true_steps == 3 and agreement.result_matches
    assert [row["line"] for row in agreement.per_step] == [True, True, False]
    over = prediction_agreement(predicted, truth, "step_over")
    assert over.steps_compared == 3


@pytest.mark.e2e
def test_verify_entry_adds_the_prediction_and_its_agreement() -> None:
    calls = []

    def fake_predict(
        source: str, function: str, call: str, action: str, bps: Sequence[int], steps: int
    ) -> Trace:
        calls.append((function, call, action, steps))
        return Trace(
            steps=[Step(8, "call", "f", 0, {"n": "2"}), Step(9, "line", "f", 0, {"n": "2"})],
            result="3",
        )

    result = verify_entry(DATA / "recursion.py", "f", "f(2)", predict=fake_predict)
    assert result.agree and calls and calls[0][:3] == ("f", "f(2)", "step_into")
    assert result.prediction_agreement is not None
    assert (
        result.prediction_agreement.line_accuracy == 1.0
        and result.prediction_agreement.result_matches
    )
    data = result.to_json()
    assert data["prediction"]["agreement"]["steps_compared"] == 2


@pytest.mark.e2e
def test_a_prediction_that_cannot_be_made_leaves_the_verification_standing() -> None:
    def refusing_predict(
        source: str, function: str, call: str, action: str, bps: Sequence[int], steps: int
    ) -> Trace:
        raise ValueError("the source is too long for the model (2000 tokens; at most 416)")

    result = verify_entry(DATA / "recursion.py", "f", "f(2)", predict=refusing_predict)
    assert result.agree and result.prediction is None
    assert result.prediction_error is not None and "too long" in result.prediction_error
    assert result.to_json()["prediction"] == {"error": result.prediction_error}


@pytest.mark.e2e
def test_verify_without_call_uses_the_functions_entry(tmp_path: Path) -> None:
    program = tmp_path / "steps.py"
    program.write_text(
        'def double(n):\n    """Twice n.\n\n    >>> double(21)\n    42\n    """\n    return n * 2\n'
    )
    completed = run_neurodebug("verify", f"{program}::double", "--no-predict")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "calling double(21) (from the doctest)" in completed.stderr
    assert "result: 42" in completed.stdout
