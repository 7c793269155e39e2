"""ND307: nested loops that join two collections on equality → a dict index."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._dependence import loop_facts
from ._kinds import kind_before
from ._syntax import (
    base_name,
    enclosing_scope,
    fresh_name,
    names_read,
    single_body,
    target_names,
    walk,
)
from .base import Context, Fix, Hit, Rule, make_doc

DOC = make_doc(
    "`for a in A: for b in B: if key(a) == key(b): …` where one side of `==` reads only the "
    "outer loop's variables and the other only the inner loop's.",
    "Every pair is compared: O(len(A)·len(B)). Indexing `B` by its key in a dict once makes "
    "the join O(len(A) + len(B)).",
    "for sku, qty in stock:\n    for cat_sku, category in catalogue:\n        if sku == cat_sku:\n"
    "            rows.append((sku, category, qty))",
    "by_sku = {}\nfor cat_sku, category in catalogue:\n    by_sku.setdefault(cat_sku, []).append(category)\n"
    "for sku, qty in stock:\n    for category in by_sku.get(sku, ()):\n        rows.append((sku, category, qty))",
    "Unsafe fix where the inner collection is a name (or attribute) that holds a list, tuple, "
    "set, dict or string when the loops start and that the outer loop neither rebinds nor "
    "visibly changes, both keys are plain names, attributes, subscripts or literals (no "
    "calls), and the inner loop's target is a name or a tuple of names used nowhere else in "
    "the function (the index is built with the same names). It indexes the inner "
    "collection once before the outer loop (`catalogue_by_cat_sku = {}` and a `setdefault` "
    "loop) and makes the inner loop iterate `catalogue_by_cat_sku.get(sku, ())`, keeping the "
    "`if` as it was: the same pairs pass in the same order. Unsafe because the keys must be "
    "hashable and hash consistently with `==`, and a function the loop calls could change "
    "the collection out of sight.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for inner in ctx.of_type("for_statement"):
        block = inner.parent
        outer = block.parent if block is not None else None
        if outer is None or outer.type != "for_statement":
            continue
        shape = single_body(inner)
        if shape is None or shape[1] is None:
            continue
        condition = shape[1]
        operators = [c.type for c in condition.children if not c.is_named]
        if condition.type != "comparison_operator" or operators != ["=="]:
            continue
        outer_left = outer.child_by_field_name("left")
        inner_left = inner.child_by_field_name("left")
        inner_right = inner.child_by_field_name("right")
        if outer_left is None or inner_left is None or inner_right is None:
            continue
        outer_vars = set(target_names(outer_left))
        inner_vars = set(target_names(inner_left))
        if outer_vars & names_read(inner_right):
            continue  # the inner collection depends on the outer element: not a join
        operands = condition.named_children
        if len(operands) != 2:  # an error-recovered comparison (found by fuzzing)
            continue
        left, right = operands
        sides = (names_read(left), names_read(right))
        for one, other in (sides, sides[::-1]):
            outer_side = bool(one & outer_vars) and not one & inner_vars
            inner_side = bool(other & inner_vars) and not other & outer_vars
            if outer_side and inner_side:
                outer_key, inner_key = (left, right) if one is sides[0] else (right, left)
                yield Hit(
                    inner,
                    "Nested loops join two collections on `==` (O(n·m)): index the inner "
                    "one in a dict first",
                    _index_fix(ctx, outer, inner, outer_key, inner_key),
                )
                break


_PLAIN_KEY = frozenset(
    {"identifier", "attribute", "subscript", "integer", "string", "true", "false", "none"}
)
_TUPLE_TARGETS = frozenset({"pattern_list", "tuple_pattern", "list_pattern"})


def _plain(node: tree_sitter.Node) -> bool:
    """Names, attributes, subscripts and literals only: evaluating it calls nothing."""
    return all(n.type in _PLAIN_KEY or n.type.startswith("string_") for n in [node, *walk(node)])


def _used_outside(ctx: Context, loop: tree_sitter.Node, names: set[str]) -> bool:
    """Whether any of `names` occurs in `loop`'s function (or module) outside `loop`."""
    scope = enclosing_scope(loop)
    return any(
        node.type == "identifier"
        and ctx.text(node) in names
        and not loop.start_byte <= node.start_byte < loop.end_byte
        for node in walk(scope, into_scopes=True)
    )


def _index_fix(
    ctx: Context,
    outer: tree_sitter.Node,
    inner: tree_sitter.Node,
    outer_key: tree_sitter.Node,
    inner_key: tree_sitter.Node,
) -> Fix | None:
    """Index the inner collection by its key before the outer loop; iterate the matches."""
    target = inner.child_by_field_name("left")
    collection = inner.child_by_field_name("right")
    if target is None or collection is None or collection.type not in ("identifier", "attribute"):
        return None
    if target.type != "identifier" and not (
        target.type in _TUPLE_TARGETS
        and all(part.type == "identifier" for part in target.named_children)
    ):
        return None
    if not (_plain(outer_key) and _plain(inner_key)):
        return None
    if _used_outside(ctx, inner, set(target_names(target))):
        return None  # the index loop binds them before the outer loop starts
    base = base_name(collection)
    facts = loop_facts(ctx, outer)
    if base is None or base in facts.assigned or base in facts.mutated:
        return None
    if kind_before(ctx, collection, outer) not in ("list", "tuple", "set", "dict", "str"):
        return None  # an iterator would be used up by the first outer element
    indent = ctx.line_indent(outer)
    key_words = [w for w in ctx.text(inner_key).replace(".", " ").split() if w.isidentifier()]
    index = fresh_name(
        ctx, f"{ctx.text(collection).split('.')[-1]}_by_{key_words[-1] if key_words else 'key'}"
    )
    element = ctx.text(target)
    item = element if target.type == "identifier" else f"({element.strip('()[]')})"
    building = (
        f"{indent}{index} = {{}}\n"
        f"{indent}for {element} in {ctx.text(collection)}:\n"
        f"{indent}    {index}.setdefault({ctx.text(inner_key)}, []).append({item})\n"
    )
    return ctx.fix(
        f"Index `{ctx.text(collection)}` by its key in a dict before the loops",
        "unsafe",
        ctx.insert_before_line(outer, building),
        ctx.replace(collection, f"{index}.get({ctx.text(outer_key)}, ())"),
    )


RULE = Rule(
    code="ND307",
    name="nested-loop-join",
    summary="nested loops joining two collections on `==` → dict index",
    doc=DOC,
    check=check,
    fix="unsafe",
    dataflow=True,
)
