"""Analyse many files for `neurodebug analyze`: per-file records, a content-hash cache, processes.

A worker turns one file into `FileResult` records that are already display-ready (1-based
character columns, JSON-safe dicts), so the same records feed every output format, the cache
and the parent process without re-reading sources. The cache key is the SHA-256 of the
file's bytes, the settings in force and a fingerprint of the rule code, so editing a rule,
a setting or the file invalidates exactly what it must; a second run over unchanged files
reads one JSON file and parses nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from neurodebug import __version__
from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.never_runs import checked_never_runs, never_runs_selected
from neurodebug.analyzers.parsing import UnreadableSourceError, parse, read_source
from neurodebug.analyzers.rules import Finding, Settings, check_source

LOG = logging.getLogger(__name__)

CACHE_DIR_NAME = ".neurodebug_cache"
CACHE_FILE = "analyze-v1.json"
PARALLEL_MIN_FILES = 8
"""Below this many files, worker start-up costs more than it saves."""


@dataclass
class FileResult:
    """What analysing one file produced: display records, or why it was skipped."""

    path: str
    records: list[dict[str, Any]] = field(default_factory=list)
    warning: str | None = None
    key: str | None = None
    original: bytes | None = None
    fixed: bytes | None = None
    applied: int = 0


def char_column(source: bytes, line: int, byte_column: int, line_starts: list[int]) -> int:
    """1-based character column of a (1-based line, 0-based byte column) position."""
    start = line_starts[line - 1] if 0 < line <= len(line_starts) else 0
    return len(source[start : start + byte_column].decode("utf-8", errors="replace")) + 1


def _line_starts(source: bytes) -> list[int]:
    starts = [0]
    index = source.find(b"\n")
    while index >= 0:
        starts.append(index + 1)
        index = source.find(b"\n", index + 1)
    return starts


def finding_record(finding: Finding, source: bytes, starts: list[int]) -> dict[str, Any]:
    """A finding as the JSON output shows it (columns: 1-based characters)."""

    def column(line: int, byte_column: int) -> int:
        return char_column(source, line, byte_column, starts)

    fix = None
    if finding.fix is not None:
        fix = {
            "description": finding.fix.description,
            "safety": finding.fix.safety,
            "edits": [
                {
                    "line": edit.line,
                    "column": column(edit.line, edit.column),
                    "end_line": edit.end_line,
                    "end_column": column(edit.end_line, edit.end_column),
                    "new_text": edit.new_text,
                }
                for edit in finding.fix.edits
            ],
        }
    return {
        "code": finding.code,
        "name": finding.name,
        "equivalents": list(finding.equivalents),
        "line": finding.line,
        "column": column(finding.line, finding.column),
        "end_line": finding.end_line,
        "end_column": column(finding.end_line, finding.end_column),
        "message": finding.message,
        "severity": finding.severity,
        "fix": fix,
    }


@cache
def rules_fingerprint() -> str:
    """A hash of the static core's source (rules, the facts they use, ND001's constant
    propagation), so the cache dies with any change there."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(check_source.__code__.co_filename).parent.parent  # the whole static core
    for path in sorted(package.rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=256)
def _settings_digest(settings: Settings) -> bytes:
    """The settings and rule-code fingerprint as bytes (settings are few; files are many)."""
    described = asdict(settings)
    described["root"] = None
    text = json.dumps(described, sort_keys=True, default=str) + rules_fingerprint()
    return text.encode()


