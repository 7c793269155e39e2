"""ND110: `module.attr` looked up inside a loop of a function."""

from __future__ import annotations

from collections.abc import Iterator

from ._loops import loop_of
from ._syntax import enclosing_scope, module_imports
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "A call `module.function(...)` inside a loop of a function, where `module` comes from "
    "`import module`.",
    "Each iteration does a global lookup for the module and an attribute lookup on it; "
    "`from module import function` (or a local alias) leaves one fast lookup.",
    "import math\n\ndef norms(points):\n    for x, y in points:\n        yield math.sqrt(x * x + y * y)",
    "from math import sqrt\n\ndef norms(points):\n    for x, y in points:\n        yield sqrt(x * x + y * y)",
    "No fix: the import style is the author's choice; this is a hint.",
)


def check(ctx: Context) -> Iterator[Hit]:
    imports = module_imports(ctx)
    modules = {local for local, full in imports.items() if "." not in full}
    if not modules:
        return
    for call in ctx.of_type("call"):
        function = call.child_by_field_name("function")
        if function is None or function.type != "attribute":
            continue
        obj = function.child_by_field_name("object")
        if obj is None or obj.type != "identifier" or ctx.text(obj) not in modules:
            continue
        if loop_of(ctx, call) is None or enclosing_scope(call).type != "function_definition":
            continue
        yield Hit(function, f"`{ctx.text(function)}` is looked up on every iteration")


RULE = Rule(
    code="ND110",
    name="dotted-import-in-loop",
    summary="`module.attr` lookups inside a loop → `from module import attr`",
    doc=DOC,
    check=check,
    severity="hint",
    equivalents=("W8205",),
    default=False,
)
