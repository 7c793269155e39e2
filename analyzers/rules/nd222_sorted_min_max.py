"""ND222: `sorted(x)[0]` / `sorted(x)[-1]` → `min(x)` / `max(x)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import call_args, call_name
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "The first or last element of `sorted(...)` (optionally with `key=` or `reverse=True`).",
    "Sorting is O(n log n) and copies everything; `min`/`max` is one O(n) pass with no copy.",
    "cheapest = sorted(prices)[0]\nlongest = sorted(words, key=len)[-1]",
    "cheapest = min(prices)\nlongest = max(words, key=len)",
    "Unsafe: on ties `sorted(x)[-1]` is the last maximal element while `max` returns the "
    "first, and an empty input raises `ValueError` instead of `IndexError`.",
)


def check(ctx: Context) -> Iterator[Hit]:
    for subscript in ctx.of_type("subscript"):
        value = subscript.child_by_field_name("value")
        index = subscript.child_by_field_name("subscript")
        if value is None or index is None or value.type != "call":
            continue
        position = ctx.text(index).replace(" ", "")
        if position not in ("0", "-1") or call_name(ctx, value) != "sorted":
            continue
        args = call_args(value)
        if not args or args[0].type in ("keyword_argument", "list_splat", "dictionary_splat"):
            continue
        reverse = False
        kept = [ctx.text(args[0])]
        for arg in args[1:]:
            name = arg.child_by_field_name("name") if arg.type == "keyword_argument" else None
            if name is None:
                break
            if ctx.text(name) == "reverse":
                literal = arg.child_by_field_name("value")
                if literal is None or literal.type not in ("true", "false"):
                    break
                reverse = literal.type == "true"
            else:
                kept.append(ctx.text(arg))
        else:
            smallest = (position == "0") != reverse
            function = "min" if smallest else "max"
            if len(kept) == 1 and args[0].type == "generator_expression":
                new = f"{function}{kept[0]}"
            else:
                new = f"{function}({', '.join(kept)})"
            fix = ctx.fix(f"Use `{function}()`", "unsafe", ctx.replace(subscript, new))
            yield Hit(subscript, f"Use `{function}()` instead of sorting to take one element", fix)


RULE = Rule(
    code="ND222",
    name="sorted-min-max",
    summary="`sorted(x)[0]` / `sorted(x)[-1]` → `min(x)` / `max(x)`",
    doc=DOC,
    check=check,
    equivalents=("FURB192",),
    fix="unsafe",
)
