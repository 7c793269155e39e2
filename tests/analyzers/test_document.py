"""Incremental parsing: LSP-style edits (UTF-16 columns) keep text, tree and facts right."""

from __future__ import annotations

import random

from neurodebug.analyzers.document import (
    Document,
    byte_column,
    encoded_column,
)
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.scopes import Occurrence

SOURCE = 'def f(a):\n    s = "héllo 🐍"; b = a\n    return b\n'


def open_document(source: bytes) -> Document:
    return Document.open("file:///test.py", 1, source.decode())


def utf16_range(document: Document, occurrence: Occurrence) -> tuple[int, int, int, int]:
    """An occurrence as an LSP range: (line, character, end line, end character), 0-based
    lines and UTF-16 columns."""
    text = document.line_bytes(occurrence.line - 1)
    return (
        occurrence.line - 1,
        encoded_column(text, occurrence.col, "utf-16"),
        occurrence.line - 1,
        encoded_column(text, occurrence.end_col, "utf-16"),
    )


def fresh_tree_text(document: Document) -> str:
    return str(parse(document.source).root_node)


def test_utf16_columns_convert_to_bytes_and_back() -> None:
    line = '    s = "héllo 🐍"; b = a'.encode()
    # é is 1 UTF-16 unit and 2 bytes; 🐍 is 2 units and 4 bytes
    assert byte_column(line, 11, "utf-16") == 12
    assert byte_column(line, 17, "utf-16") == 20  # just after the snake
    assert encoded_column(line, 20, "utf-16") == 17
    assert byte_column(b"abc", 10, "utf-16") == 3


def test_edit_after_non_ascii_text_lands_at_the_right_byte() -> None:
    document = open_document(SOURCE.encode())
    # replace `a` (UTF-16 column 24 on line 1, after the snake) with `a + 1`
    document.apply_edit((1, 24), (1, 25), "a + 1", "utf-16")
    assert document.source.decode() == SOURCE.replace("b = a", "b = a + 1")
    assert str(document.tree.root_node) == fresh_tree_text(document)
    function = document.facts.functions_named("f")[0]
    assert function.reads_at(2) == {"a"}


def test_insert_new_lines_updates_facts() -> None:
    document = open_document(SOURCE.encode())
    document.apply_edit((2, 4), (2, 4), "b = b * 2\n    ", "utf-16")
    function = document.facts.functions_named("f")[0]
    assert function.reaching_definitions(4, "b") == {3}
    assert function.reaching_definitions(3, "b") == {2}


def test_delete_across_lines_and_byte_columns() -> None:
    document = open_document(b"x = 1\ny = 2\nz = x + y\n")
    document.apply_edit((0, 5), (1, 5), "", "utf-8")
    assert document.source == b"x = 1\nz = x + y\n"
    assert str(document.tree.root_node) == fresh_tree_text(document)
    assert document.facts.module.reaching_definitions(2, "y") == set()


def test_random_edit_sequences_match_a_fresh_parse() -> None:
    rng = random.Random(7)
    pieces = ["x", " = ", "1", "\n", "if x:\n    ", "(", ")", "é", "🐍", "def g():\n  ", "#"]
    document = open_document(SOURCE.encode())
    for _ in range(200):
        text = document.source.decode()
        lines = text.split("\n")
        start_line = rng.randrange(len(lines))
        end_line = min(len(lines) - 1, start_line + rng.randrange(2))
        start_units = len(lines[start_line].encode("utf-16-le")) // 2
        end_units = len(lines[end_line].encode("utf-16-le")) // 2
        start_col = rng.randint(0, start_units)
        end_col = rng.randint(0, end_units) if end_line > start_line else start_col
        end_col = max(end_col, start_col) if end_line == start_line else end_col
        document.apply_edit(
            (start_line, start_col), (end_line, end_col), rng.choice(pieces), "utf-16"
        )
        assert str(document.tree.root_node) == fresh_tree_text(document)
        document.source.decode("utf-8")  # never split a character
    assert document.facts.functions  # and the facts of whatever text remains


def test_replace_all_resets_the_document() -> None:
    document = open_document(SOURCE.encode())
    first = document.facts
    document.replace_all(2, "def h():\n    return 1\n")
    assert document.facts is not first
    assert [f.qualname for f in document.facts.functions] == ["<module>", "h"]


def test_binding_at_lsp_positions_and_ranges_back() -> None:
    document = open_document('s = "🐍"; total = 1\nprint(total)\n'.encode())
    found = document.name_at(0, 12, "utf-16")  # `total` after a 2-unit snake: column 10..15
    assert found is not None
    occurrence, binding = found
    assert binding.name == "total"
    [definition] = binding.definitions
    assert occurrence == definition
    assert utf16_range(document, definition) == (0, 10, 0, 15)
    assert [utf16_range(document, use) for use in binding.uses] == [(1, 6, 1, 11)]
    assert document.name_at(0, 8, "utf-16") is None  # on `;`
