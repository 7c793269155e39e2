"""How far more inputs can take the soundness test's static precision (docs/analysis.md).

    PYTHONPATH=. python benchmarks/precision_ceiling.py [PROGRAMS] [INPUTS]  # from the repo root

Runs the soundness test's generated programs (tests/analyzers/program_gen.py) under the same
tracer, on INPUTS random argument triples, or with INPUTS = 0 on every triple of the
generator's domain (−2..7 each: 1,000 runs per program), and prints the precision (static data
edges some run shows / static data edges) and, for the edges no run shows, whether their
definition or use line ever ran. Why: precision here is a lower bound that more inputs raise;
on the whole domain it is the most any dependence analysis without value facts can score.
"""

from __future__ import annotations

import collections
import itertools
import json
import random
import subprocess
import sys

from neurodebug.analyzers.document import analyze_source

from tests.analyzers.program_gen import generate
from tests.analyzers.test_soundness import RUNNER, observe, oracle

DOMAIN = range(-2, 8)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    inputs = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    rng = random.Random(5)
    arguments = (
        [tuple(rng.choice(DOMAIN) for _ in range(3)) for _ in range(inputs)]
        if inputs
        else list(itertools.product(DOMAIN, repeat=3))
    )
    sources = [generate(seed) for seed in range(count)]
    payload = json.dumps([[source, arguments] for source in sources])
    done = subprocess.run(
        [sys.executable, str(RUNNER)], input=payload, capture_output=True, text=True, check=True
    )
    static_total = shown = 0
    unshown: collections.Counter[str] = collections.Counter()
    for source, runs in zip(sources, json.loads(done.stdout), strict=True):
        function = analyze_source(source.encode()).functions_named("f")[0]
        static = {(e.var, e.def_line, e.use_line) for e in function.data_edges}
        lines = oracle(source)
        observed: set[tuple[str, int, int]] = set()
        ran = {event[1] for run in runs for event in run["events"]}
        for run in runs:
            observed |= observe(run, lines, function.def_line).data
        static_total += len(static)
        shown += len(static & observed)
        for _, definition, use in static - observed:
            if definition != function.def_line and definition not in ran:
                unshown["definition line never ran"] += 1
            elif use not in ran:
                unshown["use line never ran"] += 1
            else:
                unshown["both ran"] += 1
    print(
        f"{count} programs x {len(arguments)} inputs: precision {shown / static_total:.1%} "
        f"({shown} of {static_total} static edges shown); not shown: {dict(unshown)}"
    )


if __name__ == "__main__":
    main()
