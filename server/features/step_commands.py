"""The neural debugger's actions: step into / over / out and continue, one predicted stop each.

Shapes are documented in `neurodebug.server.commands`. From the call (`stop` null) the model
rolls the entry out by one action; from a stop it rolls that stop's frame forward by one.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.groundtruth.tracer import module_of_file
from neurodebug.server.analysis import uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import (
    CONTINUE,
    STEP_INTO,
    STEP_OUT,
    STEP_OVER,
    CommandError,
    document_of,
    entry_of,
    function_at,
    int_field,
)
from neurodebug.server.features.predict_commands import ask_model
from neurodebug.server.progress import cancellable, log_user_errors_briefly

_STEP_ACTIONS = {
    STEP_INTO: "step_into",
    STEP_OVER: "step_over",
    STEP_OUT: "step_out",
    CONTINUE: "continue",
}


async def step(server: NeurodebugServer, action: str, arg: dict[str, Any]) -> dict[str, Any]:
    """One neural debugger action from a stop (or from the call when `stop` is null)."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    breakpoints = [int(line) for line in arg.get("breakpoints") or []]
    if action == "continue" and not breakpoints:
        raise CommandError("continue needs at least one breakpoint line")
    stop = arg.get("stop")
    title = f"neurodebug: {action.replace('_', ' ')}"
    text, lines = document.text, (facts.def_line, facts.end_line)
    trace: Trace
    if stop is None:
        entry = entry_of(document, facts, arg)
        trace = await ask_model(
            server,
            title,
            lambda model: model.predict_trace(
                text, facts.name, entry,
                lines=lines, action=action, breakpoints=breakpoints, max_steps=1,
                module=module_of_file(uri_path(document.uri)),
            ),
        )  # fmt: skip
        steps = trace.steps[1:]
    else:
        if not isinstance(stop, dict):
            raise CommandError("'stop' must be a step object or null")
        current = Step.from_json({"event": "line", "depth": 0, "function": facts.name, **stop})
        trace = await ask_model(
            server,
            title,
            lambda model: model.predict_from_state(
                text, current.function or facts.name, current.line, current.locals,
                lines=lines, view_of=facts.name, n_steps=1, action=action,
                breakpoints=breakpoints,
            ),
        )  # fmt: skip
        steps = trace.steps
    next_stop = steps[0].to_json() if steps else None
    return {"stop": next_stop, "result": trace.result, "exception": trace.exception}


async def _step_command(
    server: NeurodebugServer, arg: dict[str, Any], *, action: str
) -> dict[str, Any]:
    return await step(server, action, arg)


def register(server: NeurodebugServer) -> None:
    log_user_errors_briefly()
    for command, action in _STEP_ACTIONS.items():
        server.command(command)(cancellable(partial(_step_command, action=action)))
