"""Hardening for processes that run user code: no secrets, no network, a read-only world.

Why a module of its own: the sandbox worker (`sandbox.py`), the debugpy runner and any later
runner of user code need the same three guarantees, each applied where it is cheapest:

- `scrubbed_environment(env)`: the environment minus every variable whose *name* says it holds a
  secret (tokens, keys, passwords, credentials, auth sockets, cookies, sessions), so user code
  cannot read the editor's or CI's credentials;
- `isolate_worker(writable)`: called once in the long-lived worker, whose forked children inherit
  it: a fresh network namespace (only its own loopback: a program may serve and connect to
  itself, but nothing outside is reachable) and a private mount namespace where every mount is read-only except
  the one folder the runs' temporary working folders live in. Both need Linux and the privilege to
  unshare (root, or a kernel that allows it); what could not be applied is returned so the caller
  can log it, and the run goes on without it (the gap is documented in the README);
- `limit_processes(extra)`: called in each child: caps the number of processes the child's user
  may have at what exists now plus `extra`, so a fork bomb stalls instead of filling the machine
  before the process-group kill at the deadline. Root ignores the limit unless it drops its
  capabilities, so the child drops them all first (it needs none to run Python code), and sets
  no_new_privs, without which root gets every capability back at the next `execve`;
- `sandboxed_command(argv, writable)`: the same isolation for a runner that must start another
  program rather than fork (the debugpy adapter and its debuggee, `analyze --profile`'s line
  tracer): `python -m` this module applies `isolate_worker` and `limit_processes` to itself, then
  execs `argv`, which inherits them; `release_process_tree(pid)` kills what is left afterwards.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import resource
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NoReturn

_SECRET_SUBSTRINGS = ("TOKEN", "SECRET", "PASSW", "CREDENTIAL", "APIKEY", "PRIVATE")
_SECRET_WORDS = frozenset({"KEY", "KEYS", "AUTH", "PASS", "COOKIE", "SESSION", "PAT", "SIGNATURE"})
_SECRET_PREFIXES = (
    "AWS_",
    "AZURE_",
    "GOOGLE_APPLICATION",
    "GCP_",
    "DOCKER_AUTH",
    "NPM_CONFIG__AUTH",
)


def is_secret_name(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret (case-insensitive)."""
    upper = name.upper()
    if any(part in upper for part in _SECRET_SUBSTRINGS):
        return True
    if upper.startswith(_SECRET_PREFIXES):
        return True
    return any(word in _SECRET_WORDS for word in re.split(r"[^A-Z0-9]+", upper))


