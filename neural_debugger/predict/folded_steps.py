"""Whole debugger steps decided by constant folding (`folding`), before the model is asked.

For a step into or over from a stop (step out, continue and outputs are composed of these):

- a `call` stop (arguments bound): the body's first line is next, nothing changed;
- `if` / `elif` / `while` headers whose condition folds: the branch's first line;
- `for name in iterable:` headers, when the iterable folds and nothing in the loop can change
  it, and the loop variable tells where the iteration is (`_loop_step`);
- one-line assignments: `name = expr`, `name op= expr`, `obj[key] = expr`, `obj[key] op= expr`;
- in-place calls on a list or dict (`xs.append(v)`, `d.update(e)`), when no other local can be
  the same object (its repr appears in no other local's);
- `print(...)` of folded values, an expression statement that folds, `pass`, `break`,
  `continue`: nothing changes;
- `return expr`: the return stop on the same line, with that value;
- `raise E(args)` of a builtin exception: the exception stop on the same line, with its text;
- a `try:` line: its body's first line;
- an `exception` stop: the first `except` line around it, or the frame's return
  (`exception_flow`);
- a nested `def` that runs no code: the next line, with the function bound.

Only one-line statements (a multi-line statement can stop on its inner lines), none in a
`finally` block (where it goes next depends on how it was entered), and no return inside `with`
or `try … finally` (those run more code first). The folded stops are checked against real
traces in tests/neural_debugger/predict/test_folding.py and in MODEL.md.
"""

from __future__ import annotations

import ast
import builtins
import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from neurodebug.neural_debugger.groundtruth.recorder import CONTAINER_ITEMS
from neurodebug.neural_debugger.groundtruth.trace import MAX_REPR_CHARS
from neurodebug.neural_debugger.groundtruth.tracer import exception_text, safe_repr
from neurodebug.neural_debugger.model.encoding import State, Stop
from neurodebug.neural_debugger.predict.exception_flow import (
    ExceptionFlow,
    exception_flow,
    next_after_exception,
)
from neurodebug.neural_debugger.predict.folding import (
    BINARY,
    COMPREHENSIONS,
    Folder,
    Lazy,
    NotFoldable,
    bound_names,
    check_size,
    not_a_value,
    own_nodes,
    set_ordered,
)
from neurodebug.neural_debugger.predict.line_events import line_events
from neurodebug.neural_debugger.predict.records import record_classes

MUTATORS: dict[type, frozenset[str]] = {
    list: frozenset(("append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear")),
    dict: frozenset(("update", "pop", "clear", "setdefault")),
}
"""Methods that change a list or dict in place (and only it)."""


