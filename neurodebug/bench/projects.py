"""Fetch, check and test the pinned real projects of `benchmarks/projects/projects.toml`.

The rules harness and the neural debugger's real-code corpus both need the same thing: the exact
sdist that was measured (checked by sha256, so a re-upload or a mirror cannot swap the code), its
test suite extracted beside it, a venv with the pinned test dependencies, and a test run whose
outcome is typed and comparable. Counts come from pytest's junit xml, which also names each failed
test, so callers compare sets of failures (a regression is a test that passes on the untouched copy
and fails on the fixed one) rather than totals. The summary line is the fallback when pytest died
before writing the xml.

What it refuses: archives whose hash differs from the pin (deleted, never used), members that would
land outside the extraction folder, and installing anything into the interpreter that runs it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import venv
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

PROJECTS_FILE = Path(__file__).resolve().parents[2] / "benchmarks" / "projects" / "projects.toml"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")
DEFAULT_TIMEOUT_S = 600.0


class HashMismatchError(RuntimeError):
    """The downloaded or cached sdist is not the one the list pins."""


class LayoutError(RuntimeError):
    """The extracted sdist lacks the source or test folder the list names."""


@dataclass(frozen=True)
class Project:
    """One `[[project]]` table of the pinned list; the measured figures are what a run should match."""

    name: str
    version: str
    sha256: str
    source_dir: str  # the package folder (or single module) inside the sdist
    tests: str  # the test path inside the sdist, passed to pytest
    pytest_args: tuple[str, ...] = ()
    test_deps: tuple[str, ...] = ()
    split: str = "train"
    harness: bool = False
    tests_passed: int = 0
    seconds: float = 0.0
    lines: int = 0

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class SuiteRun:
    """The outcome of one pytest run over a project's suite."""

    passed: int
    failed: int
    errors: int
    skipped: int
    seconds: float
    returncode: int
    timed_out: bool = False
    failures: frozenset[str] = field(default_factory=frozenset)  # ids of failed or errored tests
    output: str = ""  # the last part of stdout and stderr, for reports

    @property
    def green(self) -> bool:
        return not self.timed_out and self.failed == 0 and self.errors == 0 and self.passed > 0


def load_projects(path: Path = PROJECTS_FILE) -> list[Project]:
    """Read the pinned list; unknown keys are ignored so the file can carry extra figures."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Project(
            name=str(table["name"]),
            version=str(table["version"]),
            sha256=str(table["sha256"]).lower(),
            source_dir=str(table["source_dir"]),
            tests=str(table["tests"]),
            pytest_args=tuple(str(arg) for arg in table.get("pytest_args", [])),
            test_deps=tuple(str(dep) for dep in table.get("test_deps", [])),
            split=str(table.get("split", "train")),
            harness=bool(table.get("harness", False)),
            tests_passed=int(table.get("tests_passed", 0)),
            seconds=float(table.get("seconds", 0.0)),
            lines=int(table.get("lines", 0)),
        )
        for table in data.get("project", [])
    ]


def runner_requirement(path: Path = PROJECTS_FILE) -> str:
    """The pytest pin the figures were measured with."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return f"pytest=={data.get('runner', {}).get('pytest', '9.2.0')}"


