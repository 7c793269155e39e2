"""Inlay hints: the predicted values each executed line writes, at the end of the line.

Hints exist only after a prediction was made on request (code lens, command). They follow edits
elsewhere in the document (a line inserted above moves them down with their lines) and vanish
when the function itself is edited (see `follow_edits`); verification diagnostics do the same.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from lsprotocol import types
from neurodebug.neural_debugger.predict.runs import (
    TextEdit,
    label,
    relocate_span,
    row_after,
    span_after,
    tooltip,
)
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_position
from neurodebug.server.features.diagnostics import publish_verified, pushes_verified


def follow_edits(server: NeurodebugServer, uri: str, edits: list[TextEdit] | None) -> None:
    """Move the document's predictions, real runs and verification diagnostics through one
    `didChange` (`edits` None: the whole text was replaced); drop those of every function whose
    own text changed or that no longer exists."""
    document = server.state.documents.get(uri)
    if document is None:
        server.state.runs.predicted.pop(uri, None)
        server.state.runs.real.pop(uri, None)
        server.state.verified.pop(uri, None)
        return
    source = document.source
    changed = server.state.runs.follow_edits(uri, edits, source, lambda: document.facts.functions)
    verified = server.state.verified.get(uri)
    moved = False
    if verified:
        for qualname, (span, items) in list(verified.items()):
            if edits is None:
                found = relocate_span(span, qualname, document.facts.functions, source)
            else:
                found = span_after(span, edits, source)
            if found is None:
                del verified[qualname]
                moved = True
                continue
            rows = found.line - span.line
            if edits is None and rows:
                items = _moved_diagnostics(items, partial(_shifted, rows=rows))
                moved = True
            elif edits and any(edit.old_end_row != edit.new_end_row for edit in edits):
                items = _moved_diagnostics(items, lambda row: row_after(row, edits))
                moved = True
            verified[qualname] = (found, items)
    if moved and pushes_verified(server):
        publish_verified(server, uri)
    if changed:
        server.refresh_hints()


def _shifted(row: int, rows: int) -> int:
    return row + rows


def _moved_diagnostics(items: list[Any], move: Callable[[int], int]) -> list[Any]:
    """Diagnostics (as JSON) with each 0-based line `n` of their ranges at `move(n)`."""
    moved = []
    for item in items:
        start, end = item["range"]["start"], item["range"]["end"]
        moved.append(
            {
                **item,
                "range": {
                    "start": {**start, "line": move(start["line"])},
                    "end": {**end, "line": move(end["line"])},
                },
            }
        )
    return moved


def register(server: NeurodebugServer) -> None:
    server.state.change_hooks.append(follow_edits)

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    def inlay_hint(
        ls: NeurodebugServer, params: types.InlayHintParams
    ) -> list[types.InlayHint] | None:
        """One hint per executed line of each predicted function in the range."""
        uri = params.text_document.uri
        document = ls.state.documents.get(uri)
        if document is None or not ls.state.options.predictions:
            return None
        first, last = params.range.start.line, params.range.end.line
        options = ls.state.options
        hints: list[types.InlayHint] = []
        for run in ls.state.runs.predicted.get(uri, {}).values():
            total = len(run.trace.steps)
            for line, values in sorted(run.lines.items()):
                if not values.values or not first <= line - 1 <= last:
                    continue
                end = len(document.line_bytes(line - 1).rstrip())
                hints.append(
                    types.InlayHint(
                        position=lsp_position(document, line - 1, end, ls.encoding),
                        label=label(values, options.inlay_hint_width, options.confidence_threshold),
                        kind=types.InlayHintKind.Type,
                        tooltip=tooltip(values, total, f"predicted for {run.entry}"),
                        padding_left=True,
                    )
                )
        return hints
