"""Code that never runs, as `ND001` findings for the editor: one per run of cut-off lines,
greyed out by the client (the server tags them "unnecessary") with the reason as message.

Why a module of its own: the rules engine checks a tree node by node, while this needs each
function's statement graph and its constant propagation (`constants`). Both only depend on the
function's own text, so results are kept per function text and an edit recomputes only the
functions it touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tree_sitter

from neurodebug.config import Settings

from .constants import dead_code, executable_successors
from .extract import build_statement_graph
from .parsing import python_language
from .rules.base import Context, Finding
from .rules.engine import collect_nodes, is_suppressed, suppressions

NEVER_RUNS_CODE = "ND001"
NEVER_RUNS_NAME = "never-runs"


@dataclass(frozen=True)
class _Cut:
    """One cut-off run of lines and its reason, lines relative to the function's `def` line."""

    first: int
    last: int
    test_line: int
    test: str
    kind: str
    outcome: bool


def describe(test_line: int, test: str, kind: str, outcome: bool) -> str:
    """Why cut-off code never runs, in one sentence (`test`: the deciding line's code)."""
    where = f"line {test_line} `{test}`"
    if kind == "case":
        verdict = "always matches" if outcome else "never matches"
    elif kind == "for":
        verdict = "always loops over nothing"
    else:
        verdict = f"is always {'true' if outcome else 'false'} here"
    return f"Never runs: {where} {verdict} (the values that decide it are known constants)."


def never_runs_findings(
    source: bytes, tree: tree_sitter.Tree, cache: dict[bytes, list[_Cut]] | None = None
) -> list[Finding]:
    """Every run of lines no call of its function reaches, in source order. `cache` (per
    document, kept by the caller) maps a function's text to its cuts."""
    lines = source.split(b"\n")
    fresh: dict[bytes, list[_Cut]] = {}
    findings: list[Finding] = []
    cursor = tree_sitter.QueryCursor(_function_query())
    for node in cursor.captures(tree.root_node).get("function", []):
        key = node.text or b""
        cuts = fresh.get(key)
        if cuts is None and cache is not None:
            cuts = cache.get(key)
        if cuts is None:
            cuts = _cuts(node, key, source, lines)
        fresh[key] = cuts
        findings.extend(_finding(cut, node.start_point.row + 1, lines) for cut in cuts)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return findings


_LITERAL_BINDING = re.compile(
    rb"(\w+)\s*(?::[^=\n]*)?=\s*(?:None\b|True\b|False\b|[-+]?\d|\[|\{|\(|[rbuRBU]?['\"])"
)
_LITERAL_TEST = re.compile(
    rb"\b(?:if|elif|while)\s+(?:not\s+)?(?:False|None|0)\b|\bmatch\s+[\d(\[]"
)
_TESTED = rb"\b(?:if|elif|while|match|for\b[^\n]*\bin)\b[^\n]*\b%s\b"


def worth_analysing(text: bytes) -> bool:
    """A cheap look at a function's text before its graph is built: code can only be cut off
    by a literal test (`if False:`) or a test that reads a name bound to a literal."""
    if _LITERAL_TEST.search(text):
        return True
    names = {match.group(1) for match in _LITERAL_BINDING.finditer(text)}
    return any(re.search(_TESTED % re.escape(name), text) for name in names)


@cache
def _function_query() -> tree_sitter.Query:
    return tree_sitter.Query(python_language(), "(function_definition) @function")


def _cuts(node: tree_sitter.Node, text: bytes, source: bytes, lines: list[bytes]) -> list[_Cut]:
    """The cut-off runs of one function, from its statement graph's constant propagation
    alone: no reaching definitions, no summaries of its callees (they cannot make a dead line
    live), none of the rest of the analysis."""
    if not worth_analysing(text):
        return []
    base = node.start_point.row + 1
    graph = build_statement_graph(node, base, node.end_point.row + 1, source)
    return [
        _Cut(
            first - base,
            last - base,
            dead.test_line - base,
            lines[dead.test_line - 1].decode("utf-8", "replace").strip(),
            dead.kind,
            dead.outcome,
        )
        for dead in dead_code(graph, executable_successors(graph))
        for first, last in dead.spans
    ]


def never_runs_selected(settings: Settings, path: Path | None, by_default: bool) -> bool:
    """Whether ND001 is wanted: named by a `select` prefix (`ND0`, `ND001`; with no `select`,
    `by_default`: the editor shows it, `analyze` only on request) and not ignored."""
    if settings.select:
        if not any(NEVER_RUNS_CODE.startswith(s) for s in settings.select):
            return False
    elif not by_default:
        return False
    return not any(NEVER_RUNS_CODE.startswith(s) for s in settings.ignored_for(path))


def checked_never_runs(
    source: bytes,
    tree: tree_sitter.Tree,
    path: Path | None,
    settings: Settings,
    by_default: bool,
    cache: dict[bytes, list[_Cut]] | None = None,
) -> list[Finding]:
    """`never_runs_findings` under the settings, without the lines a `# noqa: ND001` or
    `# neurodebug: ignore[ND001]` comment suppresses."""
    if not never_runs_selected(settings, path, by_default):
        return []
    found = never_runs_findings(source, tree, cache)
    if not found:
        return found
    nodes = collect_nodes(tree.root_node)
    lines = suppressions(Context(source, tree, nodes, settings.target_version))
    return [finding for finding in found if not is_suppressed(finding, lines)]


def _finding(cut: _Cut, base: int, lines: list[bytes]) -> Finding:
    first, last = cut.first + base, cut.last + base
    text = lines[first - 1]
    return Finding(
        NEVER_RUNS_CODE,
        NEVER_RUNS_NAME,
        describe(cut.test_line + base, cut.test, cut.kind, cut.outcome),
        "hint",
        first,
        len(text) - len(text.lstrip()),
        last,
        len(lines[last - 1].rstrip()),
    )
