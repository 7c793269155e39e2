"""The docs' Neovim keymap works on every bundled example: `neurodebug.predict` with only
`{uri, line}` finds each function's entry call (an entry comment, a doctest in the function's or
the module's docstring, or a test) and returns a trace — never "no entry call".

Over the real server with the shipped model (skipped without one). A function without an entry
call is an expected user error: the client gets the message and the server logs one line, not a
traceback (checked without a model: the entry is looked up before the model loads).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.conftest import REPO_ROOT
from tests.server.conftest import DATA, model_checkpoint, open_file, start_session, wait_until

pytestmark = pytest.mark.e2e

EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.py"))

TOO_LONG_FOR_THE_MODEL: dict[str, list[str]] = {}
"""Functions whose source (with the call) is longer than the shipped model's window: none since
the model reads 2,048 tokens (BPE, docstrings and comments left out); with the 416-token v1
model they were shortest_path (450 tokens), slowest_endpoints and main (447 and 441)."""


def _functions(path: Path) -> list[tuple[str, int]]:
    """Each top-level function of a module with the 0-based line of its last line (the cursor
    of the keymap may be anywhere in the function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, (node.end_lineno or node.lineno) - 1)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    ]


async def _predict(client: LanguageClient, argument: dict[str, Any]) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="neurodebug.predict", arguments=[argument])
    )


@pytest.mark.slow
@pytest.mark.skipif(
    model_checkpoint() is None, reason="no trained checkpoint (set NEURODEBUG_TEST_CHECKPOINT)"
)
@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
async def test_the_keymap_predicts_every_function_of_every_example(
    client: LanguageClient, example: Path
) -> None:
    await start_session(
        client,
        root=REPO_ROOT,
        options={
            "checkpoint": str(model_checkpoint()),
            "modelBits": 8,  # full precision: no kernel to compile on a fresh machine
            "maxSteps": 3,  # the entry is under test, not the rollout
            "predictTimeout": 240,
        },
    )
    uri = open_file(client, example)
    functions = _functions(example)
    assert len(functions) >= 4
    too_long = []
    for name, last_line in functions:
        try:
            result = await _predict(client, {"uri": uri, "line": last_line})
        except JsonRpcException as error:
            # A function longer than the model's window cannot be predicted, whatever its
            # entry; any other failure (no entry call) fails the test.
            assert "too long for the model" in str(error), f"{example.name}::{name}: {error}"
            too_long.append(name)
            continue
        assert result["function"] == name
        assert result["entry"].startswith(f"{name}(")
        assert result["trace"]["stops"], f"{example.name}::{name}: empty trace"
    assert too_long == TOO_LONG_FOR_THE_MODEL.get(example.name, [])


async def test_a_missing_entry_is_one_log_line_and_a_clear_error(
    client: LanguageClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    with pytest.raises(JsonRpcException, match="no entry call for total_of"):
        await _predict(client, {"uri": uri, "line": 1})
    logged: list[str] = []

    def seen() -> bool:
        logged.extend(capsys.readouterr().err.splitlines())
        return any("no entry call for total_of" in line for line in logged)

    await wait_until(seen, timeout=10)
    assert len([line for line in logged if "no entry call" in line]) == 1
    assert not any("Traceback" in line for line in logged), "\n".join(logged)
