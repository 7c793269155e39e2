"""The DAP client: framing, responses, failures, timeouts, events, reverse requests, cleanup."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from neurodebug.neural_debugger.groundtruth.dap import DapClient, DapError

FAKE_ADAPTER = [sys.executable, str(Path(__file__).parent / "data" / "fake_adapter.py")]


def alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except OSError:
        return False


def test_requests_get_their_responses() -> None:
    with DapClient(FAKE_ADAPTER, timeout=5) as client:
        assert client.request("echo", {"x": [1, 2]}) == {"x": [1, 2]}
        first, second = client.send("echo", {"n": 1}), client.send("echo", {"n": 2})
        assert client.response(second) == {"n": 2} and client.response(first) == {"n": 1}


def test_a_failed_request_raises_with_the_adapters_message() -> None:
    with DapClient(FAKE_ADAPTER, timeout=5) as client, pytest.raises(DapError, match="nope"):
        client.request("fail")


def test_every_wait_has_a_timeout() -> None:
    with DapClient(FAKE_ADAPTER, timeout=5) as client:
        started = time.monotonic()
        with pytest.raises(DapError, match="in time"):
            client.request("slow", timeout=0.3)
        with pytest.raises(DapError, match="in time"):
            client.wait_event({"never"}, timeout=0.3)
        assert time.monotonic() - started < 3


def test_reverse_requests_are_refused() -> None:
    with DapClient(FAKE_ADAPTER, timeout=5) as client:
        assert client.request("reverse") == {"reverse_success": False}


def test_events_and_program_output() -> None:
    with DapClient(FAKE_ADAPTER, timeout=5) as client:
        client.request("events")
        event = client.wait_event({"ping"})
        assert event["body"] == {"n": 1}
        assert client.output == [("stdout", "hi\n")]  # telemetry is dropped


def test_a_vanished_adapter_ends_waits_at_once() -> None:
    with DapClient(FAKE_ADAPTER, timeout=5) as client:
        client.request("quit")
        started = time.monotonic()
        with pytest.raises(DapError, match="closed"):
            client.wait_event({"stopped"}, timeout=5)
        assert time.monotonic() - started < 3


def test_close_kills_everything_the_adapter_started() -> None:
    client = DapClient(FAKE_ADAPTER, timeout=5)
    try:
        pid = int(client.request("spawn")["pid"])
        assert alive(pid)
    finally:
        client.close()
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
    assert client.process.poll() is not None
    assert os.getpid() != pid
