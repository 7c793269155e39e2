"""Tree helpers the rules share: names read and written, loop facts, scopes, calls.

The loop facts are a small dependency analysis over one loop: which names the loop (re)binds,
which objects it mutates in place, and which names an expression reads. A rule that says
"this does not depend on the loop" must prove it with these facts, which is what separates
our loop rules from the peers' syntactic ones (their known false positives are all
dependency mistakes: a value that reads the list being built, a condition that reads it, a
hoisted expression that reads a name the loop writes).
"""

from __future__ import annotations

import bisect
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import tree_sitter

from .base import Context

LOOP_TYPES = frozenset({"for_statement", "while_statement"})
SCOPE_TYPES = frozenset({"function_definition", "lambda", "class_definition", "module"})
COMPREHENSION_TYPES = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)
# Methods that never change the object they are called on (for str, bytes, tuple, list, dict,
# set and frozenset); any other method call on a name counts as a possible mutation.
PURE_METHODS = frozenset(
    [
        "capitalize",
        "casefold",
        "center",
        "count",
        "encode",
        "decode",
        "endswith",
        "expandtabs",
        "find",
        "format",
        "format_map",
        "index",
        "isalnum",
        "isalpha",
        "isascii",
        "isdecimal",
        "isdigit",
        "isidentifier",
        "islower",
        "isnumeric",
        "isprintable",
        "isspace",
        "istitle",
        "isupper",
        "join",
        "ljust",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rjust",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "translate",
        "upper",
        "zfill",
        "copy",
        "keys",
        "values",
        "items",
        "get",
        "hex",
        "difference",
        "intersection",
        "isdisjoint",
        "issubset",
        "issuperset",
        "symmetric_difference",
        "union",
        "bit_length",
        "bit_count",
        "is_integer",
    ]
)
PURE_BUILTINS = frozenset(
    [
        "abs",
        "len",
        "min",
        "max",
        "sum",
        "sorted",
        "reversed",
        "str",
        "int",
        "float",
        "bool",
        "tuple",
        "frozenset",
        "repr",
        "round",
        "divmod",
        "pow",
        "hash",
        "ord",
        "chr",
        "isinstance",
        "issubclass",
        "type",
        "hex",
        "oct",
        "bin",
        "any",
        "all",
        "format",
    ]
)

# Builtins with effects that never change the objects passed to them.
ARGUMENT_PRESERVING = frozenset(
    {"open", "print", "range", "enumerate", "zip", "map", "filter", "list", "set", "dict", "id"}
)


def text(ctx: Context, node: tree_sitter.Node | None) -> str:
    """Source text of `node` ("" for None)."""
    return "" if node is None else ctx.text(node)


def unparen(node: tree_sitter.Node) -> tree_sitter.Node:
    """The expression inside any parentheses."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        inner = node.named_children[0]
        node = inner
    return node


def call_args(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The argument nodes of a call (positional, keyword, splats), comments excluded."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    if arguments.type == "generator_expression":
        return [arguments]
    return [child for child in arguments.named_children if child.type != "comment"]


def positional_args(call: tree_sitter.Node) -> list[tree_sitter.Node] | None:
    """Positional arguments, or None when there are keyword arguments or splats."""
    args = call_args(call)
    if any(
        a.type in ("keyword_argument", "list_splat", "dictionary_splat", "parenthesized_list_splat")
        for a in args
    ):
        return None
    return args


def call_name(ctx: Context, call: tree_sitter.Node) -> str:
    """`f` or `a.b.c` for a call's callee when it is a (dotted) name, else ""."""
    memo = ctx.cache.setdefault("call-names", {})
    assert isinstance(memo, dict)
    name = memo.get(call.id)
    if name is None:
        name = memo[call.id] = _call_name(ctx, call)
    return str(name)


def _call_name(ctx: Context, call: tree_sitter.Node) -> str:
    function = call.child_by_field_name("function")
    if function is None:
        return ""
    if function.type == "identifier" or (function.type == "attribute" and _is_dotted(function)):
        return ctx.text(function)
    return ""


