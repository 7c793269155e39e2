"""The `neurodebug` command: one entry point, one module per subcommand, logs on stderr.

Each module in `COMMAND_MODULES` exposes `register(subparsers)`, which adds its parser and sets
`handler(args) -> int` as the default. Add a subcommand by adding its module here, with the issue
that makes it work; there are no placeholder commands.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from neurodebug import __version__
from neurodebug.extras import MissingExtraError
from neurodebug.logs import configure_logging

COMMAND_MODULES: tuple[str, ...] = (
    "neurodebug.commands.analyze",
    "neurodebug.commands.bench",
    "neurodebug.commands.deps",
    "neurodebug.commands.rules",
    "neurodebug.commands.serve",
    "neurodebug.commands.trace_corpus",
    "neurodebug.commands.trace_suites",
    "neurodebug.commands.verify",
    "neurodebug.commands.train",
    "neurodebug.commands.predict",
    "neurodebug.commands.invert",
    "neurodebug.commands.eval",
)

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: with `command` (a known subcommand's name) only that subcommand,
    else every registered one (for `--help` and unknown names, so argparse lists them all)."""
    parser = argparse.ArgumentParser(
        prog="neurodebug",
        description=(
            "Static analysis, performance hints and a neural debugger for Python. "
            "Logs go to stderr; results to stdout."
        ),
    )
    parser.add_argument("--version", action="version", version=f"neurodebug {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging on stderr (-v, -vv)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = _module_of(command)
    for module_name in COMMAND_MODULES if wanted is None else (wanted,):
        importlib.import_module(module_name).register(subparsers)
    return parser


def _module_of(command: str | None) -> str | None:
    """The module that registers `command`, when it is one; each module registers one command
    named after it (`trace-corpus` in `trace_corpus`)."""
    if command is None:
        return None
    module_name = f"neurodebug.commands.{command.replace('-', '_')}"
    return module_name if module_name in COMMAND_MODULES else None


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line: the first word that is not an option.

    Importing every subcommand's module to build the full parser cost ~130 ms of imports
    (the analysis engine, the corpus builder, the benchmarks) before `serve` or `analyze` could
    start; only the named one is needed.
    """
    return next((word for word in argv if not word.startswith("-")), None)


YOUNG_COLLECTION_THRESHOLD = 10_000
"""Allocations between two collections of the youngest generation (CPython's default: 700).
The analysis allocates many small containers that live as long as one module's facts and are
freed by reference counting (they form no cycles); at the default, the collector traversed
them over and over. Over the stdlib, 0.91-0.94x the time of the default
(`benchmarks/gc_threshold_ab.py`). Every command, the language server included, runs with it
(as mypy raises its own)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status (0 ok, 1 findings, 2 usage or errors)."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_in(words))
    args = parser.parse_args(words)
    configure_logging(args.verbose)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except MissingExtraError as error:
        print(f"neurodebug: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("neurodebug: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `neurodebug analyze … | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
        return 141