def cache_key(source: bytes, settings: Settings, path: Path) -> str:
    """The content hash identifying one file's results under one configuration."""
    digest = hashlib.sha256(source)
    digest.update(_settings_digest(settings))
    if settings.per_file_ignores:
        digest.update(str(path).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    """One file to analyse and how."""

    path: str
    shown: str
    settings: Settings
    fix: bool = False
    unsafe_fixes: bool = False


def analyze_one(job: Job, cached: dict[str, list[dict[str, Any]]] | None = None) -> FileResult:
    """Analyse (and with `job.fix`, fix in memory) one file; never raises for bad input."""
    path = Path(job.path)
    try:
        source = read_source(path)
    except UnreadableSourceError as error:
        return FileResult(job.shown, warning=str(error))
    key = cache_key(source, job.settings, path)
    if cached is not None and not job.fix and key in cached:
        return FileResult(job.shown, records=cached[key], key=key)
    result = FileResult(job.shown, key=key)
    try:
        if job.fix:
            outcome = fix_source(source, path, job.settings, unsafe=job.unsafe_fixes)
            result.original = source
            result.fixed = outcome.source
            result.applied = outcome.applied
            findings, final = outcome.remaining, outcome.source
        else:
            findings, final = check_source(source, path, job.settings), source
        if never_runs_selected(job.settings, path, by_default=False):
            dead = checked_never_runs(final, parse(final), path, job.settings, False)
            findings = sorted([*findings, *dead], key=lambda f: (f.line, f.column, f.code))
    except RecursionError:
        return FileResult(job.shown, warning="too deeply nested to analyse, skipped")
    starts = _line_starts(final)
    result.records = [finding_record(f, final, starts) for f in findings]
    return result


def _worker(job: Job) -> FileResult:
    sys.setrecursionlimit(10_000)
    return analyze_one(job)


class ResultCache:
    """The on-disk content-hash cache: one JSON file mapping key → records."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: dict[str, list[dict[str, Any]]] = {}
        self.dirty = False
        try:
            data = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("fingerprint") == rules_fingerprint():
                entries = data.get("entries")
                self.entries = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    def store(self, result: FileResult) -> None:
        if result.key is not None and result.warning is None and result.key not in self.entries:
            self.entries[result.key] = result.records
            self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the cache, keeping only the entries this run used (so it cannot grow forever)."""
        if not self.dirty and keep == set(self.entries):
            return
        entries = {key: value for key, value in self.entries.items() if key in keep}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n")
            temporary = self.folder / f"{CACHE_FILE}.{os.getpid()}.tmp"
            temporary.write_text(
                json.dumps({"fingerprint": rules_fingerprint(), "entries": entries})
            )
            temporary.replace(self.folder / CACHE_FILE)
        except OSError as error:
            LOG.warning("cannot write the analysis cache in %s: %s", self.folder, error)


def default_jobs() -> int:
    """Worker processes: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_jobs(jobs: list[Job], cache: ResultCache | None, processes: int) -> Iterator[FileResult]:
    """Results in job order; cache hits in-process, the rest in worker processes if worth it."""
    results: dict[int, FileResult] = {}
    pending: list[tuple[int, Job]] = []
    for index, job in enumerate(jobs):
        if cache is not None and not job.fix:
            hit = _cached(job, cache)
            if hit is not None:
                results[index] = hit
                continue
        pending.append((index, job))
    if len(pending) >= PARALLEL_MIN_FILES and processes > 1:
        chunk = max(1, min(16, len(pending) // (processes * 8)))
        from concurrent.futures import ProcessPoolExecutor  # only many files need workers

        with ProcessPoolExecutor(max_workers=processes) as pool:
            outputs: Iterable[FileResult] = pool.map(
                _worker, [job for _, job in pending], chunksize=chunk
            )
            for (index, _), output in zip(pending, outputs, strict=True):
                results[index] = output
    else:
        for index, job in pending:
            results[index] = analyze_one(job)
    for index in range(len(jobs)):
        result = results[index]
        if cache is not None and not jobs[index].fix:
            cache.store(result)
        yield result


def _cached(job: Job, cache: ResultCache) -> FileResult | None:
    """A cache hit costs a read and a hash, no parse."""
    try:
        source = read_source(Path(job.path))
    except UnreadableSourceError:
        return None
    key = cache_key(source, job.settings, Path(job.path))
    records = cache.entries.get(key)
    return FileResult(job.shown, records=records, key=key) if records is not None else None


def unified_diff(result: FileResult) -> str:
    """What `--diff` prints for one fixed file: a unified diff from a/PATH to b/PATH."""
    assert result.original is not None and result.fixed is not None
    return "".join(
        difflib.unified_diff(
            result.original.decode("utf-8").splitlines(keepends=True),
            result.fixed.decode("utf-8").splitlines(keepends=True),
            fromfile=f"a/{result.path}",
            tofile=f"b/{result.path}",
        )
    )
