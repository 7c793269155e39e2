"""The model's input and output format: a program, a debugger state, an action, the next stop.

One training sequence holds one program's source once, then many independent transitions:

    <bos> <src> L1 def f(x): L2     y = x + 1 …                      (context, no loss)
    <state> <frame> <fn> main L7 <loc> a <is> 3          outer frames (callers), oldest first
            <line> L2 D1 <fn> f <loc> x <is> 3                current stop, full locals
    <act> <continue> <bp> L3                                     action (+ breakpoints)
    <next> <line> L3 D1 <fn> f <loc> y <is> 4 <eos>                  target (the loss is here)

Each transition restates the full current state, so a prediction needs only the source, the state
and the action — never the history — and a 512-token window holds one source plus many
transitions: the source is paid for once. The target is delta-encoded: only the locals that
changed relative to the frame the stop lands in (the current frame, a caller's frame on return,
nothing for a new call) are written; `<del>` marks a removed name. `<end>` is the stop after the
program exits. Two more tasks share the format: `<run>` (state = a call; target = its return
value `<val> …` or exception `<exc> …`) and `<invert>` (the action carries a return value; the
target is the call's arguments as `<loc>` entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from neurodebug.neural_debugger.groundtruth.trace import Step, source_lines
from neurodebug.neural_debugger.model.tokenizer import Tokenizer

ACTIONS: tuple[str, ...] = ("step_into", "step_over", "step_out", "continue", "step_back")
"""Debugger actions the model predicts the next (or, for step_back, previous) stop for."""
TASKS: tuple[str, ...] = (*ACTIONS, "run", "invert")
EVENT_TOKENS = ("<call>", "<line>", "<return>", "<exception>")
TraceResult = tuple[str | None, str | None] | None
"""A run's (result repr, exception repr), the values the `<end>` stop carries."""


@dataclass(frozen=True)
class Frame:
    """A caller's frame as the debugger's call stack shows it."""

    function: str
    line: int
    locals: dict[str, str]


@dataclass(frozen=True)
class State:
    """A stop plus the frames above it (callers, outermost first)."""

    step: Step
    outer: tuple[Frame, ...] = ()


@dataclass(frozen=True)
class Stop:
    """A decoded prediction: the next stop (or the program's end) with its locals delta."""

    end: bool
    event: str = "line"
    line: int = 0
    depth: int = 0
    function: str = ""
    changed: dict[str, str] = field(default_factory=dict)
    deleted: tuple[str, ...] = ()
    value: str | None = None
    exception: str | None = None
    probability: float = field(default=1.0, compare=False)
    """The decoder's probability of this answer (1.0: computed exactly, or a real stop)."""


def base_locals(state: State, depth: int) -> dict[str, str]:
    """The locals a stop at `depth` is delta-encoded against."""
    here = state.step.depth
    if depth == here:
        return state.step.locals
    if depth < here:
        index = len(state.outer) - (here - depth)
        return state.outer[index].locals if 0 <= index < len(state.outer) else {}
    return {}


