"""ND302: `x in some_list` inside a loop → a set built once (quadratic membership)."""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from ._dependence import aliased_in_scope, grown_in, loop_facts
from ._kinds import binding_values, known_kind
from ._loops import bounded_local_length, loop_of
from ._syntax import enclosing_scope, fresh_name, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A membership test `x in xs` / `x not in xs` inside a loop or comprehension, where `xs` is a name bound to "
    "a list or tuple (by its literal, constructor or annotation). Not reported when `xs` holds "
    "at most five elements by its code: a display of five constants, or a local list the "
    "function grows only a fixed number of times.",
    "A list membership test scans the list: O(len(xs)) per test, so O(n·m) for the loop. A "
    "set answers in O(1). When the loop itself grows the list (`visited.append(...)`), keep a "
    "set alongside it instead.",
    "for word in words:\n    if word not in STOP_WORDS:\n        kept.append(word)",
    "stop_words = set(STOP_WORDS)\nfor word in words:\n    if word not in stop_words:\n"
    "        kept.append(word)",
    "Unsafe: `set(xs)` needs hashable elements and compares by hash and `==` rather than by "
    "`==` alone. Offered only when the loop does not change `xs`; otherwise no fix.",
)


SMALL = 5
"""Lists this short are not worth a set: a scan is as fast as hashing. Displays of constants
or names are counted as written; a local list grown only a fixed number of times, by the
most it can hold (`bounded_local_length`)."""


_CHEAP_ITEMS = ("string", "integer", "float", "true", "false", "none", "identifier", "attribute")


def _small_constant_literal(value: tree_sitter.Node) -> bool:
    """A display of at most SMALL constants or (dotted) names, e.g. `(T.Hint, T.Comment)`."""
    items = value.named_children
    return (
        value.type in ("list", "tuple")
        and 0 < len(items) <= SMALL
        and all(item.type in _CHEAP_ITEMS for item in items)
    )


def _in_type_error_handler(ctx: Context, node: tree_sitter.Node, loop: tree_sitter.Node) -> bool:
    """Inside `except TypeError:` within the loop: the fallback for unhashable items, where a
    set is exactly what failed (more-itertools' `unique_everseen` keeps a list there)."""
    ancestor = node.parent
    while ancestor is not None and ancestor != loop:
        if ancestor.type == "except_clause" and "TypeError" in ctx.text(ancestor).split(":", 1)[0]:
            return True
        ancestor = ancestor.parent
    return False


def hoisting_point(loop: tree_sitter.Node) -> tree_sitter.Node | None:
    """The statement before which a value used by `loop` can be computed once.

    A loop statement is its own point. A comprehension's is the statement holding it, unless
    that is a `while` (whose condition re-runs) or a function/lambda boundary lies between.
    """
    if loop.type in ("for_statement", "while_statement"):
        return loop
    node = loop
    while node.parent is not None and node.parent.type not in ("block", "module"):
        node = node.parent
        if node.type in ("lambda", "function_definition", "class_definition", "while_statement"):
            return None
    return node if node.parent is not None else None


def check(ctx: Context) -> Iterator[Hit]:
    done: set[tuple[int, str]] = set()
    for comparison in ctx.of_type("comparison_operator"):
        operators = [c.type for c in comparison.children if not c.is_named]
        if operators not in (["in"], ["not in"]) or comparison.named_child_count != 2:
            continue
        container = comparison.named_children[1]
        if container.type != "identifier":
            continue
        loop = loop_of(ctx, comparison)
        if loop is None:
            continue
        if known_kind(ctx, container) not in ("list", "tuple"):
            continue
        if _in_type_error_handler(ctx, comparison, loop):
            continue
        name = ctx.text(container)
        facts = loop_facts(ctx, loop)
        if name in facts.assigned:
            continue
        bound = bounded_local_length(ctx, container)
        if bound is not None and bound <= SMALL:
            continue  # `bases = []` grown by at most a handful of appends: a scan is as fast
        grows_unseen = facts.calls_unknown and aliased_in_scope(
            ctx, enclosing_scope(container), name
        )
        if name in facts.mutated or grows_unseen:
            change = "grows" if name in grown_in(ctx, loop, item_stores=False) else "changes"
            yield Hit(
                container,
                f"`{operators[0]} {name}` scans a list that the loop {change}: keep a set "
                "alongside",
            )
            continue
        values = binding_values(ctx, container)
        if values and all(_small_constant_literal(v) for v in values):
            continue  # a handful of constants: a scan is as fast as hashing
        if (loop.id, name) in done:
            continue
        done.add((loop.id, name))
        new_name = fresh_name(ctx, f"{name.lower()}_set")
        uses = [
            node
            for node in walk(loop)
            if node.type == "identifier"
            and ctx.text(node) == name
            and node.parent is not None
            and node.parent.type == "comparison_operator"
            and node == node.parent.named_children[-1]
        ]
        anchor = hoisting_point(loop)
        fix = None
        if anchor is not None:
            line = f"{ctx.line_indent(anchor)}{new_name} = set({name})\n"
            edits = [ctx.insert_before_line(anchor, line)]
            edits.extend(ctx.replace(use, new_name) for use in uses)
            fix = ctx.fix(
                f"Test membership against a set built once from `{name}`", "unsafe", *edits
            )
        yield Hit(
            container, f"`{operators[0]} {name}` scans a list on every iteration: use a set", fix
        )


RULE = Rule(
    code="ND302",
    name="membership-in-list-in-loop",
    summary="`x in list` inside a loop (quadratic) → set built once",
    doc=DOC,
    check=check,
    equivalents=("PLR6201", "R6201"),
    fix="unsafe",
    dataflow=True,
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