def _is_dotted(node: tree_sitter.Node) -> bool:
    while node.type == "attribute":
        obj = node.child_by_field_name("object")
        if obj is None:
            return False
        node = obj
    return node.type == "identifier"


def method_call(ctx: Context, call: tree_sitter.Node) -> tuple[tree_sitter.Node, str] | None:
    """(receiver, method name) for `receiver.method(...)`, else None."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "attribute":
        return None
    receiver = function.child_by_field_name("object")
    attribute = function.child_by_field_name("attribute")
    if receiver is None or attribute is None:
        return None
    return receiver, ctx.text(attribute)


def body_statements(node: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    """The statements of a block, comments excluded."""
    if node is None:
        return []
    return [child for child in node.named_children if child.type != "comment"]


def expression_of(statement: tree_sitter.Node) -> tree_sitter.Node | None:
    """The expression of an expression statement with exactly one expression."""
    if statement.type != "expression_statement" or statement.named_child_count != 1:
        return None
    return statement.named_children[0]


def _loop_spans(ctx: Context) -> tuple[list[int], list[int]]:
    """Sorted starts and running maximum ends of every loop and comprehension in the file."""
    cached = ctx.cache.get("loop-spans")
    if isinstance(cached, tuple):
        return cached
    spans = sorted(
        (node.start_byte, node.end_byte)
        for kind in ("for_statement", "while_statement", *COMPREHENSION_TYPES)
        for node in ctx.of_type(kind)
    )
    starts = [start for start, _ in spans]
    reach: list[int] = []
    furthest = -1
    for _, end in spans:
        furthest = max(furthest, end)
        reach.append(furthest)
    ctx.cache["loop-spans"] = (starts, reach)
    return starts, reach


def maybe_in_loop(ctx: Context, node: tree_sitter.Node) -> bool:
    """A cheap test: False means no loop or comprehension contains `node` at all."""
    starts, reach = _loop_spans(ctx)
    index = bisect.bisect_right(starts, node.start_byte) - 1
    return index >= 0 and reach[index] > node.start_byte


def loop_of(ctx: Context, node: tree_sitter.Node) -> tree_sitter.Node | None:
    """`enclosing_loop`, skipping the walk up the tree for nodes outside every loop."""
    return enclosing_loop(node) if maybe_in_loop(ctx, node) else None


def enclosing_loop(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The innermost loop that runs `node` repeatedly, within the same function, or None.

    A `for` loop's iterable is evaluated once, so it belongs to the next loop out; a
    comprehension's element and condition count as a loop of their own (returned too).
    """
    child = node
    parent = node.parent
    while parent is not None:
        kind = parent.type
        if kind in SCOPE_TYPES:
            return None
        if kind == "for_statement":
            if child != parent.child_by_field_name("right"):
                return parent
        elif kind == "while_statement":
            return parent
        elif kind in COMPREHENSION_TYPES:
            first = next((c for c in parent.named_children if c.type == "for_in_clause"), None)
            if first is None or child != first:
                return parent
        elif kind == "for_in_clause" and child == parent.child_by_field_name("right"):
            # the first clause's iterable runs once; later clauses' run per outer element
            grand = parent.parent
            clauses = (
                [c for c in grand.named_children if c.type == "for_in_clause"] if grand else []
            )
            if clauses and clauses[0] == parent and grand is not None:
                child, parent = grand, grand.parent
                continue
        child, parent = parent, parent.parent
    return None


def enclosing_scope(node: tree_sitter.Node) -> tree_sitter.Node:
    """The innermost function, lambda, class or module containing `node`."""
    parent = node.parent
    while parent is not None:
        if parent.type in SCOPE_TYPES:
            return parent
        parent = parent.parent
    return node


def walk(node: tree_sitter.Node, into_scopes: bool = False) -> Iterator[tree_sitter.Node]:
    """Every named node below `node` (pre-order), not entering nested functions/classes/lambdas.

    Anonymous tokens (punctuation, keywords) are skipped: no rule looks at them this way.
    """
    stack = node.named_children[::-1]
    while stack:
        current = stack.pop()
        yield current
        if not into_scopes and current.type in SCOPE_TYPES:
            continue
        stack.extend(current.named_children[::-1])


