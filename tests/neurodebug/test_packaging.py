"""The distribution installs one import package, `neurodebug`, and nothing that shadows others."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
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


def build_wheel_from_a_copy(tmp_path: Path, env: dict[str, str] | None = None) -> tuple[Path, str]:
    """A wheel built (with the installed mypy, no downloads) from a copy of the sources, and
    what the build printed."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md"):
        (source / name).write_bytes((REPO_ROOT / name).read_bytes())
    skip = shutil.ignore_patterns("__pycache__", "*.so", "_compiled_sources.json", "*.safetensors")
    for folder in ("neurodebug", *PART_NAMES):
        shutil.copytree(REPO_ROOT / folder, source / folder, ignore=skip)
    wheels = tmp_path / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v"]
    built = subprocess.run(
        [*command, "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("neurodebug-*.whl")
    return wheel, built.stdout + built.stderr


@pytest.mark.e2e
def test_a_compiler_that_fails_leaves_a_pure_python_install(tmp_path: Path) -> None:
    """mypyc's C is compiled with -Werror: a compiler that rejects it (here, one that refuses
    the shared module) must not fail the install, only make it pure Python, and say so."""
    pytest.importorskip("mypyc")
    compiler = tmp_path / "refusing-cc"
    compiler.write_text(
        '#!/bin/sh\nfor a in "$@"; do case "$a" in *__native*) exit 1;; esac; done\n'
        'exec "${REAL_CC:-cc}" "$@"\n'
    )
    compiler.chmod(0o755)
    wheel, printed = build_wheel_from_a_copy(tmp_path, {"CC": str(compiler)})
    assert "compiling the analysis core failed" in printed
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert not [name for name in names if name.endswith(".so")]
    assert "neurodebug/analyzers/_compiled_sources.json" not in names
    assert "neurodebug/analyzers/facts.py" in names


@pytest.mark.e2e
def test_a_wheel_carries_the_compiled_analysis_core_inside_the_package(tmp_path: Path) -> None:
    """A normal (non-editable) build compiles the analysis core with mypyc (setup.py) and puts
    every extension inside `neurodebug/analyzers/`, with the record of what was compiled; the
    unpacked wheel runs the compiled modules. Built from a copy of the sources: a build in the
    checkout would rewrite its record and hide an editable install's stale extensions."""
    pytest.importorskip("mypyc")
    wheel, _ = build_wheel_from_a_copy(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top_level = {
        name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")
    }
    assert top_level == {"neurodebug"}
    compiled = {name.rsplit("/", 1)[-1].split(".", 1)[0] for name in names if name.endswith(".so")}
    assert {"facts", "extract", "dataflow", "_compiled__mypyc"} <= compiled
    assert "neurodebug/analyzers/_compiled_sources.json" in names
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    code = (
        "from neurodebug.analyzers import _native\n"
        "from neurodebug.analyzers.document import analyze_source\n"
        "facts = analyze_source(b'def f(x):\\n    y = x + 1\\n    return y\\n')\n"
        "print(_native.describe(), sorted(facts.functions_named('f')[0].reaching_definitions(3, 'y')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NEURODEBUG_PURE_PYTHON"}
    env["PYTHONPATH"] = str(unpacked)
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("compiled (mypyc)") and ran.stdout.rstrip().endswith("[2]")
