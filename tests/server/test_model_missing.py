"""A missing checkpoint: one clear warning, neural commands fail fast, static features work."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session, wait_until

pytestmark = pytest.mark.e2e


async def test_missing_checkpoint_warns_once_and_static_features_keep_working(
    client: LanguageClient,
) -> None:
    await start_session(client, options={"checkpoint": "/nonexistent/neurodebug-model"})
    uri = open_file(client, DATA / "loops.py")
    for _ in range(2):
        with pytest.raises(Exception, match="predictions are unavailable"):
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="neurodebug.predict", arguments=[{"uri": uri, "line": 1}]
                )
            )
    warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1
    assert "/nonexistent/neurodebug-model" in warnings[0].message
    assert "Static features" in warnings[0].message
    # Static features are untouched.
    uri2 = open_file(client, DATA / "hints.py")
    await wait_until(lambda: any(d.code == "ND101" for d in client.diagnostics.get(uri2, [])))
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri2), position=types.Position(5, 12)
        )
    )
    assert hover is not None
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(20, 0)),
        )
    )
    assert list(hints or []) == []


async def test_predictions_off_refuses_neural_commands(client: LanguageClient) -> None:
    await start_session(client, options={"predictions": False})
    uri = open_file(client, DATA / "loops.py")
    with pytest.raises(Exception, match="turned off"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="neurodebug.predict", arguments=[{"uri": uri, "line": 1}]
            )
        )
