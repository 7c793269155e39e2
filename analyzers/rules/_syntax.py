"""Tree helpers the rules share: calls and their arguments, names read and written, loops,
scopes, imports, fresh names.

What a loop changes and which functions are pure live in `_dependence`; what type a name
certainly has, in `_kinds`.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator

import tree_sitter

from .base import Context, Edit

LOOP_TYPES = frozenset({"for_statement", "while_statement"})
SCOPE_TYPES = frozenset({"function_definition", "lambda", "class_definition", "module"})
COMPREHENSION_TYPES = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
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


def enclosing_loop(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The innermost loop that runs `node` repeatedly, within the same function, or None.

    A `for` loop's iterable is evaluated once, so it belongs to the next loop out; a
    comprehension's element and condition count as a loop of their own (returned too).
    """
    for child, parent in climb(node):
        kind = parent.type
        if kind == "for_statement" and child != parent.child_by_field_name("right"):
            return parent
        if kind == "while_statement" or (
            kind in COMPREHENSION_TYPES and comprehension_repeats(parent, child)
        ):
            return parent
    return None


def climb(node: tree_sitter.Node) -> Iterator[tuple[tree_sitter.Node, tree_sitter.Node]]:
    """(child, parent) pairs from `node` up to its function, class or module (excluded). From
    the iterable of a comprehension's first `for` clause it goes straight to the code around
    the comprehension: that iterable is evaluated once, outside the comprehension's loop."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in SCOPE_TYPES:
        if parent.type == "for_in_clause":
            comprehension = runs_once_around(parent, child)
            if comprehension is not None:
                child, parent = comprehension, comprehension.parent
                continue
        yield child, parent
        child, parent = parent, parent.parent


def comprehension_repeats(comprehension: tree_sitter.Node, part: tree_sitter.Node) -> bool:
    """Whether `comprehension` runs its child `part` once per element: all but its first
    `for` clause, whose iterable is evaluated once (`runs_once_around`)."""
    first = next((c for c in comprehension.named_children if c.type == "for_in_clause"), None)
    return first is None or part != first


def runs_once_around(clause: tree_sitter.Node, part: tree_sitter.Node) -> tree_sitter.Node | None:
    """The comprehension whose first `for` clause is `clause`, when `part` is that clause's
    iterable (evaluated once, as part of the code around the comprehension); else None (a
    later clause's iterable runs per outer element)."""
    if part != clause.child_by_field_name("right") or clause.parent is None:
        return None
    comprehension = clause.parent
    clauses = [c for c in comprehension.named_children if c.type == "for_in_clause"]
    return comprehension if clauses and clauses[0] == clause else None


def is_parameter(ctx: Context, function: tree_sitter.Node, name: str) -> bool:
    """Whether `name` appears in `function`'s parameter list (conservatively: annotations and
    defaults count too)."""
    parameters = function.child_by_field_name("parameters")
    return parameters is not None and any(
        node.type == "identifier" and ctx.text(node) == name for node in walk(parameters)
    )


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
    if len(words) > 1 and words[0] == "len":
        words[0] = "n"  # `len(columns)` → `n_columns`, the name a reader would give it
    joined = "_".join(w for w in words if w)[:30].strip("_")
    if not joined or joined[0].isdigit():
        joined = fallback
    return fresh_name(ctx, joined)


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


def partial_results_observable(loop: tree_sitter.Node) -> bool:
    """Whether code may see what a loop built when an iteration raises: the loop sits in a
    `try` body (its handlers, `else`, `finally` and what follows run with the partial list)
    or a `with` body (a context manager such as `suppress` may swallow the exception). A
    loop that appends keeps the items before the failure and the loop variable; a
    comprehension that replaces it binds nothing (a real metadata parser's handler read the
    loop variable; a sampler under `suppress(StopIteration)` kept its partial reservoir)."""
    child, parent = loop, loop.parent
    while parent is not None and parent.type not in SCOPE_TYPES:
        if parent.type in ("try_statement", "with_statement") and (
            parent.child_by_field_name("body") == child
        ):
            return True
        child, parent = parent, parent.parent
    return False


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


def add_import(ctx: Context, module: str) -> Edit | None:
    """An edit inserting `import MODULE` after the last top-level import (or at the top),
    None when the module is already imported that way."""
    if re.search(rb"^import " + re.escape(module.encode()) + rb"\b", ctx.source, re.M):
        return None
    last = None
    for node in ctx.tree.root_node.named_children:
        if node.type in ("import_statement", "import_from_statement", "future_import_statement"):
            last = node
    if last is not None:
        gap = "\n\n" if last.type == "future_import_statement" else "\n"
        return ctx.replace_range(last.end_byte, last.end_byte, f"{gap}import {module}")
    first = ctx.tree.root_node.named_children[:1]
    if (
        first
        and first[0].type == "expression_statement"
        and first[0].named_children[:1]
        and (first[0].named_children[0].type == "string")
    ):  # after the module docstring, which must stay first
        return ctx.replace_range(first[0].end_byte, first[0].end_byte, f"\n\nimport {module}")
    return ctx.replace_range(0, 0, f"import {module}\n\n")
