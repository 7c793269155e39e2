"""Documents and module facts: source bytes + tree-sitter tree, edited incrementally, and the
functions found in them.

`SourceDocument` is what an editor session keeps per open file: LSP edits (0-based lines,
UTF-16 columns) become `Tree.edit` calls plus a re-parse that reuses the old tree, so a
keystroke costs a fraction of a full parse. `ModuleFacts` lists every function (and class
body, and the module body) with facts computed lazily per function.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import tree_sitter

from .facts import FunctionFacts
from .parsing import SyntaxProblem, new_parser, syntax_errors
from .scopes import Binding, NameIndex, Occurrence, build_name_index

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


def _line_starts(source: bytes) -> list[int]:
    starts = [0]
    position = source.find(b"\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find(b"\n", position + 1)
    return starts


def utf16_to_byte_column(line_text: bytes, utf16_column: int) -> int:
    """Byte offset within a line of a UTF-16 code-unit column (LSP's default encoding)."""
    if line_text.isascii():
        return min(utf16_column, len(line_text))
    units = 0
    text = line_text.decode("utf-8", errors="replace")
    for index, char in enumerate(text):
        if units >= utf16_column:
            return len(text[:index].encode("utf-8"))
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


def byte_to_utf16_column(line_text: bytes, byte_column: int) -> int:
    """UTF-16 code-unit column of a byte offset within a line."""
    prefix = line_text[:byte_column]
    if prefix.isascii():
        return len(prefix)
    return len(prefix.decode("utf-8", errors="replace").encode("utf-16-le")) // 2


@dataclass(eq=False)
class SourceDocument:
    """One file's text and tree; `apply_edit` keeps both current with incremental parsing."""

    source: bytes
    tree: tree_sitter.Tree = field(init=False, repr=False)
    _parser: tree_sitter.Parser = field(init=False, repr=False)
    _line_starts: list[int] = field(init=False, repr=False)
    _facts: ModuleFacts | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._parser = new_parser()
        self.tree = self._parser.parse(self.source)
        self._line_starts = _line_starts(self.source)

    def line_text(self, line: int) -> bytes:
        """The bytes of 0-based `line` without its newline (empty past the end)."""
        if line >= len(self._line_starts):
            return b""
        start = self._line_starts[line]
        end = self.source.find(b"\n", start)
        return self.source[start : end if end != -1 else len(self.source)]

    def offset(self, line: int, column: int, utf16: bool = True) -> int:
        """Byte offset of a 0-based (line, column); columns past the end clamp to it."""
        if line >= len(self._line_starts):
            return len(self.source)
        text = self.line_text(line)
        byte_column = utf16_to_byte_column(text, column) if utf16 else min(column, len(text))
        return self._line_starts[line] + byte_column

    def point(self, offset: int) -> tuple[int, int]:
        """The tree-sitter point (0-based row, byte column) of a byte offset."""
        row = bisect_right(self._line_starts, offset) - 1
        return row, offset - self._line_starts[row]

    def apply_edit(
        self,
        start_line: int,
        start_col: int,
        end_line: int,
        end_col: int,
        new_text: str,
        utf16: bool = True,
    ) -> None:
        """Replace the range with `new_text` (0-based lines; UTF-16 columns unless `utf16` is
        False, then bytes) and re-parse incrementally from the edited old tree."""
        start = self.offset(start_line, start_col, utf16)
        end = max(start, self.offset(end_line, end_col, utf16))
        inserted = new_text.encode("utf-8")
        start_point = self.point(start)
        old_end_point = self.point(end)
        self.source = self.source[:start] + inserted + self.source[end:]
        self._line_starts = _line_starts(self.source)
        new_end = start + len(inserted)
        self.tree.edit(
            start_byte=start,
            old_end_byte=end,
            new_end_byte=new_end,
            start_point=start_point,
            old_end_point=old_end_point,
            new_end_point=self.point(new_end),
        )
        self.tree = self._parser.parse(self.source, self.tree)
        if self.tree.root_node.has_error:
            # tree-sitter can reuse a subtree that an unterminated string now swallows (found by
            # tests/reliability fuzzing): with errors in the tree, parse from scratch instead
            self.tree = self._parser.parse(self.source)
        self._facts = None

    def replace_all(self, source: bytes) -> None:
        """Full-text sync (LSP `TextDocumentSyncKind.Full`)."""
        self.source = source
        self.tree = self._parser.parse(source)
        self._line_starts = _line_starts(source)
        self._facts = None

    def binding_at(self, line: int, character: int) -> Binding | None:
        """The binding of the name at an LSP position (0-based line, UTF-16 column)."""
        byte_column = utf16_to_byte_column(self.line_text(line), character)
        return self.facts.name_at(line + 1, byte_column)

    def lsp_range(self, occurrence: Occurrence) -> tuple[int, int, int, int]:
        """An occurrence as an LSP range: (line, character, end line, end character), 0-based
        lines and UTF-16 columns."""
        text = self.line_text(occurrence.line - 1)
        return (
            occurrence.line - 1,
            byte_to_utf16_column(text, occurrence.col),
            occurrence.line - 1,
            byte_to_utf16_column(text, occurrence.end_col),
        )

    @property
    def facts(self) -> ModuleFacts:
        """Module facts for the current text, rebuilt after each edit (lazily per function)."""
        if self._facts is None:
            self._facts = module_facts(self.source, self.tree)
        return self._facts


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
            self._syntax = syntax_errors(self.tree)
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


def discover_functions(root: tree_sitter.Node, source: bytes = b"") -> list[FunctionFacts]:
    """The module body plus every def and class, with Python-style qualnames, in source order
    (`source`: the bytes `root` was parsed from, optional)."""
    last_line = root.end_point.row + 1
    found = [FunctionFacts("<module>", "<module>", "module", 1, last_line, False, root, source)]
    stack: list[tuple[tree_sitter.Node, str]] = [(root, "")]
    modules: set[str] = set()
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
    found[1:] = sorted(found[1:], key=lambda f: (f.def_line, f.node.start_byte))
    frozen = frozenset(modules)
    for function in found:
        function.modules = frozen
    return found


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


def module_facts(source: bytes, tree: tree_sitter.Tree) -> ModuleFacts:
    """Facts for an already parsed module."""
    return ModuleFacts(source, tree, discover_functions(tree.root_node, source))


def analyze_source(source: bytes) -> ModuleFacts:
    """Parse `source` and return its module facts (functions analysed on first use)."""
    return module_facts(source, new_parser().parse(source))
