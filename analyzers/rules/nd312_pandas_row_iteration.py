"""ND312: pandas `iterrows()` / `itertuples()` / `apply(..., axis=1)`."""

from __future__ import annotations

from collections.abc import Iterator

from ._syntax import call_args, method_call, module_imports
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "In a file that imports pandas, row-by-row iteration of a DataFrame: `df.iterrows()`, "
    "`df.itertuples()` or `df.apply(f, axis=1)`.",
    "Each row becomes a Python object (a whole `Series` for `iterrows`) and every operation "
    "on it runs in the interpreter; column operations run in C over whole arrays.",
    "for _, row in orders.iterrows():\n    totals.append(row['price'] * row['qty'])",
    "totals = orders['price'] * orders['qty']",
    "No fix: the vectorized form depends on what the row code does.",
)


def check(ctx: Context) -> Iterator[Hit]:
    if "pandas" not in module_imports(ctx).values():
        return
    for call in ctx.of_type("call"):
        called = method_call(ctx, call)
        if called is None:
            continue
        method = called[1]
        if method in ("iterrows", "itertuples"):
            yield Hit(call, f"`.{method}()` iterates rows in Python: use column operations")
        elif method == "apply":
            for arg in call_args(call):
                if arg.type != "keyword_argument":
                    continue
                name = arg.child_by_field_name("name")
                value = arg.child_by_field_name("value")
                if (
                    name is not None
                    and value is not None
                    and ctx.text(name) == "axis"
                    and (ctx.text(value) in ("1", "'columns'", '"columns"'))
                ):
                    yield Hit(
                        call, "`.apply(..., axis=1)` calls Python per row: use column operations"
                    )


RULE = Rule(
    code="ND312",
    name="pandas-row-iteration",
    summary="pandas `iterrows` / `itertuples` / `apply(axis=1)` → column operations",
    doc=DOC,
    check=check,
)
