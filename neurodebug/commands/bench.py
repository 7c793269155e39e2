"""`neurodebug bench NAME`: benchmarks behind docs/benchmarks.md and the issues.

Each benchmark is a module in `BENCH_MODULES` exposing `register(subparsers)`; it runs its
baseline in the same process, prints a table and writes its results as JSON (default
`benchmarks/results/NAME.json`) so every claimed ratio has a file behind it.
"""

from __future__ import annotations

import argparse
import importlib

BENCH_MODULES: tuple[str, ...] = (
    "neurodebug.bench.analyze",
    "neurodebug.bench.fixes",
    "neurodebug.bench.fuzz",
    "neurodebug.bench.harness",
    "neurodebug.bench.kernels",
    "neurodebug.bench.load",
    "neurodebug.bench.lsp",
    "neurodebug.bench.predict",
    "neurodebug.bench.speedups",
    "neurodebug.bench.tokenizer",
    "neurodebug.bench.trace",
    "neurodebug.bench.worth",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench", help="run a benchmark and write its results", description=__doc__
    )
    bench_subparsers = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for module_name in BENCH_MODULES:
        importlib.import_module(module_name).register(bench_subparsers)
