"""Constant propagation that cuts branches no run can take (sparse conditional constant
propagation, Wegman and Zadeck 1991, run over the statement graph rather than SSA).

Why: a dependence analysis that keeps every branch reports edges through code that never runs.
After `s = 0`, the body of `if s % 2 == 0: return …` always returns, so nothing below it runs;
`match (s % 3, a)` never reaches `case (1, _)`; after `sep = None`, `if sep is not None:` is
dead. Real code has such lines too (a `DEBUG = False` switch, a list that is never appended
to), and without value facts they still send and receive data edges.

The values are `values`' (known constants and lists and dicts of known length). A branch is cut
only when its test is known, and an edge stays executable as soon as any path to it is, so the
result is sound: every edge a run takes is kept. A list or dict is forgotten when its name
changes (a mutation is a definition too) or is used in a way that could hand the object to
other code; names a nested function, lambda, class or generator expression mentions never hold
one (a closure may change it at any later call). `global`/`nonlocal` names are never known, nor
anything in a function whose nested functions declare `nonlocal`.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from functools import cache

import tree_sitter

from .extract import (
    ENTRY,
    EXIT,
    MATCH_SUBJECT,
    StatementGraph,
    StatementNode,
    nested_declares,
)
from .parsing import python_language
from .values import (
    LITERAL_NODES,
    SHADOWED,
    UNKNOWN,
    Container,
    Env,
    as_item,
    binary,
    checked,
    evaluate,
    fully_known,
    join,
    match_parts,
    match_sequence,
    same,
    shadows,
    truth,
)

_BRANCHES = frozenset(["if", "elif", "while"])
_DECIDED = _BRANCHES | {"case", "for"}  # nodes whose successors a known value can cut
_LITERAL_TESTS = frozenset(
    ["false", "none", "integer", "string", "boolean_operator", "not_operator"]
)


# -- statements ----------------------------------------------------------------------------
def assigned_values(statement: tree_sitter.Node, env: Env) -> Env:
    """Names an assignment statement binds to values `env` decides (the rest: unknown)."""
    bound: Env = {}
    if statement.type == "augmented_assignment":
        left = statement.child_by_field_name("left")
        right = statement.child_by_field_name("right")
        operator = statement.child_by_field_name("operator")
        if (
            left is not None
            and right is not None
            and operator is not None
            and left.type == "identifier"
        ):
            old = evaluate(left, env)
            bound[(left.text or b"").decode()] = binary(
                operator.type.removesuffix("="), old, evaluate(right, env)
            )
        return bound
    targets: list[tree_sitter.Node] = []
    node: tree_sitter.Node | None = statement
    while node is not None and node.type == "assignment":  # `a = b = 0`
        left = node.child_by_field_name("left")
        if left is not None:
            targets.append(left)
        node = node.child_by_field_name("right")
    if node is None or node.type in ("yield", "await"):
        return bound
    value = evaluate(node, env)
    if isinstance(value, Container) and node.type not in ("list", "dictionary", "subscript"):
        value = UNKNOWN  # `ys = xs`: an alias, not a new object
    for target in targets:
        _bind(target, value, bound)
    return bound


def _bind(target: tree_sitter.Node, value: object, bound: Env) -> None:
    if target.type == "identifier":
        bound[(target.text or b"").decode()] = value
        return
    if target.type in ("pattern_list", "tuple_pattern"):
        parts = [c for c in target.named_children if c.type != "comment"]
        if (
            isinstance(value, tuple)
            and len(value) == len(parts)
            and all(part.type == "identifier" for part in parts)
        ):
            for part, item in zip(parts, value, strict=True):
                _bind(part, item, bound)


# -- the graph -----------------------------------------------------------------------------
def _assignment(node: StatementNode) -> bool:
    return node.value is not None and node.value.type in ("assignment", "augmented_assignment")


def _worth_running(graph: StatementGraph) -> bool:
    """Cheap gate: a test that is a false literal, a name bound to a literal that a branch's
    test reads, or one an assignment reads whose name a test reads (most functions have none,
    and pay nothing)."""
    literal: set[str] = set()
    tested: set[str] = set()
    derived: list[tuple[list[str], list[tuple[str, bool, str]]]] = []
    for node in graph.nodes:
        if node.value is None:
            continue
        if _assignment(node):
            right = node.value.child_by_field_name("right")
            while right is not None and right.type == "assignment":
                right = right.child_by_field_name("right")
            if right is not None and right.type in LITERAL_NODES:  # `self.n = 0` binds no name
                literal.update(var for var, kills, _ in node.defs if kills)
            elif node.uses:
                derived.append((node.uses, node.defs))
        elif node.kind in _DECIDED or node.kind == "match":
            tested.update(node.uses)
            if node.kind == "match" and not node.uses:
                return True  # `match 0:`
            literal_test = node.kind in _BRANCHES and node.value.type in _LITERAL_TESTS
            if literal_test and truth(evaluate(node.value, {})) is False:
                return True  # `if False:`, `while 0:`, `if 0 and verbose:`
    if not tested or not literal:
        return False
    if not literal.isdisjoint(tested):
        return True
    return any(
        not literal.isdisjoint(uses) and any(kills and var in tested for var, kills, _ in defs)
        for uses, defs in derived
    )


def executable_successors(graph: StatementGraph) -> list[list[int]] | None:
    """Per node, the successors (normal and exceptional) some run may take: unreachable nodes
    have none. None when constants cut nothing (the usual case)."""
    if not graph.function or not _worth_running(graph):
        return None  # a module's or class's names are globals or attributes: others rebind them
    if nested_declares(graph.nested, b"nonlocal"):
        return None  # a nested function may rebind any of our names
    nodes = graph.nodes
    count = len(nodes)
    untracked = Untracked(graph.declared, graph.body)
    state: list[Env | None] = [None] * count
    shadowed = {var for node in nodes for var, _, _ in node.defs if var in ("len", "range")}
    state[ENTRY] = {SHADOWED: frozenset(shadowed)}
    taken: list[set[int]] = [set() for _ in range(count)]
    work = [ENTRY]  # a heap: lowest node first, close to the order statements run in
    queued = [False] * count
    queued[ENTRY] = True

    def flow(target: int, incoming: Env) -> None:
        old = state[target]
        if old is incoming:
            return
        if old is None:
            state[target] = incoming
        else:
            merged: Env = {}
            for name, value in old.items():
                if name in incoming:
                    joined = join(value, incoming[name])
                    if joined is not UNKNOWN:
                        merged[name] = joined
            if len(merged) == len(old) and all(same(merged[k], v) for k, v in old.items()):
                return
            state[target] = merged
        if not queued[target]:
            queued[target] = True
            heapq.heappush(work, target)

    while work:
        index = heapq.heappop(work)
        queued[index] = False
        env = state[index]
        assert env is not None
        out, targets = step(nodes[index], index, env, untracked)
        for target in targets:
            taken[index].add(target)
            flow(target, out)
        if nodes[index].exc:
            through = {k: v for k, v in out.items() if k in env and same(env[k], v)}
            for target in nodes[index].exc:  # raised before or after the statement's stores
                taken[index].add(target)
                flow(target, through)
    # Facts are per line: a statement that never runs on a line that does run (the body of a
    # one-line `if c: raise E(x)`) keeps its edges, as a tracer cannot tell the two apart.
    live_lines = {nodes[i].line for i in range(count) if state[i] is not None and i != EXIT}
    revived = {i for i in range(count) if state[i] is None and nodes[i].line in live_lines}
    if revived:
        for index, node in enumerate(nodes):
            if index in revived:
                taken[index].update(node.edges)
            elif state[index] is not None:
                taken[index].update(t for t in node.edges if t in revived)
    successors = [node.edges for node in nodes]
    cut = any(
        len(taken[index]) < len(edges) and taken[index] != set(edges)
        for index, edges in enumerate(successors)
        if state[index] is not None or index in revived
    )
    if not cut:
        return None
    return [[t for t in edges if t in taken[i]] for i, edges in enumerate(successors)]


@cache
def _scope_query() -> tree_sitter.Query:
    kinds = "(lambda) (generator_expression) (function_definition) (class_definition)"
    return tree_sitter.Query(python_language(), f"[{kinds}] @scope")


@dataclass(slots=True)
class Untracked:
    """Names whose values are never known here: `declared` (global or nonlocal: other code
    rebinds them) and, for lists and dicts only, names that appear inside a nested function,
    lambda, class or generator expression of `body`: such code may run later, at any call,
    and change what the name holds then. (A name is looked for in the text, also in strings
    and comments: that only forgets more.)"""

    declared: set[str]
    body: tree_sitter.Node | None
    scopes: list[bytes] | None = None
    captured: dict[str, bool] = field(default_factory=dict)

    def keeps(self, name: str, value: object) -> bool:
        if value is UNKNOWN or name in self.declared:
            return False
        if not isinstance(value, Container):
            return True
        found = self.captured.get(name)
        if found is None:
            if self.scopes is None:
                nodes = []
                if self.body is not None:
                    cursor = tree_sitter.QueryCursor(_scope_query())
                    nodes = cursor.captures(self.body).get("scope", [])
                self.scopes = [node.text or b"" for node in nodes]
            wanted = name.encode()
            if name.isascii():  # as a whole word (`\b` only knows ASCII word characters)
                pattern = re.compile(rb"\b" + re.escape(wanted) + rb"\b")
                found = any(pattern.search(text) for text in self.scopes)
            else:
                found = any(wanted in text for text in self.scopes)
            self.captured[name] = found
        return not found


def step(node: StatementNode, index: int, env: Env, untracked: Untracked) -> tuple[Env, list[int]]:
    """One statement's transfer: the names known after it, and where it may go next."""
    if node.value is None and not node.defs and not node.uses:
        return env, node.succ  # `pass`, `break`, a bare `return`: nothing to do
    out = before = env  # states are never changed in place: a changed one is a new dict
    read = [name for name in node.uses if name in env]
    escaped = [
        name
        for name in read
        if isinstance(env[name], Container)
        and (node.value is None or not _only_looked_at(node.value, name, node.kind))
    ]
    defined = [var for var, _, _ in node.defs if var in env]
    if defined or escaped:
        defined += escaped
        out = {name: value for name, value in env.items() if name not in defined}
        if escaped:
            env = {name: value for name, value in env.items() if name not in escaped}
    value = node.value
    if value is None:
        return out, node.succ
    kind = node.kind
    found: Env = {}
    targets = node.succ
    if node.uses and not read and not _literal_may_decide(node):
        return out, targets
    if _assignment(node):
        walrus = any(how == "walrus" for _, _, how in node.defs)
        found = assigned_values(value, out if walrus else env)
        found.update((k, v) for k, v in stored(value, env).items() if k not in escaped)
    elif kind == "expression":  # a method call statement: `xs.append(v)`
        found = called(value, before)  # its receiver "escapes" into the call it understands
    elif kind == "for":
        targets = _branch(node, index, False if empty(value, env) else None)
    elif kind == "match":
        found = {MATCH_SUBJECT: as_item(evaluate(value, out))}
    elif kind == "case":
        decided, found = _case(value, env.get(MATCH_SUBJECT, UNKNOWN), out)
        targets = _branch(node, index, decided)
    elif kind in _BRANCHES:
        targets = _branch(node, index, truth(evaluate(value, out)))
    kept = {name: known for name, known in found.items() if untracked.keeps(name, known)}
    return ({**out, **kept} if kept else out), targets


