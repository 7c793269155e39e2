"""Check a real debugpy session against the tracer's view of the same run, stop by stop.

`verify_entry(path, function, call, action, breakpoints, timeout) -> VerifyResult` is the domain
call behind `neurodebug verify` (LSP-free). It runs the entry twice — once under debugpy,
repeating the action; once under the sandboxed tracer — turns the tracer's trace into the stops a
line debugger would make for that action (`actions.debugger_stops`), and reports every
disagreement in line, function, depth, locals, result or exception (`check_stops`). The server's
"verify with debugpy" command uses the same pieces: `debug_entry_isolated` for the real run (in
its own process group, so a cancelled request kills it) and `check_stops` against the model's
prediction instead of the tracer.

Locals are compared by name and value; a value cut short (`...`) on either side matches on its
common prefix. At a stop back in a caller after a return, only the names are compared: the
tracer knows the caller's locals from before the call, the debugger shows them after it (a
callee may have mutated a shared list).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.groundtruth.actions import (
    DebuggerStop,
    apply,
    debugger_stops,
    return_lines,
)
from neurodebug.neural_debugger.groundtruth.debugpy_runner import debug_entry
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.groundtruth.tracer import Limits, trace_entry

Predict = Callable[[str, str, str, str, Sequence[int], int], Trace]
"""(source, function, call, action, breakpoints, max_steps) -> predicted Trace."""


class EntryError(ValueError):
    """The entry cannot be verified: no such file, function, or a malformed call."""


@dataclass(frozen=True)
class Disagreement:
    """One difference between what debugpy did and what the tracer says it should do."""

    stop: int
    """0-based stop number (-1 for the outcome: result / exception / status)."""
    field: str
    expected: str
    actual: str

    def to_json(self) -> dict[str, Any]:
        return {
            "stop": self.stop,
            "field": self.field,
            "tracer": self.expected,
            "debugpy": self.actual,
        }


@dataclass
class VerifyResult:
    """debugpy's stops, the tracer's expected stops, and how they differ."""

    path: str
    function: str
    call: str
    action: str
    breakpoints: list[int]
    debugger: Trace
    tracer: Trace
    expected: list[DebuggerStop]
    disagreements: list[Disagreement] = field(default_factory=list)
    prediction: Trace | None = None
    """The model's predicted trace for the same call and action, when one was asked for."""
    prediction_agreement: PredictionAgreement | None = None
    prediction_error: str | None = None
    """Why the model could not predict this call (the real run is still checked)."""

    @property
    def agree(self) -> bool:
        return not self.disagreements

    def to_json(self) -> dict[str, Any]:
        """The shape `predict` uses (`stops`, `result` / `exception`) plus the comparison."""
        return {
            "entry": f"{self.path}::{self.function}",
            "call": self.call,
            "action": self.action,
            "breakpoints": self.breakpoints,
            "stops": [_stop_json(step) for step in self.debugger.steps],
            "result": self.debugger.result,
            "exception": self.debugger.exception,
            "status": self.debugger.status,
            "tracer": {
                "stops": [
                    {
                        "event": "line",
                        "line": s.line,
                        "function": s.function,
                        "depth": s.depth,
                        "locals": s.locals,
                    }
                    for s in self.expected
                ],
                "result": self.tracer.result,
                "exception": self.tracer.exception,
                "status": self.tracer.status,
            },
            "agree": self.agree,
            "disagreements": [item.to_json() for item in self.disagreements],
            **self._prediction_json(),
        }

    def _prediction_json(self) -> dict[str, Any]:
        if self.prediction_error is not None:
            return {"prediction": {"error": self.prediction_error}}
        if self.prediction is None or self.prediction_agreement is None:
            return {}
        return {
            "prediction": {
                "stops": [_stop_json(step) for step in self.prediction.steps],
                "result": self.prediction.result,
                "exception": self.prediction.exception,
                "agreement": self.prediction_agreement.to_json(),
            }
        }


def _stop_json(step: Step) -> dict[str, Any]:
    return {
        "event": step.event,
        "line": step.line,
        "function": step.function,
        "depth": step.depth,
        "locals": step.locals,
    }


