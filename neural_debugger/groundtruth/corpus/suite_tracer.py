"""Per-function traces from a real project's own test suite: a pytest plugin run inside the suite.

Why: synthetic programs teach the language and harvested stdlib functions need made-up inputs;
a project's tests call its functions with the inputs its authors thought worth checking. Through
the pytest plugin `corpus.suite_plugin` (started by `neurodebug.suite_corpus`), it traces each test call with `sys.settrace` and records, for functions
defined under the project's package folder, whole calls: the function's own source (numbered
from 1, dedented), every stop of that call (nested comprehensions, lambdas, inner functions and
recursive calls at depth > 0, as `recorder` numbers them), and how it ended.

Rules that keep the suite's behaviour and the corpus's quality:
- the tracer never raises into the suite: a call it cannot record is dropped, and a call longer
  than `max_steps` stops being recorded without stopping the test;
- one call is recorded at a time (calls of other functions made inside it are not recorded as
  calls of their own), at most `calls_per_function` distinct calls per function (distinct by
  the arguments' reprs);
- generators and coroutines are skipped (their frames resume across callers), and so are calls
  whose arguments (apart from `self` / `cls`) only show a default `<X object>` repr: nothing a
  reader could predict from.

Only the standard library and `recorder` are imported: this runs in the project's test
environment, not neurodebug's.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from types import CodeType, FrameType
from typing import IO, Any

from neurodebug.neural_debugger.groundtruth.recorder import call_stop, stop_at
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace, source_lines

_SKIPPED_FLAGS = (
    inspect.CO_GENERATOR
    | inspect.CO_COROUTINE
    | inspect.CO_ASYNC_GENERATOR
    | inspect.CO_ITERABLE_COROUTINE
)
_RECEIVERS = frozenset({"self", "cls", "mcs", "metacls"})


@dataclass(frozen=True)
class Function:
    """A function of the project that may be recorded: where it is and its own source."""

    filename: str
    first_line: int  # the first decorator's line, or the `def` line
    last_line: int
    qualname: str
    source: str  # lines first_line..last_line, the `def`'s indentation removed
    parameters: tuple[str, ...]  # positional, then keyword-only, then *args and **kwargs
    keyword_only: int
    star: str | None
    star_star: str | None

    def owns(self, code: CodeType) -> bool:
        """Whether `code` is this function or lexically inside it (comprehension, lambda, def)."""
        return code.co_filename == self.filename and (
            self.first_line <= code.co_firstlineno <= self.last_line
        )


@dataclass
class _Recording:
    function: Function
    root: FrameType
    test: str
    call: str
    """The call as Python source (`call_text`), also the key that keeps calls distinct."""
    steps: list[Step] = field(default_factory=list)
    depths: dict[int, int] = field(default_factory=dict)
    abandoned: bool = False


def function_sources(path: str) -> dict[int, tuple[int, str, int]]:
    """Per first line (decorators included) of each def in the file: (last line, source, indent)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return {}
    lines = source_lines(text)
    found: dict[int, tuple[int, str, int]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.end_lineno is None:
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        block = lines[first - 1 : node.end_lineno]
        indent = len(block[0]) - len(block[0].lstrip())
        found[first] = (node.end_lineno, "\n".join(_dedent(block, indent)) + "\n", indent)
    return found


def _dedent(block: list[str], indent: int) -> Iterator[str]:
    """Each line less `indent` leading blanks; a line with fewer (inside a string) is kept."""
    for line in block:
        if line[:indent].strip() == "":
            yield line[indent:] if len(line) >= indent else ""
        else:
            yield line


def call_text(function: Function, arguments: dict[str, str]) -> str:
    """The call as Python source from the call stop's argument reprs: `f(1, 'a', key=2)`."""
    names = function.parameters
    positional = len(names) - function.keyword_only
    parts = [arguments[name] for name in names[:positional] if name in arguments]
    if function.star and function.star in arguments:
        inner = arguments[function.star]
        if inner.startswith("(") and inner.endswith(")") and inner != "()":
            parts.append(inner[1:-1].rstrip(","))
    parts += [f"{name}={arguments[name]}" for name in names[positional:] if name in arguments]
    if function.star_star and arguments.get(function.star_star, "{}") != "{}":
        parts.append(f"**{arguments[function.star_star]}")
    return f"{function.qualname}({', '.join(parts)})"


def is_literal(text: str) -> bool:
    """Whether a repr reads back as a Python literal (so the call can be written and rerun);
    a summarised container (`[1, 2, ...]`: the `...` is the cut, not Ellipsis) does not."""
    if text.endswith("..."):
        return False
    try:
        tree = ast.parse(text, mode="eval")
        ast.literal_eval(tree)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return not any(
        isinstance(node, ast.Constant) and node.value is Ellipsis for node in ast.walk(tree)
    )


class SuiteRecorder:
    """The trace functions; `records` written to `out` as each recorded call returns."""

    def __init__(
        self,
        root: str,
        out: IO[str],
        *,
        project: str,
        split: str,
        exclude: tuple[str, ...] = (),
        calls_per_function: int = 3,
        max_steps: int = 300,
    ) -> None:
        self.root = os.path.realpath(root)  # a package folder, or a single module's file
        self.exclude = tuple(os.path.realpath(path) + os.sep for path in exclude)
        self.out = out
        self.project = project
        self.split = split
        self.calls_per_function = calls_per_function
        self.max_steps = max_steps
        self.functions: dict[CodeType, Function | None] = {}
        self.files: dict[str, dict[int, tuple[int, str, int]]] = {}
        self.calls: dict[tuple[str, int], set[str]] = {}
        self.tries: dict[tuple[str, int], int] = {}
        self.active: _Recording | None = None
        self.test = ""

    # ---------------------------------------------------------------------------------------
    # which functions

    def describe(self, code: CodeType) -> Function | None:
        """The function `code` belongs to, if it is one of the project's recordable functions."""
        path = os.path.realpath(code.co_filename)
        if not (path == self.root or path.startswith(self.root + os.sep)):
            return None
        if code.co_flags & _SKIPPED_FLAGS:
            return None
        if path.startswith(self.exclude):
            return None  # the suite's own tests (inside the package), a test framework
        if code.co_name.startswith("<"):
            return None  # module code, lambdas and comprehensions: parts, not entries
        if path not in self.files:
            self.files[path] = function_sources(path)
        entry = self.files[path].get(code.co_firstlineno)
        if entry is None:
            return None
        last_line, source, _indent = entry
        count = code.co_argcount + code.co_kwonlyargcount
        names = code.co_varnames
        star = names[count] if code.co_flags & inspect.CO_VARARGS else None
        after = count + (1 if star else 0)
        star_star = names[after] if code.co_flags & inspect.CO_VARKEYWORDS else None
        return Function(
            filename=code.co_filename,
            first_line=code.co_firstlineno,
            last_line=last_line,
            qualname=code.co_qualname,
            source=source,
            parameters=names[:count],
            keyword_only=code.co_kwonlyargcount,
            star=star,
            star_star=star_star,
        )

    # ---------------------------------------------------------------------------------------
    # trace functions (never raise into the suite)

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        try:
            return self._global(frame)
        except Exception:
            self.active = None
            return None

    def _global(self, frame: FrameType) -> Callable[..., Any] | None:
        code = frame.f_code
        active = self.active
        if active is not None:
            if active.abandoned or not active.function.owns(code):
                return None
            self._enter(active, frame)
            return self.local_trace
        function = self.functions.get(code, _UNKNOWN)
        if function is _UNKNOWN:
            function = self.functions[code] = self.describe(code)
        if function is None:
            return None
        key = (function.filename, function.first_line)
        taken = self.calls.setdefault(key, set())
        tries = self.tries.get(key, 0)
        if len(taken) >= self.calls_per_function or tries >= _TRIES * self.calls_per_function:
            return None
        self.tries[key] = tries + 1  # a function whose calls are always refused stops costing
        call = call_stop(frame, 0)
        if _opaque(function, call.locals):
            return None
        text = call_text(function, call.locals)
        if text in taken:
            return None
        self.active = _Recording(function, frame, self.test, text)
        self.active.depths[id(frame)] = 0
        self._add(self.active, call)
        return self.local_trace

    def _enter(self, active: _Recording, frame: FrameType) -> None:
        """A frame inside the recorded call starts: its depth, and its call stop."""
        depth = 1
        parent = frame.f_back
        while parent is not None and parent is not active.root:
            depth += active.function.owns(parent.f_code)
            parent = parent.f_back
        active.depths[id(frame)] = depth
        self._add(active, call_stop(frame, depth))

    def local_trace(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        try:
            return self._local(frame, event, arg)
        except Exception:
            self.active = None
            return None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        active = self.active
        if active is None or id(frame) not in active.depths:
            # a frame of an earlier recording (a generator resumed later): never again; on
            # 3.11 returning None alone does not stop a frame's local tracing
            frame.f_trace = None
            return None
        is_root = frame is active.root
        if active.abandoned:
            if is_root and event == "return":
                self.active = None
            return self.local_trace if is_root else None
        self._add(active, stop_at(frame, event, arg, active.depths[id(frame)]))
        if event == "return" and is_root:
            self.active = None
            if not active.abandoned:
                self._finish(active)
        return self.local_trace

    def _add(self, active: _Recording, step: Step | None) -> None:
        if step is None:
            return
        if len(active.steps) >= self.max_steps:
            active.abandoned = True
            return
        active.steps.append(replace(step, line=step.line - active.function.first_line + 1))

    # ---------------------------------------------------------------------------------------
    # records

    def _finish(self, active: _Recording) -> None:
        function, steps = active.function, active.steps
        if len(steps) < 2 or steps[0].event != "call":
            return
        arguments = steps[0].locals
        self.calls[(function.filename, function.first_line)].add(active.call)
        last = steps[-1]
        trace = Trace(steps=steps)
        if last.event == "return" and last.value is not None:
            trace.result = last.value
        else:
            raised = [step.value for step in steps if step.event == "exception" and not step.depth]
            trace.status, trace.exception = "exception", raised[-1] if raised else "unknown"
        named = (*function.parameters, function.star, function.star_star)
        given = [arguments[name] for name in named if name and name in arguments]
        runnable = all(part.isidentifier() for part in function.qualname.split("."))
        literal = runnable and all(is_literal(text) for text in given if text)
        folder = self.root if os.path.isdir(self.root) else os.path.dirname(self.root)
        relative = os.path.relpath(os.path.realpath(function.filename), folder)
        digest = hashlib.sha256(f"{self.project}\0{relative}\0{function.source}".encode())
        meta = {
            "hash": digest.hexdigest(),
            "split": self.split,
            "origin": f"suite:{self.project}",
            "project": self.project,
            "file": relative,
            "qualname": function.qualname,
            "first_line": function.first_line,
            "literal_call": literal,
            "test": active.test,
        }
        record = {
            "source": function.source, "call": active.call, "trace": trace.to_json(), "meta": meta
        }  # fmt: skip
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()


_UNKNOWN: Any = object()
_TRIES = 4
"""Calls of one function tried per call kept: past that, its calls are too long or alike."""


def _opaque(function: Function, arguments: dict[str, str]) -> bool:
    """Whether an argument (other than `self` / `cls`) shows only a default `<X object>` repr."""
    return any(
        arguments.get(name, "").endswith(" object>")
        for name in function.parameters
        if name not in _RECEIVERS
    )
