"""Child side of `neurodebug bench speedups`: import one program, time its `entry()`.

Run as `python -m neurodebug.bench.entry_runner FILE OUT REPEAT` in a contained subprocess (see
`neurodebug.bench.speedups`), never in the caller. Executes FILE as a fresh module
(not timed) and calls its `entry()`, REPEAT times, and writes JSON to OUT: the `repr` of the
result (what the fixed program must reproduce), or the exception, and the best wall-clock and
CPU seconds of one call. CPU time is the figure to compare on a machine shared with other jobs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import traceback
from typing import Any


def _fresh_entry(path: str) -> Any:
    """`entry` of a freshly executed copy of the module (no state from earlier runs)."""
    spec = importlib.util.spec_from_file_location("program_under_test", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.entry


def run(path: str, repeat: int) -> dict[str, Any]:
    """Call `entry()` of `path` `repeat` times, each time from a freshly executed module, so
    caches the program builds (`functools.cache`, module-level dicts) start empty every time.
    Returns the first result's repr and the best timings, or the error."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    best_wall = best_cpu = float("inf")
    result_repr: str | None = None
    for _ in range(max(1, repeat)):
        try:
            entry = _fresh_entry(path)
        except BaseException as error:  # the program is what is being tested: report it
            return {"error": f"import failed: {error!r}", "traceback": traceback.format_exc()}
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            result = entry()
        except BaseException as error:
            return {"error": f"entry() raised {error!r}", "traceback": traceback.format_exc()}
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        text = repr(result)
        if result_repr is None:
            result_repr = text
        elif text != result_repr:
            return {"error": "entry() returned different results on different runs"}
    return {"result": result_repr, "wall_s": best_wall, "cpu_s": best_cpu}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m neurodebug.bench.entry_runner FILE OUT REPEAT", file=sys.stderr)
        return 2
    path, out, repeat = argv[0], argv[1], int(argv[2])
    data = run(path, repeat)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
