"""Names in the syntax tree: the identifier under the cursor and where a name is written or read.

Tree-sitter only; the LSP handlers turn the byte spans into ranges. A name counts as written
where Python binds it: assignment and `for` targets, parameters, `with … as`, `except … as`,
imports, walrus, `def`/`class` names, `del`, `global`/`nonlocal` declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

_TARGET_FIELDS = {
    "assignment": "left",
    "augmented_assignment": "left",
    "for_statement": "left",
    "for_in_clause": "left",
    "named_expression": "name",
    "function_definition": "name",
    "class_definition": "name",
}
_BINDING_PARENTS = frozenset(
    {
        "parameters",
        "lambda_parameters",
        "default_parameter",
        "typed_parameter",
        "typed_default_parameter",
        "list_splat_pattern",
        "dictionary_splat_pattern",
        "as_pattern_target",
        "aliased_import",
        "dotted_name",
        "delete_statement",
        "global_statement",
        "nonlocal_statement",
    }
)
_TARGET_CONTAINERS = frozenset(
    {
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "list_splat_pattern",
        "parenthesized_expression",
    }
)
_SCOPES = frozenset({"function_definition", "lambda", "class_definition"})


@dataclass(frozen=True)
class Occurrence:
    """One appearance of a name: its byte span, 0-based start/end points, and whether it binds."""

    start_byte: int
    end_byte: int
    start_point: tuple[int, int]
    end_point: tuple[int, int]
    is_write: bool


def identifier_at(tree: tree_sitter.Tree, offset: int) -> tree_sitter.Node | None:
    """The identifier covering `offset` (or ending right at it, as a cursor after a name is)."""
    for probe in (offset, offset - 1):
        if probe < 0:
            continue
        node = tree.root_node.descendant_for_byte_range(probe, probe)
        if node is not None and node.type == "identifier":
            return node
    return None


def node_text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def is_write(node: tree_sitter.Node) -> bool:
    """Whether this identifier is bound (written) where it stands."""
    child = node
    parent = node.parent
    while parent is not None and parent.type in _TARGET_CONTAINERS:
        child, parent = parent, parent.parent
    if parent is None:
        return False
    field = _TARGET_FIELDS.get(parent.type)
    if field is not None:
        target = parent.child_by_field_name(field)
        return target is not None and target.id == child.id
    if parent.type == "dotted_name":
        grand = parent.parent
        if grand is not None and grand.type == "import_from_statement":
            module = grand.child_by_field_name("module_name")
            return module is None or module.id != parent.id
        return grand is not None and grand.type in ("import_statement", "aliased_import")
    if parent.type == "aliased_import":
        alias = parent.child_by_field_name("alias")
        return alias is not None and alias.id == child.id
    if parent.type in ("default_parameter", "typed_default_parameter"):
        name = parent.child_by_field_name("name")
        return name is not None and name.id == child.id
    if parent.type == "typed_parameter":
        return child.prev_sibling is None or child.prev_sibling.type in ("*", "**")
    if parent.type == "keyword_argument":
        return False
    return parent.type in _BINDING_PARENTS


def scope_of(node: tree_sitter.Node) -> tree_sitter.Node:
    """The innermost function, lambda or class around `node`, else the module."""
    current = node.parent
    while current is not None:
        if current.type in _SCOPES:
            name = current.child_by_field_name("name")
            if name is None or name.id != node.id:
                return current
        if current.parent is None:
            return current
        current = current.parent
    return node


def occurrences(scope: tree_sitter.Node, name: str) -> list[Occurrence]:
    """Every identifier `name` inside `scope`, in source order (nested scopes included)."""
    found: list[Occurrence] = []
    stack = [scope]
    encoded = name.encode("utf-8")
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            if node.text == encoded:
                found.append(
                    Occurrence(
                        node.start_byte,
                        node.end_byte,
                        (node.start_point.row, node.start_point.column),
                        (node.end_point.row, node.end_point.column),
                        is_write(node),
                    )
                )
            continue
        if node.type == "attribute":
            obj = node.child_by_field_name("object")
            if obj is not None:
                stack.append(obj)  # `self.x`: only the object is a name
            continue
        if node.type == "keyword_argument":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
            continue
        stack.extend(reversed(node.children))
    return sorted(found, key=lambda occurrence: occurrence.start_byte)