def target_names(target: tree_sitter.Node) -> Iterator[str]:
    """Names bound by an assignment target (`a`, `a, b`, `[a, *b]`); not `a.x` or `a[i]`."""
    if target.type == "identifier":
        yield target.text.decode() if target.text else ""
    elif target.type in (
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "tuple",
        "list",
        "list_splat_pattern",
        "parenthesized_expression",
        "as_pattern_target",
    ):
        for child in target.named_children:
            yield from target_names(child)


def base_name(node: tree_sitter.Node) -> str | None:
    """`a` for `a`, `a.b`, `a[i]`, `a.b[i].c` — the variable an access goes through."""
    while node.type in ("attribute", "subscript"):
        inner = node.child_by_field_name("object" if node.type == "attribute" else "value")
        if inner is None:
            return None
        node = inner
    return node.text.decode() if node.type == "identifier" and node.text else None


def names_read(node: tree_sitter.Node) -> set[str]:
    """Names an expression reads (attribute fields and keyword names excluded)."""
    names: set[str] = set()
    if node.type == "identifier":
        return {node.text.decode()} if node.text else names
    for current in walk(node, into_scopes=True):
        if current.type != "identifier":
            continue
        parent = current.parent
        if parent is not None:
            if parent.type == "attribute" and current == parent.child_by_field_name("attribute"):
                continue
            if parent.type == "keyword_argument" and current == parent.child_by_field_name("name"):
                continue
        if current.text:
            names.add(current.text.decode())
    return names


@dataclass
class LoopFacts:
    """What one loop may change: names it rebinds, names whose objects it may mutate."""

    assigned: set[str] = field(default_factory=set)
    mutated: set[str] = field(default_factory=set)
    calls_unknown: bool = False
    """Whether the loop calls functions that might mutate anything reachable (globals, args)."""
    has_yield_or_await: bool = False


def loop_facts(ctx: Context, loop: tree_sitter.Node) -> LoopFacts:
    """Facts for `loop` (a for/while statement or a comprehension), computed once per file."""
    key = f"loop:{loop.id}"
    cached = ctx.cache.get(key)
    if isinstance(cached, LoopFacts):
        return cached
    facts = LoopFacts()
    parts: list[tree_sitter.Node]
    if loop.type == "for_statement":
        left = loop.child_by_field_name("left")
        if left is not None:
            facts.assigned.update(target_names(left))
        parts = [c for c in (loop.child_by_field_name("body"),) if c is not None]
    elif loop.type == "while_statement":
        parts = [c for c in (loop.child_by_field_name("body"),) if c is not None]
        condition = loop.child_by_field_name("condition")
        if condition is not None:
            parts.append(condition)
    else:
        parts = [loop]
    pure = pure_functions(ctx)
    for part in parts:
        for node in walk(part):
            _record(node, facts, pure)
    ctx.cache[key] = facts
    return facts


