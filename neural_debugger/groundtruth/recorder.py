"""Recording one entry call with `sys.settrace`: the half of the tracer that runs in the child.

`record_call(...)` runs *inside* a sandboxed child process (see `sandbox.py`, which imports this
module and never the caller's half): it executes the program's module code, then evaluates the
call expression under a trace function that records every call / line / return / exception
event of frames whose code comes from the program, with the frame's locals as truncated,
address-free `repr`s. The value rendering (`safe_repr`, `exception_text`, `without_addresses`)
lives here too: the debugpy runner's debuggee and the predictions render values the same way.
Callers trace through `tracer.trace_source` / `tracer.trace_entry`, never through this module.

Conventions (the model and the actions rely on them):
- `depth` counts the program's own frames on the stack below the step's frame: the entry function
  is depth 0, a helper it calls is depth 1. Library frames are neither traced nor counted.
- `call` steps carry the arguments as locals; `line` steps the locals *before* the line runs;
  `return` steps the final locals and `value` = repr of the returned (or yielded) value, or no
  `value` when the frame exits because an exception propagates out of it (`yielded` marks a
  generator's yield); `exception` steps carry
  `value` = `"TypeName: message"` of the exception raised at that line.
- Object reprs lose their memory addresses (`<Foo object>`), so traces are deterministic.
"""

from __future__ import annotations

import dis
import importlib
import importlib.util
import io
import re
import sys
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from types import FrameType, ModuleType
from typing import Any

from neurodebug.neural_debugger.groundtruth.trace import MAX_REPR_CHARS, Step, Trace

CONTAINER_ITEMS = 12
"""Containers longer than this are summarised: the first items, then `...`."""

MAX_OUTPUT_CHARS = 20_000
"""Captured stdout / stderr beyond this many characters is dropped (a huge output is contained)."""

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_RETURN = dis.opmap["RETURN_VALUE"]
_YIELD = dis.opmap["YIELD_VALUE"]
_CALL_FILENAME = "<neurodebug-call>"


# --------------------------------------------------------------------------------------------
# Value rendering (runs in the child)


def _render(value: Any, budget: int, inside: frozenset[int] = frozenset()) -> str:
    """A repr of `value` of roughly at most `budget` characters, never walking huge containers.
    `inside`: the containers being written around it: one met again is written `[...]` /
    `{...}` / `(...)`, as Python's own repr writes a list that holds itself."""
    kind = type(value)
    if kind is int:
        if value.bit_length() > 1000:
            return f"<int with about {int(value.bit_length() * 0.30103)} digits>"
        return repr(value)
    if kind in (float, bool, type(None), complex):
        return repr(value)
    if kind is str or kind is bytes:
        return repr(value[: budget + 2])
    if kind in (list, tuple, set, frozenset, dict):
        if id(value) in inside:
            return "[...]" if kind is list else "{...}" if kind is dict else "(...)"
        return _render_container(value, budget, inside | {id(value)})
    try:
        text = repr(value)
    except Exception:  # a user __repr__ may fail (e.g. in __init__): show what debuggers show
        text = object.__repr__(value)
    return without_addresses(text[: budget * 4])


def _render_container(value: Any, budget: int, inside: frozenset[int]) -> str:
    kind = type(value)
    if kind is dict:
        open_, close = "{", "}"
    elif kind is list:
        open_, close = "[", "]"
    elif kind is tuple:
        open_, close = "(", ")"
    elif kind is set:
        if not value:
            return "set()"
        open_, close = "{", "}"
    else:
        if not value:
            return "frozenset()"
        open_, close = "frozenset({", "})"
    parts: list[str] = []
    used = len(open_)
    for index, item in enumerate(value.items() if kind is dict else value):
        if index >= CONTAINER_ITEMS or used > budget:
            parts.append("...")
            break
        if kind is dict:
            key, shown = (
                _render(item[0], budget - used, inside),
                _render(item[1], budget - used, inside),
            )
            text = f"{key}: {shown}"
        else:
            text = _render(item, budget - used, inside)
        parts.append(text)
        used += len(text) + 2
    if kind is tuple and len(parts) == 1 and len(value) == 1:
        return f"({parts[0]},)"
    return open_ + ", ".join(parts) + close


