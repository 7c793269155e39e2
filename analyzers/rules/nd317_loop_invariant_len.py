"""ND317: a constant-time builtin call (`len(x)`, `isinstance(…)`) recomputed in a loop (opt-in)."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Hit, Rule, make_doc
from .nd301_loop_invariant_expression import invariant_call_hits

DOC = make_doc(
    "What ND301 finds, when the invariant call is a builtin whose cost does not grow with its "
    "argument: `len(x)`, `isinstance(x, T)`, `ord(c)`, `abs(x)`, `type(x)` … with no call "
    "inside its arguments, a builtin constructor called with nothing (`frozenset()`), or a "
    "`.get` with a literal key (`options.get('check', False)`). Opt-in: select it (`--select ND317`) or rank with `--profile`, "
    "which reports it only on lines the profile shows hot.",
    "A builtin call costs a global lookup and a call on every iteration; hoisting it saves "
    "one call per iteration; on a character scanner shaped like the real projects' findings "
    "(`while pos < len(src)` around several tests per character) that is 1.17× on CPython "
    "3.11 (`neurodebug bench worth ND317`), below the 1.2× a default rule must reach. It "
    "matters only in loops that run millions of times, which a profile shows.",
    "while i < len(text):\n    if text[i] == ' ':\n        spaces += 1\n    i += 1",
    "n_text = len(text)\nwhile i < n_text:\n    if text[i] == ' ':\n        spaces += 1\n"
    "    i += 1",
    "Unsafe, as ND301's: the hoisted call then runs even when the loop runs zero times.",
)


def check(ctx: Context) -> Iterator[Hit]:
    yield from invariant_call_hits(ctx, constant_time=True)


RULE = Rule(
    code="ND317",
    name="loop-invariant-constant-time-call",
    summary="`len(x)` and other O(1) builtins recomputed in a loop → hoisted",
    doc=DOC,
    check=check,
    equivalents=("W8201",),
    fix="unsafe",
    dataflow=True,
    default=False,
)
