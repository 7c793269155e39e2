"""Launch → `initialize` answered: this tree's server against an older commit's, taking turns.

    python benchmarks/startup_ab.py 9b528c1 [LAUNCHES]

Each launch is a fresh `python -m neurodebug serve` on stdio, timed from process start to the
`initialize` reply, as `neurodebug bench lsp` does; the old commit runs from an extracted copy
on PYTHONPATH (the server starts in a workspace folder, so `-m` finds no other copy). The two alternate launch by launch (so drift in the machine's speed falls on both
alike). This tree's start-up code cache lives in a temporary file: its first launch fills it
and is reported apart; the others find it, as every launch after the first on a user's machine
does. Prints both medians and the ratio; writes benchmarks/results/startup_ab.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ab_analyze import extract

from neurodebug.bench.lsp import time_launch as launch

RESULTS = Path(__file__).parent / "results" / "startup_ab.json"


async def compare(revision: str, launches: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="neurodebug-startup-ab-") as temporary:
        root = Path(temporary)
        old_site = extract(revision, root)
        folder = root / "workspace"
        folder.mkdir()
        cache = str(root / "generated-code.marshal")
        today = {"NEURODEBUG_STARTUP_CACHE": cache}
        old = {"PYTHONPATH": str(old_site)}
        first = await launch(folder, today)
        await launch(folder, old)  # writes the old copy's __pycache__, as an install would
        times: dict[str, list[float]] = {"today": [], revision: []}
        for number in range(launches):
            order = [("today", today), (revision, old)]
            for name, env in order if number % 2 == 0 else reversed(order):
                times[name].append(await launch(folder, env))
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "revision": revision,
        "launches": launches,
        "first_launch_ms_today": round(first * 1000, 1),
        "p50_ms": {name: round(value, 1) for name, value in medians.items()},
        "max_ms": {name: round(max(values) * 1000, 1) for name, values in times.items()},
        "ratio_today_over_old": round(medians["today"] / medians[revision], 3),
    }


def main() -> None:
    # Both servers may write and read __pycache__, as installed ones do (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would make the extracted old copy compile every launch).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    revision = sys.argv[1]
    launches = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    result = asyncio.run(compare(revision, launches))
    p50 = result["p50_ms"]
    assert isinstance(p50, dict)
    print(
        f"launch → initialize p50: today {p50['today']} ms, {revision} {p50[revision]} ms, "
        f"ratio {result['ratio_today_over_old']}; first launch today (empty cache) "
        f"{result['first_launch_ms_today']} ms"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
