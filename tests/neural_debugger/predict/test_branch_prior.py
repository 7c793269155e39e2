"""The prior against entering `if` bodies: which lines it reads, and that decoding applies it."""

from __future__ import annotations

import ast

import torch
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.model.encoding import Frame, State
from neurodebug.neural_debugger.predict.branch_prior import branches, line_offsets
from neurodebug.neural_debugger.predict.constraints import stop_constraints
from neurodebug.neural_debugger.predict.grammar import Row
from neurodebug.neural_debugger.predict.inference import load_predictor, source_facts

from tests.neural_debugger.neural_fixtures import tiny_checkpoint

GUARDED = (
    "def pick(items, limit):\n"  # 1
    "    if not items:\n"  # 2
    "        raise ValueError('empty')\n"  # 3
    "    if limit < 0:\n"  # 4
    "        return None\n"  # 5
    "    elif limit == 0:\n"  # 6
    "        limit = len(items)\n"  # 7
    "    total = 0\n"  # 8
    "    for item in items[:limit]:\n"  # 9
    "        if item.ready():\n"  # 10
    "            total += item.size\n"  # 11
    "    return total\n"  # 12
    "def check(name):\n"  # 13
    "    raise KeyError(\n"  # 14
    "        name,\n"  # 15
    "    )\n"  # 16
    "    if name:\n"  # 17
    "        return name\n"  # 18
    "    raise KeyError(name)\n"  # 19
)


def test_every_if_and_elif_names_its_body_and_how_it_starts() -> None:
    facts = branches(ast.parse(GUARDED))
    assert facts.bodies == {
        2: (3, "raise"),
        4: (5, "return"),
        6: (7, "other"),
        10: (11, "other"),
        17: (18, "return"),
    }
    assert facts.raises == {3, 14, 15, 16, 19}


def test_raises_and_returned_bodies_are_scored_down_after_an_if() -> None:
    facts = branches(ast.parse(GUARDED))
    bias = {"raise": 4.0, "return": 2.0}
    at_guard = State(Step(2, "line", "pick", 0, {}))
    assert line_offsets(facts, at_guard, [3, 4], bias) == [-4.0, 0.0]
    assert line_offsets(facts, at_guard, [3], bias) is None  # nothing else to choose
    # no shift for a kind the table leaves out, nor from a line that is not an `if`
    assert line_offsets(facts, State(Step(10, "line", "pick", 0, {})), [11, 9], bias) is None
    assert line_offsets(facts, State(Step(8, "line", "pick", 0, {})), [9, 12], bias) is None
    # the condition called a function that has just returned: the caller's `if` decides
    returned = State(Step(3, "return", "ready", 1, {}), (Frame("pick", 4, {}),))
    assert line_offsets(facts, returned, [5, 6], bias) == [-2.0, 0.0]
    # a `raise` the `if` falls through to is scored down more than the returning body
    at_last_if = State(Step(17, "line", "check", 0, {}))
    assert line_offsets(facts, at_last_if, [18, 19], bias) == [-2.0, -4.0]


def test_decoding_shifts_the_models_score_of_the_body_line() -> None:
    """The model scores the body (line 11) one logit above leaving it (line 9): the decoder
    takes the body without a shift, the other line with a shift of two, and a shift of a half
    changes nothing."""
    predictor = load_predictor(tiny_checkpoint())
    tok = predictor.tok
    facts = source_facts(GUARDED)
    state = State(Step(10, "line", "pick", 0, {"items": "[a]", "limit": "1", "total": "0"}))
    logits = torch.zeros(predictor.model.config.vocab_size)
    logits[tok.line(11)], logits[tok.line(9)] = 5.0, 4.0
    chosen = []
    for bias in ({}, {"other": 2.0}, {"other": 0.5}):
        predictor.branch_bias = bias
        row = Row("step", state, "step_over", stop_constraints(facts, state, "step_over", ()))
        row.generated, row.phase = [tok.special("<line>")], "line"
        chosen.append(tok.line_of(predictor._choose(row, logits, facts)))
    assert chosen == [11, 9, 11]
