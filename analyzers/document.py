"""Documents and module facts: source bytes + tree-sitter tree, edited incrementally, and the
functions found in them.

`Document` is what an editor session keeps per open file (the language server holds one per
open document): the editor keeps its own copy as text, the analyses need bytes and a syntax
tree. Each edit (LSP coordinates: 0-based lines, columns in the negotiated encoding) is applied
as a byte-level edit, the old tree is told about it (`Tree.edit`) and tree-sitter re-parses
only what changed, so typing in a 10k-line file costs about as much as typing in a small one.
`ModuleFacts` lists every function (and class body, and the module body) with facts computed
lazily per function. Nothing here knows LSP types; the server converts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter

from .calls import ModuleCalls, Scope
from .effects import CallContext
from .extract import StatementGraph, build_statement_graph
from .facts import FunctionFacts
from .parsing import SyntaxProblem, new_parser, syntax_errors
from .scopes import Binding, NameIndex, Occurrence, build_name_index

PositionEncoding = str
"""An LSP position encoding: "utf-8", "utf-16" (LSP's default) or "utf-32"."""

_NEWLINE = re.compile(b"\n")


def line_starts(source: bytes) -> list[int]:
    """The byte offset at which each line of `source` starts (line 0 starts at 0)."""
    return [0, *(match.end() for match in _NEWLINE.finditer(source))]


def line_bytes(source: bytes, starts: list[int], line: int) -> bytes:
    """The bytes of 0-based `line` without its newline (empty past the end), given the
    `line_starts` of `source`."""
    if line >= len(starts):
        return b""
    end = starts[line + 1] - 1 if line + 1 < len(starts) else len(source)
    return source[starts[line] : end]


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
            self._facts = module_facts(self.source, self.tree)
        return self._facts

    def name_at(
        self, line: int, character: int, encoding: PositionEncoding
    ) -> tuple[Occurrence, Binding] | None:
        """The name at an LSP position (0-based line, column in `encoding` units): the
        occurrence under the cursor (or just before it) and the binding Python resolves it to."""
        column = byte_column(self.line_bytes(line), character, encoding)
        return self.facts.names.occurrence_at(line + 1, column)

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
        return line_bytes(self.source, self.starts, line)

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
        return line_bytes(self.source, self.starts, line)


@dataclass(eq=False)
class ModuleFacts:
    """Every function of a module (the module body first, as kind "module")."""

    source: bytes
    tree: tree_sitter.Tree = field(repr=False)
    functions: list[FunctionFacts]
    _syntax: list[SyntaxProblem] | None = field(default=None, repr=False)
    _names: NameIndex | None = field(default=None, repr=False)

    @property
    def module(self) -> FunctionFacts:
        return self.functions[0]

    @property
    def syntax_errors(self) -> list[SyntaxProblem]:
        if self._syntax is None:
            self._syntax = syntax_errors(self.tree, source=self.source)
        return self._syntax

    @property
    def names(self) -> NameIndex:
        """Every identifier resolved to its binding (built on first use)."""
        if self._names is None:
            self._names = build_name_index(self.tree, self.source)
        return self._names

    def name_at(self, line: int, col: int) -> Binding | None:
        """The binding of the name at 1-based `line`, 0-based byte `col` (None off a name)."""
        return self.names.at(line, col)

    def function_at(self, line: int) -> FunctionFacts:
        """The innermost function or class whose body holds `line` (1-based), else the module."""
        best = self.functions[0]
        for function in self.functions[1:]:
            if (
                function.def_line <= line <= function.end_line
                and function.def_line >= best.def_line
            ):
                best = function
        return best

    def functions_named(self, name: str) -> list[FunctionFacts]:
        """Functions whose name or qualname is `name`."""
        return [f for f in self.functions if name in (f.name, f.qualname)]

    def compute_all(self) -> None:
        """Force every fact of every function."""
        for function in self.functions:
            function.compute_all()


_COMPOUND_BODIES = (
    "if_statement",
    "elif_clause",
    "else_clause",
    "for_statement",
    "while_statement",
    "try_statement",
    "except_clause",
    "except_group_clause",
    "finally_clause",
    "with_statement",
    "match_statement",
    "case_clause",
    "block",
    "decorated_definition",
    "ERROR",
)


def discover_functions(root: tree_sitter.Node, source: bytes = b"") -> list[FunctionFacts]:
    """The module body plus every def and class, with Python-style qualnames, in source order
    (`source`: the bytes `root` was parsed from, optional)."""
    last_line = root.end_point.row + 1
    found = [FunctionFacts("<module>", "<module>", "module", 1, last_line, False, root, source)]
    stack: list[tuple[tree_sitter.Node, str]] = [(root, "")]
    modules: set[str] = set()
    imported: dict[str, str] = {}
    while stack:
        node, prefix = stack.pop()
        for child in reversed(node.named_children):
            kind = child.type
            if kind in ("function_definition", "class_definition"):
                name_node = child.child_by_field_name("name")
                name = (name_node.text or b"?").decode("utf-8", "replace") if name_node else "?"
                qualname = prefix + name
                is_function = kind == "function_definition"
                first_child = child.children[0] if child.child_count else None
                found.append(
                    FunctionFacts(
                        name,
                        qualname,
                        "function" if is_function else "class",
                        child.start_point.row + 1,
                        child.end_point.row + 1,
                        first_child is not None and first_child.type == "async",
                        child,
                        source,
                    )
                )
                body = child.child_by_field_name("body")
                if body is not None:
                    inner = qualname + (".<locals>." if is_function else ".")
                    stack.append((body, inner))
            elif kind in _COMPOUND_BODIES:
                stack.append((child, prefix))
            elif kind == "import_statement":
                modules.update(_imported_modules(child))
            elif kind == "import_from_statement":
                imported.update(_imported_names(child))
    found[1:] = sorted(found[1:], key=lambda f: (f.def_line, f.node.start_byte))
    frozen = frozenset(modules)
    scopes: list[Scope] = [
        Scope(f.kind, f.qualname, f.node, f.def_line if f.kind != "module" else 0, f.end_line)
        for f in found
    ]
    calls = ModuleCalls(scopes, _lowering(source), frozen, imported)
    for index, function in enumerate(found):
        function.modules = frozen
        function.imported = imported
        function.calls = calls
        function.index = index
    return found


def _lowering(source: bytes) -> Callable[[Scope, CallContext], StatementGraph]:
    """How `ModuleCalls` lowers a scope of this module (`source` may be b"": node text)."""

    def lower(scope: Scope, context: CallContext) -> StatementGraph:
        return build_statement_graph(scope.node, scope.first_line, scope.end_line, source, context)

    return lower


def _imported_modules(statement: tree_sitter.Node) -> list[str]:
    """Names an `import a.b` / `import a as b` statement binds (module objects)."""
    names: list[str] = []
    for name in statement.children_by_field_name("name"):
        target = name.child_by_field_name("alias") if name.type == "aliased_import" else name
        if target is not None and target.type == "dotted_name" and target.named_child_count:
            target = target.named_children[0]
        if target is not None and target.type == "identifier":
            names.append((target.text or b"").decode("utf-8", "replace"))
    return names


def _imported_names(statement: tree_sitter.Node) -> dict[str, str]:
    """Names a `from m import n [as k]` statement binds: k → "m.n" (relative: ".m.n")."""
    module = statement.child_by_field_name("module_name")
    if module is None:
        return {}
    prefix = (module.text or b"").decode("utf-8", "replace")
    names: dict[str, str] = {}
    for name in statement.children_by_field_name("name"):
        original = name.child_by_field_name("name") if name.type == "aliased_import" else name
        bound = name.child_by_field_name("alias") if name.type == "aliased_import" else name
        if original is None or bound is None:
            continue
        written = (original.text or b"").decode("utf-8", "replace")
        names[(bound.text or b"").decode("utf-8", "replace")] = f"{prefix}.{written}"
    return names


def module_facts(source: bytes, tree: tree_sitter.Tree) -> ModuleFacts:
    """Facts for an already parsed module."""
    return ModuleFacts(source, tree, discover_functions(tree.root_node, source))


def analyze_source(source: bytes) -> ModuleFacts:
    """Parse `source` and return its module facts (functions analysed on first use)."""
    return module_facts(source, new_parser().parse(source))
