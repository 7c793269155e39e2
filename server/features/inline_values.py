"""`textDocument/inlineValue`: while the client's debugger is stopped, the predicted values of
the lines ahead of the stop (from the function's prediction), shown next to those lines.

Neovim has no UI for this request; VS Code asks at every stop. Fresh predictions from the real
frame's locals come from the `neurodebug.predictFromState` command instead.
"""

from __future__ import annotations

from lsprotocol import types
from neurodebug.neural_debugger.predict.runs import label
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_position


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_VALUE)
    def inline_value(
        ls: NeurodebugServer, params: types.InlineValueParams
    ) -> list[types.InlineValue] | None:
        """Predicted values for the lines from the stop to the end of the visible range."""
        uri = params.text_document.uri
        document = ls.state.documents.get(uri)
        if document is None or not ls.state.options.predictions:
            return None
        stop_line = params.context.stopped_location.start.line + 1
        function = document.facts.function_at(stop_line)
        run = ls.state.runs.predicted.get(uri, {}).get(function.qualname)
        if run is None:
            return []
        first = max(stop_line, params.range.start.line + 1)
        last = params.range.end.line + 1
        width, sure = ls.state.options.inlay_hint_width, ls.state.options.confidence_threshold
        values: list[types.InlineValue] = []
        for line, written in sorted(run.lines.items()):
            if not first <= line <= last or not written.values:
                continue
            end = len(document.line_bytes(line - 1).rstrip())
            position = lsp_position(document, line - 1, end, ls.encoding)
            values.append(
                types.InlineValueText(
                    range=types.Range(position, position),
                    text=f"predicted: {label(written, width, sure)}",
                )
            )
        return values
