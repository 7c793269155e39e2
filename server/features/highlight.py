"""Document highlight: every definition (write) and use (read) of the name under the cursor."""

from __future__ import annotations

from lsprotocol import types
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_range


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def document_highlight(
        ls: NeurodebugServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        """Highlight the name's definitions as writes and its uses as reads, as Python
        resolves it (`analyzers.scopes`: a shadowing name elsewhere is another variable)."""
        document = ls.state.documents.get(params.text_document.uri)
        if document is None:
            return None
        position = params.position
        found = document.name_at(position.line, position.character, ls.encoding)
        if found is None:
            return None
        _occurrence, binding = found
        return [
            types.DocumentHighlight(
                range=lsp_range(
                    document,
                    occurrence.line,
                    occurrence.col,
                    occurrence.line,
                    occurrence.end_col,
                    ls.encoding,
                ),
                kind=types.DocumentHighlightKind.Write
                if occurrence.is_definition
                else types.DocumentHighlightKind.Read,
            )
            for occurrence in sorted((*binding.definitions, *binding.uses))
        ]
