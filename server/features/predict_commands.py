"""Commands that ask the model: predict a trace, roll a real frame forward, predict inputs.

Shapes are documented in `neurodebug.server.commands`. Each handler reads its arguments, asks
the model through `ask_model` (loading it first, on a worker thread, under `$/progress`, with a
timeout, cancellable) and turns the answer into the command's JSON. Which text the model reads
for a long or mid-edit module is decided by `neural_debugger.predict.context`, as in the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.groundtruth.tracer import module_of_file
from neurodebug.neural_debugger.predict.invert import CANDIDATES
from neurodebug.neural_debugger.predict.runs import record_run
from neurodebug.neural_debugger.predict.service import NeuralService, NeuralUnavailableError
from neurodebug.server.analysis import uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import (
    CLEAR_PREDICTIONS,
    PREDICT,
    PREDICT_FROM_STATE,
    PREDICT_INPUTS,
    CommandError,
    argument,
    document_of,
    entry_of,
    function_at,
    int_field,
)
from neurodebug.server.progress import cancellable, log_user_errors_briefly, with_progress

LOG = logging.getLogger(__name__)
T = TypeVar("T")

UNAVAILABLE_NOTE = "Static features (diagnostics, fixes, hover, slices) keep working."


def trace_json(trace: Trace) -> dict[str, Any]:
    """A trace in the command results' shape (see server/commands.py)."""
    data = trace.to_json()
    return {key: data[key] for key in ("stops", "result", "exception", "status")}


async def ask_model(
    server: NeurodebugServer, title: str, question: Callable[[NeuralService], T]
) -> T:
    """`question(service)` on a worker thread, loading the model first (its own progress
    report); an unusable model is shown once as a warning, every failure becomes a
    `CommandError` whose message is for the user."""
    service = server.state.neural
    if not server.state.options.predictions:
        raise CommandError("predictions are turned off (setting `neurodebug.predictions`)")
    service.configure(server.state.options.checkpoint, server.state.options.model_bits)
    timeout = server.state.options.predict_timeout
    try:
        if not service.loaded:
            await with_progress(server, "neurodebug: loading the model", service.load, 300)
        return await with_progress(server, title, lambda: question(service), timeout)
    except NeuralUnavailableError as error:
        message = f"{error}. {UNAVAILABLE_NOTE}"
        if not service.warned:
            service.warned = True
            server.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning, message=f"neurodebug: {message}"
                )
            )
        raise CommandError(message) from error
    except CommandError:
        raise
    except (ValueError, SyntaxError) as error:  # PredictionError and friends: for the user
        raise CommandError(f"{title} failed: {error}") from error
    except Exception as error:  # a bug: keep its traceback in the log, tell the user briefly
        LOG.exception("%s failed", title)
        raise CommandError(f"{title} failed: {error}") from error


async def predict(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Predict the trace of an entry; the prediction becomes inlay hints and hover values."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    entry = entry_of(document, facts, arg)
    version, text = document.version, document.text
    max_steps = server.state.options.max_steps
    module = module_of_file(uri_path(document.uri))  # what its objects' reprs name
    trace = await ask_model(
        server,
        f"neurodebug: predicting {entry}",
        lambda model: model.predict_trace(
            text,
            facts.name,
            entry,
            lines=(facts.def_line, facts.end_line),
            max_steps=max_steps,
            module=module,
        ),
    )
    current = server.state.documents.get(document.uri)
    if current is not None and current.version == version:
        record_run(server.state.runs.predicted, current.uri, current.source, facts, entry, trace)
        server.refresh_hints()
    return {"function": facts.qualname, "entry": entry, "trace": trace_json(trace)}


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
    text = document.text
    trace = await ask_model(
        server,
        "neurodebug: predicting from the debugger's state",
        lambda model: model.predict_from_state(
            text, facts.name, line, state, lines=(facts.def_line, facts.end_line), n_steps=count
        ),
    )
    return {
        "function": facts.qualname,
        "stops": [s.to_json() for s in trace.steps],
        "result": trace.result,
        "exception": trace.exception,
    }


async def predict_inputs(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Inputs the model expects to produce an output: its candidates, the one folding shows to
    return the output first (`verified` true); `verified` false where folding shows another
    result, null where it cannot tell (nothing runs)."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    output = arg.get("output")
    if not isinstance(output, str):
        raise CommandError("'output' must be the repr of the wanted result, e.g. \"12\"")
    count = min(max(int_field(arg, "count", CANDIDATES), 1), 16)
    text = document.text
    answer = await ask_model(
        server,
        "neurodebug: predicting inputs",
        lambda model: model.predict_inputs(
            text, facts.name, output, count, lines=(facts.def_line, facts.end_line)
        ),
    )
    verdicts = dict(answer.verdicts)
    calls = [answer.call, *(call for call in verdicts if call != answer.call)]
    candidates = [{"entry": call, "verified": verdicts.get(call)} for call in calls]
    return {"function": facts.qualname, "candidates": candidates}


def clear_predictions(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Forget a document's predictions (its hints disappear)."""
    uri = arg.get("uri")
    cleared = len(server.state.runs.predicted.pop(uri, {})) if isinstance(uri, str) else 0
    if cleared:
        server.refresh_hints()
    return {"cleared": cleared}


def register(server: NeurodebugServer) -> None:
    log_user_errors_briefly()
    server.command(PREDICT)(cancellable(predict))
    server.command(PREDICT_FROM_STATE)(cancellable(predict_from_state))
    server.command(PREDICT_INPUTS)(cancellable(predict_inputs))

    @server.command(CLEAR_PREDICTIONS)
    def run_clear(ls: NeurodebugServer, *args: Any) -> dict[str, Any]:
        """Forget a document's predictions."""
        return clear_predictions(ls, argument(args))
