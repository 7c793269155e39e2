"""Inference: constrained decoding is well-formed, batching matches single requests, errors."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path
from typing import Any

import pytest
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.model.checkpoint import CheckpointError
from neurodebug.neural_debugger.model.encoding import State, Stop
from neurodebug.neural_debugger.predict.inference import (
    PredictionError,
    call_state,
    load_predictor,
    source_facts,
)

from tests.neural_debugger.neural_fixtures import PROGRAMS, tiny_checkpoint

SOURCE = PROGRAMS[1][0]  # double() and run(): two functions, a call between them


def test_rollout_stops_are_well_formed_under_the_constraints() -> None:
    predictor = load_predictor(tiny_checkpoint())
    facts = source_facts(SOURCE)
    trace = predictor.predict_trace(SOURCE, "run", "run(3, 1)", max_steps=6)
    assert trace.steps[0] == Step(4, "call", "run", 0, {"a": "3", "b": "1"})
    allowed_lines = set(facts.statement_lines) | {1, 4}
    for step in trace.steps[1:]:
        assert step.line in allowed_lines
        assert step.function in facts.names_at(step.line)
        assert step.event in ("call", "line", "return", "exception")
    assert len(trace.steps) <= 7


def test_a_batch_predicts_what_single_requests_predict() -> None:
    predictor = load_predictor(tiny_checkpoint())
    state = State(Step(5, "line", "run", 0, {"a": "3", "b": "1"}))
    requests = [(state, "step_into", ()), (state, "continue", (7,)), (state, "step_over", ())]
    batched = predictor.predict_steps(SOURCE, requests)
    single = [predictor.predict_steps(SOURCE, [request])[0] for request in requests]
    assert batched == single


def test_predicted_inputs_name_every_parameter_and_parse() -> None:
    predictor = load_predictor(tiny_checkpoint())
    call = predictor.predict_inputs(SOURCE, "run", "4")
    tree = ast.parse(call, mode="eval").body
    assert isinstance(tree, ast.Call)
    assert [keyword.arg for keyword in tree.keywords] == ["a", "b"]


def test_call_state_binds_literal_arguments_and_rejects_others() -> None:
    facts = source_facts(SOURCE)
    state = call_state(facts, "run", "run(3, b=[1, 'x'])")
    assert state.step.locals == {"a": "3", "b": "[1, 'x']"}
    with pytest.raises(PredictionError):
        call_state(facts, "run", "run(some_name, 1)")
    with pytest.raises(PredictionError):
        call_state(facts, "missing", "missing(1)")


def test_missing_or_corrupt_checkpoints_raise_one_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError):
        load_predictor(tmp_path / "nothing")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    for name in ("config.json", "tokenizer.json"):
        (corrupt / name).write_text((tiny_checkpoint() / name).read_text())
    (corrupt / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(CheckpointError):
        load_predictor(corrupt)


def test_constraints_always_admit_the_real_next_stop_and_narrow_the_lines() -> None:
    import random

    from neurodebug.neural_debugger.groundtruth.trace import Trace
    from neurodebug.neural_debugger.model.dataset import Program, sample_transitions
    from neurodebug.neural_debugger.predict.inference import stop_constraints

    from tests.neural_debugger.neural_fixtures import records

    rng = random.Random(0)
    narrow = 0
    checked = 0
    for record in records():
        program = Program(
            str(record["source"]), ((str(record["call"]), Trace.from_json(record["trace"])),)
        )  # type: ignore[arg-type]
        facts = source_facts(program.source)
        for transition in sample_transitions(program, rng, 30):
            rule = stop_constraints(
                facts, transition.state, transition.action, transition.breakpoints
            )
            stop = transition.stop
            if stop.end:
                assert rule.may_end or not rule.events
            else:
                assert stop.event in rule.events, transition
                assert stop.line in rule.lines(stop.event), transition
                assert stop.depth in rule.depths(stop.event), transition
            checked += 1
            narrow += transition.action == "step_over" and len(rule.lines("line")) <= 2
    assert checked > 100 and narrow > 5


def test_decoded_deltas_keep_to_the_static_bound() -> None:
    """Whatever the (tiny, barely trained) model prefers, a bounded step names only locals the
    statement can change, and every name the statement newly binds."""
    import random

    from neurodebug.neural_debugger.groundtruth.trace import Trace
    from neurodebug.neural_debugger.model.dataset import Program, sample_transitions
    from neurodebug.neural_debugger.predict.constraints import step_delta_bound

    from tests.neural_debugger.neural_fixtures import records

    predictor = load_predictor(tiny_checkpoint())
    rng = random.Random(1)
    bounded = 0
    for record in records():
        program = Program(
            str(record["source"]), ((str(record["call"]), Trace.from_json(record["trace"])),)
        )  # type: ignore[arg-type]
        facts = source_facts(program.source)
        transitions = [
            t
            for t in sample_transitions(program, rng, 60)
            if t.action in ("step_into", "step_over")
        ]
        requests = [(t.state, t.action, t.breakpoints) for t in transitions]
        for transition, stop in zip(
            transitions, predictor.predict_steps(program.source, requests), strict=True
        ):
            if stop.end:
                continue
            bound = step_delta_bound(
                facts, transition.state, transition.action, stop.event, stop.depth
            )
            if bound is None:
                continue
            bounded += 1
            names = set(stop.changed) | set(stop.deleted)
            assert names <= bound.allowed and bound.required <= names, (transition, stop, bound)
    assert bounded > 10


FOLDABLE = (
    "def score(a):\n"
    "    b = a + 1\n"
    "    if b % 2 == 0:\n"
    "        b = b * 10\n"
    "    c = b - a\n"
    "    return c * 2\n"
)


def test_folding_decides_what_it_can_even_for_an_untrained_model() -> None:
    predictor = load_predictor(tiny_checkpoint())
    at_branch = State(Step(3, "line", "score", 0, {"a": "3", "b": "4"}))
    [stop] = predictor.predict_steps(FOLDABLE, [(at_branch, "step_over", ())])
    assert (stop.event, stop.line, stop.changed) == ("line", 4, {})
    predictor.fold = False  # the model alone: it decides, within the constraints
    [alone] = predictor.predict_steps(FOLDABLE, [(at_branch, "step_over", ())])
    facts = source_facts(FOLDABLE)
    assert alone.end or alone.line in facts.next_lines[3] | {3}


def test_composed_step_out_and_output_walk_folded_single_steps() -> None:
    predictor = load_predictor(tiny_checkpoint())
    start = State(Step(2, "line", "score", 0, {"a": "3"}))
    [out] = predictor.predict_steps(FOLDABLE, [(start, "step_out", ())])
    assert (out.event, out.line, out.value) == ("return", 6, "74")
    assert out.changed == {"b": "40", "c": "37"}
    [stop_at_5] = predictor.predict_steps(FOLDABLE, [(start, "continue", (5,))])
    assert (stop_at_5.line, stop_at_5.changed) == (5, {"b": "40"})
    assert predictor.predict_output(FOLDABLE, "score", "score(3)") == ("74", None)
    assert predictor.predict_output(FOLDABLE, "score", "score(2)") == ("2", None)


RAISING = (
    "def parse(text):\n"
    "    value = int(text)\n"
    "    return value\n"
    "\n"
    "def guarded(text):\n"
    "    try:\n"
    "        value = int(text)\n"
    "    except ValueError:\n"
    "        value = -1\n"
    "    return value\n"
)


def test_a_step_out_from_an_exception_stop_walks_where_the_exception_goes() -> None:
    """Uncaught here: the frame returns on the raising line; caught: through the handler to
    the frame's return (the tracer's stops, whatever an untrained model would guess)."""
    predictor = load_predictor(tiny_checkpoint())
    error = "ValueError(\"invalid literal for int() with base 10: 'x'\")"
    uncaught = State(Step(2, "exception", "parse", 0, {"text": "'x'"}, value=error))
    caught = State(Step(7, "exception", "guarded", 0, {"text": "'x'"}, value=error))
    [out, handled] = predictor.predict_steps(
        RAISING, [(uncaught, "step_out", ()), (caught, "step_out", ())]
    )
    assert (out.event, out.line, out.depth) == ("return", 2, 0)
    assert (handled.event, handled.line, handled.value) == ("return", 10, "-1")
    # the untrained model guessed the `except` line's step: only names that line mentions
    assert handled.changed["value"] == "-1" and set(handled.changed) <= {"value", "ValueError"}


@pytest.mark.parametrize("call", ["f({[1]: 2})", "f(x)", "f(1 +)", "f({1, [2]})"])
def test_calls_the_model_cannot_read_are_refused_with_a_reason(call: str) -> None:
    from neurodebug.neural_debugger.predict.constraints import call_state
    from neurodebug.neural_debugger.predict.source_facts import source_facts

    facts = source_facts("def f(a):\n    return a\n")
    with pytest.raises(PredictionError, match=r"--call is not a call expression|must be literals"):
        call_state(facts, "f", call)


def test_text_the_model_writes_never_makes_python_warn(recwarn: pytest.WarningsRecorder) -> None:
    from neurodebug.neural_debugger.predict.constraints import call_state
    from neurodebug.neural_debugger.predict.folding import NotFoldable, literal
    from neurodebug.neural_debugger.predict.grammar import is_literal
    from neurodebug.neural_debugger.predict.source_facts import source_facts

    assert not is_literal("1if")
    with pytest.raises(NotFoldable):
        literal("1if")
    with pytest.raises(PredictionError):
        call_state(source_facts("def f(a):\n    return a\n"), "f", "f(a=1if)")
    assert not [w for w in recwarn if issubclass(w.category, SyntaxWarning)]


SETTLED = (
    "def ready(job, strict):\n"
    "    if strict:\n"
    "        return isinstance(job, str)\n"
    "    return job is not None\n"
    "\n"
    "def log(lines, text):\n"
    "    lines.append(text)\n"
)


@pytest.mark.parametrize("compose", [True, False])
def test_an_untrained_model_writes_only_values_the_source_allows(compose: bool) -> None:
    predictor = load_predictor(tiny_checkpoint())
    predictor.fold, predictor.compose = False, compose  # the model decides every step
    value, exception = predictor.predict_output(SETTLED, "ready", "ready('x', True)")
    assert exception is not None or value in ("True", "False")
    value, exception = predictor.predict_output(SETTLED, "log", "log([], 'a')")
    assert exception is not None or value == "None"
    # From its own line, `ready` (no try, no with) returns with a value, or raises first.
    at_return = State(Step(4, "line", "ready", 0, {"job": "'x'", "strict": "False"}))
    [stop] = predictor.predict_steps(SETTLED, [(at_return, "step_over", ())])
    if stop.end:  # the program's end carries the call's result or what it raised
        assert stop.value is not None or stop.exception is not None
    else:
        assert stop.event == "exception" or stop.value in ("True", "False")


CYCLE = "def pack(a, b):\n    x = f(a,\n          b)\n    return 'done'\n"


def _cycling_model(predictor: Any) -> list[tuple[int, str]]:
    """Replace the model by one that answers 2 -> 3 -> 2 … (a two-line call, where CPython
    does stop on the first line again) unless told to avoid that stop; it logs its answers."""
    answers: list[tuple[int, str]] = []

    def model_steps(source: str, facts: Any, requests: Any, avoid: Any = ()) -> list[Stop]:
        stops = []
        for state, _action, _bps in requests:
            line = 3 if state.step.line == 2 else 2
            if ("line", line) in avoid:
                stop = Stop(False, "return", 4, 0, "pack", {}, (), "'done'")
            else:
                stop = Stop(False, "line", line, 0, "pack")
            answers.append((state.step.line, stop.event))
            stops.append(stop)
        return stops

    predictor._model_steps = model_steps
    return answers


def test_walks_and_rollouts_leave_a_cycle_of_model_steps() -> None:
    predictor = load_predictor(tiny_checkpoint())
    predictor.fold = False
    answers = _cycling_model(predictor)
    start = State(Step(2, "line", "pack", 0, {"a": "1", "b": "2"}))
    # a call's output asks again for another stop, and gets the return
    assert predictor._walk_output(CYCLE, start, guesses=128) == ("'done'", None)
    assert len(answers) <= 4
    # a step out gives up on its walk at the first repeat, and answers directly
    answers.clear()
    predictor.predict_steps(CYCLE, [(start, "step_out", ())])
    assert len(answers) <= 4
    # a rollout never takes the same step twice from one state
    trace = predictor.predict_trace(CYCLE, "pack", "pack(1, 2)", max_steps=40)
    moves = [((a.line, a.event), (b.line, b.event)) for a, b in itertools.pairwise(trace.steps)]
    assert len(moves) == len(set(moves))
    assert trace.steps[-1].event == "return"
