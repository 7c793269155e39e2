"""A prior against entering `if` bodies and raising, for a model that does both too often.

On real code the shipped model steps from an `if` line into its body far more often than
programs do. On the real-code corpus' validation split (step over from every `if` line of the
first recorded call of each function, 2026-12-07):

- an `if` whose body starts with `raise`: the body runs 8% of the time, predicted 41%;
- with `return`: runs 33%, predicted 52%;
- any other `if`: runs 42%, predicted 59%.

When it does run, the model nearly always says so; when it does not, the model enters it anyway
a third of the time. The model reads the condition but mostly cannot evaluate it, and the body
is the next line it reads. Where the decoder chooses a stop's line after an `if` line, the lines
of a `raise` statement (error paths: the body's or the one the `if` falls through to) and of a
`return` that starts the body have their scores lowered by `BODY_BIAS` (a log-odds shift) before
the best line is taken. Other bodies are left alone: shifting them fixed as many steps as it
broke. The shifts were chosen on the validation split (MODEL.md, "A prior against entering `if`
bodies"); the test split only measured them. Folding, where it can evaluate the condition,
decides before the model is asked and is not affected.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from neurodebug.neural_debugger.model.encoding import State

BODY_BIAS: dict[str, float] = {"raise": 4.0, "return": 2.5}
"""Log-odds subtracted from a candidate line's score after an `if` line: "raise" for any line
of a `raise` statement (the body's, or the one the `if` falls through to), "return" for any
line of a `return` statement that starts the `if`'s body, "other" (unset: no shift) for any
line of another body's first statement."""


@dataclass(frozen=True)
class Branches:
    """What the prior needs of a source, read once."""

    bodies: dict[int, tuple[int, str]] = field(default_factory=dict)
    """`if` / `elif` line -> (the first line of its body, "raise" / "return" / "other")."""
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    """For an `if` body's first statement, by its first line: (first, last) line."""
    raises: frozenset[int] = frozenset()
    """Every line of every `raise` statement."""


def branches(tree: ast.AST) -> Branches:
    """The `if` bodies and `raise` statements of a parsed source."""
    bodies: dict[int, tuple[int, str]] = {}
    spans: dict[int, tuple[int, int]] = {}
    raises: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            raises.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        elif isinstance(node, ast.If) and node.body:
            first = node.body[0]
            kind = (
                "raise"
                if isinstance(first, ast.Raise)
                else "return"
                if isinstance(first, ast.Return)
                else "other"
            )
            bodies[node.lineno] = (first.lineno, kind)
            spans[first.lineno] = (first.lineno, first.end_lineno or first.lineno)
    return Branches(bodies, spans, frozenset(raises))


def deciding_line(state: State) -> int | None:
    """The line whose condition decides where a line stop after `state` goes: the stop's own
    line, or (when a call the condition made has just returned) the caller's line."""
    step = state.step
    if step.event == "line":
        return step.line
    if step.event == "return" and state.outer:
        return state.outer[-1].line
    return None


def line_offsets(
    facts: Branches, state: State, lines: list[int], bias: dict[str, float]
) -> list[float] | None:
    """Additive scores for choosing a line stop's line among `lines` after an `if` line, or
    None where the prior has nothing to say."""
    if len(lines) < 2 or not bias:
        return None
    line = deciding_line(state)
    found = facts.bodies.get(line) if line is not None else None
    if found is None:
        return None
    body, kind = found
    first, last = facts.spans.get(body, (body, body))
    offsets = []
    for candidate in lines:
        if candidate in facts.raises:
            offsets.append(-bias.get("raise", 0.0))
        elif first <= candidate <= last and kind != "raise":
            offsets.append(-bias.get(kind, 0.0))
        else:
            offsets.append(0.0)
    return offsets if any(offsets) and len(set(offsets)) > 1 else None
