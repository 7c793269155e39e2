"""ND305: `re.match(r"literal", …)` run repeatedly → compile the pattern once."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from ._loops import loop_of, scans_prefix
from ._syntax import call_args, enclosing_scope, fresh_name, qualified_call, text, walk
from .base import Context, Edit, Hit, Rule, make_doc

DOC = make_doc(
    "A call of `re.match`, `search`, `fullmatch`, `findall`, `finditer`, `split`, `sub` or "
    "`subn` with a string-literal pattern, either inside a loop or in a function that the same "
    "file calls from a loop, hands to `map`, `filter` or a `key=`, or calls from a lambda that "
    "runs so (`width = lambda s: measure(s)` with `width(c)` in a loop). A call the loop runs at most once does not count as in it: one "
    "followed by `break`, or behind a first-time test of a name its block sets "
    "(`if indent is None: indent = re.match(...).group(1)`). Nor does one in a loop that only "
    "scans a prefix: its body ends in `break`, `return` or `raise`, so it repeats only for what "
    "a `continue` skips (`for line in lines: if re.match(r'\\s*$', line): continue; break`), or "
    "the call is a test after a first-time test (`if indent is None and re.match(...)`). Nor does one whose loop body (or "
    "function, when a loop calls it) also does I/O on the same path: files, processes, the "
    "network or the terminal (`os.path.exists`, `open`, `subprocess`, `print`): next to that, "
    "the pattern lookup is lost.",
    "Every call looks the pattern up in `re`'s internal cache (hashing the pattern and flags) "
    "before matching, and recompiles it once the cache (512 entries) overflows. A module-"
    "level compiled pattern skips both.",
    "def parse(line):\n    return re.match(r'(\\w+)=(\\d+)', line)",
    "PAIR = re.compile(r'(\\w+)=(\\d+)')\n\ndef parse(line):\n    return PAIR.match(line)",
    "Safe: `re.compile(p).match(s)` is what `re.match(p, s)` does, and the pattern is a "
    "literal, so compiling it once at import gives the same object behaviour.",
)

_FUNCTIONS = {
    "match": 1,
    "search": 1,
    "fullmatch": 1,
    "findall": 1,
    "finditer": 1,
    "split": 1,
    "sub": 2,
    "subn": 2,
}


def _called_in_loop(ctx: Context) -> set[str]:
    """Names of functions the file runs repeatedly (memoised in `ctx.cache` under
    "called_in_loop", so the server's per-statement re-checks can supply it): called inside a
    loop; handed to something that calls them per element (`map(f, xs)`, `filter(f, xs)`,
    `key=f`); or called in the body of a lambda that itself runs so, or that is bound to such a
    name (`width = lambda s: measure(s)` … `max(width(c) for c in cells)`)."""
    cached = ctx.cache.get("called_in_loop")
    if isinstance(cached, set):
        return cached
    names: set[str] = set()
    for call in ctx.of_type("call"):
        function = call.child_by_field_name("function")
        if function is not None and function.type == "identifier" and loop_of(ctx, call):
            names.add(ctx.text(function))
        for handed in _per_element_arguments(ctx, call):
            if handed.type == "identifier":
                names.add(ctx.text(handed))
    for lambda_node in ctx.of_type("lambda"):
        if _runs_per_element(ctx, lambda_node, names):
            body = lambda_node.child_by_field_name("body")
            for node in [body, *walk(body)] if body is not None else ():
                function = node.child_by_field_name("function") if node.type == "call" else None
                if function is not None and function.type == "identifier":
                    names.add(ctx.text(function))
    ctx.cache["called_in_loop"] = names
    return names


_PER_ELEMENT_CALLERS = frozenset({"map", "filter"})
"""Builtins that call their first argument once per element of the others."""


def _per_element_arguments(ctx: Context, call: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The arguments of `call` it calls once per element: `map`/`filter`'s first, any `key=`."""
    args = call_args(call)
    found = [
        value
        for argument in args
        if argument.type == "keyword_argument"
        and text(ctx, argument.child_by_field_name("name")) == "key"
        and (value := argument.child_by_field_name("value")) is not None
    ]
    function = call.child_by_field_name("function")
    positional = [a for a in args if a.type != "keyword_argument"]
    if (
        function is not None
        and function.type == "identifier"
        and ctx.text(function) in _PER_ELEMENT_CALLERS
        and positional
    ):
        found.append(positional[0])
    return found


def _runs_per_element(ctx: Context, lambda_node: tree_sitter.Node, repeated: set[str]) -> bool:
    """Whether a lambda runs once per element: handed to `map`/`filter`/`key=`, or bound
    (`name = lambda …`) to a name the file calls repeatedly."""
    parent = lambda_node.parent
    if parent is None:
        return False
    if parent.type in ("keyword_argument", "argument_list"):
        holder = parent.parent if parent.type == "keyword_argument" else parent
        call = holder.parent if holder is not None else None
        if call is not None and call.type == "call":
            return any(handed.id == lambda_node.id for handed in _per_element_arguments(ctx, call))
        return False
    if parent.type == "assignment":
        target = parent.child_by_field_name("left")
        return target is not None and target.type == "identifier" and ctx.text(target) in repeated
    return False


_SYSTEM_MODULES = frozenset(
    {"os", "shutil", "subprocess", "socket", "urllib", "http", "pathlib", "glob", "sqlite3"}
)
"""Modules whose calls reach the file system, processes or the network: microseconds to
milliseconds each, against the ~0.5 µs pattern-cache lookup a compiled pattern saves."""


_SYSTEM_CALLS = frozenset({"open", "print", "input"})
_SYSTEM_PREFIXES = ("sys.stdout.", "sys.stderr.")


def _is_system(name: str) -> bool:
    """A call that does I/O: files, processes, the network, the terminal."""
    return (
        name in _SYSTEM_CALLS
        or name.split(".")[0] in _SYSTEM_MODULES
        or name.startswith(_SYSTEM_PREFIXES)
    )


def _touches_system(ctx: Context, unit: tree_sitter.Node, call: tree_sitter.Node) -> bool:
    """Whether the code that repeats `call` (`unit`: a loop, or a function a loop calls) also
    does I/O (`_is_system`: `open`, `print`, a `_SYSTEM_MODULES` function) whenever it runs
    `call`."""
    return any(
        node.type == "call"
        and _is_system(qualified_call(ctx, node))
        and _runs_with(node, call, unit)
        for node in walk(unit)
    )


_CONDITIONAL = frozenset(
    {"if_statement", "elif_clause", "else_clause", "case_clause", "except_clause"}
)
"""Parents of a block that may not run when the code around it does."""


def _runs_with(node: tree_sitter.Node, call: tree_sitter.Node, unit: tree_sitter.Node) -> bool:
    """Whether every conditional block holding `node` within `unit` also holds `call` (so a
    run of `unit` that reaches `call` reaches `node` too, loops inside taken to run)."""
    child, parent = node, node.parent
    while parent is not None and child != unit:
        holds_call = child.start_byte <= call.start_byte and call.end_byte <= child.end_byte
        if child.type == "block" and parent.type in _CONDITIONAL and not holds_call:
            return False
        child, parent = parent, parent.parent
    return True


def _anchor(ctx: Context, head: str) -> tuple[tree_sitter.Node, str] | None:
    """Where a new module-level pattern goes, and the gap before it: after the last top-level
    import (a blank line between), or after the `NAME = head.compile(...)` statements right
    below it (no blank line), so patterns compiled by successive fixes keep the source's order.
    None unless a top-level import binds `head`."""
    last = None
    binds = False
    children = ctx.tree.root_node.named_children
    for index, node in enumerate(children):
        if node.type in ("import_statement", "import_from_statement", "future_import_statement"):
            last = index
            if node.type == "import_statement" and re.search(rf"\b{head}\b", ctx.text(node)):
                binds = True
    if last is None or not binds:
        return None
    anchor, gap = children[last], "\n\n"
    for node in children[last + 1 :]:
        if node.type != "expression_statement" or not _compiles(ctx, node, head):
            break
        anchor, gap = node, "\n"
    return anchor, gap


def _compiles(ctx: Context, statement: tree_sitter.Node, head: str) -> bool:
    """Whether `statement` is `NAME = head.compile(...)`."""
    assignment = statement.named_children[0] if statement.named_children else None
    right = assignment.child_by_field_name("right") if assignment is not None else None
    function = right.child_by_field_name("function") if right is not None else None
    return (
        assignment is not None
        and assignment.type == "assignment"
        and function is not None
        and ctx.text(function) == f"{head}.compile"
    )


def check(ctx: Context) -> Iterator[Hit]:
    hot = None
    taken: set[str] = set()
    for call in ctx.of_type("call"):
        qualified = qualified_call(ctx, call)
        module, _, function = qualified.rpartition(".")
        if module != "re" or function not in _FUNCTIONS:
            continue
        args = call_args(call)
        if (
            not args
            or args[0].type != "string"
            or ctx.text(args[0]).lstrip("rRbBuU")[:1] not in "'\""
        ):
            continue
        unit = loop_of(ctx, call)
        if unit is not None and scans_prefix(ctx, call, unit):
            continue
        if unit is None:
            unit = enclosing_scope(call)
            if unit.type != "function_definition":
                continue
            hot = _called_in_loop(ctx) if hot is None else hot
            name_node = unit.child_by_field_name("name")
            if name_node is None or ctx.text(name_node) not in hot:
                continue
        if _touches_system(ctx, unit, call):
            continue
        fix = None
        positional = [a for a in args if a.type != "keyword_argument"]
        callee = call.child_by_field_name("function")
        prefix = ctx.text(callee).rpartition(".")[0] if callee is not None else "re"
        place = _anchor(ctx, prefix.split(".")[0]) if prefix else None
        if len(args) == len(positional) == _FUNCTIONS[function] + 1 and place is not None:
            anchor, gap = place
            base = re.sub(r"\W", "_", f"{function}_pattern").upper()
            constant = fresh_name(ctx, base)
            while constant in taken:
                constant = fresh_name(ctx, f"{constant}_")
            taken.add(constant)
            rest = ", ".join(ctx.text(a) for a in positional[1:])
            insertion: Edit = ctx.replace_range(
                anchor.end_byte,
                anchor.end_byte,
                f"{gap}{constant} = {prefix}.compile({ctx.text(args[0])})",
            )
            fix = ctx.fix(
                "Compile the pattern once at module level",
                "safe",
                insertion,
                ctx.replace(call, f"{constant}.{function}({rest})"),
            )
        yield Hit(
            call, f"`re.{function}` with a literal pattern runs repeatedly: compile it once", fix
        )


RULE = Rule(
    code="ND305",
    name="regex-literal-in-loop",
    summary="`re` call with a literal pattern in a loop (or a function called in one) → compile once",
    doc=DOC,
    check=check,
    fix="safe",
    dataflow=True,
)