def _case(clause: tree_sitter.Node, subject: object, env: Env) -> tuple[bool | None, Env]:
    """Whether a `case` clause is taken, and the captures it certainly makes."""
    binds: Env = {}
    patterns = [c for c in clause.children if c.type == "case_pattern"]
    if len(patterns) == 1:
        decided = match_parts(patterns, subject, binds)
    else:  # `case a, b:` is a sequence pattern without brackets
        decided = match_sequence(patterns, subject, binds)
    bound = decided is True  # captures are made before the guard runs
    guard = clause.child_by_field_name("guard")
    if decided is not False and guard is not None:
        scope = {**env, **{k: v for k, v in binds.items() if v is not UNKNOWN}}
        test = next((c for c in guard.named_children if c.type != "comment"), None)
        passes = truth(evaluate(test, scope)) if test is not None else None
        decided = False if passes is False else (decided if passes else None)
    return decided, binds if bound else {}


def stored(statement: tree_sitter.Node, env: Env) -> Env:
    """`d[k] = v`, `xs[i] = v` and `d[k] += v` into a tracked container: its new value."""
    left = statement.child_by_field_name("left")
    if left is None or left.type != "subscript" or left.named_child_count != 2:
        return {}
    base, index = left.child_by_field_name("value"), left.child_by_field_name("subscript")
    if base is None or index is None or base.type != "identifier":
        return {}
    name = (base.text or b"").decode()
    container = env.get(name)
    if not isinstance(container, Container) or index.type == "slice":
        return {}
    size = len(container.items)
    if container.kind == "list" or statement.type == "augmented_assignment":
        # the same length in every run that does not raise; a list's items are not followed
        items = (UNKNOWN,) * size if container.kind == "list" else container.items
        return {name: Container(container.kind, items, container.exact)}
    key = evaluate(index, env)
    if container.exact and fully_known(key):
        try:
            keys = container.items if key in container.items else (*container.items, key)
        except TypeError:
            return {}
        return {name: Container("dict", keys)}
    return {name: Container("dict", (UNKNOWN,) * max(size, 1), False)}