def without_addresses(text: str) -> str:
    """`text` with every ` at 0x...` memory address removed (`<Foo object at 0x7f..>` ->
    `<Foo object>`): addresses change from run to run, and a trace must not."""
    return _ADDRESS.sub("", text)


def safe_repr(value: Any, limit: int = MAX_REPR_CHARS) -> str:
    """The value's repr, containers summarised, addresses removed, cut to `limit` characters."""
    text = _render(value, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def exception_text(error: BaseException) -> str:
    """`TypeName: message` (or just `TypeName`), cut to the repr limit."""
    message = str(error)
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= MAX_REPR_CHARS else text[: MAX_REPR_CHARS - 3] + "..."


def frame_locals(frame: FrameType) -> dict[str, str]:
    """The frame's locals as reprs, without dunder names and comprehensions' hidden `.0`."""
    return {
        name: safe_repr(value)
        for name, value in frame.f_locals.items()
        if not (name.startswith("__") and name.endswith("__")) and not name.startswith(".")
    }


# --------------------------------------------------------------------------------------------
# Recording (runs in the child)


class StepLimitReached(BaseException):
    """Raised from the trace function to stop a run; a BaseException so `except Exception` misses it."""


class _CappedText(io.StringIO):
    """A stdout/stderr stand-in that keeps the first `MAX_OUTPUT_CHARS` characters only."""

    def write(self, text: str) -> int:
        room = MAX_OUTPUT_CHARS - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


class _Recorder:
    """The trace function and the steps it collected."""

    def __init__(self, filename: str, max_steps: int) -> None:
        self.filename = filename
        self.max_steps = max_steps
        self.steps: list[Step] = []
        self.depths: dict[int, int] = {}
        self.limit_hit = False

    def depth_of(self, frame: FrameType) -> int:
        depth = 0
        parent = frame.f_back
        while parent is not None:
            if parent.f_code.co_filename == self.filename:
                depth += 1
            parent = parent.f_back
        return depth

    def add(self, step: Step) -> None:
        if len(self.steps) >= self.max_steps:
            self.limit_hit = True
            sys.settrace(None)
            raise StepLimitReached
        self.steps.append(step)

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event != "call" or frame.f_code.co_filename != self.filename:
            return None
        self.depths[id(frame)] = self.depth_of(frame)
        self.add(call_stop(frame, self.depths[id(frame)]))
        return self.local_trace

    def local_trace(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event == "exception" and isinstance(arg[1], StepLimitReached):
            return None
        if event != "call":
            step = stop_at(frame, event, arg, self.depths.get(id(frame), 0))
            if event == "return":
                self.depths.pop(id(frame), None)
            if step is not None:
                self.add(step)
        return self.local_trace


def call_stop(frame: FrameType, depth: int) -> Step:
    """The stop a frame makes as it starts: its arguments are its locals."""
    return Step(frame.f_lineno, "call", frame.f_code.co_name, depth, frame_locals(frame))


def stop_at(frame: FrameType, event: str, arg: Any, depth: int) -> Step | None:
    """The debugger stop that a trace event of `frame` makes, or None for other events.

    One definition for every tracer (an entry call here, a test suite's functions in
    `corpus.suite_tracer`), so their traces follow the same conventions (see the module doc).
    """
    code = frame.f_code
    if event == "call":
        return call_stop(frame, depth)
    if event == "line":
        return Step(frame.f_lineno, "line", code.co_name, depth, frame_locals(frame))
    if event == "return":
        opcode = code.co_code[frame.f_lasti]
        value = safe_repr(arg) if opcode in (_RETURN, _YIELD) else None
        locals_ = frame_locals(frame)
        return Step(frame.f_lineno, "return", code.co_name, depth, locals_, value, opcode == _YIELD)
    if event == "exception":
        text = exception_text(arg[1])
        return Step(frame.f_lineno, "exception", code.co_name, depth, frame_locals(frame), text)
    return None


RUN_MODULE = "__neurodebug_main__"
"""The module name a traced or debugged file runs under: not `__main__`, so its
`if __name__ == "__main__":` block stays idle."""


def run_module_name(package: str | None) -> str:
    """The name of a file's module when it runs under the tracer or debugpy: inside its package
    when it has one (relative imports resolve), so both show `<pkg.__neurodebug_main__.C
    object>` for the same object."""
    return f"{package}.{RUN_MODULE}" if package else RUN_MODULE


def record_call(
    source: str,
    filename: str,
    call: str,
    max_steps: int,
    context_module: str | None = None,
    package: str | None = None,
) -> Trace:
    """Run the module code untraced, then trace `call`. Only ever call this in a sandboxed child.

    The module runs as `run_module_name(package)`, with the spec importing the file gives it.
    With `context_module` (a harvested library function), the source runs in a copy of that
    module's globals, so the function finds its helpers and constants; only its own lines are
    traced. With `package`, the source's relative imports are relative to it.
    """
    stdout, stderr = _CappedText(), _CappedText()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    recorder = _Recorder(filename, max_steps)
    trace = Trace(steps=recorder.steps)
    if context_module is None:
        namespace = _run_module(filename, package)
    else:
        try:
            namespace = {**vars(importlib.import_module(context_module)), "__file__": filename}
        except BaseException as error:
            trace.status, trace.exception = "crashed", f"cannot import {context_module}: {error!r}"
            return trace
    try:
        try:
            exec(compile(source, filename, "exec"), namespace)
        except BaseException as error:
            trace.status, trace.exception = _failure(error, recorder)
            return trace
        try:
            call_code = compile(call, _CALL_FILENAME, "eval")
        except SyntaxError as error:
            trace.status, trace.exception = "crashed", f"SyntaxError in call: {error.msg}"
            return trace
        sys.settrace(recorder.global_trace)
        try:
            result = eval(call_code, namespace)
        except BaseException as error:
            sys.settrace(None)
            trace.status, trace.exception = _failure(error, recorder)
        else:
            sys.settrace(None)
            if recorder.limit_hit:  # the user caught our stop signal with a bare except
                trace.status = "step_limit"
            else:
                trace.result = safe_repr(result)
    finally:
        sys.settrace(None)
        sys.stdout, sys.stderr = saved
        trace.stdout, trace.stderr = stdout.getvalue(), stderr.getvalue()
    return trace


def _run_module(filename: str, package: str | None) -> dict[str, Any]:
    """The globals of a fresh module `run_module_name(package)`, registered in `sys.modules`
    (`dataclasses` and `typing` look a class's module up there) with the spec, loader and
    `__package__` importing the file gives it, as debugpy's run does (packaging reads
    `__spec__.parent` at import time; relative imports resolve in the package). A source with
    no file gets a bare spec."""
    name = run_module_name(package)
    module = ModuleType(name)
    module.__file__ = filename
    spec = importlib.util.spec_from_file_location(name, filename) or ModuleSpec(
        name, None, origin=filename
    )
    module.__spec__, module.__loader__, module.__package__ = spec, spec.loader, spec.parent
    sys.modules[name] = module
    return vars(module)


def _failure(error: BaseException, recorder: _Recorder) -> tuple[Any, str | None]:
    if isinstance(error, StepLimitReached) or recorder.limit_hit:
        return "step_limit", None
    if isinstance(error, MemoryError):
        return "memory_limit", exception_text(error)
    if isinstance(error, SystemExit):
        return "exception", f"SystemExit: {error.code}"
    return "exception", exception_text(error)
