"""Input prediction that checks itself: several candidate calls, the first one that really works.

Many inputs give one output, and the model's single most likely guess is often wrong in a way a
check catches at once. So `choose_call` takes the model's candidates (`predict_input_candidates`:
the greedy answer first, then samples) and returns the first that reproduces the output:
- by exact folding (`Predictor.folded_output`: every step computed, no user code runs), and
- with `run` (the CLI's `--check`, eval), by really running the candidates in the sandbox;
else the most likely candidate, marked unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Checked = Literal["folding", "run"] | None
RunCheck = Callable[[Sequence[str]], list[bool]]
"""Runs calls for real and says, per call, whether it returned the wanted output."""

CANDIDATES = 8


class CandidatePredictor(Protocol):
    def predict_input_candidates(
        self, source: str, function: str, output: str, count: int = ..., seed: int = ...
    ) -> list[str]: ...

    def folded_output(
        self, source: str, function: str, call: str
    ) -> tuple[str | None, str | None] | None: ...


@dataclass(frozen=True)
class InvertAnswer:
    call: str
    checked: Checked
    """How the call was shown to return the output: `folding` (computed), `run` (really run),
    or None: no candidate could be checked, this is the model's most likely one."""
    candidates: int
    verdicts: tuple[tuple[str, bool | None], ...] = ()
    """Every candidate in the model's order with what folding showed: True (it returns the
    output), False (it returns something else, or raises), None (folding cannot tell)."""


def choose_call(
    predictor: CandidatePredictor,
    source: str,
    function: str,
    output: str,
    count: int = CANDIDATES,
    run: RunCheck | None = None,
) -> InvertAnswer:
    """The first candidate call shown to return `output` (see the module docstring)."""
    # imported here: the language server imports this module at start-up, for its types
    from neurodebug.neural_debugger.predict.source_facts import PredictionError

    candidates = predictor.predict_input_candidates(source, function, output, count)
    verdicts: list[tuple[str, bool | None]] = []
    for call in candidates:
        try:
            folded = predictor.folded_output(source, function, call)
        except PredictionError:  # e.g. an argument the model wrote is no literal
            folded = None
        verdicts.append((call, None if folded is None else folded == (output, None)))
    shown = tuple(verdicts)
    for call, verdict in shown:
        if verdict:
            return InvertAnswer(call, "folding", len(candidates), shown)
    if run is not None:
        for call, ok in zip(candidates, run(candidates), strict=True):
            if ok:
                return InvertAnswer(call, "run", len(candidates), shown)
    return InvertAnswer(candidates[0], None, len(candidates), shown)
