"""Long command work: `$/progress` reports, timeouts, and `$/cancelRequest` reaching the task.

Every heavy command (a model call, a debugpy run) goes through `with_progress`, so it runs off
the event loop, is reported to a client that supports work-done progress, and ends with a
message saying how ("done", "timed out", "cancelled", "failed"). `cancellable` registers the
handler's task under its request id, so `NeurodebugProtocol` can cancel it (pygls alone would
cancel only the outer future); a cancelled command's result is dropped.

A `CommandError` is an expected user error (no entry call, no such function, no model, a
timeout): its message says everything, so `log_user_errors_briefly` makes pygls log it as one
line instead of a traceback. Any other exception keeps its traceback in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from lsprotocol import types
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import CommandError, argument

T = TypeVar("T")

PYGLS_RPC_LOGGER = "pygls.protocol.json_rpc"
"""The logger pygls reports a failed request on (`logger.exception`, with the traceback)."""


class UserErrorsInOneLine(logging.Filter):
    """Turns pygls's report of a request that failed with a `CommandError` into one warning
    line (`request 7 failed: no entry call for f: …`); other failures pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, CommandError):
            args = record.args if isinstance(record.args, tuple) else ()
            record.msg = "request %s failed: %s"
            record.args = (args[0] if args else "?", error)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def log_user_errors_briefly() -> None:
    """Install `UserErrorsInOneLine` on pygls's request logger (once; idempotent)."""
    logger = logging.getLogger(PYGLS_RPC_LOGGER)
    if not any(isinstance(existing, UserErrorsInOneLine) for existing in logger.filters):
        logger.addFilter(UserErrorsInOneLine())


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
