"""`neurodebug bench projects`: the rules' regression suite on real projects and their own tests.

For each pinned project with `harness = true` in benchmarks/projects/projects.toml (or the ones
named with `--projects`), in a temporary folder outside any git repository (so no ignore file
hides code from the analyzer):

1. count the findings of the default rule set on the package folder, per rule per 1,000 lines;
2. run the project's tests on an untouched copy: the baseline, a set of failed test ids;
3. apply the safe fixes (`--fix`) to a second copy, compile every file, import the package and
   run the tests again; 4. the same with `--fix --unsafe-fixes` on a third copy.

A regression is a test id that passed on the untouched copy and fails or errors on a fixed one,
a file that no longer compiles, or a package that no longer imports (`compare_runs` decides,
a pure function of two test outcomes). Tests that already fail untouched (missing optional
dependencies, say) never count. Results go to benchmarks/results/projects.json; the exit status
is 1 when any project regressed or could not be run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from neurodebug.analysis import Job, run_jobs
from neurodebug.analyzers.rules.selectors import parse_selectors
from neurodebug.bench import projects as pj
from neurodebug.bench.results import add_output_argument, write_results
from neurodebug.config import Settings, load_settings
from neurodebug.files import iter_python_files, write_atomically

DEFAULT_BASE = Path(os.environ.get("ND_PROJECTS_DIR", "/tmp/projects"))
REGRESSION_CAP = 50  # regressed test ids kept per fixed copy; the count is always exact
TEST_FOLDERS = frozenset({"test", "tests", "testing"})
MODES = (("safe", False), ("unsafe", True))

COMPILE_SCRIPT = """
import json, sys
errors = []
for path in sys.argv[1:]:
    try:
        compile(open(path, "rb").read(), path, "exec")
    except (SyntaxError, ValueError) as error:
        errors.append(f"{path}: {type(error).__name__}: {error}")
print(json.dumps(errors))
"""


@dataclass(frozen=True)
class Comparison:
    """How a fixed copy's test run differs from the untouched copy's."""

    regressed: frozenset[str]  # passed untouched, failed or errored after the fix
    repaired: frozenset[str]  # failed untouched, not failing after the fix
    timed_out: bool  # the fixed copy's run timed out and the untouched one did not

    @property
    def regressions(self) -> int:
        return len(self.regressed) + (1 if self.timed_out else 0)


def compare_runs(baseline: pj.SuiteRun, fixed: pj.SuiteRun) -> Comparison:
    """Compare two runs of one suite by sets of failed ids, never by counts.

    A module that stops importing shows up as a new collection-error id, so it is a regression
    too; a timeout only counts when the untouched run finished.
    """
    return Comparison(
        regressed=fixed.failures - baseline.failures,
        repaired=baseline.failures - fixed.failures,
        timed_out=fixed.timed_out and not baseline.timed_out,
    )


@dataclass
class FixedCopy:
    """One fixed copy of a project: what changed, and whether it still compiles, imports, passes."""

    mode: str  # "safe" (--fix) or "unsafe" (--fix --unsafe-fixes)
    fixes_applied: int = 0
    files_changed: dict[str, int] = field(default_factory=dict)  # relative path -> fixes
    compile_errors: list[str] = field(default_factory=list)
    import_error: str | None = None
    tests: pj.SuiteRun | None = None
    comparison: Comparison | None = None
    tests_reused_from: str | None = None  # same code as another copy, so its run stands

    @property
    def regressions(self) -> int:
        broken = len(self.compile_errors) + (1 if self.import_error else 0)
        return broken + (self.comparison.regressions if self.comparison else 0)

    def as_json(self) -> dict[str, Any]:
        regressed = sorted(self.comparison.regressed) if self.comparison else []
        return {
            "mode": self.mode,
            "fixes_applied": self.fixes_applied,
            "files_changed": dict(sorted(self.files_changed.items())),
            "compile_ok": not self.compile_errors,
            "compile_errors": self.compile_errors[:REGRESSION_CAP],
            "import_ok": self.import_error is None,
            "import_error": self.import_error,
            "tests": suite_json(self.tests),
            "tests_reused_from": self.tests_reused_from,
            "regressions": self.regressions,
            "regressed_tests": regressed[:REGRESSION_CAP],
            "repaired_tests": sorted(self.comparison.repaired)[:REGRESSION_CAP]
            if self.comparison
            else [],
            "timed_out": bool(self.comparison and self.comparison.timed_out),
        }


@dataclass
class ProjectResult:
    """Everything measured on one project."""

    name: str
    version: str
    lines: int = 0
    files: int = 0
    findings: dict[str, int] = field(default_factory=dict)  # rule code -> count
    fixable: dict[str, dict[str, int]] = field(default_factory=dict)  # safety -> code -> count
    baseline: pj.SuiteRun | None = None
    copies: list[FixedCopy] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def regressions(self) -> int:
        return sum(copy.regressions for copy in self.copies)

    def per_kloc(self) -> dict[str, float]:
        return {code: per_kloc(count, self.lines) for code, count in sorted(self.findings.items())}

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "lines": self.lines,
            "files": self.files,
            "findings": dict(sorted(self.findings.items())),
            "findings_total": sum(self.findings.values()),
            "findings_per_kloc": self.per_kloc(),
            "fixable": {k: dict(sorted(v.items())) for k, v in self.fixable.items()},
            "baseline": suite_json(self.baseline),
            "fixed": {copy.mode: copy.as_json() for copy in self.copies},
            "regressions": self.regressions,
            "seconds": round(self.seconds, 1),
            "error": self.error,
        }


def per_kloc(count: int, lines: int) -> float:
    return round(1000.0 * count / lines, 3) if lines else 0.0


def suite_json(run: pj.SuiteRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "passed": run.passed,
        "failed": run.failed,
        "errors": run.errors,
        "skipped": run.skipped,
        "seconds": run.seconds,
        "timed_out": run.timed_out,
        "failures": sorted(run.failures)[:REGRESSION_CAP],
    }


def source_files(project: pj.Project, root: Path) -> list[Path]:
    """The package's `.py` files, test folders excluded (the code the rules judge and fix)."""
    source = root / project.source_dir
    return [
        path
        for path in iter_python_files([source])
        if path.suffix == ".py" and not TEST_FOLDERS & set(path.relative_to(root).parts[:-1])
    ]


