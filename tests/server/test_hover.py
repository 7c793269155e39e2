"""Hover: where a name is defined and what it depends on (data and control)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session

pytestmark = pytest.mark.e2e


async def _hover(client: LanguageClient, uri: str, line: int, character: int) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line, character),
        )
    )
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover_on_a_use_names_its_reaching_definitions(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    # line 6 `    return total`: `total` may come from line 2 (`total = 0`) or line 5 (`+=`).
    text = await _hover(client, uri, 5, 12)
    assert "**total**" in text and "`total_of`" in text
    assert "line 2: `total = 0`" in text
    assert "line 5: `total += value`" in text


async def test_hover_on_a_write_shows_data_and_control_dependencies(
    client: LanguageClient,
) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    # line 5 `            total += value`: data from `value` (line 3) and `total`; runs when
    # `if value > 0` (line 4) holds.
    text = await _hover(client, uri, 4, 13)
    assert "Written here (augmented)" in text
    assert "`value` (line 3)" in text
    assert "line 4 `if value > 0:`" in text


async def test_hover_on_a_parameter_and_on_nothing(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    text = await _hover(client, uri, 2, 18)  # `values` in `for value in values:`
    assert "line 1: `def total_of(values):`" in text
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(6, 0)
        )
    )
    assert nothing is None
