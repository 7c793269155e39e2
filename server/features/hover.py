"""Hover on a name: what `analyzers.hover_facts` knows of it, plus its predicted and real values."""

from __future__ import annotations

from lsprotocol import types
from neurodebug.analyzers.document import byte_column
from neurodebug.analyzers.hover_facts import HoverFacts, hover_facts
from neurodebug.neural_debugger.predict.runs import predicted_probability, values_at
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_range


def hover_markdown(server: NeurodebugServer, uri: str, facts: HoverFacts) -> str:
    """The hover text: the static facts, then the values of the last prediction and run."""
    parts = list(facts.paragraphs)
    if facts.function is not None:
        predicted, real = values_at(
            server.state.runs, uri, facts.function.qualname, facts.statement, facts.name
        )
        if predicted is not None:
            sure = predicted_probability(
                server.state.runs, uri, facts.function.qualname, facts.statement
            )
            mark = "≈ " if sure < server.state.options.confidence_threshold else ""
            note = f" (probability {sure:.0%})" if sure < 1.0 else ""
            parts.append(f"Predicted: {mark}`{facts.name} = {predicted}`{note}")
        if real is not None:
            parts.append(f"Real (debugpy): `{facts.name} = {real}`")
    return "\n\n".join(parts)


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: NeurodebugServer, params: types.HoverParams) -> types.Hover | None:
        """Explain the name under the cursor from the static facts (and any prediction)."""
        document = ls.state.documents.get(params.text_document.uri)
        if document is None:
            return None
        position = params.position
        column = byte_column(document.line_bytes(position.line), position.character, ls.encoding)
        found = hover_facts(document, position.line + 1, column)
        if found is None:
            return None
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=hover_markdown(ls, document.uri, found)
            ),
            range=lsp_range(
                document, found.line, found.col, found.line, found.end_col, ls.encoding
            ),
        )
