"""User code run in a real debugpy session does not see the caller's secrets."""

from __future__ import annotations

from pathlib import Path

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
