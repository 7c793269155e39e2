"""What a next stop may be, before the model says anything: the source's static facts and the
constraints each action puts on the event, line and depth of the stop it leads to.

`source_facts` reads a program once (functions, statement lines, CFG successors from the
analyzers part, generators, comprehension scopes, the names each statement binds);
`stop_constraints` turns a state and an action into the events, lines and depths the decoder may
choose; `call_state` builds the stop a call starts at. None of this needs torch.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.groundtruth.tracer import safe_repr
from neurodebug.neural_debugger.model.dataset import statement_lines
from neurodebug.neural_debugger.model.encoding import State, Stop
from neurodebug.neural_debugger.predict.call_binding import BindError, bind_call
from neurodebug.neural_debugger.predict.call_folding import Callee, folded_run, own_callables
from neurodebug.neural_debugger.predict.delta_names import (
    DeltaBound,
    NameFacts,
    delta_bound,
    frame_bound,
    mentioned_names,
    name_facts,
)
from neurodebug.neural_debugger.predict.folded_steps import (
    FoldFacts,
    branch_target,
    fold_facts,
    loop_names,
    may_change,
)
from neurodebug.neural_debugger.predict.folding import (
    SCOPES,
    Folder,
    NotFoldable,
    calls_only_pure,
    not_a_value,
)


class PredictionError(ValueError):
    """The request cannot be predicted (unknown function, non-literal call arguments, …)."""


@dataclass
class SourceFacts:
    """What the decoder may choose from, computed once per source."""

    source: str
    functions: dict[str, tuple[int, int, list[str]]]
    """name -> (def line, end line, parameter names)."""
    statement_lines: list[int]
    next_lines: dict[int, set[int]] = field(default_factory=dict)
    """CFG successors per line of each function (line events only)."""

    classes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """class name -> (first line, last line)."""
    generators: set[str] = field(default_factory=set)
    """Functions that yield: resuming them makes `call` stops at their yield lines."""
    statement_text: dict[int, str] = field(default_factory=dict)
    """The text of the statement starting at each line (for the names it calls)."""
    exit_lines: set[int] = field(default_factory=set)
    """Lines after which the CFG says the frame may return (explicitly or by falling off)."""
    raise_lines: set[int] = field(default_factory=set)
    """Lines that raise or may raise out of the frame (`raise`, `assert`)."""
    code_lines: set[int] = field(default_factory=set)
    """Every non-blank, non-comment line: where a stop can be at all (3.11 reports lines of
    multi-line statements and `except` clauses too)."""
    scopes_at: dict[int, set[str]] = field(default_factory=dict)
    """Comprehension / lambda frame names (`<listcomp>`, …) per line where one is written."""
    def_next: dict[int, set[int]] = field(default_factory=dict)
    """For a nested `def` line: its successors in the enclosing function (`next_lines` holds
    the nested function's entry edge on that line)."""
    names: NameFacts = field(default_factory=lambda: NameFacts({}, {}))
    """Names each assignment binds and handler names that vanish (see `delta_names`)."""
    fold: FoldFacts = field(default_factory=lambda: FoldFacts({}, frozenset(), frozenset()))
    """The statements constant folding may decide (see `folding`)."""
    callables: dict[str, Callee] = field(default_factory=dict)
    """The program's own functions whose calls folding may run (`call_folding`)."""
    spans: dict[int, set[int]] = field(default_factory=dict)
    """For a statement (or header) written over several lines, by its first line: the code
    lines it covers. CPython reports a line whenever the running instruction's line changes, so
    such a statement may stop on any of them, first on a later one (`x = [` then `f(a),`)."""
    signatures: dict[str, ast.arguments] = field(default_factory=dict)
    """name -> its parameters, defaults included (see `call_binding`)."""
    started_at: dict[int, int] = field(default_factory=dict)
    """For each line of a multi-line statement but its first: the first (see `spans`)."""

    def widened(self, lines: set[int]) -> set[int]:
        """`lines` (CFG successors) with every line of the multi-line statements among them."""
        return lines.union(*(self.spans.get(line, ()) for line in lines))

    def names_at(self, line: int) -> list[str]:
        """Frame names a stop at `line` can have: the enclosing defs and comprehensions there."""
        names = [name for name, (start, end, _) in self.functions.items() if start <= line <= end]
        return [*names, *sorted(self.scopes_at.get(line, ()))]


def source_facts(source: str) -> SourceFacts:
    """Functions, statement lines and CFG successors of a program."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise PredictionError(f"the source does not parse: {error}") from error
    functions: dict[str, tuple[int, int, list[str]]] = {}
    signatures: dict[str, ast.arguments] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = [
                a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
            ]
            if node.args.vararg:
                params.append(node.args.vararg.arg)
            if node.args.kwarg:
                params.append(node.args.kwarg.arg)
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            functions.setdefault(node.name, (start, node.end_lineno or node.lineno, params))
            signatures.setdefault(node.name, node.args)
    facts = SourceFacts(
        source,
        functions,
        statement_lines(source),
        names=name_facts(tree),
        fold=fold_facts(tree),
        signatures=signatures,
    )
    facts.callables = own_callables(tree, facts.fold.defs)
    lines = source.splitlines()
    facts.code_lines = {
        n for n, text in enumerate(lines, 1) if text.strip() and not text.strip().startswith("#")
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            facts.classes[node.name] = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            isinstance(inner, ast.Yield | ast.YieldFrom) for inner in ast.walk(node)
        ):
            facts.generators.add(node.name)
        if isinstance(node, ast.Raise | ast.Assert):
            facts.raise_lines.add(node.lineno)
        if isinstance(node, ast.stmt):
            end = node.end_lineno or node.lineno
            if isinstance(node, ast.If | ast.For | ast.While | ast.With | ast.Try):
                end = node.lineno  # a compound statement's header only
            facts.statement_text[node.lineno] = "\n".join(lines[node.lineno - 1 : end])
    scope_names = {
        ast.ListComp: "<listcomp>",
        ast.DictComp: "<dictcomp>",
        ast.SetComp: "<setcomp>",
        ast.GeneratorExp: "<genexpr>",
        ast.Lambda: "<lambda>",
    }
    for node in ast.walk(tree):
        name = scope_names.get(type(node))
        if name and isinstance(node, ast.expr):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                facts.scopes_at.setdefault(line, set()).add(name)
    try:
        from neurodebug.analyzers.document import analyze_source
        from neurodebug.analyzers.facts import EXIT_LINE

        module = analyze_source(source.encode())
        nested_defs = {start for start, _end, _params in functions.values()}
        for function in module.functions:
            if function.kind != "function":
                continue
            for line in function.statement_lines():
                following = function.next_lines(line) - {EXIT_LINE}
                if line != function.def_line and line in nested_defs:
                    # a nested `def` line, seen from the enclosing function: `next_lines` keeps
                    # the nested function's entry edge there; this edge is kept apart
                    facts.def_next[line] = following
                    continue
                facts.next_lines[line] = following
                if EXIT_LINE in function.next_lines(line):
                    facts.exit_lines.add(line)
    except Exception:  # the CFG is a refinement: without it every statement line is allowed
        facts.next_lines = {}
    facts.spans = _multi_line_spans(tree, facts.code_lines)
    facts.started_at = {n: first for first, span in facts.spans.items() for n in span - {first}}
    for decorated, first in _decorator_lines(tree):
        # a decorated function's `call` stop is at its first decorator (`co_firstlineno`)
        if decorated in facts.next_lines:
            facts.next_lines.setdefault(first, facts.next_lines[decorated])
    # Docstrings and other constant expression statements compile to nothing, and `global` /
    # `nonlocal` are declarations: no line event.
    silent = {
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        or isinstance(node, ast.Global | ast.Nonlocal)
    }
    for line, following in facts.next_lines.items():
        seen: set[int] = set()
        stack = [n for n in following if n in silent]
        while stack:
            quiet = stack.pop()
            if quiet in seen:
                continue
            seen.add(quiet)
            after = facts.next_lines.get(quiet, set())
            following |= after
            stack.extend(n for n in after if n in silent)
        following -= silent - {line}
    return facts


def _multi_line_spans(tree: ast.Module, code_lines: set[int]) -> dict[int, set[int]]:
    """`SourceFacts.spans`: the code lines of each statement's evaluated part (a header's up
    to its body) that is written over several lines."""
    spans: dict[int, set[int]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or isinstance(node, SCOPES):
            continue
        body: list[ast.stmt] = getattr(node, "body", [])
        last = body[0].lineno - 1 if body else (node.end_lineno or node.lineno)
        if isinstance(node, ast.Match):
            last = node.subject.end_lineno or node.lineno
        if last > node.lineno:
            spans[node.lineno] = {n for n in range(node.lineno, last + 1) if n in code_lines}
    return spans


def _decorator_lines(tree: ast.Module) -> Iterator[tuple[int, int]]:
    """(`def` line, first decorator line) of decorated functions that no function encloses:
    their decorator lines run in a module or class body, never as a line of a traced frame."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if child.decorator_list:
                    yield child.lineno, min(d.lineno for d in child.decorator_list)
            elif isinstance(child, ast.ClassDef | ast.stmt):
                stack.append(child)


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
    folder = Folder(step.locals, facts.fold.names)
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
            taken = bool(Folder(state.step.locals, facts.fold.names).fold(node.test))
        except NotFoldable:
            continue
        before = (before - orelse) if taken else (before - body)
    return before


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
        return _rule({"line": (set(breakpoints), range(0, 32))})
    nested_def = any(v[0] == step.line for n, v in facts.functions.items() if n != step.function)
    resumable = step.function in facts.generators or step.function.startswith("<")
    if action == "step_back" and step.event == "line" and not nested_def and not resumable:
        # Before a line: a CFG predecessor (its line or exception event), the frame's call,
        # or the return of a function a predecessor called.
        before = {p for p, after in facts.next_lines.items() if step.line in after}
        before |= {p for p, after in facts.def_next.items() if step.line in after}
        before = _branch_side(facts, state, _loop_entry_side(facts, state, before))
        before = _could_lead_here(facts, state, before)
        span = facts.functions.get(step.function)
        if before and span:
            callees = set().union(*(_called_lines(facts, p) for p in before))
            returns = {
                n
                for name, (start, end, _) in facts.functions.items()
                if start in callees or name in facts.generators
                for n in anywhere
                if start <= n <= end
            }
            return _rule(
                {
                    "line": (before, {depth}),
                    "exception": (before, {depth}),
                    "call": ({span[0]}, {depth}),
                    "return": (returns | before, {depth + 1}),
                }
            )
    after_def = facts.def_next.get(step.line)
    stepping = step.event == "line" and action in ("step_into", "step_over") and not resumable
    if nested_def and after_def and stepping:  # the `def` binds a name; the enclosing CFG goes on
        return _rule({"line": (after_def, {depth}), "exception": ({step.line}, {depth})})
    if action == "step_back" or nested_def or resumable:
        return wide  # a nested `def` line or a generator's yield: the CFG does not say
    if following is None and step.event != "return":
        return wide
    if step.event in ("line", "call"):
        assert following is not None
        if step.event == "call" and action != "step_out":  # the frame's first line is next
            return _rule({"line": (following, {depth}), "exception": (here, {depth})})
        if action == "step_over":
            return _rule(
                {
                    "line": (following, {depth}),
                    "exception": (here, {depth}),
                    "return": (here, {depth}),
                }
            )
        if action == "step_out":
            span = facts.functions.get(step.function)
            lines = {n for n in anywhere if span[0] <= n <= span[1]} if span else anywhere
            if facts.exit_lines and not _may_raise(state):
                lines = lines & facts.widened(facts.exit_lines | facts.raise_lines)
            return _rule({"return": (lines, {depth})})
        called = _called_lines(facts, start or step.line) | here  # `here`: a comprehension's
        return _rule(
            {
                "line": (following, {depth}),
                "exception": (here, {depth}),
                "call": (called, {depth + 1}),
                "return": (here, {depth}),
            }
        )
    if step.event == "return" and action in ("step_into", "step_over", "step_out"):
        if not state.outer or depth == 0:
            return _rule()
        caller = state.outer[-1].line
        resumed = facts.widened(facts.next_lines.get(caller, anywhere) | {caller})
        rule = _rule(
            {
                "line": (resumed, {depth - 1}),
                "exception": ({caller}, {depth - 1}),
                "return": ({caller}, {depth - 1}),
            }
        )
        if action in ("step_into", "step_over"):  # the caller's line may make another call,
            rule.allowed["call"] = (  # at the depth being left: over stops there too
                frozenset(_called_lines(facts, caller) | {caller}),
                frozenset({depth}),
            )
        return rule
    return wide


