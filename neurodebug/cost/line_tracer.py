"""The child side of the line profiler: run a Python program, count its lines, sample its time.

Started by `neurodebug.cost.profiling.run_profile` as `python -m neurodebug.cost.line_tracer --out FILE
--root DIR -- MODE TARGET ARGS…` (MODE is `script`, `module` or `code`), never in the
caller's process. Python 3.11 has no `sys.monitoring`, so:

- **hit counts** come from `sys.settrace`, kept cheap: only frames whose code lives under
  `--root` (outside site-packages and virtual environments) get a line tracer — every other
  code object is rejected once and then runs without line events — and the line tracer is one
  function per file that does a single dict increment per line;
- **time** comes from sampling: a wall-clock interval timer (`SIGALRM`, 1 ms) records, for
  each sample, every line of the project's own frames on the main thread's stack (each once),
  so a line's time includes the calls it makes and a loop's lines sum to the loop's time. A
  sample caught inside the line tracer's body is its own cost and is dropped (see `sample`),
  so the counting inflates the lines it counts as little as possible.

A program that installs its own `SIGALRM` handler stops the sampling (counts go on);
`sampling_stopped` in the output says so.
"""

from __future__ import annotations

import argparse
import dis
import json
import os
import runpy
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

TraceFunction = Callable[[FrameType, str, Any], Any]

SAMPLE_INTERVAL_S = 0.001
_SKIPPED_PARTS = (
    "site-packages",
    "dist-packages",
    f"{os.sep}.venv{os.sep}",
    f"{os.sep}venv{os.sep}",
)


def _entry_offset(code: CodeType) -> int:
    """The offset of the `RESUME` that starts `code` (where pending signals are handled)."""
    return next(
        (i.offset for i in dis.get_instructions(code) if i.opname == "RESUME"),
        0,
    )


