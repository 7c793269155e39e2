"""`neurodebug analyze PATH…`: check Python files for syntax errors and performance problems.

For people and for CI: text, JSON, SARIF 2.1.0 or GitHub annotations on stdout, logs and the
summary on stderr. Exit status 0 when clean (or `--exit-zero`), 1 with findings (or, with
`--diff`, when a fix would change something), 2 on usage errors. Unreadable or binary files
are reported on stderr and skipped, never fatal. Files are analysed in parallel, and results
of unchanged files come from a content-hash cache (`--no-cache` turns it off).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from neurodebug.analysis import (
    CACHE_DIR_NAME,
    Job,
    ResultCache,
    default_jobs,
    run_jobs,
    unified_diff,
)
from neurodebug.analyzers.rules.selectors import parse_selectors, unknown_selectors
from neurodebug.config import load_settings, parse_target_version
from neurodebug.cost import ranking_cli
from neurodebug.files import display_path, iter_python_files, write_atomically
from neurodebug.report_formats import FORMATTERS, statistics


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="check Python files (syntax errors, performance hints)",
        description=(
            "Check Python files under PATHs, recursively, skipping what .gitignore ignores. "
            "Settings come from [tool.neurodebug] in the nearest pyproject.toml."
        ),
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=sorted(FORMATTERS),
        default="text",
        help="output format (text); --output-format is ruff's spelling",
    )
    parser.add_argument(
        "--select",
        type=parse_selectors,
        help="only these code prefixes, comma-separated (ND1,PERF401)",
    )
    parser.add_argument(
        "--ignore", type=parse_selectors, help="also skip these code prefixes (ours or peer codes)"
    )
    parser.add_argument("--target-version", help="oldest Python to support, e.g. py310")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: unsafe fixes too"
    )
    parser.add_argument(
        "--diff", action="store_true", help="show the fixes as a unified diff; write nothing"
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print counts per rule instead of findings"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="worker processes (default: every available core)",
    )
    ranking_cli.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"neurodebug analyze: no such file or folder: {path}", file=sys.stderr)
        return 2
    target = None
    if args.target_version:
        target = parse_target_version(args.target_version)
        if target is None:
            print(
                f"neurodebug analyze: bad --target-version {args.target_version!r} "
                "(expected e.g. py311)",
                file=sys.stderr,
            )
            return 2
    if args.jobs < 0:
        print("neurodebug analyze: --jobs must be >= 0", file=sys.stderr)
        return 2
    fixing = args.fix or args.diff
    jobs: list[Job] = []
    for path in iter_python_files(args.paths):
        settings = load_settings(path)
        if args.select is not None:
            settings = replace(settings, select=args.select)
        if args.ignore:
            settings = replace(settings, ignore=(*settings.ignore, *args.ignore))
        if target is not None:
            settings = replace(settings, target_version=target)
        if ranking_cli.wanted(args) and not settings.select:
            settings = replace(settings, opt_in=True)
        jobs.append(Job(str(path), display_path(path), settings, fixing, args.unsafe_fixes))
    unknown = _unknown_selectors(args.select, jobs)
    if unknown:
        print(f"neurodebug analyze: {unknown}", file=sys.stderr)
        return 2
    cache = None if args.no_cache or fixing else ResultCache(Path.cwd() / CACHE_DIR_NAME)
    records: list[dict[str, Any]] = []
    applied = 0
    changed_files = 0
    keys: set[str] = set()
    for result in run_jobs(jobs, cache, args.jobs or default_jobs()):
        if result.warning is not None:
            print(f"{result.path}: warning: {result.warning}", file=sys.stderr)
            continue
        if result.key is not None:
            keys.add(result.key)
        if fixing and result.fixed is not None and result.fixed != result.original:
            changed_files += 1
            applied += result.applied
            if args.diff:
                sys.stdout.write(unified_diff(result))
            else:
                write_atomically(
                    Path(next(j.path for j in jobs if j.shown == result.path)), result.fixed
                )
        records.extend({"path": result.path, **record} for record in result.records)
    if cache is not None:
        cache.save(keys)
    if args.diff:
        verb = "Would fix"
        print(
            f"{verb} {applied} problem{'s' if applied != 1 else ''} in {changed_files} file"
            f"{'s' if changed_files != 1 else ''}.",
            file=sys.stderr,
        )
        return 1 if changed_files and not args.exit_zero else 0
    if args.statistics:
        sys.stdout.write(statistics(records))
    elif ranking_cli.wanted(args):
        try:
            unselected = [job.shown for job in jobs if job.settings.opt_in]
            output, records = ranking_cli.ranked_output(args, records, FORMATTERS, unselected)
            sys.stdout.write(output)
        except ranking_cli.RankingError as error:
            print(f"neurodebug analyze: {error}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(FORMATTERS[args.format](records))
    # ruff's convention: the summary is part of the text report (stdout); with a machine format
    # stdout holds only the JSON/SARIF/annotations, so the summary goes to stderr.
    summary = sys.stdout if args.format == "text" and not args.statistics else sys.stderr
    if args.fix and applied:
        print(f"Fixed {applied} problem{'s' if applied != 1 else ''}.", file=summary)
    if records:
        count = len(records)
        safeties = [r["fix"]["safety"] for r in records if r["fix"]]
        fixable, unsafe = safeties.count("safe"), safeties.count("unsafe")
        print(f"Found {count} problem{'s' if count != 1 else ''}.", file=summary)
        if fixable and not args.fix:
            print(f"[*] {fixable} fixable with --fix.", file=summary)
        if unsafe and not args.unsafe_fixes:
            print(f"{unsafe} more fixable with --fix --unsafe-fixes.", file=summary)
        return 0 if args.exit_zero else 1
    if summary is sys.stdout:
        print("All checks passed!")
    return 0


def _unknown_selectors(cli_select: tuple[str, ...] | None, jobs: list[Job]) -> str | None:
    """A message naming the first selector (from --select or a pyproject) that names no rule."""
    if cli_select is not None:
        for selector in unknown_selectors(cli_select):
            return f"unknown rule selector `{selector}` in --select"
    seen: set[tuple[str, ...]] = set()
    for job in jobs:
        select = job.settings.select
        if cli_select is None and select not in seen:
            seen.add(select)
            for selector in unknown_selectors(select):
                where = job.settings.root / "pyproject.toml" if job.settings.root else "settings"
                return f"unknown rule selector `{selector}` in {where} ([tool.neurodebug] select)"
    return None
