"""User code run in a real debugpy session is contained as the tracer's sandbox contains it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neurodebug.neural_debugger.groundtruth.debugpy_runner import debug_entry

pytestmark = pytest.mark.e2e


def test_debuggee_environment_has_no_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEURODEBUG_TEST_SECRET_KEY", "do-not-leak")
    monkeypatch.setenv("NEURODEBUG_TEST_PLAIN", "visible")
    program = tmp_path / "peek.py"
    program.write_text(
        "import os\n"
        "def peek():\n"
        "    names = [k for k in os.environ if k.startswith('NEURODEBUG_TEST')]\n"
        "    return ','.join(sorted(names)) + ':' + os.getcwd()\n"
    )
    trace = debug_entry(program, "peek", action="continue", timeout=60.0)
    assert trace.status == "ok", trace.exception
    assert trace.result is not None
    names, cwd = trace.result.strip("'").split(":", 1)
    assert names == "NEURODEBUG_TEST_PLAIN"
    assert "neurodebug-debugpy-" in cwd  # a temporary working folder, not the caller's


def test_debuggee_cannot_allocate_ten_gigabytes(tmp_path: Path) -> None:
    program = tmp_path / "hog.py"
    program.write_text("def hog():\n    block = bytearray(10 * 1024**3)\n    return len(block)\n")
    trace = debug_entry(program, "hog", action="continue", timeout=60.0)
    assert trace.result is None
    assert "MemoryError" in (trace.exception or ""), (trace.status, trace.exception)


# --------------------------------------------------------------------------------------------
# The same sandbox as the tracer's workers: no network but its own loopback, a read-only world
# outside its run folder, no capabilities, a pids cgroup (one probing session, several checks)

PRIVILEGED_LINUX = sys.platform.startswith("linux") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not PRIVILEGED_LINUX, reason="namespaces need root on Linux")
PROBE = Path(__file__).resolve().parent / "data" / "sandbox_probe.py"


@dataclass
class Probed:
    """What the probe saw from inside, and the folder outside its run folder it tried."""

    seen: dict[str, Any]
    outside: Path


def probe_results(stdout: str) -> dict[str, Any]:
    """The probe's JSON line among whatever else the run printed."""
    line = next(line for line in stdout.splitlines() if line.startswith("PROBE "))
    return dict(json.loads(line.removeprefix("PROBE ")))


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probed]:
    project = tmp_path_factory.mktemp("project")
    outside = tmp_path_factory.mktemp("outside")
    program = project / "sandbox_probe.py"
    shutil.copy(PROBE, program)
    with (
        pytest.MonkeyPatch.context() as patch,
        socket.create_server(("127.0.0.1", 0)) as listener,
    ):
        patch.setenv("NEURODEBUG_TEST_API_TOKEN", "do-not-leak")
        patch.setenv("NEURODEBUG_TEST_PLAIN", "visible")
        port = listener.getsockname()[1]
        trace = debug_entry(
            program,
            "probe",
            f"probe({str(outside)!r}, {port}, {os.getpid()})",
            action="continue",
            timeout=60,
        )
    assert trace.status == "ok", (trace.exception, trace.stderr)
    yield Probed(probe_results(trace.stdout), outside)


@needs_root
def test_debuggee_cannot_reach_a_non_loopback_address(probed: Probed) -> None:
    assert probed.seen["outbound"] == "ENETUNREACH"
    assert probed.seen["outbound_s"] < 1.0  # refused at once, not a timeout


@needs_root
def test_debuggee_cannot_reach_the_hosts_loopback(probed: Probed) -> None:
    assert probed.seen["host_loopback"] == "ECONNREFUSED"  # its own namespace's loopback


def test_debuggee_keeps_its_own_loopback(probed: Probed) -> None:
    assert probed.seen["own_loopback"] == "ping"


@needs_root
def test_debuggee_cannot_write_outside_its_run_folder(probed: Probed) -> None:
    assert probed.seen["outside"] in {"EROFS", "EACCES", "EPERM"}
    assert not (probed.outside / "escaped.txt").exists()
    assert probed.seen["scratch_written"] is True


def test_debuggee_sees_a_scrubbed_environment(probed: Probed) -> None:
    assert probed.seen["secret"] == "absent"
    assert probed.seen["plain"] == "visible"
    if PRIVILEGED_LINUX:  # without capabilities, a root process's environ is closed to it
        assert probed.seen["caller_environ"] in {"EACCES", "EPERM"}


@needs_root
def test_debuggee_has_no_capabilities_and_a_pids_cgroup(probed: Probed) -> None:
    assert int(probed.seen["capabilities"], 16) == 0
    assert probed.seen["pids_group"] is True
