"""The pinned-projects library on a tiny sdist built here, plus one real download marked e2e."""

from __future__ import annotations

import socket
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from neurodebug.bench import projects as pj

TINY_MODULE = "def add(a, b):\n    return a + b\n"
TINY_TESTS = textwrap.dedent(
    """
    import pytest
    from tinypkg import add

    def test_add():
        assert add(1, 2) == 3

    def test_add_strings():
        assert add("a", "b") == "ab"

    def test_add_is_wrong_on_purpose():
        assert add(2, 2) == 5

    @pytest.mark.skip(reason="shows a skip is counted")
    def test_skipped():
        pass
    """
)


def build_tiny_sdist(folder: Path) -> Path:
    """Write a package and its tests to `folder` and pack them as `tinypkg-0.1.tar.gz`."""
    top = folder / "tree" / "tinypkg-0.1"
    (top / "tinypkg").mkdir(parents=True)
    (top / "tinypkg" / "__init__.py").write_text(TINY_MODULE)
    (top / "tests").mkdir()
    (top / "tests" / "test_tiny.py").write_text(TINY_TESTS)
    (top / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: tinypkg\nVersion: 0.1\n")
    archive = folder / "tinypkg-0.1.tar.gz"
    with tarfile.open(archive, "w:gz") as tarred:
        tarred.add(top, arcname=top.name)
    return archive


def tiny_project(sha256: str) -> pj.Project:
    return pj.Project(
        name="tinypkg", version="0.1", sha256=sha256, source_dir="tinypkg", tests="tests"
    )


@pytest.fixture
def tiny_sdist(tmp_path: Path) -> Path:
    return build_tiny_sdist(tmp_path)


def test_verify_rejects_a_wrong_sha256(tiny_sdist: Path) -> None:
    pj.verify_sha256(tiny_sdist, pj.sha256_of(tiny_sdist))
    with pytest.raises(pj.HashMismatchError):
        pj.verify_sha256(tiny_sdist, "0" * 64)


def test_fetch_uses_the_cache_and_deletes_an_archive_that_fails_the_pin(
    tiny_sdist: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    folder = cache / "tinypkg-0.1"
    folder.mkdir(parents=True)
    cached = folder / tiny_sdist.name
    cached.write_bytes(tiny_sdist.read_bytes())

    good = tiny_project(pj.sha256_of(tiny_sdist))
    assert pj.fetch_sdist(good, cache) == cached  # found in the cache: pip is never called

    with pytest.raises(pj.HashMismatchError):
        pj.fetch_sdist(tiny_project("f" * 64), cache)
    assert not cached.exists()


def test_extraction_finds_the_package_and_its_tests(tiny_sdist: Path, tmp_path: Path) -> None:
    root = pj.extract_sdist(tiny_sdist, tmp_path / "work")
    assert root.name == "tinypkg-0.1"
    project = tiny_project(pj.sha256_of(tiny_sdist))
    pj.check_layout(project, root)
    assert (root / "tests" / "test_tiny.py").is_file()

    missing = pj.Project(**{**project.__dict__, "tests": "test"})
    with pytest.raises(pj.LayoutError):
        pj.check_layout(missing, root)


def test_extraction_refuses_members_outside_the_folder(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload.txt"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tarred:
        tarred.add(payload, arcname="../escaped.txt")
    with pytest.raises(tarfile.FilterError):
        pj.extract_sdist(evil, tmp_path / "work")
    assert not (tmp_path / "escaped.txt").exists()


def test_run_counts_passed_failed_and_skipped(tiny_sdist: Path, tmp_path: Path) -> None:
    root = pj.extract_sdist(tiny_sdist, tmp_path / "work")
    project = tiny_project(pj.sha256_of(tiny_sdist))
    # The interpreter running these tests has pytest; a venv would need the network.
    run = pj.run_tests(project, root, Path(sys.executable), timeout=120)
    assert (run.passed, run.failed, run.errors, run.skipped) == (2, 1, 0, 1)
    assert run.failures == {"tests.test_tiny::test_add_is_wrong_on_purpose"}
    assert run.returncode == 1
    assert not run.green


def test_deselecting_the_failure_makes_the_run_green(tiny_sdist: Path, tmp_path: Path) -> None:
    root = pj.extract_sdist(tiny_sdist, tmp_path / "work")
    project = pj.Project(
        **{
            **tiny_project(pj.sha256_of(tiny_sdist)).__dict__,
            "pytest_args": ("--deselect", "tests/test_tiny.py::test_add_is_wrong_on_purpose"),
        }
    )
    run = pj.run_tests(project, root, Path(sys.executable), timeout=120)
    assert (run.passed, run.failed, run.skipped) == (2, 0, 1)
    assert run.green


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3 passed, 1 failed, 2 skipped in 0.10s", (3, 1, 0, 2)),
        ("== 1 failed, 5 passed, 2 errors, 1 xfailed, 1 xpassed in 2.00s ==", (6, 1, 2, 1)),
        ("no summary here", (0, 0, 0, 0)),
    ],
)
def test_summary_line_parsing(line: str, expected: tuple[int, int, int, int]) -> None:
    counts = pj.parse_summary(f"collected\n{line}\n")
    assert (counts["passed"], counts["failed"], counts["errors"], counts["skipped"]) == expected


def test_the_pinned_list_is_complete_and_split_by_project() -> None:
    projects = pj.load_projects()
    names = [project.name.lower() for project in projects]
    assert len(projects) >= 20
    assert len(set(names)) == len(names)
    assert sum(project.harness for project in projects) >= 10
    splits = {project.split for project in projects}
    assert splits == {"train", "val", "test"}
    for project in projects:
        assert len(project.sha256) == 64
        assert project.tests_passed > 0
        assert all("==" in dep for dep in project.test_deps), project.name
    assert pj.runner_requirement().startswith("pytest==")


def pypi_reachable() -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=3):
            return True
    except OSError:
        return False


@pytest.mark.e2e
@pytest.mark.skipif(not pypi_reachable(), reason="PyPI is unreachable")
def test_a_real_pinned_sdist_downloads_verifies_and_has_its_tests(tmp_path: Path) -> None:
    project = pj.find_project("iniconfig")
    root = pj.prepare_source(project, tmp_path / "cache", tmp_path / "work")
    assert (root / project.tests).is_dir()
    assert (root / project.source_dir).is_dir()
