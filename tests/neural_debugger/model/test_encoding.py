"""The encoding: delta-encoded stops round-trip, and applying deltas rebuilds real states."""

from __future__ import annotations

from neurodebug.neural_debugger.model.dataset import next_index, states_of
from neurodebug.neural_debugger.model.encoding import (
    Stop,
    apply_stop,
    decode_stop,
    encode_stop,
    stop_from_step,
)
from neurodebug.neural_debugger.model.tokenizer import train_words

from tests.neural_debugger.neural_fixtures import PROGRAMS, records


def test_stops_round_trip_through_tokens() -> None:
    tok = train_words(["acc total"] * 30)
    stops = [
        Stop(False, "line", 4, 0, "total", {"acc": "3", "v": "'a b'"}, ("old",)),
        Stop(False, "return", 5, 1, "double", {}, (), value="[1, 2]"),
        Stop(False, "exception", 3, 0, "check", {}, (), exception="ValueError: negative"),
        Stop(True, value="12"),
        Stop(True, exception="ZeroDivisionError: division by zero"),
    ]
    for stop in stops:
        assert decode_stop(tok, encode_stop(tok, stop)[:-1]) == stop
        assert decode_stop(tok, encode_stop(tok, stop)) == stop


def test_applying_every_action_delta_rebuilds_the_real_next_state() -> None:
    checked = 0
    for record in records():
        from neurodebug.neural_debugger.groundtruth.trace import Trace

        trace = Trace.from_json(record["trace"])  # type: ignore[arg-type]
        states = states_of(trace)
        for index, state in enumerate(states):
            for action in ("step_into", "step_over", "step_out", "step_back"):
                target = next_index(trace, index, action)
                if target is None:
                    continue
                stop = stop_from_step(state, trace.steps[target])
                rebuilt = apply_stop(state, stop)
                assert rebuilt.step == trace.steps[target]
                if action == "step_into":  # stepping back into a callee cannot know its caller line
                    assert rebuilt.outer == states[target].outer
                checked += 1
    assert checked > 100


def test_delta_lists_only_changed_locals() -> None:
    source, _calls = PROGRAMS[0]
    record = next(r for r in records() if r["source"] == source)
    from neurodebug.neural_debugger.groundtruth.trace import Trace

    trace = Trace.from_json(record["trace"])  # type: ignore[arg-type]
    states = states_of(trace)
    line4 = next(i for i, s in enumerate(trace.steps) if s.line == 4 and s.locals.get("acc") == "0")
    stop = stop_from_step(states[line4], trace.steps[line4 + 1])
    assert set(stop.changed) == {"acc"}
