"""Training and evaluation examples from traced programs: transitions, balanced and packed.

A `Program` is a source plus traced calls. From each trace we draw debugger transitions with a
random policy balanced across actions (every action gets a share, whatever the trace looks like),
plus `run` (call → result) and `invert` (result → arguments) examples, drop duplicates, and pack
one program's transitions behind one copy of its source into sequences of at most `block_size`
tokens. Sampling is seeded, so the same corpus and seed give the same data.
"""

from __future__ import annotations

import ast
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from neurodebug.neural_debugger.groundtruth import actions
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.model.encoding import (
    ACTIONS,
    Frame,
    State,
    Stop,
    encode_action,
    encode_invert,
    encode_invert_target,
    encode_run,
    encode_run_target,
    encode_source,
    encode_state,
    encode_stop,
    stop_from_step,
)
from neurodebug.neural_debugger.model.source_view import model_text
from neurodebug.neural_debugger.model.tokenizer import Tokenizer

ACTION_WEIGHTS: dict[str, float] = {
    "step_into": 0.3,
    "step_over": 0.25,
    "step_out": 0.15,
    "continue": 0.15,
    "step_back": 0.15,
}
"""The sampling policy over actions: every action gets enough examples to be learned."""


@dataclass(frozen=True)
class Program:
    """A program's source and some traced entry calls (call expression, trace)."""

    source: str
    traces: tuple[tuple[str, Trace], ...]
    name: str = ""


@dataclass(frozen=True)
class Transition:
    """One example: from `state`, `action` (with `breakpoints`) leads to `stop`."""

    state: State
    action: str
    breakpoints: tuple[int, ...]
    stop: Stop


@dataclass(frozen=True)
class Example:
    """Tokenised example: `context` is read, `target` is predicted."""

    kind: str
    context: list[int]
    target: list[int]


def states_of(trace: Trace) -> list[State]:
    """Every step of a trace with its caller frames (the last stop seen at each shallower depth)."""
    states: list[State] = []
    last: list[Step] = []
    for step in trace.steps:
        del last[step.depth :]
        outer = tuple(Frame(s.function, s.line, s.locals) for s in last)
        if len(outer) != step.depth:  # a trace that starts deeper than its callers: no frames
            outer = ()
        states.append(State(step=step, outer=outer))
        while len(last) < step.depth:
            last.append(step)
        last.append(step)
    return states


def next_index(
    trace: Trace, index: int, action: str, breakpoints: Sequence[int] = ()
) -> int | None:
    """The stop an action leads to from `trace.steps[index]` (None: the program ends first).

    The semantics are the ground truth's (`neural_debugger.groundtruth.actions`), shared with `verify`.
    """
    return actions.apply(trace, index, action, breakpoints)