_READ_ONLY_METHODS = frozenset(["get", "count", "index", "copy", "keys", "values", "items"])


def called(call: tree_sitter.Node, env: Env) -> Env:
    """A list's `append`, `pop()`, `sort`, `reverse`, `clear` and a dict's `clear` as a
    statement: the container's new value (other calls change nothing known here)."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or arguments is None or function.type != "attribute":
        return {}
    receiver = function.child_by_field_name("object")
    method = function.child_by_field_name("attribute")
    if receiver is None or method is None or receiver.type != "identifier":
        return {}
    name = (receiver.text or b"").decode()
    container = env.get(name)
    if not isinstance(container, Container):
        return {}
    parts = [c for c in arguments.named_children if c.type != "comment"]
    verb = method.text
    if verb == b"clear" and not parts:
        return {name: Container(container.kind, ())}
    if container.kind != "list" or not container.exact:
        return {}
    items = container.items
    if verb == b"append" and len(parts) == 1 and parts[0].type not in _SPREAD:
        return {name: checked(Container("list", (*items, as_item(evaluate(parts[0], env)))))}
    if verb == b"pop" and not parts and items:
        return {name: Container("list", items[:-1])}
    if verb == b"reverse" and not parts:
        return {name: Container("list", items[::-1])}
    if verb == b"sort":
        return {name: Container("list", (UNKNOWN,) * len(items))}
    return {}


_SPREAD = frozenset(["list_splat", "dictionary_splat", "keyword_argument"])


def empty(iterable: tree_sitter.Node, env: Env) -> bool | None:
    """Whether a `for` loop's iterable is certainly empty (`range(0)`, `[]`, `xs[:0]`)."""
    if iterable.type == "call":
        function = iterable.child_by_field_name("function")
        arguments = iterable.child_by_field_name("arguments")
        if function is None or function.text != b"range" or arguments is None:
            return None
        if shadows(env, "range"):
            return None
        bounds = [evaluate(c, env) for c in arguments.named_children if c.type != "comment"]
        numbers = [b for b in bounds if type(b) is int]
        if not 1 <= len(numbers) == len(bounds) <= 3 or 0 in numbers[2:]:
            return None
        return len(range(*numbers)) == 0
    known = truth(evaluate(iterable, env))
    return None if known is None else not known