def _record(node: tree_sitter.Node, facts: LoopFacts, pure: set[str]) -> None:
    kind = node.type
    if kind in ("assignment", "augmented_assignment"):
        left = node.child_by_field_name("left")
        if left is not None:
            names = list(target_names(left))
            facts.assigned.update(names)
            if not names or left.type in ("attribute", "subscript"):
                _mutates_target(left, facts)
            elif left.type in ("pattern_list", "tuple_pattern", "list_pattern"):
                for part in left.named_children:
                    _mutates_target(part, facts)
    elif kind in ("for_statement", "for_in_clause"):
        left = node.child_by_field_name("left")
        if left is not None:
            facts.assigned.update(target_names(left))
    elif kind == "named_expression":
        name = node.child_by_field_name("name")
        if name is not None and name.text:
            facts.assigned.add(name.text.decode())
    elif kind in ("as_pattern_target", "delete_statement"):
        for child in node.named_children:
            facts.assigned.update(target_names(child))
            _mutates_target(child, facts)
    elif kind in ("function_definition", "class_definition"):
        name = node.child_by_field_name("name")
        if name is not None and name.text:
            facts.assigned.add(name.text.decode())
    elif kind in ("import_statement", "import_from_statement"):
        for child in node.named_children:
            alias = child.child_by_field_name("alias") if child.type == "aliased_import" else child
            if alias is not None and alias.text:
                facts.assigned.add(alias.text.decode().split(".")[0])
    elif kind in ("global_statement", "nonlocal_statement"):
        facts.calls_unknown = True
    elif kind in ("yield", "await"):
        facts.has_yield_or_await = True
    elif kind == "call":
        function = node.child_by_field_name("function")
        if function is None:
            return
        if function.type == "attribute":
            attribute = function.child_by_field_name("attribute")
            method = attribute.text.decode() if attribute is not None and attribute.text else ""
            if method not in PURE_METHODS:
                obj = function.child_by_field_name("object")
                receiver = base_name(obj) if obj is not None else None
                if receiver:
                    facts.mutated.add(receiver)
                facts.calls_unknown = True
        elif function.type == "identifier":
            callee = (function.text or b"").decode()
            if callee not in PURE_BUILTINS and callee not in pure:
                facts.calls_unknown = True
                if callee in ARGUMENT_PRESERVING:
                    return
                # arguments passed to an unknown function may be mutated by it
                for arg in call_args(node):
                    if arg.type == "identifier" and arg.text:
                        facts.mutated.add(arg.text.decode())
        else:
            facts.calls_unknown = True


def _mutates_target(target: tree_sitter.Node, facts: LoopFacts) -> None:
    if target.type in ("attribute", "subscript"):
        name = base_name(target)
        if name:
            facts.mutated.add(name)


def is_invariant(ctx: Context, expr: tree_sitter.Node, loop: tree_sitter.Node) -> bool:
    """Whether `expr` computes the same value on every iteration of `loop`.

    It must read no name the loop rebinds or mutates, call only known-pure functions and
    methods, and contain no yield/await/walrus/lambda/comprehension.
    """
    facts = loop_facts(ctx, loop)
    changing = facts.assigned | facts.mutated
    if names_read(expr) & changing:
        return False
    nodes = [expr, *walk(expr, into_scopes=True)]
    for node in nodes:
        kind = node.type
        if kind in ("yield", "await", "named_expression", "lambda") or kind in COMPREHENSION_TYPES:
            return False
        if kind == "call":
            function = node.child_by_field_name("function")
            if function is None:
                return False
            if function.type == "attribute":
                attribute = function.child_by_field_name("attribute")
                obj = function.child_by_field_name("object")
                if attribute is None or obj is None or ctx.text(attribute) not in PURE_METHODS:
                    return False
                # `x.copy()` / `d.items()` make fresh objects each time: hoisting shares one
                if ctx.text(attribute) in ("copy", "keys", "values", "items"):
                    return False
            elif function.type == "identifier":
                callee = ctx.text(function)
                if callee in pure_functions(ctx):
                    continue
                if callee not in PURE_BUILTINS or callee in ("sorted", "reversed"):
                    return False
            else:
                return False
    return True


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


def is_async(node: tree_sitter.Node) -> bool:
    """Whether a for/with statement is the `async` form."""
    return node.child_count > 0 and node.children[0].type == "async"


def single_body(loop: tree_sitter.Node) -> tuple[tree_sitter.Node, tree_sitter.Node | None] | None:
    """(the only statement, its `if` condition or None) of a loop without `else` or comments.

    `for x in y: stmt` gives (stmt, None); `for x in y: if c: stmt` gives (stmt, c).
    """
    if loop.child_by_field_name("alternative") is not None or is_async(loop):
        return None
    statements = body_statements(loop.child_by_field_name("body"))
    if len(statements) != 1:
        return None
    statement = statements[0]
    if statement.type == "if_statement":
        if statement.child_by_field_name("alternative") is not None:
            return None
        inner = body_statements(statement.child_by_field_name("consequence"))
        condition = statement.child_by_field_name("condition")
        if len(inner) != 1 or condition is None:
            return None
        return inner[0], condition
    return statement, None


