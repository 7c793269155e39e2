"""Hover on a name: where it is defined, what it depends on, its predicted and real values."""

from __future__ import annotations

from lsprotocol import types
from neurodebug.analyzers.document import Document
from neurodebug.neural_debugger.predict.runs import values_at
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_range


def _code(document: Document, line: int) -> str:
    text = document.line_bytes(line - 1).decode("utf-8", errors="replace").strip()
    return text if len(text) <= 60 else text[:57] + "..."


def hover_markdown(
    server: NeurodebugServer, document: Document, line: int, name: str, writes: bool
) -> str:
    """The hover text for `name` on 1-based `line`."""
    facts = document.facts.function_at(line)
    statement = facts.statement_line(line) or line
    where = "module" if facts.kind == "module" else f"`{facts.qualname}`"
    parts = [f"**{name}** in {where}"]
    definitions = [d for d in facts.definitions if d.var == name]
    if writes:
        here = [d for d in definitions if d.line == statement]
        if here:
            parts.append(f"Written here ({here[0].how}).")
            data = sorted({f"`{v.var}` (line {v.line})" for d in here for v in d.data})
            if data:
                parts.append("Data from: " + ", ".join(data))
    else:
        reaching = sorted(facts.reaching_definitions(statement, name))
        if reaching:
            parts.append(
                "Defined at: " + "; ".join(f"line {n}: `{_code(document, n)}`" for n in reaching)
            )
        elif name in facts.params:
            parts.append(f"Parameter of `{facts.qualname}`.")
        else:
            parts.append("Not defined in this function (global, builtin or outer scope).")
    control = facts.control_dependencies(statement)
    if control:
        parts.append(
            "Runs when: "
            + "; ".join(
                f"line {edge.condition_line} `{_code(document, edge.condition_line)}`"
                for edge in control
            )
        )
    predicted, real = values_at(server.state.runs, document.uri, facts.qualname, statement, name)
    if predicted is not None:
        parts.append(f"Predicted: `{name} = {predicted}`")
    if real is not None:
        parts.append(f"Real (debugpy): `{name} = {real}`")
    return "\n\n".join(parts)


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: NeurodebugServer, params: types.HoverParams) -> types.Hover | None:
        """Explain the name under the cursor from the static facts (and any prediction)."""
        document = ls.state.documents.get(params.text_document.uri)
        if document is None:
            return None
        position = params.position
        found = document.name_at(position.line, position.character, ls.encoding)
        if found is None:
            return None
        occurrence, binding = found
        line = occurrence.line
        markdown = hover_markdown(ls, document, line, binding.name, occurrence.is_definition)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
            range=lsp_range(document, line, occurrence.col, line, occurrence.end_col, ls.encoding),
        )
