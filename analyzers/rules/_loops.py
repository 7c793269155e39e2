"""How often code runs: which loop repeats a node, and how many elements a loop can visit.

`loop_of` answers the question every "… in a loop" rule asks first. Three shapes inside a
loop's text are not repeated by it:

- the loop's `else` clause, and a `for` loop's iterable, run once;
- a statement followed, in its own block, by `break` runs at most once per run of the loop
  (followed by `return`: at most once per call of the function), unless a `try` body holds it
  (a handler may catch what it raises before the jump);
- a block behind a flag it clears first (`if first: first = False; …`) runs once per run of
  the loop, when the loop never sets the flag again; so does a block behind a first-time
  test of a name it sets (`if prefix is None: prefix = …`, `if not seen: seen = True`), when
  whatever the loop binds to that name passes the test no more (not `None`, not falsy);
- a block behind `if key == "literal":` in a loop over a mapping's keys or items runs once.
  `_run_once` recognises these and the jumps.

`scans_prefix` tells the loops that run code only until something first happens (the leading
blank lines of a block): rules whose saving is a fixed cost per run (ND305) skip them, rules
whose work grows with the data (a `pop(0)` per skipped element) do not.

A loop over a few elements fixed by the code (`range(3)`, a literal tuple) still repeats:
the work those rules flag grows with the data each iteration touches (a `pop(0)` shifts the
whole list), so three iterations are three times that work. Where the saving is per element
of the loop itself (a comprehension rewritten as `list(...)`), `runs_few_times` says when the
element count is fixed at no more than `SMALL_TRIP_COUNT`: the saving there is a fixed few
microseconds, below the smallest size `bench worth` measures. `bounded_local_length` bounds
a function's local list the same way, from its displays and a fixed number of appends.
"""

from __future__ import annotations

import bisect

import tree_sitter
from neurodebug.analyzers.expressions import DISPLAYS, literal_length

from ._run_once import (
    after_first_time_test,
    cleared_flag,
    ends_every_iteration,
    exit_after,
    first_time_guard,
    in_try_body,
    only_cleared,
    over_unique_keys,
    stays_set,
    unique_key_test,
)
from ._syntax import (
    COMPREHENSION_TYPES,
    climb,
    comprehension_repeats,
    enclosing_loop,
    enclosing_scope,
    is_parameter,
    is_store,
    walk,
)
from .base import Context

SMALL_TRIP_COUNT = 1_000
"""`bench worth` measures every rule from 10³ elements up; below that the saving is fixed."""

FEW_ELEMENTS = (
    "Not reported over a collection the code fixes at 1,000 elements or fewer (`range(10)`, a "
    "literal tuple): there the change saves a fixed few microseconds."
)
"""The sentence the docs of rules that skip `runs_few_times` loops add to "What it finds"."""

_SAME_LENGTH = frozenset({"enumerate", "reversed", "sorted", "list", "tuple", "iter"})
_AT_MOST_LENGTH = frozenset({"set", "frozenset", "dict", "filter"})


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
    """`repeating_loop`, skipping the walk up the tree for nodes outside every loop, and
    remembered per node (several rules ask about the same call)."""
    if not maybe_in_loop(ctx, node):
        return None
    key = f"repeating-loop:{node.id}"
    if key not in ctx.cache:
        ctx.cache[key] = repeating_loop(ctx, node)
    found = ctx.cache[key]
    return found if isinstance(found, tree_sitter.Node) else None


