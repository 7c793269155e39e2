"""The grammar of a decoded target: which tokens may come next, given what was generated.

A target is `event line depth <fn> name <loc> (name <is> value | name <is> <del>) (<sep> …)*
(<val> repr | <exc> text)? <eos>` for a step, a repr for a call's result, and forced parameter
names with literal values for input prediction. `TargetGrammar.allowed` narrows each position
to what is well-formed and possible: events, lines and depths from the action's `Constraints`,
frame names defined at the chosen line, and, where `delta_names` bounds a step's delta, only
the names it may change (and every name it must). `advance` moves a row past a chosen token.
The decoder (`inference.Predictor`) asks the model only among the allowed tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neurodebug.neural_debugger.model.encoding import State
from neurodebug.neural_debugger.model.tokenizer import Tokenizer
from neurodebug.neural_debugger.predict.constraints import Constraints, step_delta_bound
from neurodebug.neural_debugger.predict.delta_names import DeltaBound
from neurodebug.neural_debugger.predict.folding import quiet_literal_eval
from neurodebug.neural_debugger.predict.source_facts import SourceFacts

MAX_VALUE_TOKENS = 48
"""A value this long is ended: reprs are cut at 80 characters, mostly 1–2 per token."""


@dataclass
class Row:
    """One decoding row: its grammar state and the tokens generated so far."""

    kind: str
    state: State | None
    action: str = ""
    constraints: Constraints | None = None
    generated: list[int] = field(default_factory=list)
    phase: str = "event"
    fn_line: int = 0
    forced: list[int] = field(default_factory=list)
    done: bool = False
    value_tokens: int = 0
    """Text tokens since the last structure token (the length of the value being written)."""
    bound: DeltaBound | None = None
    """Which locals the delta may and must name (None: any)."""
    typed: list[int] = field(default_factory=list)
    """The tokens of the local's name being written."""
    written: set[str] = field(default_factory=set)
    """Names the delta has written so far."""
    frame: str = ""
    """The stop's frame name, once written (a `run` row: the called function's)."""
    settled: list[list[int]] | None = None
    """The spellings the value being written must take (`SourceFacts.return_values`)."""
    temperature: float = 0.0
    """0: greedy; above 0, tokens are sampled (input candidates) with `sampler`."""
    sampler: Any = None
    log_prob: float = 0.0
    """Sum of the log probabilities of the tokens the model chose, each renormalised over
    what the grammar allowed (forced and single-choice tokens cost nothing)."""


