"""Build the real-code trace corpus: the pinned projects' own test suites, run under the tracer.

Each project of benchmarks/projects/projects.toml is fetched (sha256 checked), extracted into a
fresh folder and its suite run with pytest and the suite tracer's plugin
(`neural_debugger.groundtruth.corpus.suite_plugin`), inside the tracer's sandbox: a network
namespace with only loopback (tests that need the network fail and are simply not recorded), a
filesystem read-only outside the copy, a pids limit. The records then go through the corpus
writer, so a real-code corpus has the same shards, manifest and READY file as a synthetic one
and `train`, `eval` read it alike.

The split is the project's (`split` in the list): whole projects are held out, never single
functions. The project's test environment is a venv of its own (`bench.harness.prepare`), and
neurodebug reaches it only through a folder of symlinks to the `groundtruth` package, which
imports nothing but the standard library.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurodebug.bench import harness
from neurodebug.bench import projects as pj
from neurodebug.neural_debugger.groundtruth import secure_env
from neurodebug.neural_debugger.groundtruth.corpus.features import constructs
from neurodebug.neural_debugger.groundtruth.corpus.writer import ShardWriter
from neurodebug.neural_debugger.model.corpus_data import read_records

log = logging.getLogger(__name__)

PLUGIN = "neurodebug.neural_debugger.groundtruth.corpus.suite_plugin"


@dataclass(frozen=True)
class SuiteSettings:
    calls_per_function: int = 3
    max_steps: int = 300
    timeout_s: float = 900.0
    max_source_lines: int = 200


@dataclass(frozen=True)
class SuiteOutcome:
    """What one project's traced suite gave: records kept, and the suite's own summary line."""

    project: str
    split: str
    records: int
    functions: int
    seconds: float
    returncode: int
    summary: str  # pytest's last line under the tracer and the sandbox
    pinned_passed: int  # tests that pass without either (projects.toml)


def import_shim(folder: Path) -> Path:
    """`folder` made into a sys.path entry where `neurodebug.neural_debugger.groundtruth` imports.

    Only empty parent packages and a symlink to the real `groundtruth` folder: the project's
    environment sees the tracer and nothing else of neurodebug (its dependencies are absent there).
    """
    package = folder / "neurodebug" / "neural_debugger"
    package.mkdir(parents=True, exist_ok=True)
    (folder / "neurodebug" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    link = package / "groundtruth"
    if not link.exists():
        link.symlink_to(Path(secure_env.__file__).resolve().parent, target_is_directory=True)
    return folder


def suite_command(project: pj.Project, python: Path, root: Path) -> list[str]:
    """pytest over a project's tests with the plugin, from the copy at `root`."""
    return _pytest_command(python, root / ".nd-tmp", [*project.pytest_args, project.tests])


def _pytest_command(python: Path, basetemp: Path, arguments: list[str]) -> list[str]:
    return [
        str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", PLUGIN,
        f"--basetemp={basetemp}", *arguments,
    ]  # fmt: skip


def run_sandboxed(
    command: list[str], cwd: Path, env: dict[str, str], timeout_s: float
) -> tuple[subprocess.CompletedProcess[str] | None, float]:
    """Run a `sandboxed_command`; the run (None: timed out) and its seconds. Whatever it left
    running in its pids group is killed and the group removed, timed out or not."""
    start = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None, time.monotonic() - start
    finally:
        secure_env.release_process_tree(process.pid)
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return done, time.monotonic() - start


Traced = tuple[Path, subprocess.CompletedProcess[str] | None, float]
"""A traced suite: its records file, the run (None: timed out) and its seconds."""


def trace_suite(
    project: pj.Project, python: Path, root: Path, shim: Path, settings: SuiteSettings
) -> Traced:
    """Run a project's suite once under the plugin, from its copy at `root`."""
    env = pj.minimal_environment(project, root, python)
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(shim)])
    return _traced_run(
        suite_command(project, python, root), root, env, settings,
        record=root / project.source_dir, exclude=[root / project.tests],
        project=project.name, split=project.split,
    )  # fmt: skip


def _traced_run(
    command: list[str],
    folder: Path,
    env: dict[str, str],
    settings: SuiteSettings,
    *,
    record: Path,
    exclude: list[Path],
    project: str,
    split: str,
) -> Traced:
    """`command` (pytest with the plugin) in the sandbox, writable `folder` only, told by the
    environment what to record, what not, and where the records go."""
    out = folder / ".nd-suite-traces.jsonl"
    (folder / ".nd-tmp").mkdir(parents=True, exist_ok=True)
    env = {
        **env,
        "TMPDIR": str(folder / ".nd-tmp"),
        "NEURODEBUG_SUITE_OUT": str(out),
        "NEURODEBUG_SUITE_ROOT": str(record),
        "NEURODEBUG_SUITE_EXCLUDE": os.pathsep.join(str(path) for path in exclude),
        "NEURODEBUG_SUITE_PROJECT": project,
        "NEURODEBUG_SUITE_SPLIT": split,
        "NEURODEBUG_SUITE_CALLS": str(settings.calls_per_function),
        "NEURODEBUG_SUITE_MAX_STEPS": str(settings.max_steps),
    }
    command = secure_env.sandboxed_command(command, str(folder))
    return (out, *run_sandboxed(command, folder, env, settings.timeout_s))


