"""Text synchronisation: keep each open document's bytes and tree current, incrementally.

Every edit is applied to the server's own copy (`Document.apply_edit`) so tree-sitter can
re-parse just the edited region; then diagnostics are scheduled (debounced).
"""

from __future__ import annotations

import logging

from lsprotocol import types
from neurodebug.analyzers.document import Document
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.features.diagnostics import forget, schedule

LOG = logging.getLogger(__name__)


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NeurodebugServer, params: types.DidOpenTextDocumentParams) -> None:
        """Parse the new document and check it."""
        item = params.text_document
        ls.state.documents[item.uri] = Document.open(item.uri, item.version, item.text)
        schedule(ls, item.uri, immediately=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NeurodebugServer, params: types.DidChangeTextDocumentParams) -> None:
        """Apply the edits to the tree and schedule a (debounced) check."""
        uri = params.text_document.uri
        document = ls.state.documents.get(uri)
        if document is None:
            LOG.warning("edit to a document that is not open: %s", uri)
            return
        else:
            for change in params.content_changes:
                if isinstance(change, types.TextDocumentContentChangePartial):
                    start, end = change.range.start, change.range.end
                    document.apply_edit(
                        (start.line, start.character),
                        (end.line, end.character),
                        change.text,
                        ls.encoding,
                    )
                else:
                    document.replace_all(params.text_document.version, change.text)
            document.version = params.text_document.version
        for hook in ls.state.change_hooks:
            hook(ls, uri)
        schedule(ls, uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NeurodebugServer, params: types.DidCloseTextDocumentParams) -> None:
        """Drop the document and clear its diagnostics."""
        uri = params.text_document.uri
        ls.state.documents.pop(uri, None)
        forget(ls, uri)
