"""Cached predictions and verify results follow edits: an edit above a predicted function moves
its hints, inline values and verification diagnostics down with their lines, an edit below
leaves them, an edit inside drops them; a verify after an edit above finds no false mismatch.
The end-to-end tests need a trained checkpoint (skipped without one); the line mapping itself
is checked without one."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from neurodebug.neural_debugger.groundtruth.trace import Step, Trace
from neurodebug.neural_debugger.predict.runs import (
    FunctionRun,
    Span,
    TextEdit,
    follow_edits,
    text_hash,
)
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, model_checkpoint, open_file, start_session

needs_model = pytest.mark.skipif(
    model_checkpoint() is None, reason="no trained checkpoint (set NEURODEBUG_TEST_CHECKPOINT)"
)

SOURCE = b"x = 1\n\ndef f(a):\n    b = a + 1\n    return b\n"
START = SOURCE.index(b"def")


def _insert(source: bytes, row: int, column: int, text: bytes) -> tuple[bytes, TextEdit]:
    """Insert `text` at (row, byte column); the new source and the edit."""
    offset = sum(len(line) for line in source.splitlines(keepends=True)[:row]) + column
    edit = TextEdit(
        start=offset,
        old_end=offset,
        new_end=offset + len(text),
        start_row=row,
        start_column=column,
        old_end_row=row,
        old_end_column=column,
        new_end_row=row + text.count(b"\n"),
    )
    return source[:offset] + text + source[offset:], edit


def _run() -> FunctionRun:
    steps = [
        Step(3, "call", "f", 1, {"a": "1"}),
        Step(4, "line", "f", 1, {"a": "1"}),
        Step(5, "line", "f", 1, {"a": "1", "b": "2"}),
        Step(5, "return", "f", 1, {"a": "1", "b": "2"}, value="2"),
    ]
    from neurodebug.neural_debugger.predict.runs import line_values

    trace = Trace(steps, result="2")
    return FunctionRun(
        qualname="f",
        def_line=3,
        end_line=5,
        text_hash=text_hash(SOURCE, START, len(SOURCE) - 1),
        entry="f(1)",
        trace=trace,
        lines=line_values(trace, "f", 3, 5),
        start_byte=START,
        end_byte=len(SOURCE) - 1,
    )


@pytest.mark.parametrize(
    ("row", "column", "text", "shift"),
    [
        (0, 0, b"# one\n", 1),  # above, at the start of the file
        (2, 0, b"# two\n# lines\n", 2),  # above, right at the `def` (column 0)
        (1, 0, b"", 0),  # nothing inserted
        (0, 5, b"\n\n\n", 3),  # above, at the end of a line
    ],
)
def test_lines_above_move_the_run(row: int, column: int, text: bytes, shift: int) -> None:
    source, edit = _insert(SOURCE, row, column, text)
    moved = follow_edits(_run(), [edit], source)
    assert moved is not None
    assert moved.def_line == 3 + shift and moved.end_line == 5 + shift
    assert [step.line for step in moved.trace.steps] == [line + shift for line in (3, 4, 5, 5)]
    assert sorted(moved.lines) == [line + shift for line in sorted(_run().lines)]
    assert source[moved.start_byte : moved.end_byte] == SOURCE[START:-1]


def test_edits_inside_drop_the_run_and_edits_below_keep_it() -> None:
    inside, edit = _insert(SOURCE, 3, 4, b"c = 0\n    ")
    assert follow_edits(_run(), [edit], inside) is None
    at_end, edit = _insert(SOURCE, 4, 12, b" + 1")  # typing at the end of the last line
    assert follow_edits(_run(), [edit], at_end) is None
    below, edit = _insert(SOURCE, 5, 0, b"\n\ny = 2\n")
    kept = follow_edits(_run(), [edit], below)
    assert kept is not None and kept.def_line == 3 and kept.lines == _run().lines


def test_span_moves_with_rows() -> None:
    source, edit = _insert(SOURCE, 0, 0, b"import os\n")
    span = Span(START, len(SOURCE) - 1, 3, text_hash(SOURCE, START, len(SOURCE) - 1))
    moved = span.after(edit)
    assert (
        moved is not None and moved.line == 4 and source[moved.start : moved.end].startswith(b"def")
    )


# End to end, over the real server.


def _change(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    text: str,
    end: tuple[int, int] | None = None,
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*(end or start))),
                    text=text,
                )
            ],
        )
    )


async def _hints(client: LanguageClient, uri: str) -> dict[int, str]:
    """0-based line -> label of every hint in the first 40 lines."""
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(40, 0)),
        )
    )
    return {hint.position.line: str(hint.label) for hint in result or []}


async def _verify_diagnostics(client: LanguageClient, uri: str) -> list[tuple[int, str]]:
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return [
        (d.range.start.line, d.message) for d in report.items if d.source == "neurodebug-verify"
    ]


async def _command(client: LanguageClient, command: str, uri: str, line: int) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[{"uri": uri, "line": line}])
    )


@pytest.mark.e2e
@pytest.mark.slow
@needs_model
async def test_hints_and_verify_results_follow_edits(client: LanguageClient) -> None:
    await start_session(
        client,
        capabilities="visual-studio-code",
        options={"checkpoint": str(model_checkpoint()), "predictTimeout": 240, "modelBits": 8},
    )
    path = DATA / "loops.py"
    lines = path.read_text().splitlines()
    uri = open_file(client, path)
    predicted = await _command(client, "neurodebug.predict", uri, 1)
    assert predicted["entry"] == "running_total([3, 1, 4])"
    before = await _hints(client, uri)
    assert before and all(1 <= line <= 5 for line in before), before
    verified = await _command(client, "neurodebug.verify", uri, 1)
    assert verified["predicted"] is not None
    diagnostics = await _verify_diagnostics(client, uri)
    assert len(diagnostics) == len(verified["mismatches"])

    # Above: one line inserted at the top moves every hint, inline value and diagnostic down.
    _change(client, uri, 2, (0, 0), "# a comment above\n")
    lines.insert(0, "# a comment above")
    after = await _hints(client, uri)
    assert after == {line + 1: text for line, text in before.items()}
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(40, 0)),
        )
    )
    for hint in result or []:  # still at the end of their (moved) lines
        assert hint.position.character == len(lines[hint.position.line].rstrip())
    assert await _verify_diagnostics(client, uri) == [
        (line + 1, message) for line, message in diagnostics
    ]
    values = await client.text_document_inline_value_async(
        types.InlineValueParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(9, 0)),
            context=types.InlineValueContext(
                frame_id=1, stopped_location=types.Range(types.Position(3, 0), types.Position(3, 0))
            ),
        )
    )
    assert {value.range.start.line for value in values or []} == {
        line for line in after if line >= 3
    }

    # A verify now compares the moved prediction with debugpy's stops on the new lines: the
    # same disagreements as before (one line lower), no "predicted line N, debugpy saw N+1".
    again = await _command(client, "neurodebug.verify", uri, 2)
    assert [m["step"] for m in again["mismatches"]] == [m["step"] for m in verified["mismatches"]]
    assert [m["line"] for m in again["mismatches"]] == [
        m["line"] + 1 for m in verified["mismatches"]
    ]
    assert (
        not any(m["message"].startswith("predicted line") for m in again["mismatches"])
        or verified["mismatches"]
    )

    # Below: an edit in another function keeps them where they are.
    _change(client, uri, 3, (10, 0), "    # in describe\n")
    assert await _hints(client, uri) == after
    assert len(await _verify_diagnostics(client, uri)) == len(again["mismatches"])

    # Inside: changing the function drops its hints and its verification diagnostics.
    _change(client, uri, 4, (3, 12), "1", end=(3, 13))  # `total = 0` -> `total = 1`
    assert await _hints(client, uri) == {}
    assert await _verify_diagnostics(client, uri) == []


@pytest.mark.e2e
@pytest.mark.slow
@needs_model
async def test_a_whole_text_change_moves_hints_to_the_function(client: LanguageClient) -> None:
    await start_session(
        client,
        options={"checkpoint": str(model_checkpoint()), "predictTimeout": 240, "modelBits": 8},
    )
    path = DATA / "loops.py"
    uri = open_file(client, path)
    await _command(client, "neurodebug.predict", uri, 1)
    before = await _hints(client, uri)
    assert before
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(
                    text="import os\n\n\n" + path.read_text()
                )
            ],
        )
    )
    assert await _hints(client, uri) == {line + 3: text for line, text in before.items()}
