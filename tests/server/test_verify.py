"""`neurodebug.verify`: the entry runs in a real debugpy session; real values reach the hover."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_verify_runs_the_configured_entry_under_debugpy(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "loops.py")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="neurodebug.verify", arguments=[{"uri": uri, "line": 1}])
    )
    assert result["function"] == "running_total"
    assert result["entry"] == "running_total([3, 1, 4])"  # from the `# neurodebug:` comment
    actual = result["actual"]
    assert actual["status"] == "ok"
    assert actual["result"] == "8"
    lines = [stop["line"] for stop in actual["stops"]]
    assert lines[:2] == [3, 4]  # `total = 0`, then the loop header
    assert lines.count(5) == 3  # the loop body ran once per value
    assert result["predicted"] is None and result["mismatches"] == []
    # The real values are now part of the hover of `total` on `return total`.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(5, 12)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Real (debugpy): `total = 8`" in hover.contents.value


async def test_verify_uses_a_doctest_entry_and_the_unsaved_buffer(client: LanguageClient) -> None:
    await start_session(client)
    text = (DATA / "loops.py").read_text().replace("if n > 5:", "if n > 50:")
    uri = open_file(client, DATA / "loops.py", text=text)  # edited, not saved
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="neurodebug.verify", arguments=[{"uri": uri, "line": 9}])
    )
    assert result["entry"] == "describe(7)"
    assert result["actual"]["result"] == "'small'"  # the buffer's code ran, not the file's


async def test_verify_without_an_entry_says_how_to_give_one(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    with pytest.raises(Exception, match="neurodebug: total_of"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="neurodebug.verify", arguments=[{"uri": uri, "line": 0}]
            )
        )
