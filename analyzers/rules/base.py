"""The rule engine's data types: edits, fixes, findings, rules and the per-file context.

Positions: lines are 1-based; columns are 0-based UTF-8 byte offsets within the line (what
tree-sitter reports), and every edit and finding also carries absolute byte offsets into the
source. Front ends convert: the CLI prints 1-based character columns, the server UTF-16.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import tree_sitter

Severity = Literal["error", "warning", "information", "hint"]
FixSafety = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class Edit:
    """Replace the bytes [start_byte, end_byte) with `new_text` (an insertion when equal)."""

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str
    start_byte: int
    end_byte: int


def byte_position(source: bytes, offset: int) -> tuple[int, int]:
    """(1-based line, 0-based byte column) of a byte offset, as edits and findings give it."""
    line_start = source.rfind(b"\n", 0, offset) + 1
    return source.count(b"\n", 0, offset) + 1, offset - line_start


LINE_STARTS = "line-starts"
"""`Context.cache` key of the byte offsets where the file's lines start."""


def line_starts(source: bytes) -> list[int]:
    """The byte offset of each line's start (the first is 0)."""
    return [0, *(match.end() for match in re.finditer(b"\n", source))]


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """`source` with non-overlapping `edits` applied (from the last to the first, so each
    edit's byte offsets still hold when it is applied)."""
    for edit in sorted(edits, key=lambda e: (e.start_byte, e.end_byte), reverse=True):
        source = source[: edit.start_byte] + edit.new_text.encode("utf-8") + source[edit.end_byte :]
    return source


@dataclass(frozen=True)
class Fix:
    """A rewrite that removes a finding; `safe` fixes keep behaviour for every input."""

    edits: tuple[Edit, ...]
    safety: FixSafety
    description: str


@dataclass(frozen=True)
class Finding:
    """One problem at one place; `equivalents` are the peer tools' codes for the same thing."""

    code: str
    name: str
    message: str
    severity: Severity
    line: int
    column: int
    end_line: int
    end_column: int
    start_byte: int = 0
    end_byte: int = 0
    fix: Fix | None = None
    equivalents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields: the node to flag, the message, and an optional fix."""

    node: tree_sitter.Node
    message: str
    fix: Fix | None = None


@dataclass(frozen=True)
class Rule:
    """One performance rule: identity, documentation, version gate and its check function."""

    code: str
    name: str
    summary: str
    """One line: what the rule finds (the README table's "what" column)."""
    doc: str
    """Markdown with the headings What it finds / Why it is slow / Example / Use instead / Fix safety."""
    check: Callable[[Context], Iterable[Hit]]
    severity: Severity = "warning"
    equivalents: tuple[str, ...] = ()
    fix: FixSafety | None = None
    """The safety of the fix the rule offers, or None when it offers none."""
    min_version: tuple[int, int] | None = None
    """Only for targets at or above this Python version."""
    max_version: tuple[int, int] | None = None
    """Only for targets below this Python version (exclusive)."""
    dataflow: bool = False
    """Whether the rule relies on dependency analysis (data flow within loops or functions)."""
    default: bool = True
    """In the default set; False: opt-in, run only when a `select` names it (measured not worth
    a change on realistic inputs, see docs/rules.md#opt-in-rules)."""

    def applies_to(self, target: tuple[int, int]) -> bool:
        """Whether the rule is in force for code that must run on Python `target`."""
        if self.min_version is not None and target < self.min_version:
            return False
        return not (self.max_version is not None and target >= self.max_version)


@dataclass
class Context:
    """A parsed file as the rules see it: source bytes, tree, nodes grouped by type."""

    source: bytes
    tree: tree_sitter.Tree
    nodes: dict[str, list[tree_sitter.Node]]
    target_version: tuple[int, int]
    cache: dict[str, object] = field(default_factory=dict)
    """Per-file memo for facts several rules share (e.g. loop facts), keyed by purpose."""

    def of_type(self, node_type: str) -> list[tree_sitter.Node]:
        """Every node of `node_type` in the file, in source order."""
        return self.nodes.get(node_type, [])

    def text(self, node: tree_sitter.Node) -> str:
        """The source text of `node`."""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def line_indent(self, node: tree_sitter.Node) -> str:
        """The whitespace that starts the line on which `node` starts."""
        line_start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        end = line_start
        while end < len(self.source) and self.source[end : end + 1] in (b" ", b"\t"):
            end += 1
        return self.source[line_start:end].decode("utf-8")

    def replace(self, node: tree_sitter.Node, new_text: str) -> Edit:
        """An edit replacing `node` by `new_text`."""
        return self.replace_range(node.start_byte, node.end_byte, new_text)

    def replace_range(self, start: int, end: int, new_text: str) -> Edit:
        """An edit replacing the bytes [start, end) by `new_text`."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Edit(line, column, end_line, end_column, new_text, start, end)

    def insert_before_line(self, node: tree_sitter.Node, new_text: str) -> Edit:
        """An edit inserting `new_text` (whole lines) before the line on which `node` starts."""
        line_start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        return self.replace_range(line_start, line_start, new_text)

    def position(self, byte: int) -> tuple[int, int]:
        """(1-based line, 0-based byte column) of a byte offset: `byte_position` from a table
        of line starts built once per check (counting newlines from the file's start for each
        fix took a tenth of a cold check of a 10k-line module)."""
        starts = self.cache.get(LINE_STARTS)
        if starts is None:
            starts = self.cache[LINE_STARTS] = line_starts(self.source)
        assert isinstance(starts, list)
        line = bisect_right(starts, byte)
        return line, byte - starts[line - 1]

    def fix(self, description: str, safety: FixSafety, *edits: Edit) -> Fix:
        """A fix from edits, in source order."""
        return Fix(tuple(sorted(edits, key=lambda e: e.start_byte)), safety, description)


def make_doc(finds: str, why: str, example: str, instead: str, safety: str) -> str:
    """A rule doc with the five standard headings (examples are Python code blocks)."""
    return (
        f"## What it finds\n{finds.strip()}\n\n## Why it is slow\n{why.strip()}\n\n"
        f"## Example\n```python\n{example.strip()}\n```\n\n"
        f"## Use instead\n```python\n{instead.strip()}\n```\n\n## Fix safety\n{safety.strip()}\n"
    )
