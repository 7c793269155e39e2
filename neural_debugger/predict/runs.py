"""Predicted and real traces per function, and what each executed line wrote — for hints and hover.

The language server keeps its runs here (`RunStore`, per document URI and function) and shows
them as inlay hints, inline values and hover values; nothing here knows the protocol. A trace's
`line` step holds the locals *before* its line runs; what the line wrote is the difference to
the next stop of the same frame. A line that ran several times (a loop body) shows its last run
and the run count. Traces are kept per (document, function) together with the function's text
and where it lies; they follow edits elsewhere in the document (`follow_edits` maps their lines
through each `TextEdit`, so a line inserted above moves every hint down with its line) and are
dropped as soon as the function's own text changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
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
    probability: float = 1.0
    """How sure the prediction is of these values: the decoder's probability of the stop that
    shows them (1.0 for a real run and for values folding computed)."""


CONFIDENT_AT = 0.9
"""Predicted values below this probability are shown as uncertain (`≈`); the editor's
`confidenceThreshold` setting overrides it."""


@dataclass(frozen=True)
class TextEdit:
    """One change of a document, in the coordinates of the text before it: bytes
    [start, old_end) became [start, new_end); rows are 0-based, columns are byte columns."""

    start: int
    old_end: int
    new_end: int
    start_row: int
    start_column: int
    old_end_row: int
    old_end_column: int
    new_end_row: int

    def row_after(self, row: int) -> int:
        """Where the text of `row` (0-based, before the edit) lies after it.

        A row is anchored at its start: a row that starts at or after the replaced text moves
        by the rows the edit added or removed (a line inserted at column 0 of a row pushes that
        row down); a row that starts before it stays; a row whose start was replaced lands on
        the edit's last new row.
        """
        if row > self.old_end_row or (row == self.old_end_row and self.old_end_column == 0):
            return row + self.new_end_row - self.old_end_row
        if row < self.start_row or (row == self.start_row and self.start_column > 0):
            return row
        return self.new_end_row


@dataclass(frozen=True)
class Span:
    """Where a function lies (bytes [start, end), its 1-based `def` line) and a fingerprint of
    its text."""

    start: int
    end: int
    line: int
    text_hash: str

    def after(self, edit: TextEdit) -> Span | None:
        """The span after `edit`, or None when the edit touches the function's own text.

        An insertion right at the function's first byte (a line typed above a `def` at column
        0) moves it; one right after its last byte extends its last line, so it touches it.
        """
        if edit.old_end <= self.start:
            delta = edit.new_end - edit.old_end
            rows = edit.new_end_row - edit.old_end_row
            return Span(self.start + delta, self.end + delta, self.line + rows, self.text_hash)
        if edit.start > self.end:
            return self
        return None


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
    start_byte: int = 0
    end_byte: int = 0
    """The function's bytes in the document (moved by `follow_edits`)."""

    @property
    def span(self) -> Span:
        return Span(self.start_byte, self.end_byte, self.def_line, self.text_hash)


@dataclass
class RunStore:
    """Predictions and verifications of one server, per document URI and function qualname."""

    predicted: dict[str, dict[str, FunctionRun]] = field(default_factory=dict)
    real: dict[str, dict[str, FunctionRun]] = field(default_factory=dict)

    def follow_edits(
        self,
        uri: str,
        edits: Sequence[TextEdit] | None,
        source: bytes,
        functions: Callable[[], Sequence[FunctionFacts]],
    ) -> bool:
        """Move the document's runs through `edits` (in order; `source` is the text after them),
        or, for a whole new text (`edits` None), to their functions in `functions()`; drop those
        whose function's text changed. True if any run was dropped."""
        dropped = False
        for runs in (self.predicted, self.real):
            by_function = runs.get(uri)
            if not by_function:
                continue
            for qualname, run in list(by_function.items()):
                if edits is None:
                    moved = relocate(run, functions(), source)
                else:
                    moved = follow_edits(run, edits, source)
                if moved is None:
                    del by_function[qualname]
                    dropped = True
                else:
                    by_function[qualname] = moved
        return dropped


def text_hash(source: bytes, start_byte: int, end_byte: int) -> str:
    """A short fingerprint of a function's text: edits elsewhere leave it unchanged."""
    return hashlib.blake2b(source[start_byte:end_byte], digest_size=12).hexdigest()


def span_after(span: Span, edits: Sequence[TextEdit], source: bytes) -> Span | None:
    """`span` mapped through `edits`, or None when one touched it or its text is no longer the
    same (`source`: the text after the edits)."""
    current: Span | None = span
    for edit in edits:
        if current is None:
            return None
        current = current.after(edit)
    if current is None or text_hash(source, current.start, current.end) != span.text_hash:
        return None
    return current


def row_after(row: int, edits: Sequence[TextEdit]) -> int:
    """A 0-based row mapped through `edits` in order."""
    for edit in edits:
        row = edit.row_after(row)
    return row


