"""User code run in a real debugpy session does not see the caller's secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from neurodebug.neural_debugger.debugpy_runner import debug_entry

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
