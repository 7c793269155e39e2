"""Drive a real debugpy session through one entry call and record its stops as a `Trace`.

The session: `python -m debugpy.adapter` over stdio (see `dap.py`) launches a small wrapper
program that caps its own resources (`limits.limit_this_process`, the sandbox's function,
imported in the debuggee rather than copied into the wrapper's text), loads the user's file as
a module (named as the tracer names it, so reprs agree), evaluates the call, and keeps the
result's repr (rendered by the tracer's `recorder`). A breakpoint on the wrapper's call line
starts the walk: one `stepIn` enters the entry function, then the chosen action repeats
(`stepIn`, `next`, `stepOut` or `continue`) and every stop in the user's file is recorded with
its locals — until the call returns to the wrapper, the stop limit, or the deadline.

Containment: the adapter is started through `secure_env.sandboxed_command`, so it and the
debuggee it launches run as the tracer's sandbox children do — one network namespace with only
its own loopback (the adapter and the debuggee still talk over it), a filesystem read-only
outside the session's temporary folder (also the debuggee's cwd and TMPDIR), a pids cgroup, no
capabilities and a scrubbed environment. What the OS refuses is logged once; the session goes on.

Speed: pydevd writes each DAP message to its loopback socket as two sends, and Nagle's algorithm
with delayed ACKs stalls every request ~40 ms. A `sitecustomize` startup hook put on the
*debuggee's* PYTHONPATH (through the launch request's `env`, so the user's own environment is
untouched) sets TCP_NODELAY on its sockets; it then loads any `sitecustomize` it shadowed.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.groundtruth import secure_env
from neurodebug.neural_debugger.groundtruth.dap import DapClient, DapError
from neurodebug.neural_debugger.groundtruth.recorder import run_module_name, without_addresses
from neurodebug.neural_debugger.groundtruth.trace import MAX_REPR_CHARS, Step, Trace, truncate_repr
from neurodebug.neural_debugger.groundtruth.tracer import package_of

LOG = logging.getLogger(__name__)

DAP_ACTIONS = {
    "step_into": "stepIn",
    "step_over": "next",
    "step_out": "stepOut",
    "continue": "continue",
}

_NODELAY_HOOK = '''"""neurodebug: TCP_NODELAY on this debuggee's sockets (debugpy's DAP traffic), then chain."""
import socket as _socket


def _nodelay(sock):
    try:
        if sock.family in (_socket.AF_INET, _socket.AF_INET6) and sock.type == _socket.SOCK_STREAM:
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
    except OSError:
        pass


_connect = _socket.socket.connect
_accept = _socket.socket.accept


def connect(self, *args, **kwargs):
    result = _connect(self, *args, **kwargs)
    _nodelay(self)
    return result


def accept(self):
    conn, address = _accept(self)
    _nodelay(conn)
    return conn, address


_socket.socket.connect = connect
_socket.socket.accept = accept


def _chain():
    import importlib.util
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    for folder in sys.path:
        if folder and os.path.abspath(folder) != here:
            candidate = os.path.join(folder, "sitecustomize.py")
            if os.path.isfile(candidate):
                spec = importlib.util.spec_from_file_location("_shadowed_sitecustomize", candidate)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return


_chain()
'''

_WRAPPER = """import importlib.util as _util
import sys as _sys
from neurodebug.neural_debugger.groundtruth.limits import limit_this_process as _limit
# the sandbox's limits for the debuggee: address space beyond what debugpy holds, CPU time
_limit(memory_bytes={memory}, memory_above_current=True, cpu_s={cpu})
_sys.path.insert(0, {folder!r})
_spec = _util.spec_from_file_location({module!r}, {path!r})
_module = _util.module_from_spec(_spec)
_sys.modules[{module!r}] = _module
neurodebug_value = neurodebug_error = None
try:
    _spec.loader.exec_module(_module)
except BaseException as _error:
    neurodebug_error = _error
if neurodebug_error is None:
    try:
        neurodebug_value = eval({call!r}, vars(_module))
    except BaseException as _error:
        neurodebug_error = _error
