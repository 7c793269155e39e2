"""ND313: `pd.concat` / `df.append` inside a loop."""

from __future__ import annotations

from collections.abc import Iterator

from ._loops import loop_of
from ._syntax import method_call, module_imports, qualified_call
from .base import Context, Hit, Rule, make_doc

DOC = make_doc(
    "In a file that imports pandas, `pd.concat(...)` inside a loop, or `df = df.append(...)` "
    "(which returns a new frame).",
    "Each call copies every row accumulated so far into a new DataFrame: O(n²) for n pieces. "
    "Collecting the pieces in a list and concatenating once is linear.",
    "result = pd.DataFrame()\nfor part in parts:\n    result = pd.concat([result, load(part)])",
    "result = pd.concat([load(part) for part in parts])",
    "No fix: the surrounding code usually needs restructuring.",
)


def check(ctx: Context) -> Iterator[Hit]:
    if "pandas" not in module_imports(ctx).values():
        return
    for call in ctx.of_type("call"):
        if loop_of(ctx, call) is None:
            continue
        if qualified_call(ctx, call) == "pandas.concat":
            yield Hit(call, "`concat` in a loop copies all rows each time: concatenate once")
            continue
        called = method_call(ctx, call)
        assignment = call.parent
        if called is None or called[1] != "append" or assignment is None:
            continue
        if assignment.type == "assignment":
            target = assignment.child_by_field_name("left")
            if target is not None and ctx.text(target) == ctx.text(called[0]):
                yield Hit(
                    call, "`DataFrame.append` in a loop copies all rows each time: concatenate once"
                )


RULE = Rule(
    code="ND313",
    name="pandas-concat-in-loop",
    summary="pandas `concat` / `append` inside a loop (quadratic) → concatenate once",
    doc=DOC,
    check=check,
    dataflow=True,
)
