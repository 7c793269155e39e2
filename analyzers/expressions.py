"""What one statement or expression reads and writes, from tree-sitter nodes.

The scanners walk expressions with an explicit stack (deep `a + b + c …` chains would overflow
recursion) and know Python's binding rules: lambda and comprehension variables are local to
them, a walrus binds in the enclosing function, `x.m(...)` may mutate `x` unless `m` is known to
be pure, `obj.attr = v` and `d[k] = v` mutate their root name.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import tree_sitter

from .effects import PURE_METHODS, Passing


def _words(text: str) -> list[str]:
    return text.split()


# Library functions that mutate their first argument in place (`heapq.heappush(h, x)` writes
# h); called by bare name or as `module.name`.
MUTATING_FUNCTIONS = frozenset(
    _words(
        """heappush heappop heapify heapreplace heappushpop insort insort_left insort_right
        shuffle"""
    )
)

_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
_LEAVES = frozenset(
    _words(
        """integer float true false none comment ellipsis string_start string_content string_end
        escape_sequence type_conversion keyword_separator positional_separator line_continuation"""
    )
)
_TARGET_GROUPS = frozenset(
    _words(
        """tuple list pattern_list tuple_pattern list_pattern parenthesized_expression
        list_splat_pattern list_splat expression_list as_pattern_target"""
    )
)


# node kinds `Scan.expr` treats specially; every other kind is just looked inside
_SPECIAL = frozenset(
    {
        "string",
        "attribute",
        "keyword_argument",
        "call",
        "named_expression",
        "lambda",
        "yield",
        "function_definition",
        "class_definition",
    }
    | _COMPREHENSIONS
)


_QUOTES = (b'"', b"'")


def is_plain_string(node: tree_sitter.Node, source: bytes = b"") -> bool:
    """A string literal without interpolations (not an f-/t-string): nothing inside to read."""
    start = node.start_byte
    text = source[start : start + 4] if source else (node.text or b"")[:4]  # the prefix only
    if text[:1] in _QUOTES:
        return True  # no prefix: the common case
    quote = min((i for i in (text.find(b'"'), text.find(b"'")) if i >= 0), default=0)
    prefix = text[:quote].lower()
    return b"f" not in prefix and b"t" not in prefix


def text_of(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def line_of(node: tree_sitter.Node) -> int:
    return node.start_point.row + 1


def end_line_of(node: tree_sitter.Node) -> int:
    return node.end_point.row + 1


def _root_name(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The identifier at the root of `a.b[c].d`, or None when the chain starts elsewhere."""
    while True:
        kind = node.type
        if kind == "identifier":
            return node
        if kind == "attribute":
            child = node.child_by_field_name("object")
        elif kind == "subscript":
            child = node.child_by_field_name("value")
        elif kind == "parenthesized_expression" and node.named_child_count == 1:
            child = node.named_children[0]
        else:
            return None
        if child is None:
            return None
        node = child


def parameter_names(parameters: tree_sitter.Node | None) -> list[tuple[str, tree_sitter.Node]]:
    """Names a `parameters`/`lambda_parameters` node binds, with their identifier nodes."""
    names: list[tuple[str, tree_sitter.Node]] = []
    if parameters is None:
        return names
    for child in parameters.named_children:
        kind = child.type
        target: tree_sitter.Node | None = child
        if kind in ("default_parameter", "typed_default_parameter"):
            target = child.child_by_field_name("name")
        elif kind == "typed_parameter":
            target = child.named_children[0] if child.named_child_count else None
        if target is not None and target.type in (
            "list_splat_pattern",
            "dictionary_splat_pattern",
        ):
            target = target.named_children[0] if target.named_child_count else None
        if target is not None and target.type == "identifier":
            names.append((text_of(target), target))
    return names


