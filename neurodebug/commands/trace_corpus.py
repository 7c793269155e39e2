"""`neurodebug trace-corpus --out DIR --programs N [--workers K]`: build the training corpus.

Generates small programs, traces them for real in sandboxed children, and writes sharded JSONL
records plus manifest.json and READY (see `neurodebug.neural_debugger.groundtruth.corpus` for the format).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from neurodebug.neural_debugger.groundtruth.corpus.build import CorpusSettings, build_corpus


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "trace-corpus",
        help="generate programs, trace them, write a sharded training corpus",
        description=__doc__,
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--programs", type=int, required=True, help="records to keep")
    parser.add_argument("--workers", type=int, default=2, help="sandbox worker processes")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--max-steps", type=int, default=256, help="drop traces longer than this")
    parser.add_argument(
        "--calls-per-program", type=int, default=1, help="traced calls (inputs) per program"
    )
    parser.add_argument("--shard-size", type=int, default=5000, help="records per shard file")
    parser.add_argument(
        "--harvest-calls",
        type=int,
        default=12,
        help="calls per harvested standard-library function (0: synthetic programs only)",
    )
    parser.add_argument(
        "--timeout", type=float, default=2.0, help="wall-clock seconds per traced run"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.programs < 0 or args.workers <= 0 or args.max_steps <= 0 or args.harvest_calls < 0:
        print(
            "neurodebug trace-corpus: bad --programs, --workers, --max-steps or --harvest-calls",
            file=sys.stderr,
        )
        return 2
    if args.programs == 0 and args.harvest_calls == 0:
        print(
            "neurodebug trace-corpus: nothing to do (--programs 0 and --harvest-calls 0)",
            file=sys.stderr,
        )
        return 2
    settings = CorpusSettings(
        programs=args.programs,
        workers=args.workers,
        seed=args.seed,
        max_steps=args.max_steps,
        calls_per_program=args.calls_per_program,
        shard_size=args.shard_size,
        timeout_s=args.timeout,
        harvest_calls=args.harvest_calls,
    )
    manifest = build_corpus(args.out, settings)
    summary = {
        "out": str(args.out),
        "records": manifest["records"],
        "programs": manifest["programs"],
        "splits": {name: split["records"] for name, split in manifest["splits"].items()},
        "records_per_hour": manifest["records_per_hour"],
        "dropped": manifest["dropped"],
    }
    print(json.dumps(summary, indent=2))
    return 0
