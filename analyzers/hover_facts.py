"""What is known about the name under the cursor, as the paragraphs of an editor's hover.

For a variable: where its value comes from (the definitions that reach the statement, or the
parameter), what a write depends on (data), and when the statement runs (control). For a `def`
or `class` name, and for a name bound to one: its signature and its docstring's first line. For
a name bound by an import: the import line. For an attribute (`self.app`, `obj.attr`): where
the class assigns it (`self.app = …` in its methods, `app = …` / `def app` in its body) when
the object is the method's `self` / `cls`, the module when it is an imported module, and
otherwise only that it is an attribute — an attribute is never a variable of the function.

Pure static facts over a `Document`; the server adds predicted and real values and converts
positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from .definitions import (
    attribute_assignments,
    class_members,
    definition_of_name,
    docstring_first_line,
    enclosing_class,
    signature,
)
from .document import Document
from .expressions import parameter_names, text_of
from .extract import MATCH_SUBJECT
from .facts import FunctionFacts, VarLine
from .never_runs import describe
from .scopes import Binding, Occurrence

_IMPORTS = ("import_statement", "import_from_statement", "future_import_statement")
_CODE_WIDTH = 60


@dataclass(frozen=True)
class HoverFacts:
    """The hover of one name: what it is, where it is, and the paragraphs (Markdown) to show."""

    name: str
    line: int
    """1-based line of the name under the cursor."""
    col: int
    end_col: int
    """0-based UTF-8 byte columns [col, end_col) of the name."""
    paragraphs: list[str]
    function: FunctionFacts | None
    """The function whose variable it is (for predicted values); None for defs, attributes and
    imports."""
    statement: int
    """The first line of the statement holding the name."""


def hover_facts(document: Document, line: int, col: int) -> HoverFacts | None:
    """The hover of the name at 1-based `line`, 0-based byte `col` (a cursor just after a name
    counts as on it), or None off a name."""
    found = document.facts.names.occurrence_at(line, col)
    if found is not None:
        return _name_facts(document, *found)
    node = _identifier_at(document, line, col)
    if node is not None and node.parent is not None and node.parent.type == "attribute":
        attribute = node.parent.child_by_field_name("attribute")
        if attribute is not None and attribute.start_byte == node.start_byte:
            return _attribute_facts(document, node.parent, node)
    return None


def _name_facts(document: Document, occurrence: Occurrence, binding: Binding) -> HoverFacts:
    name, line = binding.name, occurrence.line
    facts = document.facts.function_at(line)
    statement = facts.statement_line(line) or line

    def answer(paragraphs: list[str], function: FunctionFacts | None) -> HoverFacts:
        return HoverFacts(
            name, line, occurrence.col, occurrence.end_col, paragraphs, function, statement
        )

    node = _identifier_at(document, line, occurrence.col)
    definition = definition_of_name(node) if node is not None else None
    if definition is not None:
        return answer(_definition_paragraphs(document, definition), None)
    if occurrence.is_definition and node is not None and _import_of(node) is not None:
        return answer([f"**{name}**", _imported_at(document, occurrence.line)], None)
    return answer(_variable_paragraphs(document, facts, statement, binding, occurrence), facts)


_EDGE_NOTES = {
    "value": "",
    "mutation": ", its contents before this change",
    "alias": ", changed through another name for the same object",
    "call": ", changed by the call there",
}
"""How hover explains a data edge's kind (`FunctionFacts.data_kind`)."""


def _variable_paragraphs(
    document: Document,
    facts: FunctionFacts,
    statement: int,
    binding: Binding,
    occurrence: Occurrence,
) -> list[str]:
    """Where a variable's value comes from and when its statement runs."""
    name = binding.name
    where = "module" if facts.kind == "module" else f"`{facts.qualname}`"
    parts = [f"**{name}** in {where}"]
    dead = facts.dead_at(statement)
    if dead is not None:  # no definition reaches it, and none is needed
        test = _code(document, dead.test_line)
        return [*parts, describe(dead.test_line, test, dead.kind, dead.outcome)]
    if occurrence.is_definition:
        here = [d for d in facts.definitions if d.var == name and d.line == statement]
        if here:
            parts.append(f"Written here ({here[0].how}).")
            data = sorted(
                {
                    f"{_source_name(document, v)} "
                    f"(line {v.line}{_EDGE_NOTES[facts.data_kind(v.var, v.line, statement)]})"
                    for d in here
                    for v in d.data
                }
            )
            if data:
                parts.append("Data from: " + ", ".join(data))
    else:
        reaching = sorted(facts.reaching_definitions(statement, name))
        if reaching:
            parts.append(
                "Defined at: "
                + "; ".join(
                    f"line {n}: `{_code(document, n)}`"
                    f"{_EDGE_NOTES[facts.data_kind(name, n, statement)]}"
                    for n in reaching
                )
            )
        elif name in facts.params:
            parts.append(f"Parameter of `{facts.qualname}`.")
        else:
            parts.extend(_outer_binding(document, binding))
    control = facts.control_dependencies(statement)
    if control:
        parts.append(
            "Runs when: "
            + "; ".join(
                f"line {edge.condition_line} `{_code(document, edge.condition_line)}`"
                for edge in control
            )
        )
    return parts


