"""`neurodebug bench projects` on a tiny sdist built here (no network), plus one real project (e2e).

The tiny package has an ND305 finding with a safe fix (a literal pattern split on in a loop) and a
test that checks the function's result, so the harness must count the finding, apply the fix, re-run the
tests and report no regression; a "fix" sabotaged after the fact must be reported as one.
"""

from __future__ import annotations

import socket
import sys
import tarfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from neurodebug.bench import harness
from neurodebug.bench import projects as pj

TINY_MODULE = textwrap.dedent(
    """
    import re


    def squares(rows):
        found = set()
        for row in rows:
            for word in re.split(r",", row):
                x = int(word)
                found.add(x * x)
        return found
    """
)
TINY_TESTS = textwrap.dedent(
    """
    from tinyfix import squares

    def test_squares():
        assert squares(["1,2", "3"]) == {1, 4, 9}

    def test_empty():
        assert squares([]) == set()

    def test_fails_untouched_on_purpose():
        assert squares(["2"]) == {5}
    """
)
ON_PURPOSE = "tests.test_tiny::test_fails_untouched_on_purpose"


def build_sdist(folder: Path) -> Path:
    """Pack the tiny package and its tests as `tinyfix-0.1.tar.gz` in `folder`."""
    top = folder / "tree" / "tinyfix-0.1"
    (top / "tinyfix").mkdir(parents=True)
    (top / "tinyfix" / "__init__.py").write_text(TINY_MODULE)
    (top / "tests").mkdir()
    (top / "tests" / "__init__.py").write_text("")
    (top / "tests" / "test_tiny.py").write_text(TINY_TESTS)
    archive = folder / "tinyfix-0.1.tar.gz"
    with tarfile.open(archive, "w:gz") as tarred:
        tarred.add(top, arcname=top.name)
    return archive


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[pj.Project, Path]:
    archive = build_sdist(tmp_path)
    project = pj.Project(
        name="tinyfix",
        version="0.1",
        sha256=pj.sha256_of(archive),
        source_dir="tinyfix",
        tests="tests",
    )
    return project, archive


def run_tiny(tiny: tuple[pj.Project, Path], tmp_path: Path) -> harness.ProjectResult:
    project, archive = tiny
    # the running interpreter has pytest; the tiny package needs no install (PYTHONPATH finds it)
    return harness.run_project(project, archive, Path(sys.executable), tmp_path / "work", 1)


def suite(failures: set[str], timed_out: bool = False) -> pj.SuiteRun:
    return pj.SuiteRun(
        passed=3 - len(failures),
        failed=len(failures),
        errors=0,
        skipped=0,
        seconds=0.1,
        returncode=1 if failures else 0,
        timed_out=timed_out,
        failures=frozenset(failures),
    )


def test_compare_runs_counts_only_tests_that_passed_untouched() -> None:
    baseline = suite({"t::already_broken", "t::flaky_fixed"})
    fixed = suite({"t::already_broken", "t::newly_broken"})
    comparison = harness.compare_runs(baseline, fixed)
    assert comparison.regressed == {"t::newly_broken"}
    assert comparison.repaired == {"t::flaky_fixed"}
    assert comparison.regressions == 1
    assert harness.compare_runs(baseline, baseline).regressions == 0


def test_compare_runs_counts_a_new_timeout_but_not_an_old_one() -> None:
    assert harness.compare_runs(suite(set()), suite(set(), timed_out=True)).regressions == 1
    both = harness.compare_runs(suite(set(), timed_out=True), suite(set(), timed_out=True))
    assert both.regressions == 0


def test_the_harness_counts_fixes_reruns_tests_and_finds_no_regression(
    tiny: tuple[pj.Project, Path], tmp_path: Path
) -> None:
    result = run_tiny(tiny, tmp_path)
    assert result.findings == {"ND305": 1}
    assert result.lines == len(TINY_MODULE.splitlines())
    assert result.baseline is not None
    assert result.baseline.passed == 2 and result.baseline.failures == {ON_PURPOSE}
    safe = next(copy for copy in result.copies if copy.mode == "safe")
    assert safe.fixes_applied == 1 and safe.files_changed == {"tinyfix/__init__.py": 1}
    assert not safe.compile_errors and safe.import_error is None
    assert safe.tests is not None and safe.tests_reused_from is None  # really re-run
    assert safe.tests.passed == 2
    assert result.regressions == 0
    record = result.as_json()
    assert record["fixed"]["safe"]["regressed_tests"] == []
    assert record["findings_per_kloc"]["ND305"] == pytest.approx(1000 / result.lines, abs=1e-3)
    assert "tinyfix" in harness.format_table([result])


def sabotage(replacement: str) -> Any:
    """An `analyze_copy` that applies the real fixes, then breaks every file it fixed."""
    real = harness.analyze_copy

    def broken(
        files: list[Path], root: Path, *options: Any
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        records, changed = real(files, root, *options)
        for name in changed:
            path = root / name
            path.write_text(path.read_text().replace("x * x", replacement))
        return records, changed

    return broken


def test_a_fix_that_breaks_a_test_is_reported_as_a_regression(
    tiny: tuple[pj.Project, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "analyze_copy", sabotage("x + x"))
    result = run_tiny(tiny, tmp_path)
    for copy in result.copies:
        assert copy.comparison is not None
        assert copy.comparison.regressed == {"tests.test_tiny::test_squares"}
        assert not copy.compile_errors and copy.import_error is None
    assert result.regressions == 2
    assert result.as_json()["fixed"]["unsafe"]["regressed_tests"] == [
        "tests.test_tiny::test_squares"
    ]


def test_a_fix_that_breaks_compilation_is_reported(
    tiny: tuple[pj.Project, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "analyze_copy", sabotage("x *"))
    result = run_tiny(tiny, tmp_path)
    safe = next(copy for copy in result.copies if copy.mode == "safe")
    assert safe.compile_errors and "SyntaxError" in safe.compile_errors[0]
    assert safe.import_error is not None
    assert result.as_json()["fixed"]["safe"]["compile_ok"] is False
    assert safe.regressions >= 2


def test_seed_cache_files_a_flat_archive_under_its_pinned_folder(
    tiny: tuple[pj.Project, Path], tmp_path: Path
) -> None:
    project, archive = tiny
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / archive.name).write_bytes(archive.read_bytes())
    harness.seed_cache(project, cache)
    assert pj.fetch_sdist(project, cache) == cache / "tinyfix-0.1" / archive.name


def pypi_reachable() -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=3):
            return True
    except OSError:
        return False


@pytest.mark.e2e
@pytest.mark.skipif(not pypi_reachable(), reason="PyPI is unreachable")
def test_a_real_project_runs_through_the_harness(tmp_path: Path) -> None:
    project = pj.find_project("sqlparse")
    archive = pj.fetch_sdist(project, tmp_path / "cache")
    result = harness.run_project(project, archive, Path(sys.executable), tmp_path / "work")
    assert result.lines > 1000 and sum(result.findings.values()) > 0
    assert result.baseline is not None and result.baseline.passed > 400


def test_select_runs_the_named_rules_instead_of_the_default_set(tmp_path: Path) -> None:
    module = tmp_path / "gen.py"
    module.write_text("def doubled(xs):\n    return list(x * 2 for x in xs)\n")
    default, _ = harness.analyze_copy([module], tmp_path, False, False, 1)
    chosen, _ = harness.analyze_copy([module], tmp_path, False, False, 1, ("ND",))
    assert "ND201" not in {r["code"] for r in default}  # opt-in
    assert "ND201" in {r["code"] for r in chosen}
