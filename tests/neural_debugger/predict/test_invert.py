"""Choosing an input: the first candidate shown to work, by folding, then by running it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from neurodebug.neural_debugger.predict.inference import load_predictor
from neurodebug.neural_debugger.predict.invert import choose_call, echo_calls

from tests.neural_debugger.neural_fixtures import tiny_checkpoint


class Candidates:
    """A predictor double: fixed candidates, and what folding says each returns."""

    def __init__(self, calls: list[str], folds: dict[str, tuple[str | None, str | None] | None]):
        self.calls, self.folds = calls, folds

    def predict_input_candidates(
        self, source: str, function: str, output: str, count: int = 8, seed: int = 0
    ) -> list[str]:
        return self.calls[:count]

    def folded_output(
        self, source: str, function: str, call: str
    ) -> tuple[str | None, str | None] | None:
        return self.folds.get(call)


def test_a_candidate_folding_shows_right_wins_without_running_anything() -> None:
    calls = ["f(1)", "f(2)", "f(3)"]
    ran: list[Sequence[str]] = []
    predictor = Candidates(calls, {"f(1)": ("2", None), "f(2)": ("4", None)})
    answer = choose_call(predictor, "", "f", "4", run=lambda c: ran.append(c) or [True] * len(c))
    assert (answer.call, answer.checked, ran) == ("f(2)", "folding", [])
    assert answer.verdicts == (("f(1)", False), ("f(2)", True), ("f(3)", None))


def test_else_the_first_candidate_that_really_returns_it() -> None:
    predictor = Candidates(["f(1)", "f(2)", "f(3)"], {})
    answer = choose_call(predictor, "", "f", "9", run=lambda calls: [c == "f(3)" for c in calls])
    assert (answer.call, answer.checked) == ("f(3)", "run")


def test_else_the_most_likely_one_marked_unchecked() -> None:
    predictor = Candidates(["f(1)", "f(2)"], {"f(1)": ("0", None)})
    assert choose_call(predictor, "", "f", "9").checked is None
    assert choose_call(predictor, "", "f", "9").call == "f(1)"
    failing = choose_call(predictor, "", "f", "9", run=lambda calls: [False] * len(calls))
    assert (failing.call, failing.checked) == ("f(1)", None)


@pytest.mark.parametrize("count", [1, 6])
def test_the_model_proposes_distinct_calls_greedy_first(count: int) -> None:
    predictor = load_predictor(tiny_checkpoint())
    source = "def add(a, b):\n    return a + b\n"
    calls = predictor.predict_input_candidates(source, "add", "5", count)
    assert 1 <= len(calls) <= count and len(set(calls)) == len(calls)
    assert calls[0] == predictor.predict_inputs(source, "add", "5")  # the greedy answer
    assert all(call.startswith("add(a=") and ", b=" in call for call in calls)
    again = predictor.predict_input_candidates(source, "add", "5", count)
    assert again == calls  # seeded: the same candidates every time


ESCAPER = (
    "def escape(text, quote=True):\n"
    "    if quote:\n"
    "        text = text.replace('\"', '&quot;')\n"
    "    return text.replace('<', '&lt;')\n"
)


def test_echo_calls_hand_the_output_back_as_each_parameter() -> None:
    assert echo_calls(ESCAPER, "escape", "'plain'") == [
        "escape('plain')",
        "escape(text='plain', quote=None)",
        "escape(text=None, quote='plain')",
    ]
    assert echo_calls("def one(x):\n    return x\n", "one", "[1, 2]") == ["one([1, 2])"]
    assert echo_calls(ESCAPER, "escape", "<object at 0x1>") == []  # not a literal
    assert echo_calls("def m(self, x):\n    return x\n", "m", "1") == []  # needs its object
    assert echo_calls(ESCAPER, "missing", "1") == []


def test_echo_calls_come_after_every_model_candidate_and_never_unchecked() -> None:
    predictor = Candidates(["escape(text='a')", "escape(text='b')"], {})
    seen: list[Sequence[str]] = []

    def run(calls: Sequence[str]) -> list[bool]:
        seen.append(calls)
        return [call == "escape('plain')" for call in calls]

    answer = choose_call(predictor, ESCAPER, "escape", "'plain'", run=run)
    assert (answer.call, answer.checked, answer.echo) == ("escape('plain')", "run", True)
    assert list(seen[0][:2]) == ["escape(text='a')", "escape(text='b')"]
    unchecked = choose_call(predictor, ESCAPER, "escape", "'plain'")
    assert (unchecked.call, unchecked.checked, unchecked.echo) == ("escape(text='a')", None, False)
    # the editor lists `verdicts`: an echo call only once folding shows it right
    assert unchecked.verdicts == (("escape(text='a')", None), ("escape(text='b')", None))
    shown = Candidates(["escape(text='a')"], {"escape('plain')": ("'plain'", None)})
    folded = choose_call(shown, ESCAPER, "escape", "'plain'")
    assert (folded.call, folded.checked) == ("escape('plain')", "folding")
    assert folded.verdicts == (("escape(text='a')", None), ("escape('plain')", True))


def test_an_echo_call_that_folding_shows_right_answers_for_a_real_model() -> None:
    """With the shipped model: whatever its own candidates are, `strip('ab')` returning `'ab'`
    is found, by folding alone (nothing runs)."""
    predictor = load_predictor()
    source = "def strip(word):\n    return word.strip()\n"
    answer = choose_call(predictor, source, "strip", "'ab'")
    assert answer.checked == "folding"
    assert predictor.folded_output(source, "strip", answer.call) == ("'ab'", None)
