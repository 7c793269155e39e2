"""Predicted and real traces per function, and what each executed line wrote — for hints and hover.

The language server keeps its runs here (`RunStore`, per document URI and function) and shows
them as inlay hints, inline values and hover values; nothing here knows the protocol. A trace's
`line` step holds the locals *before* its line runs; what the line wrote is the difference to
the next stop of the same frame. A line that ran several times (a loop body) shows its last run
and the run count. Traces are kept per (document, function) together with the function's text,
and dropped as soon as that text changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from neurodebug.analyzers.facts import FunctionFacts
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace


@dataclass(frozen=True)
class LineValues:
    """What one source line wrote on its last run, how often it ran, and at which step."""

    line: int
    values: dict[str, str]
    runs: int
    step: int
    """0-based index of the line's last run in the trace."""


@dataclass
class FunctionRun:
    """One function's predicted or real trace for one entry call."""

    qualname: str
    def_line: int
    end_line: int
    text_hash: str
    entry: str
    trace: Trace
    lines: dict[int, LineValues] = field(default_factory=dict)


@dataclass
class RunStore:
    """Predictions and verifications of one server, per document URI and function qualname."""

    predicted: dict[str, dict[str, FunctionRun]] = field(default_factory=dict)
    real: dict[str, dict[str, FunctionRun]] = field(default_factory=dict)


def text_hash(source: bytes, start_byte: int, end_byte: int) -> str:
    """A short fingerprint of a function's text: edits elsewhere leave it unchanged."""
    return hashlib.blake2b(source[start_byte:end_byte], digest_size=12).hexdigest()


def record_run(
    runs: dict[str, dict[str, FunctionRun]],
    uri: str,
    source: bytes,
    facts: FunctionFacts,
    entry: str,
    trace: Trace,
) -> FunctionRun:
    """Keep a function's trace (predicted or real) with its text's fingerprint and line values."""
    run = FunctionRun(
        qualname=facts.qualname,
        def_line=facts.def_line,
        end_line=facts.end_line,
        text_hash=text_hash(source, facts.node.start_byte, facts.node.end_byte),
        entry=entry,
        trace=trace,
        lines=line_values(trace, facts.name, facts.def_line, facts.end_line),
    )
    runs.setdefault(uri, {})[facts.qualname] = run
    return run


def line_values(trace: Trace, name: str, first_line: int, last_line: int) -> dict[int, LineValues]:
    """Per line of function `name` (lines first..last): what its last run wrote, and run count.

    The `call` stop's locals are the arguments: they are shown on the `def` line.
    """
    result: dict[int, LineValues] = {}
    runs: dict[int, int] = {}
    pending: dict[int, tuple[int, Step]] = {}  # depth -> (index, step) awaiting its after-state

    def settle(index: int, step: Step, after: dict[str, str]) -> None:
        if step.event == "call":
            written = dict(after if after else step.locals)
        else:
            written = {k: v for k, v in after.items() if step.locals.get(k) != v}
        runs[step.line] = runs.get(step.line, 0) + 1
        previous = result.get(step.line)
        if not written and previous is not None:
            # A run that wrote nothing (a loop header's exit test) keeps the last writes shown.
            written = previous.values
        result[step.line] = LineValues(step.line, written, runs[step.line], index)

    def ours(step: Step) -> bool:
        return step.function == name and first_line <= step.line <= last_line

    for index, step in enumerate(trace.steps):
        waiting = pending.pop(step.depth, None)
        if waiting is not None:
            before_index, before = waiting
            settle(before_index, before, step.locals if step.event != "call" else {})
        # Frames deeper than this one have ended without a return stop (exception unwinding).
        for depth in [d for d in pending if d > step.depth]:
            stale_index, stale = pending.pop(depth)
            settle(stale_index, stale, stale.locals)
        if step.event in ("line", "call") and ours(step):
            if step.event == "call":
                settle(index, step, step.locals)
            else:
                pending[step.depth] = (index, step)
    for index, step in pending.values():
        settle(index, step, step.locals)
    return result


def label(values: LineValues, width: int) -> str:
    """`x = 3, total = 12` (plus `(×N)` for repeated lines), cut to `width` characters."""
    text = ", ".join(f"{name} = {value}" for name, value in values.values.items())
    suffix = f" (×{values.runs})" if values.runs > 1 else ""
    room = max(4, width - len(suffix))
    if len(text) > room:
        text = text[: room - 1] + "…"
    return text + suffix


def tooltip(values: LineValues, total_steps: int, source: str) -> str:
    """Full values, the step of the last run and the run count."""
    rows = [f"{name} = {value}" for name, value in values.values.items()]
    runs = f"ran {values.runs} time{'s' if values.runs != 1 else ''}"
    rows.append(f"{source} · step {values.step + 1} of {total_steps} · {runs}")
    return "\n".join(rows)


def value_before(trace: Trace, name: str, line: int, variable: str) -> str | None:
    """The value `variable` held at the last stop on `line` of function `name`, or what it wrote there."""
    found: str | None = None
    for index, step in enumerate(trace.steps):
        if step.function != name or step.line != line or step.event not in ("line", "call"):
            continue
        found = step.locals.get(variable, found)
        for later in trace.steps[index + 1 :]:
            if later.depth == step.depth:
                found = later.locals.get(variable, found)
                break
    return found


def values_at(
    store: RunStore, uri: str, qualname: str, line: int, variable: str
) -> tuple[str | None, str | None]:
    """(predicted, real) value of `variable` around `line` of a function, if traces exist."""
    answers: list[str | None] = []
    for runs in (store.predicted, store.real):
        run = runs.get(uri, {}).get(qualname)
        name = qualname.rsplit(".", 1)[-1]
        answers.append(None if run is None else value_before(run.trace, name, line, variable))
    return answers[0], answers[1]
