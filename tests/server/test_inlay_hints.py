"""Predicted values inline: inlay hints, hover and inline values after a prediction, gone
after an edit to the function. Needs a trained checkpoint (skipped without one)."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.predict.runs import label, line_values, value_before
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, model_checkpoint, open_file, start_session

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        model_checkpoint() is None, reason="no trained checkpoint (set NEURODEBUG_TEST_CHECKPOINT)"
    ),
]


async def _hints(client: LanguageClient, uri: str) -> list[types.InlayHint]:
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(30, 0)),
        )
    )
    return list(result or [])


async def test_prediction_becomes_hints_hover_and_inline_values(client: LanguageClient) -> None:
    checkpoint = model_checkpoint()
    assert checkpoint is not None
    await start_session(
        client,
        options={
            "checkpoint": str(checkpoint),
            "inlayHintWidth": 30,
            "maxSteps": 40,
            "predictTimeout": 240,
        },
    )
    path = DATA / "loops.py"
    uri = open_file(client, path)
    assert await _hints(client, uri) == []  # nothing before a prediction is asked for
    result: dict[str, Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="neurodebug.predict", arguments=[{"uri": uri, "line": 1}]
        )
    )
    assert result["entry"] == "running_total([3, 1, 4])"
    trace = Trace.from_json(result["trace"])
    expected = {
        line: values
        for line, values in line_values(trace, "running_total", 2, 6).items()
        if values.values
    }
    hints = await _hints(client, uri)
    assert expected, "the prediction wrote no values"
    shown = {hint.position.line + 1: hint for hint in hints}
    assert sorted(shown) == sorted(expected)
    lines = path.read_text().splitlines()
    for line, hint in shown.items():
        assert hint.label == label(expected[line], 30)
        assert len(str(hint.label)) <= 30
        assert hint.position.character == len(lines[line - 1].rstrip())  # at the line's end
        assert isinstance(hint.tooltip, str) and f"of {len(trace.steps)}" in hint.tooltip

    # Hover shows the predicted value the trace holds for `total` on `return total`.
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(5, 12)
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    predicted_total = value_before(trace, "running_total", 6, "total")
    if predicted_total is None:
        assert "Predicted:" not in hover.contents.value
    else:  # marked as the inlay hint is when the model was unsure, with its probability
        written = line_values(trace, "running_total", 2, 6).get(6)
        sure = 1.0 if written is None else written.probability
        mark = "≈ " if sure < 0.9 else ""
        note = f" (probability {sure:.0%})" if sure < 1.0 else ""
        assert f"Predicted: {mark}`total = {predicted_total}`{note}" in hover.contents.value

    values = await client.text_document_inline_value_async(
        types.InlineValueParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(8, 0)),
            context=types.InlineValueContext(
                frame_id=1, stopped_location=types.Range(types.Position(3, 0), types.Position(3, 0))
            ),
        )
    )
    assert values is not None
    assert {value.range.start.line + 1 for value in values} == {n for n in expected if n >= 4}

    # Editing another function keeps the hints; editing this one drops them.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(17, 0), types.Position(17, 0)),
                    text="    # x\n",
                )
            ],
        )
    )
    assert len(await _hints(client, uri)) == len(expected)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(2, 12), types.Position(2, 13)), text="1"
                )
            ],
        )
    )
    assert await _hints(client, uri) == []