@dataclass(frozen=True)
class FoldFacts:
    """What folding needs from a source, computed once."""

    statements: dict[int, ast.stmt]
    """Statements folding may decide, by line (see the module docstring for which)."""
    names: frozenset[str]
    """Every name the source binds (see `folding.bound_names`)."""
    guarded: frozenset[int]
    """Lines in a `with` body or a `try` with `finally`: a return there runs more code first."""
    loops: frozenset[int] = frozenset()
    """`for` header lines whose iteration folding may follow (see `_foldable_loops`)."""
    handlers: tuple[tuple[str, int, int], ...] = ()
    """(name, first line, last line) of each `except … as name:` body: leaving it unbinds name."""
    defs: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Nested `def` lines folding may step over: (name, the repr its function object has)."""
    flow: ExceptionFlow = field(default_factory=ExceptionFlow)
    """Where an exception goes next in its frame (`exception_flow`)."""
    raised_to: frozenset[int] = frozenset()
    """`except` lines and `finally` first lines: where the CFG sends an exception. A statement
    that folds raises nothing, so these are not where it goes (unless nothing else is left)."""
    late_start: dict[int, int | None] = field(default_factory=dict)
    """First lines of statements whose first `line` event may come from a later line, with
    that line where the compiled code tells (None: a step to them is left to the model); see
    `line_events`."""
    next_inside: dict[int, int] = field(default_factory=dict)
    """Lines inside a statement over several lines whose next stop is fixed (`line_events`)."""
    records: frozenset[str] = frozenset()
    """Classes of the source whose repr is generated from their fields (`records`)."""
    classes: frozenset[str] = frozenset()
    """Every class the source defines."""


def folder_for(
    facts: FoldFacts,
    values: dict[str, str],
    own_call: Callable[[str, list[Any]], Any] | None = None,
) -> Folder:
    """A `Folder` over one stop's locals, with what the source tells folding (its bound names,
    its record classes and the others)."""
    return Folder(values, facts.names, own_call, facts.records, facts.classes)


def fold_facts(tree: ast.Module) -> FoldFacts:
    """The `FoldFacts` of a parsed program."""
    statements: dict[int, ast.stmt] = {}
    guarded: set[int] = set()
    finally_lines: set[int] = set()
    handlers: list[tuple[str, int, int]] = []
    raised_to: set[int] = set()
    multi_line: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler):
            raised_to.add(node.lineno)
            if node.name:
                handlers.append((node.name, node.body[0].lineno, node.end_lineno or node.lineno))
        final: list[ast.stmt] = getattr(node, "finalbody", [])  # a `try` with `finally`
        if final:
            raised_to.add(final[0].lineno)
            finally_lines.update(range(final[0].lineno, (final[-1].end_lineno or 0) + 1))
        if isinstance(node, ast.With | ast.AsyncWith) or final:
            body: list[ast.stmt] = getattr(node, "body", [])
            guarded.update(range(body[0].lineno, (body[-1].end_lineno or body[-1].lineno) + 1))
            for handler in getattr(node, "handlers", ()):
                guarded.update(range(handler.lineno, (handler.end_lineno or handler.lineno) + 1))
        header = isinstance(node, ast.If | ast.While | ast.For) and _header_on_one_line(node)
        simple = isinstance(
            node,
            ast.Assign
            | ast.AnnAssign
            | ast.AugAssign
            | ast.Return
            | ast.Expr
            | ast.Pass
            | ast.Break
            | ast.Continue
            | ast.Raise,
        )
        one_line = isinstance(node, ast.stmt) and node.end_lineno == node.lineno
        if isinstance(node, ast.stmt) and not one_line:
            multi_line.append(node)
        if isinstance(node, ast.stmt) and (
            header or isinstance(node, ast.Try) or (simple and one_line)
        ):
            statements[node.lineno] = node  # a `try:` line is its own one-line statement
    events = line_events(tree, multi_line)
    statements.update({s.lineno: s for s in multi_line if s.lineno in events.folds_from_start})
    decidable = {line: node for line, node in statements.items() if line not in finally_lines}
    return FoldFacts(
        decidable,
        bound_names(tree),
        frozenset(guarded),
        _foldable_loops(tree),
        tuple(handlers),
        _nested_defs(tree),
        exception_flow(tree),
        frozenset(raised_to),
        events.late_start,
        events.next_inside,
        record_classes(tree),
        frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)),
    )


def _nested_defs(tree: ast.Module) -> dict[int, tuple[str, str]]:
    """Nested functions whose `def` runs no code (no decorators, constant defaults), by line,
    with the repr the tracer shows for them: `<function outer.<locals>.name>`."""
    found: dict[int, tuple[str, str]] = {}

    def visit(node: ast.AST, prefix: str, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if not prefix and _method_cut_out(child):
                continue  # its class, part of every qualname inside, is not in the source
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualname = prefix + child.name
                simple = (
                    isinstance(child, ast.FunctionDef)
                    and not child.decorator_list
                    and all(
                        isinstance(d, ast.Constant)
                        for d in [*child.args.defaults, *child.args.kw_defaults]
                        if d is not None
                    )
                )
                text = f"<function {qualname}>"
                if in_function and simple and len(text) <= 80:
                    found[child.lineno] = (child.name, text)
                inner = qualname + (".<locals>." if not isinstance(child, ast.ClassDef) else ".")
                visit(child, inner, not isinstance(child, ast.ClassDef))
            else:
                visit(child, prefix, in_function)

    visit(tree, "", False)
    return found


def _method_cut_out(node: ast.AST) -> bool:
    """Whether a module-level `def` reads as a method cut out of its class (first parameter
    `self` or `cls`, or a method decorator), as a recorded method's source is."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    parameters = [*node.args.posonlyargs, *node.args.args]
    decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
    methodlike = {"staticmethod", "classmethod", "property"}
    return bool((parameters and parameters[0].arg in ("self", "cls")) or decorators & methodlike)


