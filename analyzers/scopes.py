"""Scopes and bindings: which definition a name at a position refers to, and all its uses.

Python's rules, as the editor needs them for hover and highlights: module, class, function,
lambda and comprehension scopes; a name bound anywhere in a function is local to all of it
unless declared `global`/`nonlocal`; class bodies are skipped when a nested function looks a
name up; a walrus inside a comprehension binds in the enclosing function; the first iterable
of a comprehension is evaluated outside it. Names bound nowhere resolve to the module (globals
defined elsewhere) or to builtins.

One iterative walk over the whole tree records every identifier occurrence with its scope and
whether it binds; resolution is then a dictionary lookup per occurrence.
"""

from __future__ import annotations

import builtins
from bisect import bisect_right
from dataclasses import dataclass, field

import tree_sitter

from .expressions import is_plain_string, parameter_names, text_of

_BUILTINS = frozenset(dir(builtins))
_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
_STORE_GROUPS = frozenset(
    {
        "tuple",
        "list",
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "parenthesized_expression",
        "list_splat_pattern",
        "list_splat",
        "expression_list",
        "as_pattern_target",
    }
)


_LEAVES = frozenset(
    {"string_content", "comment", "integer", "float", "escape_sequence", "true", "false", "none"}
)
# node kinds the walker treats specially; every other kind is just looked inside
_SPECIAL = frozenset(
    {
        "string",
        "function_definition",
        "class_definition",
        "lambda",
        "attribute",
        "keyword_argument",
        "assignment",
        "augmented_assignment",
        "named_expression",
        "for_statement",
        "for_in_clause",
        "as_pattern_target",
        "delete_statement",
        "import_statement",
        "import_from_statement",
        "global_statement",
        "nonlocal_statement",
        "case_pattern",
        "keyword_pattern",
        "type_alias_statement",
    }
    | _COMPREHENSIONS
)


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """A name in the source: 1-based line, 0-based UTF-8 byte columns [col, end_col)."""

    line: int
    col: int
    end_col: int
    is_definition: bool


@dataclass(frozen=True, slots=True)
class Binding:
    """A variable as Python resolves it: where it is bound and every place it appears."""

    name: str
    scope_kind: str  # module, class, function, lambda, comprehension, or builtin
    scope_name: str  # qualname of the scope ("<module>", "f", "C.m", "f.<lambda>"…)
    definitions: tuple[Occurrence, ...]
    uses: tuple[Occurrence, ...]


@dataclass(slots=True)
class _Scope:
    kind: str
    name: str
    parent: int  # -1 for the module
    bound: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)


@dataclass
class NameIndex:
    """Every identifier occurrence of a module, resolved to its binding."""

    occurrences: list[tuple[int, int, int, bool, str, int]]  # line, col, end, def, name, key
    keys: list[tuple[int, str]]  # binding key -> (scope index or -1 for builtins, name)
    scopes: list[_Scope]
    starts: list[tuple[int, int]] = field(default_factory=list)

    def binding(self, key: int) -> Binding:
        scope_index, name = self.keys[key]
        found = [o for o in self.occurrences if o[5] == key]
        definitions = tuple(Occurrence(o[0], o[1], o[2], True) for o in found if o[3])
        uses = tuple(Occurrence(o[0], o[1], o[2], False) for o in found if not o[3])
        if scope_index < 0:
            return Binding(name, "builtin", "builtins", definitions, uses)
        scope = self.scopes[scope_index]
        return Binding(name, scope.kind, scope.name, definitions, uses)

    def at(self, line: int, col: int) -> Binding | None:
        """The binding of the name covering (1-based line, 0-based byte column), if any;
        a cursor just after a name counts as on it."""
        found = self.occurrence_at(line, col)
        return found[1] if found is not None else None

    def occurrence_at(self, line: int, col: int) -> tuple[Occurrence, Binding] | None:
        """The name covering (1-based line, 0-based byte column) and its binding, if any; a
        cursor just after a name counts as on it (what hover and highlights ask)."""
        position = bisect_right(self.starts, (line, col)) - 1
        for index in (position, position + 1):
            if 0 <= index < len(self.occurrences):
                found = self.occurrences[index]
                if found[0] == line and found[1] <= col <= found[2]:
                    occurrence = Occurrence(found[0], found[1], found[2], found[3])
                    return occurrence, self.binding(found[5])
        return None