def scrubbed_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `env` (default `os.environ`) without the variables `is_secret_name` flags."""
    source = os.environ if env is None else env
    return {name: value for name, value in source.items() if not is_secret_name(name)}


# --------------------------------------------------------------------------------------------
# Namespaces and privileges (Linux)

_CLONE_NEWNS = 0x00020000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY = 0x1
_MS_REMOUNT = 0x20
_MS_BIND = 0x1000
_MS_REC = 0x4000
_MS_PRIVATE = 0x40000


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _mount(libc: ctypes.CDLL, source: str, target: str, flags: int) -> None:
    result = libc.mount(source.encode(), target.encode(), None, ctypes.c_ulong(flags), None)
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {target}: {os.strerror(error)}")


def _mount_points() -> list[str]:
    """Every mount point of this process, parents before children."""
    points: list[str] = []
    with open("/proc/self/mountinfo", encoding="utf-8") as mountinfo:
        for line in mountinfo:
            fields = line.split()
            if len(fields) > 4:
                points.append(fields[4].encode().decode("unicode_escape"))
    return sorted(set(points), key=lambda point: point.count("/"))


def isolate_network() -> str | None:
    """Move this process into a new, empty network namespace; `None` or why it failed."""
    libc = _libc()
    if libc is None:
        return "network namespaces need Linux"
    if libc.unshare(_CLONE_NEWNET) != 0:
        return f"unshare(CLONE_NEWNET) failed: {os.strerror(ctypes.get_errno())}"
    with contextlib.suppress(OSError):
        _loopback_up()
    return None


def _loopback_up() -> None:
    """Bring up the new namespace's own loopback: programs may talk to themselves, not out."""
    request = struct.pack("16sH14x", b"lo", 0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        flags = struct.unpack("16sH14x", fcntl.ioctl(probe, 0x8913, request))[1]  # SIOCGIFFLAGS
        fcntl.ioctl(probe, 0x8914, struct.pack("16sH14x", b"lo", flags | 0x1))  # SIOCSIFFLAGS, UP


def isolate_filesystem(writable: str) -> str | None:
    """Make every mount read-only for this process except `writable`; `None` or why it failed."""
    libc = _libc()
    if libc is None:
        return "mount namespaces need Linux"
    if libc.unshare(_CLONE_NEWNS) != 0:
        return f"unshare(CLONE_NEWNS) failed: {os.strerror(ctypes.get_errno())}"
    try:
        _mount(libc, "none", "/", _MS_REC | _MS_PRIVATE)
        _mount(libc, writable, writable, _MS_BIND | _MS_REC)  # its own mount, kept writable
        keep = os.path.realpath(writable)
        for point in _mount_points():
            if point == keep or point.startswith(("/proc", "/dev", "/sys")):
                continue
            with contextlib.suppress(OSError):  # a mount we may not touch stays as it was
                _mount(libc, "none", point, _MS_REMOUNT | _MS_BIND | _MS_RDONLY)
    except OSError as error:
        return str(error)
    return None


_PIDS_CGROUP = "/sys/fs/cgroup/pids"


def _cgroup_root() -> str:
    """The pids hierarchy (cgroup v1) or the unified one (v2)."""
    return _PIDS_CGROUP if os.path.isdir(_PIDS_CGROUP) else "/sys/fs/cgroup"


def _group_of(pid: int) -> str:
    """The pids cgroup `limit_process_tree` makes for process `pid`."""
    return os.path.join(_cgroup_root(), f"neurodebug-sandbox-{pid}")


def limit_process_tree(max_pids: int) -> str | None:
    """Put this process (and so all it forks) in a new pids cgroup of at most `max_pids` tasks.

    Stale, empty groups left by killed workers are removed on the way. `None` or why it failed.
    """
    root = _cgroup_root()
    if not os.path.isfile(os.path.join(root, "cgroup.procs")):
        return "no writable pids cgroup"
    with contextlib.suppress(OSError):
        for name in os.listdir(root):
            if name.startswith("neurodebug-sandbox-"):
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.join(root, name))  # fails (harmlessly) while in use
    group = _group_of(os.getpid())
    try:
        os.makedirs(group, exist_ok=True)
        with open(os.path.join(group, "pids.max"), "w", encoding="ascii") as limit:
            limit.write(str(max_pids))
        with open(os.path.join(group, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(os.getpid()))
    except OSError as error:
        return f"pids cgroup: {error.strerror or error}"  # no pid in it: logged once
    _STATE["group"] = group
    return None


_STATE: dict[str, str] = {}
"""This worker's pids cgroup ("group") and whether it reaps orphans ("subreaper")."""


def become_subreaper() -> str | None:
    """Adopt orphaned descendants, so a killed run's forks are reaped here, not left as zombies.

    (Containers often run a pid 1 that never reaps.) `None` or why it failed.
    """
    libc = _libc()
    if libc is None or libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        return "cannot become a child subreaper"
    _STATE["subreaper"] = "1"
    return None


def kill_and_reap_strays(wait_s: float = 1.0) -> int:
    """After a run: kill what is left in this worker's group (even a `setsid` escapee) and reap.

    Only acts in an isolated worker (`isolate_worker`); returns how many processes were reaped.
    """
    group = _STATE.get("group")
    if group is not None:
        _kill_members(group)
    if "subreaper" not in _STATE:
        return 0
    reaped = 0
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.005)
        else:
            reaped += 1
    return reaped


