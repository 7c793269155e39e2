"""What a name certainly holds: the builtin type (list, tuple, set, dict, str, bytes) every
binding of it in its scope gives, and the values it is bound to.

Rules that suggest a faster operation for one container type (`x in list` vs set, `pop(0)`)
must know the type; a name bound any other way (a loop target, a call result) is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from ._syntax import (
    LOOP_TYPES,
    SCOPE_TYPES,
    call_name,
    enclosing_scope,
    target_names,
    unparen,
    walk,
)
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


def kind_before(ctx: Context, name_node: tree_sitter.Node, loop: tree_sitter.Node) -> str | None:
    """What the name `name_node` (read inside `loop`) certainly holds when `loop` starts:
    `known_kind`, or else the one kind of every binding in the function that can reach the
    loop, where the last plain `name = value` on every path to the loop (a statement of a block
    around it) hides the bindings written before it. So `group = set(group)` makes a parameter
    or an outer loop's target a set, and a list bound only after the loop does not count.

    Path-insensitive otherwise: a binding after that assignment, one before the loop or one in
    a loop around both counts, whichever branch holds it; `global`/`nonlocal` give up."""
    known = known_kind(ctx, name_node)
    function = enclosing_scope(loop)
    if known is not None or function.type != "function_definition":
        return known
    name = ctx.text(name_node)
    sites = _binding_sites(ctx, function, name)
    if sites is None:
        return None
    last = _last_plain_assignment(ctx, loop, name)
    kinds = {
        kind
        for site, kind in sites
        if (last is None or site.start_byte >= last.start_byte)
        and (site.start_byte < loop.start_byte or _share_a_loop(site, loop, function))
    }
    return kinds.pop() if len(kinds) == 1 and None not in kinds else None


def _value_kind(ctx: Context, value: tree_sitter.Node) -> str | None:
    """`literal_kind`, and `frozenset(...)`."""
    value = unparen(value)
    if value.type == "call" and call_name(ctx, value) == "frozenset":
        return "frozenset"
    return literal_kind(ctx, value)


def _binding_sites(
    ctx: Context, function: tree_sitter.Node, name: str
) -> list[tuple[tree_sitter.Node, str | None]] | None:
    """Each place `function` binds `name` (a parameter first), with the kind it binds when a
    plain assignment (or the parameter's annotation) says; None when a `global` or `nonlocal`
    statement names it, here or in a nested function (code elsewhere may rebind it)."""
    if any(
        node.type in ("global_statement", "nonlocal_statement")
        and any(ctx.text(child) == name for child in node.named_children)
        for node in walk(function, into_scopes=True)
    ):
        return None
    sites: list[tuple[tree_sitter.Node, str | None]] = []
    parameters = function.child_by_field_name("parameters")
    for parameter in parameters.named_children if parameters is not None else []:
        first = parameter if parameter.type == "identifier" else parameter.named_child(0)
        annotation = parameter.child_by_field_name("type")
        if first is not None and first.type == "identifier" and ctx.text(first) == name:
            kind = _annotation_kind(ctx.text(annotation)) if annotation is not None else None
            sites.append((parameter, kind))
        elif any(node.type == "identifier" and ctx.text(node) == name for node in walk(parameter)):
            sites.append((parameter, None))  # `*name`, `**name`, or a default that reads it
    body = function.child_by_field_name("body")
    for node in walk(body) if body is not None else []:
        kind = node.type
        if kind == "assignment":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.type == "identifier" and ctx.text(left) == name:
                if right is not None:  # `name: T` alone binds nothing
                    sites.append((node, _value_kind(ctx, right)))
            elif left is not None and name in target_names(left):
                sites.append((node, None))
        elif _binds_other_way(ctx, node, name):
            sites.append((node, None))
    return sites


def _binds_other_way(ctx: Context, node: tree_sitter.Node, name: str) -> bool:
    """Whether `node` binds `name` other than by a plain assignment: a loop target, a walrus,
    `def`/`class`, `as`, `del`, an import or a `case` pattern (the last two conservatively:
    any identifier in them)."""
    kind = node.type
    if kind in ("function_definition", "class_definition", "named_expression"):
        found = node.child_by_field_name("name")
        return found is not None and ctx.text(found) == name
    if kind == "for_statement":
        left = node.child_by_field_name("left")
        return left is not None and name in target_names(left)
    if kind in ("as_pattern_target", "delete_statement"):
        return any(name in target_names(child) for child in node.named_children)
    if kind in ("case_pattern", "import_statement", "import_from_statement"):
        return any(n.type == "identifier" and ctx.text(n) == name for n in walk(node))
    return False


def _last_plain_assignment(
    ctx: Context, loop: tree_sitter.Node, name: str
) -> tree_sitter.Node | None:
    """The nearest statement `name = value` that every path into `loop` runs: an earlier
    statement of a block that holds the loop (or a statement around it)."""
    node = loop
    while node.parent is not None and node.parent.type not in SCOPE_TYPES:
        parent = node.parent
        if parent.type in ("block", "module"):
            sibling = node.prev_named_sibling
            while sibling is not None:
                assignment = sibling.named_children[0] if sibling.named_children else None
                left = assignment.child_by_field_name("left") if assignment is not None else None
                if (
                    sibling.type == "expression_statement"
                    and assignment is not None
                    and assignment.type == "assignment"
                    and assignment.child_by_field_name("right") is not None
                    and left is not None
                    and left.type == "identifier"
                    and ctx.text(left) == name
                ):
                    return sibling
                sibling = sibling.prev_named_sibling
        node = parent
    return None


def _share_a_loop(
    site: tree_sitter.Node, loop: tree_sitter.Node, function: tree_sitter.Node
) -> bool:
    """Whether a `for`/`while` loop of `function` holds both `site` and `loop` (so a binding
    written after the loop reaches it on the next round)."""
    node: tree_sitter.Node | None = loop
    while node is not None and node != function:
        if node.type in LOOP_TYPES and node.start_byte <= site.start_byte < node.end_byte:
            return True
        node = node.parent
    return False
