"""Shared test helpers: run the real `neurodebug` command in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_neurodebug(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m neurodebug ARGS` as a user would, capturing both streams."""
    return subprocess.run(
        [sys.executable, "-m", "neurodebug", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def neurodebug_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_neurodebug
