"""Diagnostics end to end: pushed with the document version, pulled, and kept in step with edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from neurodebug.analyzers.parsing import parse, syntax_errors
from pytest_lsp import LanguageClient, client_capabilities

from tests.server.conftest import (
    DATA,
    RecordingClient,
    model_checkpoint,
    open_file,
    start_session,
    uri_of,
    wait_until,
)

pytestmark = pytest.mark.e2e


def _change(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=text
                )
            ],
        )
    )


async def test_syntax_error_is_pushed_with_its_line(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "syntax_error.py")
    await wait_until(lambda: uri in client.diagnostics)
    errors = [d for d in client.diagnostics[uri] if d.code == "ND000"]
    assert errors, client.diagnostics[uri]
    assert errors[0].severity == types.DiagnosticSeverity.Error
    assert errors[0].range.start.line == 7  # `def broken(x:` on line 8
    assert errors[0].source == "neurodebug"


async def test_incremental_edits_fix_and_break_the_file(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "syntax_error.py")
    await wait_until(lambda: any(d.code == "ND000" for d in client.diagnostics.get(uri, [])))
    # Close the parenthesis: `def broken(x:` -> `def broken(x):`
    _change(client, uri, 2, (7, 12), (7, 13), "):")
    await wait_until(lambda: not any(d.code == "ND000" for d in client.diagnostics.get(uri, [])))
    # Break line 2 again, far from the first edit, then a multi-line insertion above it.
    _change(client, uri, 3, (1, 14), (1, 14), " +")
    _change(client, uri, 4, (0, 0), (0, 0), "import os\n\n")
    await wait_until(lambda: any(d.code == "ND000" for d in client.diagnostics.get(uri, [])))
    errors = [d for d in client.diagnostics[uri] if d.code == "ND000"]
    # The same text parsed from scratch gives the same error as the incremental re-parses: one,
    # where CPython reports it.
    lines = (DATA / "syntax_error.py").read_text().splitlines(keepends=True)
    lines[7] = lines[7].replace("broken(x:", "broken(x):")
    lines[1] = lines[1][:14] + " +" + lines[1][14:]
    final = ("import os\n\n" + "".join(lines)).encode()
    expected = [problem.line - 1 for problem in syntax_errors(parse(final), source=final)]
    assert len(expected) == 1
    assert [d.range.start.line for d in errors] == expected


async def test_published_version_matches_the_last_edit(client: RecordingClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "clean.py")
    versions = lambda: [version for published, version in client.published if published == uri]  # noqa: E731
    await wait_until(lambda: 1 in versions())
    for version in range(2, 12):  # ten quick edits: debounced into few runs
        _change(client, uri, version, (1, 4), (1, 4), "")
    await wait_until(lambda: 11 in versions())
    assert versions()[-1] == 11
    assert len(versions()) < 11


async def test_columns_are_utf16_after_non_ascii_text(client: LanguageClient) -> None:
    await start_session(client)
    path = DATA / "unicode_columns.py"
    uri = open_file(client, path)
    await wait_until(lambda: any(d.code == "ND000" for d in client.diagnostics.get(uri, [])))
    error = next(d for d in client.diagnostics[uri] if d.code == "ND000")
    line = path.read_text().splitlines()[error.range.start.line]
    # CPython flags the unclosed `(`, 34 bytes in; after `é` and the emoji that is 31 UTF-16 units.
    paren_utf16 = len(line[: line.index("(")].encode("utf-16-le")) // 2
    assert error.range.start.line == 1
    assert error.message == "SyntaxError: '(' was never closed"
    assert error.range.start.character == paren_utf16 == 31


async def test_pull_diagnostics_for_open_and_unopened_files(client: LanguageClient) -> None:
    result = await start_session(client, capabilities="neovim@v0.11.0")
    assert result.capabilities.diagnostic_provider is not None
    uri = open_file(client, DATA / "syntax_error.py")
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert next(d.range.start.line for d in report.items if d.code == "ND000") == 7
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id
        )
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)

    workspace = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    by_name = {item.uri.rsplit("/", 1)[-1]: item for item in workspace.items}
    assert "syntax_error.py" not in by_name  # it is open: reported per document
    assert "unicode_columns.py" in by_name
    unicode_report = by_name["unicode_columns.py"]
    assert isinstance(unicode_report, types.WorkspaceFullDocumentDiagnosticReport)
    assert any(d.code == "ND000" for d in unicode_report.items)
    assert list(by_name["clean.py"].items) == []
    assert uri not in client.diagnostics  # a pulling client gets no pushed duplicates


# Verification diagnostics (they appear without an edit): pushed to a client that pulls but
# cannot be asked to pull again, pulled after a refresh where the client can be.

NOISY = """import os


# neurodebug: noisy()
def noisy():
    token = os.urandom(8).hex()
    size = len(token)
    return token, size
