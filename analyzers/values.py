"""The values constant propagation knows, and how expressions and `match` patterns compute
them without running anything (`constants` runs the analysis over a function's graph).

What is known: ints, bools, `None`, strings, bytes and tuples of them (a tuple's items may be
unknown: `(0, a)` is a pair whose first item is 0), and lists and dicts made by a display in the
function (`Container`: their length), through arithmetic, comparison, boolean and conditional
expressions, `len`, subscripts and slices. Anything else (a call, an attribute, a float) is
`UNKNOWN`. Every operation is Python's own on the builtin values, inside size limits, so a
folded value is the one a run computes; an operation that would raise is unknown instead.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

UNKNOWN: object = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN"})()
"""Not a constant (the lattice's bottom); also an element of a partly known tuple."""

SHADOWED = "<shadowed>"
"""In an environment: the builtins this module folds (`len`, `range`) that the function binds
itself, which are then left alone."""

Env = dict[str, object]  # known names only: a name missing is unknown


def shadows(env: Env, builtin: str) -> bool:
    """Whether the function binds `builtin` itself (`SHADOWED`), so calls of it are not folded."""
    names = env.get(SHADOWED, frozenset())
    return isinstance(names, frozenset) and builtin in names


@dataclass(frozen=True, slots=True)
class Container:
    """A list or dict made by a display in this function and not yet out of its sight: its
    length is known (a list's items too, some maybe unknown; a dict's keys). Any change of
    the name (a mutation is a definition too) and any use that could let the object escape
    (anything but `len(x)`, `x[i]`, `v in x` and a truth test) forgets it, so an alias the
    effect model might miss can never change it behind the analysis's back."""

    kind: str  # "list" or "dict"
    items: tuple[object, ...]
    exact: bool = True  # False: `items` only says how long it is at least (`d[k] = v`, k unknown)


_MAX_BITS = 4096  # larger ints are not folded (a `2 ** n` tower would stall the editor)
MAX_LENGTH = 1000  # nor longer strings
_MAX_DEPTH = 60  # nor deeper expressions
_KNOWN_TYPES = (int, str, bytes, tuple, type(None))
LITERAL_NODES = frozenset(
    [
        "integer",
        "true",
        "false",
        "none",
        "string",
        "unary_operator",
        "tuple",
        "expression_list",
        "list",
        "dictionary",
    ]
)


# -- values --------------------------------------------------------------------------------
def truth(value: object) -> bool | None:
    """`bool(value)` where it is known (a tuple's length is known even with unknown items)."""
    if value is UNKNOWN:
        return None
    if isinstance(value, tuple):
        return len(value) > 0
    if isinstance(value, Container):
        return True if value.items else (None if not value.exact else False)
    return bool(value)


def fully_known(value: object) -> bool:
    """A constant with no unknown part (containers never count: they are compared by
    identity-sensitive rules this module does not model)."""
    if isinstance(value, Container):
        return False
    if isinstance(value, tuple):
        return all(fully_known(item) for item in value)
    return value is not UNKNOWN


def join(left: object, right: object) -> object:
    """What both paths agree on: equal constants stay, tuples of one length join per item."""
    if type(left) is not type(right) or left is UNKNOWN:
        return UNKNOWN
    if isinstance(left, tuple) and isinstance(right, tuple):
        if len(left) != len(right):
            return UNKNOWN
        return tuple(join(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, Container) and isinstance(right, Container):
        if left.kind != right.kind:
            return UNKNOWN
        if len(left.items) != len(right.items) or not (left.exact and right.exact):
            shorter = min(len(left.items), len(right.items))
            return Container(left.kind, (UNKNOWN,) * shorter, False) if shorter else UNKNOWN
        items = join(left.items, right.items)
        return Container(left.kind, items) if isinstance(items, tuple) else UNKNOWN
    return left if left == right else UNKNOWN


def same(left: object, right: object) -> bool:
    """Equal as lattice values (`1` and `True` differ: `case True:` tests identity)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, Container) and isinstance(right, Container):
        return (left.kind, left.exact) == (right.kind, right.exact) and same(
            left.items, right.items
        )
    return left is right or left == right


def checked(value: object) -> object:
    if isinstance(value, Container):
        return value if len(value.items) <= MAX_LENGTH else UNKNOWN
    if not isinstance(value, _KNOWN_TYPES):  # a float, a set: not tracked
        return UNKNOWN
    if isinstance(value, int) and value.bit_length() > _MAX_BITS:
        return UNKNOWN
    if isinstance(value, str | bytes | tuple) and len(value) > MAX_LENGTH:
        return UNKNOWN
    return value


def binary(operator: str, left: object, right: object) -> object:
    if not (fully_known(left) and fully_known(right)):
        if operator == "+" and isinstance(left, tuple) and isinstance(right, tuple):
            return checked(left + right)
        return UNKNOWN
    if operator in ("**", "<<", "*") and isinstance(left, int) and isinstance(right, int):
        size = max(left.bit_length(), 1)
        if operator == "**" and not 0 <= right <= _MAX_BITS // size:
            return UNKNOWN
        if operator == "<<" and not 0 <= right <= _MAX_BITS:
            return UNKNOWN
    if operator == "*" and isinstance(left, str | bytes | tuple) != isinstance(
        right, str | bytes | tuple
    ):
        count = right if isinstance(right, int) else left
        if not isinstance(count, int) or count > MAX_LENGTH:
            return UNKNOWN
    function = _OPERATORS.get(operator)
    if function is None:
        return UNKNOWN
    try:
        return checked(function(left, right))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return UNKNOWN  # a run raises here; the statement's exception edges stay


_OPERATORS: dict[str, Callable[[object, object], object]] = {
    "+": lambda a, b: a + b,  # type: ignore[operator]
    "-": lambda a, b: a - b,  # type: ignore[operator]
    "*": lambda a, b: a * b,  # type: ignore[operator]
    "//": lambda a, b: a // b,  # type: ignore[operator]
    "%": lambda a, b: a % b if isinstance(a, int) else UNKNOWN,  # type: ignore[operator]
    "**": lambda a, b: a**b,  # type: ignore[operator]
    "<<": lambda a, b: a << b,  # type: ignore[operator]
    ">>": lambda a, b: a >> b,  # type: ignore[operator]
    "&": lambda a, b: a & b,  # type: ignore[operator]
    "|": lambda a, b: a | b,  # type: ignore[operator]
    "^": lambda a, b: a ^ b,  # type: ignore[operator]
}


def _compare(operator: str, left: object, right: object) -> object:
    if operator in ("is", "is not"):
        singleton = any(v is None or isinstance(v, bool) for v in (left, right))
        if not singleton or UNKNOWN in (left, right):
            return UNKNOWN  # identity of other values is CPython's business
        return (left is right) == (operator == "is")
    if not (fully_known(left) and fully_known(right)):
        return UNKNOWN
    try:
        if operator == "==":
            return left == right
        if operator == "!=":
            return left != right
        if operator == "<":
            return left < right  # type: ignore[operator]
        if operator == "<=":
            return left <= right  # type: ignore[operator]
        if operator == ">":
            return left > right  # type: ignore[operator]
        if operator == ">=":
            return left >= right  # type: ignore[operator]
        if operator == "in":
            return left in right  # type: ignore[operator]
        if operator == "not in":
            return left not in right  # type: ignore[operator]
    except (TypeError, ValueError):  # `1 < "a"`, `300 in b"x"`: a run raises
        return UNKNOWN
    return UNKNOWN


# -- expressions ---------------------------------------------------------------------------
def evaluate(expr: tree_sitter.Node, env: Env, depth: int = 0) -> object:
    """The value of `expr` where `env` decides it, else `UNKNOWN`. Never runs user code."""
    kind = expr.type
    if kind == "identifier":
        return env.get((expr.text or b"").decode(), UNKNOWN)
    if depth > _MAX_DEPTH:
        return UNKNOWN
    depth += 1
    if kind == "integer":
        try:
            return checked(int((expr.text or b"").decode(), 0))
        except ValueError:  # `0777`, `1j`
            return UNKNOWN
    if kind in ("true", "false", "none"):
        return {"true": True, "false": False, "none": None}[kind]
    if kind == "string":
        if any(child.type == "interpolation" for child in expr.children):
            return UNKNOWN
        try:
            return checked(ast.literal_eval((expr.text or b"").decode()))
        except (ValueError, SyntaxError):
            return UNKNOWN
    if kind == "parenthesized_expression":
        inner = [c for c in expr.named_children if c.type != "comment"]
        return evaluate(inner[0], env, depth) if len(inner) == 1 else UNKNOWN
    if kind in ("tuple", "expression_list"):
        items = [c for c in expr.named_children if c.type != "comment"]
        if _spreads(items):
            return UNKNOWN
        return checked(tuple(as_item(evaluate(item, env, depth)) for item in items))
    if kind == "list":
        items = [c for c in expr.named_children if c.type != "comment"]
        if _spreads(items):
            return UNKNOWN
        return checked(Container("list", tuple(as_item(evaluate(i, env, depth)) for i in items)))
    if kind == "dictionary":
        return _dictionary(expr, env, depth)
    if kind == "call":
        return _len_call(expr, env, depth)
    if kind == "subscript":
        return _subscript(expr, env, depth)
    if kind == "unary_operator":
        operand = expr.child_by_field_name("argument")
        symbol = expr.children[0].type
        value = evaluate(operand, env, depth) if operand is not None else UNKNOWN
        if not isinstance(value, int):
            return UNKNOWN
        return checked({"-": -value, "+": +value, "~": ~value}.get(symbol, UNKNOWN))
    if kind == "not_operator":
        operand = expr.child_by_field_name("argument")
        known = truth(evaluate(operand, env, depth)) if operand is not None else None
        return UNKNOWN if known is None else not known
    if kind == "boolean_operator":
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        operator = expr.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return UNKNOWN
        first = evaluate(left, env, depth)
        known = truth(first)
        if known is None:
            return UNKNOWN
        decided = not known if operator.type == "and" else known
        return first if decided else evaluate(right, env, depth)
    if kind == "binary_operator":
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        operator = expr.child_by_field_name("operator")
        if left is None or right is None or operator is None:
            return UNKNOWN
        return binary(operator.type, evaluate(left, env, depth), evaluate(right, env, depth))
    if kind == "comparison_operator":
        return _chain(expr, env, depth)
    if kind == "conditional_expression":
        parts = [c for c in expr.named_children if c.type != "comment"]
        if len(parts) != 3:
            return UNKNOWN
        known = truth(evaluate(parts[1], env, depth))
        if known is None:
            return UNKNOWN
        return evaluate(parts[0] if known else parts[2], env, depth)
    if kind == "named_expression":
        value = expr.child_by_field_name("value")
        return evaluate(value, env, depth) if value is not None else UNKNOWN
    return UNKNOWN


def _spreads(items: list[tree_sitter.Node]) -> bool:
    """Whether a display's items unpack something (`*xs`), which makes its length unknown.
    tree-sitter reads `[*a.b()]` as `[(*a).b()]`, so the star is searched below each item too,
    outside call arguments, lambdas and comprehensions."""
    stack = list(items)
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("list_splat", "parenthesized_list_splat", "dictionary_splat"):
            return True
        if kind not in ("argument_list", "lambda") and kind not in _COMPREHENSIONS:
            stack.extend(node.children)
    return False


_COMPREHENSIONS = frozenset(
    ["list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"]
)


def as_item(value: object) -> object:
    """What a tuple, list or match subject may hold: never a tracked container (an alias)."""
    return UNKNOWN if isinstance(value, Container) else value


def _dictionary(expr: tree_sitter.Node, env: Env, depth: int) -> object:
    """`{}` and displays whose keys are known (their number is the length); one pair is one
    key whatever it is."""
    parts = [c for c in expr.named_children if c.type != "comment"]
    if any(part.type != "pair" for part in parts) or _spreads(parts):
        return UNKNOWN  # `**d`
    keys: list[object] = []
    for part in parts:
        key = part.child_by_field_name("key")
        keys.append(evaluate(key, env, depth) if key is not None else UNKNOWN)
    if len(keys) == 1:
        return Container("dict", (as_item(keys[0]),))
    if not all(fully_known(key) for key in keys):
        return UNKNOWN
    try:
        return checked(Container("dict", tuple(dict.fromkeys(keys))))
    except TypeError:  # an unhashable key: a run raises
        return UNKNOWN


def _len_call(expr: tree_sitter.Node, env: Env, depth: int) -> object:
    function = expr.child_by_field_name("function")
    arguments = expr.child_by_field_name("arguments")
    if function is None or arguments is None or function.type != "identifier":
        return UNKNOWN
    if function.text != b"len" or shadows(env, "len"):
        return UNKNOWN
    parts = [c for c in arguments.named_children if c.type != "comment"]
    if len(parts) != 1 or parts[0].type in ("list_splat", "keyword_argument"):
        return UNKNOWN
    value = evaluate(parts[0], env, depth)
    if isinstance(value, Container):
        return len(value.items) if value.exact else UNKNOWN
    if isinstance(value, tuple | str | bytes):
        return len(value)
    return UNKNOWN


def _subscript(expr: tree_sitter.Node, env: Env, depth: int) -> object:
    """`x[i]` and `x[a:b]` of a known tuple, string or list (a slice of a list is a new list)."""
    base = expr.child_by_field_name("value")
    index = expr.child_by_field_name("subscript")
    if base is None or index is None or expr.named_child_count != 2:
        return UNKNOWN
    value = evaluate(base, env, depth)
    exact_list = isinstance(value, Container) and value.kind == "list" and value.exact
    items = value.items if isinstance(value, Container) and exact_list else value
    if not isinstance(items, tuple | str | bytes):
        return UNKNOWN
    if index.type == "slice":
        bounds: list[int | None] = [None, None, None]
        position = 0
        for child in index.children:
            if child.type == ":":
                position += 1
            elif child.is_named and position < 3:
                bound = evaluate(child, env, depth)
                if type(bound) is not int:
                    return UNKNOWN
                bounds[position] = bound
        if bounds[2] == 0:
            return UNKNOWN  # a run raises ValueError
        part = items[slice(*bounds)]
        if isinstance(value, Container) and isinstance(part, tuple):
            return Container("list", part)
        return part
    position_value = evaluate(index, env, depth)
    if type(position_value) is not int or not -len(items) <= position_value < len(items):
        return UNKNOWN  # a run raises IndexError here
    return items[position_value]


def _chain(expr: tree_sitter.Node, env: Env, depth: int) -> object:
    """`a < b <= c`: each link in turn, stopping at the first false one, as Python does."""
    operands = [c for c in expr.children if c.is_named and c.type != "comment"]
    operators = [c.type for c in expr.children if not c.is_named]
    if len(operators) != len(operands) - 1 or not operators:
        return UNKNOWN
    left = evaluate(operands[0], env, depth)
    for operator, operand in zip(operators, operands[1:], strict=True):
        right = evaluate(operand, env, depth)
        result = _compare(operator, left, right)
        if result is UNKNOWN or not result:
            return result
        left = right
    return True


# -- patterns ------------------------------------------------------------------------------
_LITERAL_PATTERNS = frozenset(["integer", "string", "true", "false", "none"])


def match_parts(parts: list[tree_sitter.Node], value: object, binds: Env) -> bool | None:
    """Whether the pattern made of `parts` matches `value` (None: it depends on what is not
    known). Captures it certainly makes go to `binds`; a literal `-1` comes as two parts."""
    if len(parts) == 2 and parts[0].type == "-" and parts[1].type == "integer":
        number = evaluate(parts[1], {})
        return _match_literal(-number if isinstance(number, int) else UNKNOWN, value)
    if len(parts) != 1:
        return None
    pattern = parts[0]
    kind = pattern.type
    if kind == "_":
        return True
    if kind in _LITERAL_PATTERNS:
        return _match_literal(evaluate(pattern, {}), value)
    if kind == "case_pattern":
        return match_parts([c for c in pattern.children if c.type != "comment"], value, binds)
    if kind == "dotted_name":
        if pattern.named_child_count != 1:
            return None  # a value pattern (`Color.RED`)
        binds[(pattern.text or b"").decode()] = value
        return True
    if kind in ("tuple_pattern", "list_pattern"):
        items = [c for c in pattern.named_children if c.type != "comment"]
        return match_sequence(items, value, binds)
    if kind == "as_pattern":
        inner = [c for c in pattern.named_children if c.type == "case_pattern"]
        alias = pattern.child_by_field_name("alias")
        matched = match_parts(inner, value, binds)
        if matched and alias is not None and alias.type == "identifier":
            binds[(alias.text or b"").decode()] = value
        return matched
    if kind == "union_pattern":
        return _match_union(pattern, value, binds)
    return None  # class and mapping patterns: not decided here


def _match_literal(literal: object, value: object) -> bool | None:
    if literal is UNKNOWN or not fully_known(value):
        return None
    if literal is None or isinstance(literal, bool):
        return value is literal  # `case None:` and `case True:` test identity
    return bool(value == literal)


def match_sequence(items: list[tree_sitter.Node], value: object, binds: Env) -> bool | None:
    """A sequence pattern: a tuple of the right length matches item by item; an int, str,
    bytes or None never does (`match` does not treat strings as sequences)."""
    if value is UNKNOWN:
        return None
    if not isinstance(value, tuple):
        return False
    stars = [i for i, item in enumerate(items) if _is_star(item)]
    if len(stars) > 1:
        return None
    fixed = len(items) - len(stars)
    if len(value) < fixed or (not stars and len(value) != fixed):
        return False
    if stars:  # the starred capture gets a list, which is not tracked
        star = stars[0]
        tail = len(items) - star - 1
        pairs = list(zip(items[:star], value[:star], strict=True))
        pairs += list(zip(items[star + 1 :], value[len(value) - tail :], strict=True))
    else:
        pairs = list(zip(items, value, strict=True))
    result: bool | None = True
    for item, part in pairs:
        matched = match_parts([item], part, binds)
        if matched is False:
            return False
        if matched is None:
            result = None
    return result


def _is_star(item: tree_sitter.Node) -> bool:
    if item.type == "case_pattern" and item.named_child_count == 1:
        item = item.named_children[0]
    return item.type == "splat_pattern"


def _match_union(pattern: tree_sitter.Node, value: object, binds: Env) -> bool | None:
    """`p | q`: the first alternative that matches decides; undecided if one may."""
    alternatives: list[list[tree_sitter.Node]] = [[]]
    for child in pattern.children:
        if child.type == "|":
            alternatives.append([])
        elif child.type != "comment":
            alternatives[-1].append(child)
    for parts in alternatives:
        trial: Env = {}
        matched = match_parts(parts, value, trial)
        if matched is True:
            binds.update(trial)
        if matched is not False:
            return matched
    return False