def _kill_members(group: str) -> None:
    """SIGKILL every process of a pids cgroup but this one."""
    procs = os.path.join(group, "cgroup.procs")
    with contextlib.suppress(OSError, ValueError), open(procs, encoding="ascii") as listing:
        for pid in [int(line) for line in listing if line.strip()]:
            if pid != os.getpid():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def isolate_worker(writable: str, max_pids: int = 256, *, reap: bool = True) -> list[str]:
    """Process cap, reaping, no network, read-only filesystem but `writable`; what failed.

    `reap=False` leaves out the child subreaper: a program exec'd by `sandboxed_command` does
    not wait for orphans, and `release_process_tree` kills its group instead.
    """
    problems = [
        limit_process_tree(max_pids),
        become_subreaper() if reap else None,
        isolate_network(),
        isolate_filesystem(writable),
    ]
    return [problem for problem in problems if problem]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities() -> bool:
    """Drop every capability of this process (root keeps its uid but loses its overrides).

    no_new_privs first: without it, `execve` hands root its full capability set again (and a
    setuid program its owner's), so any program the user code starts could remount the
    filesystem read-write or enter the host's namespaces; with it, an exec gains nothing.
    """
    libc = _libc()
    if libc is None:
        return False
    no_new_privs = libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    return no_new_privs and libc.capset(ctypes.byref(header), data) == 0


def _threads_now() -> int:
    """Scheduling entities on the system now (an upper bound on this user's processes)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            return int(loadavg.read().split()[3].split("/")[1])
    except (OSError, ValueError, IndexError):
        return 4096


def limit_processes(extra: int = 64) -> None:
    """Allow this process's user at most `extra` more processes (threads) than exist now."""
    if os.geteuid() == 0:
        drop_capabilities()
    limit = _threads_now() + extra
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))


# --------------------------------------------------------------------------------------------
# Running another program in the sandbox (the debugpy adapter, the profiler's line tracer)

_LAUNCHER = "neurodebug.neural_debugger.groundtruth.secure_env"
_REPORT_PREFIX = "neurodebug sandbox: not applied: "
_reported: set[str] = set()


def sandboxed_command(
    argv: Sequence[str], writable: str, *, max_pids: int = 256, report: str | None = None
) -> list[str]:
    """`argv` started through this module's launcher, isolated as the tracer's workers are.

    The launcher (`python -m` this module, ~30 ms) applies `isolate_worker(writable, max_pids)`
    to itself, drops its capabilities (`limit_processes`), then execs `argv`: the program and
    everything it starts share one network namespace with only its own loopback (so the debugpy
    adapter and its debuggee still reach each other), a filesystem read-only outside
    `writable`, and a pids cgroup named for the launcher's pid (= the program's; see
    `release_process_tree`). What could not be applied is written one per line to `report`
    (a file the caller reads with `log_report`; stderr is often the program's own channel).
    """
    options = ["--writable", writable, "--max-pids", str(max_pids)]
    if report is not None:
        options += ["--report", report]
    return [sys.executable, "-m", _LAUNCHER, *options, "--", *argv]


def release_process_tree(pid: int) -> None:
    """After a sandboxed command: kill what is left in its pids cgroup and remove the group."""
    group = _group_of(pid)
    if not os.path.isdir(group):
        return
    deadline = time.monotonic() + 1.0
    while True:
        _kill_members(group)
        try:
            os.rmdir(group)
            return
        except OSError:  # members still exiting; a stale group is removed by the next run
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)


def log_report(report: str, log: Callable[[str], object]) -> list[str]:
    """The problems a launcher wrote to `report`; each distinct one is passed to `log` once."""
    try:
        with open(report, encoding="utf-8") as lines:
            problems = [line.strip() for line in lines if line.strip()]
    except OSError:
        return []
    for problem in problems:
        if problem not in _reported:
            _reported.add(problem)
            log(f"{_REPORT_PREFIX}{problem}")
    return problems


def _launch(arguments: Iterable[str]) -> NoReturn:
    """The launcher: `[--writable DIR] [--max-pids N] [--report FILE] -- PROGRAM ARGS…`."""
    options: dict[str, str] = {}
    rest = list(arguments)
    while rest and rest[0] != "--":
        if len(rest) < 2:
            raise SystemExit(f"secure_env: {rest[0]} needs a value")
        options[rest[0]] = rest[1]
        rest = rest[2:]
    argv = rest[1:]
    if not argv or "--writable" not in options:
        raise SystemExit("usage: secure_env --writable DIR [--max-pids N] [--report FILE] -- CMD")
    max_pids = int(options.get("--max-pids", "256"))
    problems = isolate_worker(options["--writable"], max_pids, reap=False)
    limit_processes(max_pids)
    if "--report" in options and problems:
        with contextlib.suppress(OSError), open(options["--report"], "w") as report:
            report.write("".join(f"{problem}\n" for problem in problems))
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    _launch(sys.argv[1:])
