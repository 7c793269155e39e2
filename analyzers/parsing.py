"""Parse Python with tree-sitter and report syntax errors without giving up on the file.

tree-sitter recovers from errors, so one broken function still leaves a tree in which every
other function can be analysed; `syntax_errors` names the broken spots the way a compiler would.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tree_sitter
import tree_sitter_python

MAX_ERRORS_PER_FILE = 50


@cache
def python_language() -> tree_sitter.Language:
    """The tree-sitter Python language, loaded once per process."""
    return tree_sitter.Language(tree_sitter_python.language())


def new_parser() -> tree_sitter.Parser:
    """A fresh parser; parsers are not thread-safe, so each thread or document owns one."""
    return tree_sitter.Parser(python_language())


def parse(source: bytes, old_tree: tree_sitter.Tree | None = None) -> tree_sitter.Tree:
    """Parse `source`; with `old_tree` (already edited with `Tree.edit`) tree-sitter reuses it."""
    parser = new_parser()
    return parser.parse(source, old_tree) if old_tree is not None else parser.parse(source)


@dataclass(frozen=True)
class SyntaxProblem:
    """One syntax error; lines and columns are 1-based, columns count UTF-8 bytes + 1."""

    line: int
    column: int
    end_line: int
    end_column: int
    message: str


class UnreadableSourceError(Exception):
    """A file that cannot be analysed as Python text (binary, not UTF-8, unreadable)."""


def read_source(path: Path) -> bytes:
    """Read a file as Python source bytes or explain why it cannot be analysed."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableSourceError(f"cannot read file: {error.strerror or error}") from error
    if b"\x00" in data[:8192]:
        raise UnreadableSourceError("binary file (contains NUL bytes), skipped")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableSourceError(f"not valid UTF-8 (byte {error.start}), skipped") from error
    return data


def _describe(node: tree_sitter.Node) -> str:
    if node.is_missing:
        return f"missing '{node.type}'"
    text = (node.text or b"").decode("utf-8", errors="replace").strip()
    first_token = text.split()[0] if text.split() else ""
    if len(first_token) > 30:
        first_token = first_token[:27] + "..."
    return f"invalid syntax near '{first_token}'" if first_token else "invalid syntax"


def syntax_errors(tree: tree_sitter.Tree, limit: int = MAX_ERRORS_PER_FILE) -> list[SyntaxProblem]:
    """The innermost ERROR nodes and every MISSING node, one problem per line, in order."""
    problems: list[SyntaxProblem] = []
    seen_lines: set[int] = set()
    if not tree.root_node.has_error:
        return problems
    cursor_stack = [tree.root_node]
    while cursor_stack and len(problems) < limit:
        node = cursor_stack.pop()
        if not node.has_error and not node.is_missing:
            continue
        children_with_errors = [
            child for child in node.children if child.has_error or child.is_missing
        ]
        innermost_error = node.is_error and not any(
            child.is_error for child in children_with_errors
        )
        if node.is_missing or innermost_error:
            line = node.start_point.row + 1
            if line not in seen_lines:
                seen_lines.add(line)
                problems.append(
                    SyntaxProblem(
                        line=line,
                        column=node.start_point.column + 1,
                        end_line=node.end_point.row + 1,
                        end_column=node.end_point.column + 1,
                        message=f"SyntaxError: {_describe(node)}",
                    )
                )
            if node.is_missing:
                continue
        cursor_stack.extend(reversed(children_with_errors))
    return sorted(problems, key=lambda problem: (problem.line, problem.column))
