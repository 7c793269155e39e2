"""Which locals a step can change, from the statement it runs: a static bound on the delta.

A stop's target writes only the locals that changed. When the debugger steps over or into one
statement and lands in the same frame, only names that statement mentions can change (plus
other names bound to the same mutable object, since `table = scores; scores["a"] = 1` changes
both), and a name the statement assigns that did not exist before must appear. The decoder uses
this to spell only possible names and to not stop before a required one. When the statement is
not known, or the step can run arbitrary code in this frame (generators, comprehension frames),
there is no bound.

Steps that run many statements of one frame (step out to the frame's return, continue within
the entry frame) get a looser bound, `frame_bound`: the names mentioned by every statement the
control-flow graph can reach from here, and nothing required.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

from neurodebug.neural_debugger.model.encoding import State

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class DeltaBound:
    """`allowed`: the only names the delta may contain; `required`: names it must contain."""

    allowed: frozenset[str]
    required: frozenset[str]


@dataclass(frozen=True)
class NameFacts:
    """Per line: names an assignment there binds, and names that may vanish after it."""

    assigned: dict[int, frozenset[str]]
    unbound: dict[int, frozenset[str]]
    """`except E as err:` deletes `err` when its handler ends, after any line of the body."""
    nonlocal_names: frozenset[str] = frozenset()
    """Names some nested function declares `nonlocal`: any call may change them."""


def name_facts(tree: ast.Module) -> NameFacts:
    """The `NameFacts` of a parsed program."""
    assigned: dict[int, frozenset[str]] = {}
    unbound: dict[int, set[str]] = {}
    nonlocal_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Nonlocal):
            nonlocal_names.update(node.names)
        if isinstance(node, ast.ExceptHandler) and node.name and node.body:
            last = node.body[-1].end_lineno or node.body[-1].lineno
            for line in range(node.body[0].lineno, last + 1):
                unbound.setdefault(line, set()).add(node.name)
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        names = {
            leaf.id
            for target in targets
            for leaf in ast.walk(target)
            if isinstance(leaf, ast.Name) and isinstance(leaf.ctx, ast.Store)
        }
        if names and isinstance(node, ast.stmt):
            assigned[node.lineno] = frozenset(names)
    return NameFacts(
        assigned,
        {line: frozenset(names) for line, names in unbound.items()},
        frozenset(nonlocal_names),
    )


def mentioned_names(statement: str) -> set[str]:
    """Identifiers written in a statement's text (keywords left out)."""
    return {name for name in _IDENTIFIER.findall(statement) if not keyword.iskeyword(name)}


def _with_aliases(names: set[str], values: dict[str, str]) -> frozenset[str]:
    """`names` plus the locals whose repr equals one of theirs (possibly the same object)."""
    reprs = {values[name] for name in names if name in values}
    return frozenset(names | {name for name, value in values.items() if value in reprs})


def delta_bound(
    statement_text: dict[int, str],
    names: NameFacts,
    generators: set[str],
    state: State,
    action: str,
    event: str,
    depth: int,
) -> DeltaBound | None:
    """The bound for a step from `state` by `action` to a stop with this event and depth.

    Only single steps that stay in (or return to) a known frame are bounded: step into / over
    from a line to the same frame, from a call stop to its first line, and from a return to
    the caller's frame.
    """
    if action not in ("step_into", "step_over"):
        return None
    step = state.step
    if step.function.startswith("<") or step.function in generators:
        return None  # comprehension frames and resumed generators: `x = yield` binds on resume
    if step.event == "call" and depth == step.depth and event == "line":
        return DeltaBound(frozenset(), frozenset())  # the frame's first line: nothing ran yet
    if step.event == "line" and depth == step.depth and event in ("line", "return", "exception"):
        line, values = step.line, step.locals
    elif step.event == "return" and depth == step.depth - 1 and state.outer:
        caller = state.outer[-1]
        if caller.function.startswith("<"):
            return None
        line, values = caller.line, caller.locals
    else:
        return None
    text = statement_text.get(line)
    if text is None:
        return None
    mentioned = mentioned_names(text) | names.unbound.get(line, set()) | names.nonlocal_names
    allowed = _with_aliases(mentioned, values)
    required: frozenset[str] = frozenset()
    if event == "line":
        required = frozenset(name for name in names.assigned.get(line, ()) if name not in values)
    return DeltaBound(allowed, required & allowed)


def frame_bound(statements: dict[int, str], names: NameFacts, values: dict[str, str]) -> DeltaBound:
    """The bound for running any of `statements` (line -> text) in one frame: every name they
    mention, the handler names they may unbind, `nonlocal` names, and those names' aliases; nothing required,
    since which paths run is not known statically."""
    mentioned: set[str] = set(names.nonlocal_names)
    for line, text in statements.items():
        mentioned |= mentioned_names(text) | names.unbound.get(line, set())
    return DeltaBound(_with_aliases(mentioned, values), frozenset())
