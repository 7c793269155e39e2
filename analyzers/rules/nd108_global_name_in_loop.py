"""ND108: a module-level variable read inside a loop of a function."""

from __future__ import annotations

from collections.abc import Iterator

from ._kinds import scope_bindings
from ._syntax import enclosing_scope, walk
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A name bound by assignment at module level (not a function, class or import) and read "
    "inside a loop of a function that does not bind it itself.",
    "A global read is a dictionary lookup (`LOAD_GLOBAL`) on every iteration; a local is an "
    "array slot (`LOAD_FAST`). In hot loops, copying the global into a local first is faster.",
    "LIMIT = 100\n\ndef clip(values):\n    for v in values:\n        yield min(v, LIMIT)",
    "def clip(values):\n    limit = LIMIT\n    for v in values:\n        yield min(v, limit)",
    "No fix: renaming is a matter of taste; this is a hint.",
)


def check(ctx: Context) -> Iterator[Hit]:
    module = ctx.tree.root_node
    module_values = scope_bindings(ctx, module).values
    if not module_values:
        return
    for loop in (*ctx.of_type("for_statement"), *ctx.of_type("while_statement")):
        scope = enclosing_scope(loop)
        if scope.type != "function_definition":
            continue
        parent = loop.parent
        while parent is not None and parent != scope:
            if parent.type in ("for_statement", "while_statement"):
                break
            parent = parent.parent
        if parent is not None and parent != scope:
            continue  # reported on the outermost loop
        local = scope_bindings(ctx, scope)
        seen: set[str] = set()
        body = loop.child_by_field_name("body")
        for node in walk(body) if body is not None else ():
            if node.type != "identifier":
                continue
            name = ctx.text(node)
            if name in seen or name not in module_values or name in local.values:
                continue
            if name in local.annotations or name in local.other_bindings:
                continue
            holder = node.parent
            if (
                holder is not None
                and holder.type in ("attribute", "keyword_argument")
                and node != holder.named_children[0]
            ):
                continue
            seen.add(name)
            yield Hit(node, f"Global `{name}` is looked up on every iteration: copy it to a local")


RULE = Rule(
    code="ND108",
    name="global-name-in-loop",
    summary="module-level variable read inside a loop (copy it to a local)",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("W8202",),
    dataflow=True,
    default=False,
)
