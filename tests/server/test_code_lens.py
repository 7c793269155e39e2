"""Code lens: Predict and Verify above functions with an entry call, hint counts where there
are hints (quiet by default)."""

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


def _titles(lenses: list[types.CodeLens]) -> dict[int, list[str]]:
    by_line: dict[int, list[str]] = {}
    for lens in lenses:
        assert lens.command is not None
        by_line.setdefault(lens.range.start.line, []).append(lens.command.title)
    return by_line


async def test_hint_lens_only_where_there_are_hints(client: LanguageClient) -> None:
    """Quiet by default: no "0 performance hints", no Predict or Verify without an entry call
    (hints.py has none: every lens there is a hint count). ND1 selected: the opt-in ND104 gives
    `keys_of` a second hint."""
    await start_session(client, options={"select": ["ND1"]})
    uri = open_file(client, DATA / "hints.py")
    by_line = _titles(await _lenses(client, uri))
    assert by_line == {
        8: ["1 performance hint"],
        15: ["2 performance hints"],
        22: ["1 performance hint"],
    }


QUIET = (
    '"""Shapes.\n'  # 0
    "\n"  # 1
    ">>> area(2)\n"  # 2
    "4\n"  # 3
    '"""\n'  # 4
    "\n"  # 5
    "def area(side):\n"  # 6: module doctest
    "    return side * side\n"  # 7
    "\n"  # 8
    "def perimeter(side):  # neurodebug: perimeter(3)\n"  # 9: entry comment
    "    return 4 * side\n"  # 10
    "\n"  # 11
    "def no_entry(side):\n"  # 12
    "    return side\n"  # 13
    "\n"  # 14
    "class Stack:\n"  # 15
    "    def push(self, x):  # neurodebug: Stack().push(3)\n"  # 16: constructs its receiver
    "        return x\n"  # 17
    "\n"  # 18
    "    def pop(self):  # neurodebug: Stack.pop(1)\n"  # 19: no receiver
    "        return 1\n"  # 20
    "\n"  # 21
    "    def peek(self):\n"  # 22: nothing
    "        return 2\n"  # 23
)


async def test_predict_lens_only_on_functions_with_an_entry_call(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "quiet_lenses.py", text=QUIET)
    by_line = _titles(await _lenses(client, uri))
    both = ["Predict", "Verify with debugpy"]
    assert by_line == {6: both, 9: both, 16: both}


async def test_hint_lens_command_lists_the_hints(client: LanguageClient) -> None:
    await start_session(client, options={"select": ["ND1"]})
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
    uri = open_file(client, DATA / "quiet_lenses.py", text=QUIET)
    titles = {lens.command.title for lens in await _lenses(client, uri) if lens.command}
    assert "Predict" not in titles
    assert "Verify with debugpy" in titles
