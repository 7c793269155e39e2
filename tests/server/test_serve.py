"""`neurodebug serve`: the TCP transport and the command line (stdio is every other test)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from neurodebug.code_cache import load_entries
from tests.conftest import run_neurodebug


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(connection: socket.socket) -> dict[str, object]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    header, _, rest = data.partition(b"\r\n\r\n")
    length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
    while len(rest) < length:
        rest += connection.recv(4096)
    return dict(json.loads(rest[:length]))


@pytest.mark.e2e
def test_tcp_transport_answers_initialize() -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "neurodebug", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        with connection:
            params = {"processId": None, "rootUri": None, "capabilities": {}}
            connection.sendall(
                _message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
            )
            reply = _read_message(connection)
        assert reply["id"] == 1
        result = reply["result"]
        assert isinstance(result, dict)
        assert result["serverInfo"]["name"] == "neurodebug"
        assert result["capabilities"]["textDocumentSync"]["change"] == 2  # incremental
    finally:
        server.kill()
        _, stderr = server.communicate(timeout=10)
    assert f"127.0.0.1:{port}" in stderr.decode()  # logs go to stderr, never stdout


def test_bad_tcp_address_is_a_usage_error() -> None:
    completed = run_neurodebug("serve", "--tcp", "localhost")
    assert completed.returncode == 2
    assert "HOST:PORT" in completed.stderr
    assert completed.stdout == ""


def _start_stdio_server(
    folder: Path, env: dict[str, str], read: bool = True
) -> subprocess.Popen[bytes]:
    """`neurodebug serve` on stdio in `folder`, with `env` added to ours; its stdout is a pipe
    when `read`, else discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", "neurodebug", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE if read else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=folder,
        env={**os.environ, **env},
    )


def _serve_stdio_with_open_document(
    folder: Path, uri: str, text: str, *requests: dict[str, object], tmpdir: Path | None = None
) -> subprocess.Popen[bytes]:
    """A stdio server, initialized, with `text` open at `uri`, then `requests` sent."""
    server = _start_stdio_server(folder, {"TMPDIR": str(tmpdir)} if tmpdir else {}, read=False)
    assert server.stdin is not None
    document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    for payload in (
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": document}},
        *requests,
    ):
        server.stdin.write(_message(payload))
    server.stdin.flush()
    return server


@pytest.mark.e2e
def test_server_exits_when_the_client_goes_away_mid_run(tmp_path: Path) -> None:
    """A running debugpy session must not keep an orphaned server (or the debuggee) alive."""
    # The debuggee may write only in its own run folder (the sandbox), which the server makes
    # under its TMPDIR and hands on as the debuggee's TMPDIR: the pid file lands there.
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    source = (
        "def spin():\n"
        "    import os, tempfile, time\n"
        "    path = os.path.join(tempfile.gettempdir(), 'debuggee.pid')\n"
        "    open(path, 'w').write(str(os.getpid()))\n"
        "    time.sleep(120)\n"
        "    return 1\n"
    )
    module = tmp_path / "spin.py"
    module.write_text(source)
    verify = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "workspace/executeCommand",
        "params": {
            "command": "neurodebug.verify",
            "arguments": [{"uri": module.as_uri(), "line": 0, "entry": "spin()"}],
        },
    }
    server = _serve_stdio_with_open_document(
        tmp_path, module.as_uri(), source, verify, tmpdir=server_tmp
    )
    assert server.stdin is not None
    deadline = time.monotonic() + 60
    found: list[Path] = []
    while not found and time.monotonic() < deadline:
        found = [p for p in server_tmp.rglob("debuggee.pid") if p.read_text().strip()]
        time.sleep(0.1)
    assert found, "the debuggee never started"
    debuggee = int(found[0].read_text())
    server.stdin.close()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        pytest.fail("the server kept running after its client went away")
    gone_by = time.monotonic() + 10
    while time.monotonic() < gone_by:
        try:
            os.kill(debuggee, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(debuggee, signal.SIGKILL)
        pytest.fail("the debuggee outlived the server")


@pytest.mark.e2e
def test_server_does_not_wait_for_worker_threads_after_the_client_left(tmp_path: Path) -> None:
    """Analysing a huge file runs on a worker thread; a gone client must not wait for it."""
    function = "def f{i}(xs):\n    out = []\n    for x in xs:\n        out.append(x * {i})\n    return out\n\n"
    text = "".join(function.format(i=i) for i in range(20_000))  # 120k lines
    server = _serve_stdio_with_open_document(tmp_path, (tmp_path / "huge.py").as_uri(), text)
    assert server.stdin is not None
    time.sleep(2)  # the analysis has started on its worker thread
    closed_at = time.monotonic()
    server.stdin.close()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
    assert time.monotonic() - closed_at < 5, "the server waited for work nobody will read"


def _read_stdio_message(stream: Any) -> dict[str, object]:
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        byte = stream.read(1)
        assert byte, "the server closed its output"
        header += byte
    length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
    return dict(json.loads(stream.read(length)))


@pytest.mark.e2e
def test_a_corrupt_start_up_code_cache_is_rebuilt_and_the_server_serves(tmp_path: Path) -> None:
    cache = tmp_path / "generated-code.marshal"
    cache.write_bytes(b"\x00 not a marshal stream")
    server = _start_stdio_server(tmp_path, {"NEURODEBUG_STARTUP_CACHE": str(cache)})
    assert server.stdin is not None and server.stdout is not None
    try:
        params = {"processId": None, "rootUri": None, "capabilities": {}}
        server.stdin.write(
            _message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
        )
        server.stdin.flush()
        reply = _read_stdio_message(server.stdout)
        assert reply["id"] == 1
        result = reply["result"]
        assert isinstance(result, dict) and result["serverInfo"]["name"] == "neurodebug"
    finally:
        server.kill()
        server.wait(timeout=10)
    assert len(load_entries(cache)) > 500  # lsprotocol's generated methods, saved again
