"""A small Debug Adapter Protocol client: start an adapter over stdio and talk DAP to it.

Why our own: no maintained Python DAP client exists on PyPI, and the part we need is small.
Messages are `Content-Length: N\\r\\n\\r\\n{json}`; a reader thread files responses by request
`seq`, queues events, and answers the adapter's reverse requests (`runInTerminal`,
`startDebugging`) with a refusal. Every wait has a timeout, and `close()` kills the adapter's
whole process group (the launcher and the debuggee with it) on every exit path.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from typing import IO, Any


class DapError(RuntimeError):
    """The adapter refused a request, went away, or did not answer in time."""


class DapClient:
    """One adapter process and the DAP conversation with it."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.timeout = timeout
        self.process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,  # its own process group: close() kills everything it started
        )
        self._seq = 0
        self._write_lock = threading.Lock()
        self._responses: dict[int, dict[str, Any]] = {}
        self._response_ready = threading.Condition()
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.output: list[tuple[str, str]] = []
        """(category, text) of `output` events seen while waiting (stdout / stderr / console)."""
        self._closed = False
        self._reader = threading.Thread(target=self._read_loop, name="dap-reader", daemon=True)
        self._reader.start()

    # ---- wire
    @property
    def _stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        with self._write_lock:
            try:
                self._stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self._stdin.flush()
            except (BrokenPipeError, ValueError, OSError) as error:
                raise DapError(f"the adapter is gone ({error})") from error

    def _read_message(self, stream: IO[bytes]) -> dict[str, Any] | None:
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        if length is None:
            return None
        body = stream.read(length)
        if len(body) < length:
            return None
        parsed: dict[str, Any] = json.loads(body)
        return parsed

    def _read_loop(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                message = self._read_message(stream)
                if message is None:
                    break
                kind = message.get("type")
                if kind == "response":
                    with self._response_ready:
                        self._responses[int(message["request_seq"])] = message
                        self._response_ready.notify_all()
                elif kind == "event":
                    self._events.put(message)
                elif kind == "request":
                    self._refuse_reverse_request(message)
        except (OSError, ValueError):
            pass
        finally:
            self._events.put(None)  # wakes any waiter: the adapter is gone
            with self._response_ready:
                self._response_ready.notify_all()

    def _refuse_reverse_request(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(DapError):
            self._write(
                {
                    "seq": self._next_seq(),
                    "type": "response",
                    "request_seq": message["seq"],
                    "command": message.get("command"),
                    "success": False,
                    "message": "not supported by neurodebug",
                }
            )

    def _next_seq(self) -> int:
        with self._write_lock:
            self._seq += 1
            return self._seq

    # ---- requests and events
    def send(self, command: str, arguments: Mapping[str, Any] | None = None) -> int:
        """Send a request without waiting; returns its `seq` for `response()`."""
        seq = self._next_seq()
        message: dict[str, Any] = {"seq": seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = dict(arguments)
        self._write(message)
        return seq

    def response(self, seq: int, timeout: float | None = None) -> dict[str, Any]:
        """The body of the response to request `seq`; raises DapError on failure or timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._response_ready:
            while seq not in self._responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DapError(f"no response to request {seq} in time")
                if not self._reader.is_alive():
                    raise DapError("the adapter closed the connection")
                self._response_ready.wait(min(remaining, 0.5))
            message = self._responses.pop(seq)
        if not message.get("success", False):
            raise DapError(f"{message.get('command')} failed: {message.get('message', '')}")
        body: dict[str, Any] = message.get("body") or {}
        return body

    def request(
        self, command: str, arguments: Mapping[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send a request and wait for its response body."""
        return self.response(self.send(command, arguments), timeout)

    def wait_event(self, names: Collection[str], timeout: float | None = None) -> dict[str, Any]:
        """The next event named in `names`; `output` events on the way are kept in `output`."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DapError(f"no {'/'.join(sorted(names))} event in time")
            try:
                event = self._events.get(timeout=remaining)
            except queue.Empty:
                continue
            if event is None:
                self._events.put(None)
                raise DapError(f"the adapter closed the connection before {'/'.join(names)}")
            if event.get("event") == "output":
                body = event.get("body") or {}
                category = body.get("category", "console")
                if category in ("stdout", "stderr", "console"):
                    self.output.append((category, str(body.get("output", ""))))
            if event.get("event") in names:
                return event

    # ---- shutdown
    def close(self) -> None:
        """Kill the adapter and everything it started; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def __enter__(self) -> DapClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