def _header_on_one_line(node: ast.If | ast.While | ast.For) -> bool:
    tested = node.iter if isinstance(node, ast.For) else node.test
    return tested.end_lineno == node.lineno


def may_change(statements: list[ast.stmt]) -> set[str]:
    """Names whose binding or object these statements may change: targets, bases of stored
    attributes and items, receivers of method calls, arguments of any call."""
    names: set[str] = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                names.add(node.id)
            elif isinstance(node, ast.Attribute | ast.Subscript) and not isinstance(
                node.ctx, ast.Load
            ):
                names.update(_base_names(node))
            elif isinstance(node, ast.Call):
                if isinstance(node.func, ast.Attribute):
                    names.update(_base_names(node.func.value))
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    names.update(_base_names(argument))
            elif isinstance(node, ast.Global | ast.Nonlocal):
                names.update(node.names)
    return names


def _base_names(node: ast.expr) -> set[str]:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
        node = node.value
    return {node.id} if isinstance(node, ast.Name) else set()


def _foldable_loops(tree: ast.Module) -> frozenset[int]:
    """`for` loops whose next item folding can tell from the loop variable.

    The variable (a name, or a flat tuple of names) must be bound by nothing else in the
    function (not a parameter, not global),
    so "not bound yet" means "first entry" and its value says which item came last; the loop
    must not sit inside another loop (a re-entry would see a stale variable); and nothing in the
    loop may change what the iterable reads.
    """
    loops: set[int] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        own = list(own_nodes(function))
        stores = Counter(
            n.id for n in own if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        )
        parameters = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        # a `global` / `nonlocal` loop variable is not among the frame's locals
        parameters |= {n for g in own if isinstance(g, ast.Global | ast.Nonlocal) for n in g.names}
        nested_loops = {
            id(inner)
            for outer in own
            if isinstance(outer, ast.For | ast.While | ast.AsyncFor)
            for inner in own_nodes(outer)
        }
        for node in own:
            if not isinstance(node, ast.For) or id(node) in nested_loops:
                continue
            names = loop_names(node.target)
            if not names or set(names) & parameters or any(stores[n] != 1 for n in names):
                continue
            read = {n.id for n in ast.walk(node.iter) if isinstance(n, ast.Name)}
            if not read & may_change([*node.body, *node.orelse]):
                loops.add(node.lineno)
    return frozenset(loops)


def has_frames(node: ast.AST) -> bool:
    """Whether evaluating `node` would open frames a step into stops in (or bind names)."""
    return any(
        isinstance(
            inner,
            (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, *COMPREHENSIONS),
        )
        for inner in ast.walk(node)
    )


def fold_step(
    facts: FoldFacts,
    next_lines: dict[int, set[int]],
    def_next: dict[int, set[int]],
    state: State,
    action: str,
    own_call: Callable[[str, list[Any]], Any] | None = None,
) -> Stop | None:
    """The next stop of a step into / over from a `line` or `call` stop, if folding decides it
    (see `_cfg_step`); a statement that starts late is entered on its first instruction's
    line, and inside a statement that only reads names and constants the next line is the one
    its compiled code runs next (`line_events`)."""
    step = state.step
    if action not in ("step_into", "step_over"):
        return None
    within = facts.next_inside.get(step.line) if step.event == "line" else None
    if within is not None:  # inside a statement that only reads names and constants
        return Stop(end=False, event="line", line=within, depth=step.depth, function=step.function)
    stop = _cfg_step(facts, next_lines, def_next, state, own_call)
    if stop is not None and stop.event == "line" and stop.line in facts.late_start:
        first = facts.late_start[stop.line]
        return None if first is None else replace(stop, line=first)
    return stop


