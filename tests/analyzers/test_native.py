"""Which build of the analysis core runs (`analyzers/_native.py`): the mypyc extensions when
they match their sources, the `.py` files when asked, when a source changed after the build, or
when nothing was compiled; either way the facts are the same.

Each case runs a fresh interpreter: the choice is made once per process, at import."""

from __future__ import annotations

import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import neurodebug.analyzers
import pytest
from neurodebug.analyzers import _native

import neurodebug

ANALYZERS = Path(neurodebug.analyzers.__file__).resolve().parent
ROOT = Path(neurodebug.__file__).resolve().parent
COMPILED_HERE = all(
    any(
        (ANALYZERS / f"{name}{suffix}").is_file()
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
    )
    for name in _native.COMPILED
)
RECORD_HERE = _native._build_record()
JUST_INSTALLED = bool(os.environ.get("NEURODEBUG_JUST_INSTALLED"))
"""Set by scripts/test.sh right after its `pip install -e .`: a build that is not current then
is a bug in the record, not an edit since the install, and must fail, not skip."""
needs_compiled = pytest.mark.skipif(
    not COMPILED_HERE
    or (
        not JUST_INSTALLED and (RECORD_HERE is None or bool(_native._changed_sources(RECORD_HERE)))
    ),
    reason="no current compiled build here (pure Python, a failed build, or sources edited "
    "since `pip install -e .`: reinstall to run these)",
)

# A function whose facts show the analysis really ran: `total` flows from two definitions.
PROBE = """
import json, sys
import neurodebug.analyzers.facts as facts_module
from neurodebug.analyzers import _native
from neurodebug.analyzers.document import analyze_source
source = b"def f(xs):\\n    total = 0\\n    for x in xs:\\n        total += x\\n    return total\\n"
function = analyze_source(source).functions_named("f")[0]
print(json.dumps({
    "compiled": _native.state["compiled"],
    "why": _native.state["why"],
    "file": facts_module.__file__,
    "reaching": sorted(function.reaching_definitions(5, "total")),
}))
"""


def probe(env_extra: dict[str, str] | None = None, path: Path | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "NEURODEBUG_PURE_PYTHON"}
    env.update(env_extra or {})
    if path is not None:
        env["PYTHONPATH"] = str(path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path or ROOT.parent,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    assert found["reaching"] == [2, 4], "the analysis itself must work in every build"
    return found


def copy_of_package(into: Path) -> Path:
    """The installed package, sources and extensions, laid out under `into` (a PYTHONPATH)."""
    site = into / "site"
    shutil.copytree(ROOT, site / "neurodebug", ignore=shutil.ignore_patterns("__pycache__"))
    target = site / "neurodebug" / "analyzers"
    if not target.exists():  # an editable install maps analyzers/ in from beside the package
        shutil.copytree(ANALYZERS, target, ignore=shutil.ignore_patterns("__pycache__"))
    return site


def test_the_sources_run_when_asked() -> None:
    found = probe({"NEURODEBUG_PURE_PYTHON": "1"})
    assert found["compiled"] is False
    assert str(found["file"]).endswith(".py")
    assert "NEURODEBUG_PURE_PYTHON" in str(found["why"])


@needs_compiled
def test_the_compiled_build_runs_when_it_matches_its_sources() -> None:
    found = probe()
    assert found["compiled"] is True
    assert not str(found["file"]).endswith(".py")


@needs_compiled
def test_a_source_changed_after_the_build_makes_every_module_run_from_source(
    tmp_path: Path,
) -> None:
    site = copy_of_package(tmp_path)
    assert probe(path=site)["compiled"] is True  # the copy itself is not what changes things
    edited = site / "neurodebug" / "analyzers" / "slicing.py"
    edited.write_text(edited.read_text() + "\n# an edit after the build\n")
    found = probe(path=site)
    assert found["compiled"] is False
    assert str(found["file"]).endswith("facts.py")  # not only the edited module: all of them
    assert "slicing" in str(found["why"]) and "reinstall" in str(found["why"])


@needs_compiled
def test_a_missing_or_damaged_record_of_the_build_means_sources(tmp_path: Path) -> None:
    site = copy_of_package(tmp_path)
    record = site / "neurodebug" / "analyzers" / _native.RECORD
    record.write_text("{not json")
    assert probe(path=site)["compiled"] is False
    record.unlink()
    assert probe(path=site)["compiled"] is False


def test_without_extensions_the_sources_run_and_say_so(tmp_path: Path) -> None:
    site = copy_of_package(tmp_path)
    for path in (site / "neurodebug" / "analyzers").iterdir():
        if any(path.name.endswith(s) for s in importlib.machinery.EXTENSION_SUFFIXES):
            path.unlink()
    found = probe(path=site)
    assert found["compiled"] is False
    assert "without the compiled modules" in str(found["why"])


@needs_compiled
def test_an_edit_to_a_module_the_compiled_code_calls_counts_as_a_change(tmp_path: Path) -> None:
    """mypyc checks types where compiled code calls modules it does not compile (the settings,
    the rule engine): an edit there must also send every module back to its source."""
    site = copy_of_package(tmp_path)
    edited = site / "neurodebug" / "config.py"
    edited.write_text(edited.read_text() + "\n# an edit after the build\n")
    found = probe(path=site)
    assert found["compiled"] is False and "config.py" in str(found["why"])


@needs_compiled
def test_without_the_shared_library_the_sources_run(tmp_path: Path) -> None:
    """Every compiled module loads `_compiled__mypyc`: without it, importing them would fail
    (or find another install's copy)."""
    site = copy_of_package(tmp_path)
    for path in (site / "neurodebug" / "analyzers").glob(f"{_native.SHARED_LIBRARY}*"):
        path.unlink()
    found = probe(path=site)
    assert found["compiled"] is False and "without the compiled modules" in str(found["why"])


@pytest.mark.parametrize(
    ("value", "wanted"), [("", False), ("0", False), ("no", False), ("1", True), ("yes", True)]
)
def test_the_switch_reads_like_a_switch(value: str, wanted: bool) -> None:
    assert _native.pure_python_requested({"NEURODEBUG_PURE_PYTHON": value}) is wanted


def test_metadata_steps_neither_compile_nor_touch_the_record_of_a_build(tmp_path: Path) -> None:
    """pip asks setup.py for metadata and requirements before building, and `python -m build`
    makes an sdist: none of that may compile, nor write a record that would make extensions
    built from older sources look current (an editable checkout then ran stale code)."""
    setup_py = ANALYZERS.parent / "setup.py"
    if not setup_py.is_file():
        pytest.skip("not a source checkout")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ANALYZERS.parent / name, checkout / name)
    for folder in ("neurodebug", "analyzers", "server", "neural_debugger", "kernels"):
        shutil.copytree(
            ANALYZERS.parent / folder,
            checkout / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.safetensors"),
        )
    record = checkout / "analyzers" / _native.RECORD
    record.write_text('{"analyzers/facts.py": "from an older build"}\n')
    for command in (["--version"], ["egg_info", "--egg-base", str(tmp_path)]):
        done = subprocess.run(
            [sys.executable, "setup.py", *command],
            cwd=checkout,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert record.read_text() == '{"analyzers/facts.py": "from an older build"}\n'
    assert not (checkout / "build" / "mypyc").exists()
