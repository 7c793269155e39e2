"""`neurodebug bench trace`: ground-truth speed — corpus throughput and debugpy session time.

Measures, on this machine, in one run:
- corpus throughput: `trace-corpus` building N programs with K sandbox workers (generation,
  dedup, forked traced runs, filtering, writing), reported as kept records per hour, wall-clock
  and as CPU time of this process plus its workers and their children;
- a 51-stop debugpy session (`step_into` through a loop), with the TCP_NODELAY startup hook
  and, as the baseline, without it; the median of a few runs each.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neurodebug.bench.results import add_output_argument, write_results
from neurodebug.neural_debugger.groundtruth.corpus.build import CorpusSettings, build_corpus
from neurodebug.neural_debugger.groundtruth.debugpy_runner import debug_entry

SESSION_PROGRAM = (
    "def f(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "trace", help="corpus throughput and debugpy session speed", description=__doc__
    )
    parser.add_argument("--programs", type=int, default=3000, help="corpus records to build")
    parser.add_argument("--workers", type=int, default=2, help="sandbox workers")
    parser.add_argument("--runs", type=int, default=3, help="debugpy sessions per variant")
    parser.add_argument(
        "--skip-baseline", action="store_true", help="skip the slow no-hook sessions"
    )
    add_output_argument(parser, "trace")
    parser.set_defaults(handler=run)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def corpus_throughput(programs: int, workers: int) -> dict[str, Any]:
    """Build a corpus into a temporary folder and time it."""
    with tempfile.TemporaryDirectory(prefix="neurodebug-bench-") as folder:
        cpu_before, started = _cpu_seconds(), time.perf_counter()
        manifest = build_corpus(
            Path(folder), CorpusSettings(programs=programs, workers=workers, seed=12345)
        )
        wall = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    kept = manifest["records"]
    dropped = sum(manifest["dropped"].values())
    return {
        "programs_kept": kept,
        "programs_traced": kept + dropped - manifest["dropped"].get("duplicate", 0),
        "dropped": manifest["dropped"],
        "workers": workers,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "kept_per_hour_wall": round(kept / wall * 3600),
        "mean_steps": manifest["distributions"]["mean_steps"],
    }


def session_times(runs: int, nodelay: bool) -> dict[str, Any]:
    """A 51-stop step-into session (4 DAP requests per stop): median total wall time, and its
    split into start-up (launch to the first stop) and the cost per stop after that."""
    with tempfile.TemporaryDirectory(prefix="neurodebug-bench-") as folder:
        program = Path(folder) / "count.py"
        program.write_text(SESSION_PROGRAM)
        totals, startups, per_stop, stops = [], [], [], 0
        for _ in range(runs):
            timings: dict[str, float] = {}
            started = time.perf_counter()
            trace = debug_entry(
                program, "f", "f(24)", nodelay=nodelay, timeout=120, timings=timings
            )
            totals.append(time.perf_counter() - started)
            if trace.status != "ok":
                raise RuntimeError(f"debugpy session failed: {trace.status} {trace.exception}")
            stops = len(trace.steps)
            startups.append(timings["startup_s"])
            per_stop.append(timings["stops_s"] / max(1, stops - 1))
    return {
        "stops": stops,
        "runs_s": [round(t, 3) for t in totals],
        "median_s": round(statistics.median(totals), 3),
        "startup_s": round(statistics.median(startups), 3),
        "per_stop_ms": round(statistics.median(per_stop) * 1000, 1),
    }


def run(args: argparse.Namespace) -> int:
    print(f"corpus: {args.programs} programs, {args.workers} workers ...", file=sys.stderr)
    corpus = corpus_throughput(args.programs, args.workers)
    print("debugpy sessions with the TCP_NODELAY hook ...", file=sys.stderr)
    fast = session_times(args.runs, nodelay=True)
    slow = None if args.skip_baseline else session_times(1, nodelay=False)
    results: dict[str, Any] = {
        "benchmark": "trace",
        "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
                    "python": sys.version.split()[0]},
        "corpus": corpus,
        "debugpy_session": {"with_nodelay_hook": fast, "without_hook_baseline": slow},
    }  # fmt: skip
    write_results(args.out, results)
    print(f"{'measure':<44} {'value':>12}")
    print(f"{'corpus records kept per hour (wall)':<44} {corpus['kept_per_hour_wall']:>12,}")
    print(f"{'corpus wall seconds / CPU seconds':<44} {corpus['wall_s']:>6} / {corpus['cpu_s']:<6}")
    print(f"{'debugpy 51-stop session, hook (median s)':<44} {fast['median_s']:>12}")
    print(f"{'  start-up (s) / per stop (ms)':<44} {fast['startup_s']:>6} / {fast['per_stop_ms']}")
    if slow is not None:
        print(f"{'debugpy 51-stop session, no hook (s)':<44} {slow['median_s']:>12}")
        print(
            f"{'  start-up (s) / per stop (ms)':<44} {slow['startup_s']:>6} / {slow['per_stop_ms']}"
        )
    print(f"results written to {args.out}")
    return 0