def find_project(name: str, path: Path = PROJECTS_FILE) -> Project:
    wanted = name.lower()
    for project in load_projects(path):
        if project.name.lower() == wanted:
            return project
    raise KeyError(f"{name} is not in {path}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Raise HashMismatchError unless `path` hashes to `expected`."""
    actual = sha256_of(path)
    if actual != expected.lower():
        raise HashMismatchError(f"{path.name}: sha256 {actual}, pinned {expected}")


def fetch_sdist(project: Project, cache: Path, python: Path | None = None) -> Path:
    """The pinned sdist, from `cache` or downloaded with pip, its hash checked either way.

    Each project gets its own cache subfolder so the archive is found without guessing how the
    index normalised its file name. A mismatching archive is deleted, so the next call downloads
    afresh instead of failing forever on a corrupt file.
    """
    folder = cache / f"{project.name}-{project.version}"
    archive = _only_archive(folder)
    if archive is None:
        folder.mkdir(parents=True, exist_ok=True)
        pip = [str(python or sys.executable), "-m", "pip", "download", "--quiet", "--no-deps"]
        subprocess.run(
            [*pip, "--no-binary", ":all:", project.requirement, "-d", str(folder)],
            check=True,
            stdin=subprocess.DEVNULL,
        )
        archive = _only_archive(folder)
        if archive is None:
            raise FileNotFoundError(f"pip left no sdist for {project.requirement} in {folder}")
    try:
        verify_sha256(archive, project.sha256)
    except HashMismatchError:
        archive.unlink()
        raise
    return archive


def _only_archive(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    archives = sorted(p for p in folder.iterdir() if p.name.endswith(ARCHIVE_SUFFIXES))
    return archives[0] if archives else None


def extract_sdist(archive: Path, dest: Path) -> Path:
    """Unpack `archive` into `dest` and return the sdist's single top-level folder.

    tarfile's "data" filter rejects absolute paths, links out of the tree and device files, which
    an archive from an index must never be trusted to lack.
    """
    dest.mkdir(parents=True, exist_ok=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.namelist():
                if not (dest / member).resolve().is_relative_to(dest.resolve()):
                    raise LayoutError(f"{archive.name}: member {member} escapes the folder")
            zipped.extractall(dest)
            names = zipped.namelist()
    else:
        with tarfile.open(archive) as tarred:
            tarred.extractall(dest, filter="data")
            names = tarred.getnames()
    tops = {name.split("/", 1)[0] for name in names if name}
    if len(tops) != 1:
        raise LayoutError(f"{archive.name}: expected one top-level folder, found {sorted(tops)}")
    return dest / tops.pop()


def check_layout(project: Project, root: Path) -> None:
    """Raise LayoutError if the extracted sdist lacks the source or the tests the list names."""
    for kind, relative in (("source_dir", project.source_dir), ("tests", project.tests)):
        if not (root / relative).exists():
            raise LayoutError(f"{project.name}: {kind} {relative!r} is missing under {root}")


def prepare_source(project: Project, cache: Path, work: Path, python: Path | None = None) -> Path:
    """Fetch, verify and extract one project into a fresh `work/NAME-VERSION` folder; its root."""
    archive = fetch_sdist(project, cache, python)
    target = work / f"{project.name}-{project.version}"
    if target.exists():
        shutil.rmtree(target)
    root = extract_sdist(archive, target)
    check_layout(project, root)
    return root


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / ("Scripts" if os.name == "nt" else "bin") / "python"


def ensure_venv(venv_dir: Path, requirements: tuple[str, ...] | list[str]) -> Path:
    """Create (or reuse) a venv with `requirements` installed; return its interpreter.

    The projects' test dependencies must never reach neurodebug's own environment, so they go into
    a venv of their own; pip is a no-op for requirements already satisfied, so reuse is cheap.
    """
    python = venv_python(venv_dir)
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=False).create(venv_dir)
    if requirements:
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *requirements],
            check=True,
            stdin=subprocess.DEVNULL,
        )
    return python