_EQUIVALENT = {"set()": "{}", "frozenset()": "frozenset({})"}
"""Tracer reprs that pydevd writes differently (it shows an empty set as `{}`)."""


_CUT = re.compile(r"\.\.\.[\]\)\}]*$")
"""A value cut short: by the repr limit (`...`) or a summarised container (`, ...]`)."""


def _prefix(text: str) -> str | None:
    match = _CUT.search(text)
    return text[: match.start()].rstrip(", ") if match else None


_ELIDED = ("(...)", "[...]", "{...}")
"""How pydevd writes a container nested past the depth it shows (`([(...), (...)],)`)."""

_OBJECT = re.compile(r"<(?:[\w.]+\.)?(\w+) object>$")
"""The tracer's fallback when an object's own repr raises: `<pkg.mod.Cls object>`."""


def values_agree(expected: str, actual: str) -> bool:
    """Equal, or equal up to where either one was cut short, where pydevd elided a nested
    container, or where both fell back to naming the class of an object whose repr raised
    (the tracer writes `<mod.Cls object>`, pydevd `<Cls, len() = 0>` for a dict subclass)."""
    if expected == actual or _EQUIVALENT.get(expected) == actual:
        return True
    if any(mark in actual for mark in _ELIDED):
        cut = _CUT.search(expected)  # the tracer's own cut: agreeing up to there is agreeing
        if _matches_elided(expected[: cut.start()] if cut else expected, actual, bool(cut)):
            return True
    fallback = _OBJECT.match(expected)
    if fallback and re.match(rf"<{fallback.group(1)}[,> ]", actual):
        return True
    left, right = _prefix(expected), _prefix(actual)
    if left is not None and right is not None:
        shorter, longer = sorted((left, right), key=len)
        return longer.startswith(shorter)
    if left is not None:
        return actual.startswith(left)
    if right is not None:
        return expected.startswith(right)
    return False


def _matches_elided(full: str, elided: str, cut: bool = False) -> bool:
    """Whether `full` is `elided` with each `(...)` / `[...]` / `{...}` standing for one whole
    bracketed value of that kind (quotes respected); with `cut`, `full` stops short and need
    only agree up to its end."""
    i = j = 0
    while j < len(elided):
        if i >= len(full):
            return cut
        mark = elided[j : j + 5]
        if mark in _ELIDED:
            if full[i] != mark[0]:
                return False
            end = _closing(full, i)
            if end is None:
                return cut
            if full[end] != mark[-1]:
                return False
            i, j = end + 1, j + 5
            continue
        if full[i] != elided[j]:
            return False
        i, j = i + 1, j + 1
    return i == len(full)


def _closing(text: str, start: int) -> int | None:
    """The index of the bracket closing the one at `start`, skipping quoted strings."""
    depth, quote, index = 0, "", start
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def compare(
    expected: Sequence[DebuggerStop],
    actual: Sequence[Step],
    tracer: Trace,
    debugger: Trace,
    returns: Collection[int],
) -> list[Disagreement]:
    """Every disagreement between expected and actual stops and outcomes."""
    found: list[Disagreement] = []
    for number, (want, got) in enumerate(zip(expected, actual, strict=False)):
        found.extend(
            Disagreement(number, name, str(getattr(want, name)), str(getattr(got, name)))
            for name in ("line", "function", "depth")
            if getattr(want, name) != getattr(got, name)
        )
        if want.index in returns:
            if set(want.locals) != set(got.locals):
                found.append(
                    Disagreement(number, "locals", _names(want.locals), _names(got.locals))
                )
            continue
        for name in sorted(set(want.locals) | set(got.locals)):
            left, right = want.locals.get(name), got.locals.get(name)
            if left is None or right is None or not values_agree(left, right):
                found.append(Disagreement(number, f"locals.{name}", str(left), str(right)))
    if len(expected) != len(actual) and debugger.status != "step_limit":
        found.append(Disagreement(-1, "stops", str(len(expected)), str(len(actual))))
    if debugger.status not in ("step_limit", "timeout", "crashed"):
        for name in ("result", "exception"):
            left, right = getattr(tracer, name), getattr(debugger, name)
            if left != right:
                found.append(Disagreement(-1, name, str(left), str(right)))
    else:
        found.append(Disagreement(-1, "status", tracer.status, debugger.status))
    return found


