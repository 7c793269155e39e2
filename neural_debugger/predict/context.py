"""What the model reads for one function: the whole module, or only what the function needs.

The model's context holds a few hundred tokens, far less than most real modules. Rather than
refuse a long file, the caller gives the model the function with the top-level imports,
assignments and functions it refers to (`reduced_source`), or for a method the class's header,
fields, `__init__` and the methods it calls on `self` (`reduced_method_source`); an editor's
module that is mid-edit (it does not parse) is read as the function's own lines alone. Each
`SourceView` maps its lines back to the file's, so breakpoints go in and stops come out in the
file's numbering. `*_in_context` try the views best first and move on only on
`SourceTooLongError` — the one fallback, used by the CLI and the server alike. Pure `ast` work:
no torch, so the CLI, the server and the cost estimates share it.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from neurodebug.neural_debugger.groundtruth.entries import named_def
from neurodebug.neural_debugger.groundtruth.recorder import RUN_MODULE
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.predict.invert import (
    CANDIDATES,
    CandidatePredictor,
    InvertAnswer,
    choose_call,
)
from neurodebug.neural_debugger.predict.receivers import first_line, lineage

T = TypeVar("T")

INITS = ("__init__", "__post_init__")
"""What a constructor runs of the source's own code before a method entry's method."""


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
        *,
        module: str = ...,
    ) -> Trace: ...


class StatePredictor(Protocol):
    """What `predict_from_state_in_context` needs of a predictor."""

    def predict_from_state(
        self,
        source: str,
        function: str,
        line: int,
        locals: dict[str, str],
        n_steps: int = ...,
        action: str = ...,
        breakpoints: Sequence[int] = ...,
    ) -> Trace: ...


class LineOutsideViewError(ValueError):
    """A line the model was asked about is not part of the text it reads."""


@dataclass(frozen=True)
class SourceView:
    """A text the model reads and, per line, the file's line it came from."""

    text: str
    line_map: tuple[int, ...] | None = None
    """`line_map[i]` is the file's line of line `i + 1` (0: a blank line added); None: the
    view is the file itself."""

    def view_line(self, line: int) -> int | None:
        """The view's number of the file's `line`, None when the view does not hold it."""
        if self.line_map is None:
            return line
        for index, original in enumerate(self.line_map):
            if original == line:
                return index + 1
        return None

    def view_lines(self, lines: Sequence[int]) -> list[int]:
        """The file's lines held by the view, in the view's numbering (breakpoints going in)."""
        found = (self.view_line(line) for line in lines)
        return [line for line in found if line is not None]

    def file_trace(self, trace: Trace) -> Trace:
        """A trace predicted on the view, in the file's line numbers."""
        return trace if self.line_map is None else remap(trace, self.line_map)


def reduced_source(source: str, function: str) -> tuple[str, list[int]]:
    """The part of a module the model must read to run `function`, and its line map.

    The model reads a few hundred tokens at most, so instead of the whole file it gets the
    top-level imports, the module-level assignments and functions `function` refers to
    (transitively), in their original order. `line_map[i]` is the original line of line
    `i + 1` of the reduced text, so predicted stops map back to the file's own lines.
    """
    tree = ast.parse(source)
    wanted = _needed(tree, [function])
    spans = [
        (*_span(node), not _is_import(node))
        for node in tree.body
        if id(node) in wanted or _is_import(node)
    ]
    return _cut(source.splitlines(), spans)


def reduced_method_source(
    source: str, method: str, lines: tuple[int, int] | None = None, lean: bool = False
) -> tuple[str, list[int]] | None:
    """For a method of a module-level class, what an entry such as `Stack().push(1)` runs: the
    class's header, its fields and the class attributes the method reads, its own `__init__`
    or `__post_init__` (and those of the bases the module defines), the methods it calls on
    `self`, and the method itself; with the module's imports and the top-level functions and
    assignments these refer to. `lean`: only the header, fields, `__init__` / `__post_init__`
    and the method (for a class too long to read that way). None when `method` is no such
    method (or `lines`, its first and last line, name another)."""
    return _method_view(ast.parse(source), source, method, lines, lean)


