"""`neurodebug serve`: the TCP transport and the command line (stdio is every other test)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from ..conftest import run_neurodebug


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
