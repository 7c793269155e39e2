"""Resource limits for processes that run user code: what a traced run may use, and one function
that caps the calling process.

Why one home: three runners of user code cap the same resources — the sandbox's forked children
(`sandbox.py`), the debuggee of a debugpy session (the wrapper program `debugpy_runner.py`
generates imports this module and calls `limit_this_process` before it loads the user's file) and
the profiler's subprocess (`neurodebug.cost.profiling`, from its `preexec_fn`). Each picks its own
numbers; how an rlimit is set, and what happens when the OS refuses one, is decided here.

Only the standard library is imported: the debuggee pays for this import before the user's code
runs, and it may run under another interpreter than the caller's.
"""

from __future__ import annotations

import contextlib
import os
import resource
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a traced run may use before it is stopped, with the status that says which limit hit."""

    timeout_s: float = 10.0
    """Wall-clock seconds for the whole run (module code and call): status `timeout`."""
    max_steps: int = 10_000
    """Recorded events before the run is stopped: status `step_limit`."""
    memory_mb: int = 1024
    """Address-space limit of the child process: status `memory_limit`."""


def limit_this_process(
    *,
    cpu_s: int | None = None,
    memory_bytes: int | None = None,
    file_bytes: int | None = None,
    memory_above_current: bool = False,
) -> None:
    """Cap this process's address space, CPU time and file size; `None` leaves a limit alone.

    The CPU limit's hard value is one second above the soft one, so the process gets SIGXCPU
    (which the runners report as a timeout) before the kernel's SIGKILL. With
    `memory_above_current`, the address-space cap is `memory_bytes` beyond what the process
    maps already (a debuggee holds debugpy's hundreds of megabytes before user code starts).
    A limit the OS refuses (above the hard limit, or no `/proc` to measure the current size
    from) is skipped and the others still apply: a run without one cap beats no run.
    """
    if memory_bytes is not None:
        with contextlib.suppress(ValueError, OSError):
            if memory_above_current:
                memory_bytes += _mapped_bytes()
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_s is not None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    if file_bytes is not None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))


def _mapped_bytes() -> int:
    """The process's virtual size now (Linux `/proc/self/statm`, in pages)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
