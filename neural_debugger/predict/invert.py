"""Input prediction that checks itself: several candidate calls, the first one that really works.

Many inputs give one output, and the model's single most likely guess is often wrong in a way a
check catches at once. So `choose_call` takes the model's candidates (`predict_input_candidates`:
the greedy answer first, then samples) and returns the first that reproduces the output:
- by exact folding (`Predictor.folded_output`: every step computed, no user code runs), and
- with `run` (the CLI's `--check`, eval), by really running the candidates in the sandbox;
else the most likely candidate, marked unchecked.

After the model's candidates come *echo* calls (`echo_calls`): the output itself as the first
argument, then as each parameter in turn with the others `None`. Many real functions give back
what they are given for most inputs (an escaper of a string with nothing to escape, a validator
of a valid value, a normaliser of a normal form), and their authors' tests call them so; a
check that runs or folds the call tells at no risk whether this one does. On the real-code
validation split they found an input for 12 of 48 calls, 10 of them calls the model's 8
candidates had missed (MODEL.md, "Echo candidates"). They are tried only after every model
candidate, and never answered unchecked.
"""

from __future__ import annotations

import ast
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
    """Every model candidate in the model's order with what folding showed: True (it returns
    the output), False (it returns something else, or raises), None (folding cannot tell);
    then the echo calls folding shows to return it."""
    echo: bool = False
    """The call hands the output back (an echo call, not one the model proposed)."""


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

    modelled = predictor.predict_input_candidates(source, function, output, count)
    echoed = [call for call in echo_calls(source, function, output) if call not in modelled]
    candidates = modelled + echoed
    verdicts: list[tuple[str, bool | None]] = []
    for call in candidates:
        try:
            folded = predictor.folded_output(source, function, call)
        except PredictionError:  # e.g. an argument the model wrote is no literal
            folded = None
        verdict = None if folded is None else folded == (output, None)
        if call in modelled or verdict:  # an echo call is shown only once shown right
            verdicts.append((call, verdict))
    shown = tuple(verdicts)
    for call, verdict in shown:
        if verdict:
            return InvertAnswer(call, "folding", len(candidates), shown, call in echoed)
    if run is not None:
        for call, ok in zip(candidates, run(candidates), strict=True):
            if ok:
                return InvertAnswer(call, "run", len(candidates), shown, call in echoed)
    return InvertAnswer(modelled[0], None, len(candidates), shown)


ECHO_PARAMETERS = 5
"""Echo calls are made for at most this many leading parameters."""


def echo_calls(source: str, function: str, output: str) -> list[str]:
    """Calls that hand `output` back to `function`: `f(output)`, then `f(a=output, b=None, …)`
    for each of its first `ECHO_PARAMETERS` positional parameters; none when `output` is no
    literal or the function takes `self` / `cls` (a method needs its object)."""
    from neurodebug.neural_debugger.predict.grammar import is_literal

    if not is_literal(output):
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    name = function.rsplit(".", 1)[-1]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            arguments = node.args
            names = [a.arg for a in [*arguments.posonlyargs, *arguments.args]]
            if not names or names[0] in ("self", "cls"):
                return []
            calls = [f"{function}({output})"]
            if len(names) > 1:
                for chosen in names[:ECHO_PARAMETERS]:
                    values = ", ".join(
                        f"{n}={output if n == chosen else 'None'}" for n in names[:ECHO_PARAMETERS]
                    )
                    calls.append(f"{function}({values})")
            return calls
    return []
