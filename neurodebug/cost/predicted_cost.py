"""Predicted cost: how often each line would run, from the neural debugger's rollouts.

Nothing runs. For each file, the entry calls a user has already written down are found —

- doctests (`>>> f(3, [1, 2])` in any docstring of the file),
- call comments (`# neurodebug: f(3, [1, 2])` anywhere in the file, read by
  `groundtruth.entries`),
- calls in tests (`f(…)` in `test_*.py` / `*_test.py` files that import the module; without
  a project folder, each function's first literal call in the module's own test file, as
  `groundtruth.entries` finds it for the editor),

keeping those that call a top-level function of the file with literal arguments (what the
model can be asked about). Each call is rolled out by the predictor (`predict_trace`, step
into, up to a step budget) and the predicted line stops are counted per line. The result is a
`Profile` of kind "predicted" whose costs are counted in predicted steps; every report built
on it says the figure is predicted.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from neurodebug.cost.profiling import LineCost, Profile
from neurodebug.neural_debugger.groundtruth.entries import (
    entry_comments,
    first_test_call,
    module_test_files,
)
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.predict.context import TracePredictor, reduced_source, remap

MAX_CALLS_PER_FILE = 8
DEFAULT_MAX_STEPS = 200


@dataclass(frozen=True)
class EntryCall:
    """One call to roll out: `function` is top-level in the file; `origin` says where it was found."""

    function: str
    call: str
    origin: str
    """`doctest`, `comment` or `test:<path>`."""


def _top_level_functions(tree: ast.Module) -> set[str]:
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _literal_call(text: str, functions: set[str]) -> EntryCall | None:
    """An `EntryCall` if `text` is `f(literal, name=literal…)` for a known top-level `f`."""
    try:
        expression = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Name)
        and expression.func.id in functions
    ):
        return None
    arguments = [*expression.args, *(keyword.value for keyword in expression.keywords)]
    if any(isinstance(arg, ast.Starred) for arg in expression.args) or any(
        keyword.arg is None for keyword in expression.keywords
    ):
        return None
    for argument in arguments:
        try:
            ast.literal_eval(argument)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    return EntryCall(expression.func.id, ast.unparse(expression), "")


def _docstrings(tree: ast.Module) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            text = ast.get_docstring(node, clean=True)
            if text:
                yield text


def _test_files(project: Path) -> Iterable[Path]:
    for pattern in ("test_*.py", "*_test.py"):
        for path in sorted(project.rglob(pattern)):
            if not any(
                part.startswith(".") or part in ("node_modules", "build") for part in path.parts
            ):
                yield path


def discover_entry_calls(
    path: Path, source: str, project: Path | None = None, limit: int = MAX_CALLS_PER_FILE
) -> list[EntryCall]:
    """The entry calls written down for the file at `path`: doctests, comments, tests.

    Deduplicated, in that order, at most `limit`. Test files are searched under `project`
    (default: none) and must import the file's module by name.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    functions = _top_level_functions(tree)
    found: list[EntryCall] = []

    def add(call: EntryCall | None, origin: str) -> None:
        if call is not None and all(call.call != seen.call for seen in found):
            found.append(EntryCall(call.function, call.call, origin))

    for docstring in _docstrings(tree):
        for line in docstring.splitlines():
            stripped = line.strip()
            if stripped.startswith(">>> "):
                add(_literal_call(stripped[4:], functions), "doctest")
    for _line, call in entry_comments(source):
        add(_literal_call(call, functions), "comment")
    if project is None and path.is_file():
        for test in module_test_files(path):
            for name in sorted(functions):
                entry = first_test_call(test, name, path.stem)
                if entry is not None:
                    add(_literal_call(entry.call, functions), f"test:{test.name}")
    if project is not None:
        module = path.stem
        importer = re.compile(
            rf"^\s*(from\s+[\w.]*\b{re.escape(module)}\b\s+import|import\s+[\w.]*\b{re.escape(module)}\b)",
            re.M,
        )
        for test in _test_files(project):
            if test.resolve() == path.resolve():
                continue
            try:
                text = test.read_text(encoding="utf-8")
                test_tree = ast.parse(text)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                continue
            if not importer.search(text):
                continue
            for node in ast.walk(test_tree):
                if isinstance(node, ast.Call):
                    segment = ast.get_source_segment(text, node)
                    if segment:
                        add(_literal_call(segment, functions), f"test:{test.name}")
    return found[:limit]


def count_lines(trace: Trace) -> dict[int, int]:
    """How many `line` stops each line has in a trace (the frame's own file only)."""
    counts: dict[int, int] = {}
    for step in trace.steps:
        if step.event == "line":
            counts[step.line] = counts.get(step.line, 0) + 1
    return counts


def profile_from_traces(
    traces: Sequence[tuple[Path, Trace]], command: str, kind: str = "predicted"
) -> Profile:
    """A step-counted profile: each line's hits and cost are its `line` stops over all traces."""
    lines: dict[str, dict[int, LineCost]] = {}
    total = 0
    for path, trace in traces:
        per = lines.setdefault(str(path.resolve()), {})
        for line, count in count_lines(trace).items():
            previous = per.get(line, LineCost(0, 0.0))
            per[line] = LineCost(previous.hits + count, previous.cost + count)
            total += count
    return Profile(
        command=command,
        kind="predicted" if kind == "predicted" else "measured",
        total=float(total),
        lines=lines,
        unit="steps",
    )


@dataclass
class PredictedProfile:
    """The predicted profile, the calls it rolled out and the calls the model could not take."""

    profile: Profile
    used: list[tuple[Path, EntryCall]]
    skipped: list[tuple[Path, EntryCall, str]]


def predict_profile(
    files: Sequence[Path],
    predictor: TracePredictor,
    project: Path | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> PredictedProfile:
    """Roll out every discovered entry call of every file (on its reduced source)."""
    traces: list[tuple[Path, Trace]] = []
    used: list[tuple[Path, EntryCall]] = []
    skipped: list[tuple[Path, EntryCall, str]] = []
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for entry in discover_entry_calls(path, source, project):
            try:
                reduced, line_map = reduced_source(source, entry.function)
                trace = predictor.predict_trace(
                    reduced, entry.function, entry.call, action="step_into", max_steps=max_steps
                )
            except (ValueError, SyntaxError) as error:  # PredictionError: cannot be asked
                skipped.append((path, entry, str(error)))
                continue
            traces.append((path, remap(trace, line_map)))
            used.append((path, entry))
    calls = ", ".join(entry.call for _, entry in used[:3]) + (" …" if len(used) > 3 else "")
    command = f"{len(used)} predicted entry call{'s' if len(used) != 1 else ''}: {calls}"
    return PredictedProfile(profile_from_traces(traces, command), used, skipped)