def statement_lines(source: str) -> list[int]:
    """Lines where a statement starts (breakpoint candidates and decoding constraints)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [n for n, text in enumerate(source.splitlines(), 1) if text.strip()]
    return sorted({node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt)})


def sample_transitions(
    program: Program, rng: random.Random, per_trace: int = 24
) -> list[Transition]:
    """Up to `per_trace` transitions per trace, actions drawn from `ACTION_WEIGHTS`."""
    out: list[Transition] = []
    lines = statement_lines(program.source)
    actions = list(ACTION_WEIGHTS)
    weights = list(ACTION_WEIGHTS.values())
    for _call, trace in program.traces:
        if not trace.steps:
            continue
        states = states_of(trace)
        result = (trace.result, trace.exception)
        for _ in range(min(per_trace, 2 * len(states))):
            index = rng.randrange(len(states))
            action = rng.choices(actions, weights)[0]
            if action == "step_back" and index == 0:
                action = "step_into"
            breakpoints: tuple[int, ...] = ()
            if action == "continue":
                future = [s.line for s in trace.steps[index + 1 :] if s.event == "line"]
                pool = future if future and rng.random() < 0.8 else lines
                breakpoints = tuple(
                    sorted(set(rng.sample(pool, min(len(pool), rng.randint(1, 2)))))
                )
            target_index = next_index(trace, index, action, breakpoints)
            target = trace.steps[target_index] if target_index is not None else None
            stop = stop_from_step(states[index], target, result)
            out.append(Transition(states[index], action, breakpoints, stop))
    return out


def program_examples(
    tok: Tokenizer, program: Program, rng: random.Random, per_trace: int = 24
) -> list[Example]:
    """Tokenised, de-duplicated examples of every task for one program."""
    examples: list[Example] = []
    for transition in sample_transitions(program, rng, per_trace):
        context = encode_state(tok, transition.state) + encode_action(
            tok, transition.action, transition.breakpoints
        )
        examples.append(Example(transition.action, context, encode_stop(tok, transition.stop)))
    for call, trace in program.traces:
        if not trace.steps or trace.status not in ("ok", "exception"):
            continue
        states = states_of(trace)
        calls = [i for i, s in enumerate(trace.steps) if s.event == "call"]
        for index in rng.sample(calls, min(3, len(calls))):
            ret = _frame_exit(trace.steps, index)
            if ret is None:
                continue
            value, exception = ret
            if index == 0:
                value, exception = trace.result, trace.exception
            examples.append(
                Example(
                    "run", encode_run(tok, states[index]), encode_run_target(tok, value, exception)
                )
            )
        first = trace.steps[0]
        if first.event == "call" and first.depth == 0 and trace.exception is None and trace.result:
            examples.append(
                Example(
                    "invert",
                    encode_invert(tok, first.function, trace.result),
                    encode_invert_target(tok, first.locals),
                )
            )
        del call
    seen: set[str] = set()
    unique: list[Example] = []
    for example in examples:
        key = hashlib.blake2b(repr((example.context, example.target)).encode(), digest_size=12)
        digest = key.hexdigest()
        if digest not in seen:
            seen.add(digest)
            unique.append(example)
    return unique


def _frame_exit(steps: Sequence[Step], index: int) -> tuple[str | None, str | None] | None:
    """The (return value, exception) of the frame called at `steps[index]`, if it exits."""
    depth = steps[index].depth
    for step in steps[index + 1 :]:
        if step.depth < depth:
            return None
        if step.depth == depth and step.event == "return":
            if step.value is None:  # the frame exits by an exception: the last one raised
                raised = [
                    s.value
                    for s in steps[index + 1 :]
                    if s.depth == depth and s.event == "exception"
                ]
                return None, raised[-1] if raised else None
            return step.value, None
    return None


def pack(
    header: list[int], examples: Iterable[Example], block_size: int
) -> list[tuple[list[int], list[int]]]:
    """Sequences of `header` + examples, each ≤ `block_size` tokens, with loss masks (1 = target)."""
    sequences: list[tuple[list[int], list[int]]] = []
    tokens: list[int] = list(header)
    mask: list[int] = [0] * len(header)
    for example in examples:
        size = len(example.context) + len(example.target)
        if len(header) + size > block_size:
            continue
        if len(tokens) + size > block_size:
            sequences.append((tokens, mask))
            tokens, mask = list(header), [0] * len(header)
        tokens += example.context + example.target
        mask += [0] * len(example.context) + [1] * len(example.target)
    if len(tokens) > len(header):
        sequences.append((tokens, mask))
    return sequences


def viewed_program(program: Program) -> Program:
    """The program as the model reads it: docstrings and comments blanked, line numbers kept
    (`source_view.model_text`), so its traces stand as they are. The predictor reads every
    source this way."""
    return Program(model_text(program.source), program.traces, program.name)


def program_sequences(
    tok: Tokenizer, program: Program, rng: random.Random, block_size: int, per_trace: int = 24
) -> list[tuple[list[int], list[int]]]:
    """All packed training sequences of one program, read through its view (empty when the
    source is too long)."""
    program = viewed_program(program)
    header = encode_source(tok, program.source)
    if len(header) > block_size // 2:
        return []
    examples = program_examples(tok, program, rng, per_trace)
    rng.shuffle(examples)
    return pack(header, examples, block_size)


ALL_KINDS = (*ACTIONS, "run", "invert")