def _cfg_step(
    facts: FoldFacts,
    next_lines: dict[int, set[int]],
    def_next: dict[int, set[int]],
    state: State,
    own_call: Callable[[str, list[Any]], Any] | None,
) -> Stop | None:
    """The next stop of a step into / over from a `line` or `call` stop along the CFG, if
    folding decides it.

    `next_lines` are the CFG successors per line; `def_next` those of nested `def` lines in
    their enclosing function (`next_lines` holds the nested function's entry edge there). The
    caller leaves out frames folding cannot see whole (comprehensions, generators).
    `own_call` runs calls of the program's own functions (`call_folding`); never for a `for`
    header, whose iterable is evaluated once but folded at every iteration.
    """
    step = state.step
    if step.event == "exception":
        after = next_after_exception(facts.flow, step.function, step.line)
        if after is None:
            return None
        return Stop(
            end=False,
            event="line" if after else "return",
            line=after or step.line,
            depth=step.depth,
            function=step.function,
        )
    if step.event not in ("line", "call"):
        return None
    nested = facts.defs.get(step.line) if step.event == "line" else None
    following = def_next.get(step.line, set()) if nested else next_lines.get(step.line)
    if following is None:
        return None

    inside = [h for h in facts.handlers if h[1] <= step.line <= h[2] and h[0] in step.locals]

    def at(line: int, changed: dict[str, str] | None = None) -> Stop:
        left = tuple(name for name, first, last in inside if not first <= line <= last)
        return Stop(
            end=False,
            event="line",
            line=line,
            depth=step.depth,
            function=step.function,
            changed={k: v for k, v in (changed or {}).items() if k not in left},
            deleted=left,
        )

    if step.event == "call":  # arguments are bound: the body's first line is next, as it is
        return at(min(following)) if len(following) == 1 else None
    if nested:  # the `def` binds the function object, and runs nothing
        in_handler = any(first <= step.line <= last for _, first, last in facts.handlers)
        if len(following) != 1 or in_handler:
            return None
        name, text = nested
        return at(min(following), {name: text} if step.locals.get(name) != text else {})
    statement = facts.statements.get(step.line)
    if statement is None or has_frames(statement):
        return None
    following = (following - facts.raised_to) or following  # it folds, so it does not raise
    loop_header = isinstance(statement, ast.For)
    folder = folder_for(facts, step.locals, None if loop_header else own_call)
    try:
        if isinstance(statement, ast.If | ast.While):
            target = branch_target(statement, bool(folder.fold(statement.test)), following)
            return at(target) if target is not None else None
        if isinstance(statement, ast.For):
            if step.line not in facts.loops:
                return None
            return _loop_step(folder, statement, step.locals, following, at)
        if isinstance(statement, ast.Return):
            if step.line in facts.guarded or inside:
                return None  # more code (a `finally`, `__exit__`, a handler's cleanup) runs first
            returned = _returned_locals(statement.value, step.locals)
            if returned is None:
                value = folder.fold(statement.value) if statement.value is not None else None
                if not_a_value(value):
                    return None
                returned = safe_repr(value)
            return Stop(
                end=False,
                event="return",
                line=step.line,
                depth=step.depth,
                function=step.function,
                value=returned,
            )
        if isinstance(statement, ast.Raise):
            raised = _raised(folder, statement)
            if raised is None:
                return None
            return Stop(
                end=False,
                event="exception",
                line=step.line,
                depth=step.depth,
                function=step.function,
                exception=raised,
            )
        if len(following) != 1:
            return None
        changed = _changes(folder, statement, step.locals)
        return at(next(iter(following)), changed) if changed is not None else None
    except NotFoldable:
        return None