def _only_looked_at(root: tree_sitter.Node, name: str, kind: str) -> bool:
    """Whether every read of `name` under `root` leaves its object where it is: `len(x)`,
    `x[i]`, `v in x`, or a truth test (a branch's test, `not x`, a conditional's test, an
    operand of `and`/`or` whose value is only tested)."""
    wanted = name.encode()
    stack = [root]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            if current.text == wanted and not _harmless(current, root, kind):
                return False
            continue
        stack.extend(current.children)
    return True


def _harmless(occurrence: tree_sitter.Node, root: tree_sitter.Node, kind: str) -> bool:
    parent = occurrence.parent
    if parent is None:
        return False
    if parent.type == "subscript" and parent.child_by_field_name("value") == occurrence:
        return True
    if parent.type == "argument_list" and parent.named_child_count == 1:
        call = parent.parent
        function = call.child_by_field_name("function") if call is not None else None
        return function is not None and function.text == b"len"
    if parent.type == "attribute" and parent.child_by_field_name("object") == occurrence:
        method = parent.child_by_field_name("attribute")
        call = parent.parent
        return (
            method is not None
            and (method.text or b"").decode() in _READ_ONLY_METHODS
            and call is not None
            and call.type == "call"
            and call.child_by_field_name("function") == parent
        )
    if parent.type == "comparison_operator":
        before = occurrence.prev_sibling
        return before is not None and before.type in ("in", "not in")
    node = occurrence
    while True:  # a truth test, possibly through `and` / `or` / parentheses
        if node == root:
            return kind in _BRANCHES or kind == "for"  # tested, or iterated by the loop
        parent = node.parent
        if parent is None:
            return False
        if parent.type == "not_operator":
            return True
        if parent.type == "conditional_expression":
            parts = [c for c in parent.named_children if c.type != "comment"]
            return len(parts) == 3 and parts[1] == node
        if parent.type not in ("boolean_operator", "parenthesized_expression"):
            return False
        node = parent


