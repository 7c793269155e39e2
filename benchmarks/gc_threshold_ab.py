"""The analysis over the stdlib at CPython's default collection threshold and at the CLI's.

    python benchmarks/gc_threshold_ab.py [YOUNG]   # default: neurodebug.cli's threshold

One process, chunks of 25 files, the two settings taking turns in alternating order (so drift
in the machine's speed falls on both alike); a full collection before each chunk is not timed.
Prints each setting's CPU seconds and the ratio. docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import gc
import sys
import sysconfig
import time
from pathlib import Path

from neurodebug.analyzers.document import module_facts
from neurodebug.analyzers.parsing import new_parser

from neurodebug.bench.corpora import corpus_files
from neurodebug.cli import YOUNG_COLLECTION_THRESHOLD

CHUNK = 25


def main() -> None:
    young = int(sys.argv[1]) if len(sys.argv) > 1 else YOUNG_COLLECTION_THRESHOLD
    _, older, oldest = gc.get_threshold()
    settings = {"700 (default)": (700, older, oldest), str(young): (young, older, oldest)}
    paths = corpus_files(Path(sysconfig.get_paths()["stdlib"]), None)
    sources = [path.read_bytes() for path in paths]
    parser = new_parser()
    spent = dict.fromkeys(settings, 0.0)
    for number, first in enumerate(range(0, len(sources), CHUNK)):
        names = list(settings) if number % 2 == 0 else list(reversed(settings))
        for name in names:
            gc.set_threshold(*settings[name])
            gc.collect()
            started = time.process_time()
            for source in sources[first : first + CHUNK]:
                facts = module_facts(source, parser.parse(source))
                for function in facts.functions:
                    function.compute_all()
                del facts
            spent[name] += time.process_time() - started
    for name, seconds in spent.items():
        print(f"threshold {name:>14}: {seconds:6.2f} CPU s")
    default, raised = spent.values()
    print(f"time ratio {young} / 700: {raised / default:.2f}")


if __name__ == "__main__":
    main()
