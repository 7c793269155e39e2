"""The child side of the line profiler: run a Python program under a line tracer, save counts.

Started by `neurodebug.profiling.run_profile` as `python -m neurodebug.line_tracer --out FILE
--root DIR -- MODE TARGET ARGS…` (MODE is `script`, `module` or `code`), never in the
caller's process. Python 3.11 has no `sys.monitoring`, so this uses `sys.settrace` and keeps
its cost down three ways:

- only frames whose code lives under `--root` (and outside site-packages and virtual
  environments) get a line tracer; every other frame is rejected once per code object, so
  library code runs without line events;
- each callback is a few dict operations on per-file tables captured in a closure;
- the tracer's own time is measured and subtracted from the clock the lines are timed with
  (plus a calibrated per-event dispatch cost), the way cProfile compensates, so time shares
  reflect the program rather than the profiler.

A line's time is the time from its line event to the next event of the same frame, so it is
inclusive of the calls it makes: summing the lines of a loop gives the loop's time.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

TraceFunction = Callable[[FrameType, str, Any], Any]

_SKIPPED_PARTS = (
    "site-packages",
    "dist-packages",
    f"{os.sep}.venv{os.sep}",
    f"{os.sep}venv{os.sep}",
)


class LineTracer:
    """Per-line hit counts and inclusive times for code under one folder."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root).rstrip(os.sep) + os.sep
        self.hits: dict[str, dict[int, int]] = {}
        self.times: dict[str, dict[int, float]] = {}
        self.overhead = 0.0
        """Seconds spent inside the tracer so far; subtracted from the clock lines are timed by."""
        self.bias = 0.0
        """Per-callback dispatch cost outside the measured window (calibrated)."""
        self._wanted: dict[CodeType, bool] = {}
        self._own_file = os.path.realpath(__file__)

    def wanted(self, filename: str) -> bool:
        """Whether code from `filename` is the user's own (under the root, not a library)."""
        if filename.startswith("<"):
            return False
        path = os.path.realpath(filename)
        if path == self._own_file or not path.startswith(self.root):
            return False
        return not any(part in path for part in _SKIPPED_PARTS)

    def global_trace(self, frame: FrameType, event: str, arg: Any) -> TraceFunction | None:
        """The `call` hook: give the frame a line tracer if its code is wanted."""
        start = time.perf_counter()
        code = frame.f_code
        keep = self._wanted.get(code)
        if keep is None:
            keep = self._wanted[code] = self.wanted(code.co_filename)
        if not keep:
            self.overhead += time.perf_counter() - start + self.bias
            return None
        filename = os.path.realpath(code.co_filename)
        hits = self.hits.setdefault(filename, {})
        times = self.times.setdefault(filename, {})
        tracer = self
        state: list[Any] = [frame.f_lineno, 0.0]

        def local_trace(frame: FrameType, event: str, arg: Any) -> TraceFunction:
            entered = time.perf_counter()
            now = entered - tracer.overhead
            line = state[0]
            times[line] = times.get(line, 0.0) + (now - state[1])
            if event == "line":
                line = frame.f_lineno
                hits[line] = hits.get(line, 0) + 1
                state[0] = line
            tracer.overhead += time.perf_counter() - entered + tracer.bias
            state[1] = time.perf_counter() - tracer.overhead
            return local_trace

        self.overhead += time.perf_counter() - start + self.bias
        state[1] = time.perf_counter() - self.overhead
        return local_trace

    def start(self) -> None:
        sys.settrace(self.global_trace)
        threading.settrace(self.global_trace)

    def stop(self) -> None:
        sys.settrace(None)
        threading.settrace(None)

    def results(self) -> dict[str, Any]:
        return {
            "hits": {
                path: {str(k): v for k, v in lines.items()} for path, lines in self.hits.items()
            },
            "times": {
                path: {str(k): max(0.0, v) for k, v in lines.items()}
                for path, lines in self.times.items()
            },
        }


def _calibration_loop(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def calibrate(events: int = 20_000) -> float:
    """The per-callback cost the tracer cannot see itself (C→Python dispatch), in seconds.

    Runs the same small loop untraced and traced (with this module as the only wanted file)
    and attributes the unexplained difference to the callbacks; clamped to [0, 5 µs].
    """
    probe = LineTracer(os.path.join(os.sep, "nonexistent-root"))
    probe._wanted[_calibration_loop.__code__] = True
    best_plain = best_traced = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        _calibration_loop(events)
        best_plain = min(best_plain, time.perf_counter() - started)
        probe.overhead = 0.0
        sys.settrace(probe.global_trace)
        started = time.perf_counter()
        _calibration_loop(events)
        elapsed = time.perf_counter() - started
        sys.settrace(None)
        best_traced = min(best_traced, elapsed - probe.overhead)
    callbacks = 2 * events + 2
    return min(5e-6, max(0.0, (best_traced - best_plain) / callbacks))


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
    parser = argparse.ArgumentParser(prog="python -m neurodebug.line_tracer")
    parser.add_argument("--out", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("mode", choices=("script", "module", "code"))
    parser.add_argument("target")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    tracer = LineTracer(options.root)
    tracer.bias = calibrate()
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
        elapsed = time.perf_counter() - started
        data = tracer.results()
        data.update(
            total_s=max(1e-9, elapsed - tracer.overhead),
            wall_s=elapsed,
            exit_code=exit_code,
            bias_s=tracer.bias,
        )
        temporary = options.out + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(temporary, options.out)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