class LineTracer:
    """Per-line hit counts (traced) and inclusive time samples for code under one folder."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root).rstrip(os.sep) + os.sep
        self.hits: dict[str, dict[int, int]] = {}
        self.samples: dict[str, dict[int, int]] = {}
        """Inclusive samples: the line was on the stack."""
        self.self_samples: dict[str, dict[int, int]] = {}
        """Samples where the line was the innermost of the user's own lines."""
        self.event_cost = 0.0
        """Calibrated seconds one counted line event costs (see `calibrate`)."""
        self.program_samples = 0
        self.overhead_samples = 0
        self.sampling_stopped = False
        self._files: dict[CodeType, str | None] = {}
        """Code object → its resolved file when it is the user's own, else None."""
        self._locals: dict[str, TraceFunction] = {}
        self._own_file = os.path.realpath(__file__)
        self._own_entry: dict[CodeType, int] = {
            LineTracer.global_trace.__code__: _entry_offset(LineTracer.global_trace.__code__)
        }
        """The tracer's code objects → the offset of their first check point (RESUME)."""
        self._last: list[Any] = [None, None]
        """(file, line) of the last line event: where a sample caught on tracer entry belongs."""

    def wanted(self, filename: str) -> bool:
        """Whether code from `filename` is the user's own (under the root, not a library)."""
        if filename.startswith("<"):
            return False
        path = os.path.realpath(filename)
        if path == self._own_file or not path.startswith(self.root):
            return False
        return not any(part in path for part in _SKIPPED_PARTS)

    def file_of(self, code: CodeType) -> str | None:
        try:
            return self._files[code]
        except KeyError:
            path = os.path.realpath(code.co_filename) if self.wanted(code.co_filename) else None
            self._files[code] = path
            return path

    def _line_counter(self, path: str) -> TraceFunction:
        """The line tracer of one file: a single dict increment per line event."""
        hits = self.hits.setdefault(path, {})

        last = self._last

        def count_line(frame: FrameType, event: str, arg: Any) -> TraceFunction:
            if event == "line":
                line = frame.f_lineno
                hits[line] = hits.get(line, 0) + 1
                last[0], last[1] = path, line
            return count_line

        self._own_entry[count_line.__code__] = _entry_offset(count_line.__code__)
        return count_line

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        """The `call` hook: give the frame its file's line counter if the code is wanted."""
        path = self.file_of(frame.f_code)
        if path is None:
            return None
        counter = self._locals.get(path)
        if counter is None:
            counter = self._locals[path] = self._line_counter(path)
        return counter

    def sample(self, signum: int, frame: FrameType | None) -> None:
        """The timer's handler: one inclusive sample of the user's lines on the stack.

        A pending signal is handled at the next check point of the eval loop, which with a
        line tracer is usually the tracer's own entry: a sample caught there (the tracer has
        not started yet) belongs to the user code that was running, i.e. the previous line
        event's line; one caught further inside the tracer is the tracer's cost, dropped.
        """
        if frame is None:
            return
        previous: tuple[Any, Any] | None = None
        entry = self._own_entry.get(frame.f_code)
        if entry is not None:
            if frame.f_lasti > entry:
                self.overhead_samples += 1
                return
            previous = (self._last[0], self._last[1])
            frame = frame.f_back
        self.program_samples += 1
        innermost = True
        seen: set[tuple[str, int]] = set()
        current: FrameType | None = frame
        while current is not None:
            path = self.file_of(current.f_code)
            line = current.f_lineno
            if previous is not None and path is not None:
                if previous[0] == path and isinstance(previous[1], int):
                    line = previous[1]
                previous = None
            if path is not None and line is not None:
                if innermost:
                    own = self.self_samples.setdefault(path, {})
                    own[line] = own.get(line, 0) + 1
                    innermost = False
                key = (path, line)
                if key not in seen:
                    seen.add(key)
                    lines = self.samples.setdefault(path, {})
                    lines[key[1]] = lines.get(key[1], 0) + 1
            current = current.f_back

    def start(self) -> None:
        signal.signal(signal.SIGALRM, self.sample)
        signal.setitimer(signal.ITIMER_REAL, SAMPLE_INTERVAL_S, SAMPLE_INTERVAL_S)
        sys.settrace(self.global_trace)
        threading.settrace(self.global_trace)

    def stop(self) -> None:
        sys.settrace(None)
        threading.settrace(None)
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        if signal.getsignal(signal.SIGALRM) != self.sample:
            self.sampling_stopped = True
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    def results(self, wall_s: float) -> dict[str, Any]:
        """Counts, and each line's time with the counting's own cost taken out.

        Each sample stands for `wall / samples` seconds. Counting costs `event_cost` per line
        event: a line's own (innermost) time loses `hits × event_cost` (at most all of it),
        and the part of its inclusive time spent in callees is scaled by the share of the run
        that was not counting overhead.
        """
        total_samples = self.program_samples + self.overhead_samples
        traced_s = wall_s * self.program_samples / total_samples if total_samples else wall_s
        per_sample = traced_s / self.program_samples if self.program_samples else 0.0
        events = sum(sum(lines.values()) for lines in self.hits.values())
        overhead = min(0.95, events * self.event_cost / traced_s) if traced_s > 0 else 0.0
        times: dict[str, dict[str, float]] = {}
        for path, lines in self.samples.items():
            hits = self.hits.get(path, {})
            own_samples = self.self_samples.get(path, {})
            per: dict[str, float] = {}
            for line, count in lines.items():
                inclusive = count * per_sample
                own = own_samples.get(line, 0) * per_sample
                own_corrected = max(0.0, own - hits.get(line, 0) * self.event_cost)
                per[str(line)] = own_corrected + (inclusive - own) * (1.0 - overhead)
            times[path] = per
        return {
            "hits": {
                path: {str(k): v for k, v in lines.items()} for path, lines in self.hits.items()
            },
            "times": times,
            "total_s": max(1e-9, traced_s * (1.0 - overhead)),
            "wall_s": wall_s,
            "samples": self.program_samples,
            "overhead_samples": self.overhead_samples,
            "event_cost_s": self.event_cost,
            "sampling_stopped": self.sampling_stopped,
        }


def _calibration_loop(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def calibrate(events: int = 40_000) -> float:
    """Seconds one counted line event costs: the same loop timed with and without counting."""
    probe = LineTracer(os.path.join(os.sep, "nonexistent-root"))
    probe._files[_calibration_loop.__code__] = "<calibration>"
    plain = counted = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        _calibration_loop(events // 2)
        plain = min(plain, time.perf_counter() - started)
        sys.settrace(probe.global_trace)
        started = time.perf_counter()
        _calibration_loop(events // 2)
        elapsed = time.perf_counter() - started
        sys.settrace(None)
        counted = min(counted, elapsed)
    return max(0.0, (counted - plain) / events)


def run_target(mode: str, target: str, args: list[str]) -> None:
    """Run a script, a module or a code string as `python` would (as `__main__`)."""
    if mode == "script":
        sys.argv = [target, *args]
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")
    elif mode == "module":
        sys.argv = [target, *args]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif mode == "code":
        sys.argv = ["-c", *args]
        sys.path.insert(0, "")
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    else:
        raise ValueError(f"unknown mode {mode!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neurodebug.cost.line_tracer")
    parser.add_argument("--out", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("mode", choices=("script", "module", "code"))
    parser.add_argument("target")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    tracer = LineTracer(options.root)
    tracer.event_cost = calibrate()
    exit_code = 0
    started = time.perf_counter()
    tracer.start()
    try:
        run_target(options.mode, options.target, options.args)
    except SystemExit as exit_:
        code = exit_.code
        exit_code = code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException:
        exit_code = 1
        traceback.print_exc()
    finally:
        tracer.stop()
        data = tracer.results(time.perf_counter() - started)
        data["exit_code"] = exit_code
        temporary = options.out + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(temporary, options.out)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
