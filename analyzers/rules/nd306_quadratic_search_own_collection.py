"""ND306: `xs.count(x)` / `xs.index(x)` / `x in xs` inside `for x in xs` (quadratic)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from ._dependence import loop_facts
from ._kinds import kind_before, scope_bindings
from ._syntax import (
    add_import,
    call_args,
    enclosing_scope,
    fresh_name,
    method_call,
    rebound_in,
    walk,
)
from .base import Context, Fix, Hit, Rule, make_doc

DOC = make_doc(
    "Inside `for x in xs`, a linear search of `xs` itself: `xs.count(...)`, `xs.index(...)` "
    "or a membership test against `xs`. A membership test is not reported when `xs` is a set, "
    "frozenset or dict (by its literal, constructor, comprehension or annotation), also when "
    "the function makes it one before the loop (`group = set(group)` for a parameter): every "
    "binding that can reach the loop must say so.",
    "Each search scans the whole collection, so the loop does O(n²) work; counting once with "
    "`collections.Counter` (or an index dict built once) makes it O(n).",
    "for client in clients:\n    if clients.count(client) > limit:\n        noisy.add(client)",
    "from collections import Counter\n\ncounts = Counter(clients)\nfor client in clients:\n"
    "    if counts[client] > limit:\n        noisy.add(client)",
    "Unsafe fix for `xs.count(x)` where `x` is the loop's own variable, the loop's only count "
    "of `xs`, the loop neither rebinds nor visibly changes `xs` or `x`, and the elements are "
    "certainly hashable (`xs` is a string or bytes, or annotated as a collection of `str`, "
    "`int`, `bytes`, `float` or `bool`; on a list of dicts a Counter raises): it counts once "
    "before the loop (`xs_counts = collections.Counter(xs)`) and reads `xs_counts[x]`. A "
    "`Counter` answers what `count` answers (equal and identical elements alike, 0 when "
    "absent), but needs hashable elements, and a function the loop calls could still change "
    "`xs` out of sight. No fix for `index` or `in`: the replacement depends on what the "
    "result is used for.",
)


_HASHED = frozenset({"set", "frozenset", "dict"})
"""Membership in these is O(1): a test against the loop's own set is no scan."""


def check(ctx: Context) -> Iterator[Hit]:
    for loop in ctx.of_type("for_statement"):
        iterable = loop.child_by_field_name("right")
        body = loop.child_by_field_name("body")
        if iterable is None or body is None or iterable.type != "identifier":
            continue
        name = ctx.text(iterable)
        facts = loop_facts(ctx, loop)
        if name in facts.assigned:
            continue
        counts = [
            node
            for node in walk(body)
            if node.type == "call"
            and (called := method_call(ctx, node)) is not None
            and called[1] == "count"
            and ctx.text(called[0]) == name
        ]
        for node in walk(body):
            if node.type == "call":
                called = method_call(ctx, node)
                if called is None or called[1] not in ("count", "index"):
                    continue
                if called[0].type != "identifier" or ctx.text(called[0]) != name:
                    continue
                fix = _counter_fix(ctx, loop, node) if counts == [node] else None
                yield Hit(
                    node,
                    f"`{ctx.text(node)}` scans `{name}` on each of its own iterations (O(n²)): "
                    "count once with `collections.Counter` or a dict",
                    fix,
                )
            elif node.type == "comparison_operator":
                operators = [c.type for c in node.children if not c.is_named]
                container = node.named_children[-1]
                if (
                    operators in (["in"], ["not in"])
                    and ctx.text(container) == name
                    and kind_before(ctx, container, loop) not in _HASHED
                ):
                    yield Hit(
                        node,
                        f"Membership test against `{name}` inside a loop over `{name}` (O(n²))",
                    )


_HASHABLE_ELEMENT = re.compile(
    r"(?:typing\.)?(?:list|List|tuple|Tuple|Sequence|Iterable|Collection|Set|set|frozenset)"
    r"\[\s*(?:str|int|bytes|float|bool)\s*(?:,\s*\.\.\.\s*)?\]"
)


def _hashable_elements(ctx: Context, iterable: tree_sitter.Node, loop: tree_sitter.Node) -> bool:
    """Whether iterating `iterable` certainly yields hashable values: a string or bytes, or a
    name annotated as a collection of str, int, bytes, float or bool."""
    if kind_before(ctx, iterable, loop) in ("str", "bytes"):
        return True
    scope = enclosing_scope(loop)
    annotation = scope_bindings(ctx, scope).annotations.get(ctx.text(iterable))
    return annotation is not None and _HASHABLE_ELEMENT.fullmatch(annotation.strip()) is not None


def _counter_fix(ctx: Context, loop: tree_sitter.Node, call: tree_sitter.Node) -> Fix | None:
    """Count `xs` once before `for x in xs:` and read `call` (`xs.count(x)`) from the counts."""
    target = loop.child_by_field_name("left")
    iterable = loop.child_by_field_name("right")
    body = loop.child_by_field_name("body")
    args = call_args(call)
    if target is None or iterable is None or body is None or target.type != "identifier":
        return None
    element, name = ctx.text(target), ctx.text(iterable)
    if len(args) != 1 or args[0].type != "identifier" or ctx.text(args[0]) != element:
        return None  # `s.count("ab")` on a string counts substrings, not elements
    if not _hashable_elements(ctx, iterable, loop):
        return None
    facts = loop_facts(ctx, loop)
    if name in facts.mutated or {name, element} & rebound_in(ctx, body):
        return None
    indent = ctx.line_indent(loop)
    counts = fresh_name(ctx, f"{name}_counts")
    edits = [
        ctx.insert_before_line(loop, f"{indent}{counts} = collections.Counter({name})\n"),
        ctx.replace(call, f"{counts}[{element}]"),
    ]
    import_edit = add_import(ctx, "collections")
    if import_edit is not None:
        edits.append(import_edit)
    return ctx.fix(f"Count `{name}` once with `collections.Counter`", "unsafe", *edits)


RULE = Rule(
    code="ND306",
    name="quadratic-search-own-collection",
    summary="`xs.count` / `xs.index` / `in xs` inside `for x in xs` (quadratic)",
    doc=DOC,
    check=check,
    fix="unsafe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
