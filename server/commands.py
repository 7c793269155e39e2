"""`workspace/executeCommand` commands: names, argument and result JSON shapes, handlers.

This module holds the static commands and the argument readers every command shares; the
neural and ground-truth commands live in `features/predict_commands.py`,
`features/step_commands.py` and `features/verify_commands.py`.

Every command takes ONE argument, a JSON object, and returns a JSON object. Positions
(`line`, `character`, `range`) are LSP positions: 0-based, columns in the negotiated encoding.
Lines inside traces (`Step.line`) are 1-based source lines, as in the shared trace schema
(`neurodebug.neural_debugger.groundtruth.trace`): a step is
`{"line": 12, "event": "line", "function": "f", "depth": 1, "locals": {"x": "3"}}` (+ `"value"`
at return/exception events). A trace is `{"stops": [step…], "result": "12" | null,
"exception": null | "ValueError('…')", "status": "ok" | "exception" | "timeout" | …}`.
`entry` is a call expression such as `"f(3, [1, 2])"`; when omitted, the function's entry
call is used (`neurodebug.neural_debugger.groundtruth.entries.find_entry`, first found wins: a
`# neurodebug: f(3, [1, 2])` comment above or inside it, a `>>> f(…)` doctest in its
docstring, one in the module's docstring, the first literal call in a `test_*` function of the
module's test file). A method needs a call that constructs its receiver (`C().m(1)`).

Static (always available):

- `neurodebug.slice` `{"uri", "line", "character"}` — backward slice of the variable under the
  cursor → `{"variable": "total", "line": 7, "lines": [3, 5, 7], "ranges": [Range…]}` (`line` and
  `lines` 1-based; `ranges` cover each statement line of the slice).
- `neurodebug.functionHints` `{"uri", "line"}` — the performance hints inside the function at
  `line` → `{"function": "f", "hints": [{"code", "message", "range", "fix": "safe"|"unsafe"|null}]}`.

Neural (need the `neural` extra and a checkpoint; otherwise an error with one clear message):

- `neurodebug.predict` `{"uri", "line", "entry"?}` — predict the trace of the function at
  `line` called as `entry`; the result also becomes inlay hints → `{"function", "entry",
  "trace": trace}`.
- `neurodebug.stepInto` / `neurodebug.stepOver` / `neurodebug.stepOut` / `neurodebug.continue`
  `{"uri", "line", "entry"?, "stop": step | null, "breakpoints"?: [1-based line…]}` — the next
  predicted stop from `stop` (null: the function's first line) → `{"stop": step | null}` (null:
  the call ended; then `"result"` or `"exception"` is set).
- `neurodebug.predictFromState` `{"uri", "line" (1-based stop line), "locals": {"x": "3"},
  "count"?: 5}` — the real frame's locals, read by the client from its debug session, rolled
  forward by the model → `{"function", "stops": [step…]}`.
- `neurodebug.predictInputs` `{"uri", "line", "output": "repr", "count"?: 3}` — inputs that
  should produce `output` → `{"function", "candidates": [{"entry": "f(…)", "verified": bool |
  null}]}`.
- `neurodebug.clearPredictions` `{"uri"}` → `{"cleared": n}` (hints disappear).

Ground truth (runs user code in a subprocess with a timeout — only when asked):

- `neurodebug.verify` `{"uri", "line", "entry"?}` — run `entry` under debugpy, compare with the
  prediction (made first if missing) → `{"function", "entry", "actual": trace, "predicted":
  trace | null, "mismatches": [{"line": 1-based, "step": index, "message", "predicted": step |
  null, "actual": step | null}]}`. Mismatches are also published as information diagnostics
  (source `neurodebug-verify`) until the function is edited.

Integrity (`server/features/integrity.py`):

- `neurodebug.documentDigest` `{"uri"}` → `{"uri", "version", "length", "sha256"}` of the
  server's copy of an open document (UTF-8 bytes), or null when it is not open: a client
  compares it with its own text to check that no edit was lost.

Code lenses above a function run `neurodebug.predict` and `neurodebug.verify` (when it has an
entry call) and `neurodebug.functionHints` (when it has hints) with `{"uri", "line"}` (the
`def` line).
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from neurodebug.analyzers.definitions import method_receiver
from neurodebug.analyzers.document import Document
from neurodebug.analyzers.facts import FunctionFacts
from neurodebug.neural_debugger.groundtruth.entries import Entry, find_entry
from neurodebug.server.analysis import uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_line_range, lsp_range
from neurodebug.server.features.diagnostics import current_report
from pygls.exceptions import JsonRpcInvalidParams

LOG = logging.getLogger(__name__)

SLICE = "neurodebug.slice"
FUNCTION_HINTS = "neurodebug.functionHints"
PREDICT = "neurodebug.predict"
VERIFY = "neurodebug.verify"
STEP_INTO = "neurodebug.stepInto"
STEP_OVER = "neurodebug.stepOver"
STEP_OUT = "neurodebug.stepOut"
CONTINUE = "neurodebug.continue"
PREDICT_FROM_STATE = "neurodebug.predictFromState"
PREDICT_INPUTS = "neurodebug.predictInputs"
CLEAR_PREDICTIONS = "neurodebug.clearPredictions"


class CommandError(JsonRpcInvalidParams):
    """A command called with arguments it cannot work with; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def argument(args: tuple[Any, ...]) -> dict[str, Any]:
    """The single JSON object every command takes."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise CommandError("expected one argument: a JSON object")
    return dict(args[0])


def document_of(server: NeurodebugServer, arg: dict[str, Any]) -> Document:
    uri = arg.get("uri")
    document = server.state.documents.get(uri) if isinstance(uri, str) else None
    if document is None:
        raise CommandError(f"document is not open: {uri!r}")
    return document


def int_field(arg: dict[str, Any], key: str, default: int | None = None) -> int:
    value = arg.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CommandError(f"{key!r} must be a non-negative integer, got {value!r}")
    return value


def function_at(document: Document, line0: int) -> FunctionFacts:
    """The function whose body holds 0-based `line0`."""
    facts = document.facts.function_at(line0 + 1)
    if facts.kind != "function":
        raise CommandError(f"no function at line {line0 + 1}")
    return facts


def entry_of(document: Document, facts: FunctionFacts, arg: dict[str, Any]) -> str:
    """The call to run: the argument's `entry`, else the function's entry call
    (`groundtruth.entries.find_entry`: entry comment, doctest, module doctest, first test)."""
    entry = arg.get("entry")
    if isinstance(entry, str) and entry.strip():
        return entry.strip()
    found = function_entry(document, facts)
    if found is None:
        receiver = method_receiver(facts.node)
        example = f"{facts.qualname.rpartition('.')[0]}().{facts.name}" if receiver else facts.name
        raise CommandError(
            f"no entry call for {facts.name}: pass 'entry', or add a comment such as "
            f"`# neurodebug: {example}(...)` above the function or a doctest `>>> {example}(...)`"
        )
    return found.call


def function_entry(document: Document, facts: FunctionFacts) -> Entry | None:
    """The function's entry call found in the document (and in its test file, when saved)."""
    path = uri_path(document.uri)
    return find_entry(
        document.text,
        facts.def_line,
        facts.end_line,
        facts.name,
        path=path if path is not None and path.is_file() else None,
        receiver=method_receiver(facts.node),
    )


