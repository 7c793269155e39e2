"""Measure a checkpoint on held-out programs: per-action accuracy, outputs, inputs, rollouts.

Metrics (each over the corpus split's programs, none of which the model trained on):

- per action: next-line accuracy, event accuracy, changed-locals exact match (the delta: which
  locals changed and to what), full-state exact match (event, line, depth, function, every local,
  return value) — for step_into, step_over, step_out, continue (with breakpoints), step_back;
- output pass@1: the predicted return value (or exception) equals the real one;
- input pass@1: running the predicted call (in the tracer's sandbox) returns the target output —
  never exact match of the inputs, since many inputs give one output; `input_pass@1_checked`:
  the same for the call `invert.choose_call` answers after checking the model's candidates
  (by folding, then by running them);
- rollout line-sequence exact match: the whole step-into trace of the call, line by line;
  rollout output pass@1: that rollout's return value equals the real one (calls that return);
- accepted: programs the model reads at all (the others are refused as too long and count in
  no other metric);
- calibration: how well each predicted stop's probability matches how often such stops are
  right (expected calibration error, and the accuracy of the stops marked confident).

Synthetic programs, harvested stdlib functions and functions recorded in real projects' test
suites are reported apart (`origin_kind`).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.model.corpus_data import read_records, split_of
from neurodebug.neural_debugger.model.dataset import Program, sample_transitions
from neurodebug.neural_debugger.model.encoding import ACTIONS, State, Stop, apply_stop
from neurodebug.neural_debugger.predict.inference import PredictionError, Predictor
from neurodebug.neural_debugger.predict.invert import choose_call
from neurodebug.neural_debugger.predict.runs import CONFIDENT_AT


@dataclass
class Tally:
    """Correct / total counters per metric name."""

    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, ok: bool) -> None:
        self.total[name] += 1
        self.correct[name] += int(ok)

    def rates(self) -> dict[str, dict[str, float | int]]:
        return {
            name: {"accuracy": self.correct[name] / self.total[name], "n": self.total[name]}
            for name in sorted(self.total)
        }


def origin_kind(meta: dict[str, Any]) -> str:
    """`synthetic`, `real` (a harvested stdlib function) or `suite` (recorded in a project's
    own test suite: its calls need the project to run, so inputs cannot be checked here)."""
    origin = str(meta.get("origin", "synthetic"))
    if origin == "synthetic":
        return "synthetic"
    return "suite" if origin.startswith("suite:") else "real"


def split_records(corpus: Path, split: str) -> Iterator[dict[str, Any]]:
    """The records of one split: from its shards (`test-00000.jsonl`), or, in a corpus written
    as one file, those its split field names."""
    sharded = any(corpus.rglob(f"{split}-*.jsonl"))
    for record in read_records(corpus, pattern=f"{split}-*.jsonl" if sharded else "*.jsonl"):
        if split_of(record) == split:
            yield record


def load_split(corpus: Path, split: str) -> dict[str, list[Program]]:
    """The split's programs grouped by origin kind (see `origin_kind`)."""
    groups: dict[str, list[Program]] = {"synthetic": [], "real": [], "suite": []}
    for record in split_records(corpus, split):
        kind = origin_kind(record.get("meta", {}))
        trace = Trace.from_json(record.get("trace", {}))
        groups[kind].append(
            Program(
                record["source"], ((str(record.get("call", "")), trace),), str(record.get("id"))
            )
        )
    return groups


@dataclass(frozen=True)
class RunContext:
    """Where a program's candidate calls run for the input check: inside a copy of `module`'s
    globals (helpers and constants resolve), with `path` first on `sys.path`."""

    module: str | None = None
    path: str | None = None


def load_contexts(
    corpus: Path,
    split: str,
    suite_packages: Path | None = None,
    packages: Mapping[str, str] | None = None,
) -> dict[str, RunContext]:
    """By program id: where its calls can run. A synthetic program alone; a harvested stdlib
    function inside its module; a function recorded in a project's suite, only when its call
    is literal and `suite_packages` (a site-packages folder where the projects are installed)
    is given: inside its module there (`suite_module`, with `packages`: project -> the package
    folder or single module its sources are in)."""
    contexts: dict[str, RunContext] = {}
    for record in split_records(corpus, split):
        meta = record.get("meta", {})
        kind, key = origin_kind(meta), str(record.get("id"))
        if kind == "synthetic":
            contexts[key] = RunContext()
        elif kind == "real":
            contexts[key] = RunContext(meta.get("context_module"))
        elif suite_packages is not None and meta.get("literal_call"):
            module = suite_module(meta, packages or {})
            if module is not None:
                contexts[key] = RunContext(module, str(suite_packages))
    return contexts


