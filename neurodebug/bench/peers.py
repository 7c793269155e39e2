"""`neurodebug bench analyze --peers`: our analyzer against ruff's PERF set and pylint+perflint.

On the same file list (the stdlib of this interpreter, test folders skipped, or `--root`), in
one run, each tool runs as a subprocess the way a user runs it in CI, with every core it can
use: `neurodebug analyze --select ND --no-cache -j N` (every rule on, opt-in ones too), `ruff check --select PERF` and
`pylint --load-plugins=perflint` (installed in the benchmark's own virtual environment,
created on first use; N single-process runs over N shares of the files, see `run_pylint`). Wall time gives files/s and lines/s; the children's CPU time gives
lines per CPU-second. A second `neurodebug analyze` with the cache (twice: cold, then warm)
shows what an unchanged tree costs. Findings are counted per tool and per rule.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections import Counter
from pathlib import Path
from typing import Any

from neurodebug.analysis import default_jobs
from neurodebug.bench.corpora import corpus_files

PEER_PACKAGES = ("pylint>=3,<4", "perflint==0.8.1")
DEFAULT_VENV = Path("benchmarks") / ".venv-peers"


def add_peers_arguments(parser: argparse.ArgumentParser) -> None:
    """The `--peers` flag and its options, added to `neurodebug bench analyze`."""
    parser.add_argument(
        "--peers",
        action="store_true",
        help="compare `neurodebug analyze` with ruff --select PERF and pylint+perflint",
    )
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=DEFAULT_VENV,
        help=f"virtual environment for pylint+perflint (default: {DEFAULT_VENV})",
    )
    parser.add_argument(
        "--skip-pylint", action="store_true", help="with --peers: leave pylint+perflint out"
    )


def ensure_peer_venv(folder: Path) -> Path:
    """The venv's python with pylint and perflint installed (created on first use)."""
    python = folder / "bin" / "python"
    check = [str(python), "-c", "import perflint, pylint"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"creating {folder} with {', '.join(PEER_PACKAGES)} …", file=sys.stderr)
    venv.create(folder, with_pip=True, clear=True)
    (folder / ".gitignore").write_text("*\n")  # never committed, never analysed
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PEER_PACKAGES],
        check=True,
    )
    return python


