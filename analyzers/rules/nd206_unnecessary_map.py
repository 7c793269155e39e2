"""ND206: `map(lambda x: …, xs)` → a generator expression or comprehension."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import builtin_shadowed, call_name, positional_args
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "`map()` with a `lambda` of one plain parameter (also inside `list()`, `set()`).",
    "Every element pays for a Python function call to the lambda; a comprehension evaluates "
    "the expression inline.",
    "lengths = list(map(lambda w: len(w), words))",
    "lengths = [len(w) for w in words]",
    "Unsafe: a lambda's body sees the loop variable differently if it closes over names that "
    "change later, and `map` stops at the shortest of several iterables.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for call in ctx.of_type("call"):
        if call_name(ctx, call) != "map" or builtin_shadowed(ctx, "map"):
            continue
        args = positional_args(call)
        if args is None or len(args) != 2 or args[0].type != "lambda":
            continue
        function, iterable = args
        parameters = function.child_by_field_name("parameters")
        body = function.child_by_field_name("body")
        if parameters is None or body is None or parameters.named_child_count != 1:
            continue
        parameter = parameters.named_children[0]
        if parameter.type != "identifier":
            continue
        generator = f"{ctx.text(body)} for {ctx.text(parameter)} in {ctx.text(iterable)}"
        target = call
        new = f"({generator})"
        outer = call.parent.parent if call.parent is not None else None
        if outer is not None and outer.type == "call" and call_name(ctx, outer) in ("list", "set"):
            outer_args = positional_args(outer)
            if outer_args is not None and len(outer_args) == 1:
                target = outer
                new = f"[{generator}]" if call_name(ctx, outer) == "list" else f"{{{generator}}}"
        elif (
            call.parent is not None
            and call.parent.type == "argument_list"
            and len(call.parent.named_children) == 1
        ):
            new = generator if call.parent.parent and call.parent.parent.type == "call" else new
            target = call
        fix = ctx.fix("Rewrite as a comprehension", "unsafe", ctx.replace(target, new))
        yield Hit(call, "Unnecessary `map()` with a `lambda`: use a comprehension", fix)


RULE = Rule(
    code="ND206",
    name="unnecessary-map",
    summary="`map(lambda …)` → comprehension",
    doc=DOC,
    check=check,
    equivalents=("C417", "W0108"),
    fix="unsafe",
    default=False,  # real-code yield below half: benchmarks/reviews/yield.json
)