def _names(values: dict[str, str]) -> str:
    return ", ".join(sorted(values))


def check_stops(
    reference: Trace,
    debugger: Trace,
    source: str,
    action: str = "step_into",
    breakpoints: Collection[int] = (),
    max_stops: int = 500,
) -> tuple[list[DebuggerStop], list[Disagreement]]:
    """The stops a line debugger makes repeating `action` over the line-level `reference` trace
    (the tracer's, or the model's prediction), and every disagreement with `debugger`'s stops.

    The one comparison set-up, shared by `verify_entry` and the server's verify command: pydevd's
    return lines of `source` decide where generators stop, and a stop after a return compares
    names only (see the module doc).
    """
    try:
        yield_stops = return_lines(source)
    except SyntaxError:  # an editor's buffer mid-edit: no generator return lines known
        yield_stops = {}
    expected = debugger_stops(
        reference, action, breakpoints, max_stops=max_stops, yield_stops=yield_stops
    )
    returns = {stop.index for stop in expected if reference.steps[stop.index].event == "return"}
    return expected, compare(expected, debugger.steps, reference, debugger, returns)


def check_entry(path: Path, function: str, call: str | None) -> str:
    """Validate `FILE::FUNC` and the call; returns the call text to use."""
    if not path.is_file():
        raise EntryError(f"no such file: {path}")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError) as error:
        raise EntryError(f"cannot parse {path}: {error}") from error
    names = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    names |= {  # `Stack.push`: a method of a module-level class
        f"{node.name}.{item.name}"
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    if function not in names:
        raise EntryError(f"no function {function!r} in {path}")
    text = call or f"{function}()"
    try:
        ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise EntryError(f"the call is not an expression: {text!r} ({error.msg})") from error
    return text


def verify_entry(
    path: Path | str,
    function: str,
    call: str | None = None,
    action: str = "step_into",
    breakpoints: Collection[int] = (),
    timeout: float = 30.0,
    max_stops: int = 500,
    predict: Predict | None = None,
    predict_steps: int = 50,
) -> VerifyResult:
    """Run the entry under debugpy and under the tracer, and compare the stops (see module doc).

    With `predict` (e.g. a bound `Predictor.predict_trace`), the model's prediction of the same
    call and action is added, with its per-step agreement with the tracer (`prediction_agreement`).
    """
    file = Path(path).resolve()
    text = check_entry(file, function, call)
    if action == "continue" and not breakpoints:
        raise EntryError("continue needs at least one --breakpoint")
    debugger = debug_entry(
        file,
        function,
        text,
        action=action,
        breakpoints=breakpoints,
        max_stops=max_stops,
        timeout=timeout,
    )
    tracer = trace_entry(file, function, text, limits=Limits(timeout_s=timeout, max_steps=100_000))
    source = file.read_text(encoding="utf-8")
    expected, disagreements = check_stops(
        tracer, debugger, source, action, breakpoints, max_stops=max_stops
    )
    result = VerifyResult(
        path=str(path),
        function=function,
        call=text,
        action=action,
        breakpoints=sorted(set(breakpoints)),
        debugger=debugger,
        tracer=tracer,
        expected=expected,
        disagreements=disagreements,
    )
    if predict is not None:
        # no need to predict past the real run's end (+1 for the model to overshoot)
        true_length = len(action_path(tracer, action, breakpoints, predict_steps + 1))
        steps = min(predict_steps, true_length + 1)
        try:
            result.prediction = predict(
                source, function, text, action, sorted(set(breakpoints)), steps
            )
        except ValueError as error:  # the model's PredictionError: verification stands alone
            result.prediction_error = str(error)
            return result
        result.prediction_agreement = prediction_agreement(
            result.prediction, tracer, action, breakpoints
        )
    return result


class DebugRunError(RuntimeError):
    """The isolated debugpy run failed; the message ends with the end of its stderr."""


_DEBUG_SCRIPT = """
import json, sys
from neurodebug.neural_debugger.groundtruth.debugpy_runner import debug_entry
path, function, call, max_stops, timeout = json.loads(sys.argv[1])
trace = debug_entry(path, function, call, max_stops=max_stops, timeout=timeout)
sys.stdout.write(json.dumps(trace.to_json()))
"""


async def debug_entry_isolated(
    path: Path, function: str, call: str, max_stops: int, timeout: float
) -> Trace:
    """`debug_entry` (step into) in its own process group, so a cancelled or timed-out run is
    killed (adapter and debuggee included) instead of finishing unseen on a worker thread."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _DEBUG_SCRIPT,
        json.dumps([str(path), function, call, max_stops, timeout]),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = await process.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise
    if process.returncode != 0:
        raise DebugRunError(f"the debugpy run failed: {stderr.decode(errors='replace')[-500:]}")
    return Trace.from_json(json.loads(stdout))


# --------------------------------------------------------------------------------------------
# The model's prediction against the real run (when a checkpoint is available)


@dataclass
class PredictionAgreement:
    """How a predicted trace matches the tracer's stops under the same action, step by step.

    Both sequences start at the call stop and follow the action over *all* events (the model's
    semantics, `actions.apply`). A step's changed locals are those whose value differs from the
    previous stop's (all of them at the first stop).
    """

    steps_compared: int
    line_matches: int
    event_matches: int
    changed_locals_matches: int
    predicted_steps: int
    true_steps: int
    result_matches: bool
    per_step: list[dict[str, Any]] = field(default_factory=list)

    @property
    def line_accuracy(self) -> float:
        return self.line_matches / self.steps_compared if self.steps_compared else 0.0

    @property
    def changed_locals_exact(self) -> float:
        return self.changed_locals_matches / self.steps_compared if self.steps_compared else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "steps_compared": self.steps_compared,
            "predicted_steps": self.predicted_steps,
            "true_steps": self.true_steps,
            "line_accuracy": round(self.line_accuracy, 4),
            "event_accuracy": round(self.event_matches / max(1, self.steps_compared), 4),
            "changed_locals_exact": round(self.changed_locals_exact, 4),
            "result_matches": self.result_matches,
            "per_step": self.per_step,
        }


def action_path(trace: Trace, action: str, breakpoints: Collection[int], limit: int) -> list[int]:
    """The trace indices visited from the call stop (index 0) repeating `action`."""
    path: list[int] = []
    current: int | None = 0 if trace.steps else None
    while current is not None and len(path) < limit:
        path.append(current)
        current = apply(trace, current, action, breakpoints)
    return path


def _changed(step: Step, previous: Step | None) -> dict[str, str]:
    if previous is None:
        return dict(step.locals)
    return {
        name: value for name, value in step.locals.items() if previous.locals.get(name) != value
    }


def prediction_agreement(
    predicted: Trace, truth: Trace, action: str, breakpoints: Collection[int] = ()
) -> PredictionAgreement:
    """Compare a model's predicted trace with the real one, under the same action."""
    path = action_path(truth, action, breakpoints, max(1, len(predicted.steps)))
    true_steps = [truth.steps[index] for index in path]
    compared = min(len(true_steps), len(predicted.steps))
    result = PredictionAgreement(
        steps_compared=compared,
        line_matches=0,
        event_matches=0,
        changed_locals_matches=0,
        predicted_steps=len(predicted.steps),
        true_steps=len(true_steps),
        result_matches=(predicted.result, predicted.exception) == (truth.result, truth.exception),
    )
    for number in range(compared):
        want, got = true_steps[number], predicted.steps[number]
        line_ok = want.line == got.line
        event_ok = want.event == got.event
        locals_ok = _changed(want, true_steps[number - 1] if number else None) == _changed(
            got, predicted.steps[number - 1] if number else None
        )
        result.line_matches += line_ok
        result.event_matches += event_ok
        result.changed_locals_matches += locals_ok
        result.per_step.append(
            {"stop": number, "line": line_ok, "event": event_ok, "changed_locals": locals_ok}
        )
    return result