def _timed(command: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run `command`; returns (process, wall seconds, CPU seconds of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return completed, wall, cpu


def _tool_entry(
    name: str, wall: float, cpu: float, files: int, lines: int, counts: Counter[str]
) -> dict[str, Any]:
    return {
        "tool": name,
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "files_per_second": round(files / wall, 1),
        "lines_per_second": round(lines / wall),
        "lines_per_cpu_second": round(lines / cpu) if cpu else None,
        "findings": sum(counts.values()),
        "findings_per_rule": dict(sorted(counts.items())),
    }


def run_ours(
    paths: list[str], jobs: int, workdir: Path, cache: bool
) -> tuple[Counter[str], float, float]:
    # every rule, opt-in ones included: ruff's `--select PERF` also turns on all of its family
    command = [sys.executable, "-m", "neurodebug", "analyze", "--exit-zero", "--format", "json"]
    command += ["--select", "ND", "-j", str(jobs)] + ([] if cache else ["--no-cache"]) + paths
    completed, wall, cpu = _timed(command, workdir)
    if completed.returncode != 0:
        raise RuntimeError(f"neurodebug analyze failed: {completed.stderr[-2000:]}")
    return Counter(f["code"] for f in json.loads(completed.stdout)), wall, cpu


def run_ruff(paths: list[str], workdir: Path) -> tuple[Counter[str], float, float] | None:
    ruff = shutil.which("ruff")
    if ruff is None:
        return None
    command = [ruff, "check", "--isolated", "--select", "PERF", "--exit-zero", "--no-cache"]
    command += ["--output-format", "json", *paths]
    completed, wall, cpu = _timed(command, workdir)
    findings = json.loads(completed.stdout or "[]")
    return Counter(str(f.get("code")) for f in findings), wall, cpu


def run_pylint(
    paths: list[str], jobs: int, workdir: Path, python: Path
) -> tuple[Counter[str], float, float]:
    """pylint+perflint over `paths` in `jobs` concurrent single-process runs.

    Not `pylint -j N`: in its parallel mode one exception in a checker (perflint 0.8.1 raises
    on `for a, *rest in …`, e.g. in tkinter/ttk.py) kills the whole run with no output,
    while a single-process run reports the file as F0002 and goes on. Splitting the files
    round-robin over N processes uses the same cores.
    """
    command = [str(python), "-m", "pylint", "--load-plugins=perflint", "-j1"]
    command += ["--exit-zero", "--output-format=json", "--persistent=n"]
    chunks = [paths[index::jobs] for index in range(jobs) if paths[index::jobs]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nd-pylint-") as scratch:
        outputs = [Path(scratch) / f"out{index}.json" for index in range(len(chunks))]
        processes = []
        for chunk, output in zip(chunks, outputs, strict=True):
            with output.open("w") as handle:
                processes.append(
                    subprocess.Popen(
                        [*command, *chunk],
                        cwd=workdir,
                        stdout=handle,
                        stderr=subprocess.DEVNULL,
                        stdin=subprocess.DEVNULL,
                    )
                )
        for process in processes:
            process.wait()
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        counts: Counter[str] = Counter()
        for output in outputs:
            try:
                findings = json.loads(output.read_text() or "[]")
            except json.JSONDecodeError as error:
                raise RuntimeError(f"pylint output unreadable in {output.name}") from error
            counts.update(str(f.get("message-id")) for f in findings)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return counts, wall, cpu


def run_peers(
    files: list[Path], lines: int, venv_folder: Path, skip_pylint: bool = False
) -> dict[str, Any]:
    """Every tool on the same files, in one run; the comparison as a JSON-ready dict."""
    jobs = default_jobs()
    paths = [str(path) for path in files]
    tools: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="nd-bench-") as scratch:
        workdir = Path(scratch)
        counts, wall, cpu = run_ours(paths, jobs, workdir, cache=False)
        ours = _tool_entry(
            "neurodebug analyze (all rules, --no-cache)", wall, cpu, len(paths), lines, counts
        )
        tools.append(ours)
        _, cold, _ = run_ours(paths, jobs, workdir, cache=True)
        _, warm, _ = run_ours(paths, jobs, workdir, cache=True)
        ruff = run_ruff(paths, workdir)
        if ruff is not None:
            tools.append(
                _tool_entry(
                    "ruff check --select PERF", ruff[1], ruff[2], len(paths), lines, ruff[0]
                )
            )
        if not skip_pylint:
            python = ensure_peer_venv(venv_folder.resolve())
            pylint = run_pylint(paths, jobs, workdir, python)
            entry = _tool_entry(
                "pylint --load-plugins=perflint", pylint[1], pylint[2], len(paths), lines, pylint[0]
            )
            entry["perflint_findings"] = sum(
                count for code, count in pylint[0].items() if len(code) == 5 and code[1] == "8"
            )
            entry["files_pylint_could_not_finish"] = pylint[0].get("F0002", 0)
            tools.append(entry)
    by_name = {tool["tool"].split()[0]: tool for tool in tools}
    results: dict[str, Any] = {
        "jobs": jobs,
        "files": len(paths),
        "lines": lines,
        "tools": tools,
        "cache_cold_seconds": round(cold, 3),
        "cache_warm_seconds": round(warm, 3),
    }
    if "pylint" in by_name:
        results["speedup_vs_pylint_perflint"] = round(
            by_name["pylint"]["seconds"] / ours["seconds"], 2
        )
        results["cpu_speedup_vs_pylint_perflint"] = round(
            by_name["pylint"]["cpu_seconds"] / ours["cpu_seconds"], 2
        )
    if "ruff" in by_name:
        results["ratio_to_ruff"] = round(by_name["ruff"]["seconds"] / ours["seconds"], 4)
    return results


def format_peers(results: dict[str, Any]) -> str:
    """The comparison table printed on stdout."""
    lines = [
        f"{results['files']} files, {results['lines']} lines, {results['jobs']} jobs",
        f"{'tool':<44} {'seconds':>8} {'CPU s':>8} {'files/s':>9} {'lines/s':>10} {'findings':>9}",
    ]
    lines.extend(
        f"{tool['tool']:<44} {tool['seconds']:>8.2f} {tool['cpu_seconds']:>8.2f} "
        f"{tool['files_per_second']:>9,.0f} {tool['lines_per_second']:>10,} "
        f"{tool['findings']:>9,}"
        for tool in results["tools"]
    )
    lines.append(
        f"neurodebug with cache: first run {results['cache_cold_seconds']:.2f} s, "
        f"unchanged files {results['cache_warm_seconds']:.2f} s"
    )
    if "speedup_vs_pylint_perflint" in results:
        lines.append(
            f"speed-up over pylint+perflint: {results['speedup_vs_pylint_perflint']}x wall, "
            f"{results['cpu_speedup_vs_pylint_perflint']}x CPU"
        )
    lines.extend(
        f"pylint: {tool['perflint_findings']} perflint findings, "
        f"{tool['files_pylint_could_not_finish']} files it could not finish (F0002)"
        for tool in results["tools"]
        if "perflint_findings" in tool
    )
    if "ratio_to_ruff" in results:
        lines.append(f"ruff PERF time / neurodebug time: {results['ratio_to_ruff']}")
    return "\n".join(lines)


def run_peers_command(args: argparse.Namespace) -> int:
    """`bench analyze --peers`: run the comparison, print it, write `<out>-peers.json`."""
    from neurodebug.bench.results import write_results

    files = corpus_files(args.root, args.limit)
    readable = []
    lines = 0
    for path in files:
        try:
            lines += path.read_bytes().count(b"\n")
            readable.append(path)
        except OSError:
            continue
    if not readable:
        print("neurodebug bench analyze: no Python files found", file=sys.stderr)
        return 2
    results = run_peers(readable, lines, args.peers_venv, args.skip_pylint)
    results["benchmark"] = "analyze --peers"
    results["corpus"] = str(args.root or "stdlib")
    print(format_peers(results))
    out = args.out.with_name(f"{args.out.stem}-peers{args.out.suffix}")
    write_results(out, results)
    print(f"results written to {out}", file=sys.stderr)
    return 0
