"""Run generated programs under `sys.settrace` and print what happened, as JSON on stdout.

Executed only as a subprocess by the soundness test (never imported): it reads
`[[source, [args...]], ...]` on stdin and, per program and argument tuple, writes the line
events of `f`'s frame with the local variables whose value changed since the previous event
(mutations included, detected by comparing `repr`s) and the opcode about to run.
"""

from __future__ import annotations

import dis
import json
import sys
from types import FrameType
from typing import Any

STEP_LIMIT = 5000


class _Limit(Exception):
    pass


def trace_one(source: str, args: list[int]) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    events: list[list[Any]] = []
    previous: dict[str, str] = {}

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_name != "f":
            return None
        if len(events) > STEP_LIMIT:
            raise _Limit
        current = {name: repr(value) for name, value in frame.f_locals.items()}
        changed = sorted(n for n, v in current.items() if previous.get(n) != v)
        previous.clear()
        previous.update(current)
        # the instruction about to run tells a real line from CPython's re-raise at the end
        # of a `finally`, which is reported on the finally's last line without running it
        opcode = dis.opname[frame.f_code.co_code[frame.f_lasti]] if event == "line" else ""
        events.append([event, frame.f_lineno, changed, opcode])
        return tracer

    outcome = "return"
    sys.settrace(tracer)
    try:
        namespace["f"](*args)
    except _Limit:
        outcome = "limit"
    except Exception as error:  # the program's own uncaught exception is part of the trace
        outcome = type(error).__name__
    finally:
        sys.settrace(None)
    return {"events": events, "outcome": outcome}


def main() -> None:
    programs = json.load(sys.stdin)
    results = [
        [trace_one(source, list(args)) for args in arguments] for source, arguments in programs
    ]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
