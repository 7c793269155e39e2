"""Parse Python with tree-sitter and report syntax errors without giving up on the file.

tree-sitter recovers from errors, so one broken function still leaves a tree in which every
other function can be analysed. What the user is told, though, is CPython's own verdict: one
missing `)` makes tree-sitter flag dozens of spots above the typo, while the compiler reports one
error where the user expects it (`'(' was never closed`, at the parenthesis). `syntax_errors`
therefore asks the compiler whenever tree-sitter sees an error, and falls back to tree-sitter's
spots only when the compiler cannot say (a file nested too deeply for it).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tree_sitter
import tree_sitter_python

MAX_ERRORS_PER_FILE = 50
COMPILE_ALWAYS_BELOW_LINES = 2_000
"""Files shorter than this are always compiled (about 15 ms per 1,000 lines here): tree-sitter
misses some errors (an unexpected indent); at most ~30 ms. Longer ones are compiled only when
tree-sitter sees an error, so typing in a 10k-line module never waits for a full compile."""


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


def compiler_syntax_errors(source: bytes) -> list[SyntaxProblem] | None:
    """CPython's verdict: [] when `source` compiles, [its first error], or None when it cannot say.

    Parses only (no bytecode). Given bytes, CPython reports columns in UTF-8 bytes, as tree-sitter
    does. An unknown end (`end_offset` 0 or -1) becomes a one-column span.
    """
    try:
        with warnings.catch_warnings():  # `"\d"`, `0x1for`: the user's code, not our log's
            warnings.simplefilter("ignore")
            compile(source, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:  # IndentationError and TabError included
        line = error.lineno or 1
        column = max(error.offset or 1, 1)
        end_line = error.end_lineno or line
        end_column = error.end_offset or 0
        if end_line < line or (end_line == line and end_column <= column):
            end_line, end_column = line, column + 1
        message = f"{type(error).__name__}: {error.msg}"
        return [SyntaxProblem(line, column, end_line, end_column, message)]
    except (ValueError, RecursionError, MemoryError):
        return None
    return []


def syntax_errors(
    tree: tree_sitter.Tree, limit: int = MAX_ERRORS_PER_FILE, source: bytes | None = None
) -> list[SyntaxProblem]:
    """The file's syntax errors: CPython's one error when `source` is given, else tree-sitter's.

    Without `source` (or when the compiler cannot say): the innermost ERROR nodes and every
    MISSING node, one problem per line, in order. In a long file tree-sitter is the gate: a tree
    without errors costs no compile. When tree-sitter sees an error that CPython does not (syntax
    newer than the grammar), CPython wins and nothing is reported.
    """
    problems: list[SyntaxProblem] = []
    has_error = tree.root_node.has_error
    short = source is not None and source.count(b"\n") < COMPILE_ALWAYS_BELOW_LINES
    if not has_error and not short:
        return problems
    verdict = compiler_syntax_errors(source) if source is not None else None
    if verdict is not None:
        return verdict
    if not has_error:
        return problems
    seen_lines: set[int] = set()
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
