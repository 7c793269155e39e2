"""Keep the lines a fix writes within the project's line length.

A fix replaces code with one line of new code (`kept = [w for w in words if w not in stop]`,
`namespace = {"a": a, "b": b, …}`); on a long expression that line can pass 150 characters.
Where it is longer than the project's line length (ruff's or black's, see `Settings.line_length`)
and the original file did not already have it, the line is wrapped at its outermost brackets the
way ruff format and black lay out a "magic trailing comma" — one item per line, or one clause per
line for a comprehension — and the wrap is kept only if the program's AST is unchanged, so it can
never alter what the code does. One level only: an item that is still too long stays as it is.
"""

from __future__ import annotations

import ast

import tree_sitter
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules.base import Edit, Fix, apply_edits, byte_position

_COMPREHENSIONS = frozenset(
    {"list_comprehension", "dictionary_comprehension", "set_comprehension", "generator_expression"}
)
_ITEM_LISTS = frozenset({"argument_list", "list", "dictionary", "set", "tuple", "parameters"})
_INDENT = "    "


def wrap_long_lines(original: bytes, fixed: bytes, line_length: int) -> bytes:
    """`fixed` with each new over-long line wrapped at its outermost brackets (see module doc)."""
    known = set(original.split(b"\n"))
    lines = fixed.split(b"\n")
    rows = [
        row
        for row, line in enumerate(lines)
        if line not in known and len(line.decode("utf-8", "replace")) > line_length
    ]
    if not rows:
        return fixed
    tree = parse(fixed)
    result = fixed
    for row in reversed(rows):  # bottom-up: a wrap never moves the bytes of the rows above it
        indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())].decode()
        node = _outermost_brackets(tree.root_node, row, len(indent))
        if node is None:
            continue
        new = _wrapped(fixed, node, indent)
        if new is not None:
            result = result[: node.start_byte] + new.encode() + result[node.end_byte :]
    if result == fixed or not _same_program(fixed, result):
        return fixed
    return result


def _outermost_brackets(root: tree_sitter.Node, row: int, column: int) -> tree_sitter.Node | None:
    """The widest bracketed node that starts and ends on `row` and holds at least two items
    (or is a comprehension), in the statement that starts at `column` of that row (a `def`
    header's parameters included)."""
    statement = root.descendant_for_point_range((row, column), (row, column))
    while statement is not None and statement.parent is not None and statement.parent != root:
        if statement.parent.type == "block" or statement.parent.start_point[0] != row:
            break
        statement = statement.parent
    if statement is None or statement.start_point[0] != row:
        return None
    best: tree_sitter.Node | None = None
    stack = [statement]
    while stack:
        node = stack.pop()
        if node.start_point[0] > row:
            continue
        on_row = node.start_point[0] == row and node.end_point[0] == row
        if on_row and _wrappable(node) and (best is None or _width(node) > _width(best)):
            best = node
        stack.extend(child for child in node.named_children if child.type != "block")
    return best


def _width(node: tree_sitter.Node) -> int:
    return node.end_byte - node.start_byte


def _wrappable(node: tree_sitter.Node) -> bool:
    if node.type in _COMPREHENSIONS:
        return True
    return node.type in _ITEM_LISTS and len(_items(node)) >= 2


def _items(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    return [child for child in node.named_children if child.type != "comment"]


def _wrapped(source: bytes, node: tree_sitter.Node, indent: str) -> str | None:
    """The node's text laid out one item (or clause) per line, closing bracket at `indent`."""
    if node.child_count < 2:
        return None
    opening = source[node.children[0].start_byte : node.children[0].end_byte].decode()
    closing = source[node.children[-1].start_byte : node.children[-1].end_byte].decode()
    if opening not in ("(", "[", "{") or closing not in (")", "]", "}"):
        return None
    inner = indent + _INDENT

    def piece(child: tree_sitter.Node) -> str:
        return source[child.start_byte : child.end_byte].decode("utf-8")

    if node.type in _COMPREHENSIONS:
        body = "\n".join(inner + piece(part) for part in _items(node))
        return f"{opening}\n{body}\n{indent}{closing}"
    body = "".join(f"{inner}{piece(item)},\n" for item in _items(node))
    return f"{opening}\n{body}{indent}{closing}"


def _same_program(before: bytes, after: bytes) -> bool:
    """Whether both sources parse to the same AST (layout and trailing commas aside)."""
    try:
        return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))
    except (SyntaxError, ValueError):
        return False


def formatted_fix(source: bytes, fix: Fix, line_length: int) -> Fix:
    """`fix` with its new lines kept within `line_length`, for a client that applies one fix's
    edits (the editor's quick fix): the same change as a single edit when a line was wrapped,
    else `fix` itself."""
    fixed = apply_edits(source, fix.edits)
    wrapped = wrap_long_lines(source, fixed, line_length)
    if wrapped == fixed:
        return fix
    start = 0
    limit = min(len(source), len(wrapped))
    while start < limit and source[start] == wrapped[start]:
        start += 1
    while start > 0 and source[start] & 0xC0 == 0x80:  # never split a UTF-8 character
        start -= 1
    tail = 0
    while tail < limit - start and source[-1 - tail] == wrapped[-1 - tail]:
        tail += 1
    while tail > 0 and source[len(source) - tail] & 0xC0 == 0x80:
        tail -= 1
    end = len(source) - tail
    new_text = wrapped[start : len(wrapped) - tail].decode("utf-8")
    line, column = byte_position(source, start)
    end_line, end_column = byte_position(source, end)
    edit = Edit(line, column, end_line, end_column, new_text, start, end)
    return Fix((edit,), fix.safety, fix.description)
