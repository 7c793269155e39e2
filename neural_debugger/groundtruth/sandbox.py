"""Run user code contained: persistent worker processes that fork one limited child per run.

Why this shape: starting a Python interpreter per program costs ~30 ms and would cap the corpus
far below 50,000 programs an hour on two cores, so a worker process (started with
`python -m neurodebug.neural_debugger.groundtruth.sandbox`) stays alive, imports the recorder once, and
forks a child per job. The worker itself never runs user code; each child:

- gets its own process group (so anything it forks is killed with it),
- runs in a fresh temporary working folder that is deleted afterwards,
- has stdin on /dev/null (so `input()` raises EOFError), fds 1 and 2 on /dev/null, and
  `sys.stdout` / `sys.stderr` captured in memory up to a cap,
- has an address-space limit (`RLIMIT_AS`), a CPU-time limit and a file-size limit
  (`limits.limit_this_process`, shared with the other runners of user code),
- is killed at the wall-clock deadline.
- sees no secrets in its environment, no network, a read-only filesystem except its folder,
  no capabilities, and a capped number of processes (`secure_env`; applied where the OS allows).

The child sends its `Trace` back as one length-prefixed JSON message on a private pipe, so a
grandchild that inherits the pipe cannot make the worker wait for EOF. Workers speak JSON lines
on stdin/stdout with the caller; `WorkerPool` keeps several busy at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import IO, Any

from neurodebug.neural_debugger.groundtruth import secure_env
from neurodebug.neural_debugger.groundtruth.limits import MIB, Limits, limit_this_process
from neurodebug.neural_debugger.groundtruth.recorder import record_call
from neurodebug.neural_debugger.groundtruth.trace import Trace

_HEADER = struct.Struct(">Q")
MAX_MESSAGE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One traced run: the program's source, the call to trace, and where the code claims to live."""

    source: str
    call: str
    filename: str = "<program>"
    """The name the code objects carry; only frames from this file are traced."""
    module_dir: str | None = None
    """Put first on the child's `sys.path` (the user file's folder, for sibling imports)."""
    context_module: str | None = None
    """Run the source inside a copy of this module's globals (harvested library functions)."""
    package: str | None = None
    """The package the source's relative imports are relative to (a module of a package)."""


# --------------------------------------------------------------------------------------------
# Worker side


def _child(job: dict[str, Any], write_fd: int, workdir: str) -> None:
    """Runs in the forked child: apply limits, trace, send the result, never return."""
    me = os.getpid()
    os.chdir(workdir)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    # every other inherited descriptor (the worker's answer channel above all) is closed, so
    # user code cannot write into the protocol; only the private result pipe stays open
    os.closerange(3, write_fd)
    os.closerange(write_fd + 1, 65536)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-large file write fails, not kills
    secure_env.limit_processes()  # no capabilities; a fork bomb stalls (where NPROC is enforced)
    limit_this_process(
        memory_bytes=int(job["memory_mb"]) * MIB,
        cpu_s=int(float(job["timeout_s"])) + 2,
        file_bytes=16 * MIB,
    )
    if job.get("module_dir"):
        sys.path.insert(0, job["module_dir"])
    trace = record_call(
        job["source"],
        job["filename"],
        job["call"],
        int(job["max_steps"]),
        context_module=job.get("context_module"),
        package=job.get("package"),
    )
    if os.getpid() != me:  # a process the user code forked: it must not answer
        os._exit(0)
    try:
        payload = json.dumps(trace.to_json()).encode()
    except MemoryError:
        payload = json.dumps(Trace(steps=[], status="memory_limit").to_json()).encode()
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        written = os.write(write_fd, view)
        view = view[written:]
    os._exit(0)


def _read_message(fd: int, deadline: float) -> bytes | str | None:
    """The child's payload, `None` at EOF without one, `"timeout"` at the deadline."""
    buffer = bytearray()
    needed: int | None = None
    while True:
        if needed is not None and len(buffer) >= needed:
            return bytes(buffer[_HEADER.size : needed])
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return "timeout"
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return None
        buffer += chunk
        if needed is None and len(buffer) >= _HEADER.size:
            size = _HEADER.unpack_from(buffer)[0]
            if size > MAX_MESSAGE_BYTES:
                return None
            needed = _HEADER.size + size


def run_in_child(job: dict[str, Any]) -> Trace:
    """Fork a limited child for `job`, wait for its trace or the deadline, clean everything up."""
    workdir = tempfile.mkdtemp(prefix="neurodebug-run-")
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            os.close(read_fd)
            os.setpgid(0, 0)
            _child(job, write_fd, workdir)
        finally:
            os._exit(70)
    os.close(write_fd)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    message: bytes | str | None = "timeout"
    status = 0
    reaped = False
    try:
        message = _read_message(read_fd, started + float(job["timeout_s"]))
        if message is None:  # no valid answer: let it finish (draining the pipe), to say why
            # within its own deadline (at least 1 s): a fixed grace misreports a slow exit on a
            # loaded machine as a kill
            end = max(time.monotonic() + 1.0, started + float(job["timeout_s"]))
            while not reaped and time.monotonic() < end:
                done, status = os.waitpid(pid, os.WNOHANG)
                reaped = done == pid
                if not reaped and select.select([read_fd], [], [], 0.01)[0]:
                    os.read(read_fd, 1 << 20)
    finally:
        os.close(read_fd)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # the child, and anything it forked
        if not reaped:
            _, status = os.waitpid(pid, 0)
        secure_env.kill_and_reap_strays()  # forks that left the group, zombies adopted here
        shutil.rmtree(workdir, ignore_errors=True)
    if isinstance(message, bytes):
        return Trace.from_json(json.loads(message))
    if message == "timeout":
        return Trace(steps=[], status="timeout", exception=f"timed out after {job['timeout_s']} s")
    return _crash_trace(status)


