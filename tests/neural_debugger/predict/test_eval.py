"""Evaluation: metrics are computed against the real traces (an oracle scores 100%)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.model.encoding import State, Stop, stop_from_step
from neurodebug.neural_debugger.predict.evaluate import evaluate_programs, load_split

from neurodebug.cli import main
from tests.neural_debugger.neural_fixtures import corpus_dir, records, tiny_checkpoint


class Oracle:
    """Answers from the real traces, so every metric must come out at 100%."""

    def __init__(self) -> None:
        self.traces = {(r["source"], r["call"]): Trace.from_json(r["trace"]) for r in records()}  # type: ignore[arg-type]

    def predict_steps(
        self, source: str, requests: Sequence[tuple[State, str, Sequence[int]]]
    ) -> list[Stop]:
        from neurodebug.neural_debugger.model.dataset import next_index, states_of

        out = []
        for state, action, breakpoints in requests:
            for (src, _call), trace in self.traces.items():
                if src != source:
                    continue
                states = states_of(trace)
                if state in states:
                    index = states.index(state)
                    target = next_index(trace, index, action, breakpoints)
                    step = trace.steps[target] if target is not None else None
                    out.append(stop_from_step(state, step, (trace.result, trace.exception)))
                    break
        return out

    def predict_output(
        self, source: str, function: str, call: str, start: State | None = None
    ) -> tuple[str | None, str | None]:
        trace = self.traces[(source, call)]
        return trace.result, trace.exception

    def predict_inputs(self, source: str, function: str, output: str) -> str:
        for (src, call), trace in self.traces.items():
            if src == source and trace.result == output:
                return call
        return f"{function}()"

    def predict_input_candidates(
        self, source: str, function: str, output: str, count: int = 8, seed: int = 0
    ) -> list[str]:
        return [self.predict_inputs(source, function, output)]

    def folded_output(
        self, source: str, function: str, call: str
    ) -> tuple[str | None, str | None] | None:
        return None

    def predict_trace(
        self,
        source: str,
        function: str,
        call: str,
        action: str,
        breakpoints: Sequence[int] = (),
        max_steps: int = 50,
        start: State | None = None,
    ) -> Trace:
        return self.traces[(source, call)]


def test_an_oracle_scores_every_metric_at_100_percent() -> None:
    programs = load_split(corpus_dir(), "train")["synthetic"]
    assert programs
    results = evaluate_programs(Oracle(), programs, per_trace=12)  # type: ignore[arg-type]
    metrics = results["metrics"]
    for name in (
        "step_into/next_line",
        "step_out/changed_locals_em",
        "output_pass@1",
        "input_pass@1",
    ):
        assert name in metrics
    assert all(value["accuracy"] == 1.0 for value in metrics.values()), metrics


def test_eval_command_scores_an_untrained_model_below_the_oracle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["eval", "--checkpoint", str(tiny_checkpoint()), "--corpus", str(corpus_dir()),
         "--split", "test", "--format", "json", "--programs", "1", "--per-trace", "3", "--no-rollouts"]
    )  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    metrics = payload["synthetic"]["metrics"]
    assert "output_pass@1" in metrics
    assert any(name.endswith("/next_line") for name in metrics)
    assert min(value["accuracy"] for value in metrics.values()) < 1.0


class Refuser(Oracle):
    """Refuses every source, as the model does with one longer than its window."""

    def predict_steps(
        self, source: str, requests: Sequence[tuple[State, str, Sequence[int]]]
    ) -> list[Stop]:
        from neurodebug.neural_debugger.predict.inference import PredictionError

        raise PredictionError("the source is too long for the model")


def test_refused_programs_count_against_accepted_and_nowhere_else() -> None:
    programs = load_split(corpus_dir(), "train")["synthetic"]
    metrics = evaluate_programs(Refuser(), programs, per_trace=3)["metrics"]  # type: ignore[arg-type]
    assert metrics["accepted"] == {"accuracy": 0.0, "n": len(programs)}
    assert set(metrics) == {"accepted"}


def test_functions_recorded_in_a_test_suite_are_their_own_group() -> None:
    from neurodebug.neural_debugger.predict.evaluate import origin_kind

    assert origin_kind({"origin": "suite:semver"}) == "suite"
    assert origin_kind({"origin": "stdlib:textwrap.dedent"}) == "real"
    assert origin_kind({}) == "synthetic"


def test_calibration_measures_the_gap_between_probability_and_accuracy() -> None:
    from neurodebug.neural_debugger.predict.evaluate import calibration

    perfect = [(1.0, True)] * 6 + [(0.5, True), (0.5, False)] * 2
    result = calibration(perfect, confident_at=0.9)
    assert result["ece"] == 0.0 and result["n"] == 10
    assert result["confident_share"] == 0.6 and result["confident_accuracy"] == 1.0
    assert result["certain_share"] == 0.6 and result["certain_accuracy"] == 1.0
    overconfident = [(0.95, False)] * 3 + [(0.95, True)]
    result = calibration(overconfident, confident_at=0.9)
    assert result["ece"] == pytest.approx(0.7) and result["confident_accuracy"] == 0.25
    assert result["certain_share"] == 0.0 and result["certain_accuracy"] is None
    assert calibration([]) == {"n": 0}


def test_an_oracle_is_confident_and_right() -> None:
    programs = load_split(corpus_dir(), "train")["synthetic"]
    result = evaluate_programs(Oracle(), programs, per_trace=4)  # type: ignore[arg-type]
    assert result["calibration"]["confident_accuracy"] == 1.0
    assert result["calibration"]["ece"] == 0.0


class MethodOracle(Oracle):
    """Like the real predictor, cannot read a method's call expression, only its call stop."""

    def predict_output(
        self, source: str, function: str, call: str, start: State | None = None
    ) -> tuple[str | None, str | None]:
        from neurodebug.neural_debugger.predict.inference import PredictionError

        if start is None:
            raise PredictionError("call arguments must be literals")
        assert start.step.event == "call" and start.step.depth == 0
        for (src, _call), trace in self.traces.items():
            if src == source and trace.steps[0].locals == start.step.locals:
                return trace.result, trace.exception
        raise AssertionError("no recorded call starts there")


