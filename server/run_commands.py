"""Commands that run the model or the user's code: predict, neural stepping, verify with debugpy.

Shapes are documented in `neurodebug.server.commands`. Everything heavy runs on a worker
thread with `$/progress`; a cancelled request (`$/cancelRequest`) returns at once and its
result is dropped (a rollout or a debugpy session already started finishes in the background,
bounded by its timeout). User code runs only here, on an explicit command, in a subprocess.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from neurodebug.analyzers.facts import FunctionFacts
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.server.analysis import uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import (
    CLEAR_PREDICTIONS,
    CONTINUE,
    PREDICT,
    PREDICT_FROM_STATE,
    PREDICT_INPUTS,
    STEP_INTO,
    STEP_OUT,
    STEP_OVER,
    VERIFY,
    CommandError,
    argument,
    document_of,
    int_field,
)
from neurodebug.server.convert import lsp_line_range
from neurodebug.server.documents import Document
from neurodebug.server.neural import NeuralUnavailableError, configured_entry, trace_json
from neurodebug.server.predictions import FunctionRun, line_values, text_hash

T = TypeVar("T")

_STEP_ACTIONS = {
    STEP_INTO: "step_into",
    STEP_OVER: "step_over",
    STEP_OUT: "step_out",
    CONTINUE: "continue",
}
VERIFY_SOURCE = "neurodebug-verify"


def function_at(document: Document, line0: int) -> FunctionFacts:
    """The function whose body holds 0-based `line0`."""
    facts = document.facts.function_at(line0 + 1)
    if facts.kind != "function":
        raise CommandError(f"no function at line {line0 + 1}")
    return facts


def entry_of(document: Document, facts: FunctionFacts, arg: dict[str, Any]) -> str:
    """The call to run: the argument's `entry`, else the one configured in the source."""
    entry = arg.get("entry")
    if isinstance(entry, str) and entry.strip():
        return entry.strip()
    configured = configured_entry(document.text, facts.def_line, facts.end_line, facts.name)
    if configured is None:
        raise CommandError(
            f"no entry call for {facts.name}: pass 'entry' or add a comment such as "
            f"`# neurodebug: {facts.name}(...)` above the function"
        )
    return configured


async def with_progress(
    server: NeurodebugServer,
    title: str,
    work: Callable[[], T] | None,
    timeout: float,
    job: Callable[[], Awaitable[T]] | None = None,
) -> T:
    """Run `work` on a worker thread (or await `job`) under a `$/progress` report, with a
    timeout."""
    token = f"neurodebug-{uuid.uuid4().hex[:12]}"
    window = server.client_capabilities.window
    progress = bool(window and window.work_done_progress)
    if progress:
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), 5)
            server.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title=title, cancellable=False)
            )
        except Exception:
            progress = False
    message = "done"
    try:
        if job is not None:
            return await asyncio.wait_for(job(), timeout)
        assert work is not None
        return await asyncio.wait_for(asyncio.to_thread(work), timeout)
    except TimeoutError as error:
        message = "timed out"
        raise CommandError(f"{title}: no answer within {timeout:g} s") from error
    except asyncio.CancelledError:
        message = "cancelled"
        raise
    except Exception:
        message = "failed"
        raise
    finally:
        if progress:
            with contextlib.suppress(Exception):
                server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))


async def neural(
    server: NeurodebugServer, title: str, method: str, *args: Any, **kwargs: Any
) -> Any:
    """Call the predictor (loading it first, with its own progress report)."""
    service = server.state.neural
    if not server.state.options.predictions:
        raise CommandError("predictions are turned off (setting `neurodebug.predictions`)")
    service.configure(server.state.options.checkpoint, server.state.options.model_bits)
    timeout = server.state.options.predict_timeout
    try:
        if not service.loaded:
            await with_progress(server, "neurodebug: loading the model", service.load, 300)
        return await with_progress(
            server, title, lambda: service.call(method, *args, **kwargs), timeout
        )
    except NeuralUnavailableError as error:
        if not service.warned:
            service.warned = True
            server.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning, message=f"neurodebug: {error}"
                )
            )
        raise CommandError(str(error)) from error
    except CommandError:
        raise
    except Exception as error:  # PredictionError and friends: the message is for the user
        raise CommandError(f"{title} failed: {error}") from error


