"""What the model reads for one function: the whole module, or only what the function needs.

The model's context holds a few hundred tokens, far less than most real modules. Rather than
refuse a long file, the caller gives the model the function with the top-level imports,
assignments and functions it refers to, and maps the predicted lines back to the file's own.
Pure `ast` work: no torch, so the CLI, the server and the cost estimates share it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from neurodebug.neural_debugger.groundtruth.trace import Trace


class TracePredictor(Protocol):
    """What `predict_trace_in_context` needs of a predictor (the real one or a test double)."""

    def predict_trace(
        self,
        source: str,
        function: str,
        call: str,
        action: str = ...,
        breakpoints: Sequence[int] = ...,
        max_steps: int = ...,
    ) -> Trace: ...


def reduced_source(source: str, function: str) -> tuple[str, list[int]]:
    """The part of a module the model must read to run `function`, and its line map.

    The model reads a few hundred tokens at most, so instead of the whole file it gets the
    top-level imports, the module-level assignments and functions `function` refers to
    (transitively), in their original order. `line_map[i]` is the original line of line
    `i + 1` of the reduced text, so predicted stops map back to the file's own lines.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    assigned: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = node
    wanted: set[int] = set()
    pending = [function]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        found: ast.stmt | None = functions.get(name) or assigned.get(name)
        if found is None:
            continue
        wanted.add(id(found))
        pending.extend(n.id for n in ast.walk(found) if isinstance(n, ast.Name))
    kept: list[str] = []
    line_map: list[int] = []
    for node in tree.body:
        if not (isinstance(node, ast.Import | ast.ImportFrom) or id(node) in wanted):
            continue
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        last = node.end_lineno or node.lineno
        if kept and not isinstance(node, ast.Import | ast.ImportFrom):
            kept.append("")
            line_map.append(0)
        for number in range(first, last + 1):
            kept.append(lines[number - 1])
            line_map.append(number)
    return "\n".join(kept) + "\n", line_map


def remap(trace: Trace, line_map: Sequence[int]) -> Trace:
    """The trace with reduced-source line numbers turned back into the file's own."""
    steps = [
        replace(step, line=line_map[step.line - 1])
        for step in trace.steps
        if 0 < step.line <= len(line_map) and line_map[step.line - 1] > 0
    ]
    return replace(trace, steps=steps)


def predict_trace_in_context(
    predictor: TracePredictor,
    source: str,
    function: str,
    call: str,
    action: str = "step_into",
    breakpoints: Sequence[int] = (),
    max_steps: int = 200,
) -> Trace:
    """`predict_trace` on the whole module, or, when it is too long for the model, on the
    function's reduced source, with lines (breakpoints in, stops out) in the file's numbering."""
    from neurodebug.neural_debugger.predict.inference import SourceTooLongError

    try:
        return predictor.predict_trace(source, function, call, action, breakpoints, max_steps)
    except SourceTooLongError:
        reduced, line_map = reduced_source(source, function)
        reduced_lines = {original: index + 1 for index, original in enumerate(line_map)}
        mapped = [reduced_lines[line] for line in breakpoints if line in reduced_lines]
        trace = predictor.predict_trace(reduced, function, call, action, mapped, max_steps)
        return remap(trace, line_map)