def test_calls_that_are_no_literals_are_predicted_from_their_recorded_call_stop() -> None:
    from neurodebug.neural_debugger.model.dataset import Program

    programs = [
        Program(p.source, tuple((f"obj.{t.steps[0].function}(<opaque>)", t) for _, t in p.traces))
        for p in load_split(corpus_dir(), "train")["synthetic"]
    ]
    metrics = evaluate_programs(MethodOracle(), programs, per_trace=2, rollouts=False)["metrics"]  # type: ignore[arg-type]
    assert metrics["output_pass@1"] == {"accuracy": 1.0, "n": len(programs)}
    assert "input_pass@1" not in metrics  # such a call cannot be rerun to check an input


def test_a_call_runs_inside_the_module_its_function_came_from() -> None:
    """Harvested and suite functions read their module's helpers: their candidate inputs are
    only checkable inside a copy of that module's globals."""
    from neurodebug.neural_debugger.predict.evaluate import RunContext, run_calls

    source = "def doubled(part):\n    return join(part, part)\n"
    jobs = [
        (source, "doubled('x')", "'x/x'", RunContext("posixpath")),
        (source, "doubled('x')", "'x/x'", RunContext()),  # alone: `join` is not defined
        (source, "doubled('y')", "'x/x'", RunContext("posixpath")),  # another output
    ]
    assert run_calls(jobs) == [True, False, False]


def test_a_suite_record_names_its_module_from_its_project_package() -> None:
    from neurodebug.neural_debugger.predict.evaluate import suite_module

    packages = {"sqlparse": "sqlparse", "tabulate": "tabulate", "xmltodict": "xmltodict.py"}
    assert suite_module({"project": "sqlparse", "file": "engine/grouping.py"}, packages) == (
        "sqlparse.engine.grouping"
    )
    assert suite_module({"project": "tabulate", "file": "__init__.py"}, packages) == "tabulate"
    assert suite_module({"project": "xmltodict", "file": "xmltodict.py"}, packages) == "xmltodict"
    assert suite_module({"project": "unknown", "file": "a.py"}, packages) is None


def test_where_calls_run_is_read_from_sharded_and_single_file_corpora(tmp_path: Path) -> None:
    """`load_contexts` reads the same records as `load_split`, in either corpus layout."""
    from neurodebug.neural_debugger.predict.evaluate import RunContext, load_contexts

    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records()))
    for corpus in (corpus_dir(), tmp_path):
        programs = load_split(corpus, "train")["synthetic"]
        contexts = load_contexts(corpus, "train")
        assert programs and {p.name for p in programs} <= set(contexts)
        assert all(contexts[p.name] == RunContext() for p in programs)