def call_state(facts: SourceFacts, function: str, call: str) -> State:
    """The `call` stop of `function` for a call expression whose arguments are literals."""
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
    try:
        bound = bind_call(facts.signatures[function], expression, facts.fold.names)
    except BindError as error:
        raise PredictionError(f"{error}: {call!r}") from error
    return State(step=Step(line=start, event="call", function=function, depth=0, locals=bound))


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
    reached = _reachable_lines(facts, step.function, step.line)
    if reached is None:
        return None
    lines = facts.source.splitlines()
    statements = {
        n: facts.statement_text.get(n) or (lines[n - 1] if 0 < n <= len(lines) else "")
        for n in reached
    }
    return frame_bound(statements, facts.names, step.locals)


def _reachable_lines(facts: SourceFacts, function: str, start: int) -> set[int] | None:
    """`start` and every line of `function` the CFG reaches from it (None: not known).

    `next_lines` is keyed by line, so a nested `def` line holds the nested function's entry
    edge, not the outer function's. A reached nested def goes on at the first statement after
    the nested function; that may over-approximate, which a bound may do. (A `nonlocal` in the
    nested function is `NameFacts.nonlocal_names`' business.)
    """
    span = facts.functions.get(function)
    if span is None or start not in facts.next_lines:
        return None
    nested = {
        begin: end
        for name, (begin, end, _) in facts.functions.items()
        if name != function and span[0] < begin <= span[1]
    }
    reached, stack = set(), [start]
    while stack:
        line = stack.pop()
        if line in reached:
            continue
        reached.add(line)
        if line in nested:
            after = [n for n in facts.statement_lines if nested[line] < n <= span[1]]
            stack.extend(after[:1])
            continue
        stack.extend(facts.next_lines.get(line, ()))
    return reached
