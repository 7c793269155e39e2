"""Code lens: Predict, Verify with debugpy and the hint count above each function."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session

pytestmark = pytest.mark.e2e


async def _lenses(client: LanguageClient, uri: str) -> list[types.CodeLens]:
    result = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None
    return result


async def test_three_lenses_per_function_with_hint_counts(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    lenses = await _lenses(client, uri)
    by_line: dict[int, list[str]] = {}
    for lens in lenses:
        assert lens.command is not None
        by_line.setdefault(lens.range.start.line, []).append(lens.command.title)
    assert sorted(by_line) == [0, 8, 15, 22]
    assert by_line[0] == ["Predict", "Verify with debugpy", "0 performance hints"]
    assert by_line[8][2] == "1 performance hint"
    assert by_line[15][2] == "2 performance hints"


async def test_hint_lens_command_lists_the_hints(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    lens = next(
        lens
        for lens in await _lenses(client, uri)
        if lens.range.start.line == 15 and lens.command and "hint" in lens.command.title
    )
    assert lens.command is not None
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=lens.command.command, arguments=lens.command.arguments)
    )
    assert result["function"] == "keys_of"
    assert sorted(hint["code"] for hint in result["hints"]) == ["ND102", "ND104"]
    assert {hint["fix"] for hint in result["hints"]} == {"safe", "unsafe"}


async def test_predict_lens_is_hidden_when_predictions_are_off(client: LanguageClient) -> None:
    await start_session(client, options={"predictions": False})
    uri = open_file(client, DATA / "hints.py")
    titles = {lens.command.title for lens in await _lenses(client, uri) if lens.command}
    assert "Predict" not in titles
    assert "Verify with debugpy" in titles
