"""Inlay hints: the predicted values each executed line writes, at the end of the line.

Hints exist only after a prediction was made on request (code lens, command); they vanish
when the function is edited (see `invalidate_runs`).
"""

from __future__ import annotations

from lsprotocol import types
from neurodebug.neural_debugger.predict.runs import label, text_hash, tooltip
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_position


def invalidate_runs(server: NeurodebugServer, uri: str) -> None:
    """Drop the traces of every function whose text changed (or that no longer exists)."""
    document = server.state.documents.get(uri)
    changed = False
    for runs in (server.state.runs.predicted, server.state.runs.real):
        by_function = runs.get(uri)
        if not by_function:
            continue
        if document is None:
            runs.pop(uri, None)
            changed = True
            continue
        current = {
            function.qualname: text_hash(
                document.source, function.node.start_byte, function.node.end_byte
            )
            for function in document.facts.functions
        }
        for qualname, run in list(by_function.items()):
            if current.get(qualname) != run.text_hash:
                del by_function[qualname]
                changed = True
    verified = server.state.verified.get(uri)
    if verified:
        for qualname, (old_hash, _items) in list(verified.items()):
            if document is None or current_hash(server, uri, qualname) != old_hash:
                del verified[qualname]
    if changed:
        server.refresh_hints()


def current_hash(server: NeurodebugServer, uri: str, qualname: str) -> str | None:
    """The text hash of a function as it is now, or None if it is gone."""
    document = server.state.documents.get(uri)
    if document is None:
        return None
    for function in document.facts.functions:
        if function.qualname == qualname:
            return text_hash(document.source, function.node.start_byte, function.node.end_byte)
    return None


def register(server: NeurodebugServer) -> None:
    server.state.change_hooks.append(invalidate_runs)

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
                        label=label(values, ls.state.options.inlay_hint_width),
                        kind=types.InlayHintKind.Type,
                        tooltip=tooltip(values, total, f"predicted for {run.entry}"),
                        padding_left=True,
                    )
                )
        return hints
