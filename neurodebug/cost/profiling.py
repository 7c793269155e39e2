"""Measure where a program spends its time, line by line, without running it in our process.

`run_profile("pytest tests/", project)` runs the command once in a subprocess under the line
tracer of `neurodebug.cost.line_tracer` (sys.settrace on Python 3.11, limited to the project's own
files) and returns a `Profile`: per file, per line, how often the line ran and how much of the
run's time it took (inclusive of the calls it makes). The run is contained like every other
run of user code: its own process group (killed with everything it started at the timeout),
stdin on /dev/null, stdout and stderr captured (never mixed into ours), CPU, memory and file
size limits, and optionally a fresh temporary working folder. It also runs in the tracer's
sandbox (`secure_env.sandboxed_command`): a network namespace with only its own loopback, a
filesystem read-only outside the run's temporary folder (its TMPDIR; the project too is
read-only), a pids cgroup, no capabilities and a scrubbed environment — applied where the OS
allows, logged once where not.

A `Profile` is also what the neural debugger's rollouts produce for `--predict` (then `kind`
is "predicted" and the costs are counted in predicted steps, not seconds), and it is saved to
`.neurodebug_cache/profile.json` so the language server can show the numbers later.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from neurodebug.cost import DEFAULT_TIMEOUT_S
from neurodebug.neural_debugger.groundtruth import secure_env
from neurodebug.neural_debugger.groundtruth.limits import MIB, limit_this_process

LOG = logging.getLogger(__name__)

ProfileKind = Literal["measured", "predicted"]

PROFILE_FILE = Path(".neurodebug_cache") / "profile.json"
"""Where `analyze --profile` saves the last profile, relative to the project folder."""


DEFAULT_MEMORY_MB = 8192
PROFILE_MAX_PIDS = 1024
"""Tasks (threads count) the profiled command may have at once: above the tracer's 256, since a
test suite or a numeric library starts a thread pool per core; a fork bomb still stalls."""
MAX_CAPTURED_CHARS = 20_000

_PYTHON = re.compile(r"^python(\d(\.\d+)?)?$")
_FLAG_OPTIONS = frozenset({"-u", "-B", "-O", "-OO", "-s", "-E", "-I"})
"""Interpreter options that change nothing the profile depends on: skipped."""
_VALUE_OPTIONS = frozenset({"-X", "-W"})


class ProfileError(RuntimeError):
    """The command cannot be profiled (unsupported form, timeout, no results)."""


@dataclass(frozen=True)
class LineCost:
    """How often one line ran and what it cost (seconds, or predicted steps)."""

    hits: int
    cost: float


@dataclass
class Profile:
    """Per-file, per-line costs of one run of one command (paths are absolute and resolved)."""

    command: str
    kind: ProfileKind
    total: float
    """The run's total cost: seconds of program time when measured, steps when predicted."""
    lines: dict[str, dict[int, LineCost]] = field(default_factory=dict)
    exit_code: int = 0
    unit: str = "s"

    def file(self, path: Path | str) -> dict[int, LineCost] | None:
        """The line costs of one file, or None when none of its lines ran."""
        return self.lines.get(os.path.realpath(path))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "command": self.command,
            "kind": self.kind,
            "total": self.total,
            "unit": self.unit,
            "exit_code": self.exit_code,
            "files": {
                path: {str(line): [cost.hits, cost.cost] for line, cost in sorted(lines.items())}
                for path, lines in sorted(self.lines.items())
            },
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Profile:
        if data.get("version") != 1:
            raise ProfileError("unsupported profile file version")
        lines = {
            str(path): {
                int(line): LineCost(int(pair[0]), float(pair[1])) for line, pair in per.items()
            }
            for path, per in data.get("files", {}).items()
        }
        kind: ProfileKind = "predicted" if data.get("kind") == "predicted" else "measured"
        return Profile(
            command=str(data.get("command", "")),
            kind=kind,
            total=float(data.get("total", 0.0)),
            lines=lines,
            exit_code=int(data.get("exit_code", 0)),
            unit=str(data.get("unit", "s")),
        )

    def save(self, path: Path) -> None:
        """Write the profile as JSON (atomically; the folder gets a `.gitignore`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        gitignore = path.parent / ".gitignore"
        if path.parent.name == ".neurodebug_cache" and not gitignore.exists():
            gitignore.write_text("*\n")
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(self.to_json()) + "\n")
        temporary.replace(path)


def load_profile(path: Path) -> Profile | None:
    """The profile saved at `path`, or None when there is none or it is unreadable."""
    try:
        return Profile.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError, ProfileError):
        return None


def tracer_arguments(command: str, project: Path) -> list[str]:
    """`MODE TARGET ARGS…` for the line tracer from a user command line.

    Accepts `python[3[.X]] script.py …`, `python -m module …`, `python -c CODE …`,
    `pytest …` / `py.test …` (run as `python -m pytest`) and `script.py …`. Relative script
    paths are made absolute against `project`, so the run may use a temporary folder.
    """
    try:
        words = shlex.split(command)
    except ValueError as error:
        raise ProfileError(f"cannot parse the command: {error}") from None
    if not words:
        raise ProfileError("the command is empty")
    head, rest = Path(words[0]).name, words[1:]
    if head in ("pytest", "py.test"):
        return ["module", "pytest", *rest]
    if _PYTHON.match(head) or words[0] == sys.executable:
        while rest and rest[0] in _FLAG_OPTIONS | _VALUE_OPTIONS:
            rest = rest[2:] if rest[0] in _VALUE_OPTIONS else rest[1:]
        if not rest:
            raise ProfileError("an interactive python cannot be profiled: give a script or -m")
        if rest[0] == "-m" and len(rest) > 1:
            return ["module", rest[1], *rest[2:]]
        if rest[0] == "-c" and len(rest) > 1:
            return ["code", rest[1], *rest[2:]]
        if rest[0].startswith("-"):
            raise ProfileError(f"unsupported python option {rest[0]!r}")
        return ["script", str((project / rest[0]).resolve()), *rest[1:]]
    if words[0].endswith(".py"):
        return ["script", str((project / words[0]).resolve()), *rest]
    raise ProfileError(
        f"cannot profile {words[0]!r}: give a Python command "
        "(`python script.py`, `python -m package`, `pytest …`)"
    )


def apply_limits(timeout_s: float, memory_mb: int, cpu_limit: bool = True) -> None:
    """Runs in the child before exec: its own session and the ground truth's resource limits.

    `cpu_limit=False` leaves out RLIMIT_CPU: on some kernels a process with a CPU limit
    reads a tick-granular CPU clock, which spoils CPU-time benchmarks (the wall-clock
    timeout still applies).
    """
    os.setsid()
    limit_this_process(
        cpu_s=int(timeout_s) + 5 if cpu_limit else None,
        memory_bytes=memory_mb * MIB,
        file_bytes=256 * MIB,
    )


def _tail(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")[-MAX_CAPTURED_CHARS:]


@dataclass
class ProfileRun:
    """A profile and what the run printed (kept for error messages and logs)."""

    profile: Profile
    stdout: str
    stderr: str
    wall_s: float


def run_profile(
    command: str,
    project: Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    temp_cwd: bool = False,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> ProfileRun:
    """Run `command` once under the line tracer; only files under `project` are counted.

    The command runs in `project` (or, with `temp_cwd`, in a fresh temporary folder with
    `project` on `PYTHONPATH`), with stdin closed, in its own process group that is killed
    at `timeout_s`, sandboxed (see the module doc): it may write only under its TMPDIR (and,
    with `temp_cwd`, its working folder). Raises `ProfileError` when the run times out or
    leaves no results; a failing program (non-zero exit) still gives a profile, with
    `exit_code` set.
    """
    project = project.resolve()
    arguments = tracer_arguments(command, project)
    with tempfile.TemporaryDirectory(prefix="neurodebug-profile-") as scratch:
        out = Path(scratch) / "profile.json"
        workdir = Path(scratch) / "work"
        workdir.mkdir()
        env = secure_env.scrubbed_environment()  # user code: no tokens, keys or credentials
        env["TMPDIR"] = str(Path(scratch) / "tmp")  # writable, unlike the rest of the filesystem
        Path(env["TMPDIR"]).mkdir()
        report = str(Path(scratch) / "sandbox-report")
        if temp_cwd:
            env["PYTHONPATH"] = os.pathsep.join(
                part for part in (str(project), env.get("PYTHONPATH", "")) if part
            )
        tracer = [
            sys.executable,
            "-m",
            "neurodebug.cost.line_tracer",
            "--out",
            str(out),
            "--root",
            str(project),
            *arguments,
        ]
        argv = secure_env.sandboxed_command(
            tracer, scratch, max_pids=PROFILE_MAX_PIDS, report=report
        )
        started = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=workdir if temp_cwd else project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: apply_limits(timeout_s, memory_mb),
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ProfileError(f"`{command}` did not finish within {timeout_s:g} s") from None
        finally:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)  # anything it left behind
            secure_env.release_process_tree(process.pid)  # even what left the process group
            secure_env.log_report(report, LOG.warning)
        wall = time.perf_counter() - started
        try:
            data = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ProfileError(
                f"`{command}` left no profile (exit status {process.returncode}): "
                f"{_tail(stderr).strip()[-500:]}"
            ) from None
    return ProfileRun(profile_from_tracer(command, data), _tail(stdout), _tail(stderr), wall)


def profile_from_tracer(command: str, data: dict[str, Any]) -> Profile:
    """A `Profile` from the line tracer's JSON (`hits`, `times`, `total_s`, `exit_code`)."""
    lines: dict[str, dict[int, LineCost]] = {}
    hits: dict[str, dict[str, int]] = data.get("hits", {})
    times: dict[str, dict[str, float]] = data.get("times", {})
    for path in set(hits) | set(times):
        per_hits, per_times = hits.get(path, {}), times.get(path, {})
        lines[path] = {
            int(line): LineCost(int(per_hits.get(line, 0)), float(per_times.get(line, 0.0)))
            for line in set(per_hits) | set(per_times)
            if line.isdigit() and int(line) > 0
        }
    return Profile(
        command=command,
        kind="measured",
        total=float(data.get("total_s", 0.0)),
        lines=lines,
        exit_code=int(data.get("exit_code", 0)),
    )
