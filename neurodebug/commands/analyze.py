"""`neurodebug analyze PATH…`: check Python files, for people and for CI.

Reports syntax errors as `path:line:col: message`; exit status 0 when clean, 1 with findings,
2 on usage errors. Unreadable or binary files are reported and skipped, never fatal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from neurodebug.analyzers.parsing import UnreadableSourceError, parse, read_source, syntax_errors
from neurodebug.files import iter_python_files


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="check Python files (syntax errors, performance hints)",
        description="Check Python files under PATHs, recursively, skipping what .gitignore ignores.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.set_defaults(handler=run)


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it, else as given."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        for path in missing:
            print(f"neurodebug analyze: no such file or folder: {path}", file=sys.stderr)
        return 2
    problem_count = 0
    for path in iter_python_files(args.paths):
        shown = display_path(path)
        try:
            source = read_source(path)
        except UnreadableSourceError as error:
            print(f"{shown}: warning: {error}", file=sys.stderr)
            continue
        for problem in syntax_errors(parse(source)):
            problem_count += 1
            print(f"{shown}:{problem.line}:{problem.column}: {problem.message}")
    if problem_count:
        print(f"Found {problem_count} problem{'s' if problem_count != 1 else ''}.", file=sys.stderr)
        return 1
    return 0
