"""Lint, format and type checks are part of the test command, so CI fails on them too."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_is_clean() -> None:
    completed = _run(sys.executable, "-m", "ruff", "check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_ruff_format_is_clean() -> None:
    completed = _run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_mypy_is_clean() -> None:
    completed = _run(sys.executable, "scripts/typecheck.py")
    assert completed.returncode == 0, completed.stdout + completed.stderr