STDLIB_PROJECT = "cpython-stdlib"
STDLIB_TESTS = (
    "test_base64", "test_bisect", "test_calendar", "test_colorsys", "test_configparser",
    "test_csv", "test_difflib", "test_fnmatch", "test_fractions", "test_graphlib",
    "test_heapq", "test_html", "test_htmlparser", "test_ipaddress", "test_netrc",
    "test_plistlib", "test_posixpath", "test_pprint", "test_quopri", "test_reprlib",
    "test_shlex", "test_statistics", "test_string", "test_textwrap", "test_tokenize",
    "test_urlparse", "test_copy", "test_keyword", "test_gettext", "test_enum",
)  # fmt: skip
"""Tests of pure-Python standard-library modules that run quickly and need no network."""
STDLIB_EXCLUDED = ("test", "unittest", "site-packages", "importlib", "encodings")
"""Folders of the standard library whose functions are not recorded: tests, test frameworks,
third-party packages (pytest itself), the import machinery and codecs."""


def trace_stdlib(python: Path, scratch: Path, shim: Path, settings: SuiteSettings) -> Traced:
    """Run `STDLIB_TESTS` (this Python's own `test` package) under the plugin, from `scratch`."""
    stdlib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    found = (stdlib / "test" / f"{name}.py" for name in STDLIB_TESTS)
    tests = [str(path) for path in found if path.is_file()]  # a Python may lack some
    command = _pytest_command(
        python, scratch / ".nd-tmp" / "pytest", ["--continue-on-collection-errors", *tests]
    )
    return _traced_run(
        command, scratch, pj.clean_environment(python, scratch, str(shim)), settings,
        record=stdlib, exclude=[stdlib / name for name in STDLIB_EXCLUDED],
        project=STDLIB_PROJECT, split="train",
    )  # fmt: skip


def held_out_of_the_bpe(record: dict[str, Any]) -> bool:
    """A standard-library function of a module the v2 BPE was not trained on: it stays out of
    training too, so those modules remain unseen code (see `tokenizer.is_held_out`)."""
    from neurodebug.neural_debugger.model.tokenizer import is_held_out

    return record["meta"]["project"] == STDLIB_PROJECT and is_held_out(record["meta"]["file"])


def enrich(record: dict[str, Any], number: int) -> dict[str, Any]:
    """The fields the corpus writer's statistics read, as `corpus.build.make_record` sets them."""
    source, meta, stops = record["source"], record["meta"], record["trace"]["stops"]
    meta.update(
        constructs=constructs(source),
        lines=len(source.splitlines()),
        steps=len(stops),
        max_depth=max((stop["depth"] for stop in stops), default=0),
    )
    record["id"] = f"{meta['hash'][:12]}-{number}"
    record["function"] = stops[0]["function"] if stops else ""
    return record


def build_suite_corpus(
    out: Path,
    projects: list[pj.Project],
    base: Path,
    settings: SuiteSettings | None = None,
    stdlib: bool = False,
) -> dict[str, Any]:
    """Trace every project's suite (and with `stdlib`, `STDLIB_TESTS`, as one more training
    project) into a corpus at `out`; the manifest (also written there)."""
    settings = settings or SuiteSettings()
    writer = ShardWriter(out)
    outcomes: list[SuiteOutcome] = []
    dropped: Counter[str] = Counter()

    def keep(name: str, split: str, run: Traced, pinned: int) -> None:
        path, done, seconds = run
        kept, functions = 0, set()
        for number, record in enumerate(read_records(path.parent, pattern=path.name)):
            if len(record["source"].splitlines()) > settings.max_source_lines:
                dropped["source_lines"] += 1
            elif held_out_of_the_bpe(record):
                dropped["held_out_module"] += 1
            else:
                writer.write(enrich(record, number))
                functions.add(record["meta"]["hash"])
                kept += 1
        tail = (done.stdout.strip().splitlines() or [""])[-1] if done else "timed out"
        outcome = SuiteOutcome(
            name, split, kept, len(functions), round(seconds, 1),
            done.returncode if done else -1, tail, pinned,
        )  # fmt: skip
        log.warning("suite corpus: %s", outcome)
        outcomes.append(outcome)

    with tempfile.TemporaryDirectory(prefix="nd-suites-") as scratch:
        shim = import_shim(Path(scratch) / "shim")
        python = None
        for project in projects:
            archive, python = harness.prepare(project, base)
            root = pj.extract_sdist(archive, Path(scratch) / f"{project.name}-{project.version}")
            run = trace_suite(project, python, root, shim, settings)
            keep(project.name, project.split, run, project.tests_passed)
        if stdlib:
            python = python or pj.ensure_venv(base / "venv", [pj.runner_requirement()])
            folder = Path(scratch) / STDLIB_PROJECT
            folder.mkdir()
            keep(STDLIB_PROJECT, "train", trace_stdlib(python, folder, shim, settings), 0)
    writer.close()
    manifest = writer.manifest(
        settings={
            **settings.__dict__,
            "projects": [p.requirement for p in projects],
            "stdlib_tests": list(STDLIB_TESTS) if stdlib else [],
        },
        dropped=dict(dropped),
    )
    manifest["suites"] = [outcome.__dict__ for outcome in outcomes]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / "READY").write_text(f"{manifest['records']} records\n")
    return manifest