def _returned_locals(returned: ast.expr | None, values: dict[str, str]) -> str | None:
    """The repr a `return` of locals carries, read from their reprs whether or not they are
    literals (`return copy` of a `FIFOCache(...)`, `return self`): `return name`, or a tuple
    of names and constants (`return key, pos`) when every part is whole (not cut short) and
    the tuple's repr fits the repr limit, so it reads exactly as the tracer would write it."""
    if isinstance(returned, ast.Name):
        return values.get(returned.id)
    if not isinstance(returned, ast.Tuple) or not returned.elts:
        return None
    parts: list[str] = []
    for element in returned.elts:
        if isinstance(element, ast.Name) and element.id in values:
            part = values[element.id]
        elif isinstance(element, ast.Constant):
            part = safe_repr(element.value)
        else:
            return None
        if part.endswith("..."):
            return None
        parts.append(part)
    text = f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"
    return text if len(text) <= MAX_REPR_CHARS and len(parts) <= CONTAINER_ITEMS else None


def branch_target(
    statement: ast.If | ast.While | ast.For, taken: bool, following: set[int]
) -> int | None:
    """The line after a header: the body's first line if `taken`, else the `else` part's or
    the one other CFG successor (None when the CFG does not agree)."""
    first = statement.body[0]
    if taken:
        target = None if _silent(first) else first.lineno
    elif statement.orelse:
        target = None if _silent(statement.orelse[0]) else statement.orelse[0].lineno
    else:
        others = following - {first.lineno}
        target = next(iter(others)) if len(others) == 1 else None
    return target if target in following else None


def _loop_step(
    folder: Folder, loop: ast.For, values: dict[str, str], following: set[int], at: Any
) -> Stop | None:
    """The step from a `for` header: the next item bound to the variable, or the loop's exit.

    Unbound variable: the first entry. Bound: its value is the last item (it must match exactly
    one item's repr), so the next item follows it.
    """
    items = folder.fold(loop.iter)
    if isinstance(items, dict | Lazy):
        items = list(items)
    names = loop_names(loop.target)
    if not isinstance(items, list | tuple | str | range) or set_ordered(items) or not names:
        return None
    rows: list[tuple[str, ...]] = []
    for item in items:
        parts = (item,) if isinstance(loop.target, ast.Name) else _unpacked(item, len(names))
        if parts is None or any(not_a_value(part) for part in parts):
            return None  # unpacking would raise, or an item no local can show
        rows.append(tuple(safe_repr(part) for part in parts))
    bound = [name in values for name in names]
    if not any(bound):
        position = 0
    elif all(bound):
        current = tuple(values[name] for name in names)
        matches = [index for index, row in enumerate(rows) if row == current]
        if len(matches) != 1:
            return None
        position = matches[0] + 1
    else:
        return None
    if position < len(rows):
        target = branch_target(loop, True, following)
        changed = {n: r for n, r in zip(names, rows[position], strict=True) if values.get(n) != r}
        return at(target, changed) if target is not None else None
    target = branch_target(loop, False, following)
    return at(target) if target is not None else None