def install_project(python: Path, root: Path) -> None:
    """Install the copy without deps so `importlib.metadata.version(...)` works in its tests.

    Tests still import the copy itself: `run_tests` puts the copy's import root first on
    PYTHONPATH, so a fixed copy is what runs even though an installed one sits in site-packages.
    """
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(root)],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def clean_environment(python: Path, home: Path, pythonpath: str) -> dict[str, str]:
    """A small explicit environment, so proxies or user config cannot differ between two runs."""
    return {
        "PATH": os.pathsep.join([str(python.parent), "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": pythonpath,
    }


def minimal_environment(project: Project, root: Path, python: Path) -> dict[str, str]:
    """`clean_environment` for a project's copy: its import root first on the path."""
    return clean_environment(python, root, str((root / project.source_dir).parent))


def run_tests(
    project: Project, root: Path, python: Path, timeout: float = DEFAULT_TIMEOUT_S
) -> SuiteRun:
    """Run the project's suite from `root` with `python` and return the typed outcome."""
    with tempfile.TemporaryDirectory(prefix="nd-junit-") as scratch:
        junit = Path(scratch) / "junit.xml"
        command = [str(python), "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider"]
        command += [f"--junitxml={junit}", *project.pytest_args, project.tests]
        env = minimal_environment(project, root, python)
        start = time.monotonic()
        try:
            done = subprocess.run(
                command,
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as expired:
            seconds = time.monotonic() - start
            text = _text(expired.stdout) + _text(expired.stderr)
            return _suite_run(parse_summary(text), frozenset(), seconds, -1, text, timed_out=True)
        seconds = time.monotonic() - start
        output = done.stdout + done.stderr
        if junit.exists():
            counts, failures = parse_junit(junit)
        else:
            counts, failures = parse_summary(output), frozenset(_failed_ids(output))
    return _suite_run(counts, failures, seconds, done.returncode, output)


def _suite_run(
    counts: dict[str, int],
    failures: frozenset[str],
    seconds: float,
    returncode: int,
    output: str,
    timed_out: bool = False,
) -> SuiteRun:
    return SuiteRun(
        passed=counts["passed"],
        failed=counts["failed"],
        errors=counts["errors"],
        skipped=counts["skipped"],
        seconds=round(seconds, 2),
        returncode=returncode,
        timed_out=timed_out,
        failures=failures,
        output=output[-4000:],
    )


def _text(stream: str | bytes | None) -> str:
    if isinstance(stream, bytes):
        return stream.decode(errors="replace")
    return stream or ""


_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)\b")


def parse_summary(text: str) -> dict[str, int]:
    """Counts from pytest's last summary line, e.g. `3 passed, 1 failed, 2 skipped in 0.1s`.

    xpassed counts as passed and xfailed as skipped, as junit xml reports them.
    """
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    lines = [line for line in text.splitlines() if _COUNT.search(line) and " in " in line]
    for number, word in _COUNT.findall(lines[-1] if lines else ""):
        key = {"error": "errors", "xpassed": "passed", "xfailed": "skipped"}.get(word, word)
        counts[key] += int(number)
    return counts


def parse_junit(path: Path) -> tuple[dict[str, int], frozenset[str]]:
    """Counts and failed test ids from a pytest junit xml file."""
    root = ElementTree.parse(path).getroot()
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    failures: set[str] = set()
    for case in root.iter("testcase"):
        outcome = next((child.tag for child in case if child.tag != "properties"), None)
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if outcome in ("failure", "error"):
            counts["failed" if outcome == "failure" else "errors"] += 1
            failures.add(name)
        elif outcome == "skipped":
            counts["skipped"] += 1
        else:
            counts["passed"] += 1  # system-out/system-err children still mean it passed
    return counts, frozenset(failures)


def _failed_ids(output: str) -> list[str]:
    return [
        line.split(" ", 1)[1].split(" - ", 1)[0]
        for line in output.splitlines()
        if line.startswith(("FAILED ", "ERROR "))
    ]


def check_project(
    project: Project, cache: Path, work: Path, venv_dir: Path, timeout: float = DEFAULT_TIMEOUT_S
) -> SuiteRun:
    """Prepare one project end to end (fetch, verify, extract, venv, install) and run its tests."""
    python = ensure_venv(venv_dir, [runner_requirement(), *project.test_deps])
    root = prepare_source(project, cache, work, python)
    install_project(python, root)
    return run_tests(project, root, python, timeout)


def main(argv: list[str] | None = None) -> int:
    """`python -m neurodebug.bench.projects [NAME...]`: re-measure projects, one line each.

    All of them share one venv under the cache folder (ND_PROJECTS_DIR, default /tmp/projects).
    """
    names = sys.argv[1:] if argv is None else argv
    base = Path(os.environ.get("ND_PROJECTS_DIR", "/tmp/projects"))
    projects = [find_project(name) for name in names] if names else load_projects()
    status = 0
    for project in projects:
        run = check_project(project, base / "sdists", base / "work", base / "venv")
        status |= 0 if run.green else 1
        print(
            f"{project.name:16} {project.version:10} passed={run.passed} (pinned "
            f"{project.tests_passed}) failed={run.failed} errors={run.errors} "
            f"skipped={run.skipped} seconds={run.seconds}",
            flush=True,
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
