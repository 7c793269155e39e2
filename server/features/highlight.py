"""Document highlight: every definition (write) and use (read) of the name under the cursor."""

from __future__ import annotations

from lsprotocol import types
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_position
from neurodebug.server.symbols import identifier_at, node_text, occurrences, scope_of


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def document_highlight(
        ls: NeurodebugServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        """Highlight the name's definitions as writes and its uses as reads, in its scope."""
        document = ls.state.documents.get(params.text_document.uri)
        if document is None:
            return None
        position = params.position
        node = identifier_at(
            document.tree, document.offset(position.line, position.character, ls.encoding)
        )
        if node is None:
            return None
        found = occurrences(scope_of(node), node_text(node))
        return [
            types.DocumentHighlight(
                range=types.Range(
                    lsp_position(document, *occurrence.start_point, ls.encoding),
                    lsp_position(document, *occurrence.end_point, ls.encoding),
                ),
                kind=types.DocumentHighlightKind.Write
                if occurrence.is_write
                else types.DocumentHighlightKind.Read,
            )
            for occurrence in found
        ]