def delta(base: dict[str, str], new: dict[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """What changed from `base` to `new`: new or changed values, and removed names."""
    changed = {name: value for name, value in new.items() if base.get(name) != value}
    deleted = tuple(name for name in base if name not in new)
    return changed, deleted


def stop_from_step(state: State, target: Step | None, result: TraceResult = None) -> Stop:
    """The delta-encoded `Stop` for moving from `state` to `target` (None = program end)."""
    if target is None:
        value, exception = result if result is not None else (None, None)
        return Stop(end=True, value=value, exception=exception)
    changed, deleted = delta(base_locals(state, target.depth), target.locals)
    return Stop(
        end=False,
        event=target.event,
        line=target.line,
        depth=target.depth,
        function=target.function,
        changed=changed,
        deleted=deleted,
        value=target.value if target.event == "return" else None,
        exception=target.value if target.event == "exception" else None,
    )


def apply_stop(state: State, stop: Stop) -> State:
    """The full state after a predicted stop: locals rebuilt from the delta, stack updated."""
    if stop.end:
        return state
    base = base_locals(state, stop.depth)
    new_locals = {k: v for k, v in base.items() if k not in stop.deleted}
    new_locals.update(stop.changed)
    here = state.step.depth
    if stop.depth > here:
        caller = Frame(state.step.function, state.step.line, state.step.locals)
        outer = (*state.outer, caller)
    elif stop.depth < here:
        outer = state.outer[: max(0, len(state.outer) - (here - stop.depth))]
    else:
        outer = state.outer
    value = stop.value if stop.event == "return" else stop.exception
    step = Step(
        line=stop.line,
        event=stop.event,  # type: ignore[arg-type]
        function=stop.function,
        depth=stop.depth,
        locals=new_locals,
        value=value,
        probability=stop.probability,
    )
    return State(step=step, outer=outer)


def encode_source(tok: Tokenizer, source: str) -> list[int]:
    """`<bos> <src>` and every line as its line-number token and text (trailing blanks cut)."""
    out = [tok.special("<bos>"), tok.special("<src>")]
    for number, text in enumerate(source_lines(source), start=1):
        text = text.rstrip()
        if not text:
            continue
        out.append(tok.line(number))
        out.extend(tok.encode_text(text))
    return out


def _encode_locals(
    tok: Tokenizer, values: dict[str, str], deleted: Sequence[str] = ()
) -> list[int]:
    out = [tok.special("<loc>")]
    sep = tok.special("<sep>")
    first = True
    for name, value in values.items():
        if not first:
            out.append(sep)
        first = False
        out.extend(tok.encode_text(name))
        out.append(tok.special("<is>"))
        out.extend(tok.encode_text(value))
    for name in deleted:
        if not first:
            out.append(sep)
        first = False
        out.extend(tok.encode_text(name))
        out.append(tok.special("<is>"))
        out.append(tok.special("<del>"))
    return out


def encode_state(tok: Tokenizer, state: State) -> list[int]:
    """`<state>`, the caller frames, then the current stop with its full locals."""
    out = [tok.special("<state>")]
    for frame in state.outer:
        out.append(tok.special("<frame>"))
        out.append(tok.special("<fn>"))
        out.extend(tok.encode_text(frame.function))
        out.append(tok.line(frame.line))
        out.extend(_encode_locals(tok, frame.locals))
    step = state.step
    out.append(tok.special(f"<{step.event}>"))
    out.append(tok.line(step.line))
    out.append(tok.depth(step.depth))
    out.append(tok.special("<fn>"))
    out.extend(tok.encode_text(step.function))
    out.extend(_encode_locals(tok, step.locals))
    if step.value is not None:
        marker = "<exc>" if step.event == "exception" else "<val>"
        out.append(tok.special(marker))
        out.extend(tok.encode_text(step.value))
    return out


def encode_action(tok: Tokenizer, action: str, breakpoints: Sequence[int] = ()) -> list[int]:
    """`<act> <action>` and, for continue, `<bp> L…` per breakpoint line; ends with `<next>`."""
    out = [tok.special("<act>"), tok.special(f"<{action}>")]
    for line in sorted(set(breakpoints)):
        out.append(tok.special("<bp>"))
        out.append(tok.line(line))
    out.append(tok.special("<next>"))
    return out


def encode_stop(tok: Tokenizer, stop: Stop) -> list[int]:
    """The target tokens after `<next>`, ending with `<eos>`."""
    out: list[int] = []
    if stop.end:
        out.append(tok.special("<end>"))
    else:
        out.append(tok.special(f"<{stop.event}>"))
        out.append(tok.line(stop.line))
        out.append(tok.depth(stop.depth))
        out.append(tok.special("<fn>"))
        out.extend(tok.encode_text(stop.function))
        out.extend(_encode_locals(tok, stop.changed, stop.deleted))
    if stop.value is not None:
        out.append(tok.special("<val>"))
        out.extend(tok.encode_text(stop.value))
    if stop.exception is not None:
        out.append(tok.special("<exc>"))
        out.extend(tok.encode_text(stop.exception))
    out.append(tok.special("<eos>"))
    return out


def encode_run(tok: Tokenizer, call: State) -> list[int]:
    """Context asking for the result of the call stopped at `call`."""
    return [*encode_state(tok, call), *encode_action(tok, "run")]


def encode_run_target(tok: Tokenizer, value: str | None, exception: str | None) -> list[int]:
    out: list[int] = []
    if exception is not None:
        out.append(tok.special("<exc>"))
        out.extend(tok.encode_text(exception))
    else:
        out.append(tok.special("<val>"))
        out.extend(tok.encode_text(value if value is not None else "None"))
    out.append(tok.special("<eos>"))
    return out


def encode_invert(tok: Tokenizer, function: str, output: str) -> list[int]:
    """Context asking for arguments of `function` that make it return `output`."""
    out = [tok.special("<state>"), tok.special("<fn>"), *tok.encode_text(function)]
    out += [tok.special("<act>"), tok.special("<invert>"), tok.special("<val>")]
    out += tok.encode_text(output)
    out.append(tok.special("<next>"))
    return out


def encode_invert_target(tok: Tokenizer, arguments: dict[str, str]) -> list[int]:
    return [*_encode_locals(tok, arguments), tok.special("<eos>")]


class DecodeError(ValueError):
    """Generated tokens do not form a well-formed target."""


def _split_text(tok: Tokenizer, tokens: Sequence[int], start: int, stops: set[int]) -> int:
    index = start
    while index < len(tokens) and tokens[index] not in stops:
        if not tok.is_text(tokens[index]):
            raise DecodeError(f"unexpected token {tok.vocab[tokens[index]]}")
        index += 1
    return index


def decode_locals(tok: Tokenizer, tokens: Sequence[int], start: int) -> tuple[dict, list, int]:
    """Parse `<loc> name <is> value <sep> …` from `start`; returns (changed, deleted, end)."""
    if start >= len(tokens) or tokens[start] != tok.special("<loc>"):
        raise DecodeError("expected <loc>")
    changed: dict[str, str] = {}
    deleted: list[str] = []
    is_, sep, delete = tok.special("<is>"), tok.special("<sep>"), tok.special("<del>")
    ends = {tok.special(name) for name in ("<val>", "<exc>", "<eos>")}
    index = start + 1
    while index < len(tokens) and tokens[index] not in ends:
        name_end = _split_text(tok, tokens, index, {is_})
        if name_end >= len(tokens):
            raise DecodeError("name without value")
        name = tok.decode_text(tokens[index:name_end])
        index = name_end + 1
        if index < len(tokens) and tokens[index] == delete:
            deleted.append(name)
            index += 1
        else:
            value_end = _split_text(tok, tokens, index, {sep, *ends})
            changed[name] = tok.decode_text(tokens[index:value_end])
            index = value_end
        if index < len(tokens) and tokens[index] == sep:
            index += 1
    return changed, deleted, index


def decode_stop(tok: Tokenizer, tokens: Sequence[int]) -> Stop:
    """Parse target tokens (after `<next>`, up to and maybe including `<eos>`) into a `Stop`."""
    if not tokens:
        raise DecodeError("empty prediction")
    eos = tok.special("<eos>")
    value: str | None = None
    exception: str | None = None

    def tail(index: int) -> None:
        nonlocal value, exception
        while index < len(tokens) and tokens[index] != eos:
            marker = tokens[index]
            end = _split_text(tok, tokens, index + 1, {eos, tok.special("<exc>")})
            text = tok.decode_text(tokens[index + 1 : end])
            if marker == tok.special("<val>"):
                value = text
            elif marker == tok.special("<exc>"):
                exception = text
            else:
                raise DecodeError(f"unexpected token {tok.vocab[marker]}")
            index = end

    if tokens[0] == tok.special("<end>"):
        tail(1)
        return Stop(end=True, value=value, exception=exception)
    if tokens[0] in (tok.special("<val>"), tok.special("<exc>")):
        tail(0)
        return Stop(end=True, value=value, exception=exception)
    events = {tok.special(name): name[1:-1] for name in EVENT_TOKENS}
    if tokens[0] not in events or len(tokens) < 4:
        raise DecodeError("expected an event, a line and a depth")
    line = tok.line_of(tokens[1])
    depth = tok.depth_of(tokens[2])
    if line is None or depth is None or tokens[3] != tok.special("<fn>"):
        raise DecodeError("expected a line, a depth and <fn>")
    name_end = _split_text(tok, tokens, 4, {tok.special("<loc>")})
    function = tok.decode_text(tokens[4:name_end])
    changed, deleted, index = decode_locals(tok, tokens, name_end)
    tail(index)
    event = events[tokens[0]]
    return Stop(
        end=False,
        event=event,
        line=line,
        depth=depth,
        function=function,
        changed=changed,
        deleted=tuple(deleted),
        value=value,
        exception=exception,
    )