def follow_edits(run: FunctionRun, edits: Sequence[TextEdit], source: bytes) -> FunctionRun | None:
    """The run with every line (its function's, its trace's, its line values') mapped through
    `edits`; None when the function's own text changed."""
    span = span_after(run.span, edits, source)
    if span is None:
        return None
    if all(edit.old_end_row == edit.new_end_row for edit in edits):
        return dataclasses.replace(run, start_byte=span.start, end_byte=span.end)
    return _moved(run, span, lambda line: row_after(line - 1, edits) + 1)


def relocate_span(
    span: Span, qualname: str, functions: Sequence[FunctionFacts], source: bytes
) -> Span | None:
    """After the whole text was replaced (nothing to map through): where the function `qualname`
    with the same text now lies (the one nearest to where it was); None when there is none."""
    same = [
        function
        for function in functions
        if function.qualname == qualname
        and text_hash(source, function.node.start_byte, function.node.end_byte) == span.text_hash
    ]
    if not same:
        return None
    best = min(same, key=lambda function: abs(function.def_line - span.line))
    return Span(best.node.start_byte, best.node.end_byte, best.def_line, span.text_hash)


def relocate(
    run: FunctionRun, functions: Sequence[FunctionFacts], source: bytes
) -> FunctionRun | None:
    """`relocate_span` for a run: every line shifted by as much as its function moved."""
    span = relocate_span(run.span, run.qualname, functions, source)
    if span is None:
        return None
    rows = span.line - run.def_line
    return _moved(run, span, lambda line: line + rows)


def _moved(run: FunctionRun, span: Span, moved: Callable[[int], int]) -> FunctionRun:
    """`run` at `span`, with each 1-based line `n` of it (trace and line values too) at `moved(n)`."""
    steps = [dataclasses.replace(step, line=moved(step.line)) for step in run.trace.steps]
    lines = {
        moved(line): dataclasses.replace(values, line=moved(line))
        for line, values in run.lines.items()
    }
    return dataclasses.replace(
        run,
        def_line=moved(run.def_line),
        end_line=moved(run.end_line),
        trace=dataclasses.replace(run.trace, steps=steps),
        lines=lines,
        start_byte=span.start,
        end_byte=span.end,
    )


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
        start_byte=facts.node.start_byte,
        end_byte=facts.node.end_byte,
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

    def settle(index: int, step: Step, after: dict[str, str], sure: float) -> None:
        if step.event == "call":
            written = dict(after if after else step.locals)
        else:
            written = {k: v for k, v in after.items() if step.locals.get(k) != v}
        runs[step.line] = runs.get(step.line, 0) + 1
        previous = result.get(step.line)
        if not written and previous is not None:
            # A run that wrote nothing (a loop header's exit test) keeps the last writes shown,
            # with how sure the prediction was of them.
            written, sure = previous.values, previous.probability
        result[step.line] = LineValues(step.line, written, runs[step.line], index, sure)

    def ours(step: Step) -> bool:
        return step.function == name and first_line <= step.line <= last_line

    for index, step in enumerate(trace.steps):
        waiting = pending.pop(step.depth, None)
        if waiting is not None:
            before_index, before = waiting
            after = step.locals if step.event != "call" else {}
            settle(before_index, before, after, step.probability)
        # Frames deeper than this one have ended without a return stop (exception unwinding).
        for depth in [d for d in pending if d > step.depth]:
            stale_index, stale = pending.pop(depth)
            settle(stale_index, stale, stale.locals, stale.probability)
        if step.event in ("line", "call") and ours(step):
            if step.event == "call":
                settle(index, step, step.locals, step.probability)
            else:
                pending[step.depth] = (index, step)
    for index, step in pending.values():
        settle(index, step, step.locals, step.probability)
    return result


def label(values: LineValues, width: int, confident_at: float = CONFIDENT_AT) -> str:
    """`x = 3, total = 12` (plus `(×N)` for repeated lines), cut to `width` characters;
    `≈ x = 3` when the prediction is less sure than `confident_at`."""
    text = ", ".join(f"{name} = {value}" for name, value in values.values.items())
    prefix = "≈ " if values.probability < confident_at else ""
    suffix = f" (×{values.runs})" if values.runs > 1 else ""
    room = max(4, width - len(suffix) - len(prefix))
    if len(text) > room:
        text = text[: room - 1] + "…"
    return prefix + text + suffix


def tooltip(values: LineValues, total_steps: int, source: str) -> str:
    """Full values, the step of the last run and the run count."""
    rows = [f"{name} = {value}" for name, value in values.values.items()]
    runs = f"ran {values.runs} time{'s' if values.runs != 1 else ''}"
    sure = f" · probability {values.probability:.0%}" if values.probability < 1.0 else ""
    rows.append(f"{source} · step {values.step + 1} of {total_steps} · {runs}{sure}")
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


def predicted_probability(store: RunStore, uri: str, qualname: str, line: int) -> float:
    """How sure the prediction is of what `line` of a function wrote (1.0 when it is exact,
    or when no prediction shows that line)."""
    run = store.predicted.get(uri, {}).get(qualname)
    values = None if run is None else run.lines.get(line)
    return 1.0 if values is None else values.probability


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
