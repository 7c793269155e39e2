"""The one trace schema shared by the tracer, the debugpy runner, the model and the server.

A `Step` is a debugger stop: the event, where it happened, and the frame's locals *before* the
line runs (as debuggers show them), each value a `repr` cut to a fixed length. A `Trace` is the
steps of one run plus how it ended. Everything round-trips through JSON.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Event = Literal["call", "line", "return", "exception"]
EVENTS: tuple[Event, ...] = ("call", "line", "return", "exception")

MAX_REPR_CHARS = 80
"""Values longer than this are cut and end with `...`: long reprs cost tokens and teach nothing."""

Status = Literal["ok", "exception", "timeout", "step_limit", "memory_limit", "crashed"]


def source_lines(text: str) -> list[str]:
    """The lines of a source as a trace's line numbers count them: only `\n`, `\r\n` and `\r`
    end a line (`str.splitlines` also splits on form feeds, `\x1c`-`\x1e`, `\x85`, `\u2028`,
    which Python's tokenizer does not). No trailing empty line for a final newline."""
    lines = io.StringIO(text, newline=None).read().split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def truncate_repr(text: str, limit: int = MAX_REPR_CHARS) -> str:
    """Cut a repr to `limit` characters, marking the cut with a trailing `...`."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Step:
    """One stop: `locals` is the state before `line` runs; `value` is set at return/exception."""

    line: int
    event: Event
    function: str
    depth: int
    locals: dict[str, str] = field(default_factory=dict)
    value: str | None = None
    """The return value's repr at a `return` event, the exception's at an `exception` event."""
    yielded: bool = False
    """At a `return` event: the frame is a generator that yielded `value` and may resume.

    Serialized only when true, so traces without generators keep the original JSON shape. A
    debugger treats a yield differently from a return (it does not stop back in the caller)."""
    probability: float = field(default=1.0, compare=False)
    """How sure a prediction is of this stop (the decoder's probability of what it wrote; 1.0
    for real runs and for stops folding computed). Serialized only when below 1; never part of
    equality, so a predicted stop equals the real one whatever its confidence."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["value"] is None:
            del data["value"]
        if not data["yielded"]:
            del data["yielded"]
        if data["probability"] >= 1.0:
            del data["probability"]
        return data

    @staticmethod
    def from_json(data: dict[str, Any]) -> Step:
        return Step(
            line=int(data["line"]),
            event=data["event"],
            function=str(data["function"]),
            depth=int(data["depth"]),
            locals={str(k): str(v) for k, v in data.get("locals", {}).items()},
            value=data.get("value"),
            yielded=bool(data.get("yielded", False)),
            probability=float(data.get("probability", 1.0)),
        )


@dataclass
class Trace:
    """The steps of one run and its outcome: a result repr, or an exception, or why it stopped."""

    steps: list[Step]
    result: str | None = None
    exception: str | None = None
    status: Status = "ok"
    stdout: str = ""
    stderr: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "stops": [step.to_json() for step in self.steps],
            "result": self.result,
            "exception": self.exception,
            "status": self.status,
            "stdout": self.stdout,
            "stderr": self.stderr,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Trace:
        return Trace(
            steps=[Step.from_json(step) for step in data.get("stops", [])],
            result=data.get("result"),
            exception=data.get("exception"),
            status=data.get("status", "ok"),
            stdout=data.get("stdout", ""),
            stderr=data.get("stderr", ""),
        )
