"""Text synchronisation: keep each open document's bytes and tree current, incrementally.

Every edit is applied to the server's own copy (`Document.apply_edit`) so tree-sitter can
re-parse just the edited region; the change hooks get the same edits in bytes and rows
(`TextEdit`, so cached predictions can follow them); then diagnostics are scheduled (debounced).
"""

from __future__ import annotations

import logging

from lsprotocol import types
from neurodebug.analyzers.document import Document, PositionEncoding
from neurodebug.neural_debugger.predict.runs import TextEdit
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.features.diagnostics import forget, schedule

LOG = logging.getLogger(__name__)


def text_edit(
    document: Document,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
    encoding: PositionEncoding,
) -> TextEdit:
    """The edit `Document.apply_edit(start, end, text)` is about to make, in bytes and rows of
    the text before it (the same clamping as `apply_edit`)."""
    start_byte = document.offset(start[0], start[1], encoding)
    end_byte = max(start_byte, document.offset(end[0], end[1], encoding))
    start_row, start_column = document.point(start_byte)
    end_row, end_column = document.point(end_byte)
    inserted = text.encode("utf-8")
    return TextEdit(
        start=start_byte,
        old_end=end_byte,
        new_end=start_byte + len(inserted),
        start_row=start_row,
        start_column=start_column,
        old_end_row=end_row,
        old_end_column=end_column,
        new_end_row=start_row + inserted.count(b"\n"),
    )


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
        edits: list[TextEdit] | None = []
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = (change.range.start.line, change.range.start.character)
                end = (change.range.end.line, change.range.end.character)
                if edits is not None:
                    edits.append(text_edit(document, start, end, change.text, ls.encoding))
                document.apply_edit(start, end, change.text, ls.encoding)
            else:
                document.replace_all(params.text_document.version, change.text)
                edits = None  # a whole new text: nothing to map through
        document.version = params.text_document.version
        for hook in ls.state.change_hooks:
            hook(ls, uri, edits)
        schedule(ls, uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NeurodebugServer, params: types.DidCloseTextDocumentParams) -> None:
        """Drop the document and clear its diagnostics."""
        uri = params.text_document.uri
        ls.state.documents.pop(uri, None)
        forget(ls, uri)
