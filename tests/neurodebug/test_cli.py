"""The `neurodebug` command as a user meets it: help, version, exit statuses."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from neurodebug import __version__
from tests.conftest import run_neurodebug


def test_version_prints_package_version() -> None:
    completed = run_neurodebug("--version")
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"neurodebug {__version__}"


def test_help_lists_analyze_and_exits_zero() -> None:
    completed = run_neurodebug("--help")
    assert completed.returncode == 0
    assert "analyze" in completed.stdout
    assert re.search(r"usage: neurodebug", completed.stdout)


def test_no_subcommand_is_a_usage_error() -> None:
    completed = run_neurodebug()
    assert completed.returncode == 2
    assert "usage" in completed.stderr


def test_unknown_subcommand_is_a_usage_error() -> None:
    completed = run_neurodebug("frobnicate")
    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr


def test_analyze_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    completed = run_neurodebug("analyze", str(tmp_path / "nope"))
    assert completed.returncode == 2
    assert "no such file or folder" in completed.stderr


def test_a_subcommand_imports_only_its_own_module() -> None:
    # Building the whole parser imported every subcommand (the benchmarks, the corpus builder)
    # before any command could start; `rules` must not pay for `analyze` or `bench`.
    probe = (
        "import sys\n"
        "from neurodebug.cli import main\n"
        "main(['rules', 'ND101'])\n"
        "loaded = [m for m in ('neurodebug.commands.analyze', 'neurodebug.commands.bench',\n"
        "          'neurodebug.bench.peers', 'neurodebug.commands.serve') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert "LOADED []" in completed.stdout


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path: Path) -> None:
    """`neurodebug analyze … | head -1`: the pipe closes while findings are still printed."""

    (tmp_path / "many.py").write_text(
        "".join(
            f"def f{i}():\n    xs = [1]\n    for x in list(xs):\n        print(x)\n"
            for i in range(3000)
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "neurodebug", "analyze", "--no-cache", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert b"ND101" in process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert "Traceback" not in error, error