def _store(
    server: NeurodebugServer,
    which: dict[str, dict[str, FunctionRun]],
    document: Document,
    facts: FunctionFacts,
    entry: str,
    trace: Trace,
) -> FunctionRun:
    run = FunctionRun(
        qualname=facts.qualname,
        def_line=facts.def_line,
        end_line=facts.end_line,
        text_hash=text_hash(document.source, facts.node.start_byte, facts.node.end_byte),
        entry=entry,
        trace=trace,
        lines=line_values(trace, facts.name, facts.def_line, facts.end_line),
    )
    which.setdefault(document.uri, {})[facts.qualname] = run
    return run


@dataclass(frozen=True)
class SourceView:
    """What the model reads, and how far its line 1 is from the document's line 1."""

    text: str
    offset: int


def source_views(document: Document, facts: FunctionFacts) -> list[SourceView]:
    """The views to try, best first: the whole module (when it parses), then the function alone
    (for a module that is mid-edit, or longer than the model's context)."""
    views: list[SourceView] = []
    text = document.text
    try:
        ast.parse(text)
        views.append(SourceView(text, 0))
    except SyntaxError:
        pass
    lines = text.splitlines()[facts.def_line - 1 : facts.end_line]
    views.append(SourceView(textwrap.dedent("\n".join(lines)) + "\n", facts.def_line - 1))
    return views


def _shift_trace(trace: Trace, offset: int) -> Trace:
    if offset == 0:
        return trace
    steps = [replace(step, line=step.line + offset) for step in trace.steps]
    return replace(trace, steps=steps)


async def neural_on(
    server: NeurodebugServer,
    title: str,
    method: str,
    document: Document,
    facts: FunctionFacts,
    arguments: Callable[[SourceView], tuple[tuple[Any, ...], dict[str, Any]]],
) -> tuple[Any, SourceView]:
    """Call the model on the first view it can read; traces come back in document lines."""
    views = source_views(document, facts)
    for index, view in enumerate(views):
        args, kwargs = arguments(view)
        try:
            result = await neural(server, title, method, view.text, *args, **kwargs)
        except CommandError as error:
            readable = "too long" not in str(error) and "does not parse" not in str(error)
            if readable or index == len(views) - 1:
                raise
            continue
        if isinstance(result, Trace):
            result = _shift_trace(result, view.offset)
        return result, view
    raise CommandError(f"{title}: nothing to predict from")