def has_comment(node: tree_sitter.Node) -> bool:
    """Whether any comment lies inside `node` (a rewrite would drop it)."""
    return any(child.type == "comment" for child in walk(node, into_scopes=True))


def previous_statement(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The statement just before `node` in the same block, comments skipped."""
    sibling = node.prev_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.prev_named_sibling
    return sibling


def appended(
    ctx: Context, statement: tree_sitter.Node, method: str = "append"
) -> tuple[str, tree_sitter.Node] | None:
    """(list name, value) for a statement `name.append(value)` (or another one-arg method)."""
    expression = expression_of(statement)
    if expression is None or expression.type != "call":
        return None
    called = method_call(ctx, expression)
    args = positional_args(expression)
    if called is None or called[1] != method or args is None or len(args) != 1:
        return None
    receiver = called[0]
    if receiver.type != "identifier":
        return None
    return ctx.text(receiver), args[0]


def for_clause(ctx: Context, loop: tree_sitter.Node) -> str:
    """`for TARGET in ITER` of a for statement, for building a comprehension."""
    left = loop.child_by_field_name("left")
    right = loop.child_by_field_name("right")
    return f"for {text(ctx, left)} in {text(ctx, right)}"


def module_imports(ctx: Context) -> dict[str, str]:
    """Local name → module for `import m` / `import m as n` / `from p import m` at any level."""
    key = "imports"
    cached = ctx.cache.get(key)
    if isinstance(cached, dict):
        return cached
    names: dict[str, str] = {}
    for node in ctx.of_type("import_statement"):
        for child in node.named_children:
            if child.type == "dotted_name":
                full = ctx.text(child)
                names[full.split(".")[0]] = full.split(".")[0]
            elif child.type == "aliased_import":
                name = child.child_by_field_name("name")
                alias = child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    names[ctx.text(alias)] = ctx.text(name)
    for node in ctx.of_type("import_from_statement"):
        module = node.child_by_field_name("module_name")
        for child in node.children_by_field_name("name"):
            if child.type == "dotted_name":
                names[ctx.text(child)] = f"{text(ctx, module)}.{ctx.text(child)}"
            elif child.type == "aliased_import":
                name = child.child_by_field_name("name")
                alias = child.child_by_field_name("alias")
                if name is not None and alias is not None:
                    names[ctx.text(alias)] = f"{text(ctx, module)}.{ctx.text(name)}"
    ctx.cache[key] = names
    return names


def qualified_call(ctx: Context, call: tree_sitter.Node) -> str:
    """The callee as a module path when it comes from an import (`re.match`, `copy.deepcopy`)."""
    name = call_name(ctx, call)
    if not name:
        return ""
    head, _, rest = name.partition(".")
    module = module_imports(ctx).get(head)
    if module is None:
        return name
    return f"{module}.{rest}" if rest else module


def fresh_name(ctx: Context, wanted: str) -> str:
    """`wanted`, or `wanted_2`, … — a name that appears nowhere in the file."""
    names = ctx.cache.get("identifiers")
    if not isinstance(names, set):
        names = set(re.findall(r"[A-Za-z_]\w*", ctx.source.decode("utf-8", "replace")))
        ctx.cache["identifiers"] = names
    candidate = wanted
    counter = 2
    while candidate in names:
        candidate = f"{wanted}_{counter}"
        counter += 1
    names.add(candidate)
    return candidate


def name_for(ctx: Context, expression: tree_sitter.Node, fallback: str = "value") -> str:
    """A readable variable name derived from an expression (`name.lower()` → `name_lower`)."""
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", ctx.text(expression))
    words = [w.lower().strip("_") for w in words if w not in ("self",) and not keyword.iskeyword(w)]
    joined = "_".join(w for w in words if w)[:30].strip("_")
    if not joined or joined[0].isdigit():
        joined = fallback
    return fresh_name(ctx, joined)


def pure_functions(ctx: Context) -> set[str]:
    """Module-level functions with no side effects: only pure builtins, pure methods, locals.

    Computed to a fixpoint, so a function calling only pure functions of the file is pure too.
    """
    key = "pure"
    cached = ctx.cache.get(key)
    if isinstance(cached, set):
        return cached
    functions = {
        ctx.text(name): node
        for node in ctx.of_type("function_definition")
        if node.parent is not None
        and node.parent.type == "module"
        and (name := node.child_by_field_name("name")) is not None
    }
    pure: set[str] = set()
    changed = True
    while changed:
        changed = False
        for function_name, node in functions.items():
            if function_name not in pure and _is_pure_body(ctx, node, pure | {function_name}):
                pure.add(function_name)
                changed = True
    ctx.cache[key] = pure
    return pure


def _is_pure_body(ctx: Context, function: tree_sitter.Node, pure: set[str]) -> bool:
    body = function.child_by_field_name("body")
    if body is None:
        return False
    for node in walk(body):
        kind = node.type
        if kind in (
            "global_statement",
            "nonlocal_statement",
            "yield",
            "await",
            "delete_statement",
            "function_definition",
            "class_definition",
            "lambda",
            "raise_statement",
            "with_statement",
            "import_statement",
            "import_from_statement",
        ):
            return False
        if kind in ("assignment", "augmented_assignment"):
            left = node.child_by_field_name("left")
            if left is None or left.type in ("attribute", "subscript"):
                return False
        if kind == "call":
            function_node = node.child_by_field_name("function")
            if function_node is None:
                return False
            if function_node.type == "identifier":
                callee = ctx.text(function_node)
                if callee not in PURE_BUILTINS and callee not in pure:
                    return False
            elif function_node.type == "attribute":
                attribute = function_node.child_by_field_name("attribute")
                if attribute is None or ctx.text(attribute) not in PURE_METHODS:
                    return False
            else:
                return False
    return True


_BINDING = re.compile(rb"\b(?:def|class|as|import)\s+(\w+)|^[ \t]*(\w+)[ \t]*(?::|=[^=])", re.M)


def builtin_shadowed(ctx: Context, name: str) -> bool:
    """Whether the file defines, imports or assigns `name` itself (so it may not be the builtin)."""
    bound = ctx.cache.get("bound-names")
    if not isinstance(bound, set):
        bound = {(first or second).decode() for first, second in _BINDING.findall(ctx.source)}
        ctx.cache["bound-names"] = bound
    return name in bound


def rebound_in(ctx: Context, node: tree_sitter.Node) -> set[str]:
    """Names (re)bound anywhere inside `node` (assignments, loop targets, walrus, `as`)."""
    names: set[str] = set()
    for current in walk(node):
        if current.type in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
            target = current.child_by_field_name("left")
            if target is not None:
                names.update(target_names(target))
        elif current.type == "named_expression":
            name = current.child_by_field_name("name")
            if name is not None:
                names.add(ctx.text(name))
        elif current.type == "as_pattern_target":
            for child in current.named_children:
                names.update(target_names(child))
    return names


def is_store(node: tree_sitter.Node) -> bool:
    """Whether `node` is written rather than read: an assignment target or a `del` target."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "delete_statement":
        return True
    return (
        parent.type in ("assignment", "augmented_assignment")
        and parent.child_by_field_name("left") == node
    )


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


def loop_target_leaks(ctx: Context, loop: tree_sitter.Node) -> bool:
    """Whether code outside a `for` loop may see its target variables (so removing the loop,
    e.g. for a comprehension whose variables do not leak, could change behaviour).

    True at module or class level (globals are visible everywhere) and when a target name
    occurs after the loop in the enclosing function (or anywhere in an enclosing loop).
    """
    left = loop.child_by_field_name("left")
    if left is None:
        return True
    names = set(target_names(left))
    scope = enclosing_scope(loop)
    if scope.type != "function_definition":
        return True
    # code after the loop sees the last value; so does code earlier in an enclosing loop's
    # body, on that loop's next iteration
    outer = enclosing_loop(loop)
    visible_from = outer.start_byte if outer is not None else loop.end_byte
    return any(
        node.type == "identifier"
        and node.start_byte >= visible_from
        and not (loop.start_byte <= node.start_byte < loop.end_byte)
        and ctx.text(node) in names
        for node in walk(scope, into_scopes=True)
    )
