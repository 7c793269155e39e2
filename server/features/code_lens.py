"""Code lens above each function: Predict, Verify with debugpy, N performance hints."""

from __future__ import annotations

from lsprotocol import types
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import FUNCTION_HINTS, PREDICT, VERIFY
from neurodebug.server.features.diagnostics import current_report


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def code_lens(
        ls: NeurodebugServer, params: types.CodeLensParams
    ) -> list[types.CodeLens] | None:
        """Three lenses per `def`; running them is always an explicit click."""
        uri = params.text_document.uri
        found = await current_report(ls, uri)
        document = ls.state.documents.get(uri)
        if found is None or document is None:
            return None
        findings = [f for f in found[0].findings if f.severity != "error"]
        lenses: list[types.CodeLens] = []
        for function in document.facts.functions:
            if function.kind != "function":
                continue
            line0 = function.def_line - 1
            where = types.Range(types.Position(line0, 0), types.Position(line0, 0))
            argument = {"uri": uri, "line": line0}
            if ls.state.options.predictions:
                lenses.append(
                    types.CodeLens(
                        where, types.Command(title="Predict", command=PREDICT, arguments=[argument])
                    )
                )
            lenses.append(
                types.CodeLens(
                    where,
                    types.Command(
                        title="Verify with debugpy", command=VERIFY, arguments=[argument]
                    ),
                )
            )
            count = sum(
                1 for finding in findings if function.def_line <= finding.line <= function.end_line
            )
            title = f"{count} performance hint{'s' if count != 1 else ''}"
            lenses.append(
                types.CodeLens(
                    where, types.Command(title=title, command=FUNCTION_HINTS, arguments=[argument])
                )
            )
        return lenses
