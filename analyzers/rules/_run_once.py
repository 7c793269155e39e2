"""Code inside a loop that runs at most once per run of the loop (see `_loops.repeating_loop`).

- a statement followed, in its own block, by `break` or `return` (`exit_after`), unless a `try`
  body holds it (`in_try_body`: a handler may catch what it raises before the jump);
- a block behind a flag it clears first (`if first: first = False; …`: `cleared_flag`), when the
  loop never sets the flag again (`only_cleared`);
- a block behind a first-time test of a name it sets (`if prefix is None: prefix = …`, `if not
  seen: seen = True`: `first_time_guard`), when whatever the loop binds to that name passes the
  test no more (`stays_set`: not `None`, not falsy);
- a block behind an equality test of a mapping's key against a literal (`for key, value in
  meta.items(): if key == "keywords": …`: `unique_key_test`, `over_unique_keys`): a mapping's
  keys are distinct, so at most one iteration passes.

Two more shapes run until something first happens rather than once (`_loops.scans_prefix`):
real code uses them to scan a short prefix (the leading blank lines of a block), and the
independent reviews of the rules' findings judged every ND305 finding in them not worth it:
- a test `and`-ed after a first-time test (`if indent is None and re.match(p, line): indent =
  …`: `after_first_time_test`) runs until the block first runs;
- a loop whose body ends in `break`, `return` or `raise` (`ends_every_iteration`) repeats only
  for the elements a `continue` skips.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import tree_sitter

from ._syntax import SCOPE_TYPES, climb, enclosing_scope, is_async, target_names, unparen, walk
from .base import Context

_FALSY = frozenset({"False", "None", "0"})


def cleared_flag(branch: tree_sitter.Node, block: tree_sitter.Node) -> str | None:
    """`flag` when `block` is the body of `if flag:` and clears it (`flag = False`) before
    anything else can run twice; else None."""
    condition = branch.child_by_field_name("condition")
    if block != branch.child_by_field_name("consequence") or condition is None:
        return None
    if condition.type != "identifier":
        return None
    name = (condition.text or b"").decode()
    first = block.named_children[0] if block.named_children else None
    return name if first is not None and _clears(first, name) else None


def _clears(statement: tree_sitter.Node, name: str) -> bool:
    """`name = False` (or `None`, `0`) as a whole statement."""
    assignment = statement.named_children[0] if statement.named_children else None
    if statement.type != "expression_statement" or assignment is None:
        return False
    left = assignment.child_by_field_name("left")
    right = assignment.child_by_field_name("right")
    return (
        assignment.type == "assignment"
        and left is not None
        and right is not None
        and (left.text or b"").decode() == name
        and (right.text or b"").decode() in _FALSY
    )


def only_cleared(loop: tree_sitter.Node, name: str) -> bool:
    """Whether every binding of `name` inside `loop` clears it (so once cleared it stays)."""
    for node in [loop, *walk(loop)]:  # the loop's own target too
        if node.type in ("assignment", "augmented_assignment", "named_expression"):
            target = node.child_by_field_name("left") or node.child_by_field_name("name")
            if target is not None and name in (target.text or b"").decode():
                statement = node.parent
                if statement is None or not _clears(statement, name):
                    return False
        elif node.type == "for_statement" or node.type == "for_in_clause":
            target = node.child_by_field_name("left")
            if target is not None and name in (target.text or b"").decode():
                return False
    return True


def _conjuncts(condition: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The operands of an `and` chain (`a and (b and c)` gives a, b, c); else the condition."""
    condition = unparen(condition)
    operator = condition.child_by_field_name("operator")
    if condition.type == "boolean_operator" and operator is not None and operator.type == "and":
        for side in ("left", "right"):
            operand = condition.child_by_field_name(side)
            if operand is not None:
                yield from _conjuncts(operand)
    else:
        yield condition


