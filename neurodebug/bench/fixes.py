"""`neurodebug bench fixes`: how much faster each rule's fix makes its fixture.

For every rule with a fix, its fixture (tests/analyzers/rules/fixtures/<CODE>.py, the same file the
fix-proof tests use) is fixed with that rule alone, unsafe fixes included. Original and fixed
code then run in one subprocess (user code never runs in this process): `entry(n)` is
called once to warm up, then timed `--repeat` times, best kept. The table lists each rule's
before/after times and the speed-up; results go to benchmarks/results/fixes.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.rules import RULES, Rule, Settings
from neurodebug.bench.results import add_output_argument, write_results

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "analyzers" / "rules" / "fixtures"

TIMER = """
import json, runpy, sys, time
n, repeat = int(sys.argv[1]), int(sys.argv[2])
results = {}
for label, path in (("before", sys.argv[3]), ("after", sys.argv[4])):
    entry = runpy.run_path(path)["entry"]
    entry(n)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        entry(n)
        best = min(best, time.perf_counter() - start)
    results[label] = best
print(json.dumps(results))
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "fixes", help="time every rule's fixture before and after its fix", description=__doc__
    )
    parser.add_argument("--n", type=int, default=2000, help="the size passed to entry(n)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per version (best)")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="fixture folder")
    parser.add_argument("codes", nargs="*", metavar="CODE", help="only these rules")
    add_output_argument(parser, "fixes")
    parser.set_defaults(handler=run)


def _strip_markers(source: str) -> str:
    return source.replace("  # expect\n", "\n")


def measure(rule: Rule, fixture: Path, n: int, repeat: int, scratch: Path) -> dict[str, Any]:
    """Before/after seconds of `entry(n)` for one rule's fixture."""
    source = _strip_markers(fixture.read_text(encoding="utf-8"))
    settings = Settings(select=(rule.code,), target_version=(3, 10))
    fixed = fix_source(source.encode(), fixture, settings, unsafe=True)
    before = scratch / f"{rule.code}_before.py"
    after = scratch / f"{rule.code}_after.py"
    before.write_text(source, encoding="utf-8")
    after.write_bytes(fixed.source)
    completed = subprocess.run(
        [sys.executable, "-c", TIMER, str(n), str(repeat), str(before), str(after)],
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if completed.returncode != 0:
        return {"code": rule.code, "error": completed.stderr.strip().splitlines()[-1:]}
    times = json.loads(completed.stdout)
    return {
        "code": rule.code,
        "name": rule.name,
        "fix": rule.fix,
        "fixes_applied": fixed.applied,
        "before_seconds": times["before"],
        "after_seconds": times["after"],
        "speedup": round(times["before"] / times["after"], 2) if times["after"] else None,
    }


def format_table(rows: list[dict[str, Any]], n: int) -> str:
    """Rule by rule, before and after in milliseconds."""
    lines = [
        f"entry({n}), best of runs",
        f"{'rule':<42} {'before ms':>10} {'after ms':>10} {'x':>7}",
    ]
    for row in rows:
        if "error" in row:
            lines.append(f"{row['code']:<42} error: {' '.join(row['error'])}")
            continue
        label = f"{row['code']} {row['name']} ({row['fix']})"
        lines.append(
            f"{label:<42} {row['before_seconds'] * 1000:>10.3f} "
            f"{row['after_seconds'] * 1000:>10.3f} {row['speedup']:>7.2f}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    wanted = {code.upper() for code in args.codes}
    rules = [r for r in RULES if r.fix is not None and (not wanted or r.code in wanted)]
    if not rules:
        print("neurodebug bench fixes: no rule with a fix selected", file=sys.stderr)
        return 2
    missing = [r.code for r in rules if not (args.fixtures / f"{r.code}.py").is_file()]
    if missing:
        print(f"neurodebug bench fixes: no fixture for {', '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nd-bench-fixes-") as scratch:
        rows = [
            measure(rule, args.fixtures / f"{rule.code}.py", args.n, args.repeat, Path(scratch))
            for rule in rules
        ]
    print(format_table(rows, args.n))
    write_results(
        args.out, {"benchmark": "fixes", "n": args.n, "repeat": args.repeat, "rules": rows}
    )
    print(f"results written to {args.out}", file=sys.stderr)
    return 0 if all("error" not in row for row in rows) else 1
