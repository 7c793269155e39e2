"""`neurodebug.verify`: run an entry in a real debugpy session and check the prediction by it.

Shapes are documented in `neurodebug.server.commands`. User code runs only here, on an explicit
command, in its own process group (`verify.debug_entry_isolated`), so a cancelled or timed-out
request kills it. The comparison with the prediction is `verify.check_stops`, the same set-up
`neurodebug verify` uses; this module turns it into the command's JSON and into information
diagnostics that follow edits elsewhere and last until the function itself is edited.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types
from neurodebug.analyzers.document import Document
from neurodebug.neural_debugger.groundtruth.actions import DebuggerStop
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.groundtruth.verify import (
    DebugRunError,
    Disagreement,
    check_stops,
    debug_entry_isolated,
)
from neurodebug.neural_debugger.predict.runs import Span, record_run, text_hash
from neurodebug.server.analysis import uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import (
    VERIFY,
    CommandError,
    document_of,
    entry_of,
    function_at,
    int_field,
)
from neurodebug.server.convert import lsp_line_range
from neurodebug.server.features.diagnostics import refresh_document
from neurodebug.server.features.predict_commands import trace_json
from neurodebug.server.progress import cancellable, log_user_errors_briefly, with_progress

VERIFY_SOURCE = "neurodebug-verify"


def _runnable_copy(document: Document) -> tuple[Path, Path | None]:
    """The file to run: the document itself when saved, else a temporary copy of the buffer
    (and the folder to delete afterwards)."""
    path = uri_path(document.uri)
    if path is not None and path.is_file() and path.read_bytes() == document.source:
        return path, None
    folder = Path(tempfile.mkdtemp(prefix="neurodebug-verify-"))
    copy = folder / (path.name if path is not None else "buffer.py")
    copy.write_bytes(document.source)
    return copy, folder


def mismatch_json(
    item: Disagreement, expected: list[DebuggerStop], actual: Trace
) -> dict[str, Any]:
    """One disagreement in the command's `mismatches` shape (see `server/commands.py`)."""
    want = expected[item.stop] if 0 <= item.stop < len(expected) else None
    got = actual.steps[item.stop] if 0 <= item.stop < len(actual.steps) else None
    line = got.line if got is not None else want.line if want is not None else 0
    return {
        "line": line,
        "step": item.stop,
        "message": f"predicted {item.field} {item.expected}, debugpy saw {item.actual}",
        "predicted": None
        if want is None
        else {
            "line": want.line,
            "function": want.function,
            "depth": want.depth,
            "locals": want.locals,
        },
        "actual": None if got is None else got.to_json(),
    }


async def verify(server: NeurodebugServer, arg: dict[str, Any]) -> dict[str, Any]:
    """Run the entry in a real debugpy session; compare with the prediction if there is one."""
    document = document_of(server, arg)
    facts = function_at(document, int_field(arg, "line"))
    entry = entry_of(document, facts, arg)
    options = server.state.options
    target, temporary = _runnable_copy(document)

    async def run_debugpy() -> Trace:
        try:
            return await debug_entry_isolated(
                target, facts.name, entry, options.max_steps, options.run_timeout
            )
        except DebugRunError as error:
            raise CommandError(str(error)) from error

    try:
        actual: Trace = await with_progress(
            server,
            f"neurodebug: running {entry} under debugpy",
            None,
            options.run_timeout + 30,
            job=run_debugpy,
        )
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    run = server.state.runs.predicted.get(document.uri, {}).get(facts.qualname)
    predicted = run.trace if run is not None and run.entry == entry else None
    mismatches: list[dict[str, Any]] = []
    if predicted:
        expected, found = check_stops(predicted, actual, document.text, max_stops=options.max_steps)
        mismatches = [mismatch_json(item, expected, actual) for item in found]
    record_run(server.state.runs.real, document.uri, document.source, facts, entry, actual)
    items = [
        server.state.converter.unstructure(
            types.Diagnostic(
                range=lsp_line_range(document, m["line"] or facts.def_line, server.encoding),
                message=f"{m['message']} (stop {m['step']}, {entry})",
                severity=types.DiagnosticSeverity.Information,
                source=VERIFY_SOURCE,
            )
        )
        for m in mismatches
    ]
    span = Span(
        facts.node.start_byte,
        facts.node.end_byte,
        facts.def_line,
        text_hash(document.source, facts.node.start_byte, facts.node.end_byte),
    )
    server.state.verified.setdefault(document.uri, {})[facts.qualname] = (span, items)
    refresh_document(server, document.uri)
    return {
        "function": facts.qualname,
        "entry": entry,
        "actual": trace_json(actual),
        "predicted": trace_json(predicted) if predicted is not None else None,
        "mismatches": mismatches,
    }


def register(server: NeurodebugServer) -> None:
    log_user_errors_briefly()
    server.command(VERIFY)(cancellable(verify))