from neurodebug.neural_debugger.groundtruth.recorder import exception_text, safe_repr
neurodebug_result = None if neurodebug_error is not None else safe_repr(neurodebug_value)
neurodebug_exception = None if neurodebug_error is None else exception_text(neurodebug_error)
pass
"""
DEBUGGEE_MEMORY_BYTES = 1024 * 1024 * 1024
"""Address space the user's code may add to the debuggee (as the tracer's 1 GiB `memory_mb`)."""
_WRAPPER_LINES = _WRAPPER.splitlines()
_CALL_LINE = 1 + next(i for i, text in enumerate(_WRAPPER_LINES) if "eval(" in text)
_END_LINE = len(_WRAPPER_LINES)  # the final `pass`


def clean_value(value: str) -> str:
    """A debugger's value string made comparable with the tracer's reprs."""
    return truncate_repr(without_addresses(value), MAX_REPR_CHARS)


def _is_shown(name: str) -> bool:
    return not (
        (name.startswith("__") and name.endswith("__"))
        or " " in name
        or name.startswith(("(", "."))
    )


class _Session:
    """The state of one walk through the entry with debugpy."""

    def __init__(
        self, client: DapClient, user_file: str, wrapper: str, deadline: float, report: str
    ) -> None:
        self.client = client
        self.user_file = user_file
        self.wrapper = wrapper
        self.deadline = deadline
        self.report = report

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DapError("the debug session ran past its timeout")
        return left

    def request(self, command: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return self.client.request(command, arguments, timeout=min(self.remaining(), 10.0))

    def frame_locals(self, frame_id: int, raw: bool = False) -> dict[str, str]:
        scopes = self.request("scopes", {"frameId": frame_id})["scopes"]
        local = next((scope for scope in scopes if scope.get("name") == "Locals"), None)
        if local is None:
            return {}
        variables = self.request("variables", {"variablesReference": local["variablesReference"]})
        return {
            var["name"]: str(var.get("value", ""))
            if raw
            else clean_value(str(var.get("value", "")))
            for var in variables.get("variables", [])
            if _is_shown(var["name"])
        }


def _same_file(left: str | None, right: str) -> bool:
    if not left:
        return False
    with contextlib.suppress(OSError):
        return os.path.samefile(left, right)
    return False


def debug_entry(
    path: Path | str,
    function: str,
    call: str | None = None,
    *,
    action: str = "step_into",
    breakpoints: Collection[int] = (),
    max_stops: int = 500,
    timeout: float = 30.0,
    python: Sequence[str] | None = None,
    nodelay: bool = True,
    timings: dict[str, float] | None = None,
) -> Trace:
    """Walk `FILE::FUNC` called as `call` in a real debugpy session, repeating `action`.

    Each stop in the user's file becomes a `line` step (the debugger's view; see
    `actions.debugger_stops` for the same view computed from a tracer trace). With `continue`,
    the stops are the `breakpoints` hit. The result or exception comes from the wrapper.
    `nodelay=False` leaves out the TCP_NODELAY hook (only to measure what it saves); a
    `timings` dict receives `startup_s` (launch to the first recorded stop) and `stops_s` (first
    to last recorded stop).
    """
    if action not in DAP_ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {', '.join(DAP_ACTIONS)}")
    user_file = str(Path(path).resolve())
    workdir = tempfile.mkdtemp(prefix="neurodebug-debugpy-")
    hook_dir = os.path.join(workdir, "hook")
    os.mkdir(hook_dir)
    Path(hook_dir, "sitecustomize.py").write_text(_NODELAY_HOOK)
    wrapper = os.path.join(workdir, "neurodebug_entry.py")
    folder, package = package_of(Path(user_file))  # a package's module: relative imports work
    Path(wrapper).write_text(
        _WRAPPER.format(
            folder=str(folder),
            module=run_module_name(package),
            path=user_file,
            call=call or f"{function}()",
            memory=DEBUGGEE_MEMORY_BYTES,
            cpu=int(timeout) + 2,
        )
    )
    env = secure_env.scrubbed_environment()  # no tokens, keys or credentials for user code
    env["TMPDIR"] = os.path.join(workdir, "tmp")  # the one writable place: its own folder
    os.mkdir(env["TMPDIR"])
    if nodelay:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [hook_dir, os.environ.get("PYTHONPATH")]))
    env["PYTHONHASHSEED"] = "0"  # the tracer's seed: sets of strings list in the same order
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # skips a start-up check and its stderr warning
    trace = Trace(steps=[])
    started = time.monotonic()
    deadline = started + timeout
    stamps: list[float] = []
    report = os.path.join(workdir, "sandbox-report")
    client = DapClient(
        # the adapter and the debuggee it launches share the sandbox (and its loopback)
        secure_env.sandboxed_command(
            [sys.executable, "-m", "debugpy.adapter"], workdir, report=report
        ),
        cwd=workdir,
        env=secure_env.scrubbed_environment(),  # the debuggee inherits the adapter's environment
        timeout=10.0,
    )
    try:
        _run_session(
            _Session(client, user_file, wrapper, deadline, report),
            trace,
            python or [sys.executable],
            env,
            workdir,
            action,
            breakpoints,
            max_stops,
            stamps,
        )
    except DapError as error:
        trace.status = (
            "timeout" if "timeout" in str(error) or "in time" in str(error) else "crashed"
        )
        trace.exception = trace.exception or str(error)
    finally:
        with contextlib.suppress(DapError):
            if client.process.poll() is None:
                client.request("disconnect", {"terminateDebuggee": True}, timeout=2.0)
        client.close()
        secure_env.release_process_tree(client.process.pid)  # strays that left its group
        trace.stdout = "".join(text for category, text in client.output if category == "stdout")
        trace.stderr = "".join(text for category, text in client.output if category == "stderr")
        if timings is not None and stamps:
            timings["startup_s"] = stamps[0] - started
            timings["stops_s"] = stamps[-1] - stamps[0]
        shutil.rmtree(workdir, ignore_errors=True)
    return trace


def _run_session(
    session: _Session,
    trace: Trace,
    python: Sequence[str],
    env: dict[str, str],
    workdir: str,
    action: str,
    breakpoints: Collection[int],
    max_stops: int,
    stamps: list[float],
) -> None:
    client = session.client
    session.request(
        "initialize",
        {"adapterID": "debugpy", "clientID": "neurodebug", "pathFormat": "path",
         "linesStartAt1": True, "columnsStartAt1": True},
    )  # fmt: skip
    # the launcher wrote its report before it exec'd the adapter, and no user code ran yet
    secure_env.log_report(session.report, LOG.warning)
    launch = client.send(
        "launch",
        {
            "name": "neurodebug verify",
            "program": session.wrapper,
            "cwd": workdir,
            "python": list(python),
            "console": "internalConsole",
            "justMyCode": True,
            "stopOnEntry": False,
            "redirectOutput": True,
            "subProcess": False,
            "env": env,
            # show functions and classes among the locals, as the tracer does; hide dunders
            "variablePresentation": {
                "special": "hide",
                "function": "inline",
                "class": "inline",
                "protected": "inline",
            },
        },
    )
    client.wait_event({"initialized"}, timeout=session.remaining())
    session.request(
        "setBreakpoints",
        {
            "source": {"path": session.wrapper},
            "breakpoints": [{"line": _CALL_LINE}, {"line": _END_LINE}],
        },
    )
    session.request("setExceptionBreakpoints", {"filters": []})
    session.request("configurationDone", {})
    client.response(launch, timeout=session.remaining())

    started = False
    left_other_file = False  # stepped out of another file's function (a package's helper)
    while True:
        event = client.wait_event({"stopped", "terminated", "exited"}, timeout=session.remaining())
        if event["event"] != "stopped":
            if trace.result is None and trace.exception is None:
                trace.status, trace.exception = (
                    "crashed",
                    "the debuggee ended before the call returned",
                )
            return
        thread = int(event["body"].get("threadId", 0))
        frames = session.request("stackTrace", {"threadId": thread})["stackFrames"]
        top = frames[0]
        top_path = (top.get("source") or {}).get("path")
        if _same_file(top_path, session.wrapper):
            if not started and top["line"] == _CALL_LINE:
                started = True
                if action == "continue":
                    lines = [{"line": line} for line in sorted(set(breakpoints))]
                    session.request(
                        "setBreakpoints",
                        {"source": {"path": session.user_file}, "breakpoints": lines},
                    )
                session.request(
                    "continue" if action == "continue" else "stepIn", {"threadId": thread}
                )
                continue
            if top["line"] == _END_LINE:
                _read_outcome(session, trace, int(top["id"]))
                return
            session.request("continue", {"threadId": thread})
            continue
        if not started or not _same_file(top_path, session.user_file):
            # module-level code of the user's file, or another file: not part of the walk
            left_other_file = started and action != "continue"
            session.request(
                "continue" if not started or action == "continue" else "stepOut",
                {"threadId": thread},
            )
            continue
        depth = (
            sum(
                1
                for frame in frames
                if _same_file((frame.get("source") or {}).get("path"), session.user_file)
            )
            - 1
        )
        line, name = int(top["line"]), str(top["name"])
        returned, left_other_file = left_other_file, False
        last = trace.steps[-1] if trace.steps else None
        here = last is not None and (last.line, last.function, last.depth) == (line, name, depth)
        if returned and here:
            # back in the caller from a function of another file: the tracer sees no call
            # there (it records this file only), so its view has no stop here either; its
            # locals are not even asked for
            session.request(DAP_ACTIONS[action], {"threadId": thread})
            continue
        locals_ = session.frame_locals(int(top["id"]))
        trace.steps.append(Step(line, "line", name, depth, locals_))
        stamps.append(time.monotonic())
        if len(trace.steps) >= max_stops:
            trace.status = "step_limit"
            return
        session.request(DAP_ACTIONS[action], {"threadId": thread})


def _read_outcome(session: _Session, trace: Trace, frame_id: int) -> None:
    """Read the wrapper's `neurodebug_result` / `neurodebug_exception` (string literals)."""
    values = session.frame_locals(frame_id, raw=True)
    result = _literal(values.get("neurodebug_result"))
    exception = _literal(values.get("neurodebug_exception"))
    trace.result = result
    trace.exception = exception
    trace.status = "exception" if exception is not None else "ok"


def _literal(text: str | None) -> str | None:
    if text is None or text == "None":
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else str(value)
