"""`neurodebug bench analyze`: static-analysis speed over the CPython standard library.

Measures, in one process and one run, tree-sitter parsing alone and parsing plus every fact
(per function: CFG, definitions with data and control sources, def-use edges, loops; per
module: the scope-resolved name index) for each file of this interpreter's stdlib (test
folders skipped). Prints a table and writes JSON. Both wall-clock and process CPU time are
reported: on a machine shared with other jobs, CPU time is the steadier figure. The results say
which build of the analysis core ran (mypyc-compiled or pure Python, and why: setup.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurodebug.analyzers import _native
from neurodebug.analyzers.document import module_facts
from neurodebug.analyzers.parsing import new_parser
from neurodebug.bench.corpora import corpus_files
from neurodebug.bench.peers import add_peers_arguments, run_peers_command
from neurodebug.bench.results import add_output_argument, write_results


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
    paths = corpus_files(base, limit)
    sources = []
    for path in paths:
        try:
            sources.append(path.read_bytes())
        except OSError:
            continue
    return Corpus(base, sources)


@dataclass
class Timing:
    """Wall-clock and CPU seconds of one stage (CPU time is steadier on a shared machine)."""

    wall: float
    cpu: float


def measure_parse(corpus: Corpus) -> Timing:
    """Seconds to parse every file once."""
    parser = new_parser()
    start, start_cpu = time.perf_counter(), time.process_time()
    for source in corpus.sources:
        parser.parse(source)
    return Timing(time.perf_counter() - start, time.process_time() - start_cpu)


def measure_facts(corpus: Corpus) -> tuple[Timing, dict[str, int]]:
    """Seconds to parse every file and compute every fact of every function, plus counts."""
    parser = new_parser()
    counts = {"functions": 0, "blocks": 0, "definitions": 0, "data_edges": 0, "bindings": 0}
    start, start_cpu = time.perf_counter(), time.process_time()
    for source in corpus.sources:
        facts = module_facts(source, parser.parse(source))
        counts["bindings"] += len(facts.names.keys)
        for function in facts.functions:
            function.compute_all()
            counts["functions"] += 1
            counts["blocks"] += len(function.cfg.blocks)
            counts["definitions"] += len(function.definitions)
            counts["data_edges"] += len(function.data_edges)
    return Timing(time.perf_counter() - start, time.process_time() - start_cpu), counts


def run_benchmark(corpus: Corpus) -> dict[str, Any]:
    """Both measurements on the same corpus, in the same process."""
    lines = corpus.lines
    parse = measure_parse(corpus)
    facts, counts = measure_facts(corpus)
    return {
        "benchmark": "analyze",
        "corpus": str(corpus.root),
        "files": len(corpus.sources),
        "lines": lines,
        "parse_seconds": round(parse.wall, 3),
        "parse_lines_per_second": round(lines / parse.wall),
        "parse_cpu_seconds": round(parse.cpu, 3),
        "parse_lines_per_cpu_second": round(lines / parse.cpu),
        "facts_seconds": round(facts.wall, 3),
        "facts_lines_per_second": round(lines / facts.wall),
        "facts_cpu_seconds": round(facts.cpu, 3),
        "facts_lines_per_cpu_second": round(lines / facts.cpu),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "counts": counts,
        "build": _native.describe(),
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "processor_count": os.cpu_count(),
    }


def format_table(results: dict[str, Any]) -> str:
    """The human-readable table printed on stdout."""
    rows = [
        ("tree-sitter parse", "parse"),
        ("parse + all facts", "facts"),
    ]
    header = (
        f"{results['files']} files, {results['lines']} lines ({results['corpus']}), "
        f"load average {results['load_average_1min']}"
    )
    if "build" in results:
        header += f"\nanalysis core: {results['build']}"
    lines = [
        header,
        f"{'stage':<20} {'wall s':>8} {'lines/s':>10} {'cpu s':>8} {'lines/cpu s':>12}",
    ]
    lines.extend(
        f"{name:<20} {results[key + '_seconds']:>8.2f} {results[key + '_lines_per_second']:>10,}"
        f" {results[key + '_cpu_seconds']:>8.2f} {results[key + '_lines_per_cpu_second']:>12,}"
        for name, key in rows
    )
    return "\n".join(lines)


STARTUP_FILE = "def keep(words, stop: list[str]):\n    return [w for w in words if w not in stop]\n"


def measure_startup(runs: int) -> dict[str, Any]:
    """`neurodebug analyze one.py` against a bare `python -c pass`, alternating, median of each.

    The difference is what neurodebug itself costs a CI job or an editor's on-save hook for one
    file (its imports, reading settings, the check, the report); the interpreter's own start-up
    depends on the machine and is the baseline, measured in the same run.
    """
    timings: dict[str, list[float]] = {"python -c pass": [], "neurodebug analyze one.py": []}
    with tempfile.TemporaryDirectory(prefix="nd-bench-startup-") as folder:
        (Path(folder) / "one.py").write_text(STARTUP_FILE)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "neurodebug analyze one.py": [
                sys.executable,
                "-m",
                "neurodebug",
                "analyze",
                "--no-cache",
                "one.py",
            ],
        }
        for _ in range(runs):
            for label, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, cwd=folder, capture_output=True, check=False)
                timings[label].append(time.perf_counter() - start)
    medians = {label: statistics.median(values) for label, values in timings.items()}
    own = medians["neurodebug analyze one.py"] - medians["python -c pass"]
    return {
        "benchmark": "analyze-startup",
        "runs": runs,
        "median_seconds": {label: round(value, 4) for label, value in medians.items()},
        "neurodebug_own_seconds": round(own, 4),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": sys.version.split()[0],
    }


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
    parser.add_argument(
        "--startup",
        type=int,
        metavar="RUNS",
        help="instead: time `neurodebug analyze one.py` against `python -c pass`, RUNS each "
        "(results in analyze_startup.json unless --out)",
    )
    add_output_argument(parser, "analyze")
    add_peers_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.root is not None and not args.root.is_dir():
        print(f"neurodebug bench analyze: no such folder: {args.root}", file=sys.stderr)
        return 2
    if args.peers:
        return run_peers_command(args)
    if args.startup:
        startup = measure_startup(args.startup)
        out = (
            args.out
            if args.out.name != "analyze.json"
            else args.out.with_name("analyze_startup.json")
        )
        for label, value in startup["median_seconds"].items():
            print(f"{label:<28} {value * 1000:8.1f} ms (median of {args.startup})")
        print(f"{'neurodebug itself':<28} {startup['neurodebug_own_seconds'] * 1000:8.1f} ms")
        write_results(out, startup)
        print(f"results written to {out}", file=sys.stderr)
        return 0
    corpus = stdlib_corpus(args.root, args.limit)
    if not corpus.sources:
        print("neurodebug bench analyze: no Python files found", file=sys.stderr)
        return 2
    results = run_benchmark(corpus)
    print(format_table(results))
    write_results(args.out, results)
    print(f"results written to {args.out}", file=sys.stderr)
    return 0