def parameter_defaults(parameters: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    """Default values and annotations: evaluated in the enclosing scope at definition time."""
    found: list[tree_sitter.Node] = []
    if parameters is None:
        return found
    for child in parameters.named_children:
        if child.type in ("default_parameter", "typed_default_parameter", "typed_parameter"):
            for name in ("value", "type"):
                value = child.child_by_field_name(name)
                if value is not None:
                    found.append(value)
    return found


class Scan:
    """Accumulates the names one statement reads and writes."""

    __slots__ = (
        "assigned",
        "calls",
        "defs",
        "empties",
        "fills",
        "passes",
        "roots",
        "source",
        "uses",
        "yields",
    )

    def __init__(self, source: bytes = b"") -> None:
        self.uses: list[str] = []
        self.defs: list[tuple[str, bool, str]] = []
        self.roots: list[str] = []
        """Reads that only name the object a store or a mutating call statement changes
        (`d` in `d[k] = v`, `xs` in `xs.append(v)`): mutation edges, not value flow."""
        self.calls: list[tuple[str, str, bool]] = []
        """(name, method, whole statement) for `name.method(…)`, and (name, "", …) for a call
        of a plain name (maybe a bound method kept in it): whether they change anything is
        decided once the whole scope is seen (`effects.resolve_effects`)."""
        self.assigned: list[tuple[str, tree_sitter.Node]] = []
        """(name, value) of `name = value`: what `effects` reads types and aliases from."""
        self.passes: list[Passing] = []
        """Calls that pass names' objects as arguments: whether the callee may change them is
        decided with the scope's types and the module's own functions (`effects`, `calls`)."""
        self.yields = False
        self.empties: list[str] = []
        """Names `name = {}` binds to a new empty dict (one target, no chain)."""
        self.fills: list[str] = []
        """Names `name[k] = v` stores into (`dataflow`: into an empty dict, a store adds a key)."""
        # names are sliced from the source: much cheaper than `Node.text` (b"": use that)
        self.source = source

    def expr(self, root: tree_sitter.Node, bound: frozenset[str] | None = None) -> None:
        """Record the names `root` reads (and any walrus / mutating method call it contains);
        names in `bound` belong to an enclosing lambda or comprehension, not the function."""
        stack = [root]
        uses = self.uses
        source = self.source
        while stack:
            node = stack.pop()
            kind = node.type
            if kind == "identifier":
                name = (
                    source[node.start_byte : node.end_byte].decode("utf-8", "replace")
                    if source
                    else text_of(node)
                )
                if bound is None or name not in bound:
                    uses.append(name)
            elif kind not in _SPECIAL:  # the common case: look inside
                if kind not in _LEAVES:
                    stack.extend(node.named_children)
            elif kind == "string":
                if not is_plain_string(node, source):
                    stack.extend(node.named_children)
            elif kind == "attribute":
                obj = node.child_by_field_name("object")
                if obj is not None:
                    stack.append(obj)
            elif kind == "keyword_argument":
                value = node.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
            elif kind == "call":
                function = node.child_by_field_name("function")
                if function is not None:
                    if function.type == "attribute":
                        self._method_call(function, node, bound)
                    elif function.type == "identifier":
                        self._function_call(function, node, bound)
                    self._passing(function, node, bound)
                stack.extend(node.named_children)
            elif kind == "named_expression":
                name_node = node.child_by_field_name("name")
                if name_node is not None:
                    self.defs.append((text_of(name_node), True, "walrus"))
                value = node.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
            elif kind == "lambda":
                parameters = node.child_by_field_name("parameters")
                stack.extend(parameter_defaults(parameters))
                names = frozenset(name for name, _ in parameter_names(parameters))
                body = node.child_by_field_name("body")
                if body is not None:
                    self.expr(body, names if bound is None else bound | names)
            elif kind in _COMPREHENSIONS:
                targets: set[str] = set()
                inner: list[tree_sitter.Node] = []
                first = True
                for child in node.named_children:
                    if child.type == "for_in_clause":
                        left = child.child_by_field_name("left")
                        right = child.child_by_field_name("right")
                        if left is not None:
                            _target_names(left, targets)
                        if right is not None:
                            if first:
                                stack.append(right)  # evaluated in the enclosing scope
                            else:
                                inner.append(right)
                        first = False
                    else:
                        inner.append(child)
                new_bound = frozenset(targets) if bound is None else bound | targets
                for child in inner:
                    self.expr(child, new_bound)
            elif kind == "yield":
                self.yields = True
                stack.extend(node.named_children)
            # function/class definitions inside expressions only come from broken code; their
            # bodies are other scopes, so they are skipped

    def _method_call(
        self, function: tree_sitter.Node, call: tree_sitter.Node, bound: frozenset[str] | None
    ) -> None:
        """`x.m(...)` may change `x` (decided later, by `x`'s type where the scope shows it);
        `x.a[i].m(...)` may change `x` unless `m` is pure by name; `heapq.heappush(h, ...)`
        and the like change their first argument."""
        method = function.child_by_field_name("attribute")
        if method is None:
            return
        method_name = self._text(method)
        if method_name in MUTATING_FUNCTIONS:
            self._mutated_argument(call, bound)
        obj = function.child_by_field_name("object")
        receiver = _root_name(obj) if obj is not None else None
        if receiver is None or obj is None:
            return
        name = self._text(receiver)
        if bound is not None and name in bound:
            return
        if obj.type == "identifier":
            self.calls.append((name, method_name, _is_statement(call)))
        elif method_name not in PURE_METHODS:
            self.defs.append((name, False, "mutation"))

    def _function_call(
        self, function: tree_sitter.Node, call: tree_sitter.Node, bound: frozenset[str] | None
    ) -> None:
        """`heappush(h, …)` changes `h`; a bound method kept in a name (`pop = q.pop`) may
        change its receiver when called (`pop()`), decided with the scope's aliases."""
        name = self._text(function)
        if name in MUTATING_FUNCTIONS:
            self._mutated_argument(call, bound)
        elif bound is None or name not in bound:
            self.calls.append((name, "", False))

    def _passing(
        self, function: tree_sitter.Node, call: tree_sitter.Node, bound: frozenset[str] | None
    ) -> None:
        """Record which names' objects `call` hands to its callee, and in which slot."""
        arguments = call.child_by_field_name("arguments")
        if arguments is None or arguments.type != "argument_list":
            return
        text = self._text
        kind = function.type
        if kind == "identifier":
            receiver, callee = "", text(function)
        elif kind == "attribute":
            obj = function.child_by_field_name("object")
            method = function.child_by_field_name("attribute")
            callee = text(method) if method is not None else ""
            receiver = _receiver_text(obj, text) if obj is not None else "<expr>"
        else:
            receiver, callee = "<expr>", ""
        passed: list[tuple[str, int | str]] = []
        position = 0
        for argument in arguments.named_children:
            kind = argument.type
            if kind in _NO_OBJECT:
                position += 1
                continue
            if kind == "keyword_argument":
                keyword = argument.child_by_field_name("name")
                value = argument.child_by_field_name("value")
                slot: int | str = text(keyword) if keyword is not None else "**"
            elif kind in ("list_splat", "dictionary_splat"):
                value = argument.named_children[0] if argument.named_child_count else None
                slot = "*" if kind == "list_splat" else "**"
            elif kind == "comment":
                continue
            else:
                value, slot = argument, position
                position += 1
            if value is not None and value.type == "identifier":
                name = text(value)
                if bound is None or name not in bound:
                    passed.append((name, slot))
                continue
            for root in _object_roots(value):
                name = text(root)
                if bound is None or name not in bound:
                    passed.append((name, slot))
        # a call passing nothing matters only when it may reach the module's own functions
        # (`reset()`, `self.flush()`): their summaries may change names they do not receive
        if not passed and ("." in receiver or receiver.startswith("<")):
            return
        self.passes.append((receiver, callee, tuple(passed)))

    def _text(self, node: tree_sitter.Node) -> str:
        source = self.source
        if source:
            return source[node.start_byte : node.end_byte].decode("utf-8", "replace")
        return text_of(node)

    def _mutated_argument(self, call: tree_sitter.Node, bound: frozenset[str] | None) -> None:
        arguments = call.child_by_field_name("arguments")
        if arguments is None or not arguments.named_child_count:
            return
        first = arguments.named_children[0]
        root = _root_name(first)
        if root is not None:
            name = text_of(root)
            if bound is None or name not in bound:
                self.defs.append((name, False, "mutation"))
                if first.type == "identifier" and _is_statement(call):
                    self.roots.append(name)

    def target(
        self, node: tree_sitter.Node, how: str, value: tree_sitter.Node | None = None
    ) -> None:
        """Record an assignment target: names bound, containers mutated, names read;
        `value` is the assigned expression (`effects` reads a type or an alias from it)."""
        if value is not None and node.type == "identifier":
            self.assigned.append((self._text(node), value))
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind == "identifier":
                self.defs.append((self._text(current), True, how))
            elif kind in _TARGET_GROUPS:
                stack.extend(current.named_children)
            elif kind in ("attribute", "subscript"):
                root = _root_name(current)
                if root is not None:
                    name = self._text(root)
                    self.defs.append((name, False, "mutation"))
                    if how != "augmented":  # `d[k] += 1` reads d[k]'s value too
                        self.roots.append(name)
                self.expr(current)
            else:
                self.expr(current)


# argument kinds that never hand over an existing object of a name
_NO_OBJECT = frozenset(
    _words(
        """integer float string concatenated_string true false none binary_operator
        unary_operator comparison_operator not_operator list_comprehension set_comprehension
        dictionary_comprehension generator_expression lambda"""
    )
)


def _object_roots(node: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    """The names whose objects (or parts of them) an argument expression may hand over:
    `x`, `x.a[i]`, either side of `a if c else b` and `a or b`, the items of a list, tuple,
    set or dict display; none for a computed value."""
    stack = [node] if node is not None else []
    roots: list[tree_sitter.Node] = []
    while stack:
        current = stack.pop()
        kind = current.type
        if kind == "conditional_expression":
            # `a if c else b`: the first and last named children are the values
            children = current.named_children
            if children:
                stack.extend((children[0], children[-1]))
        elif kind in ("boolean_operator", "list", "tuple", "set", "pair", "dictionary"):
            stack.extend(current.named_children)  # `f([xs])` hands over `xs` inside the list
        elif kind == "parenthesized_expression" and current.named_child_count == 1:
            stack.append(current.named_children[0])
        elif kind in ("identifier", "attribute", "subscript"):
            root = _root_name(current)
            if root is not None:
                roots.append(root)
    return roots


def _receiver_text(obj: tree_sitter.Node, text: Callable[[tree_sitter.Node], str]) -> str:
    """`os.path` for `os.path.join(…)`; "<str>" for `", ".join(…)`; "<expr>" otherwise."""
    node = obj
    while node.type == "attribute":
        inner = node.child_by_field_name("object")
        if inner is None:
            return "<expr>"
        node = inner
    if node.type == "identifier":
        return text(obj)
    if node is obj and node.type in ("string", "concatenated_string"):
        return "<str>"
    return "<expr>"


def _is_statement(call: tree_sitter.Node) -> bool:
    """The call is a whole expression statement: its result is not used."""
    parent = call.parent
    return parent is not None and parent.type == "expression_statement"


def _target_names(node: tree_sitter.Node, into: set[str]) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            into.add(text_of(current))
        elif current.type in _TARGET_GROUPS:
            stack.extend(current.named_children)


def scan_pattern(pattern: tree_sitter.Node, scan: Scan) -> None:
    """A `case` pattern: capture names are definitions, dotted value patterns are reads."""
    stack = [pattern]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "dotted_name":
            parts = node.named_children
            if len(parts) == 1:
                name = text_of(parts[0])
                if name != "_":
                    scan.defs.append((name, True, "match"))
            elif parts:
                scan.uses.append(text_of(parts[0]))
        elif kind == "class_pattern":
            children = node.named_children
            if children and children[0].type == "dotted_name":
                scan.uses.append(text_of(children[0].named_children[0]))
                children = children[1:]
            stack.extend(children)
        elif kind == "keyword_pattern":
            children = node.named_children
            stack.extend(children[1:])
        elif kind in ("as_pattern", "splat_pattern", "dictionary_splat_pattern"):
            for child in node.named_children:
                if child.type == "identifier":
                    name = text_of(child)
                    if name != "_":
                        scan.defs.append((name, True, "match"))
                else:
                    stack.append(child)
        elif kind == "dict_pattern":
            for child in node.named_children:
                if child.type in ("case_pattern", "splat_pattern", "dictionary_splat_pattern"):
                    stack.append(child)
                else:
                    scan.expr(child)  # keys are value patterns
        elif kind == "identifier":
            name = text_of(node)
            if name != "_":
                scan.defs.append((name, True, "match"))
        elif kind in _LEAVES or kind in ("string", "concatenated_string"):
            continue
        else:
            stack.extend(node.named_children)


DISPLAYS = frozenset({"tuple", "list", "set", "dictionary"})


def literal_value(node: tree_sitter.Node) -> object:
    """The value of a literal integer or string node, or None (f-strings, names, …)."""
    if node.type not in ("integer", "unary_operator", "string", "concatenated_string"):
        return None
    source = (node.text or b"").decode("utf-8", "replace")
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value


def literal_length(node: tree_sitter.Node) -> int | None:
    """How many elements iterating `node` yields when its text alone fixes it: a display
    without `*` unpacking, a string literal, `range` of integer literals; else None."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type in DISPLAYS:
        if any(child.type in ("list_splat", "dictionary_splat") for child in node.named_children):
            return None
        return sum(1 for child in node.named_children if child.type != "comment")
    if node.type in ("string", "concatenated_string"):
        value = literal_value(node)
        return len(value) if isinstance(value, (str, bytes)) else None
    function = node.child_by_field_name("function") if node.type == "call" else None
    arguments = node.child_by_field_name("arguments") if node.type == "call" else None
    if function is None or arguments is None or text_of(function) != "range":
        return None
    children = [child for child in arguments.named_children if child.type != "comment"]
    if any(child.type in ("list_splat", "dictionary_splat") for child in children):
        return None
    args = [child for child in children if child.type != "keyword_argument"]
    bounds = [value for value in map(literal_value, args) if type(value) is int]
    if not 1 <= len(bounds) == len(args) <= 3:
        return None
    try:
        return len(range(*bounds))
    except (ValueError, OverflowError):
        return None


def never_empty_iterable(node: tree_sitter.Node) -> bool:
    """Whether iterating `node` always yields something (`literal_length` above zero; `range`
    is taken to be the builtin)."""
    length = literal_length(node)
    return length is not None and length > 0


def irrefutable(case_clause: tree_sitter.Node) -> bool:
    """`case _:` or `case name:` without a guard always matches."""
    if case_clause.child_by_field_name("guard") is not None:
        return False
    patterns = [c for c in case_clause.named_children if c.type == "case_pattern"]
    if len(patterns) != 1:
        return False
    inner = patterns[0].named_children
    if not inner:
        return True
    return len(inner) == 1 and inner[0].type == "dotted_name" and inner[0].named_child_count == 1


def catches_everything(clause: tree_sitter.Node) -> bool:
    values = [c for c in clause.named_children if c.type not in ("block", "comment")]
    if not values:
        return True
    value = values[0]
    if value.type == "as_pattern" and value.named_child_count:
        value = value.named_children[0]
    return value.type == "identifier" and text_of(value) == "BaseException"


def _share_chain(scan: Scan, chain: list[tree_sitter.Node]) -> None:
    """`a = b = v` and `self.root = root = v` bind one object to every target: each name
    target holds what the others hold (`effects` links them as may-aliases, so a change
    through `root` is a change of `self`)."""
    for target in chain:
        if target.type != "identifier":
            continue
        name = scan._text(target)
        for other in chain:
            if other is not target and other.type in ("identifier", "attribute", "subscript"):
                scan.assigned.append((name, other))


def scan_expression_statement(stmt: tree_sitter.Node, scan: Scan) -> None:
    for child in stmt.named_children:
        kind = child.type
        if kind == "assignment":
            current: tree_sitter.Node | None = child
            chain: list[tree_sitter.Node] = []
            while current is not None and current.type == "assignment":
                left = current.child_by_field_name("left")
                annotation = current.child_by_field_name("type")
                right = current.child_by_field_name("right")
                if annotation is not None:
                    scan.expr(annotation)
                if left is not None and right is not None:
                    value = right if right.type != "assignment" else None
                    scan.target(left, "assign", value)
                    chain.append(left)
                    if left.type == "subscript" and current is child:
                        root = left.child_by_field_name("value")
                        if root is not None and root.type == "identifier":
                            scan.fills.append(scan._text(root))
                    elif (
                        current is child
                        and left.type == "identifier"
                        and right.type == "dictionary"
                        and right.named_child_count == 0
                    ):
                        scan.empties.append(scan._text(left))
                elif left is not None and left.type != "identifier":
                    scan.expr(left)
                current = right
            if current is not None:
                scan.expr(current)
            if len(chain) > 1:
                _share_chain(scan, chain)
        elif kind == "augmented_assignment":
            left = child.child_by_field_name("left")
            right = child.child_by_field_name("right")
            if left is not None:
                if left.type == "identifier":
                    name = text_of(left)
                    scan.uses.append(name)
                    scan.defs.append((name, True, "augmented"))
                else:
                    scan.target(left, "augmented")
            if right is not None:
                scan.expr(right)
        else:
            scan.expr(child)


def scan_import(stmt: tree_sitter.Node, scan: Scan) -> None:
    for name in stmt.children_by_field_name("name"):
        if name.type == "aliased_import":
            alias = name.child_by_field_name("alias")
            if alias is not None:
                scan.defs.append((text_of(alias), True, "import"))
        elif name.type == "dotted_name" and name.named_child_count:
            parts = name.named_children
            bound = parts[0] if stmt.type == "import_statement" else parts[-1]
            scan.defs.append((text_of(bound), True, "import"))
