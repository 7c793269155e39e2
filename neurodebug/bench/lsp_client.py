"""A small threaded LSP client over a server's stdio, for the fuzz and load benchmarks.

It can send well-formed requests and notifications *and* raw, broken frames; a reader thread
collects every response by id (with its arrival time), so the caller can check afterwards that
each request it cares about was answered. It also keeps the client's copy of each document and
applies edits to it exactly as LSP says (UTF-16 columns), so the server's text can be compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (LSP's default column unit)."""
    return len(text.encode("utf-16-le")) // 2


def position_of(text: str, index: int) -> dict[str, int]:
    """The LSP position (line, UTF-16 column) of a code-point index into `text`."""
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return {"line": line, "character": utf16_len(text[start:index])}


@dataclass
class Response:
    """One answer from the server and when it arrived."""

    message: dict[str, Any]
    arrived: float


@dataclass
class LspProcess:
    """The server process and everything it sent back."""

    process: subprocess.Popen[bytes]
    responses: dict[int, Response] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    sent_at: dict[int, float] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    next_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    peak_rss_kb: int = 0

    @staticmethod
    def start(root: Path, options: dict[str, Any] | None = None) -> LspProcess:
        """Start `neurodebug serve` on stdio and initialize it (UTF-16 positions, push mode)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "neurodebug", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        client = LspProcess(process)
        threading.Thread(target=client._read, name="lsp-reader", daemon=True).start()
        params = {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "capabilities": {},
            "initializationOptions": {"diagnosticMode": "push", **(options or {})},
        }
        answer = client.wait(client.request("initialize", params), 60.0)
        if answer is None:
            raise RuntimeError("the server did not answer initialize")
        client.notify("initialized", {})
        return client

    # ---- wire

    def send_raw(self, body: bytes, length: int | None = None) -> None:
        """One frame with `body`; `length` overrides the Content-Length header."""
        header = b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length)
        assert self.process.stdin is not None
        with self.lock:
            self.process.stdin.write(header + body)
            self.process.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps(message).encode())

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> int:
        """Send a request; returns its id (see `wait` and `responses`)."""
        self.next_id += 1
        self.sent_at[self.next_id] = time.perf_counter()
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, request_id: int, timeout: float = 30.0) -> dict[str, Any] | None:
        """The response to `request_id`, or `None` when none came in `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        with self.arrived:
            while request_id not in self.responses:
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self.process.poll() is not None:
                    return None
                self.arrived.wait(min(remaining, 0.5))
        return self.responses[request_id].message

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length is None:
                continue
            message = json.loads(stream.read(length))
            now = time.perf_counter()
            if "id" in message and "method" in message:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message and isinstance(message["id"], int):
                with self.arrived:
                    self.responses[message["id"]] = Response(message, now)
                    self.arrived.notify_all()
            else:
                message["_arrived"] = now  # when it was read (for latency)
                self.notifications.append(message)

    # ---- documents (the client's copy, kept exactly as LSP defines edits)

    def open(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] = 1
        item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    def close(self, uri: str) -> None:
        self.texts.pop(uri, None)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def edit(self, uri: str, start: int, end: int, new_text: str) -> None:
        """Replace code points [start, end) of the client's copy; send the matching change."""
        text = self.texts[uri]
        change = {
            "range": {"start": position_of(text, start), "end": position_of(text, end)},
            "text": new_text,
        }
        self.texts[uri] = text[:start] + new_text + text[end:]
        self.versions[uri] += 1
        document = {"uri": uri, "version": self.versions[uri]}
        self.notify(
            "textDocument/didChange", {"textDocument": document, "contentChanges": [change]}
        )

    # ---- process

    def sample_rss(self) -> int:
        """The server's peak resident set so far (kB, from /proc; 0 where unavailable)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return self.peak_rss_kb
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
        return self.peak_rss_kb

    def shutdown(self) -> int | None:
        """Shut the server down politely; its exit status (killed after 10 s)."""
        if self.process.poll() is None:
            self.sample_rss()
            self.wait(self.request("shutdown", None), 10.0)
            self.notify("exit", None)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