def loop_names(target: ast.expr) -> list[str]:
    """The names a `for` target binds when it is a name or a flat tuple of names, else []."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List) and all(
        isinstance(part, ast.Name) for part in target.elts
    ):
        return [part.id for part in target.elts]  # type: ignore[attr-defined]
    return []


def _unpacked(item: Any, count: int) -> tuple[Any, ...] | None:
    if not isinstance(item, tuple | list | str) or len(item) != count:
        return None
    return tuple(item)


def _raised(folder: Folder, statement: ast.Raise) -> str | None:
    """The exception text (`ValueError: 5`) of `raise E(args)` for a builtin exception class
    the source does not rebind, with arguments that fold; None otherwise."""
    raised = statement.exc
    if raised is None or statement.cause is not None:
        return None
    call = raised if isinstance(raised, ast.Call) else None
    name = call.func if call is not None else raised
    if not isinstance(name, ast.Name) or name.id in folder.bound_names or name.id in folder.env:
        return None
    kind = getattr(builtins, name.id, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)) or kind is SystemExit:
        return None
    if call is not None and call.keywords:
        return None
    arguments = [folder.fold(argument) for argument in call.args] if call is not None else []
    if any(not_a_value(argument) for argument in arguments):
        return None
    return exception_text(kind(*arguments))


def _changes(folder: Folder, statement: ast.stmt, values: dict[str, str]) -> dict[str, str] | None:
    """The locals a one-successor statement changes, or None when folding cannot tell."""
    if isinstance(statement, ast.Pass | ast.Break | ast.Continue | ast.Try):
        return {}
    if isinstance(statement, ast.Expr):
        call = statement.value
        printing = (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "print"
            and "print" not in folder.bound_names
        )
        if printing:
            assert isinstance(call, ast.Call)
            if any(k.arg not in ("sep", "end") for k in call.keywords):
                return None
            for part in [*call.args, *(k.value for k in call.keywords)]:
                folder.fold(part)
            return {}
        in_place = _in_place(folder, statement, values)
        if in_place is not None:
            return _delta(values, *in_place)
        folder.fold(call)  # a pure expression statement changes nothing
        return {}
    single = isinstance(statement, ast.Assign) and len(statement.targets) == 1
    target = statement.targets[0] if single else getattr(statement, "target", None)  # type: ignore[attr-defined]
    value = getattr(statement, "value", None)
    if value is None or target is None:
        return None
    if isinstance(statement, ast.Assign | ast.AnnAssign) and isinstance(target, ast.Name):
        result = folder.fold(value)
        return None if not_a_value(result) else _delta(values, target.id, result)
    if isinstance(statement, ast.AugAssign) and isinstance(target, ast.Name):
        current = folder.name(target.id)
        if isinstance(current, int | float | str | tuple | bool):
            binary = ast.BinOp(ast.Name(target.id, ast.Load()), statement.op, value)
            return _delta(values, target.id, folder.fold(binary))
    in_place = _in_place(folder, statement, values)
    return _delta(values, *in_place) if in_place is not None else None


def _delta(values: dict[str, str], name: str, value: Any) -> dict[str, str]:
    text = safe_repr(value)
    return {name: text} if values.get(name) != text else {}


def _in_place(
    folder: Folder, statement: ast.stmt, values: dict[str, str]
) -> tuple[str, Any] | None:
    """(name, new value) for a statement that changes one local list or dict in place."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        if not (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)):
            return None
        name, method = call.func.value.id, call.func.attr
        if call.keywords or method not in MUTATORS.get(type(folder.name(name)), ()):
            return None
        arguments = [folder.fold(argument) for argument in call.args]
        if (method == "sort" and arguments) or any(not_a_value(a) for a in arguments):
            return None
        return _apply(folder, values, name, lambda obj: getattr(obj, method)(*arguments))
    target = getattr(statement, "target", None)
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    value = getattr(statement, "value", None)
    if value is None:
        return None
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        if isinstance(target.slice, ast.Slice):
            return None
        key, item = folder.fold(target.slice), folder.fold(value)
        if isinstance(statement, ast.AugAssign):
            combine = BINARY.get(type(statement.op))
            if combine is None:
                return None
            return _apply(
                folder,
                values,
                target.value.id,
                lambda obj: obj.__setitem__(key, combine(obj[key], item)),
            )
        if isinstance(statement, ast.Assign):
            return _apply(folder, values, target.value.id, lambda obj: obj.__setitem__(key, item))
        return None
    if (
        isinstance(statement, ast.AugAssign)
        and isinstance(statement.op, ast.Add)
        and isinstance(target, ast.Name)
        and isinstance(folder.name(target.id), list)
    ):
        extra = folder.fold(value)
        if set_ordered(extra):
            return None
        return _apply(folder, values, target.id, lambda obj: obj.extend(extra))
    return None


def _apply(
    folder: Folder, values: dict[str, str], name: str, change: Any
) -> tuple[str, Any] | None:
    """Run `change` on a copy of the local `name`; None if another local may share it."""
    text = values.get(name, "")
    if any(other != name and text in shown for other, shown in values.items()):
        return None  # `table = scores` or a list inside another: the change shows there too
    obj = copy.deepcopy(folder.name(name))
    if type(obj) not in MUTATORS:
        return None
    try:
        change(obj)
    except (ArithmeticError, TypeError, ValueError, LookupError) as error:
        raise NotFoldable(f"the change raises {type(error).__name__}") from error
    if not_a_value(obj):
        return None
    return name, check_size(obj)


def _silent(statement: ast.stmt) -> bool:
    """A docstring-like constant expression compiles to nothing: no line event there."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
