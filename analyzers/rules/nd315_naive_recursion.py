"""ND315: a pure function calling itself twice on overlapping arguments → `functools.cache`."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from ._dependence import pure_functions
from ._syntax import add_import, call_name, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A module-level function that is free of side effects, has only plain parameters, is not "
    "already memoized, and makes two or more recursive calls in one evaluation "
    "(naive Fibonacci, lattice path counts), each call passing arithmetic on the parameters "
    "(`n - 1`, `rows - 1`) or a constant cut of one (`word[:-1]`), so the sub-problems overlap. A recursive walk over a structure's "
    "parts (`f(item) for item in value`) is not reported: its sub-problems are distinct and "
    "its arguments often unhashable.",
    "The recursive calls solve the same sub-problems again and again: exponential time. "
    "Memoizing makes each distinct argument tuple cost one evaluation.",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)",
    "import functools\n\n@functools.cache\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)",
    "Unsafe: arguments must be hashable, results are kept alive for the life of the process, "
    "and a caller that mutates a returned object would see the change on the next call.",
)

_MEMO = re.compile(r"\b(cache|lru_cache|memoize|cached)\b")


def _plain_parameters(function: tree_sitter.Node) -> bool:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return False
    return all(
        (p.type in ("identifier", "typed_parameter") and p.named_children[:1] != [])
        or p.type == "identifier"
        for p in parameters.named_children
    )


def _parameter_names(ctx: Context, function: tree_sitter.Node) -> set[str]:
    parameters = function.child_by_field_name("parameters")
    names: set[str] = set()
    for parameter in parameters.named_children if parameters is not None else []:
        node = parameter if parameter.type == "identifier" else parameter.named_children[0]
        names.add(ctx.text(node))
    return names


_ARITHMETIC = ("binary_operator", "unary_operator", "parenthesized_expression")


def _shrinking_argument(ctx: Context, node: tree_sitter.Node, parameters: set[str]) -> bool:
    """A parameter, an integer, arithmetic on a parameter (`n - 1`, `cap - WEIGHTS[i]`), or a
    constant cut of one: the shapes whose sub-problems overlap and whose values hash."""
    if node.type == "identifier":
        return ctx.text(node) in parameters
    if node.type == "integer":
        return True
    if node.type in _ARITHMETIC:
        return _plain_operand(node) and any(
            n.type == "identifier" and ctx.text(n) in parameters for n in walk(node)
        )
    if node.type == "subscript":
        return _constant_slice(ctx, node, parameters)
    return False


def _plain_operand(node: tree_sitter.Node) -> bool:
    """Names, numbers, subscripts and attributes combined by operators, no calls."""
    return all(n.type not in ("call", "lambda", "generator_expression") for n in walk(node))


def _constant_slice(ctx: Context, node: tree_sitter.Node, parameters: set[str]) -> bool:
    """A parameter cut by a constant (`a[:-1]`, `s[1:]`): prefixes and suffixes overlap.

    A cut at a computed point (`xs[:mid]`, merge sort) splits into distinct halves and is
    not naive recursion, so only integer bounds count.
    """
    value = node.child_by_field_name("value")
    slices = [child for child in node.named_children if child.type == "slice"]
    if value is None or value.type != "identifier" or ctx.text(value) not in parameters:
        return False
    if len(slices) != 1 or not slices[0].named_children:
        return False
    return all(
        bound.type == "integer"
        or (
            bound.type == "unary_operator" and [c.type for c in bound.named_children] == ["integer"]
        )
        for bound in slices[0].named_children
    )


def _overlapping_calls(ctx: Context, calls: list[tree_sitter.Node], parameters: set[str]) -> bool:
    """Every recursive call passes arithmetic on the parameters, so calls really overlap.

    Only then is the pattern naive recursion (fib, lattice paths) and the arguments numbers
    that `functools.cache` can hash. A recursive walk over a structure's parts
    (`f(item) for item in value`) solves distinct sub-problems, and memoizing it raised
    `TypeError: unhashable type: 'list'` in a real templating engine's test suite.
    """
    for call in calls:
        arguments = call.child_by_field_name("arguments")
        if arguments is None or not arguments.named_children:
            return False
        if not all(_shrinking_argument(ctx, a, parameters) for a in arguments.named_children):
            return False
    return True


def check(ctx: Context) -> Iterator[Hit]:
    pure = pure_functions(ctx)
    for function in ctx.of_type("function_definition"):
        name_node = function.child_by_field_name("name")
        body = function.child_by_field_name("body")
        if name_node is None or body is None or ctx.text(name_node) not in pure:
            continue
        holder = function.parent
        if holder is not None and holder.type == "decorated_definition":
            continue  # any decorator may memoize or change the calling convention
        if not _plain_parameters(function):
            continue
        name = ctx.text(name_node)
        recursive = [n for n in walk(body) if n.type == "call" and call_name(ctx, n) == name]
        statements: dict[int, int] = {}
        for call in recursive:
            statement = call.parent
            while statement is not None and statement.parent != body and statement != body:
                statement = statement.parent
            if statement is not None:
                statements[statement.id] = statements.get(statement.id, 0) + 1
        if not statements or max(statements.values()) < 2:
            continue
        if not _overlapping_calls(ctx, recursive, _parameter_names(ctx, function)):
            continue
        if _MEMO.search(ctx.text(body)):
            continue
        edits = [ctx.insert_before_line(function, f"{ctx.line_indent(function)}@functools.cache\n")]
        import_edit = add_import(ctx, "functools")
        if import_edit is not None:
            edits.append(import_edit)
        fix = ctx.fix("Memoize with `functools.cache`", "unsafe", *edits)
        yield Hit(name_node, f"`{name}` recomputes overlapping sub-problems: memoize it", fix)


RULE = Rule(
    code="ND315",
    name="naive-recursion",
    summary="recursion without memoization on overlapping arguments → `functools.cache`",
    doc=DOC,
    check=check,
    fix="unsafe",
    dataflow=True,
)
