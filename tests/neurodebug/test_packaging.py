"""The distribution installs one import package, `neurodebug`, and nothing that shadows others."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PART_NAMES = ("server", "analyzers", "neural_debugger", "kernels")


@pytest.mark.parametrize("name", PART_NAMES)
def test_parts_import_only_under_neurodebug(name: str, tmp_path: Path) -> None:
    """Run in an empty folder so the repository root is not on sys.path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = (
        "import importlib, importlib.util, sys\n"
        f"assert importlib.util.find_spec({name!r}) is None, 'top-level {name} is installed'\n"
        f"module = importlib.import_module('neurodebug.{name}')\n"
        "print(module.__name__)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"neurodebug.{name}"


def test_import_server_fails_in_installed_environment(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", "import server"], cwd=tmp_path, capture_output=True, text=True
    )
    assert completed.returncode != 0
    assert "No module named 'server'" in completed.stderr


def test_every_part_folder_is_a_package_with_a_typed_marker() -> None:
    for folder in ("neurodebug", *PART_NAMES):
        assert (REPO_ROOT / folder / "__init__.py").is_file(), folder
        assert (REPO_ROOT / folder / "py.typed").is_file(), folder


def test_a_source_checkout_first_on_sys_path_still_finds_the_parts(tmp_path: Path) -> None:
    """`python -m neurodebug` from the repository root over a non-editable install: the
    checkout's `neurodebug/` shadows the installed one and must still reach the part folders.
    `-S` leaves out site-packages (and with it the editable install's import hook)."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        "import importlib.util\n"
        "for part in ('analyzers', 'kernels', 'neural_debugger', 'server'):\n"
        "    print(importlib.util.find_spec('neurodebug.' + part).origin)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [
        str(REPO_ROOT / part / "__init__.py")
        for part in ("analyzers", "kernels", "neural_debugger", "server")
    ]