def count_lines(files: list[Path]) -> int:
    return sum(len(path.read_bytes().splitlines()) for path in files)


def analyze_copy(
    files: list[Path],
    root: Path,
    fix: bool,
    unsafe: bool,
    processes: int,
    select: tuple[str, ...] = (),
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Findings of the default rule set (or of the rules `select` names) on `files`; with
    `fix`, the fixes written in place.

    Returns the records and, per changed file (relative to `root`), the fixes applied.
    """
    jobs = [Job(str(path), str(path), _settings(path, select), fix, unsafe) for path in files]
    records: list[dict[str, Any]] = []
    changed: dict[str, int] = {}
    for result in run_jobs(jobs, None, processes):
        if result.warning is not None:
            continue
        records.extend(result.records)
        if fix and result.fixed is not None and result.fixed != result.original:
            path = Path(result.path)
            write_atomically(path, result.fixed)
            changed[str(path.relative_to(root))] = result.applied
    return records, changed


def _settings(path: Path, select: tuple[str, ...]) -> Settings:
    settings = load_settings(path)
    return replace(settings, select=select) if select else settings


def compile_errors(python: Path, files: list[Path]) -> list[str]:
    """Files that no longer compile under the project's interpreter (no bytecode written)."""
    done = subprocess.run(
        [str(python), "-c", COMPILE_SCRIPT, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        return [f"compile check crashed: {done.stderr.strip()[-500:]}"]
    errors: list[str] = json.loads(done.stdout)
    return errors


def import_error(project: pj.Project, root: Path, python: Path) -> str | None:
    """Why the copy's package does not import from the copy itself, or None when it does."""
    module = Path(project.source_dir).name.removesuffix(".py")
    check = (
        f"import importlib, pathlib, sys; m = importlib.import_module({module!r}); "
        f"f = pathlib.Path(m.__file__).resolve(); "
        f"sys.exit(0 if f.is_relative_to(pathlib.Path({str(root.resolve())!r})) else "
        f"'imported ' + str(f) + ', not the copy')"
    )
    env = pj.minimal_environment(project, root, python)
    done = subprocess.run(
        [str(python), "-c", check],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode == 0:
        return None
    return (done.stderr.strip().splitlines() or ["no output"])[-1][-500:]


def run_project(
    project: pj.Project,
    archive: Path,
    python: Path,
    work: Path,
    processes: int = 0,
    timeout: float = pj.DEFAULT_TIMEOUT_S,
    select: tuple[str, ...] = (),
) -> ProjectResult:
    """Analyse, fix and test one project from its sdist; the untouched copy is the baseline."""
    start = time.monotonic()
    result = ProjectResult(project.name, project.version)
    roots = {}
    for label in ("untouched", *(mode for mode, _ in MODES)):
        roots[label] = pj.extract_sdist(archive, work / label)
        pj.check_layout(project, roots[label])
    jobs = processes or os.cpu_count() or 1
    untouched = roots["untouched"]
    files = source_files(project, untouched)
    result.files, result.lines = len(files), count_lines(files)
    records, _ = analyze_copy(files, untouched, False, False, jobs, select)
    result.findings = dict(Counter(str(r["code"]) for r in records))
    for safety in ("safe", "unsafe"):
        fixable = Counter(
            str(r["code"]) for r in records if r["fix"] and r["fix"]["safety"] == safety
        )
        result.fixable[safety] = dict(fixable)
    baseline = result.baseline = pj.run_tests(project, untouched, python, timeout)
    sources: dict[str, dict[str, bytes]] = {}
    for mode, unsafe in MODES:
        root = roots[mode]
        copy = FixedCopy(mode)
        mode_files = source_files(project, root)
        _, copy.files_changed = analyze_copy(mode_files, root, True, unsafe, jobs, select)
        copy.fixes_applied = sum(copy.files_changed.values())
        copy.compile_errors = compile_errors(python, mode_files)
        copy.import_error = import_error(project, root, python)
        sources[mode] = {name: (root / name).read_bytes() for name in copy.files_changed}
        same = next((m for m, code in sources.items() if m != mode and code == sources[mode]), None)
        tests = baseline
        if not copy.files_changed:
            copy.tests_reused_from = "untouched"
        elif same is not None:
            earlier = next(c for c in result.copies if c.mode == same)
            tests, copy.tests_reused_from = earlier.tests or baseline, same
        else:
            tests = pj.run_tests(project, root, python, timeout)
        copy.tests, copy.comparison = tests, compare_runs(baseline, tests)
        result.copies.append(copy)
    result.seconds = time.monotonic() - start
    return result


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def seed_cache(project: pj.Project, cache: Path) -> None:
    """Move nothing, copy once: an archive lying flat in `cache` goes to its NAME-VERSION folder.

    `fetch_sdist` looks in `cache/NAME-VERSION/`; sdists fetched by hand lie flat in `cache`.
    The hash is still checked by `fetch_sdist`, so a wrong file is refused, not used.
    """
    folder = cache / f"{project.name}-{project.version}"
    if folder.is_dir() and any(p.name.endswith(pj.ARCHIVE_SUFFIXES) for p in folder.iterdir()):
        return
    prefix = _normalised(f"{project.name}-{project.version}")
    for candidate in sorted(cache.glob("*")):
        if candidate.is_file() and candidate.name.endswith(pj.ARCHIVE_SUFFIXES):
            stem = next(
                candidate.name.removesuffix(s)
                for s in pj.ARCHIVE_SUFFIXES
                if candidate.name.endswith(s)
            )
            if _normalised(stem) == prefix:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy2(candidate, folder / candidate.name)
                return


def installed_version(python: Path, name: str) -> str | None:
    done = subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def prepare(project: pj.Project, base: Path) -> tuple[Path, Path]:
    """The verified sdist and an interpreter whose venv holds pytest, test deps and the project.

    The project is installed (no deps) only when the venv lacks that version, so its metadata
    exists for suites that read their own version; the copies still shadow it on PYTHONPATH.
    """
    cache, venv_dir = base / "sdists", base / "venv"
    seed_cache(project, cache)
    python = pj.ensure_venv(venv_dir, [pj.runner_requirement(), *project.test_deps])
    archive = pj.fetch_sdist(project, cache, python)
    if installed_version(python, project.name) != project.version:
        with tempfile.TemporaryDirectory(prefix="nd-install-") as scratch:
            pj.install_project(python, pj.extract_sdist(archive, Path(scratch)))
    return archive, python


def select_projects(names: str | None, subset: int | None) -> list[pj.Project]:
    everything = pj.load_projects()
    if names:
        chosen = [pj.find_project(name.strip()) for name in names.split(",") if name.strip()]
    else:
        chosen = [project for project in everything if project.harness]
    if subset is not None:
        chosen = sorted(chosen, key=lambda p: p.seconds)[:subset]
    return chosen


def totals(results: list[ProjectResult]) -> dict[str, Any]:
    """Findings per rule per 1,000 lines over every project that ran."""
    ran = [r for r in results if r.error is None]
    lines = sum(r.lines for r in ran)
    findings: Counter[str] = Counter()
    for r in ran:
        findings.update(r.findings)
    return {
        "projects": len(ran),
        "lines": lines,
        "findings": dict(sorted(findings.items())),
        "findings_total": sum(findings.values()),
        "findings_per_kloc": {code: per_kloc(n, lines) for code, n in sorted(findings.items())},
        "regressions": sum(r.regressions for r in ran),
        "failed_projects": [r.name for r in results if r.error is not None],
    }


def _tests_cell(run: pj.SuiteRun | None) -> str:
    if run is None:
        return "-"
    return f"{run.passed}/{run.failed + run.errors}" + ("!" if run.timed_out else "")


def format_table(results: list[ProjectResult]) -> str:
    """One line per project, then the rules' findings per 1,000 lines over all of them."""
    head = (
        f"{'project':<16} {'lines':>7} {'finds':>6} {'/kloc':>6} {'fix s/u':>9} {'comp/imp':>9} "
        f"{'tests pass/fail: base':>22} {'safe':>11} {'unsafe':>11} {'regr s/u':>9} {'sec':>6}"
    )
    lines = [head]
    for r in results:
        if r.error is not None:
            lines.append(f"{r.name:<16} error: {r.error}")
            continue
        by_mode = {copy.mode: copy for copy in r.copies}
        safe, unsafe = by_mode["safe"], by_mode["unsafe"]
        total = sum(r.findings.values())
        ok = "/".join(
            "ok" if not c.compile_errors and c.import_error is None else "NO"
            for c in (safe, unsafe)
        )
        lines.append(
            f"{r.name:<16} {r.lines:>7} {total:>6} {per_kloc(total, r.lines):>6.2f} "
            f"{f'{safe.fixes_applied}/{unsafe.fixes_applied}':>9} {ok:>9} "
            f"{_tests_cell(r.baseline):>22} {_tests_cell(safe.tests):>11} "
            f"{_tests_cell(unsafe.tests):>11} "
            f"{f'{safe.regressions}/{unsafe.regressions}':>9} {r.seconds:>6.1f}"
        )
    summary = totals(results)
    lines.append("")
    lines.append(f"findings per 1,000 lines over {summary['lines']} lines:")
    for code, rate in sorted(summary["findings_per_kloc"].items(), key=lambda kv: -kv[1]):
        lines.append(f"  {code:<6} {summary['findings'][code]:>5} {rate:>7.3f}")
    return "\n".join(lines)


def add_base_argument(parser: argparse.ArgumentParser) -> None:
    """`--base`: where the pinned projects' sdists and their test venv live (shared by the
    commands that run the projects' suites)."""
    parser.add_argument(
        "--base",
        type=Path,
        default=DEFAULT_BASE,
        help=f"sdist cache and test venv folder (default $ND_PROJECTS_DIR or {DEFAULT_BASE})",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "projects",
        help="lint, fix and re-test the pinned real projects (the rules' regression suite)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--projects", help="comma-separated names (default: every harness one)")
    parser.add_argument(
        "--subset", type=int, help="only the N quickest of the chosen projects (CI: --subset 1)"
    )
    add_base_argument(parser)
    parser.add_argument("--jobs", type=int, default=0, help="analysis processes (default: cores)")
    parser.add_argument(
        "--timeout", type=float, default=pj.DEFAULT_TIMEOUT_S, help="seconds per test run"
    )
    parser.add_argument(
        "--select",
        type=parse_selectors,
        default=(),
        help="comma-separated rule selectors instead of the default set (`ND` for every rule: "
        "the opt-in rules' fixes must not break code either)",
    )
    add_output_argument(parser, "projects")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        chosen = select_projects(args.projects, args.subset)
    except KeyError as error:
        print(f"neurodebug bench projects: {error.args[0]}", file=sys.stderr)
        return 2
    select: tuple[str, ...] = args.select
    results: list[ProjectResult] = []
    for project in chosen:
        print(f"{project.name} {project.version} ...", file=sys.stderr, flush=True)
        try:
            archive, python = prepare(project, args.base)
            with tempfile.TemporaryDirectory(prefix=f"nd-harness-{project.name}-") as work:
                result = run_project(
                    project, archive, python, Path(work), args.jobs, args.timeout, select
                )
        except (OSError, RuntimeError, subprocess.SubprocessError) as error:
            result = ProjectResult(project.name, project.version, error=str(error)[-500:])
        results.append(result)
        # written after every project, so a long run interrupted still leaves its figures
        write_results(
            args.out,
            {
                "benchmark": "projects",
                "rules": ",".join(select) or "default",
                "python": sys.version.split()[0],
                "projects": [r.as_json() for r in results],
                "totals": totals(results),
            },
        )
    print(format_table(results))
    print(f"results written to {args.out}", file=sys.stderr)
    failed = any(r.error is not None or r.regressions for r in results)
    return 1 if failed else 0