async def predict(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Predict the trace of an entry; the prediction becomes inlay hints and hover values."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    entry = entry_of(document, facts, arg)
    version = document.version
    trace, _view = await neural_on(
        server,
        f"neurodebug: predicting {entry}",
        "predict_trace",
        document,
        facts,
        lambda view: ((facts.name, entry), {"max_steps": server.state.options.max_steps}),
    )
    current = server.state.documents.get(document.uri)
    if current is not None and current.version == version:
        _store(server, server.state.runs.predicted, current, facts, entry, trace)
        server.refresh_hints()
    return {"function": facts.qualname, "entry": entry, "trace": trace_json(trace)}


async def step(server: NeurodebugServer, action: str, arg: dict[str, Any]) -> dict[str, Any]:
    """One neural debugger action from a stop (or from the call when `stop` is null)."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    breakpoints = [int(line) for line in arg.get("breakpoints") or []]
    if action == "continue" and not breakpoints:
        raise CommandError("continue needs at least one breakpoint line")
    stop = arg.get("stop")
    title = f"neurodebug: {action.replace('_', ' ')}"
    trace: Trace
    if stop is None:
        entry = entry_of(document, facts, arg)
        trace, _view = await neural_on(
            server, title, "predict_trace", document, facts,
            lambda view: (
                (facts.name, entry),
                {"action": action, "max_steps": 1,
                 "breakpoints": [line - view.offset for line in breakpoints]},
            ),
        )  # fmt: skip
        steps = trace.steps[1:]
    else:
        if not isinstance(stop, dict):
            raise CommandError("'stop' must be a step object or null")
        current = Step.from_json({"event": "line", "depth": 0, "function": facts.name, **stop})
        trace, _view = await neural_on(
            server, title, "predict_from_state", document, facts,
            lambda view: (
                (current.function or facts.name, current.line - view.offset, current.locals),
                {"n_steps": 1, "action": action,
                 "breakpoints": [line - view.offset for line in breakpoints]},
            ),
        )  # fmt: skip
        steps = trace.steps
    next_stop = steps[0].to_json() if steps else None
    return {"stop": next_stop, "result": trace.result, "exception": trace.exception}


async def predict_from_state(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Roll the real frame's locals (read from the client's debug session) forward."""
    document = document_of(server, arg)
    line = int_field(arg, "line")
    facts = document.facts.function_at(line)
    if facts.kind != "function":
        raise CommandError(f"line {line} is not inside a function")
    local_values = arg.get("locals")
    if not isinstance(local_values, dict):
        raise CommandError("'locals' must be an object of name → repr")
    count = int_field(arg, "count", 5) or 1
    state = {str(k): str(v) for k, v in local_values.items()}
    trace, _view = await neural_on(
        server,
        "neurodebug: predicting from the debugger's state",
        "predict_from_state",
        document,
        facts,
        lambda view: ((facts.name, line - view.offset, state), {"n_steps": count}),
    )
    return {
        "function": facts.qualname,
        "stops": [s.to_json() for s in trace.steps],
        "result": trace.result,
        "exception": trace.exception,
    }


async def predict_inputs(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Inputs the model expects to produce an output."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    output = arg.get("output")
    if not isinstance(output, str):
        raise CommandError("'output' must be the repr of the wanted result, e.g. \"12\"")
    call, _view = await neural_on(
        server,
        "neurodebug: predicting inputs",
        "predict_inputs",
        document,
        facts,
        lambda view: ((facts.name, output), {}),
    )
    return {"function": facts.qualname, "candidates": [{"entry": call, "verified": None}]}


def clear_predictions(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    uri = arg.get("uri")
    cleared = len(server.state.runs.predicted.pop(uri, {})) if isinstance(uri, str) else 0
    if cleared:
        server.refresh_hints()
    return {"cleared": cleared}


def _runnable_copy(document: Document, facts: FunctionFacts) -> tuple[Path, Path | None]:
    """The file to run: the document itself when saved, else a temporary copy of the buffer."""
    path = uri_path(document.uri)
    if path is not None and path.is_file() and path.read_bytes() == document.source:
        return path, None
    folder = Path(tempfile.mkdtemp(prefix="neurodebug-verify-"))
    copy = folder / (path.name if path is not None else "buffer.py")
    copy.write_bytes(document.source)
    return copy, folder


def _mismatches(
    predicted: Trace, actual: Trace, source: str, max_stops: int
) -> list[dict[str, Any]]:
    """Prediction vs debugpy, stop by stop, with the verify module's comparison."""
    from neurodebug.neural_debugger.groundtruth.actions import debugger_stops, return_lines
    from neurodebug.neural_debugger.groundtruth.verify import compare

    try:
        yields = return_lines(source)
    except SyntaxError:
        yields = {}
    expected = debugger_stops(predicted, "step_into", (), max_stops=max_stops, yield_stops=yields)
    returns = {s.index for s in expected if predicted.steps[s.index].event == "return"}
    found: list[dict[str, Any]] = []
    for item in compare(expected, actual.steps, predicted, actual, returns):
        want = expected[item.stop] if 0 <= item.stop < len(expected) else None
        got = actual.steps[item.stop] if 0 <= item.stop < len(actual.steps) else None
        line = got.line if got is not None else want.line if want is not None else 0
        found.append(
            {
                "line": line,
                "step": item.stop,
                "message": f"predicted {item.field} {item.expected}, debugpy saw {item.actual}",
                "predicted": None
                if want is None
                else {
                    "line": want.line,
                    "function": want.function,
                    "depth": want.depth,
                    "locals": want.locals,
                },
                "actual": None if got is None else got.to_json(),
            }
        )
    return found


_DEBUG_SCRIPT = """
import json, sys
from neurodebug.neural_debugger.groundtruth.debugpy_runner import debug_entry
path, function, call, max_stops, timeout = json.loads(sys.argv[1])
trace = debug_entry(path, function, call, max_stops=max_stops, timeout=timeout)
sys.stdout.write(json.dumps(trace.to_json()))
"""


async def debug_in_subprocess(
    path: Path, function: str, call: str, max_stops: int, timeout: float
) -> Trace:
    """`debug_entry` in its own process group, so a cancelled or timed-out run is killed
    (adapter and debuggee included) instead of finishing unseen on a server thread."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _DEBUG_SCRIPT,
        json.dumps([str(path), function, call, max_stops, timeout]),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = await process.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise
    if process.returncode != 0:
        raise CommandError(f"the debugpy run failed: {stderr.decode(errors='replace')[-500:]}")
    return Trace.from_json(json.loads(stdout))


async def verify(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Run the entry in a real debugpy session; compare with the prediction if there is one."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    entry = entry_of(document, facts, arg)
    options = server.state.options
    target, temporary = _runnable_copy(document, facts)
    try:
        actual: Trace = await with_progress(
            server,
            f"neurodebug: running {entry} under debugpy",
            None,
            options.run_timeout + 30,
            job=lambda: debug_in_subprocess(
                target, facts.name, entry, options.max_steps, options.run_timeout
            ),
        )
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    run = server.state.runs.predicted.get(document.uri, {}).get(facts.qualname)
    predicted = run.trace if run is not None and run.entry == entry else None
    mismatches = (
        _mismatches(predicted, actual, document.text, options.max_steps) if predicted else []
    )
    _store(server, server.state.runs.real, document, facts, entry, actual)
    items = [
        server.state.converter.unstructure(
            types.Diagnostic(
                range=lsp_line_range(document, m["line"] or facts.def_line, server.encoding),
                message=f"{m['message']} (stop {m['step']}, {entry})",
                severity=types.DiagnosticSeverity.Information,
                source=VERIFY_SOURCE,
            )
        )
        for m in mismatches
    ]
    hash_now = text_hash(document.source, facts.node.start_byte, facts.node.end_byte)
    server.state.verified.setdefault(document.uri, {})[facts.qualname] = (hash_now, items)
    from neurodebug.server.features.diagnostics import refresh_document

    refresh_document(server, document.uri)
    return {
        "function": facts.qualname,
        "entry": entry,
        "actual": trace_json(actual),
        "predicted": trace_json(predicted) if predicted is not None else None,
        "mismatches": mismatches,
    }


def cancellable(
    run: Callable[[NeurodebugServer, dict[str, Any]], Awaitable[dict[str, Any]]],
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """A command handler whose task `$/cancelRequest` can cancel (see `NeurodebugProtocol`)."""

    async def handler(ls: NeurodebugServer, *args: Any) -> dict[str, Any]:
        request_id = ls.current_request_id()
        task = asyncio.current_task()
        if request_id is not None and task is not None:
            ls.state.running[request_id] = task
        try:
            return await run(ls, argument(args))
        finally:
            if request_id is not None:
                ls.state.running.pop(request_id, None)

    return handler


def register(server: NeurodebugServer) -> None:
    server.command(PREDICT)(cancellable(predict))
    for command, action in _STEP_ACTIONS.items():
        server.command(command)(cancellable(partial(_step_command, action=action)))
    server.command(PREDICT_FROM_STATE)(cancellable(predict_from_state))
    server.command(PREDICT_INPUTS)(cancellable(predict_inputs))
    server.command(VERIFY)(cancellable(verify))

    @server.command(CLEAR_PREDICTIONS)
    def run_clear(ls: NeurodebugServer, *args: Any) -> dict[str, Any]:
        """Forget a document's predictions."""
        return clear_predictions(ls, argument(args))


async def _step_command(
    server: NeurodebugServer, arg: dict[str, Any], *, action: str
) -> dict[str, Any]:
    return await step(server, action, arg)
