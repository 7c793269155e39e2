"""What a next stop may be, before the model says anything: the constraints each action puts
on the event, line and depth of the stop it leads to, from the source's facts (`source_facts`).

`stop_constraints` turns a state and an action into the events, lines and depths the decoder may
choose; `call_state` builds the stop a call starts at. None of this needs torch.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from neurodebug.neural_debugger.groundtruth.recorder import RUN_MODULE
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.groundtruth.tracer import safe_repr
from neurodebug.neural_debugger.model.encoding import State, Stop
from neurodebug.neural_debugger.predict.call_binding import BindError, bind_call
from neurodebug.neural_debugger.predict.call_folding import folded_run
from neurodebug.neural_debugger.predict.delta_names import (
    DeltaBound,
    delta_bound,
    frame_bound,
    mentioned_names,
)
from neurodebug.neural_debugger.predict.folded_steps import (
    branch_target,
    folder_for,
    loop_names,
    may_change,
)
from neurodebug.neural_debugger.predict.folding import (
    NotFoldable,
    calls_only_pure,
    not_a_value,
)
from neurodebug.neural_debugger.predict.receivers import (
    Receiver,
    ReceiverError,
    first_line,
    method_receiver,
    without_first,
)
from neurodebug.neural_debugger.predict.source_facts import (
    PredictionError,
    SourceFacts,
    nested_lines,
    reachable_lines,
)


@dataclass(frozen=True)
class Constraints:
    """What the next stop may be, from the action's meaning and the control-flow graph:
    per event, the lines and depths it may have (no entry: that event cannot come next)."""

    allowed: dict[str, tuple[frozenset[int], frozenset[int]]]
    may_end: bool = True

    @property
    def events(self) -> frozenset[str]:
        return frozenset(self.allowed)

    def lines(self, event: str) -> frozenset[int]:
        return self.allowed.get(event, (frozenset(), frozenset()))[0]

    def depths(self, event: str) -> frozenset[int]:
        return self.allowed.get(event, (frozenset(), frozenset()))[1]

    def without(self, taken: Iterable[tuple[str, int]]) -> Constraints:
        """These constraints less the (event, line) stops in `taken`; an event left with no
        line is dropped, and when nothing would be left they are returned unchanged."""
        allowed = dict(self.allowed)
        for event, line in taken:
            if event in allowed:
                lines, depths = allowed[event]
                allowed[event] = (frozenset(lines - {line}), depths)
                if not allowed[event][0]:
                    del allowed[event]
        if not allowed and not self.may_end:
            return self
        return replace(self, allowed=allowed)


Allowed = dict[str, tuple[set[int] | frozenset[int], set[int] | range]]


def _rule(events: Allowed | None = None, may_end: bool = True) -> Constraints:
    allowed = {
        event: (frozenset(lines), frozenset(depths))
        for event, (lines, depths) in (events or {}).items()
        if lines and depths
    }
    return Constraints(allowed, may_end)


def _called_lines(facts: SourceFacts, line: int) -> set[int]:
    """Lines where a call made by the statement at `line` can stop first (def / yield lines)."""
    text = facts.statement_text.get(line, "")
    names = mentioned_names(text)
    found: set[int] = set()
    for name, (start, end, _params) in facts.functions.items():
        if name in names or name.startswith("__"):
            found.add(start)
            if name in facts.generators:
                found.update(n for n in facts.statement_lines if start <= n <= end)
    for name, (start, end) in facts.classes.items():
        if name in names:
            found.update(v[0] for v in facts.functions.values() if start <= v[0] <= end)
    if any(name in names for name in ("next", "send", "list", "sum", "sorted", "tuple", "set")):
        for name in facts.generators:  # a generator object resumed by a builtin
            start, end, _ = facts.functions[name]
            found.update(n for n in facts.statement_lines if start <= n <= end)
    return found


def _loop_entry_side(facts: SourceFacts, state: State, before: set[int]) -> set[int]:
    """Before a `for` header whose variable only the loop binds (`FoldFacts.loops`): from inside
    the loop if the variable is bound (an iteration ran), else from before the loop."""
    loop = facts.fold.statements.get(state.step.line)
    if state.step.line not in facts.fold.loops or not isinstance(loop, ast.For):
        return before
    first, last = loop.body[0].lineno, loop.body[-1].end_lineno or loop.lineno
    bound = [name in state.step.locals for name in loop_names(loop.target)]
    if not bound or (any(bound) and not all(bound)):
        return before
    iterated = all(bound)
    side = {p for p in before if (first <= p <= last) == iterated}
    return side or before


def _could_lead_here(facts: SourceFacts, state: State, before: set[int]) -> set[int]:
    """Predecessors that folding shows cannot have led to this stop, left out.

    Two statements leave every other local as it was, so the locals before them are the
    current ones (but their target): an `if` / `while` header (whose condition, folded on the
    current locals, must branch here) and `name = expr` with `expr` not reading `name` (whose
    value, folded on the current locals, must be `name`'s current value). Only when every call
    in them is pure: `not stack or stack.pop()` changed `stack` on its way here.
    """
    step = state.step
    folder = folder_for(facts.fold, step.locals)
    impossible: set[int] = set()
    for line in before:
        node = facts.fold.statements.get(line)
        try:
            if isinstance(node, ast.If | ast.While) and calls_only_pure(node.test):
                following = facts.next_lines.get(line, set()) - facts.fold.raised_to
                if branch_target(node, bool(folder.fold(node.test)), following) != step.line:
                    impossible.add(line)
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and calls_only_pure(node.value)
            ):
                name = node.targets[0].id
                if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.value)):
                    continue
                value = folder.fold(node.value)
                if not_a_value(value):
                    continue
                if step.locals.get(name) != safe_repr(value):
                    impossible.add(line)
        except NotFoldable:
            continue
    return (before - impossible) or before


def _branch_side(facts: SourceFacts, state: State, before: set[int]) -> set[int]:
    """Before the line where an `if`'s branches join: the side its condition picks, when the
    condition folds on the current locals and neither branch can change what it reads (so it
    still has the value it had when the `if` ran)."""
    for line in sorted(facts.fold.statements):
        node = facts.fold.statements[line]
        if not isinstance(node, ast.If) or line <= state.step.line <= (node.end_lineno or line):
            continue  # only where the branches join, after the whole `if`
        body = set(range(node.body[0].lineno, (node.body[-1].end_lineno or line) + 1))
        orelse = {line}  # without an `else`, a false condition jumps from the header
        if node.orelse:
            orelse = set(range(node.orelse[0].lineno, (node.orelse[-1].end_lineno or line) + 1))
        if not (before & body and before & orelse):
            continue
        read = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
        if read & may_change([*node.body, *node.orelse]):
            continue
        try:
            taken = bool(folder_for(facts.fold, state.step.locals).fold(node.test))
        except NotFoldable:
            continue
        before = (before - orelse) if taken else (before - body)
    return before


def _breakpoints_ahead(facts: SourceFacts, state: State, breakpoints: Sequence[int]) -> set[int]:
    """The breakpoints a continue may still stop at.

    A line that is no statement of any frame (a comment, a docstring, a function's header)
    never stops. In the outermost frame of a function nothing else calls (its name is written
    only where it is defined), its own lines are reached only along its CFG from here; lines of
    other functions stay possible, since a call on the way may reach them.
    """
    step = state.step
    stoppable = {b for b in breakpoints if b in facts.code_lines - facts.quiet_lines}
    span = facts.functions.get(step.function)
    if step.depth != 0 or span is None or step.function in facts.generators:
        return stoppable
    if len(re.findall(rf"\b{re.escape(step.function)}\b", facts.source)) != 1:
        return stoppable  # it may be called again (recursion, a method of another instance)
    own = {b for b in stoppable if span[0] <= b <= span[1] and b not in facts.scopes_at}
    own -= nested_lines(facts, step.function)  # lines of other frames
    if step.event == "return":
        return stoppable - own
    start = facts.started_at.get(step.line, step.line)
    if step.event == "call":
        starts = facts.next_lines.get(step.line, set())
    else:
        starts = facts.def_next.get(start, facts.next_lines.get(start, set()))
    # CPython goes back and forth between the lines of a statement written over several
    reached = set(facts.spans.get(start, ()))
    for line in starts:
        more = reachable_lines(facts, step.function, line)
        if more is None:
            return stoppable
        reached |= facts.widened(more)
    return stoppable - (own - reached)


_INLINE_FRAMES = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>", "<lambda>"})


def _inline_frame_step(facts: SourceFacts, state: State, action: str) -> Constraints | None:
    """Stepping in the frame of a comprehension or a lambda: it runs on its own lines only,
    and (but a generator expression, which hands each item back) returns to its caller's line
    or what follows. None: the source does not say."""
    step = state.step
    depth = step.depth
    start = facts.started_at.get(step.line, step.line)
    statement = facts.spans.get(start, {start})
    own = {n for n in statement if step.function in facts.scopes_at.get(n, ())}
    if step.line not in own:
        return None
    if step.event in ("line", "call"):
        allowed: Allowed = {event: (own, {depth}) for event in ("line", "exception", "return")}
        if action == "step_into":
            allowed["call"] = (facts.code_lines, {depth + 1})
        return _rule(allowed)
    if step.event != "return" or step.function == "<genexpr>" or not state.outer or depth == 0:
        return None
    return _back_in_caller(facts, state, action, facts.code_lines)


def _back_in_caller(facts: SourceFacts, state: State, action: str, called: set[int]) -> Constraints:
    """After a frame's return (with a caller): the caller resumes on its call line or what
    follows it; stepping into or over, its line may first make another call, at the depth being
    left, on one of the `called` lines."""
    depth = state.step.depth
    caller = state.outer[-1].line
    resumed = facts.widened(facts.next_lines.get(caller, facts.code_lines) | {caller})
    allowed: Allowed = {
        "line": (resumed, {depth - 1}),
        "exception": ({caller}, {depth - 1}),
        "return": ({caller}, {depth - 1}),
    }
    if action in ("step_into", "step_over"):  # over stops there too
        allowed["call"] = (called, {depth})
    return _rule(allowed)


_DEF = ("def ", "async def ")


def _step_back(facts: SourceFacts, state: State) -> Constraints | None:
    """Where a step back from a frame's line, return or exception lands (None: the CFG does not
    say, every stop stays allowed).

    Before a line: a CFG predecessor in the frame (its line or exception event; the other
    lines of a statement written over several, which CPython comes back from to the first),
    the return of a function a predecessor called, or, only after the function's header, the
    frame's call. Before a return or an exception: the same statement's line or exception, or
    the return of a function it called.
    """
    step = state.step
    depth = step.depth
    span = facts.functions.get(step.function)
    header = facts.headers.get(step.function, set())
    if span is None or step.line in header:
        return None
    if step.event == "line":
        before = {p for p, after in facts.next_lines.items() if step.line in after}
        before |= {p for p, after in facts.def_next.items() if step.line in after}
        before |= facts.spans.get(step.line, set()) - {step.line}
        entered = before & header
        before = _branch_side(facts, state, _loop_entry_side(facts, state, before - header))
        before = _could_lead_here(facts, state, before)
        callers = before
    elif step.event in ("return", "exception"):
        start = facts.started_at.get(step.line, step.line)
        before = {start} | facts.spans.get(start, set())
        entered, callers = set(), {start}
    else:
        return None
    if not before and not entered:
        return None
    callees = set().union(*(_called_lines(facts, p) for p in callers))
    returns = {
        n
        for name, (first, last, _) in facts.functions.items()
        if first in callees or name in facts.generators
        for n in facts.code_lines
        if first <= n <= last
    }
    allowed: Allowed = {
        "line": (before, {depth}),
        "exception": (before, {depth}),
        "return": (returns | before, {depth + 1}),  # `before`: a comprehension's frame
    }
    if entered:
        allowed["call"] = ({span[0]}, {depth})
    return _rule(allowed)


def _may_raise(state: State) -> bool:
    """Whether a frame's locals hint that an exception is under way (then any line may exit)."""
    return state.step.event == "exception"


def stop_constraints(
    facts: SourceFacts, state: State, action: str, breakpoints: Sequence[int]
) -> Constraints:
    """The events, lines and depths the next stop can have (a superset of the true one).

    From a line in a frame: step over stays in the frame (a CFG successor, or a return or an
    exception on this line); step into may also enter a function the statement calls; step out
    reaches this frame's return; continue stops on a breakpoint line or at the end; from a
    return, the caller resumes on its call line or a successor.
    """
    step = state.step
    depth = step.depth
    anywhere = facts.code_lines
    deeper = range(0, depth + 2)
    wide = _rule(dict.fromkeys(("call", "line", "return", "exception"), (anywhere, deeper)))
    following = facts.next_lines.get(step.line)
    here = {step.line}
    start = facts.started_at.get(step.line)
    if following is None and start in facts.next_lines and step.event == "line":
        # inside a statement over several lines: its other lines, or what follows it; it
        # returns or raises where its instructions are
        here = facts.spans[start] | {start}
        following = facts.next_lines[start] | here
    if following is not None:
        following = facts.widened(following | {step.line}) - {step.line} | following
    if action == "continue":
        return _rule({"line": (_breakpoints_ahead(facts, state, breakpoints), range(0, 32))})
    nested_def = any(v[0] == step.line for n, v in facts.functions.items() if n != step.function)
    resumable = step.function in facts.generators or step.function.startswith("<")
    plain_def = nested_def and facts.statement_text.get(step.line, "").lstrip().startswith(_DEF)
    if action == "step_back" and not resumable and (not nested_def or plain_def):
        rule = _step_back(facts, state)
        if rule is not None:
            return rule
    after_def = facts.def_next.get(step.line)
    stepping = step.event == "line" and action in ("step_into", "step_over") and not resumable
    if nested_def and after_def and stepping:  # the `def` binds a name; the enclosing CFG goes on
        return _rule({"line": (after_def, {depth}), "exception": ({step.line}, {depth})})
    if action != "step_back" and step.function in _INLINE_FRAMES:
        rule = _inline_frame_step(facts, state, action)
        if rule is not None:
            return rule
    if action == "step_back" or nested_def or resumable:
        return wide  # a nested `def` line or a generator's yield: the CFG does not say
    if following is None and step.event != "return":
        return wide
    if step.event in ("line", "call"):
        assert following is not None
        # Where no `try` / `with` unwinds the frame (and it is no class body), a return stop
        # carries a value, so it can only be where one can be returned.
        values_only = step.function not in facts.unwinding and step.function not in facts.classes
        returns = (here & facts.value_returns if values_only else here) - facts.with_bodies
        if step.event == "call" and action != "step_out":  # the frame's first line is next
            return _rule({"line": (following, {depth}), "exception": (here, {depth})})
        if action == "step_over":
            return _rule(
                {
                    "line": (following, {depth}),
                    "exception": (here, {depth}),
                    "return": (returns, {depth}),
                }
            )
        if action == "step_out":
            span = facts.functions.get(step.function)
            lines = {n for n in anywhere if span[0] <= n <= span[1]} if span else anywhere
            if facts.exit_lines and not _may_raise(state):
                lines = lines & facts.widened(facts.exit_lines | facts.raise_lines)
                raising = facts.widened(facts.raise_lines)
                # a return from a `with` body is reported on the `with` line, after `__exit__`
                lines = lines - (facts.with_bodies - raising) or lines
                if values_only:  # a value on a `return`'s first line, an exception on a `raise`
                    lines = lines & (facts.value_returns | raising) or lines
            return _rule({"return": (lines, {depth})})
        called = _called_lines(facts, start or step.line) | here  # `here`: a comprehension's
        return _rule(
            {
                "line": (following, {depth}),
                "exception": (here, {depth}),
                "call": (called, {depth + 1}),
                "return": (returns, {depth}),
            }
        )
    if step.event == "return" and action in ("step_into", "step_over", "step_out"):
        if not state.outer or depth == 0:
            return _rule()
        caller = state.outer[-1].line
        return _back_in_caller(facts, state, action, _called_lines(facts, caller) | {caller})
    return wide


def call_state(facts: SourceFacts, function: str, call: str, module: str = RUN_MODULE) -> State:
    """The `call` stop of `function` for a call expression whose arguments are literals, in a
    file run as `module` (what its objects' reprs name; see `receivers`)."""
    return entry_states(facts, function, call, module)[1]


def entry_states(
    facts: SourceFacts, function: str, call: str, module: str = RUN_MODULE
) -> tuple[State | None, State]:
    """`call_state`, and before it the `call` stop of the source's own `__init__` (or a
    dataclass's `__post_init__`) that a method entry such as `Stack().push(1)` runs, and a
    debugger steps through, first. That one is None without such a method, or when the facts'
    def of that name is another class's (they keep one per name)."""
    if function not in facts.functions:
        raise PredictionError(f"no function named {function!r} in the source")
    start = facts.functions[function][0]
    try:
        with warnings.catch_warnings():  # a call the model wrote may warn (`f(a=1if)`)
            warnings.simplefilter("ignore", SyntaxWarning)
            expression = ast.parse(call.strip(), mode="eval").body
    except SyntaxError as error:
        raise PredictionError(f"--call is not a call expression: {call!r}") from error
    if not isinstance(expression, ast.Call):
        raise PredictionError(f"--call is not a call expression: {call!r}")
    built: State | None = None
    try:
        receiver = method_receiver(ast.parse(facts.source), start, expression, module)
        signature = facts.signatures[function]
        if receiver is None:
            bound = bind_call(signature, expression, facts.fold.names)
        else:  # `Stack().push(1)`: the built object is `self`, the arguments follow it
            rest = bind_call(without_first(signature), expression, facts.fold.names)
            bound = {receiver.parameter: receiver.text, **rest}
            built = _constructor_state(facts, receiver)
    except (BindError, ReceiverError) as error:
        raise PredictionError(f"{error}: {call!r}") from error
    method = State(step=Step(line=start, event="call", function=function, depth=0, locals=bound))
    return built, method


def _constructor_state(facts: SourceFacts, receiver: Receiver) -> State | None:
    """The call stop of the receiver's `__init__` / `__post_init__` (see `entry_states`).
    `BindError` when the constructor's arguments do not fit its `__init__`."""
    init, built = receiver.init, receiver.constructor
    if init is None or built is None:
        return None
    if init.name == "__post_init__":  # called with no arguments (InitVars are not modelled)
        try:
            none = ast.Call(func=built.func, args=[], keywords=[])
            rest = bind_call(without_first(init.args), none, facts.fold.names)
        except BindError:
            return None
    else:
        rest = bind_call(without_first(init.args), built, facts.fold.names)
    first = first_line(init)
    if facts.functions.get(init.name, (0,))[0] != first or not init.args.args:
        return None
    bound = {init.args.args[0].arg: receiver.text, **rest}
    return State(step=Step(line=first, event="call", function=init.name, depth=0, locals=bound))


def folded_stop(facts: SourceFacts, state: State, action: str) -> Stop | None:
    """The next stop when constant folding decides it (`folding.fold_step`), else None: for a
    step into a line that calls the program's own functions, the callee's `call` stop; for a
    step over it, the line's own next stop after those calls ran folded."""
    stops = folded_stops(facts, state, action)
    if not stops:
        return None
    return stops[0] if action == "step_into" else stops[-1]


def folded_stops(facts: SourceFacts, state: State, action: str) -> list[Stop] | None:
    """Every stop of a folded step into or over, in order (`call_folding.folded_run`): more
    than one where the line runs the program's own functions."""
    step = state.step
    if step.function.startswith("<") or step.function in facts.generators:
        return None  # frames folding cannot see whole
    span = facts.functions.get(step.function)
    header = facts.statement_text.get(step.line, "").lstrip()
    if step.event == "line" and span and span[1] == step.line and header.startswith(_DEF):
        return None  # `def f(): ...`: the body shares the def's line, which the CFG keys by
    return folded_run(facts.fold, facts.next_lines, facts.def_next, facts.callables, state, action)


def step_delta_bound(
    facts: SourceFacts, state: State, action: str, event: str, depth: int
) -> DeltaBound | None:
    """The static bound on the delta of a step in this source (None: the delta is unbounded).

    Single steps: `delta_names.delta_bound`. Steps that run the rest of a frame: step out to
    the frame's own return, and continue from the entry frame (depth 0, which only ends with
    the program) to a line of it: `delta_names.frame_bound` over the lines the CFG reaches.
    """
    single = delta_bound(
        facts.statement_text, facts.names, facts.generators, state, action, event, depth
    )
    if single is not None:
        return single
    step = state.step
    if step.function.startswith("<") or step.function in facts.generators:
        return None
    if step.event not in ("line", "call") or depth != step.depth:
        return None
    stays_in_frame = (action == "step_out" and event == "return") or (
        action == "continue" and event == "line" and depth == 0
    )
    if not stays_in_frame:
        return None
    reached = reachable_lines(facts, step.function, step.line)
    if reached is None:
        return None
    lines = facts.source.splitlines()
    statements = {
        n: facts.statement_text.get(n) or (lines[n - 1] if 0 < n <= len(lines) else "")
        for n in reached
    }
    return frame_bound(statements, facts.names, step.locals)
