"""Side-by-side speed of this tree's analyzers and an older commit's, on the stdlib.

    python benchmarks/ab_analyze.py 06eeda1

Why two processes: both versions are the package `neurodebug`, so each runs in its own worker
(the old one from an extracted copy on PYTHONPATH). The workers take turns over chunks of 25
files, in alternating order, so drift in the machine's speed (other jobs, heat) falls on both
alike; each reports the CPU time of `module_facts`, the name index and `compute_all` per chunk.
Prints both rates and the ratio of the times (today / old). docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

CHUNK = 25


def worker() -> None:
    """Answer "first last" lines with the CPU seconds and lines of that chunk of files."""
    import sysconfig

    from neurodebug.analyzers.document import module_facts
    from neurodebug.analyzers.parsing import new_parser

    try:
        from neurodebug.bench.corpora import corpus_files
    except ImportError:  # an older layout
        from neurodebug.commands.bench_analyze import stdlib_corpus

        sources = stdlib_corpus().sources
    else:
        paths = corpus_files(Path(sysconfig.get_paths()["stdlib"]), None)
        sources = [path.read_bytes() for path in paths]
    parser = new_parser()
    print(json.dumps({"files": len(sources)}), flush=True)
    for request in sys.stdin:
        first, last = map(int, request.split())
        started, lines, definitions = time.process_time(), 0, 0
        for source in sources[first:last]:
            facts = module_facts(source, parser.parse(source))
            definitions += len(facts.names.keys)
            for function in facts.functions:
                function.compute_all()
                definitions += len(function.definitions)
            lines += source.count(b"\n")
        spent = time.process_time() - started
        print(json.dumps({"cpu": spent, "lines": lines, "definitions": definitions}), flush=True)


def extract(revision: str, into: Path) -> Path:
    """The package of `revision` laid out as an importable `neurodebug` under `into`."""
    archive = into / "tree.tar"
    subprocess.run(["git", "archive", "-o", str(archive), revision], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    package = into / "site" / "neurodebug"
    package.parent.mkdir()
    (into / "tree" / "neurodebug").rename(package)
    for part in ("analyzers", "server", "neural_debugger", "kernels"):
        if (into / "tree" / part).is_dir():
            (into / "tree" / part).rename(package / part)
    return package.parent


def main() -> None:
    revision = sys.argv[1]
    with tempfile.TemporaryDirectory() as scratch:
        site = extract(revision, Path(scratch))
        command = [sys.executable, __file__, "--worker"]
        workers = {
            revision: subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=scratch,
                env=dict(os.environ, PYTHONPATH=str(site)),
            ),
            "today": subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=scratch
            ),
        }
        sizes = {name: json.loads(w.stdout.readline())["files"] for name, w in workers.items()}
        files = min(sizes.values())
        totals = {name: [0.0, 0, 0] for name in workers}
        for number, first in enumerate(range(0, files, CHUNK)):
            order = list(workers) if number % 2 == 0 else list(reversed(workers))
            for name in order:
                process = workers[name]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(f"{first} {first + CHUNK}\n")
                process.stdin.flush()
                answer = json.loads(process.stdout.readline())
                totals[name][0] += answer["cpu"]
                totals[name][1] += answer["lines"]
                totals[name][2] += answer["definitions"]
        for process in workers.values():
            process.terminate()
    for name, (cpu, lines, definitions) in totals.items():
        print(
            f"{name:>10}: {cpu:6.2f} CPU s, {lines / cpu:9,.0f} lines/CPU s ({definitions:,} facts)"
        )
    print(f"time ratio today / {revision}: {totals['today'][0] / totals[revision][0]:.2f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        main()
