"""The entry calls a user wrote down for a function: `# neurodebug: f(…)` comments and doctests.

One definition of what such a comment looks like, shared by the server (which call to predict or
verify for the function under the cursor) and the predicted-cost estimate (which calls to roll
out for a file). A call's callee may be dotted (`# neurodebug: Stack.push(1)`), so a method's
comment is found too; whether the call is usable (a top-level function, literal arguments) is
each caller's own question. Pure text and `ast` work: nothing runs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

ENTRY_COMMENT = re.compile(r"#\s*neurodebug:\s*(?P<call>[A-Za-z_][\w.]*\(.*\))\s*$")
"""`# neurodebug: f(3, [1, 2])` at the end of a line; the callee may be dotted (`C.m(…)`)."""

_DOCTEST = re.compile(r"^\s*>>>\s*(?P<call>[A-Za-z_][\w.]*\(.*\))\s*$")


def entry_comment(line: str) -> str | None:
    """The call written in a `# neurodebug: …` comment on this line, or None."""
    match = ENTRY_COMMENT.search(line)
    return match.group("call") if match else None


def entry_comments(source: str) -> Iterator[tuple[int, str]]:
    """Every `# neurodebug: …` comment of a source as (1-based line, call), in order."""
    for number, line in enumerate(source.splitlines(), start=1):
        call = entry_comment(line)
        if call is not None:
            yield number, call


def configured_entry(source: str, def_line: int, end_line: int, name: str) -> str | None:
    """The entry call the user wrote for the function `name` on lines def_line..end_line
    (1-based): a `# neurodebug: name(…)` comment on the line above the `def` or inside the
    function, else the first doctest call of it there."""
    lines = source.splitlines()
    candidates = range(max(0, def_line - 2), min(len(lines), end_line))
    for index in candidates:
        call = entry_comment(lines[index])
        if call is not None and calls(call, name):
            return call
    for index in candidates:
        match = _DOCTEST.match(lines[index])
        if match and calls(match.group("call"), name):
            return match.group("call")
    return None


def calls(text: str, name: str) -> bool:
    """Whether `text` is a call expression whose callee is `name` (`name(…)` or `x.name(…)`)."""
    try:
        expression = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(expression, ast.Call):
        return False
    function = expression.func
    called = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
    return bool(called == name)
