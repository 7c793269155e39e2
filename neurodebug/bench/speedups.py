"""`neurodebug bench speedups`: do our fixes make real programs faster, and break none?

For every pair `NN_name_slow.py` / `NN_name_fast.py` under `benchmarks/speedups/` (a slow
program with problems the rules detect, and a hand-written fast version; both define
`entry()`):

1. copy every slow program into two fresh temporary folders and run the real CLI on them:
   `neurodebug analyze --fix` on one, `neurodebug analyze --fix --unsafe-fixes` on the other;
2. run slow, safe-fixed, unsafe-fixed and fast in contained subprocesses
   (`neurodebug.bench.entry_runner`: own process group, temp folder, stdin closed, memory limit,
   timeout) and check that each fixed program's `entry()` returns what the slow one returns
   (equal `repr`); a fix that changes the result or makes it raise counts as broken;
3. time each `entry()` (best of `--repeat` calls, each on a freshly executed module; process
   CPU time, steadier than wall time on a shared machine) and report the speedup of the
   fixes, the hand-written speedup and the share of it the fixes recover.

Summary: programs made faster (fixed ≥ 5% faster than slow), median speedup, and programs
broken by a fix (must be 0). Exit status 1 when a fix broke a program or a pair disagrees.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from neurodebug.analyzers.rules import Settings, check_source
from neurodebug.analyzers.rules.selectors import parse_selectors
from neurodebug.bench.results import add_output_argument, write_results
from neurodebug.cost.profiling import apply_limits

PAIRS_DIR = Path("benchmarks") / "speedups"
FASTER_THRESHOLD = 1.05
"""A fixed program counts as made faster from this speedup on (below is timing noise)."""
VARIANTS = ("slow", "safe", "unsafe", "fast")


@dataclass
class Pair:
    """One slow/fast program pair."""

    name: str
    slow: Path
    fast: Path


@dataclass
class Outcome:
    """What one variant's run gave: the result repr, or why there is none, and its timing."""

    result: str | None = None
    error: str | None = None
    cpu_s: float | None = None
    wall_s: float | None = None


@dataclass
class ProgramReport:
    """One pair's measurements."""

    name: str
    task: str
    findings: list[str] = field(default_factory=list)
    fixed_safe: int = 0
    """Findings gone after `--fix`."""
    fixed_unsafe: int = 0
    """Findings gone after `--fix --unsafe-fixes` (safe ones included)."""
    changed_safe: bool = False
    changed_unsafe: bool = False
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    broken_safe: bool = False
    broken_unsafe: bool = False
    pair_mismatch: bool = False
    speedup_safe: float | None = None
    speedup_unsafe: float | None = None
    speedup_hand: float | None = None
    speedup_fixed: float | None = None
    """The best stage that kept the result: unsafe if it did, else safe."""
    recovered_time: float | None = None
    """(slow − fixed) / (slow − fast): the share of the hand-written time saving the fixes get."""
    recovered_log: float | None = None
    """log(speedup_fixed) / log(speedup_hand): the same on a multiplicative scale."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "speedups",
        help="fix the slow programs of benchmarks/speedups and time them against hand-fixed ones",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--folder", type=Path, default=PAIRS_DIR, help=f"pairs (default {PAIRS_DIR})"
    )
    parser.add_argument(
        "--only", help="comma-separated name fragments: only pairs whose name contains one"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed entry() calls (best of)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per program run")
    parser.add_argument(
        "--select",
        type=parse_selectors,
        default=(),
        help="comma-separated rule selectors instead of the default set (`ND`: every rule)",
    )
    add_output_argument(parser, "speedups")
    parser.set_defaults(handler=run)


def find_pairs(folder: Path, only: str | None = None) -> list[Pair]:
    """Every `X_slow.py` with its `X_fast.py`, sorted by name."""
    fragments = [part.strip() for part in (only or "").split(",") if part.strip()]
    pairs = []
    for slow in sorted(folder.glob("*_slow.py")):
        name = slow.name[: -len("_slow.py")]
        fast = slow.with_name(f"{name}_fast.py")
        if fast.is_file() and (not fragments or any(f in name for f in fragments)):
            pairs.append(Pair(name, slow, fast))
    return pairs


def _contained(argv: list[str], cwd: Path, timeout: float) -> tuple[int, str, str]:
    """Run argv in its own process group with limits; kill the group at the timeout."""
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: apply_limits(timeout, 4096, cpu_limit=False),
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return -9, "", f"timed out after {timeout:g} s"
    finally:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode, stdout, stderr


def finding_codes(path: Path, select: tuple[str, ...] = ()) -> list[str]:
    """The codes the rules (the default set, or those `select` names) report on a file (static
    analysis only: nothing runs)."""
    try:
        settings = Settings(select=select)
        return sorted(f.code for f in check_source(path.read_bytes(), path, settings))
    except (OSError, RecursionError):
        return []


def fix_folder(folder: Path, unsafe: bool, timeout: float, select: tuple[str, ...] = ()) -> str:
    """Run the real `neurodebug analyze --fix [--unsafe-fixes] [--select …]` CLI over every copy
    in `folder`."""
    argv = [sys.executable, "-m", "neurodebug", "analyze", "--fix", "--no-cache", "--exit-zero"]
    if unsafe:
        argv.append("--unsafe-fixes")
    if select:
        argv += ["--select", ",".join(select)]
    code, _, stderr = _contained([*argv, "."], folder, timeout)
    if code not in (0, 1):
        raise RuntimeError(f"neurodebug analyze --fix failed ({code}): {stderr.strip()[-500:]}")
    return stderr


def time_program(program: Path, repeat: int, timeout: float) -> Outcome:
    """Run `program`'s `entry()` `repeat` times in one contained process (fresh module each time)."""
    with tempfile.TemporaryDirectory(prefix="neurodebug-speedup-run-") as workdir:
        out = Path(workdir) / "result.json"
        argv = [
            sys.executable,
            "-m",
            "neurodebug.bench.entry_runner",
            str(program),
            str(out),
            str(repeat),
        ]
        code, _, stderr = _contained(argv, Path(workdir), timeout * max(1, repeat))
        try:
            data = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Outcome(error=f"no result (exit status {code}): {stderr.strip()[-300:]}")
    if "error" in data:
        return Outcome(error=str(data["error"]))
    return Outcome(result=data["result"], cpu_s=data["cpu_s"], wall_s=data["wall_s"])