class _Walker:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.scopes: list[_Scope] = [_Scope("module", "<module>", -1)]
        self.raw: list[tuple[int, int, int, bool, str, int]] = []

    def record(self, node: tree_sitter.Node, scope: int, is_def: bool) -> None:
        # byte offsets now (cheap ints); lines and columns once, when the index is built
        start, end = node.start_byte, node.end_byte
        name = self.source[start:end].decode("utf-8", "replace")
        self.raw.append((start, end, 0, is_def, name, scope))
        if is_def:
            target = scope
            if self.scopes[scope].kind == "comprehension" and self._walrus:
                while self.scopes[target].kind == "comprehension":
                    target = self.scopes[target].parent
                self.raw[-1] = (*self.raw[-1][:5], target)
            self.scopes[target].bound.add(name)

    _walrus = False

    def new_scope(self, kind: str, name: str, parent: int) -> int:
        parent_scope = self.scopes[parent]
        if parent_scope.kind == "module":
            qualname = name
        elif parent_scope.kind == "class":
            qualname = f"{parent_scope.name}.{name}"
        else:
            qualname = f"{parent_scope.name}.<locals>.{name}"
        self.scopes.append(_Scope(kind, qualname, parent))
        return len(self.scopes) - 1

    def store(
        self, node: tree_sitter.Node, scope: int, stack: list[tuple[tree_sitter.Node, int]]
    ) -> None:
        """An assignment target: names bind, anything else is read."""
        pending = [node]
        while pending:
            current = pending.pop()
            kind = current.type
            if kind == "identifier":
                self.record(current, scope, True)
            elif kind in _STORE_GROUPS:
                pending.extend(current.named_children)
            else:
                stack.append((current, scope))

    def walk(self, root: tree_sitter.Node) -> None:
        """Visit every node once. `work` holds (node, scope) pairs; the nodes of one scope are
        then walked with a plain node stack, since the scope rarely changes."""
        work: list[tuple[tree_sitter.Node, int]] = [(root, 0)]
        while work:
            first, scope = work.pop()
            stack = [first]
            while stack:
                node = stack.pop()
                kind = node.type
                if kind == "identifier":
                    self.record(node, scope, False)
                elif kind not in _SPECIAL:
                    if kind not in _LEAVES:
                        stack.extend(node.named_children)
                elif kind == "attribute":
                    obj = node.child_by_field_name("object")
                    if obj is not None:
                        stack.append(obj)
                elif kind == "string":
                    if not is_plain_string(node, self.source):
                        stack.extend(node.named_children)
                else:
                    self.special(node, kind, scope, work)

    def special(
        self,
        node: tree_sitter.Node,
        kind: str,
        scope: int,
        stack: list[tuple[tree_sitter.Node, int]],
    ) -> None:
        """Nodes that bind names or open scopes; what they leave to walk goes on `stack`."""
        if kind in ("function_definition", "class_definition"):
            self.definition(node, scope, stack)
        elif kind == "lambda":
            parameters = node.child_by_field_name("parameters")
            inner = self.new_scope("lambda", "<lambda>", scope)
            self.parameters(parameters, scope, inner, stack)
            body = node.child_by_field_name("body")
            if body is not None:
                stack.append((body, inner))
        elif kind in _COMPREHENSIONS:
            self.comprehension(node, scope, stack)
        elif kind == "attribute":
            obj = node.child_by_field_name("object")
            if obj is not None:
                stack.append((obj, scope))
        elif kind == "keyword_argument":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append((value, scope))
        elif kind == "assignment":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            annotation = node.child_by_field_name("type")
            if left is not None:
                if right is None and left.type == "identifier":
                    self.record(left, scope, True)  # `x: int` declares a local
                else:
                    self.store(left, scope, stack)
            stack.extend((c, scope) for c in (annotation, right) if c is not None)
        elif kind == "augmented_assignment":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None:
                if left.type == "identifier":
                    self.record(left, scope, True)
                else:
                    stack.append((left, scope))
            if right is not None:
                stack.append((right, scope))
        elif kind == "named_expression":
            name = node.child_by_field_name("name")
            if name is not None:
                self._walrus = True
                self.record(name, scope, True)
                self._walrus = False
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append((value, scope))
        elif kind == "for_statement" or kind == "for_in_clause":
            left = node.child_by_field_name("left")
            if left is not None:
                self.store(left, scope, stack)
            stack.extend((c, scope) for c in node.named_children if c != left)
        elif kind == "as_pattern_target":
            self.store(node, scope, stack)
        elif kind == "delete_statement":
            for child in node.named_children:
                self.store(child, scope, stack)
        elif kind in ("import_statement", "import_from_statement"):
            self.imports(node, scope)
        elif kind in ("global_statement", "nonlocal_statement"):
            names = (
                self.scopes[scope].globals
                if kind == "global_statement"
                else self.scopes[scope].nonlocals
            )
            for child in node.named_children:
                if child.type == "identifier":
                    names.add(text_of(child))
                    self.record(child, scope, False)
        elif kind == "case_pattern" or kind == "keyword_pattern":
            self.pattern(node, scope, stack)
        elif kind == "type_alias_statement":
            left = node.child_by_field_name("left")
            if left is not None and left.named_child_count:
                self.store(left.named_children[0], scope, stack)
            right = node.child_by_field_name("right")
            if right is not None:
                stack.append((right, scope))
        else:
            stack.extend((child, scope) for child in node.named_children)

    def definition(
        self, node: tree_sitter.Node, scope: int, stack: list[tuple[tree_sitter.Node, int]]
    ) -> None:
        name = node.child_by_field_name("name")
        label = text_of(name) if name is not None else "?"
        if name is not None:
            self.record(name, scope, True)
        body = node.child_by_field_name("body")
        if node.type == "function_definition":
            inner = self.new_scope("function", label, scope)
            self.parameters(node.child_by_field_name("parameters"), scope, inner, stack)
            returns = node.child_by_field_name("return_type")
            if returns is not None:
                stack.append((returns, scope))
        else:
            inner = self.new_scope("class", label, scope)
            superclasses = node.child_by_field_name("superclasses")
            if superclasses is not None:
                stack.append((superclasses, scope))
        if body is not None:
            stack.append((body, inner))

    def parameters(
        self,
        parameters: tree_sitter.Node | None,
        outer: int,
        inner: int,
        stack: list[tuple[tree_sitter.Node, int]],
    ) -> None:
        if parameters is None:
            return
        for _name, identifier in parameter_names(parameters):
            self.record(identifier, inner, True)
        for child in parameters.named_children:
            for field_name in ("value", "type"):
                value = child.child_by_field_name(field_name)
                if value is not None:
                    stack.append((value, outer))

    def comprehension(
        self, node: tree_sitter.Node, scope: int, stack: list[tuple[tree_sitter.Node, int]]
    ) -> None:
        inner = self.new_scope("comprehension", f"<{node.type}>", scope)
        first = True
        for child in node.named_children:
            if child.type == "for_in_clause":
                left = child.child_by_field_name("left")
                right = child.child_by_field_name("right")
                if left is not None:
                    self.store(left, inner, stack)
                if right is not None:
                    stack.append((right, scope if first else inner))
                first = False
            else:
                stack.append((child, inner))

    def imports(self, node: tree_sitter.Node, scope: int) -> None:
        for name in node.children_by_field_name("name"):
            if name.type == "aliased_import":
                alias = name.child_by_field_name("alias")
                if alias is not None:
                    self.record(alias, scope, True)
            elif name.type == "dotted_name" and name.named_child_count:
                parts = name.named_children
                bound = parts[0] if node.type == "import_statement" else parts[-1]
                self.record(bound, scope, True)

    def pattern(
        self, node: tree_sitter.Node, scope: int, stack: list[tuple[tree_sitter.Node, int]]
    ) -> None:
        pending = [node]
        while pending:
            current = pending.pop()
            kind = current.type
            children = current.named_children
            if kind == "dotted_name":
                if len(children) == 1 and text_of(children[0]) != "_":
                    self.record(children[0], scope, True)
                elif children:
                    self.record(children[0], scope, False)
            elif kind == "keyword_pattern":
                pending.extend(children[1:])
            elif kind == "class_pattern":
                if children and children[0].type == "dotted_name":
                    self.record(children[0].named_children[0], scope, False)
                    children = children[1:]
                pending.extend(children)
            elif kind == "identifier":
                if text_of(current) != "_":
                    self.record(current, scope, True)
            elif kind in (
                "case_pattern",
                "as_pattern",
                "splat_pattern",
                "list_pattern",
                "tuple_pattern",
                "union_pattern",
                "dictionary_splat_pattern",
            ):
                pending.extend(children)
            elif kind == "dict_pattern":
                for child in children:
                    if child.type in ("case_pattern", "splat_pattern", "dictionary_splat_pattern"):
                        pending.append(child)
                    else:
                        stack.append((child, scope))
            else:
                stack.append((current, scope))


