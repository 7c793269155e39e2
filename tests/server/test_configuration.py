"""Settings from `[tool.neurodebug]`, `initializationOptions` and `workspace/configuration`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session, uri_of, wait_until

pytestmark = pytest.mark.e2e


def _codes(client: LanguageClient, uri: str) -> set[str]:
    return {str(d.code) for d in client.diagnostics.get(uri, [])}


async def test_pyproject_ignore_applies_and_is_reread_when_the_file_changes(
    client: LanguageClient, tmp_path: Path
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.neurodebug]\nselect = ["ND1"]\nignore = ["ND105"]\n')
    shutil.copy(DATA / "hints.py", tmp_path / "hints.py")
    await start_session(client, root=tmp_path)
    uri = open_file(client, tmp_path / "hints.py")
    await wait_until(lambda: "ND104" in _codes(client, uri))
    assert "ND105" not in _codes(client, uri)
    pyproject.write_text('[tool.neurodebug]\nselect = ["ND1"]\nignore = []\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(pyproject), type=types.FileChangeType.Changed)]
        )
    )
    await wait_until(lambda: "ND105" in _codes(client, uri))


async def test_workspace_configuration_then_a_change_notification(client: LanguageClient) -> None:
    client.set_configuration({"ignore": ["ND104"]}, section="neurodebug")
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    await wait_until(lambda: "ND101" in _codes(client, uri))
    await wait_until(lambda: "ND104" not in _codes(client, uri))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"neurodebug": {"ignore": [], "select": ["ND104"]}}
        )
    )
    await wait_until(lambda: _codes(client, uri) == {"ND104"})


async def test_invalid_values_are_logged_and_ignored(client: LanguageClient) -> None:
    await start_session(
        client, options={"maxSteps": "lots", "diagnosticMode": "push", "select": ["ND105"]}
    )
    uri = open_file(client, DATA / "hints.py")
    await wait_until(lambda: _codes(client, uri) == {"ND105"})  # the valid keys still apply
    await wait_until(lambda: any("maxSteps" in m.message for m in client.log_messages))
