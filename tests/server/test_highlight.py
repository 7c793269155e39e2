"""Document highlight: definitions as writes, uses as reads, in the name's own scope."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session

pytestmark = pytest.mark.e2e


async def test_highlights_writes_and_reads_of_a_local(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 5)
        )
    )
    assert result is not None
    found = sorted((h.range.start.line, h.range.start.character, h.kind) for h in result)
    assert found == [
        (1, 4, types.DocumentHighlightKind.Write),  # total = 0
        (4, 12, types.DocumentHighlightKind.Write),  # total += value
        (5, 11, types.DocumentHighlightKind.Read),  # return total
    ]


async def test_same_name_in_another_function_is_not_highlighted(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    # `result` only exists in copy_items; `item` in its loop.
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(10, 9)
        )
    )
    assert result is not None
    lines = sorted(h.range.start.line for h in result)
    assert lines == [10, 11]
    assert all(8 <= line <= 12 for line in lines)
