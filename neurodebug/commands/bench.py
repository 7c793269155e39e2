"""`neurodebug bench NAME`: benchmarks that back the README's and the issues' numbers.

Each benchmark is a module in `BENCH_MODULES` exposing `register(subparsers)`; it runs its
baseline in the same process, prints a table and writes its results as JSON (default
`benchmarks/results/NAME.json`) so every claimed ratio has a file behind it.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

BENCH_MODULES: tuple[str, ...] = (
    "neurodebug.commands.bench_analyze",
    "neurodebug.commands.bench_fixes",
    "neurodebug.commands.bench_fuzz",
    "neurodebug.commands.bench_kernels",
    "neurodebug.commands.bench_load",
    "neurodebug.commands.bench_lsp",
    "neurodebug.commands.bench_predict",
    "neurodebug.commands.bench_speedups",
    "neurodebug.commands.bench_trace",
)

RESULTS_DIR = Path("benchmarks") / "results"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench", help="run a benchmark and write its results", description=__doc__
    )
    bench_subparsers = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for module_name in BENCH_MODULES:
        importlib.import_module(module_name).register(bench_subparsers)


def add_output_argument(parser: argparse.ArgumentParser, name: str) -> None:
    """The common `--out FILE` option; every benchmark writes its JSON there."""
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS_DIR / f"{name}.json",
        help=f"where to write the JSON results (default: {RESULTS_DIR / f'{name}.json'})",
    )


def write_results(path: Path, results: dict[str, Any]) -> None:
    """Write results as indented JSON, creating the folder, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    temporary.replace(path)
