"""Hostile user code in the sandbox: nothing outside its temporary folder changes, it always ends.

Each program runs through the real sandbox worker (`WorkerPool`), as the tracer, `invert --check`
and the corpus builder run user code. The isolation that needs Linux privileges (network and
mount namespaces, the pids cgroup) is asserted where `secure_env` reports it applies.
"""

from __future__ import annotations

import os
import socket
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neurodebug.neural_debugger.groundtruth import secure_env
from neurodebug.neural_debugger.groundtruth.limits import Limits
from neurodebug.neural_debugger.groundtruth.sandbox import Job, WorkerPool
from neurodebug.neural_debugger.groundtruth.trace import Trace

pytestmark = pytest.mark.e2e

PRIVILEGED_LINUX = sys.platform.startswith("linux") and os.geteuid() == 0


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(1, Limits(timeout_s=3.0, max_steps=2000, memory_mb=512)) as workers:
        yield workers


def run(pool: WorkerPool, source: str, call: str = "main()") -> Trace:
    """Run one program in the pool's worker and return its trace."""
    job = Job(source=textwrap.dedent(source), call=call)
    [(_, trace)] = list(pool.run_unordered([job], per_worker=1))
    return trace


def sandbox_processes(pool: WorkerPool) -> list[int]:
    """Pids whose command line names this pool's worker folder (the worker and its forks)."""
    base = pool.workers[0].base.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if base in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("GITHUB_TOKEN", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("OPENAI_API_KEY", True),
        ("NPM_TOKEN", True),
        ("DB_PASSWORD", True),
        ("GOOGLE_APPLICATION_CREDENTIALS", True),
        ("SSH_AUTH_SOCK", True),
        ("PATH", False),
        ("HOME", False),
        ("PYTHONPATH", False),
        ("PWD", False),
        ("KEYBOARD_LAYOUT", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert secure_env.is_secret_name(name) is secret


def test_secrets_are_not_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEURODEBUG_TEST_API_TOKEN", "do-not-leak")
    monkeypatch.setenv("NEURODEBUG_TEST_PLAIN", "visible")
    with WorkerPool(1, Limits(timeout_s=3.0)) as fresh:  # the worker's env is fixed at start
        trace = run(
            fresh,
            """\
            import os
            def main():
                print(sorted(k for k in os.environ if k.startswith("NEURODEBUG_TEST")))
                print("do-not-leak" in repr(dict(os.environ)))
            """,
        )
    assert trace.status == "ok", trace.exception
    assert trace.stdout.splitlines() == ["['NEURODEBUG_TEST_PLAIN']", "False"]


def test_stdin_is_closed_and_cwd_is_a_fresh_temporary_folder(pool: WorkerPool) -> None:
    trace = run(
        pool,
        """\
        import os
        def main():
            print(os.getcwd())
            print(os.listdir("."))
            input()
        """,
    )
    cwd, listing = trace.stdout.splitlines()
    assert trace.status == "exception" and "EOFError" in (trace.exception or "")
    assert "neurodebug-run-" in cwd and listing == "[]"
    assert not os.path.exists(cwd)  # removed after the run


def test_deleting_its_folder_and_writing_outside_change_nothing(
    pool: WorkerPool, tmp_path: Path
) -> None:
    keep = tmp_path / "keep.txt"
    keep.write_text("precious")
    outside = tmp_path / "written.txt"
    trace = run(
        pool,
        f"""\
        import os, shutil
        def main():
            open("mine.txt", "w").write("x")
            shutil.rmtree(os.getcwd(), ignore_errors=True)
            for attempt in (lambda: os.remove({str(keep)!r}),
                            lambda: open({str(outside)!r}, "w").write("escaped"),
                            lambda: open(os.path.expanduser("~/.neurodebug-escape"), "w")):
                try:
                    attempt()
                    print("done")
                except OSError as error:
                    print(type(error).__name__)
        """,
    )
    assert trace.status == "ok", trace.exception
    assert keep.read_text() == "precious"
    assert not outside.exists()
    assert not Path("~/.neurodebug-escape").expanduser().exists()
    if PRIVILEGED_LINUX:
        assert "done" not in trace.stdout  # a read-only filesystem, not just luck


@pytest.mark.skipif(not PRIVILEGED_LINUX, reason="network namespaces need root on Linux")
def test_sockets_cannot_reach_anything(pool: WorkerPool) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        trace = run(
            pool,
            f"""\
            import socket
            def main():
                for host in ("127.0.0.1", "1.1.1.1"):
                    try:
                        socket.create_connection((host, {port}), timeout=1).close()
                        print("connected")
                    except OSError as error:
                        print(type(error).__name__)
            """,
        )
    finally:
        listener.close()
    assert trace.status == "ok", trace.exception
    assert trace.stdout.count("connected") == 0 and len(trace.stdout.splitlines()) == 2


@pytest.mark.skipif(not PRIVILEGED_LINUX, reason="capabilities matter for root on Linux")
def test_programs_it_executes_get_no_capabilities_back(pool: WorkerPool) -> None:
    # root regains every capability at execve unless no_new_privs is set: a program the user
    # code starts could otherwise remount the filesystem read-write or leave the namespaces
    trace = run(
        pool,
        f"""\
        import subprocess
        def main():
            status = subprocess.run(
                [{sys.executable!r}, "-c", "print(open('/proc/self/status').read())"],
                capture_output=True, text=True, check=True,
            ).stdout
            print(next(line.split()[1] for line in status.splitlines() if line.startswith("CapEff:")))
        """,
    )
    assert trace.status == "ok", trace.exception
    assert int(trace.stdout.strip(), 16) == 0


def test_spinning_and_sleeping_programs_are_stopped(pool: WorkerPool) -> None:
    for body in ("while True:\n        pass", "import time; time.sleep(1000)"):
        started = time.monotonic()
        trace = run(pool, f"def main():\n    {body}\n")
        assert trace.status in {"timeout", "step_limit"}, body
        assert time.monotonic() - started < 8.0


def test_allocating_ten_gigabytes_hits_the_memory_limit(pool: WorkerPool) -> None:
    trace = run(pool, "def main():\n    block = bytearray(10 * 1024**3)\n    return len(block)\n")
    assert trace.status in {"memory_limit", "exception"}
    assert trace.status == "memory_limit" or "MemoryError" in (trace.exception or "")


def test_children_are_killed_with_the_run(pool: WorkerPool) -> None:
    trace = run(
        pool,
        """\
        import os, time
        def main():
            for _ in range(5):
                if os.fork() == 0:
                    time.sleep(1000)
                    os._exit(0)
            return os.getpgid(0)
        """,
    )
    assert trace.status == "ok" and trace.result is not None
    group = int(trace.result)
    time.sleep(0.2)
    members = [
        entry.name
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _process_group(entry) == group
    ]
    assert members == []


def test_fork_bomb_is_contained_and_killed(pool: WorkerPool) -> None:
    before = sandbox_processes(pool)
    started = time.monotonic()
    trace = run(pool, "import os\ndef main():\n    while True:\n        os.fork()\n")
    assert trace.status in {"timeout", "crashed", "exception", "step_limit"}
    assert time.monotonic() - started < 15.0
    deadline = time.monotonic() + 5.0
    while sandbox_processes(pool) != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sandbox_processes(pool) == before  # only the worker is left
    assert run(pool, "def main():\n    return 41 + 1\n").result == "42"  # and it still works


def _process_group(entry: Path) -> int | None:
    """The process group of a live (or zombie) process; `None` once it is gone or reaped."""
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[2])