def slice_command(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Backward slice of the variable under the cursor, as lines and ranges."""
    document = document_of(server, arg)
    found = document.name_at(
        int_field(arg, "line"), int_field(arg, "character", 0), server.encoding
    )
    if found is None:
        raise CommandError("no variable at this position")
    occurrence, binding = found
    variable, line = binding.name, occurrence.line
    facts = document.facts.function_at(line)
    statement_line = facts.statement_line(line) or line
    lines = sorted(facts.backward_slice(statement_line, variable))
    return {
        "variable": variable,
        "line": statement_line,
        "lines": lines,
        "ranges": [lsp_line_range(document, number, server.encoding) for number in lines],
    }


async def function_hints(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """The performance hints (rule findings, not syntax errors) inside one function."""
    document = document_of(server, arg)
    facts = document.facts.function_at(int_field(arg, "line") + 1)
    found = await current_report(server, document.uri)
    findings = found[0].findings if found is not None else []
    hints = [
        {
            "code": finding.code,
            "message": finding.message,
            "range": lsp_range(
                document,
                finding.line,
                finding.column,
                finding.end_line,
                finding.end_column,
                server.encoding,
            ),
            "fix": None if finding.fix is None else finding.fix.safety,
        }
        for finding in findings
        if finding.severity != "error" and facts.def_line <= finding.line <= facts.end_line
    ]
    return {"function": facts.qualname, "hints": hints}


def register(server: NeurodebugServer) -> None:
    @server.command(SLICE)
    def run_slice(ls: NeurodebugServer, *args: Any) -> dict[str, Any]:
        """Backward slice of a variable."""
        return slice_command(ls, argument(args))

    @server.command(FUNCTION_HINTS)
    async def run_function_hints(ls: NeurodebugServer, *args: Any) -> dict[str, Any]:
        """Performance hints of one function."""
        return await function_hints(ls, argument(args))


def to_json(value: types.Range) -> dict[str, Any]:
    """A range as plain JSON (for results built by hand)."""
    return {
        "start": {"line": value.start.line, "character": value.start.character},
        "end": {"line": value.end.line, "character": value.end.character},
    }