class TargetGrammar:
    """The allowed next tokens of decoding rows, for one tokenizer (token sets built once)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tok = tokenizer
        # Values are spelled in printable ASCII pieces (reprs escape everything else).
        text = frozenset(
            t
            for t in range(tokenizer.size)
            if tokenizer.is_text(t)
            and all(32 <= b < 127 for b in tokenizer.decode_text([t]).encode())
        )
        special = tokenizer.special
        self.sets: dict[str, frozenset[int]] = {
            "text": text,
            "name": text | {special("<is>")},
            "value_start": text | {special("<del>")},
            "tail": text | {special("<exc>"), special("<eos>")},
            "run": text | {special("<eos>")},
        }
        self._spellings: dict[str, list[int]] = {}

    def allowed(self, row: Row, facts: SourceFacts) -> frozenset[int] | list[int]:
        tok = self.tok
        special = tok.special
        if row.kind == "invert":
            # An argument must be a literal: the value may end only once it parses as one.
            ending = row.forced[1] if len(row.forced) > 1 else special("<eos>")
            if row.value_tokens >= MAX_VALUE_TOKENS:
                return [ending]
            value = tok.decode_text(row.generated[len(row.generated) - row.value_tokens :])
            if not (row.value_tokens and is_literal(value)):
                return self.sets["text"]
            return self._text_and((ending,))
        if row.kind == "run":
            if not row.generated:
                return [special("<val>"), special("<exc>")]
            if row.settled is not None:
                return self._settled_next(row, row.generated[1:])
            return self.sets["run"]
        state = row.state
        assert state is not None
        phase = row.phase
        rule = row.constraints
        assert rule is not None
        event = tok.vocab[row.generated[0]][1:-1] if row.generated else ""
        if phase == "event":
            events = [special(f"<{name}>") for name in sorted(rule.events)]
            return [*events, special("<end>")] if rule.may_end or not events else events
        if phase == "line":
            return [tok.line(n) for n in sorted(rule.lines(event))] or [tok.line(state.step.line)]
        if phase == "depth":
            depths = sorted(rule.depths(event))
            return [tok.depth(d) for d in depths] or [tok.depth(state.step.depth)]
        if phase == "fn_name":
            return self._name_continuations(row, facts)
        ends = self._ends(row, event, facts)
        if row.bound is not None and phase in ("entry_start", "name_first", "name"):
            return self._bounded_name(row, ends if phase == "entry_start" else [])
        if phase == "entry_start":
            return self._text_and(tuple(ends))
        if phase == "name_first":
            return self.sets["text"]
        if phase == "name":
            return self.sets["name"]
        if phase == "value_start":
            return self.sets["value_start"]
        if phase == "value":
            if row.bound is not None:
                return self._text_and(tuple(self._bounded_ends(row, ends)))
            return self._text_and((*ends, special("<sep>")))
        if phase == "after_del":
            if row.bound is not None:
                return self._bounded_ends(row, ends) or ends
            return [special("<sep>"), *ends]
        if phase == "tail_start":
            return ends
        if phase == "settled":
            return self._settled_next(row, row.typed)
        return self.sets["tail"]  # "tail": a value's text

    def _text_and(self, extra: tuple[int, ...]) -> frozenset[int]:
        """Every text token plus `extra`, built once per `extra` (so its mask is cached too)."""
        key = f"text+{sorted(extra)}"
        if key not in self.sets:
            self.sets[key] = self.sets["text"] | set(extra)
        return self.sets[key]

    def _unwritten(self, row: Row) -> list[list[int]]:
        assert row.bound is not None
        return [self._spelling(n) for n in sorted(row.bound.allowed - row.written)]

    def _spelling(self, name: str) -> list[int]:
        spelled = self._spellings.get(name)
        if spelled is None:
            spelled = self._spellings[name] = self.tok.encode_text(name)
        return spelled

    def _bounded_name(self, row: Row, ends: list[int]) -> list[int]:
        """The next token of a bounded delta's name: a possible name's next piece, `<is>` once
        one is complete, or (at the start, when no required name is missing) an ending."""
        assert row.bound is not None
        typed = row.typed
        options = {
            spelled[len(typed)] if len(spelled) > len(typed) else self.tok.special("<is>")
            for spelled in self._unwritten(row)
            if spelled[: len(typed)] == typed
        }
        if not typed and row.bound.required <= row.written:
            options.update(ends)
        return sorted(options) or [*ends, self.tok.special("<eos>")][:1]

    def _bounded_ends(self, row: Row, ends: list[int]) -> list[int]:
        """After a value in a bounded delta: `<sep>` while a possible name is left, an ending
        once every required name is written."""
        assert row.bound is not None
        options = [self.tok.special("<sep>")] if self._unwritten(row) else []
        if row.bound.required <= row.written:
            options += ends
        return options or ends

    def _ends(self, row: Row, event: str, facts: SourceFacts) -> list[int]:
        """How a step's stop may end: line and call stops carry nothing, an exception stop its
        exception, the program's end the call's result or exception, a return stop its value,
        and no value only when an exception may be unwinding the frame (a step out or continue
        past the raise, a `try` or `with` that runs code on the way out, a generator)."""
        special = self.tok.special
        if event in ("line", "call"):
            return [special("<eos>")]
        if event == "exception":
            return [special("<exc>")]
        if event != "return":  # the end of the program: the call's result, or what it raised
            return [special("<val>"), special("<exc>")]
        assert row.state is not None
        here = row.state.step
        depth = self.tok.depth_of(row.generated[2]) if len(row.generated) > 2 else None
        returning = row.action in ("step_into", "step_over") and row.frame not in facts.unwinding
        if returning and here.event in ("line", "call") and here.depth == depth:
            return [special("<val>")]
        return [special("<val>"), special("<eos>")]

    def _settled_next(self, row: Row, typed: list[int]) -> list[int]:
        """The next token of a settled value: a possible spelling's next piece, `<eos>` once
        one is complete."""
        assert row.settled is not None
        options = {
            spelled[len(typed)] if len(spelled) > len(typed) else self.tok.special("<eos>")
            for spelled in row.settled
            if spelled[: len(typed)] == typed
        }
        return sorted(options) or [self.tok.special("<eos>")]

    def settle(self, row: Row, facts: SourceFacts) -> None:
        """Bound the value a `run` row or a step row's `return` stop writes, where the source
        settles its frame's return values."""
        values = facts.return_values.get(row.frame)
        if values is not None:
            row.settled = [self._spelling(value) for value in sorted(values)]

    def _name_continuations(self, row: Row, facts: SourceFacts) -> list[int]:
        typed = row.generated[4:]  # after event, line, depth, <fn>
        options: set[int] = set()
        for name in facts.names_at(row.fn_line):
            spelled = self.tok.encode_text(name)
            if spelled[: len(typed)] == typed:
                options.add(
                    spelled[len(typed)] if len(spelled) > len(typed) else self.tok.special("<loc>")
                )
        return sorted(options) or [self.tok.special("<loc>")]

    def advance(self, row: Row, token: int, facts: SourceFacts) -> None:
        """Move the row's grammar past `token`."""
        tok = self.tok
        special = tok.special
        phase = row.phase
        if row.kind == "invert":
            if len(row.forced) > 1 and token == row.forced[1]:
                del row.forced[:2]  # the value ended: its slot and the separator are used
            return
        if row.kind == "run":
            if not row.generated and token == special("<val>"):
                assert row.state is not None
                row.frame = row.state.step.function
                self.settle(row, facts)
            return
        if row.kind != "step":
            return
        if phase == "event":
            row.phase = "tail_start" if token == special("<end>") else "line"
        elif phase == "line":
            row.fn_line = tok.line_of(token) or 0
            row.phase = "depth"
        elif phase == "depth":
            if row.generated and row.state is not None:
                event = tok.vocab[row.generated[0]][1:-1]
                depth = tok.depth_of(token) or 0
                row.bound = step_delta_bound(facts, row.state, row.action, event, depth)
            row.forced = [special("<fn>")]
            row.phase = "fn_name"
            names = facts.names_at(row.fn_line)
            if len(names) == 1:  # the line settles the frame's name: force all of it
                row.forced += [*tok.encode_text(names[0]), special("<loc>")]
                row.phase = "entry_start"
                row.frame = names[0]
        elif phase == "fn_name":
            if token == special("<loc>"):
                row.phase = "entry_start"
                row.frame = tok.decode_text(row.generated[4:])
        elif phase == "entry_start":
            row.phase = "name" if tok.is_text(token) else "tail"
            row.typed = [token] if tok.is_text(token) else []
        elif phase == "name_first":
            row.phase = "name"
            row.typed = [token]
        elif phase == "name":
            if token == special("<is>"):
                row.phase = "value_start"
                row.written.add(tok.decode_text(row.typed))
                row.typed = []
            else:
                row.typed.append(token)
        elif phase == "value_start":
            row.phase = "after_del" if token == special("<del>") else "value"
        elif phase in ("value", "after_del"):
            if token == special("<sep>"):
                row.phase = "name_first"
            elif not tok.is_text(token):
                row.phase = "tail"
        elif phase == "tail_start":
            row.phase = "tail"
        elif phase == "settled":
            row.typed.append(token)
        ended = tok.vocab[row.generated[0]] if row.generated else ""
        if token == special("<val>") and ended in ("<return>", "<end>"):
            if ended == "<end>":  # the value is the entry call's result
                row.frame = entry_function(row.state) if row.state is not None else ""
            self.settle(row, facts)
            if row.settled is not None:
                row.phase = "settled"
                row.typed = []


def entry_function(state: State) -> str:
    """The name of the depth-0 frame (the traced call's) of `state`, "" when not known."""
    if state.step.depth == 0:
        return state.step.function
    return state.outer[0].function if len(state.outer) == state.step.depth else ""


def is_literal(text: str) -> bool:
    try:
        quiet_literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True