def _method_view(
    tree: ast.Module, source: str, method: str, lines: tuple[int, int] | None, lean: bool
) -> tuple[str, list[int]] | None:
    """`reduced_method_source` on the module's parsed `tree`."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    found = [
        (owner, item)
        for owner in classes.values()
        for item in owner.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        and item.name == method
        and (lines is None or lines[0] <= item.lineno <= lines[1])
    ]
    if len(found) != 1:
        return None
    owner, target = found[0]
    called = {
        node.attr
        for node in ast.walk(target)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
    }
    chain = lineage(classes, owner.name)  # with the bases this module defines: `__init__`
    kept: dict[int, list[ast.stmt]] = {}
    for cls in chain:
        if cls.body[0].lineno <= cls.lineno:  # `class A: x = 1`: no header line of its own
            return None
        kept[id(cls)] = [
            item
            for item in cls.body
            if isinstance(item, ast.AnnAssign)  # a dataclass's or named tuple's fields
            or (isinstance(item, ast.Assign) and bool(_targets(item) & called) and not lean)
            or item is target
            or (
                isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and (item.name in INITS or (cls is owner and item.name in called and not lean))
            )
        ]
    names = [
        n.id
        for cls in chain
        for item in kept[id(cls)]
        for n in ast.walk(item)
        if isinstance(n, ast.Name)
    ]
    wanted = _needed(tree, names)
    spans: list[tuple[int, int, bool]] = []
    for node in tree.body:
        if kept.get(id(node)):  # a base with nothing to keep stays out (no empty class body)
            first, _ = _span(node)
            body = node.body[0]  # type: ignore[attr-defined]
            spans.append((first, _span(body)[0] - 1, True))  # up to its first item's decorators
            spans.extend((*_span(item), False) for item in kept[id(node)])
        elif id(node) in wanted or _is_import(node):
            spans.append((*_span(node), not _is_import(node)))
    return _cut(source.splitlines(), spans)


def qualified_lines(source: str, qualname: str) -> tuple[int, int] | None:
    """The first and last line of the def `qualname` names (`Stack.push`; see
    `entries.named_def`)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = named_def(tree, qualname)
    return _span(found[0]) if found is not None else None


def _needed(tree: ast.Module, names: Sequence[str]) -> set[int]:
    """Ids of the top-level functions and assignments `names` refer to, transitively."""
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
    pending = list(names)
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
    return wanted


def _targets(node: ast.Assign) -> set[str]:
    return {target.id for target in node.targets if isinstance(target, ast.Name)}


def _is_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.Import | ast.ImportFrom)


def _span(node: ast.stmt) -> tuple[int, int]:
    """A statement's first line (its decorators') and last line."""
    return first_line(node), node.end_lineno or node.lineno


def _cut(lines: list[str], spans: list[tuple[int, int, bool]]) -> tuple[str, list[int]]:
    """The text of `spans` (first, last, set apart by a blank line) and the line map."""
    kept: list[str] = []
    line_map: list[int] = []
    for first, last, separate in spans:
        if kept and separate:
            kept.append("")
            line_map.append(0)
        for number in range(first, last + 1):
            kept.append(lines[number - 1])
            line_map.append(number)
    return "\n".join(kept) + "\n", line_map


def function_lines(source: str, first: int, last: int) -> SourceView:
    """The file's lines first..last (1-based, a function's `def` to its end), dedented."""
    lines = source.splitlines()[first - 1 : last]
    return SourceView(
        textwrap.dedent("\n".join(lines)) + "\n", tuple(range(first, first + len(lines)))
    )


