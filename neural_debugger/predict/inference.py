"""Predict debugger stops without running code: constrained greedy decoding with a KV cache.

The LSP-free domain API the server and the CLI call:

    predictor = load_predictor()                     # shipped checkpoint; CheckpointError if bad
    trace = predictor.predict_trace(source, "f", "f(3)", action="step_over", max_steps=50)
    trace = predictor.predict_from_state(source, "f", line=4, locals={"x": "3"}, n_steps=5)
    call = predictor.predict_inputs(source, "f", "12")  # e.g. "f(x=4)"

Decoding is greedy but constrained so every prediction is well-formed: the event is an event,
the line is one the control-flow graph allows next (the CFG successors of the current line for
a step into a line of the same function; any statement or `def` line otherwise), the depth moves
by at most one level in, the function name is one defined at that line, and for input
prediction the parameter names are forced and only the values are generated (the rules are in
`constraints.py`; which locals a step may change, in `delta_names.py`; the token grammar that
applies both, in `grammar.py`). The source is read once per request: its key/value cache is
shared by every step of a rollout and every row of a batch.

Before the model, constant folding (`folded_steps.py`) decides the steps it can, exactly; step
out, continue and a call's output are walks of single steps (`Predictor.fold`,
`Predictor.compose`: both on by default, off for the model alone).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.groundtruth.recorder import RUN_MODULE
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.model.checkpoint import CheckpointError, load_checkpoint
from neurodebug.neural_debugger.model.encoding import (
    ACTIONS,
    DecodeError,
    State,
    Stop,
    apply_stop,
    decode_locals,
    decode_stop,
    encode_action,
    encode_invert,
    encode_run,
    encode_source,
    encode_state,
    stop_from_step,
)
from neurodebug.neural_debugger.model.source_view import model_text
from neurodebug.neural_debugger.model.tokenizer import Tokenizer
from neurodebug.neural_debugger.predict.branch_prior import BODY_BIAS, line_offsets
from neurodebug.neural_debugger.predict.constraints import (
    call_state,
    entry_states,
    folded_stop,
    folded_stops,
    stop_constraints,
)
from neurodebug.neural_debugger.predict.grammar import (
    MAX_VALUE_TOKENS,
    Row,
    TargetGrammar,
    is_literal,
)
from neurodebug.neural_debugger.predict.source_facts import (
    PredictionError,
    SourceFacts,
    source_facts,
)

MAX_TARGET_TOKENS = 160
"""A stop longer than this is cut (values are at most 80 characters each)."""
HEADROOM = 96
"""Tokens of the window kept free after the source for the state, the action and the answer."""
MIN_TARGET_ROOM = 32
COMPOSE_STEPS = 128
"""The longest walk of single steps a composed step out / continue may take."""
AVOID_IN_OUTPUT = True
"""Back at a state where it asked the model, a walk for a call's output asks again for another
stop (its fallback, the one-shot `run` answer, is weak); a walk for a step out or continue gives
up (the model's direct answer is good). Chosen on the validation splits, 200 programs each:
output pass@1 avoiding / giving up 140 / 123 synthetic, 81 / 81 real; step out next line
172 / 173 synthetic, 148 / 149 real."""

__all__ = [
    "CheckpointError",
    "PredictionError",
    "Predictor",
    "SourceTooLongError",
    "call_state",
    "load_predictor",
    "source_facts",
    "stop_constraints",
]


class SourceTooLongError(PredictionError):
    """The source does not fit the model's context; `context.reduced_source` may still fit."""


class Predictor:
    """A loaded model plus the constrained decoder; thread-compatible, not thread-safe."""

    def __init__(self, model: Any, tokenizer: Tokenizer, facts: dict[str, Any]) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.tok = tokenizer
        self.facts = facts
        self.grammar = TargetGrammar(tokenizer)
        self._masks: dict[int, Any] = {}
        self._source_cache: dict[str, tuple[SourceFacts, list[int], Any]] = {}
        self._text_cache: dict[str, str] = {}
        self.view = True
        """Read each source without its docstrings and comments (`source_view.model_text`:
        the line numbers stay); False: read it as given."""
        self.fold = True
        """Let constant folding decide the steps it can (`folding`); False: the model alone."""
        self.compose = True
        """Predict step out, continue and a call's output as walks of single steps (`_walk`)."""
        self.branch_bias = dict(BODY_BIAS)
        """Log-odds taken off the model's scores of a `raise` and of a returning `if` body as
        the next line after an `if` line (`branch_prior`); {}: the model's own scores."""
        self.walk_guesses: dict[str, int] = {"continue": 2, "step_out": COMPOSE_STEPS}
        """Most model-decided (unfolded) steps a walk may hold, per action ("output" too);
        past that the model's direct prediction is used: each guess can go wrong, and on real
        code long walks compound errors. Chosen on held-out tuning programs, not the test
        split: 80 synthetic validation programs and 80 harvested functions the model never
        saw (stdlib-v1's training split). Continue, next line with 0 / 2 / 4 / unlimited
        guesses: 93.5 / 93.5 / 94.4 / 96.3% synthetic, 87.5 / 98.2 / 92.9 / 91.1% real; step
        out, changed-locals EM with 2 / 4 / unlimited: 60.5 / 62.8 / 62.8% synthetic, 65.9 /
        67.1 / 67.1% real; a call's output is best unlimited on both. With the prior against
        entering `if` bodies (`branch_prior`), step out's next line on 200 functions of the
        real-code validation split is 148 / 149 / 150 / 151 of 179 with 4 / 8 / 16 / unlimited
        guesses (synthetic validation: 173 of 178 either way), so step out is unlimited now;
        continue stays at 2 (184 / 172 / 170 / 170 of 191 with 2 / 4 / 8 / unlimited)."""

    # ---- public API ---------------------------------------------------------------------

    def predict_steps(
        self,
        source: str,
        requests: Sequence[tuple[State, str, Sequence[int]]],
    ) -> list[Stop]:
        """Next stop for each (state, action, breakpoints), decoded together as one batch."""
        return self._steps(self._text(source), requests)

    def _steps(
        self,
        source: str,
        requests: Sequence[tuple[State, str, Sequence[int]]],
        avoid: Sequence[tuple[str, int]] = (),
    ) -> list[Stop]:
        """`predict_steps` on a source the model reads as it is (a view); the model's answers
        are none of the (event, line) stops in `avoid`."""
        for _state, action, _bps in requests:
            if action not in ACTIONS:
                raise PredictionError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        facts, _header, _cache = self._source(source)
        stops: list[Stop | None] = [
            folded_stop(facts, state, action) if self.fold else None
            for state, action, _bps in requests
        ]
        for index, (state, action, bps) in enumerate(requests):
            if stops[index] is None and self.compose and action in ("step_out", "continue"):
                stops[index] = self._by_steps(source, state, action, bps)
        asked = [index for index, stop in enumerate(stops) if stop is None]
        if asked:
            decoded = self._model_steps(source, facts, [requests[i] for i in asked], avoid)
            for index, stop in zip(asked, decoded, strict=True):
                stops[index] = stop
        return [stop for stop in stops if stop is not None]

    def _model_steps(
        self,
        source: str,
        facts: SourceFacts,
        requests: Sequence[tuple[State, str, Sequence[int]]],
        avoid: Sequence[tuple[str, int]] = (),
    ) -> list[Stop]:
        """The model's next stops for these requests, decoded as one constrained batch, none
        of them an (event, line) in `avoid`."""
        contexts = [
            encode_state(self.tok, state) + encode_action(self.tok, action, bps)
            for state, action, bps in requests
        ]
        rows = [
            Row("step", *request[:2], stop_constraints(facts, *request).without(avoid))
            for request in requests
        ]
        stops: list[Stop] = []
        for row, tokens in zip(rows, self._decode(source, contexts, rows, facts), strict=True):
            try:
                stop = decode_stop(self.tok, tokens)
            except DecodeError:  # cut off at the length limit: the program's end, a made-up
                stops.append(Stop(end=True, probability=0.0))  # guess nobody should trust
                continue
            stops.append(replace(stop, probability=math.exp(row.log_prob)))
        return stops

    def predict_trace(
        self,
        source: str,
        function: str,
        call: str,
        action: str = "step_into",
        breakpoints: Sequence[int] = (),
        max_steps: int = 50,
        start: State | None = None,
        module: str = RUN_MODULE,
    ) -> Trace:
        """The stops of `call` under repeated `action` (from the call stop), up to `max_steps`;
        `start` (the call's stop) replaces reading `call`, as in `predict_output`. `module`:
        the name the file runs under (`tracer.module_of_file`), which its objects' reprs show."""
        source = self._text(source)
        facts = self._source(source)[0]
        if start is not None:
            return self._rollout(source, start, action, breakpoints, max_steps)
        built, start = entry_states(facts, function, call, module)  # `Stack().push(1)`
        if built is None:
            return self._rollout(source, start, action, breakpoints, max_steps)
        first = self._rollout(source, built, action, breakpoints, max_steps)
        if first.status != "ok" or len(first.steps) >= max_steps:
            return first  # `__init__` raised, or the stops ran out inside it
        # the object as the constructor left it (a `__post_init__` may change its fields)
        built_as, shown = next(iter(built.step.locals.items()))
        receiver = next(iter(start.step.locals))
        if start.step.locals[receiver] == shown and built_as in first.steps[-1].locals:
            locals_ = {**start.step.locals, receiver: first.steps[-1].locals[built_as]}
            start = State(step=replace(start.step, locals=locals_))
        rest = self._rollout(source, start, action, breakpoints, max_steps - len(first.steps))
        return replace(rest, steps=[*first.steps, *rest.steps])

    def predict_from_state(
        self,
        source: str,
        function: str,
        line: int,
        locals: dict[str, str],
        n_steps: int = 1,
        action: str = "step_into",
        breakpoints: Sequence[int] = (),
    ) -> Trace:
        """`n_steps` stops after a `line` stop of `function` with these locals."""
        start = State(step=Step(line, "line", function, 0, locals))
        source = self._text(source)
        return self._rollout(source, start, action, breakpoints, n_steps, include_start=False)

    def predict_output(
        self, source: str, function: str, call: str, start: State | None = None
    ) -> tuple[str | None, str | None]:
        """(return value repr, exception) of `call`: stepped over line by line when composing
        (folded lines are exact), else, or past `COMPOSE_STEPS`, predicted in one shot. `start`
        (the call's stop, e.g. a method's with its receiver) replaces reading `call`."""
        source = self._text(source)
        facts, _, _ = self._source(source)
        state = start or call_state(facts, function, call)
        if self.compose:
            walked = self._walk_output(
                source, state, self.walk_guesses.get("output", COMPOSE_STEPS)
            )
            if walked is not None:
                return walked
        tokens = self._decode(source, [encode_run(self.tok, state)], [Row("run", state)], facts)[0]
        try:
            stop = decode_stop(self.tok, tokens)
        except DecodeError:
            return None, None
        return stop.value, stop.exception

    def folded_output(
        self, source: str, function: str, call: str
    ) -> tuple[str | None, str | None] | None:
        """The output of `call` when folding decides every step of it (exact: no code runs and
        the model is never asked), else None."""
        if not self.fold:
            return None
        source = self._text(source)
        facts, _, _ = self._source(source)
        return self._walk_output(source, call_state(facts, function, call), guesses=0)

    def _walk_output(
        self, source: str, state: State, guesses: int
    ) -> tuple[str | None, str | None] | None:
        """(value, exception) at the end of a walk of step overs from a call stop, or None when
        the walk gives up (see `_walk`)."""
        raised = None
        for stop in self._walk(source, state, "step_over", guesses, AVOID_IN_OUTPUT):
            if stop.end:
                return stop.value, stop.exception
            if stop.depth == 0 and stop.event == "exception":
                raised = stop.exception  # uncaught if the frame returns right after it
            elif stop.depth == 0 and stop.event == "line":
                raised = None
            elif stop.depth == 0 and stop.event == "return":
                return (None, raised) if raised else (stop.value, None)
        return None

    def predict_inputs(self, source: str, function: str, output: str) -> str:
        """A call expression of `function` predicted to return `output` (a repr)."""
        return self.predict_input_candidates(source, function, output, 1)[0]

    def predict_input_candidates(
        self, source: str, function: str, output: str, count: int = 8, seed: int = 0
    ) -> list[str]:
        """Up to `count` distinct calls of `function` predicted to return `output`: the most
        likely (greedy) first, then samples of the model's distribution (temperature 1, seeded),
        all decoded in one batch. `invert.choose_call` checks them."""
        source = self._text(source)
        facts, _, _ = self._source(source)
        if function not in facts.functions:
            raise PredictionError(f"no function named {function!r} in the source")
        params = facts.functions[function][2]
        sampler = self.torch.Generator().manual_seed(seed)
        rows = []
        for index in range(max(1, count)):
            row = Row("invert", None, phase="value", temperature=0.0 if index == 0 else 1.0)
            row.sampler = sampler
            row.forced = self._invert_forced(params)
            rows.append(row)
        context = encode_invert(self.tok, function, output)
        calls: list[str] = []
        for tokens in self._decode(source, [context] * len(rows), rows, facts):
            try:
                values, _, _ = decode_locals(self.tok, tokens, 0)
            except DecodeError:
                values = {}
            arguments = ", ".join(
                f"{name}={values[name] if is_literal(values.get(name, '')) else 'None'}"
                for name in params
            )
            call = f"{function}({arguments})"
            if call not in calls:
                calls.append(call)
        return calls

    # ---- rollouts -----------------------------------------------------------------------

    def _by_steps(
        self, source: str, state: State, action: str, breakpoints: Sequence[int]
    ) -> Stop | None:
        """Step out (to this frame's return) or continue (to a breakpoint line) as single steps:
        step over for step out, step into for continue, each folded when folding can decide it.

        Why: a single step is the model's best-learned action and folding decides most of them
        exactly (65% on the test splits), while a direct step out must compute a whole loop in
        one go. None when `_walk` gives up (past `COMPOSE_STEPS` steps, or more model guesses
        than `walk_guesses` allows): then the model predicts the stop directly.
        """
        if action == "step_out" and state.step.event not in ("line", "call", "exception"):
            return None  # from a return, stepping out is one step to the caller
        # From an exception stop, a walk only when folding knows where the exception goes
        # (`exception_flow`: the handler's line, or the frame's return on the raising line);
        # inside a `with` or a `finally` it does not, and the model's single steps went astray
        if (
            action == "step_out"
            and state.step.event == "exception"
            and not self._folded(self._source(source)[0], state, "step_over")
        ):
            return None
        single = "step_over" if action == "step_out" else "step_into"
        depth = state.step.depth
        current = state
        sure = 1.0  # a walk is as sure as all of its steps together
        for stop in self._walk(source, state, single, self.walk_guesses.get(action, COMPOSE_STEPS)):
            sure *= stop.probability
            if stop.end:
                return replace(stop, probability=sure)
            current = apply_stop(current, stop)
            if action == "step_out" and stop.event == "return" and stop.depth == depth:
                return replace(stop_from_step(state, current.step), probability=sure)
            if action == "step_out" and stop.depth < depth:
                return None  # left the frame without a return stop: not a walk this can make
            if action == "continue" and stop.event == "line" and stop.line in breakpoints:
                return replace(stop_from_step(state, current.step), probability=sure)
        return None

    def _walk(
        self, source: str, start: State, single: str, guesses: int, avoid_repeats: bool = False
    ) -> Iterator[Stop]:
        """The stops of repeated `single` steps from `start`, each folded where folding decides
        it, else the model's. It stops yielding after `COMPOSE_STEPS` steps, before the model
        would be asked more than `guesses` times (counted only when folding is on), or, unless
        `avoid_repeats`, before it would ask the model again from a state it asked from before:
        the caller then gives up on the walk. With `avoid_repeats` the model is asked there for
        a stop other than those it gave before (see `AVOID_IN_OUTPUT`)."""
        facts = self._source(source)[0]
        current, guessed = start, 0
        pending: list[Stop] = []
        asked: dict[tuple[Any, ...], list[tuple[str, int]]] = {}
        for _ in range(COMPOSE_STEPS):
            if not pending and self.fold:
                pending = self._folded(facts, current, single)
            if pending:
                stop = pending.pop(0)
            else:
                guessed += self.fold
                if guessed > guesses:
                    return
                # Back at a state it has seen, the walk would go round the same cycle forever
                # (`x = f(a,` / `b)` stops on its first line again), or an earlier guess left
                # out a change (`i, c = c, i + c` changing nothing): give up, or (when
                # `avoid_repeats`) ask for a stop other than those given here before.
                key = _state_key(current)
                if key in asked and not avoid_repeats:
                    return
                before = asked.setdefault(key, [])
                stop = self._model_steps(source, facts, [(current, single, ())], before)[0]
                before.append((stop.event, stop.line))
            yield stop
            current = apply_stop(current, stop)

    @staticmethod
    def _folded(facts: SourceFacts, state: State, action: str) -> list[Stop]:
        """The stops folding decides from `state`, to be replayed in order: for a step into a
        line that runs the program's own functions, every stop inside them too."""
        stops = folded_stops(facts, state, action) or []
        return stops if action == "step_into" else stops[-1:]

    def _rollout(
        self,
        source: str,
        start: State,
        action: str,
        breakpoints: Sequence[int],
        max_steps: int,
        include_start: bool = True,
    ) -> Trace:
        steps: list[Step] = [start.step] if include_start else []
        state = start
        result: str | None = None
        exception: str | None = None
        status = "step_limit"
        facts = self._source(source)[0]
        pending: list[Stop] = []
        taken: dict[tuple[Any, ...], list[tuple[str, int]]] = {}
        for _ in range(max_steps):
            if not pending and self.fold and action == "step_into":
                pending = self._folded(facts, state, action)
            if pending:
                stop = pending.pop(0)
            else:  # never round the same cycle twice (see `_walk`)
                seen = taken.setdefault(_state_key(state), [])
                stop = self._steps(source, [(state, action, breakpoints)], seen)[0]
                seen.append((stop.event, stop.line))
            if stop.end:
                result, exception = stop.value, stop.exception
                status = "exception" if exception else "ok"
                break
            before = state
            state = apply_stop(state, stop)
            if state == before:  # a fixed point: the same state again can only repeat forever
                break
            steps.append(state.step)
            if stop.event == "return" and stop.depth == 0 and action != "step_back":
                result = stop.value
                status = "ok"
                if action != "continue":
                    break
        return Trace(steps=steps, result=result, exception=exception, status=status)  # type: ignore[arg-type]

    # ---- decoding -----------------------------------------------------------------------

    def _text(self, source: str) -> str:
        """What the model reads of `source`: its code, docstrings and comments blanked with the
        line numbers kept (`source_view.model_text`), or all of it when `view` is off."""
        if not self.view:
            return source
        found = self._text_cache.get(source)
        if found is None:
            if len(self._text_cache) > 32:
                self._text_cache.clear()
            found = self._text_cache[source] = model_text(source)
        return found

    def _source(self, source: str) -> tuple[SourceFacts, list[int], Any]:
        cached = self._source_cache.get(source)
        if cached is None:
            facts = source_facts(source)
            header = encode_source(self.tok, source)
            if len(header) > self.model.config.block_size - HEADROOM:
                raise SourceTooLongError(
                    f"the source is too long for the model ({len(header)} tokens; "
                    f"at most {self.model.config.block_size - HEADROOM})"
                )
            _, cache = self.model.prefill(self.torch.tensor([header]))
            cached = (facts, header, cache)
            if len(self._source_cache) > 32:
                self._source_cache.clear()
            self._source_cache[source] = cached
        return cached

    def _invert_forced(self, params: list[str]) -> list[int]:
        """`<loc> p1 <is>`; later names are forced after each `<sep>` (see `_allowed`)."""
        tok = self.tok
        forced = [tok.special("<loc>")]
        for index, name in enumerate(params):
            if index:
                forced.append(-1)  # a value goes here, ended by <sep>
                forced.append(tok.special("<sep>"))
            forced.extend(tok.encode_text(name))
            forced.append(tok.special("<is>"))
        forced.append(-1)
        forced.append(tok.special("<eos>"))
        return forced

    def _decode(
        self, source: str, contexts: list[list[int]], rows: list[Row], facts: SourceFacts
    ) -> list[list[int]]:
        """Greedy constrained decoding of one target per context, all rows in one batch."""
        with self.torch.no_grad():  # no autograd graph: less memory, faster steps
            return self._decode_batch(source, contexts, rows, facts)

    def _decode_batch(
        self, source: str, contexts: list[list[int]], rows: list[Row], facts: SourceFacts
    ) -> list[list[int]]:
        torch = self.torch
        _facts, header, header_cache = self._source(source)
        limit = self.model.config.block_size
        batch = len(contexts)
        width = max(len(c) for c in contexts)
        if len(header) + width + MIN_TARGET_ROOM > limit:
            # A very long state: keep its end (the current frame and the action) in the window.
            width = limit - len(header) - MIN_TARGET_ROOM
            contexts = [c[-width:] for c in contexts]
        pad = self.tok.special("<pad>")
        tokens = torch.full((batch, width), pad, dtype=torch.long)
        valid = torch.zeros(batch, len(header) + width, dtype=torch.bool)
        valid[:, : len(header)] = True
        positions = torch.zeros(batch, width, dtype=torch.long)
        next_position = []
        for index, context in enumerate(contexts):
            offset = width - len(context)  # left padding: every row's last token is aligned
            tokens[index, offset:] = torch.tensor(context)
            valid[index, len(header) + offset :] = True
            positions[index, offset:] = torch.arange(len(header), len(header) + len(context))
            next_position.append(len(header) + len(context))
        cache = [
            (k.expand(batch, -1, -1, -1), v.expand(batch, -1, -1, -1)) for k, v in header_cache
        ]
        logits, cache = self.model(
            tokens, cache=cache, last_only=True, positions=positions, key_valid=valid
        )
        logits = logits[:, -1, :]
        for _ in range(min(MAX_TARGET_TOKENS, limit - len(header) - width)):
            chosen: list[int] = []
            real = [not row.done for row in rows]
            for index, row in enumerate(rows):
                if row.done:
                    chosen.append(pad)
                    continue
                token = self._choose(row, logits[index], facts)
                row.generated.append(token)
                if token == self.tok.special("<eos>") or next_position[index] + 1 >= limit:
                    row.done = True
                chosen.append(token)
            if all(row.done for row in rows):
                break
            if batch == 1 and not rows[0].done:
                # Tokens the grammar forces next (a frame's name, `<loc>`) go in the same call.
                row = rows[0]
                while row.forced and row.forced[0] != -1 and next_position[0] + len(chosen) < limit:
                    chosen.append(row.forced.pop(0))
                    row.generated.append(chosen[-1])
            count = len(chosen) // batch
            step_tokens = torch.tensor(chosen).view(batch, count)
            step_positions = (
                torch.tensor(next_position).view(batch, 1) + torch.arange(count).view(1, count)
            ).clamp(max=limit - 1)
            next_position = [p + count for p in next_position]
            valid = torch.cat(
                (valid, torch.tensor(real).view(batch, 1).expand(batch, count)), dim=1
            )
            logits, cache = self.model(
                step_tokens, cache=cache, last_only=True, positions=step_positions, key_valid=valid
            )
            logits = logits[:, -1, :]
        return [row.generated for row in rows]

    def _choose(self, row: Row, logits: Any, facts: SourceFacts) -> int:
        """The best token this row's grammar allows next (forced tokens skip the model)."""
        if row.forced:
            head = row.forced[0]
            if head != -1:
                row.forced.pop(0)
                return head
        allowed = self.grammar.allowed(row, facts)
        if row.value_tokens >= MAX_VALUE_TOKENS and len(allowed) > 1:
            allowed = [t for t in allowed if not self.tok.is_text(t)] or allowed
        if len(allowed) == 1:
            token = next(iter(allowed))
        elif isinstance(allowed, list) and row.temperature == 0:
            # a few lines, names or events: score just those (cheaper than a vocabulary mask)
            choices = list(dict.fromkeys(allowed))  # each once, or its probability doubles
            scores = logits[self.torch.tensor(choices)]
            if row.phase == "line" and row.kind == "step" and row.state is not None:
                shifts = line_offsets(
                    facts.branches,
                    row.state,
                    [self.tok.line_of(c) or 0 for c in choices],
                    self.branch_bias,
                )
                if shifts is not None:
                    scores = scores + self.torch.tensor(shifts)
            best = int(scores.argmax())
            token = choices[best]
            row.log_prob += float(scores[best] - self.torch.logsumexp(scores, dim=0))
        else:
            masked = logits + self._mask(allowed)
            if row.temperature > 0:
                weights = self.torch.softmax(masked / row.temperature, dim=0)
                token = int(self.torch.multinomial(weights, 1, generator=row.sampler))
            else:
                token = int(masked.argmax())
            row.log_prob += float(masked[token] - self.torch.logsumexp(masked, dim=0))
        self.grammar.advance(row, token, facts)
        row.value_tokens = row.value_tokens + 1 if self.tok.is_text(token) else 0
        return token

    def _mask(self, allowed: frozenset[int] | list[int]) -> Any:
        """An additive mask (0 allowed, -inf not) over the vocabulary; text sets are cached."""
        cached = self._masks.get(id(allowed)) if isinstance(allowed, frozenset) else None
        if cached is not None:
            return cached
        mask = self.torch.full((self.model.config.vocab_size,), float("-inf"))
        mask[self.torch.tensor(sorted(allowed))] = 0.0
        if isinstance(allowed, frozenset):
            self._masks[id(allowed)] = mask
        return mask


def _state_key(state: State) -> tuple[Any, ...]:
    """What a walk compares to tell that it is back at a state it has seen."""
    step = state.step
    frames = tuple((f.function, f.line, tuple(sorted(f.locals.items()))) for f in state.outer)
    return (step.line, step.event, step.depth, step.function, *sorted(step.locals.items()), frames)


def load_predictor(checkpoint_dir: Path | str | None = None, bits: int | None = None) -> Predictor:
    """The predictor for a checkpoint folder (default: the shipped one).

    Raises `CheckpointError` when the checkpoint is missing or corrupt, and `MissingExtraError`
    when torch is not installed. `bits` (2–8) serves the model with weight-only quantization.
    """
    model, tokenizer, facts = load_checkpoint(Path(checkpoint_dir) if checkpoint_dir else None)
    if bits is not None:
        model = quantize_for_inference(model, bits)
    return Predictor(model, tokenizer, facts)


def quantize_for_inference(model: Any, bits: int) -> Any:
    """The model with its linear layers replaced by the kernels part's quantized ones."""
    try:
        from neurodebug.kernels.qlinear import quantize_model
    except ImportError as error:
        raise PredictionError(f"quantized serving needs neurodebug.kernels: {error}") from error
    return quantize_model(model, bits=bits)
