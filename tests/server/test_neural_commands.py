"""Neural stepping, prediction from a real frame's state, and input prediction (needs a
trained checkpoint; skipped without one). Asserts the shapes and the constraints the decoder
guarantees — stops inside the program, well-formed calls — not the model's accuracy."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, model_checkpoint, open_file, start_session

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        model_checkpoint() is None, reason="no trained checkpoint (set NEURODEBUG_TEST_CHECKPOINT)"
    ),
]


async def _run(client: LanguageClient, command: str, argument: dict[str, Any]) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[argument])
    )


async def test_step_into_from_the_call_then_over(client: LanguageClient) -> None:
    await start_session(
        client, options={"checkpoint": str(model_checkpoint()), "predictTimeout": 240}
    )
    uri = open_file(client, DATA / "loops.py")
    first = await _run(client, "neurodebug.stepInto", {"uri": uri, "line": 1, "stop": None})
    stop = first["stop"]
    assert stop is not None and 2 <= stop["line"] <= 6  # a line of running_total
    assert set(stop) >= {"line", "event", "function", "depth", "locals"}
    second = await _run(client, "neurodebug.stepOver", {"uri": uri, "line": 1, "stop": stop})
    assert second["stop"] is None or 1 <= second["stop"]["line"] <= 19


async def test_predict_from_state_and_inputs(client: LanguageClient) -> None:
    await start_session(
        client, options={"checkpoint": str(model_checkpoint()), "predictTimeout": 240}
    )
    uri = open_file(client, DATA / "loops.py")
    rolled = await _run(
        client,
        "neurodebug.predictFromState",
        {
            "uri": uri,
            "line": 5,
            "locals": {"values": "[3, 1, 4]", "total": "3", "value": "1"},
            "count": 3,
        },
    )
    assert rolled["function"] == "running_total"
    assert 1 <= len(rolled["stops"]) <= 3 or rolled["result"] is not None
    inputs = await _run(
        client, "neurodebug.predictInputs", {"uri": uri, "line": 9, "output": "'big'", "count": 4}
    )
    candidates = inputs["candidates"]
    call = candidates[0]["entry"]
    parsed = ast.parse(call, mode="eval").body
    assert isinstance(parsed, ast.Call) and getattr(parsed.func, "id", "") == "describe"
    entries = [candidate["entry"] for candidate in candidates]
    assert 2 <= len(entries) == len(set(entries)) <= 4  # the model's candidates, each once
    verdicts = [candidate["verified"] for candidate in candidates]
    assert True not in verdicts or verdicts[0] is True  # one shown right comes first
    namespace: dict[str, Any] = {}
    exec((DATA / "loops.py").read_text(), namespace)  # the test's own fixture
    for entry, verdict in zip(entries, verdicts, strict=True):
        if verdict is not None:  # what folding showed is what the function returns
            assert verdict == (eval(entry, namespace) == "big"), entry