def _source_name(document: Document, source: VarLine) -> str:
    """A data source as a reader names it: the variable, or what a `match` line evaluated."""
    if source.var == MATCH_SUBJECT:
        return f"the subject of `{_code(document, source.line)}`"
    return f"`{source.var}`"


def _outer_binding(document: Document, binding: Binding) -> list[str]:
    """What a name bound outside the function is: a def, an import, a global, a builtin."""
    if binding.scope_kind == "builtin":
        return [f"Builtin `{binding.name}`."]
    for definition in binding.definitions:
        node = _identifier_at(document, definition.line, definition.col)
        if node is None:
            continue
        found = definition_of_name(node)
        if found is not None:
            return _definition_paragraphs(document, found)[1:]
        if _import_of(node) is not None:
            return [_imported_at(document, definition.line)]
    if binding.definitions:
        scope = "module" if binding.scope_kind == "module" else f"`{binding.scope_name}`"
        lines = sorted({d.line for d in binding.definitions})
        return [
            f"Defined in {scope} at: "
            + "; ".join(f"line {n}: `{_code(document, n)}`" for n in lines)
        ]
    return ["Not defined in this function (global, builtin or outer scope)."]


def _definition_paragraphs(document: Document, definition: tree_sitter.Node) -> list[str]:
    """A `def` or `class`: its name, signature, docstring's first line and where it is."""
    name = definition.child_by_field_name("name")
    label = text_of(name) if name is not None else "?"
    owner = enclosing_class(definition)
    kind = "class" if definition.type == "class_definition" else "method" if owner else "function"
    line = definition.start_point.row + 1
    parts = [f"**{label}** ({kind}, line {line})", f"```python\n{signature(definition)}\n```"]
    doc = docstring_first_line(definition)
    if doc:
        parts.append(doc)
    return parts


def _attribute_facts(
    document: Document, attribute: tree_sitter.Node, name: tree_sitter.Node
) -> HoverFacts:
    """`obj.attr`: where the class assigns it, or what module it comes from, or only that it is
    an attribute."""
    label = text_of(name)
    line = name.start_point.row + 1
    owner = attribute.child_by_field_name("object")
    owner_text = text_of(owner) if owner is not None else "?"
    shown = owner_text if len(owner_text) <= 30 else owner_text[:27] + "..."
    parts = [f"**{label}**: attribute of `{shown}`"]
    class_node = _receiver_class(owner) if owner is not None else None
    if class_node is not None:
        class_name = text_of(class_node.child_by_field_name("name") or class_node)
        parts[0] = f"**{label}**: attribute of `{shown}` (class `{class_name}`)"
        member = class_members(class_node).get(label)
        if member is not None:
            parts.extend(_definition_paragraphs(document, member)[1:])
        assigned = attribute_assignments(class_node, label)
        if assigned:
            parts.append(
                "Assigned at: " + "; ".join(f"line {n}: `{_code(document, n)}`" for n in assigned)
            )
        if member is None and not assigned:
            parts.append(f"Not assigned in `{class_name}` (inherited, or set outside the class).")
    elif owner is not None and owner.type == "identifier":
        binding = document.facts.names.at(owner.start_point.row + 1, owner.start_point.column)
        imported = [
            d
            for d in (binding.definitions if binding is not None else ())
            if (node := _identifier_at(document, d.line, d.col)) is not None
            and _import_of(node) is not None
        ]
        if imported:
            parts.append(_imported_at(document, imported[0].line))
    end = (
        name.end_point.column
        if name.end_point.row == name.start_point.row
        else name.start_point.column
    )
    return HoverFacts(label, line, name.start_point.column, end, parts, None, line)


def _receiver_class(owner: tree_sitter.Node) -> tree_sitter.Node | None:
    """The class of `self` / `cls` when `owner` is the first parameter of the method it is in."""
    if owner.type != "identifier":
        return None
    function = owner.parent
    while function is not None and function.type not in ("function_definition", "lambda"):
        if function.type == "class_definition":
            return None
        function = function.parent
    if function is None or function.type != "function_definition":
        return None
    names = parameter_names(function.child_by_field_name("parameters"))
    if not names or names[0][0] != text_of(owner):
        return None
    return enclosing_class(function)


def _identifier_at(document: Document, line: int, col: int) -> tree_sitter.Node | None:
    """The identifier covering (1-based line, byte column), or ending at it."""
    for column in (col, col - 1):
        if column < 0:
            continue
        point = (line - 1, column)
        node = document.tree.root_node.named_descendant_for_point_range(point, point)
        if node is not None and node.type == "identifier":
            return node
    return None


def _import_of(node: tree_sitter.Node) -> tree_sitter.Node | None:
    current: tree_sitter.Node | None = node
    while current is not None and current.type not in _IMPORTS:
        if current.type in ("block", "module"):
            return None
        current = current.parent
    return current


def _imported_at(document: Document, line: int) -> str:
    return f"Imported at line {line}: `{_code(document, line)}`"


def _code(document: Document, line: int) -> str:
    text = document.line_bytes(line - 1).decode("utf-8", errors="replace").strip()
    return text if len(text) <= _CODE_WIDTH else text[: _CODE_WIDTH - 3] + "..."
