"""What a `def` or `class` says about itself: its signature, its docstring's first line, whether
it is a method and which receiver it takes, and where a class assigns an attribute.

Read from the tree-sitter tree of a module, as an editor needs them for hover and code lenses;
nothing is imported or run, so a module that does not run (or does not fully parse) still
answers. Attributes are found where Python code visibly sets them: `self.name = …` (also in
tuple targets and `+=`) in the class's own methods, and `name = …` / `def name` in its body.
"""

from __future__ import annotations

import ast
import re
from typing import Literal

import tree_sitter

from .expressions import parameter_names, text_of

Receiver = Literal["self", "cls"]

_SPACES = re.compile(r"\s+")
_DEFINITIONS = ("function_definition", "class_definition")
_TARGET_GROUPS = frozenset({"pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"})


def enclosing_class(definition: tree_sitter.Node) -> tree_sitter.Node | None:
    """The class whose body holds `definition` directly (decorators allowed), else None."""
    parent = definition.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    if parent is None or parent.type != "block":
        return None
    owner = parent.parent
    return owner if owner is not None and owner.type == "class_definition" else None


def decorators(definition: tree_sitter.Node) -> list[str]:
    """The decorators' texts (`staticmethod`, `app.route("/")`), outermost first."""
    parent = definition.parent
    if parent is None or parent.type != "decorated_definition":
        return []
    return [
        text_of(child).lstrip("@").strip() for child in parent.children if child.type == "decorator"
    ]


def method_receiver(function: tree_sitter.Node) -> Receiver | None:
    """`self` or `cls` when `function` is a method taking one as its first parameter (so a
    call needs a receiver), else None (plain functions, static methods)."""
    if function.type != "function_definition" or enclosing_class(function) is None:
        return None
    if "staticmethod" in decorators(function):
        return None
    names = parameter_names(function.child_by_field_name("parameters"))
    first = names[0][0] if names else None
    return "self" if first == "self" else "cls" if first == "cls" else None


def signature(definition: tree_sitter.Node) -> str:
    """`def name(a, b=1) -> int`, `async def …` or `class Name(Base)`, on one line."""
    name = definition.child_by_field_name("name")
    label = text_of(name) if name is not None else "?"
    if definition.type == "class_definition":
        bases = definition.child_by_field_name("superclasses")
        return f"class {label}{_one_line(text_of(bases)) if bases is not None else ''}"
    parameters = definition.child_by_field_name("parameters")
    returns = definition.child_by_field_name("return_type")
    prefix = (
        "async def" if definition.children and definition.children[0].type == "async" else "def"
    )
    text = f"{prefix} {label}{_one_line(text_of(parameters)) if parameters is not None else '()'}"
    return text + (f" -> {_one_line(text_of(returns))}" if returns is not None else "")


def _one_line(text: str) -> str:
    joined = _SPACES.sub(" ", text)
    return joined.replace("( ", "(").replace(", )", ")").replace(",)", ")").replace(" )", ")")


def docstring_first_line(definition: tree_sitter.Node) -> str | None:
    """The first non-empty line of the docstring of a `def` or `class` (or module), or None."""
    body = definition if definition.type == "module" else definition.child_by_field_name("body")
    if body is None or not body.named_children:
        return None
    first = body.named_children[0]
    if first.type != "expression_statement" or first.named_child_count != 1:
        return None
    string = first.named_children[0]
    if string.type != "string":
        return None
    try:
        value = ast.literal_eval(text_of(string))
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, str):
        return None
    return next((line.strip() for line in value.splitlines() if line.strip()), None)


def definition_of_name(name: tree_sitter.Node) -> tree_sitter.Node | None:
    """The `def` or `class` whose name `name` is, else None."""
    parent = name.parent
    if parent is not None and parent.type in _DEFINITIONS:
        own = parent.child_by_field_name("name")
        if own is not None and own.start_byte == name.start_byte:
            return parent
    return None


def class_members(class_node: tree_sitter.Node) -> dict[str, tree_sitter.Node]:
    """The `def`s and `class`es of a class body by name (the last one wins, as in Python)."""
    body = class_node.child_by_field_name("body")
    found: dict[str, tree_sitter.Node] = {}
    for child in body.named_children if body is not None else []:
        node = child
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition") or node
        if node.type in _DEFINITIONS:
            name = node.child_by_field_name("name")
            if name is not None:
                found[text_of(name)] = node
    return found


def attribute_assignments(class_node: tree_sitter.Node, attribute: str) -> list[int]:
    """The 1-based lines where the class sets `attribute`: `name = …` in its body, or
    `self.name = …` (`cls.name`, whatever the first parameter is called) in its methods."""
    lines: set[int] = set()
    body = class_node.child_by_field_name("body")
    for child in body.named_children if body is not None else []:
        if child.type == "expression_statement":
            for statement in child.named_children:
                if statement.type == "assignment":
                    left = statement.child_by_field_name("left")
                    if (
                        left is not None
                        and left.type == "identifier"
                        and text_of(left) == attribute
                    ):
                        lines.add(left.start_point.row + 1)
    for method in class_members(class_node).values():
        receiver = _first_parameter(method)
        if method.type == "function_definition" and receiver is not None:
            lines.update(_assignments_through(method, receiver, attribute))
    return sorted(lines)


def _first_parameter(function: tree_sitter.Node) -> str | None:
    names = parameter_names(function.child_by_field_name("parameters"))
    return names[0][0] if names else None


def _assignments_through(function: tree_sitter.Node, receiver: str, attribute: str) -> set[int]:
    """Lines of `receiver.attribute = …` (also `+=` and tuple targets) in a function, not in
    the functions or classes nested in it."""
    lines: set[int] = set()
    body = function.child_by_field_name("body")
    stack = [body] if body is not None else []
    while stack:
        node = stack.pop()
        if node.type in _DEFINITIONS or node.type == "lambda":
            continue
        if node.type in ("assignment", "augmented_assignment"):
            targets = [node.child_by_field_name("left")]
            while targets:
                target = targets.pop()
                if target is None:
                    continue
                if target.type in _TARGET_GROUPS:
                    targets.extend(target.named_children)
                elif _is_attribute_of(target, receiver, attribute):
                    lines.add(target.start_point.row + 1)
        stack.extend(node.named_children)
    return lines


def _is_attribute_of(node: tree_sitter.Node, receiver: str, attribute: str) -> bool:
    if node.type != "attribute":
        return False
    owner = node.child_by_field_name("object")
    name = node.child_by_field_name("attribute")
    return (
        owner is not None
        and name is not None
        and owner.type == "identifier"
        and text_of(owner) == receiver
        and text_of(name) == attribute
    )