def repeating_loop(ctx: Context, node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The innermost loop that runs `node` again and again, within the same function, or None.

    A `for` loop's iterable is evaluated once, so it belongs to the next loop out; a
    comprehension's element and condition count as a loop of their own (returned too). Unlike
    `_syntax.enclosing_loop` (which loop's next iteration sees a name), this passes over a
    loop that runs `node` at most once (the shapes the module docstring lists).
    """
    leaves_loop = False  # a `break` after `node` ends the innermost loop around it
    flag: str | None = None  # `if first: first = False; …` runs once unless the loop resets it
    unset: tuple[str, str] | None = None  # `if x is None: x = …`: the name and its test
    key: str | None = None  # `if key == "x":` passes once in a loop over distinct keys
    in_try: bool | None = None  # a handler may catch what `node` raises, skip the jump, loop
    for child, parent in climb(node):
        kind = parent.type
        if kind == "block" and not leaves_loop:
            jump = exit_after(child)
            if jump is not None and in_try is None:
                in_try = in_try_body(node)
            if jump == "return" and not in_try:
                return None
            leaves_loop = jump == "break" and not in_try
        elif kind == "if_statement" and not leaves_loop and flag is None and unset is None:
            flag = cleared_flag(parent, child)
            unset = None if flag is not None else first_time_guard(ctx, parent, child, node)
            key = key or unique_key_test(ctx, parent, child)
        elif kind == "elif_clause" and not leaves_loop:
            key = key or unique_key_test(ctx, parent, child)
        elif kind in ("for_statement", "while_statement"):
            repeats = child.type != "else_clause" and child != parent.child_by_field_name("right")
            once = (
                leaves_loop
                or (flag is not None and only_cleared(parent, flag))
                or (unset is not None and stays_set(ctx, parent, *unset))
                or (key is not None and over_unique_keys(ctx, parent, key))
            )
            if repeats and once:
                leaves_loop, flag, unset, key = False, None, None, None
            elif repeats:
                return parent
        elif kind in COMPREHENSION_TYPES and comprehension_repeats(parent, child):
            return parent
    return None


def scans_prefix(ctx: Context, node: tree_sitter.Node, loop: tree_sitter.Node) -> bool:
    """Whether `loop` runs `node` only until something first happens: its body ends in
    `break`, `return` or `raise` (it repeats only for what a `continue` skips), or `node` is
    a test `and`-ed after a first-time test of a name the block sets and the loop keeps set
    (`if indent is None and re.match(p, line): indent = …`)."""
    if ends_every_iteration(loop):
        return True
    for child, parent in climb(node):
        if parent == loop:
            break
        if parent.type == "if_statement" and child == parent.child_by_field_name("condition"):
            unset = after_first_time_test(ctx, parent, node)
            if unset is not None and stays_set(ctx, loop, *unset):
                return True
    return False


def runs_few_times(ctx: Context, loop: tree_sitter.Node) -> bool:
    """A `for` loop or comprehension over at most `SMALL_TRIP_COUNT` elements fixed by the code."""
    if loop.type == "for_statement":
        right = loop.child_by_field_name("right")
        count = fixed_length(ctx, right) if right is not None else None
        return count is not None and count <= SMALL_TRIP_COUNT
    if loop.type not in COMPREHENSION_TYPES:
        return False
    total = 1
    for clause in loop.named_children:
        if clause.type != "for_in_clause":
            continue
        right = clause.child_by_field_name("right")
        count = fixed_length(ctx, right) if right is not None else None
        if count is None:
            return False
        total *= count
    return total <= SMALL_TRIP_COUNT


def fixed_length(ctx: Context, node: tree_sitter.Node) -> int | None:
    """How many elements iterating `node` yields (at most), when the source fixes it: a
    literal display or string, `range` of integer literals, a local list only ever bound to
    displays and grown a fixed number of times (`bounded_local_length`), and `zip`,
    `enumerate`, … of those. None when the size depends on anything the code does not spell out."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type == "identifier":
        return bounded_local_length(ctx, node)
    literal = literal_length(node)
    if literal is not None or node.type != "call":
        return literal
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or function.type != "identifier" or arguments is None:
        return None
    name = (function.text or b"").decode()
    children = [child for child in arguments.named_children if child.type != "comment"]
    if any(child.type in ("list_splat", "dictionary_splat") for child in children):
        return None
    args = [child for child in children if child.type != "keyword_argument"]
    lengths = [fixed_length(ctx, arg) for arg in args]
    if name == "zip" and args:
        known = [length for length in lengths if length is not None]
        return min(known) if known else None  # zip stops at its shortest argument
    if len(args) == 1 and (name in _SAME_LENGTH or name in _AT_MOST_LENGTH):
        return lengths[0]
    return None


_GROWS_BY_ONE = frozenset({"append", "insert", "add", "appendleft"})
_KEEPS_OR_SHRINKS = frozenset({"index", "count", "copy", "pop", "remove", "clear", "discard"})


def bounded_local_length(ctx: Context, name: tree_sitter.Node) -> int | None:
    """The most elements a function's local list (or set, tuple) `name` can hold, when every
    use is visible and fixed: each binding is a display, each growth one `append`/`add`
    outside loops or in loops over fixed counts, and the name is otherwise only read
    (iterated, tested, indexed, `len`). None as soon as it is a parameter, escapes into a
    call, or is grown in a loop whose count the code does not fix.

    `layouts = [bounds]` / `if tight: layouts.append(tightened)` / `for layout in layouts:`
    runs at most twice, whatever the input."""
    scope = enclosing_scope(name)
    if scope.type != "function_definition":
        return None  # module and class attributes can be changed from anywhere
    key = f"bounded-length:{scope.id}:{ctx.text(name)}"
    if key not in ctx.cache:
        ctx.cache[key] = None  # a list whose bound depends on itself has none
        ctx.cache[key] = _bounded_length_in(ctx, scope, ctx.text(name))
    cached = ctx.cache[key]
    return cached if isinstance(cached, int) else None


def _bounded_length_in(ctx: Context, function: tree_sitter.Node, name: str) -> int | None:
    body = function.child_by_field_name("body")
    if body is None or is_parameter(ctx, function, name):
        return None
    longest, grown = -1, 0
    for node in walk(body, into_scopes=True):
        if node.type != "identifier" or ctx.text(node) != name:
            continue
        use = _use_of(ctx, node, function)
        if use is None:
            return None
        if use == "grow":
            times = _runs_at_most(ctx, node)
            if times is None:
                return None
            grown += times
        elif isinstance(use, int):
            longest = max(longest, use)
    return longest + grown if longest >= 0 else None


def _runs_at_most(ctx: Context, node: tree_sitter.Node) -> int | None:
    """How many times one call of the function runs `node`: the product of the element counts
    of the `for` loops around it, when each is fixed (`fixed_length`); None inside any other
    loop or comprehension."""
    times = 1
    loop = enclosing_loop(node)
    while loop is not None:
        right = loop.child_by_field_name("right") if loop.type == "for_statement" else None
        count = fixed_length(ctx, right) if right is not None else None
        if count is None:
            return None
        times *= count
        loop = enclosing_loop(loop)
    return times


def _use_of(ctx: Context, node: tree_sitter.Node, function: tree_sitter.Node) -> int | str | None:
    """How `node` (the list's name) is used: a binding's length, "grow", "read", or None."""
    parent = node.parent
    if parent is None or enclosing_scope(node) != function:
        return None
    if parent.type == "assignment" and parent.child_by_field_name("left") == node:
        right = parent.child_by_field_name("right")
        if right is None or right.type not in DISPLAYS:
            return None
        return fixed_length(ctx, right)
    if parent.type == "attribute" and parent.child_by_field_name("object") == node:
        call = parent.parent
        method = parent.child_by_field_name("attribute")
        if call is None or call.type != "call" or method is None:
            return None
        if ctx.text(method) in _KEEPS_OR_SHRINKS:
            return "read"
        if ctx.text(method) in _GROWS_BY_ONE:
            return "grow"
        return None
    if (
        parent.type in ("for_statement", "for_in_clause")
        and parent.child_by_field_name("right") == node
    ):
        return "read"
    if parent.type == "comparison_operator" and node == parent.named_children[-1]:
        return "read"
    if parent.type == "return_statement":
        return "read"  # handed out as the function ends: no later use here can grow it
    if parent.type == "subscript" and parent.child_by_field_name("value") == node:
        return None if is_store(parent) else "read"
    call = parent.parent if parent.type == "argument_list" else None
    callee = call.child_by_field_name("function") if call is not None else None
    if callee is not None and ctx.text(callee) == "len" and parent.named_child_count == 1:
        return "read"
    return None
