"""Converters from the analyzers' dataclasses to LSP types — the whole translation layer.

The analyzers count lines from 1 and columns in UTF-8 bytes (what tree-sitter reports); LSP
counts both from 0 and columns in the negotiated encoding (UTF-16 unless the client offers
another). Every conversion goes through `lsp_position`, which needs the line's bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from lsprotocol import types
from neurodebug.analyzers.document import PositionEncoding, encoded_column
from neurodebug.analyzers.never_runs import NEVER_RUNS_CODE

if TYPE_CHECKING:
    from neurodebug.analyzers.rules.base import Edit, Finding

SOURCE = "neurodebug"

_SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


class Lines(Protocol):
    """Anything that can hand out one line's bytes (a `Document` or a `Snapshot`)."""

    def line_bytes(self, line: int) -> bytes: ...


def lsp_position(
    lines: Lines, line0: int, byte_col: int, encoding: PositionEncoding
) -> types.Position:
    """An LSP position from a 0-based line and a UTF-8 byte column."""
    return types.Position(line0, encoded_column(lines.line_bytes(line0), byte_col, encoding))


def lsp_range(
    lines: Lines,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    encoding: PositionEncoding,
) -> types.Range:
    """An LSP range from analyzer coordinates: 1-based lines, 0-based UTF-8 byte columns."""
    return types.Range(
        lsp_position(lines, line - 1, column, encoding),
        lsp_position(lines, end_line - 1, end_column, encoding),
    )


def lsp_line_range(lines: Lines, line: int, encoding: PositionEncoding) -> types.Range:
    """The whole of 1-based `line`, for diagnostics about a line rather than a node."""
    text = lines.line_bytes(line - 1)
    stripped = len(text) - len(text.lstrip())
    return lsp_range(lines, line, stripped, line, len(text.rstrip()), encoding)


def lsp_diagnostic(finding: Finding, lines: Lines, encoding: PositionEncoding) -> types.Diagnostic:
    """A finding (a rule's, or a syntax error as `ND000`) as a diagnostic; `data` tells code
    actions whether a fix exists."""
    return types.Diagnostic(
        range=lsp_range(
            lines, finding.line, finding.column, finding.end_line, finding.end_column, encoding
        ),
        message=finding.message,
        severity=_SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        source=SOURCE,
        code=finding.code,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code == NEVER_RUNS_CODE else None,
        data={
            "name": finding.name,
            "fix": None if finding.fix is None else finding.fix.safety,
            "equivalents": list(finding.equivalents),
        },
    )


def lsp_text_edit(edit: Edit, lines: Lines, encoding: PositionEncoding) -> types.TextEdit:
    """A rule's edit (1-based lines, byte columns) as an LSP text edit."""
    return types.TextEdit(
        range=lsp_range(lines, edit.line, edit.column, edit.end_line, edit.end_column, encoding),
        new_text=edit.new_text,
    )
