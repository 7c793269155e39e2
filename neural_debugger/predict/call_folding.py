"""Folding across calls of the program's own functions (interprocedural, depth-capped).

A line such as `return count_paths(rows - 1, cols) + count_paths(rows, cols - 1)` folds when
each call it makes runs, step by step, through statements that fold themselves: the callee's
`call` stop, its lines, the calls those make, its `return` stop, then the line's own next stop.
`folded_run` returns that whole sequence; a step into is its first stop, a step over its last,
and a rollout replays it stop by stop (the model is never asked inside it).

Why so narrow: the callee sees copies of the values the stop shows (reprs read back as
literals), so an argument must be immutable (a mutation inside the callee would be lost), the
callee must not touch globals, and anything that does not fold (a global read, an exception, a
call of unseen code) abandons the whole run: the answer is exact or not given.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from neurodebug.neural_debugger.groundtruth.tracer import safe_repr
from neurodebug.neural_debugger.model.encoding import State, Stop, apply_stop
from neurodebug.neural_debugger.predict.folded_steps import FoldFacts, fold_step
from neurodebug.neural_debugger.predict.folding import NotFoldable, bound_names, literal

MAX_CALL_DEPTH = 24
"""Most nested own calls one folded step may run (deeper recursion is left to the model)."""
MAX_RUN_STOPS = 2_000
"""Most stops one folded step may make in the calls it runs (exponential recursion stops here)."""


@dataclass(frozen=True)
class Callee:
    """A module-level function whose calls folding may run."""

    line: int
    """The `def` line: where its `call` stop is."""
    params: tuple[str, ...]
    defaults: tuple[str, ...]
    """Reprs of the last parameters' literal defaults."""
    nested_repr: str | None = None
    """For a nested function, the repr of the function object its `def` binds: a call folds
    only when the caller's local of that name shows it (else the name means another object)."""

    def bind(self, arguments: list[Any]) -> dict[str, str]:
        """The callee's locals at its `call` stop, or `NotFoldable`."""
        missing = len(self.params) - len(arguments)
        if missing < 0 or missing > len(self.defaults):
            raise NotFoldable("arguments do not match the parameters")
        if not all(_immutable(value) for value in arguments):
            raise NotFoldable("a mutable argument: changes in the callee would be lost")
        bound = {
            name: safe_repr(value) for name, value in zip(self.params, arguments, strict=False)
        }
        left_out = self.params[len(arguments) :]
        bound.update(zip(left_out, self.defaults[len(self.defaults) - missing :], strict=True))
        return bound


def own_callables(
    tree: ast.Module, nested_reprs: dict[int, tuple[str, str]] | None = None
) -> dict[str, Callee]:
    """Plain functions folding may run: positional parameters only, literal immutable
    defaults, no decorator, no generator, no `global` / `nonlocal`, defined once. Module-level
    ones, and nested ones (`nested_reprs`: `FoldFacts.defs`, the repr each nested `def` binds)
    that read no name of the functions around them: their locals are their parameters alone,
    so a call folds from the arguments as a module-level one does."""
    found: dict[str, Callee] = {}
    defined: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined[node.name] = defined.get(node.name, 0) + 1
    for node, enclosing in _functions(tree, ()):
        if node.decorator_list or defined[node.name] > 1:
            continue
        text = None
        if enclosing:
            text = (nested_reprs or {}).get(node.lineno, ("", None))[1]
            outer = set().union(*(bound_names(ast.Module([f], [])) for f in enclosing))
            if text is None or _free_names(node) & outer:
                continue
        arguments = node.args
        if arguments.posonlyargs or arguments.vararg or arguments.kwonlyargs or arguments.kwarg:
            continue
        if any(
            isinstance(inner, ast.Global | ast.Nonlocal | ast.Yield | ast.YieldFrom)
            for inner in ast.walk(node)
        ):
            continue
        try:
            defaults = tuple(safe_repr(ast.literal_eval(value)) for value in arguments.defaults)
            immutable = all(_immutable(literal(text)) for text in defaults)
        except (ValueError, NotFoldable):  # a default that is no literal (`...`, a name)
            continue
        if not immutable:
            continue
        params = tuple(a.arg for a in arguments.args)
        found[node.name] = Callee(node.lineno, params, defaults, text)
    return found


def _functions(
    node: ast.AST, enclosing: tuple[ast.FunctionDef, ...]
) -> Iterator[tuple[ast.FunctionDef, tuple[ast.FunctionDef, ...]]]:
    """Every plain `def` outside classes, with the functions it is nested in."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef):
            yield child, enclosing
            yield from _functions(child, (*enclosing, child))
        elif not isinstance(child, ast.ClassDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _functions(child, enclosing)


def _free_names(function: ast.FunctionDef) -> set[str]:
    """Names `function` reads that it does not bind itself."""
    own = bound_names(ast.Module([function], [])) - {function.name}
    read = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    return read - own


def _immutable(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return True
    if isinstance(value, tuple | frozenset):
        return all(_immutable(item) for item in value)
    return False


@dataclass
class _Run:
    """One folded step and the stops of the own calls it makes, in the order they happen."""

    fold: FoldFacts
    next_lines: dict[int, set[int]]
    def_next: dict[int, set[int]]
    callables: dict[str, Callee]
    base_depth: int

    def __post_init__(self) -> None:
        self.stops: list[Stop] = []

    def step(self, state: State, action: str) -> Stop | None:
        own_call = self._own_call(state) if state.step.event == "line" else None
        return fold_step(self.fold, self.next_lines, self.def_next, state, action, own_call)

    def _own_call(self, caller: State) -> Callable[[str, list[Any]], Any]:
        def call(name: str, arguments: list[Any]) -> Any:
            callee = self.callables.get(name)
            if callee is None or caller.step.locals.get(name) != callee.nested_repr:
                raise NotFoldable(f"call of {name}")  # unknown, or a local of that name
            depth = caller.step.depth + 1
            if depth - self.base_depth > MAX_CALL_DEPTH:
                raise NotFoldable("too deep")
            entered = Stop(
                end=False,
                event="call",
                line=callee.line,
                depth=depth,
                function=name,
                changed=callee.bind(arguments),
            )
            state = self._emit(caller, entered)
            while True:
                stop = self.step(state, "step_into")
                if stop is None or stop.end or stop.event == "exception":
                    raise NotFoldable(f"{name}'s body does not fold")
                state = self._emit(state, stop)
                if stop.event == "return" and stop.depth == depth:
                    return literal(stop.value or "None")

        return call

    def _emit(self, state: State, stop: Stop) -> State:
        if len(self.stops) >= MAX_RUN_STOPS:
            raise NotFoldable("too many stops")
        self.stops.append(stop)
        return apply_stop(state, stop)


def folded_run(
    fold: FoldFacts,
    next_lines: dict[int, set[int]],
    def_next: dict[int, set[int]],
    callables: dict[str, Callee],
    state: State,
    action: str,
) -> list[Stop] | None:
    """Every stop a step into makes until the frame's own next stop, that stop last; None
    when folding cannot decide it. Without own calls it is the one folded stop."""
    run = _Run(fold, next_lines, def_next, callables, state.step.depth)
    try:
        final = run.step(state, action)
    except NotFoldable:  # raised by an own call outside the statement folding (never expected)
        return None
    if final is None:
        return None
    return [*run.stops, final]
