"""`neurodebug.documentDigest`: what the server holds for a document, so a client can check sync.

A client (or the protocol fuzzer, `neurodebug bench fuzz`) compares the SHA-256 of its own
text with the server's after any number of edits: equal digests mean no edit was lost.
"""

from __future__ import annotations

import hashlib
from typing import Any

from neurodebug.server.app import NeurodebugServer

DOCUMENT_DIGEST = "neurodebug.documentDigest"


def register(server: NeurodebugServer) -> None:
    @server.command(DOCUMENT_DIGEST)
    def document_digest(ls: NeurodebugServer, *args: Any) -> dict[str, Any] | None:
        """Version, length and SHA-256 of an open document's UTF-8 text; null if not open."""
        uri = args[0] if args and isinstance(args[0], str) else None
        if uri is None and args and isinstance(args[0], dict):
            uri = args[0].get("uri")
        document = ls.state.documents.get(uri) if isinstance(uri, str) else None
        if document is None:
            return None
        return {
            "uri": uri,
            "version": document.version,
            "length": len(document.source),
            "sha256": hashlib.sha256(document.source).hexdigest(),
        }
