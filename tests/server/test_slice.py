"""The `neurodebug.slice` command: a backward slice of the variable under the cursor."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session

pytestmark = pytest.mark.e2e


async def test_backward_slice_of_a_returned_variable(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="neurodebug.slice",
            arguments=[{"uri": uri, "line": 5, "character": 12}],  # `return total`
        )
    )
    assert result["variable"] == "total"
    assert result["line"] == 6
    assert result["lines"] == [1, 2, 3, 4, 5, 6]
    first = result["ranges"][1]  # line 2, `total = 0`, without its indentation
    assert first["start"] == {"line": 1, "character": 4}
    assert first["end"] == {"line": 1, "character": 13}


async def test_slice_rejects_a_position_without_a_name(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    with pytest.raises(Exception, match="no variable"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="neurodebug.slice", arguments=[{"uri": uri, "line": 6, "character": 0}]
            )
        )
