"""`neurodebug bench worth`: is each rule worth having on by default?

A rule earns its place in the default set when the change it asks for makes its own pattern at
least `WORTH_IT` (1.2×) faster at realistic sizes; the rest are opt-in (docs/rules.md). Its
fixtures (`bench fixes`) mix positive and negative cases at one small size, so they cannot say
that: this benchmark times one natural instance of each rule's pattern, written in
benchmarks/patterns/<CODE>.py, at 10^3 to 10^6 elements.

A pattern file defines `setup(n)`, which returns the arguments, and `entry(*args)`, the code the
rule flags. For a rule with a fix, the "after" version is the rule's own fix (unsafe fixes
included) applied to the file, so the measurement is of the rewrite users would get; the rule
must fire on `entry`. A rule without a fix has a hand-written `advised(*args)` doing what its
message advises. Both versions must return equal results on a small size before any timing.

Timing runs in a subprocess (pattern code never runs in this process): for each size, each
version is called on fresh arguments, often enough to fill `MIN_BATCH_S`, best of `--repeat`
batches. A size whose slower version takes over `--max-call-s` per call is the last one measured,
so quadratic patterns stop early. Results go to benchmarks/results/worth.json; the verdict is
the median speed-up over the measured sizes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.rules import RULES, Rule, Settings, check_source
from neurodebug.bench.results import add_output_argument, write_results

PATTERNS = Path(__file__).resolve().parents[2] / "benchmarks" / "patterns"
WORTH_IT = 1.2
"""The median speed-up a rule's change must reach to be on by default (issue 18's floor)."""
SIZES = (1_000, 10_000, 100_000, 1_000_000)
MIN_BATCH_S = 0.05

TIMER = """
import gc, json, math, runpy, sys, time
sizes = json.loads(sys.argv[1])
repeat, max_call_s, min_batch_s = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
before = runpy.run_path(sys.argv[5])
versions = {"before": (before["setup"], before["entry"])}
if sys.argv[6] == "-":
    versions["after"] = (before["setup"], before["advised"])
else:
    after = runpy.run_path(sys.argv[6])
    versions["after"] = (after["setup"], after["entry"])

# Same results first: a faster rewrite that computes something else proves nothing.
for small in (0, 1, 7, 50):
    results = {label: entry(*setup(small)) for label, (setup, entry) in versions.items()}
    if results["before"] != results["after"]:
        print(json.dumps({"error": f"results differ at n={small}"}))
        sys.exit(0)

def per_call(setup, entry, n, calls):
    batch = [setup(n) for _ in range(calls)]
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for args in batch:
            entry(*args)
        return (time.perf_counter() - start) / calls
    finally:
        gc.enable()