def source_views(
    source: str, function: str, lines: tuple[int, int] | None = None
) -> list[SourceView]:
    """The views of a source to try for `function`, best first.

    The whole module, when it parses; then the function with what it uses (`reduced_source`),
    when it is a top-level function of a module that parses, or, for a method, its class's
    views (`reduced_method_source`, then lean); then, given the function's `lines` (first,
    last; found for a method named once), those lines alone. For a method whose name, or
    `__init__` / `__post_init__`, more than one def of the module has, the whole module is not
    read: the decoder keeps one function per name, and it would be the first one. A source that
    does not parse with no `lines` given is read whole, so the model's own error says why it
    cannot be read.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    views: list[SourceView] = []
    if tree is not None or lines is None:
        views.append(SourceView(source))
    top_level = tree is not None and any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name == function
        and (lines is None or lines[0] <= node.lineno <= lines[1])
        for node in tree.body
    )
    if top_level:
        text, line_map = reduced_source(source, function)
        views.append(SourceView(text, tuple(line_map)))
    elif tree is not None:
        for lean in (False, True):
            method = _method_view(tree, source, function, lines, lean)
            if method is not None and all(view.text != method[0] for view in views):
                views.append(SourceView(method[0], tuple(method[1])))
        if len(views) > 1 and _defined_more_than_once(tree, {function, *INITS}):
            views.pop(0)
        if lines is None and len(views) > 1:  # a method named once: its own lines come last
            found = named_def(tree, function)
            lines = _span(found[0]) if found is not None else None
    if lines is not None:
        views.append(function_lines(source, *lines))
    return views


def _defined_more_than_once(tree: ast.Module, names: set[str]) -> bool:
    defined = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in names
    ]
    return len(defined) != len(set(defined))


def in_context(
    source: str,
    function: str,
    ask: Callable[[SourceView], T],
    lines: tuple[int, int] | None = None,
) -> T:
    """`ask(view)` on the first view of `source_views` the model can read: the next view is
    tried only when a view is too long (`SourceTooLongError`); any other error is the answer."""
    from neurodebug.neural_debugger.predict.inference import SourceTooLongError

    views = source_views(source, function, lines)
    for view in views[:-1]:
        try:
            return ask(view)
        except SourceTooLongError:
            continue
    return ask(views[-1])


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
    lines: tuple[int, int] | None = None,
    module: str = RUN_MODULE,
) -> Trace:
    """`predict_trace` on the first view the model can read (see `in_context`), with lines
    (breakpoints in, stops out) in the file's numbering; `module` as in `predict_trace`.
    `function` may be a method's qualified name (`Stack.push`), which picks the class."""
    if "." in function:
        lines = lines or qualified_lines(source, function)
        function = function.rpartition(".")[2]  # frames are named by the def's own name

    def ask(view: SourceView) -> Trace:
        trace = predictor.predict_trace(
            view.text, function, call, action, view.view_lines(breakpoints), max_steps,
            module=module,
        )  # fmt: skip
        return view.file_trace(trace)

    return in_context(source, function, ask, lines)


def predict_from_state_in_context(
    predictor: StatePredictor,
    source: str,
    function: str,
    line: int,
    locals: dict[str, str],
    n_steps: int = 1,
    action: str = "step_into",
    breakpoints: Sequence[int] = (),
    lines: tuple[int, int] | None = None,
    view_of: str | None = None,
) -> Trace:
    """`predict_from_state` from a stop at the file's `line` of `function`, on the first view
    the model can read; the views are those of `view_of` (default: `function`) — a stop may be
    in a callee of the function whose lines are given."""

    def ask(view: SourceView) -> Trace:
        start = view.view_line(line)
        if start is None:
            raise LineOutsideViewError(f"line {line} is outside the source the model reads")
        trace = predictor.predict_from_state(
            view.text, function, start, locals, n_steps, action, view.view_lines(breakpoints)
        )
        return view.file_trace(trace)

    return in_context(source, view_of or function, ask, lines)


def choose_inputs_in_context(
    predictor: CandidatePredictor,
    source: str,
    function: str,
    output: str,
    count: int = CANDIDATES,
    lines: tuple[int, int] | None = None,
) -> InvertAnswer:
    """`invert.choose_call` (`count` candidate calls of `function` expected to return `output`,
    checked by folding; nothing runs) on the first view the model can read."""
    return in_context(
        source,
        function,
        lambda view: choose_call(predictor, view.text, function, output, count),
        lines,
    )