def suite_module(meta: Mapping[str, Any], packages: Mapping[str, str]) -> str | None:
    """The module a suite record's function is in: its project's package (`tabulate`, or a
    single module `xmltodict.py`) and the file relative to it (`engine/grouping.py`)."""
    package = packages.get(str(meta.get("project")))
    if package is None:
        return None
    if package.endswith(".py"):
        return package.removesuffix(".py")
    parts = Path(str(meta.get("file", ""))).with_suffix("").parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((package, *parts))


def _same_stop(predicted: Stop, real: Stop) -> tuple[bool, bool, bool]:
    """(line ok, event ok, changed-locals exact match)."""
    if real.end or predicted.end:
        both = real.end and predicted.end
        return both, both, both
    line = predicted.line == real.line
    event = predicted.event == real.event
    delta = predicted.changed == real.changed and set(predicted.deleted) == set(real.deleted)
    return line, event, delta


def evaluate_programs(
    predictor: Predictor,
    programs: list[Program],
    seed: int = 0,
    per_trace: int = 10,
    check_inputs: bool = True,
    contexts: Mapping[str, RunContext] | None = None,
    rollouts: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """All metrics over `programs` (each with its traced call). Input predictions are checked
    by running them where `contexts` says a program's calls run (by program name; None: each
    program alone)."""
    rng = random.Random(seed)
    tally = Tally()
    invert_jobs: list[CallJob] = []  # (source, call, target output, where it runs)
    checked_jobs: list[CallJob] = []  # the same, the answer `choose_call` checked
    sureness: list[tuple[float, bool]] = []  # (probability, full state right) per next stop
    started = time.monotonic()
    for number, program in enumerate(programs):
        if progress:
            progress(number, len(programs))
        call, trace = program.traces[0]
        function = trace.steps[0].function if trace.steps else ""
        try:
            transitions = sample_transitions(program, rng, per_trace)
            requests = [(t.state, t.action, t.breakpoints) for t in transitions]
            predicted = predictor.predict_steps(program.source, requests) if requests else []
        except PredictionError:  # refused: the source does not fit the model's window
            tally.add("accepted", False)
            continue
        tally.add("accepted", True)
        for transition, stop in zip(transitions, predicted, strict=True):
            line, event, delta = _same_stop(stop, transition.stop)
            action = transition.action
            tally.add(f"{action}/next_line", line)
            tally.add(f"{action}/event", event)
            tally.add(f"{action}/changed_locals_em", delta)
            full = line and event and delta
            if full and not stop.end:
                real_state = apply_stop(transition.state, transition.stop)
                mine = apply_stop(transition.state, stop)
                full = mine.step == real_state.step
            elif full:
                full = stop.value == transition.stop.value
            tally.add(f"{action}/full_state_em", full)
            sureness.append((stop.probability, full))
        if not trace.steps or trace.steps[0].event != "call" or trace.steps[0].depth != 0:
            continue
        # From the call expression when it reads back as the recorded call stop; else (a
        # method's call, `*args`, defaults the call leaves out) from the recorded stop itself.
        recorded = State(step=trace.steps[0])
        start = None if _reads_back(program.source, function, call, recorded) else recorded
        try:
            value, exception = predictor.predict_output(program.source, function, call, start)
        except PredictionError:
            continue
        if trace.exception is not None:
            tally.add("output_pass@1", exception == trace.exception)
        else:
            tally.add("output_pass@1", exception is None and value == trace.result)
            where = RunContext() if contexts is None else contexts.get(program.name)
            # a literal call (`start is None`) of a function whose calls can run here
            if check_inputs and start is None and where is not None and trace.result is not None:
                guess = predictor.predict_inputs(program.source, function, trace.result)
                invert_jobs.append((program.source, guess, trace.result, where))
                answer = choose_call(  # the candidates, checked by folding, then by running
                    predictor, program.source, function, trace.result,
                    run=partial(_run_all, program.source, trace.result, where),
                )  # fmt: skip
                checked_jobs.append((program.source, answer.call, trace.result, where))
        if rollouts and len(trace.steps) <= 60:
            rollout = predictor.predict_trace(
                program.source, function, call, "step_into", (), len(trace.steps) + 1, start
            )
            lines = [(s.event, s.line) for s in rollout.steps]
            tally.add("rollout_line_seq_em", lines == [(s.event, s.line) for s in trace.steps])
            if trace.exception is None:  # the rollout's own answer to "what does it return?"
                tally.add("rollout_output_pass@1", rollout.result == trace.result)
    if check_inputs and invert_jobs:
        for ok in run_calls(invert_jobs):
            tally.add("input_pass@1", ok)
        for ok in run_calls(checked_jobs):
            tally.add("input_pass@1_checked", ok)
    results: dict[str, Any] = {"programs": len(programs), "metrics": tally.rates()}
    results["calibration"] = calibration(sureness)
    results["seconds"] = round(time.monotonic() - started, 1)
    return results


def calibration(
    pairs: list[tuple[float, bool]], confident_at: float = CONFIDENT_AT, bins: int = 10
) -> dict[str, Any]:
    """How well the stops' probabilities match how often they are right (full state).

    `ece`: expected calibration error over `bins` equal-width bins (0 is perfect);
    `confident`: the share of stops at or above `confident_at` (what the editor shows as sure)
    and how often those are right; `certain`: the same for stops given probability 1 (folded:
    exact given the state they start from, a claim this checks); `table`: per bin, the mean
    probability, the accuracy, n.
    """
    if not pairs:
        return {"n": 0}
    table = []
    ece = 0.0
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        inside = [(p, ok) for p, ok in pairs if low <= p < high or (index == bins - 1 and p == 1)]
        if not inside:
            continue
        mean = sum(p for p, _ in inside) / len(inside)
        accuracy = sum(ok for _, ok in inside) / len(inside)
        ece += len(inside) / len(pairs) * abs(mean - accuracy)
        table.append({"bin": f"{low:.1f}-{high:.1f}", "mean_p": round(mean, 4),
                      "accuracy": round(accuracy, 4), "n": len(inside)})  # fmt: skip
    sure = [ok for p, ok in pairs if p >= confident_at]
    certain = [ok for p, ok in pairs if p == 1]
    return {
        "n": len(pairs),
        "ece": round(ece, 4),
        "confident_at": confident_at,
        "confident_share": round(len(sure) / len(pairs), 4),
        "confident_accuracy": round(sum(sure) / len(sure), 4) if sure else None,
        "certain_share": round(len(certain) / len(pairs), 4),
        "certain_accuracy": round(sum(certain) / len(certain), 4) if certain else None,
        "table": table,
    }


def _reads_back(source: str, function: str, call: str, recorded: State) -> bool:
    """Whether `call`, read as the predictor reads it, gives exactly the recorded call stop."""
    from neurodebug.neural_debugger.predict.constraints import call_state
    from neurodebug.neural_debugger.predict.source_facts import source_facts

    try:
        state = call_state(source_facts(source), function, call)
    except (PredictionError, SyntaxError):
        return False
    return state.step.locals == recorded.step.locals


def _run_all(source: str, output: str, where: RunContext, calls: Sequence[str]) -> list[bool]:
    return run_calls([(source, call, output, where) for call in calls])


CallJob = tuple[str, str, str, RunContext]
"""(source, call, expected repr, where it runs)."""


def run_calls(jobs: list[CallJob]) -> list[bool]:
    """Whether each call returns the expected repr when really run (in the tracer's sandbox)."""
    from neurodebug.neural_debugger.groundtruth.sandbox import Job, run_jobs
    from neurodebug.neural_debugger.groundtruth.tracer import Limits

    sandbox_jobs = [
        Job(source=source, call=call, module_dir=where.path, context_module=where.module)
        for source, call, _, where in jobs
    ]
    outcomes: list[bool] = []
    traces = run_jobs(sandbox_jobs, Limits(timeout_s=5.0, max_steps=5000), workers=2)
    for (_source, _call, expected, _where), trace in zip(jobs, traces, strict=True):
        outcomes.append(trace.status == "ok" and trace.result == expected)
    return outcomes


def summary_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(metric, accuracy %, n) rows in a fixed order, for the text table."""
    metrics = results["metrics"]
    names = [
        f"{action}/{metric}"
        for action in ACTIONS
        for metric in ("next_line", "event", "changed_locals_em", "full_state_em")
    ]
    names += ["output_pass@1", "input_pass@1", "input_pass@1_checked", "rollout_line_seq_em"]
    names += ["rollout_output_pass@1", "accepted"]
    return [
        (name, f"{100 * metrics[name]['accuracy']:.1f}", str(metrics[name]["n"]))
        for name in names
        if name in metrics
    ]


def plot_training(metrics_file: Path, png: Path) -> None:
    """Validation loss and teacher-forced accuracies against tokens seen, as a PNG."""
    import json

    try:
        import matplotlib
    except ImportError as error:
        raise SystemExit("neurodebug: plotting needs matplotlib: pip install matplotlib") from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(line) for line in metrics_file.read_text().splitlines() if line.strip()]
    tokens = [row["tokens_seen"] / 1e6 for row in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    left.plot(tokens, [row["val_loss"] for row in rows], marker="o", label="validation")
    left.plot(tokens, [row["train_loss"] for row in rows], marker=".", alpha=0.6, label="train")
    left.set(xlabel="tokens seen (millions)", ylabel="loss on target tokens", title="loss")
    left.legend()
    right.plot(tokens, [100 * row["val_line_acc"] for row in rows], marker="o", label="next line")
    right.plot(
        tokens, [100 * row["val_token_acc"] for row in rows], marker="o", label="all targets"
    )
    right.set(xlabel="tokens seen (millions)", ylabel="accuracy % (teacher forced)",
              title="validation accuracy")  # fmt: skip
    right.legend()
    png.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(png, dpi=110)
    plt.close(figure)