def _crash_trace(status: int) -> Trace:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGXCPU:
            return Trace(steps=[], status="timeout", exception="CPU time limit exceeded")
        name = signal.Signals(number).name
        return Trace(steps=[], status="crashed", exception=f"killed by signal {name}")
    code = os.WEXITSTATUS(status)
    if code == 0:  # it exited normally, yet its answer was missing or spoiled
        return Trace(steps=[], status="crashed", exception="the run sent no valid result")
    return Trace(steps=[], status="crashed", exception=f"exited with status {code}")


def worker_main(base: str | None = None) -> int:
    """The worker loop: one JSON job per stdin line, one JSON answer per stdout line.

    With `base` (a folder the caller made and removes), the worker first isolates itself and so
    every child: a pids cgroup, no network, a read-only filesystem except `base`, where the runs'
    temporary working folders go (see `secure_env.isolate_worker`).
    """
    if base is not None:
        tempfile.tempdir = base
        for problem in secure_env.isolate_worker(base):
            print(f"neurodebug sandbox: not applied: {problem}", file=sys.stderr)
    channel_in = sys.stdin.buffer
    channel_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing else may write on the answer channel
    for line in channel_in:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            trace = run_in_child(job)
        except Exception as error:  # a broken job must not take the worker down
            trace = Trace(steps=[], status="crashed", exception=f"sandbox error: {error!r}")
        answer = {"id": job["id"], "trace": trace.to_json()}
        channel_out.write(json.dumps(answer).encode() + b"\n")
        channel_out.flush()
    return 0


# --------------------------------------------------------------------------------------------
# Caller side


class _Worker:
    def __init__(self) -> None:
        self.base = tempfile.mkdtemp(prefix="neurodebug-sandbox-")
        # The worker's own complaints, read if it dies; open as long as the worker lives.
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "neurodebug.neural_debugger.groundtruth.sandbox", self.base],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            cwd=tempfile.gettempdir(),
            # a fixed hash seed: set and dict-of-str orders (and so traces) are reproducible
            env={**secure_env.scrubbed_environment(), "PYTHONHASHSEED": "0"},
        )
        self.inflight: list[int] = []

    @property
    def stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def death_reason(self) -> str:
        """Why the worker stopped answering: its last words on stderr (e.g. it cannot import
        neurodebug because the install moved), so a crash is never silent."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        self.errors.seek(0)
        lines = self.errors.read()[-4000:].decode("utf-8", "replace").splitlines()
        said = [line for line in lines if line.strip() and "not applied" not in line]
        code = self.process.returncode
        return f"worker died (exit {code}): {said[-1].strip()}" if said else "worker died"

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()
        shutil.rmtree(self.base, ignore_errors=True)


class WorkerPool:
    """Several sandbox workers fed with jobs; answers come back as `(index, Trace)` when ready."""

    def __init__(self, workers: int, limits: Limits) -> None:
        self.limits = limits
        self.workers = [_Worker() for _ in range(max(1, workers))]

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def _send(self, worker: _Worker, index: int, job: Job) -> None:
        message = {"id": index, **asdict(job), **asdict(self.limits)}
        worker.inflight.append(index)
        try:
            worker.stdin.write(json.dumps(message).encode() + b"\n")
            worker.stdin.flush()
        except OSError:  # the worker already died: its stdout's EOF reports the job as crashed
            pass

    def run_unordered(
        self, jobs: Iterable[Job], per_worker: int = 2
    ) -> Iterator[tuple[int, Trace]]:
        """Trace every job; yield `(position in jobs, trace)` in completion order."""
        pending = iter(enumerate(jobs))
        exhausted = False
        while True:
            for worker in self.workers:
                while not exhausted and len(worker.inflight) < per_worker:
                    item = next(pending, None)
                    if item is None:
                        exhausted = True
                        break
                    self._send(worker, *item)
            busy = [worker for worker in self.workers if worker.inflight]
            if not busy:
                return
            by_fd = {worker.stdout.fileno(): worker for worker in busy}
            ready, _, _ = select.select(list(by_fd), [], [])
            for fd in ready:
                worker = by_fd[fd]
                line = worker.stdout.readline()
                if not line:  # the worker died: its jobs crashed, start a fresh one
                    reason = worker.death_reason()
                    for index in worker.inflight:
                        yield index, Trace(steps=[], status="crashed", exception=reason)
                    worker.inflight.clear()
                    worker.close()
                    self.workers[self.workers.index(worker)] = _Worker()
                    continue
                answer = json.loads(line)
                worker.inflight.remove(answer["id"])
                yield answer["id"], Trace.from_json(answer["trace"])


def run_jobs(jobs: Iterable[Job], limits: Limits, workers: int = 1) -> Iterator[Trace]:
    """Trace every job in sandboxed children; traces come back in the jobs' order."""
    with WorkerPool(workers, limits) as pool:
        waiting: dict[int, Trace] = {}
        next_index = 0
        for index, trace in pool.run_unordered(jobs, per_worker=1):
            waiting[index] = trace
            while next_index in waiting:
                yield waiting.pop(next_index)
                next_index += 1


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1] if len(sys.argv) > 1 else None))
