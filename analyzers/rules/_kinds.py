"""What a name certainly holds: the builtin type (list, tuple, set, dict, str, bytes) every
binding of it in its scope gives, and the values it is bound to.

Rules that suggest a faster operation for one container type (`x in list` vs set, `pop(0)`)
must know the type; a name bound any other way (a loop target, a call result) is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from ._syntax import call_name, enclosing_scope, target_names, unparen, walk
from .base import Context


@dataclass
class ScopeBindings:
    """Where each name of one scope is bound to a value (`name = value`), in order."""

    values: dict[str, list[tree_sitter.Node]] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    other_bindings: set[str] = field(default_factory=set)
    """Names also bound some other way (for targets, augmented assignment, imports, …)."""


def scope_bindings(ctx: Context, scope: tree_sitter.Node) -> ScopeBindings:
    """Bindings of `scope`'s own names (parameters' annotations included), computed once."""
    key = f"scope:{scope.id}"
    cached = ctx.cache.get(key)
    if isinstance(cached, ScopeBindings):
        return cached
    bindings = ScopeBindings()
    parameters = scope.child_by_field_name("parameters")
    if parameters is not None:
        for parameter in parameters.named_children:
            name = parameter.child_by_field_name("name")
            if name is None and parameter.type == "identifier":
                name = parameter
            if name is None:
                first = parameter.named_children[0] if parameter.named_child_count else None
                name = first if first is not None and first.type == "identifier" else None
            if name is None:
                continue
            annotation = parameter.child_by_field_name("type")
            if annotation is not None:
                bindings.annotations[ctx.text(name)] = ctx.text(annotation)
            else:
                bindings.other_bindings.add(ctx.text(name))
    body = scope.child_by_field_name("body") if scope.type != "module" else scope
    if body is not None:
        for node in walk(body):
            if node.type == "assignment":
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                annotation = node.child_by_field_name("type")
                if left is not None and left.type == "identifier":
                    if right is not None:
                        bindings.values.setdefault(ctx.text(left), []).append(right)
                    if annotation is not None:
                        bindings.annotations[ctx.text(left)] = ctx.text(annotation)
                elif left is not None:
                    bindings.other_bindings.update(target_names(left))
            elif node.type in ("augmented_assignment", "for_statement", "for_in_clause"):
                left = node.child_by_field_name("left")
                if left is not None and node.type != "augmented_assignment":
                    bindings.other_bindings.update(target_names(left))
            elif node.type == "named_expression":
                name = node.child_by_field_name("name")
                if name is not None:
                    bindings.other_bindings.add(ctx.text(name))
    ctx.cache[key] = bindings
    return bindings


LIST_MAKERS = ("list_comprehension", "list")


def known_kind(ctx: Context, name_node: tree_sitter.Node) -> str | None:
    """'list', 'tuple', 'set', 'dict', 'str' or 'bytes' when every binding of the name says so."""
    if name_node.type != "identifier":
        return literal_kind(ctx, name_node)
    name = ctx.text(name_node)
    scope = enclosing_scope(name_node)
    for candidate in (scope, _module_of(scope)):
        bindings = scope_bindings(ctx, candidate)
        annotation = bindings.annotations.get(name)
        values = bindings.values.get(name, [])
        if name in bindings.other_bindings:
            return None
        kinds = {literal_kind(ctx, value) for value in values}
        if annotation is not None:
            kinds.add(_annotation_kind(annotation))
        if kinds:
            return kinds.pop() if len(kinds) == 1 and None not in kinds else None
        if candidate.type == "module":
            break
    return None


def _module_of(node: tree_sitter.Node) -> tree_sitter.Node:
    while node.parent is not None:
        node = node.parent
    return node


def _annotation_kind(annotation: str) -> str | None:
    head = annotation.split("[")[0].strip()
    return {
        "list": "list",
        "List": "list",
        "tuple": "tuple",
        "Tuple": "tuple",
        "set": "set",
        "Set": "set",
        "dict": "dict",
        "Dict": "dict",
        "str": "str",
        "bytes": "bytes",
    }.get(head)


def literal_kind(ctx: Context, value: tree_sitter.Node) -> str | None:
    """The builtin type an expression certainly evaluates to, for literals and constructors."""
    value = unparen(value)
    kind = value.type
    simple = {
        "list": "list",
        "list_comprehension": "list",
        "tuple": "tuple",
        "set": "set",
        "set_comprehension": "set",
        "dictionary": "dict",
        "dictionary_comprehension": "dict",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("string", "concatenated_string"):
        return "bytes" if ctx.text(value).lstrip("rRfF").startswith(("b", "B")) else "str"
    if kind == "call":
        name = call_name(ctx, value)
        if name in ("list", "tuple", "set", "dict", "str", "bytes", "sorted"):
            return "list" if name == "sorted" else name
    return None


def binding_values(ctx: Context, name_node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The values assigned to a name in the nearest scope (function, then module) binding it."""
    name = ctx.text(name_node)
    scope = enclosing_scope(name_node)
    for candidate in (scope, _module_of(scope)):
        values = scope_bindings(ctx, candidate).values.get(name)
        if values:
            return values
        if candidate.type == "module":
            break
    return []
