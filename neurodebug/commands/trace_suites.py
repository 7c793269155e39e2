"""`neurodebug trace-suites --out DIR [--projects A,B]`: the real-code trace corpus.

Runs the pinned projects' own test suites (benchmarks/projects/projects.toml) under the suite
tracer and writes the recorded calls as a trace corpus (shards, manifest.json, READY), split by
project as the list says. See `neurodebug.suite_corpus`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from neurodebug.bench.harness import add_base_argument, select_projects
from neurodebug.suite_corpus import SuiteSettings, build_suite_corpus


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "trace-suites",
        help="run real projects' test suites under the tracer, write a real-code corpus",
        description=__doc__,
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--projects", help="comma-separated names (default: every pinned project)")
    add_base_argument(parser)
    parser.add_argument(
        "--stdlib",
        action="store_true",
        help="also run this Python's own tests of 30 pure-Python modules (a training project)",
    )
    parser.add_argument("--calls-per-function", type=int, default=3, help="distinct calls kept")
    parser.add_argument("--max-steps", type=int, default=300, help="drop calls with more stops")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per suite")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.calls_per_function <= 0 or args.max_steps <= 1 or args.timeout <= 0:
        print("neurodebug trace-suites: bad --calls-per-function, --max-steps or --timeout",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        names = args.projects if args.projects is not None else ",".join(_all())
        projects = select_projects(names, None) if names else []
    except KeyError as error:
        print(f"neurodebug trace-suites: {error.args[0]}", file=sys.stderr)
        return 2
    settings = SuiteSettings(args.calls_per_function, args.max_steps, args.timeout)
    manifest = build_suite_corpus(args.out, projects, args.base, settings, stdlib=args.stdlib)
    summary = {
        "out": str(args.out),
        "records": manifest["records"],
        "functions": manifest["programs"],
        "splits": {name: split["records"] for name, split in manifest["splits"].items()},
        "suites": manifest["suites"],
    }
    print(json.dumps(summary, indent=2))
    return 0


def _all() -> list[str]:
    from neurodebug.bench.projects import load_projects

    return [project.name for project in load_projects()]
