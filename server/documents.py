"""Open documents as the server keeps them: UTF-8 bytes plus a tree-sitter tree, edited in place.

pygls keeps its own copy of each document as text; the analyses need bytes and a syntax tree.
Each `didChange` event is applied here as a byte-level edit, then the old tree is told about the
edit (`Tree.edit`) and tree-sitter re-parses only what changed, so typing in a 10k-line file
costs about as much as typing in a small one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import tree_sitter
from neurodebug.analyzers.parsing import new_parser

if TYPE_CHECKING:
    from neurodebug.analyzers.document import ModuleFacts

PositionEncoding = str
"""An LSP position encoding: "utf-8", "utf-16" (the default) or "utf-32"."""

_NEWLINE = re.compile(b"\n")


def line_starts(source: bytes) -> list[int]:
    """The byte offset at which each line of `source` starts (line 0 starts at 0)."""
    return [0, *(match.end() for match in _NEWLINE.finditer(source))]


def byte_column(line_text: bytes, column: int, encoding: PositionEncoding) -> int:
    """Convert a column in `encoding` units on one line to a UTF-8 byte column (clamped)."""
    if encoding == "utf-8" or line_text.isascii():
        return min(column, len(line_text))
    text = line_text.decode("utf-8", errors="replace")
    if encoding == "utf-32":
        return len(text[:column].encode("utf-8"))
    units = 0
    for index, char in enumerate(text):
        if units >= column:
            return len(text[:index].encode("utf-8"))
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


def encoded_column(line_text: bytes, byte_col: int, encoding: PositionEncoding) -> int:
    """Convert a UTF-8 byte column on one line to a column in `encoding` units."""
    if encoding == "utf-8" or line_text.isascii():
        return byte_col
    prefix = line_text[:byte_col].decode("utf-8", errors="replace")
    if encoding == "utf-32":
        return len(prefix)
    return len(prefix) + sum(1 for char in prefix if ord(char) > 0xFFFF)


@dataclass
class Document:
    """One open document: its bytes, line index and current tree, at one version."""

    uri: str
    version: int
    source: bytes
    tree: tree_sitter.Tree
    starts: list[int] = field(default_factory=list)
    parser: tree_sitter.Parser = field(default_factory=new_parser, repr=False)
    _facts: ModuleFacts | None = field(default=None, repr=False)

    @property
    def facts(self) -> ModuleFacts:
        """The static facts of the current text (functions analysed lazily, on first question)."""
        if self._facts is None:
            from neurodebug.analyzers.document import module_facts

            self._facts = module_facts(self.source, self.tree)
        return self._facts

    @staticmethod
    def open(uri: str, version: int, text: str) -> Document:
        """A document freshly parsed from its full text."""
        parser = new_parser()
        source = text.encode("utf-8")
        return Document(uri, version, source, parser.parse(source), line_starts(source), parser)

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_bytes(self, line: int) -> bytes:
        """The bytes of 0-based `line` without its newline (empty past the end)."""
        if line >= len(self.starts):
            return b""
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.source)
        return self.source[start:end]

    def offset(self, line: int, column: int, encoding: PositionEncoding) -> int:
        """The byte offset of an LSP position (0-based line, column in `encoding` units)."""
        if line >= len(self.starts):
            return len(self.source)
        return self.starts[line] + byte_column(self.line_bytes(line), column, encoding)

    def point(self, offset: int) -> tuple[int, int]:
        """(0-based row, byte column) of a byte offset — tree-sitter's `Point`."""
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def replace_all(self, version: int, text: str) -> None:
        """A full-document change: parse from scratch."""
        self.version = version
        self.source = text.encode("utf-8")
        self.starts = line_starts(self.source)
        self.tree = self.parser.parse(self.source)
        self._facts = None

    def apply_edit(
        self,
        start: tuple[int, int],
        end: tuple[int, int],
        text: str,
        encoding: PositionEncoding,
    ) -> None:
        """Replace the range [start, end) (LSP positions) with `text`; re-parse incrementally."""
        start_byte = self.offset(start[0], start[1], encoding)
        end_byte = max(start_byte, self.offset(end[0], end[1], encoding))
        start_point = self.point(start_byte)
        old_end_point = self.point(end_byte)
        inserted = text.encode("utf-8")
        new_end_byte = start_byte + len(inserted)
        newlines = inserted.count(b"\n")
        if newlines:
            new_end_point = (start_point[0] + newlines, len(inserted) - inserted.rfind(b"\n") - 1)
        else:
            new_end_point = (start_point[0], start_point[1] + len(inserted))
        self.source = self.source[:start_byte] + inserted + self.source[end_byte:]
        self._shift_line_starts(start_point[0], old_end_point[0], start_byte, inserted, end_byte)
        self.tree.edit(
            start_byte=start_byte,
            old_end_byte=end_byte,
            new_end_byte=new_end_byte,
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=new_end_point,
        )
        self.tree = self.parser.parse(self.source, self.tree)
        if self.tree.root_node.has_error:
            # tree-sitter can reuse a subtree that an unterminated string now swallows (found by
            # tests/reliability fuzzing): with errors in the tree, parse from scratch instead
            self.tree = self.parser.parse(self.source)
        self._facts = None

    def _shift_line_starts(
        self, first_row: int, last_row: int, start_byte: int, inserted: bytes, end_byte: int
    ) -> None:
        """Update the line index for one edit without rescanning the whole file."""
        delta = len(inserted) - (end_byte - start_byte)
        new_starts = [start_byte + match.end() for match in _NEWLINE.finditer(inserted)]
        tail = [offset + delta for offset in self.starts[last_row + 1 :]]
        self.starts[first_row + 1 :] = new_starts + tail

    @property
    def text(self) -> str:
        return self.source.decode("utf-8", errors="replace")

    def snapshot(self) -> Snapshot:
        """An immutable copy for work on another thread while edits keep arriving."""
        return Snapshot(self.uri, self.version, self.source, self.tree.copy(), list(self.starts))


@dataclass(frozen=True)
class Snapshot:
    """A document frozen at one version; safe to read from any thread."""

    uri: str
    version: int
    source: bytes
    tree: tree_sitter.Tree
    starts: list[int]

    def line_bytes(self, line: int) -> bytes:
        """The bytes of 0-based `line` without its newline (empty past the end)."""
        if line >= len(self.starts):
            return b""
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.source)
        return self.source[start:end]
