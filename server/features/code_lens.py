"""Code lens above a function: Predict and Verify when it has an entry call, its hint count
when it has hints. Quiet by default: a lens that could only fail or say "0" is not shown."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.commands import FUNCTION_HINTS, PREDICT, VERIFY, function_entry
from neurodebug.server.features.diagnostics import current_report


def _lens(where: types.Range, argument: dict[str, Any], title: str, command: str) -> types.CodeLens:
    return types.CodeLens(where, types.Command(title=title, command=command, arguments=[argument]))


def register(server: NeurodebugServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def code_lens(
        ls: NeurodebugServer, params: types.CodeLensParams
    ) -> list[types.CodeLens] | None:
        """Lenses per `def`; running them is always an explicit click."""
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
            # A method's entry must construct its receiver; `function_entry` says None otherwise.
            if function_entry(document, function) is not None:
                if ls.state.options.predictions:
                    lenses.append(_lens(where, argument, "Predict", PREDICT))
                lenses.append(_lens(where, argument, "Verify with debugpy", VERIFY))
            count = sum(
                1 for finding in findings if function.def_line <= finding.line <= function.end_line
            )
            if count:
                title = f"{count} performance hint{'s' if count != 1 else ''}"
                lenses.append(_lens(where, argument, title, FUNCTION_HINTS))
        return lenses