def _resolve(scopes: list[_Scope], scope: int, name: str, is_def: bool) -> int:
    """The scope index binding `name` as seen from `scope`, or -1 for builtins/unknown."""
    current = scopes[scope]
    if name in current.globals:
        return 0
    if name in current.nonlocals:
        parent = current.parent
        while parent > 0:
            if scopes[parent].kind != "class" and name in scopes[parent].bound:
                return parent
            parent = scopes[parent].parent
        return 0
    if name in current.bound or is_def:
        return scope
    parent = current.parent
    while parent >= 0:
        candidate = scopes[parent]
        if candidate.kind != "class" and (
            name in candidate.bound and name not in candidate.globals
        ):
            return parent
        if candidate.kind != "class" and name in candidate.globals:
            return 0
        parent = candidate.parent
    return 0 if name in scopes[0].bound or name not in _BUILTINS else -1


def build_name_index(tree: tree_sitter.Tree, source: bytes) -> NameIndex:
    """Walk a module once and resolve every identifier to its binding (`source` is the text
    `tree` was parsed from: the root node may start after leading blank lines)."""
    walker = _Walker(source)
    walker.walk(tree.root_node)
    keys: dict[tuple[int, str], int] = {}
    occurrences: list[tuple[int, int, int, bool, str, int]] = []
    line, line_start = 1, 0
    next_newline = source.find(b"\n")
    for start, end, _, is_def, name, scope in sorted(walker.raw):
        while 0 <= next_newline < start:  # occurrences are sorted: advance line by line
            line, line_start = line + 1, next_newline + 1
            next_newline = source.find(b"\n", line_start)
        owner = _resolve(walker.scopes, scope, name, is_def)
        key = keys.setdefault((owner, name), len(keys))
        column = start - line_start
        occurrences.append((line, column, column + end - start, is_def, name, key))
    index = NameIndex(occurrences, list(keys), walker.scopes)
    index.starts = [(o[0], o[1]) for o in occurrences]
    return index
