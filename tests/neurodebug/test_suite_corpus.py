"""The real-code corpus driver: what it hands a project's test environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from neurodebug.bench.projects import find_project
from neurodebug.suite_corpus import PLUGIN, import_shim, suite_command


def test_the_tracer_imports_with_nothing_but_the_standard_library_and_the_shim(
    tmp_path: Path,
) -> None:
    shim = import_shim(tmp_path / "shim")
    # -I: no site-packages, so neither the installed neurodebug nor its dependencies are there
    code = (
        f"import sys; sys.path.insert(0, {str(shim)!r}); "
        "import neurodebug.neural_debugger.groundtruth.corpus.suite_tracer as t; "
        "print(t.SuiteRecorder.__name__, sorted(m for m in sys.modules if m.startswith('neurodebug')))"
    )
    done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SuiteRecorder")
    assert "neurodebug.neural_debugger.model" not in done.stdout


def test_the_suite_runs_with_the_plugin_and_a_private_temporary_folder(tmp_path: Path) -> None:
    project = find_project("semver")
    command = suite_command(project, Path("/venv/bin/python"), tmp_path)
    assert command[:3] == ["/venv/bin/python", "-m", "pytest"]
    assert command[command.index(PLUGIN) - 1] == "-p"
    assert f"--basetemp={tmp_path / '.nd-tmp'}" in command
    assert command[-1] == project.tests


def test_stdlib_modules_the_bpe_never_saw_stay_out_of_training() -> None:
    from neurodebug.neural_debugger.model.tokenizer import is_held_out

    from neurodebug.suite_corpus import STDLIB_PROJECT, held_out_of_the_bpe

    held, seen = "genericpath.py", "textwrap.py"
    assert [is_held_out(held), is_held_out(seen)] == [True, False]  # the BPE's fixed split
    record = {"meta": {"project": STDLIB_PROJECT, "file": held}}
    assert held_out_of_the_bpe(record)
    assert not held_out_of_the_bpe({"meta": {"project": STDLIB_PROJECT, "file": seen}})
    assert not held_out_of_the_bpe({"meta": {"project": "semver", "file": held}})