def first_time_guard(
    ctx: Context, branch: tree_sitter.Node, block: tree_sitter.Node, node: tree_sitter.Node
) -> tuple[str, str] | None:
    """(name, "none" or "falsy") when `block` is the body of `if name is None:` (or `if not
    name:`, either possibly `and`-ed with more tests) and sets `name` on every run that
    reaches `node`: a whole statement `name = value` of the block itself, with no `continue`
    before it, whose value passes the test no more (`_sets`). A `try` body around `node` may
    catch what it raises before that assignment, so there `node` must come after it."""
    condition = branch.child_by_field_name("condition")
    if block != branch.child_by_field_name("consequence") or condition is None:
        return None
    for test in _conjuncts(condition):
        name, how = _tested_name(ctx, test)
        if name is None:
            continue
        for statement in block.named_children:
            if _may_continue(statement):
                break
            value = _value_bound(ctx, statement, name)
            if value is None:
                continue
            if _sets(ctx, value, how) and (
                statement.end_byte <= node.start_byte or not in_try_body(node)
            ):
                return name, how
            break
    return None


def _value_bound(ctx: Context, statement: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    """`value` when `statement` is the whole statement `name = value`."""
    assignment = statement.named_children[0] if statement.named_children else None
    if statement.type != "expression_statement" or assignment is None:
        return None
    left = assignment.child_by_field_name("left")
    if assignment.type != "assignment" or left is None or left.type != "identifier":
        return None
    return assignment.child_by_field_name("right") if ctx.text(left) == name else None


def _tested_name(ctx: Context, test: tree_sitter.Node) -> tuple[str | None, str]:
    """("x", "none") for `x is None`, ("x", "falsy") for `not x`, else (None, "")."""
    operands = test.named_children
    operators = [child.type for child in test.children if not child.is_named]
    if (
        test.type == "comparison_operator"
        and operators == ["is"]
        and len(operands) == 2
        and operands[0].type == "identifier"
        and operands[1].type == "none"
    ):
        return ctx.text(operands[0]), "none"
    argument = test.child_by_field_name("argument")
    if test.type == "not_operator" and argument is not None:
        argument = unparen(argument)
        if argument.type == "identifier":
            return ctx.text(argument), "falsy"
    return None, ""


_MAY_RETURN_NONE = frozenset({"match", "search", "fullmatch", "get", "getattr", "next", "pop"})
"""Calls that answer None on a miss: `m = re.match(…)` under `if m is None:` runs until a
line matches, not once."""

_NEVER_NONE = frozenset(
    {
        "string",
        "concatenated_string",
        "integer",
        "float",
        "true",
        "false",
        "list",
        "tuple",
        "set",
        "dictionary",
        "list_comprehension",
        "set_comprehension",
        "dictionary_comprehension",
        "generator_expression",
        "comparison_operator",
        "not_operator",
        "binary_operator",
        "unary_operator",
        "lambda",
    }
)
"""Expressions that never evaluate to None (whether true or false)."""


def _sets(ctx: Context, value: tree_sitter.Node, how: str) -> bool:
    """Whether binding `value` certainly makes the test `how` false ("none": `x is None`,
    "falsy": `not x`).

    Not None: a literal, display or operator expression, or a call, except those that answer
    None on a miss (`re.match`, `d.get`, `next(it, None)`) and functions of this file that
    may return None; a name or attribute may hold None. True: only a literal (`True`, a
    non-zero number, a non-empty string or display)."""
    value = unparen(value)
    if how == "falsy":
        if value.type in ("list", "tuple", "set", "dictionary"):
            return any(child.type != "comment" for child in value.named_children)
        if value.type in ("true", "lambda"):
            return True
        if value.type in ("integer", "float", "string", "concatenated_string"):
            try:
                return bool(ast.literal_eval(ctx.text(value)))
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return False  # an f-string: its text decides
        return False
    if value.type in _NEVER_NONE:
        return True
    if value.type == "conditional_expression":
        operands = value.named_children
        return len(operands) == 3 and all(_sets(ctx, o, how) for o in (operands[0], operands[2]))
    if value.type == "boolean_operator":
        left = value.child_by_field_name("left")
        right = value.child_by_field_name("right")
        operator = value.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return False
        return _sets(ctx, right, how) and (operator.type == "or" or _sets(ctx, left, how))
    function = value.child_by_field_name("function") if value.type == "call" else None
    if function is not None and function.type == "attribute":
        function = function.child_by_field_name("attribute")
    if function is None or function.type != "identifier":
        return False  # a name, an attribute, an item, `await`, `yield`: may hold None
    callee = ctx.text(function)
    return callee not in _MAY_RETURN_NONE and not _may_return_none(ctx, callee)


def _may_return_none(ctx: Context, name: str) -> bool:
    """Whether a function or method of this file named `name` may return None: it has a
    bare `return` or `return None`, or its body may end without a `return` or `raise`
    (generators return a generator). Unseen functions are taken to return a value."""
    key = f"may-return-none:{name}"
    if key not in ctx.cache:
        ctx.cache[key] = any(
            _returns_none(definition)
            for definition in ctx.of_type("function_definition")
            if (found := definition.child_by_field_name("name")) is not None
            and ctx.text(found) == name
        )
    return bool(ctx.cache[key])


def _returns_none(function: tree_sitter.Node) -> bool:
    """Whether one function may return None (see `_may_return_none`)."""
    body = function.child_by_field_name("body")
    if body is None or not body.named_children:
        return True
    if is_async(function):
        return False  # a call makes a coroutine
    returns = []
    for node in walk(body):
        if node.type == "yield":
            return False  # a call makes a generator
        if node.type == "return_statement":
            returns.append(node)
    if any(not r.named_children or r.named_children[0].type == "none" for r in returns):
        return True
    return body.named_children[-1].type not in ("return_statement", "raise_statement")


def stays_set(ctx: Context, loop: tree_sitter.Node, name: str, how: str) -> bool:
    """Whether every binding of `name` inside `loop` keeps the name set (`_sets`), and
    nothing else can unset it: no `del`, loop target, `as`, `def`, import or `case` binding
    it in the loop, and no `global`/`nonlocal` naming it anywhere in its function."""
    for node in [loop, *walk(loop)]:  # the loop's own target too
        kind = node.type
        if kind in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
            target = node.child_by_field_name("left")
            names = set(target_names(target)) if target is not None else set()
        elif kind == "named_expression":
            target = node.child_by_field_name("name")
            names = {ctx.text(target)} if target is not None else set()
        elif kind in ("as_pattern_target", "delete_statement"):
            target = node
            names = {bound for child in node.named_children for bound in target_names(child)}
        elif kind in ("function_definition", "class_definition"):
            target = node.child_by_field_name("name")
            names = {ctx.text(target)} if target is not None else set()
        elif kind in ("case_pattern", "import_statement", "import_from_statement"):
            target = node  # conservatively: any name in it
            names = {ctx.text(n) for n in walk(node) if n.type == "identifier"}
        else:
            continue
        if name not in names:
            continue
        if kind == "augmented_assignment" and how == "none":
            continue  # `x += …` leaves a value, not None
        value = node.child_by_field_name("right" if kind == "assignment" else "value")
        simple = (
            kind in ("assignment", "named_expression")
            and target is not None
            and target.type == "identifier"
        )
        if not simple or value is None or not _sets(ctx, value, how):
            return False
    return name not in _declared_shared(ctx, enclosing_scope(loop))


def _declared_shared(ctx: Context, scope: tree_sitter.Node) -> set[str]:
    """Names a `global` or `nonlocal` statement in `scope` (or a scope inside it) names:
    other code may rebind them whenever the loop calls it."""
    key = f"declared-shared:{scope.id}"
    cached = ctx.cache.get(key)
    if isinstance(cached, set):
        return cached
    names = {
        ctx.text(child)
        for node in walk(scope, into_scopes=True)
        if node.type in ("global_statement", "nonlocal_statement")
        for child in node.named_children
        if child.type == "identifier"
    }
    ctx.cache[key] = names
    return names


def exit_after(statement: tree_sitter.Node) -> str | None:
    """ "break" or "return" when a later statement of `statement`'s block always runs that
    jump (no `continue` in between can skip it), else None."""
    between: list[tree_sitter.Node] = []
    sibling = statement.next_named_sibling
    while sibling is not None:
        if sibling.type in ("break_statement", "return_statement"):
            if any(_may_continue(passed) for passed in between):
                return None
            return "break" if sibling.type == "break_statement" else "return"
        between.append(sibling)
        sibling = sibling.next_named_sibling
    return None


def _may_continue(statement: tree_sitter.Node) -> bool:
    """Whether `statement` holds a `continue` of the loop around it (not of a nested loop)."""
    stack = [statement]
    while stack:
        node = stack.pop()
        if node.type == "continue_statement":
            return True
        if node.type not in ("for_statement", "while_statement", *SCOPE_TYPES):
            stack.extend(node.named_children)
    return False


def in_try_body(node: tree_sitter.Node) -> bool:
    """Whether a `try` block of the same function holds `node` (its handlers may catch what
    `node` raises and let the loop run it again)."""
    return any(
        parent.type == "try_statement" and child == parent.child_by_field_name("body")
        for child, parent in climb(node)
    )


def after_first_time_test(
    ctx: Context, branch: tree_sitter.Node, node: tree_sitter.Node
) -> tuple[str, str] | None:
    """(name, how) when `node` sits in `branch`'s condition after a first-time test of `name`
    that the block sets (`first_time_guard`): once the block has run, the `and` stops before
    `node`."""
    condition = branch.child_by_field_name("condition")
    block = branch.child_by_field_name("consequence")
    if condition is None or block is None:
        return None
    found = first_time_guard(ctx, branch, block, node)
    if found is None:
        return None
    for test in _conjuncts(condition):
        if test.start_byte <= node.start_byte < test.end_byte:
            return None  # `node`'s own test comes first: it runs every time
        if _tested_name(ctx, test)[0] == found[0]:
            return found
    return None


def unique_key_test(ctx: Context, branch: tree_sitter.Node, block: tree_sitter.Node) -> str | None:
    """`key` when `block` is the body of `if key == <literal>:` (or `elif`, or the literal
    first), else None."""
    condition = branch.child_by_field_name("condition")
    if block != branch.child_by_field_name("consequence") or condition is None:
        return None
    condition = unparen(condition)
    operands = condition.named_children
    operators = [child.type for child in condition.children if not child.is_named]
    if condition.type != "comparison_operator" or operators != ["=="] or len(operands) != 2:
        return None
    literals = ("string", "integer", "float", "true", "false", "none")
    for name, other in (operands, operands[::-1]):
        if name.type == "identifier" and other.type in literals:
            return ctx.text(name)
    return None


def over_unique_keys(ctx: Context, loop: tree_sitter.Node, key: str) -> bool:
    """Whether `loop` is `for key in m.keys()` or `for key, … in m.items()` and binds `key`
    nowhere else: each key comes once, so `if key == "x":` passes at most once per run."""
    target = loop.child_by_field_name("left")
    iterable = loop.child_by_field_name("right")
    if loop.type != "for_statement" or target is None or iterable is None:
        return False
    function = iterable.child_by_field_name("function") if iterable.type == "call" else None
    method = function.child_by_field_name("attribute") if function is not None else None
    if function is None or function.type != "attribute" or method is None:
        return False
    target = unparen(target)
    if ctx.text(method) == "keys":
        first = target
    elif ctx.text(method) == "items" and target.type in ("pattern_list", "tuple_pattern"):
        first = target.named_children[0] if target.named_children else target
    else:
        return False
    if first.type != "identifier" or ctx.text(first) != key:
        return False
    body = loop.child_by_field_name("body")
    return body is not None and key not in {
        name for node in walk(body) for name in _bound_by(ctx, node)
    }


def _bound_by(ctx: Context, node: tree_sitter.Node) -> set[str]:
    """Names `node` binds, conservatively (any identifier of a target, pattern or import)."""
    if node.type in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
        target = node.child_by_field_name("left")
    elif node.type == "named_expression":
        target = node.child_by_field_name("name")
    elif node.type in ("as_pattern_target", "delete_statement", "case_pattern") or node.type in (
        "global_statement",
        "nonlocal_statement",
        "import_from_statement",
    ):
        target = node
    else:
        return set()
    if target is None:
        return set()
    return {ctx.text(n) for n in [target, *walk(target)] if n.type == "identifier"}


def ends_every_iteration(loop: tree_sitter.Node) -> bool:
    """Whether `loop`'s body ends in `break`, `return` or `raise`: it repeats only through a
    `continue`."""
    body = loop.child_by_field_name("body")
    statements = [c for c in body.named_children if c.type != "comment"] if body else []
    return bool(statements) and statements[-1].type in (
        "break_statement",
        "return_statement",
        "raise_statement",
    )
