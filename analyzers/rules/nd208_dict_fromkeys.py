"""ND208: `{k: CONSTANT for k in keys}` → `dict.fromkeys(keys, CONSTANT)`."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A dict comprehension that maps every key of one `for` clause to the same immutable "
    "constant (a number, string, `None`, `True` or `False`).",
    "The comprehension runs bytecode per key; `dict.fromkeys` fills the dict in C.",
    "seen = {name: False for name in names}",
    "seen = dict.fromkeys(names, False)",
    "Safe: the value is immutable, so sharing it between keys is invisible.",
)

_IMMUTABLE = ("integer", "float", "string", "true", "false", "none")


def check(ctx: Context) -> Iterator[Hit]:
    for node in ctx.of_type("dictionary_comprehension"):
        clauses = [c for c in node.named_children if c.type in ("for_in_clause", "if_clause")]
        body = node.child_by_field_name("body")
        if len(clauses) != 1 or clauses[0].type != "for_in_clause" or body is None:
            continue
        key = body.child_by_field_name("key")
        value = body.child_by_field_name("value")
        left = clauses[0].child_by_field_name("left")
        right = clauses[0].child_by_field_name("right")
        if key is None or value is None or left is None or right is None:
            continue
        if left.type != "identifier" or ctx.text(key) != ctx.text(left):
            continue
        if value.type not in _IMMUTABLE or (value.type == "string" and value.named_child_count > 2):
            continue
        new = f"dict.fromkeys({ctx.text(right)}, {ctx.text(value)})"
        fix = ctx.fix("Use `dict.fromkeys`", "safe", ctx.replace(node, new))
        yield Hit(node, "Use `dict.fromkeys` instead of a dict comprehension", fix)


RULE = Rule(
    code="ND208",
    name="dict-fromkeys",
    summary="`{k: CONST for k in it}` → `dict.fromkeys(it, CONST)`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("C420",),
    fix="safe",
    default=False,
)
