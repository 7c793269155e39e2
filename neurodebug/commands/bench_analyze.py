"""`neurodebug bench analyze`: static-analysis speed over the CPython standard library.

Measures, in one process and one run, tree-sitter parsing alone and parsing plus every
per-function fact (CFG, definitions with data and control sources, def-use edges, loops) for
each file of this interpreter's stdlib (test folders skipped). Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurodebug.analyzers.document import module_facts
from neurodebug.analyzers.parsing import new_parser
from neurodebug.commands.bench import add_output_argument, write_results

SKIPPED_FOLDERS = frozenset(
    {"test", "tests", "idle_test", "__pycache__", "site-packages", "dist-packages"}
)


@dataclass
class Corpus:
    """The files a benchmark reads, loaded into memory before timing starts."""

    root: Path
    sources: list[bytes]

    @property
    def lines(self) -> int:
        return sum(source.count(b"\n") for source in self.sources)


def stdlib_corpus(root: Path | None = None, limit: int | None = None) -> Corpus:
    """Every `.py` file under the stdlib (or `root`), test folders skipped, sorted."""
    base = root or Path(sysconfig.get_paths()["stdlib"])
    paths: list[Path] = []
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
        paths.extend(Path(folder) / name for name in sorted(files) if name.endswith(".py"))
    if limit is not None:
        paths = paths[:limit]
    sources = []
    for path in paths:
        try:
            sources.append(path.read_bytes())
        except OSError:
            continue
    return Corpus(base, sources)


def measure_parse(corpus: Corpus) -> float:
    """Seconds to parse every file once."""
    parser = new_parser()
    start = time.perf_counter()
    for source in corpus.sources:
        parser.parse(source)
    return time.perf_counter() - start


def measure_facts(corpus: Corpus) -> tuple[float, dict[str, int]]:
    """Seconds to parse every file and compute every fact of every function, plus counts."""
    parser = new_parser()
    counts = {"functions": 0, "blocks": 0, "definitions": 0, "data_edges": 0}
    start = time.perf_counter()
    for source in corpus.sources:
        facts = module_facts(source, parser.parse(source))
        for function in facts.functions:
            function.compute_all()
            counts["functions"] += 1
            counts["blocks"] += len(function.cfg.blocks)
            counts["definitions"] += len(function.definitions)
            counts["data_edges"] += len(function.data_edges)
    return time.perf_counter() - start, counts


def run_benchmark(corpus: Corpus) -> dict[str, Any]:
    """Both measurements on the same corpus, in the same process."""
    lines = corpus.lines
    parse_seconds = measure_parse(corpus)
    facts_seconds, counts = measure_facts(corpus)
    return {
        "benchmark": "analyze",
        "corpus": str(corpus.root),
        "files": len(corpus.sources),
        "lines": lines,
        "parse_seconds": round(parse_seconds, 3),
        "parse_lines_per_second": round(lines / parse_seconds),
        "facts_seconds": round(facts_seconds, 3),
        "facts_lines_per_second": round(lines / facts_seconds),
        "counts": counts,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "processor_count": os.cpu_count(),
    }


def format_table(results: dict[str, Any]) -> str:
    """The human-readable table printed on stdout."""
    rows = [
        ("tree-sitter parse", results["parse_seconds"], results["parse_lines_per_second"]),
        ("parse + all facts", results["facts_seconds"], results["facts_lines_per_second"]),
    ]
    header = f"{results['files']} files, {results['lines']} lines ({results['corpus']})"
    lines = [header, f"{'stage':<20} {'seconds':>9} {'lines/s':>10}"]
    lines.extend(f"{name:<20} {seconds:>9.2f} {rate:>10,}" for name, seconds, rate in rows)
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="static analysis speed over the CPython standard library",
        description=__doc__,
    )
    parser.add_argument(
        "--root", type=Path, default=None, help="folder to analyse instead of the stdlib"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N files (quick runs)"
    )
    add_output_argument(parser, "analyze")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.root is not None and not args.root.is_dir():
        print(f"neurodebug bench analyze: no such folder: {args.root}", file=sys.stderr)
        return 2
    corpus = stdlib_corpus(args.root, args.limit)
    if not corpus.sources:
        print("neurodebug bench analyze: no Python files found", file=sys.stderr)
        return 2
    results = run_benchmark(corpus)
    print(format_table(results))
    write_results(args.out, results)
    print(f"results written to {args.out}", file=sys.stderr)
    return 0