def _task(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    match = re.match(r'\s*"""(.+?)(?:\n|""")', text)
    return match.group(1).strip() if match else path.stem


def _ratio(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return before / max(after, 1e-6)


def measure_pair(
    pair: Pair,
    safe: Path,
    unsafe: Path,
    repeat: int,
    timeout: float,
    select: tuple[str, ...] = (),
) -> ProgramReport:
    """Check and time one pair whose slow program was fixed into `safe` and `unsafe`."""
    report = ProgramReport(pair.name, _task(pair.slow))
    report.findings = finding_codes(pair.slow, select)
    original = pair.slow.read_bytes()
    report.changed_safe = safe.read_bytes() != original
    report.changed_unsafe = unsafe.read_bytes() != original
    report.fixed_safe = max(0, len(report.findings) - len(finding_codes(safe, select)))
    report.fixed_unsafe = max(0, len(report.findings) - len(finding_codes(unsafe, select)))
    programs = {
        "slow": pair.slow.resolve(),
        "safe": safe,
        "unsafe": unsafe,
        "fast": pair.fast.resolve(),
    }
    same = {"safe": not report.changed_safe, "unsafe": not report.changed_unsafe}
    for variant in VARIANTS:
        if same.get(variant):
            # byte-identical to the slow program: its speed-up is 1 by definition; timing it
            # again would only report this machine's noise (seen: 1.7x apart) as a gain or loss
            report.outcomes[variant] = report.outcomes["slow"]
            continue
        report.outcomes[variant] = time_program(programs[variant], repeat, timeout)
    slow, fast = report.outcomes["slow"], report.outcomes["fast"]
    if slow.error is not None:
        report.pair_mismatch = True
        return report
    report.pair_mismatch = fast.result != slow.result
    report.broken_safe = report.outcomes["safe"].result != slow.result
    report.broken_unsafe = report.outcomes["unsafe"].result != slow.result
    report.speedup_safe = _ratio(slow.cpu_s, report.outcomes["safe"].cpu_s)
    report.speedup_unsafe = _ratio(slow.cpu_s, report.outcomes["unsafe"].cpu_s)
    report.speedup_hand = _ratio(slow.cpu_s, fast.cpu_s)
    stage = "unsafe" if not report.broken_unsafe else "safe" if not report.broken_safe else None
    if stage is None:
        return report
    fixed = report.outcomes[stage]
    report.speedup_fixed = _ratio(slow.cpu_s, fixed.cpu_s)
    if slow.cpu_s is not None and fast.cpu_s is not None and fixed.cpu_s is not None:
        if slow.cpu_s > fast.cpu_s:
            report.recovered_time = (slow.cpu_s - fixed.cpu_s) / (slow.cpu_s - fast.cpu_s)
        if report.speedup_hand and report.speedup_hand > 1 and report.speedup_fixed:
            report.recovered_log = math.log(report.speedup_fixed) / math.log(report.speedup_hand)
    return report


def summarize(reports: list[ProgramReport]) -> dict[str, Any]:
    """Programs made faster, median speedups, broken programs."""
    fixed = [r.speedup_fixed for r in reports if r.speedup_fixed is not None]
    changed = [
        r.speedup_fixed
        for r in reports
        if r.speedup_fixed is not None and (r.changed_safe or r.changed_unsafe)
    ]
    hand = [r.speedup_hand for r in reports if r.speedup_hand is not None]
    recovered = [r.recovered_time for r in reports if r.recovered_time is not None]
    return {
        "programs": len(reports),
        "programs_with_fixes_applied": sum(
            1 for r in reports if (r.changed_safe or r.changed_unsafe)
        ),
        "programs_made_faster": sum(1 for s in fixed if s >= FASTER_THRESHOLD),
        "faster_threshold": FASTER_THRESHOLD,
        "median_speedup": statistics.median(fixed) if fixed else None,
        "median_speedup_where_fixes_applied": statistics.median(changed) if changed else None,
        "max_speedup": max(fixed, default=None),
        "median_hand_speedup": statistics.median(hand) if hand else None,
        "median_recovered_time_share": statistics.median(recovered) if recovered else None,
        "programs_broken": sum(1 for r in reports if r.broken_safe or r.broken_unsafe),
        "programs_broken_by_safe_fixes": sum(1 for r in reports if r.broken_safe),
        "programs_broken_by_unsafe_fixes": sum(1 for r in reports if r.broken_unsafe),
        "pair_mismatches": sum(1 for r in reports if r.pair_mismatch),
    }


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def run(args: argparse.Namespace) -> int:
    pairs = find_pairs(args.folder, args.only)
    if not pairs:
        print(
            f"neurodebug bench speedups: no *_slow.py/*_fast.py pairs in {args.folder}",
            file=sys.stderr,
        )
        return 2
    select: tuple[str, ...] = args.select
    started = time.perf_counter()
    reports = []
    scratch = tempfile.TemporaryDirectory(prefix="neurodebug-speedups-")
    root = Path(scratch.name)
    for folder in ("safe", "unsafe"):
        (root / folder).mkdir()
        for pair in pairs:
            shutil.copy(pair.slow, root / folder / f"{pair.name}.py")
    try:
        fix_folder(root / "safe", unsafe=False, timeout=args.timeout, select=select)
        fix_folder(root / "unsafe", unsafe=True, timeout=args.timeout, select=select)
    except RuntimeError as error:
        scratch.cleanup()
        print(f"neurodebug bench speedups: {error}", file=sys.stderr)
        return 2
    header = f"{'program':28} {'fixes':>5} {'slow ms':>8} {'fixed ms':>8} {'fast ms':>8} {'fixed':>7} {'hand':>7} {'recov':>6}  findings"
    print(header)
    for pair in pairs:
        safe, unsafe = root / "safe" / f"{pair.name}.py", root / "unsafe" / f"{pair.name}.py"
        report = measure_pair(pair, safe, unsafe, args.repeat, args.timeout, select)
        reports.append(report)
        o = report.outcomes
        stage = o["unsafe"] if not report.broken_unsafe else o["safe"]
        flag = " BROKEN" if report.broken_safe or report.broken_unsafe else ""
        flag += " PAIR-MISMATCH" if report.pair_mismatch else ""
        print(
            f"{report.name:28} {report.fixed_unsafe:>5} "
            f"{_fmt(o['slow'].cpu_s and o['slow'].cpu_s * 1000, '.4g'):>8} "
            f"{_fmt(stage.cpu_s and stage.cpu_s * 1000, '.4g'):>8} "
            f"{_fmt(o['fast'].cpu_s and o['fast'].cpu_s * 1000, '.4g'):>8} "
            f"{_fmt(report.speedup_fixed, '.2f', 'x'):>7} {_fmt(report.speedup_hand, '.1f', 'x'):>7} "
            f"{_fmt(report.recovered_time and report.recovered_time * 100, '.0f', '%'):>6}  "
            f"{','.join(sorted(set(report.findings)))}{flag}",
            flush=True,
        )
    scratch.cleanup()
    summary = summarize(reports)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    print(
        f"\n{summary['programs_made_faster']}/{summary['programs']} programs made faster by the fixes "
        f"(≥{FASTER_THRESHOLD:g}x); median speedup {_fmt(summary['median_speedup'], '.2f', 'x')} "
        f"({_fmt(summary['median_speedup_where_fixes_applied'], '.2f', 'x')} where fixes applied); "
        f"median hand-written {_fmt(summary['median_hand_speedup'], '.1f', 'x')}; "
        f"broken: {summary['programs_broken']}; pair mismatches: {summary['pair_mismatches']}"
    )
    write_results(
        args.out,
        {
            "benchmark": "speedups",
            "rules": ",".join(select) or "default",
            "python": platform.python_version(),
            "machine": platform.machine(),
            "repeat": args.repeat,
            "timing": "best-of-repeat process CPU seconds of one entry() call",
            "summary": summary,
            "programs": [asdict(report) for report in reports],
        },
    )
    print(f"results written to {args.out}", file=sys.stderr)
    return 1 if summary["programs_broken"] or summary["pair_mismatches"] else 0