def _literal_may_decide(node: StatementNode) -> bool:
    """Whether a statement none of whose names is known may still compute something known:
    a literal assignment (`xs = [a, b]` has uses, `x += 1` too), a test like `0 and x`, a
    loop over `range(0)`."""
    value = node.value
    if value is None:
        return False
    if node.kind in _BRANCHES:
        return value.type in _LITERAL_TESTS
    if node.kind == "for":  # `for i in range(0):`
        return value.type in ("call", "list", "tuple", "string", "dictionary")
    if _assignment(node):
        right = value.child_by_field_name("right")
        return right is not None and right.type in LITERAL_NODES
    return False


def _branch(node: StatementNode, index: int, decided: bool | None) -> list[int]:
    """A branch's body is the node right after its header; every other successor is the way
    past it."""
    body = index + 1
    if decided is None or body not in node.succ:
        return node.succ
    if decided:
        return [body]
    return [target for target in node.succ if target != body]


@dataclass(frozen=True)
class DeadCode:
    """Statement lines no run reaches, and the test whose known outcome cuts them off."""

    lines: tuple[int, ...]
    test_line: int
    kind: str  # the test's statement: "if", "elif", "while", "case" or "for"
    outcome: bool
    """What the test always gives: an `if`'s truth, whether a `case` matches, whether a `for`
    loop's iterable has items."""
    spans: tuple[tuple[int, int], ...] = ()
    """The dead statements as runs of whole lines (first, last), none holding code that runs."""


def _spans(statements: list[tuple[int, int]], live_lines: set[int]) -> tuple[tuple[int, int], ...]:
    """Merge (first line, last line) of dead statements into runs no live line interrupts."""
    runs: list[tuple[int, int]] = []
    for first, last in sorted(statements):
        if runs and not any(runs[-1][1] < line < first for line in live_lines):
            runs[-1] = (runs[-1][0], max(runs[-1][1], last))
        else:
            runs.append((first, last))
    return tuple(runs)


def dead_code(graph: StatementGraph, executable: list[list[int]] | None) -> list[DeadCode]:
    """The code `executable` (from `executable_successors`) cuts off, grouped by the test that
    cuts it, in line order. Lines that share a line with code that runs are not listed."""
    if executable is None:
        return []
    nodes = graph.nodes
    full = [node.edges for node in nodes]
    live = _reachable(executable, [ENTRY])
    dead = _reachable(full, [ENTRY]) - live
    live_lines = {nodes[i].line for i in live if i != EXIT}
    found: list[DeadCode] = []
    for index in sorted(live):
        cut = [target for target in full[index] if target in dead]
        if not cut:
            continue
        reached = _reachable(full, cut, within=dead)
        dead -= reached
        lines = tuple(sorted({nodes[i].line for i in reached} - live_lines))
        if lines:
            outcome = index + 1 in executable[index]  # the body is kept: the test held
            statements = [
                (nodes[i].line, nodes[i].end_line) for i in reached if nodes[i].line in lines
            ]
            spans = _spans(statements, live_lines)
            found.append(DeadCode(lines, nodes[index].line, nodes[index].kind, outcome, spans))
    return found


def _reachable(
    successors: list[list[int]], starts: list[int], within: set[int] | None = None
) -> set[int]:
    """The nodes reachable from `starts` (staying inside `within`, when given)."""
    seen: set[int] = set()
    stack = list(starts)
    while stack:
        current = stack.pop()
        if current not in seen and (within is None or current in within):
            seen.add(current)
            stack.extend(successors[current])
    return seen
