"""Loop facts: what one loop may change, which expressions stay the same on every iteration,
and which functions of the module are pure.

This is a small dependency analysis over one loop: which names the loop (re)binds, which
objects it mutates in place, and which names an expression reads. A rule that says "this does
not depend on the loop" must prove it with these facts, which is what separates our loop rules
from the peers' syntactic ones (their known false positives are all dependency mistakes: a
value that reads the list being built, a condition that reads it, a hoisted expression that
reads a name the loop writes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from ._syntax import (
    COMPREHENSION_TYPES,
    base_name,
    call_args,
    method_call,
    module_imports,
    names_read,
    walk,
)
from .base import Context

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


CONSTANT_TIME_BUILTINS = frozenset(
    {"len", "isinstance", "id", "type", "abs", "ord", "chr", "bool", "callable"}
)
"""Builtins whose cost does not grow with their argument: hoisting or reusing one saves tens
of nanoseconds per iteration (benchmarks/results/worth.json), so ND301, ND107 and ND310 leave
such calls (and the others `is_constant_time` names) alone and the opt-in ND317 reports them."""


_EMPTY_CONSTRUCTORS = frozenset(
    {"frozenset", "set", "dict", "list", "tuple", "str", "bytes", "int", "float", "bool"}
)
"""Builtins that, called with no argument, make an empty or zero value in constant time."""

_LITERAL_KEYS = frozenset({"string", "concatenated_string", "integer", "float", "true", "false"})


def is_constant_time(ctx: Context, call: tree_sitter.Node) -> bool:
    """`len(x)`, `isinstance(x, T)`, … whose arguments hold no further call; a builtin
    constructor called with no argument (`frozenset()`); a `.get` with a literal key
    (`options.get("check", False)`: one hash lookup of a constant)."""
    if is_plain_call_of(ctx, call, CONSTANT_TIME_BUILTINS):
        return True
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or arguments is None or arguments.type != "argument_list":
        return False
    args = [arg for arg in arguments.named_children if arg.type != "comment"]
    if function.type == "identifier":
        return not args and ctx.text(function) in _EMPTY_CONSTRUCTORS
    method = function.child_by_field_name("attribute")
    if function.type != "attribute" or method is None or ctx.text(method) != "get":
        return False
    return (
        1 <= len(args) <= 2
        and all(
            arg.type not in ("keyword_argument", "list_splat", "dictionary_splat") for arg in args
        )
        and args[0].type in _LITERAL_KEYS
        and not any(node.type in ("call", "interpolation") for node in walk(arguments))
    )


def is_plain_call_of(ctx: Context, call: tree_sitter.Node, names: frozenset[str]) -> bool:
    """A call of one of `names` whose arguments hold no further call (whose own cost could
    be anything)."""
    function = call.child_by_field_name("function")
    if function is None or ctx.text(function) not in names:
        return False
    arguments = call.child_by_field_name("arguments")
    return arguments is None or not any(node.type == "call" for node in walk(arguments))


# Builtins with effects that never change the objects passed to them.
ARGUMENT_PRESERVING = frozenset(
    {"open", "print", "range", "enumerate", "zip", "map", "filter", "list", "set", "dict", "id"}
)


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
            _record_target(left, facts)
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
    if kind in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
        left = node.child_by_field_name("left")
        if left is not None:
            _record_target(left, facts)
    elif kind == "named_expression":
        name = node.child_by_field_name("name")
        if name is not None and name.text:
            facts.assigned.add(name.text.decode())
    elif kind in ("as_pattern_target", "delete_statement"):
        for child in node.named_children:
            _record_target(child, facts)
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
                # `self._validate(group, stack)`: a method may change what it is given too
                _arguments_may_change(node, facts)
        elif function.type == "identifier":
            callee = (function.text or b"").decode()
            if callee not in PURE_BUILTINS and callee not in pure:
                facts.calls_unknown = True
                if callee in ARGUMENT_PRESERVING:
                    return
                # arguments passed to an unknown function may be mutated by it
                _arguments_may_change(node, facts)
        else:
            facts.calls_unknown = True


def _arguments_may_change(call: tree_sitter.Node, facts: LoopFacts) -> None:
    for arg in call_args(call):
        value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else arg
        if value is not None and value.type == "identifier" and value.text:
            facts.mutated.add(value.text.decode())


def aliased_in_scope(ctx: Context, scope: tree_sitter.Node, name: str) -> bool:
    """Whether another name in `scope` may hold `name`'s object or a bound method of it
    (`seen_add = seen.append`, `other = seen`): calls through it change `name` unseen."""
    key = f"aliased:{scope.id}"
    cached = ctx.cache.get(key)
    if not isinstance(cached, frozenset):
        roots: set[str] = set()
        for node in walk(scope):
            if node.type != "assignment":
                continue
            right = node.child_by_field_name("right")
            while right is not None and right.type in ("attribute", "subscript"):
                if right.type == "subscript" and any(
                    c.type == "slice" for c in right.named_children
                ):
                    right = None  # a slice is a copy
                    break
                right = right.named_children[0] if right.named_children else None
            if right is not None and right.type == "identifier":
                roots.add(ctx.text(right))
        cached = frozenset(roots)
        ctx.cache[key] = cached
    return name in cached


def _record_target(target: tree_sitter.Node, facts: LoopFacts) -> None:
    """A binding target: names it rebinds, and the objects a store in it changes, at any
    depth of unpacking (`head[i], tail[j] = …`, `for i, item[i] in …`: a real permutation
    generator's hoisted `tuple(head)` froze its output)."""
    stack = [target]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            facts.assigned.add(node.text.decode() if node.text else "")
        elif node.type in ("attribute", "subscript"):
            name = base_name(node)
            if name:
                facts.mutated.add(name)
        else:
            stack.extend(node.named_children)


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
                if obj.type == "identifier" and ctx.text(obj) in module_imports(ctx):
                    return False  # `itertools.count()` is no `str.count`: a fresh iterator
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
            if function_name not in pure and is_pure_body(ctx, node, pure | {function_name}):
                pure.add(function_name)
                changed = True
    ctx.cache[key] = pure
    return pure


def is_pure_body(ctx: Context, function: tree_sitter.Node, pure: set[str]) -> bool:
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


_GROWERS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "appendleft"})


def grown_in(ctx: Context, loop: tree_sitter.Node, item_stores: bool = True) -> set[str]:
    """Names the loop visibly grows: `xs.append(...)`, `d.update(...)`, `xs += ...`,
    `d[k] = ...` (with `item_stores`: a dict grows so, a list does not). (The effect
    analysis's "may mutate" is wider: an unknown call with `v` as argument may change `v`,
    which is sound for hoisting but not proof of growth.)"""
    grown: set[str] = set()
    for node in walk(loop):
        if node.type == "call":
            called = method_call(ctx, node)
            if called is not None and called[1] in _GROWERS and called[0].type == "identifier":
                grown.add(ctx.text(called[0]))
        elif node.type in ("augmented_assignment", "assignment"):
            left = node.child_by_field_name("left")
            if left is None:
                continue
            if node.type == "augmented_assignment" and left.type == "identifier":
                grown.add(ctx.text(left))
            elif left.type == "subscript" and item_stores:
                target = left.child_by_field_name("value")
                if target is not None and target.type == "identifier":
                    grown.add(ctx.text(target))
    return grown