rows = []
for n in sizes:
    row = {"n": n}
    for label, (setup, entry) in versions.items():
        first = per_call(setup, entry, n, 1)
        if first > max_call_s:  # slow enough to time once: repeats would only cost minutes
            row[label + "_seconds"] = first
            continue
        # each call gets fresh arguments, built before the clock starts: at most ~10^6
        # elements of them alive at once
        calls = max(1, min(1000, 1_000_000 // max(n, 1), int(min_batch_s / max(first, 1e-9))))
        row[label + "_seconds"] = min(
            [first] + [per_call(setup, entry, n, calls) for _ in range(repeat)]
        )
    rows.append(row)
    slowest = max(row["before_seconds"], row["after_seconds"])
    if slowest > max_call_s:
        break
    if len(rows) >= 2 and n != sizes[-1]:
        # the next size's cost, from the growth seen between the last two (n² patterns)
        earlier = rows[-2]
        grown = slowest / max(earlier["before_seconds"], earlier["after_seconds"], 1e-9)
        following = sizes[sizes.index(n) + 1]
        exponent = math.log(max(grown, 1.0)) / math.log(n / earlier["n"])
        if slowest * (following / n) ** exponent > 30 * max_call_s:
            break
print(json.dumps({"sizes": rows}))
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "worth",
        help="time each rule's pattern before and after its change at 10^3..10^6 elements",
        description=__doc__,
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed batches per version (best)")
    parser.add_argument(
        "--sizes",
        type=lambda text: tuple(int(part) for part in text.split(",")),
        default=SIZES,
        help="comma-separated sizes (default 1000,10000,100000,1000000)",
    )
    parser.add_argument(
        "--max-call-s",
        type=float,
        default=1.0,
        help="stop growing n once one call takes longer than this (default 1 s)",
    )
    parser.add_argument("--patterns", type=Path, default=PATTERNS, help="pattern folder")
    parser.add_argument("codes", nargs="*", metavar="CODE", help="only these rules")
    add_output_argument(parser, "worth")
    parser.set_defaults(handler=run)


def verdict(speedups: list[float]) -> str:
    """'default' when the median speed-up reaches WORTH_IT, else 'opt-in'."""
    return "default" if speedups and statistics.median(speedups) >= WORTH_IT else "opt-in"


def pattern_settings(rule: Rule) -> Settings:
    """Only `rule`, for a Python version it applies to (ND103 only below 3.11)."""
    target = (3, 11)
    if rule.max_version is not None and target >= rule.max_version:
        target = (rule.max_version[0], rule.max_version[1] - 1)
    return Settings(select=(rule.code,), target_version=target)


def fires_on(rule: Rule, pattern: Path) -> bool:
    """Whether `rule` reports something in its pattern file (else the timing proves nothing)."""
    findings = check_source(pattern.read_bytes(), pattern, pattern_settings(rule))
    return any(finding.code == rule.code for finding in findings)


def after_version(rule: Rule, pattern: Path, scratch: Path) -> tuple[str, int]:
    """The file the "after" timing runs ('-' for the pattern's own `advised`) and how many
    fixes the rule applied."""
    if rule.fix is None:
        return "-", 0
    fixed = fix_source(pattern.read_bytes(), pattern, pattern_settings(rule), unsafe=True)
    after = scratch / f"{rule.code}_fixed.py"
    after.write_bytes(fixed.source)
    return str(after), fixed.applied


def measure(rule: Rule, pattern: Path, args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    """One rule's row: sizes with before/after seconds per call, speed-ups, verdict."""
    row: dict[str, Any] = {"code": rule.code, "name": rule.name, "fix": rule.fix}
    if not fires_on(rule, pattern):
        return {**row, "error": "the rule does not fire on its pattern"}
    after, applied = after_version(rule, pattern, scratch)
    if rule.fix is not None and applied == 0:
        return {**row, "error": "the rule's fix changed nothing in its pattern"}
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            TIMER,
            json.dumps(list(args.sizes)),
            str(args.repeat),
            str(args.max_call_s),
            str(MIN_BATCH_S),
            str(pattern),
            after,
        ],
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=1800,
        stdin=subprocess.DEVNULL,
    )
    if completed.returncode != 0:
        return {**row, "error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    measured = json.loads(completed.stdout)
    if "error" in measured:
        return {**row, "error": measured["error"]}
    for size in measured["sizes"]:
        size["speedup"] = round(size["before_seconds"] / size["after_seconds"], 2)
    speedups = [size["speedup"] for size in measured["sizes"]]
    return {
        **row,
        "sizes": measured["sizes"],
        "median_speedup": round(statistics.median(speedups), 2),
        "verdict": verdict(speedups),
        "on_by_default": rule.default,
    }


def format_table(rows: list[dict[str, Any]]) -> str:
    """Rule by rule: the speed-up at each size, the median and the verdict."""
    lines = [f"{'rule':<40} {'speed-up by n (10^3 … 10^6)':<32} {'median':>6}  verdict"]
    for row in rows:
        label = f"{row['code']} {row['name']}"[:40]
        if "error" in row:
            lines.append(f"{label:<40} error: {row['error']}")
            continue
        by_size = " ".join(f"{size['speedup']:>6.2f}" for size in row["sizes"])
        lines.append(f"{label:<40} {by_size:<32} {row['median_speedup']:>6.2f}  {row['verdict']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    wanted = {code.upper() for code in args.codes}
    rules = [r for r in RULES if not wanted or r.code in wanted]
    missing = [r.code for r in rules if not (args.patterns / f"{r.code}.py").is_file()]
    rules = [r for r in rules if r.code not in missing]
    if not rules:
        print("neurodebug bench worth: no rule with a pattern selected", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="nd-bench-worth-") as scratch:
        for rule in rules:
            rows.append(measure(rule, args.patterns / f"{rule.code}.py", args, Path(scratch)))
            print(format_table(rows[-1:]).splitlines()[-1], flush=True)
    print(format_table(rows))
    results = {
        "benchmark": "worth",
        "python": sys.version.split()[0],
        "sizes": list(args.sizes),
        "repeat": args.repeat,
        "worth_it": WORTH_IT,
        "rules": rows,
        "without_pattern": missing,
    }
    write_results(args.out, results)
    print(f"results written to {args.out}", file=sys.stderr)
    return 0 if all("error" not in row for row in rows) else 1