"""
"""A function no model can predict: its value is random, so verify always finds a mismatch."""


def _pull_refresh_capabilities() -> types.ClientCapabilities:
    """Neovim 0.11's capabilities plus `workspace.diagnostics.refreshSupport` (as VS Code 1.9x)."""
    capabilities = client_capabilities("neovim@v0.11.0")
    assert capabilities.workspace is not None and capabilities.text_document is not None
    assert capabilities.text_document.diagnostic is not None
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
        refresh_support=True
    )
    return capabilities


async def _start(client: LanguageClient, capabilities: types.ClientCapabilities) -> None:
    """Initialize with a model; the client accepts `workspace/inlayHint/refresh` (Neovim does)."""
    client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)(lambda *_args: None)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=uri_of(DATA),
            initialization_options={"checkpoint": str(model_checkpoint()), "predictTimeout": 240},
        )
    )


async def _verify_noisy(client: LanguageClient, tmp_path: Path) -> tuple[str, Any]:
    uri = open_file(client, tmp_path / "noisy.py", text=NOISY)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="neurodebug.predict", arguments=[{"uri": uri, "line": 4}]
        )
    )
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="neurodebug.verify", arguments=[{"uri": uri, "line": 4}])
    )
    assert result["mismatches"], "the random token should differ from any prediction"
    return uri, result


async def _pulled_verify_items(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return [d for d in report.items if d.source == "neurodebug-verify"]


needs_model = pytest.mark.skipif(
    model_checkpoint() is None, reason="no trained checkpoint (set NEURODEBUG_TEST_CHECKPOINT)"
)


@pytest.mark.slow
@needs_model
async def test_verify_diagnostics_are_pushed_to_a_client_without_refresh(
    client: LanguageClient, tmp_path: Path
) -> None:
    await _start(client, client_capabilities("neovim@v0.11.0"))  # pulls, no refreshSupport
    uri, result = await _verify_noisy(client, tmp_path)
    await wait_until(lambda: bool(client.diagnostics.get(uri)))
    pushed = client.diagnostics[uri]
    assert {d.source for d in pushed} == {"neurodebug-verify"}  # only these; the rest is pulled
    assert len(pushed) == len(result["mismatches"])
    assert client.diagnostic_refresh_count == 0  # never asked what it cannot do
    assert await _pulled_verify_items(client, uri) == []  # not shown twice
    # They move with an edit above and vanish with an edit inside, pushed again each time.
    lines = sorted(d.range.start.line for d in pushed)
    _change(client, uri, 2, (0, 0), (0, 0), "import sys\n")
    await wait_until(
        lambda: (
            sorted(d.range.start.line for d in client.diagnostics[uri])
            == [line + 1 for line in lines]
        )
    )
    _change(client, uri, 3, (6, 4), (6, 4), "# a comment\n    ")
    await wait_until(lambda: not client.diagnostics[uri])


@pytest.mark.slow
@needs_model
async def test_verify_diagnostics_are_pulled_after_a_refresh(
    client: LanguageClient, tmp_path: Path
) -> None:
    await _start(client, _pull_refresh_capabilities())
    uri, result = await _verify_noisy(client, tmp_path)
    await wait_until(lambda: client.diagnostic_refresh_count > 0)
    pulled = await _pulled_verify_items(client, uri)
    assert len(pulled) == len(result["mismatches"])
    assert uri not in client.diagnostics  # nothing pushed to a client that pulls


@pytest.mark.slow
@needs_model
async def test_verify_diagnostics_are_pushed_to_a_client_that_does_not_pull(
    client: LanguageClient, tmp_path: Path
) -> None:
    await _start(client, client_capabilities("visual-studio-code"))  # no pull diagnostics
    uri, result = await _verify_noisy(client, tmp_path)
    await wait_until(
        lambda: (
            sum(d.source == "neurodebug-verify" for d in client.diagnostics.get(uri, []))
            == len(result["mismatches"])
        )
    )
    assert client.diagnostic_refresh_count == 0


async def test_code_that_never_runs_is_a_greyed_hint_that_follows_edits(
    client: LanguageClient,
) -> None:
    """`sep = None` makes the body of `if sep is not None:` dead: one ND001 hint tagged
    unnecessary on line 5; giving `sep` a value the analysis cannot know clears it."""
    await start_session(client)
    path = DATA.parent.parent / "analyzers" / "data" / "never_runs.py"
    uri = open_file(client, path)
    await wait_until(lambda: any(d.code == "ND001" for d in client.diagnostics.get(uri, [])))
    (dead,) = [d for d in client.diagnostics[uri] if d.code == "ND001"]
    assert dead.severity == types.DiagnosticSeverity.Hint
    assert list(dead.tags or []) == [types.DiagnosticTag.Unnecessary]
    assert (dead.range.start.line, dead.range.end.line) == (4, 4)
    assert "line 4 `if sep is not None:` is always false" in dead.message
    _change(client, uri, 2, (1, 10), (1, 14), "x.sep")  # `sep = x.sep`
    await wait_until(lambda: not any(d.code == "ND001" for d in client.diagnostics[uri]))
