"""Run the registered rules over one source file: parse once, query once, filter, suppress.

One tree-sitter query collects every node type the rules look at in a single pass in C, so
adding a rule costs only its own work on the nodes it asks for, never another tree walk.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

import tree_sitter
from neurodebug.analyzers.parsing import parse, python_language, syntax_errors

from neurodebug.config import Settings

from .base import Context, Finding, Hit, Rule

LOG = logging.getLogger(__name__)

SYNTAX_ERROR_CODE = "ND000"
SYNTAX_ERROR_NAME = "syntax-error"

QUERIED_TYPES = (
    "for_statement",
    "while_statement",
    "call",
    "comparison_operator",
    "boolean_operator",
    "function_definition",
    "subscript",
    "augmented_assignment",
    "assignment",
    "delete_statement",
    "try_statement",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
    "lambda",
    "list",
    "import_statement",
    "import_from_statement",
    "comment",
)

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?", re.I)
_IGNORE = re.compile(r"#\s*neurodebug:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.I)
ALL_CODES = "*"


@cache
def _query() -> tree_sitter.Query:
    pattern = " ".join(f"({kind}) @{kind}" for kind in QUERIED_TYPES)
    return tree_sitter.Query(python_language(), pattern)


def collect_nodes(root: tree_sitter.Node) -> dict[str, list[tree_sitter.Node]]:
    """Every node of the queried types under `root` (a whole module, or one top-level
    statement for the incremental checker), grouped by type, in source order."""
    captures = tree_sitter.QueryCursor(_query()).captures(root)
    return {name: sorted(nodes, key=lambda n: n.start_byte) for name, nodes in captures.items()}


def suppressions(ctx: Context) -> dict[int, set[str]]:
    """Line → codes suppressed there by `# noqa[: CODES]` or `# neurodebug: ignore[CODES]`.

    A bare `# noqa` or `# neurodebug: ignore` suppresses everything on its line (`*`).
    """
    result: dict[int, set[str]] = {}
    for comment in ctx.of_type("comment"):
        text = ctx.text(comment)
        codes: set[str] = set()
        for match in _NOQA.finditer(text):
            listed = match.group("codes")
            codes.update(re.split(r"[\s,]+", listed.upper()) if listed else {ALL_CODES})
        for match in _IGNORE.finditer(text):
            listed = match.group("codes")
            codes.update(
                {c.strip().upper() for c in listed.split(",") if c.strip()}
                if listed
                else {ALL_CODES}
            )
        if codes:
            result.setdefault(comment.start_point.row + 1, set()).update(codes)
    return result


PEDANTIC_SELECTOR = "PEDANTIC"
"""Names the opt-in group: every rule with `default=False` (docs/rules.md#opt-in-rules)."""


def _matches(rule: Rule, selector: str) -> bool:
    if selector == PEDANTIC_SELECTOR:
        return not rule.default
    return rule.code.startswith(selector) or any(eq.startswith(selector) for eq in rule.equivalents)


def rule_enabled(rule: Rule, settings: Settings, path: Path | None) -> bool:
    """Whether `rule` runs for `path` under `settings` (select, ignore, per-file, version);
    an opt-in rule only when a selector names it or `settings.opt_in` asks for them all."""
    if not settings.select and not rule.default and not settings.opt_in:
        return False
    if settings.select and not any(_matches(rule, s) for s in settings.select):
        return False
    if any(_matches(rule, s) for s in settings.ignored_for(path)):
        return False
    return rule.applies_to(settings.target_version)


def is_suppressed(finding: Finding, lines: dict[int, set[str]]) -> bool:
    """A finding is suppressed by a comment on any line it spans: ruff reports a manual
    comprehension on its `append` line, so a `# noqa: PERF401` written there must count for
    ours, which spans the whole loop."""
    for line in range(finding.line, max(finding.line, finding.end_line) + 1):
        codes = lines.get(line)
        if codes and (
            ALL_CODES in codes
            or finding.code in codes
            or any(eq.upper() in codes for eq in finding.equivalents)
        ):
            return True
    return False


def finding_from_hit(rule: Rule, hit: Hit, broken: bool) -> Finding:
    """The finding a rule's hit reports; on a broken file, without its fix (it could make
    things worse)."""
    node = hit.node
    return Finding(
        code=rule.code,
        name=rule.name,
        message=hit.message,
        severity=rule.severity,
        line=node.start_point.row + 1,
        column=node.start_point.column,
        end_line=node.end_point.row + 1,
        end_column=node.end_point.column,
        start_byte=node.start_byte,
        end_byte=node.end_byte,
        fix=None if broken else hit.fix,
        equivalents=rule.equivalents,
    )


def rule_hits(rule: Rule, ctx: Context) -> list[Hit]:
    """A rule's hits; a bug in one rule costs its findings on this file, not the whole check.

    (Fuzzing found error-recovered trees that broke a rule's assumptions.) Running out of
    recursion or memory still propagates: the caller reports the file as too large or deep.
    """
    try:
        return list(rule.check(ctx))
    except (RecursionError, MemoryError):
        raise
    except Exception as error:
        LOG.warning(
            "rule %s failed (%s: %s); its findings are skipped",
            rule.code,
            type(error).__name__,
            error,
        )
        return []


def enabled_rules(
    rules: tuple[Rule, ...], settings: Settings, path: Path | None
) -> tuple[Rule, ...]:
    """The rules of `rules` that run for `path` under `settings`, in order."""
    return tuple(rule for rule in rules if rule_enabled(rule, settings, path))


def syntax_findings(
    tree: tree_sitter.Tree, settings: Settings, source: bytes | None = None
) -> list[Finding]:
    """Syntax errors as `ND000` findings, unless `select` leaves that code out.

    The one place syntax errors become findings: the engine, the incremental checker and the
    server all report them this way. Suppression comments never hide them. With `source`, the
    error is CPython's (one, where the compiler puts it; see `parsing.syntax_errors`).
    """
    if settings.select and not any(
        SYNTAX_ERROR_CODE.startswith(s) or s.startswith(SYNTAX_ERROR_CODE) for s in settings.select
    ):
        return []
    return [
        Finding(
            code=SYNTAX_ERROR_CODE,
            name=SYNTAX_ERROR_NAME,
            message=problem.message,
            severity="error",
            line=problem.line,
            column=problem.column - 1,
            end_line=problem.end_line,
            end_column=problem.end_column - 1,
        )
        for problem in syntax_errors(tree, source=source)
    ]


def rule_findings(
    ctx: Context,
    rules: tuple[Rule, ...],
    broken: bool,
    span: tuple[int, int] | None = None,
) -> list[Finding]:
    """The findings of already enabled `rules` over `ctx`, minus suppressed ones.

    On a `broken` file, hits on nodes that contain an error are dropped and fixes are left
    out. With `span` (start, end bytes), only hits on nodes inside it count: the incremental
    checker runs the rules on one top-level statement at a time. Suppression comments are
    those among `ctx`'s nodes.
    """
    findings: list[Finding] = []
    for rule in rules:
        for hit in rule_hits(rule, ctx):
            node = hit.node
            if broken and node.has_error:
                continue
            if span is not None and not (span[0] <= node.start_byte and node.end_byte <= span[1]):
                continue
            findings.append(finding_from_hit(rule, hit, broken))
    lines = suppressions(ctx)
    if lines:
        findings = [f for f in findings if not is_suppressed(f, lines)]
    return one_per_site(findings)


LOOKUP_HINTS = frozenset({"ND108", "ND110"})
"""Name-lookup micro hints: they give way to any other finding that starts where they do."""


def one_per_site(findings: list[Finding]) -> list[Finding]:
    """One finding per place for the lookup hints: `re.match(…)` in a loop is both a dotted
    lookup in the loop (ND110) and a pattern compiled each time (ND305); `mod.attr` both a
    global read (ND108) and a dotted lookup (ND110). Two squiggles on one call read as noise,
    and the fix of the other one removes the lookup too. So a lookup hint that starts where
    another finding starts is dropped (between two lookup hints, the wider one stays); other
    rules that share a start say different things (a nested-loop join and a manual
    comprehension on the same `for`) and all stay. On the standard library only those two
    pairs share a start."""
    starts: dict[int, list[Finding]] = {}
    for finding in findings:
        starts.setdefault(finding.start_byte, []).append(finding)
    dropped: set[int] = set()
    for group in starts.values():
        hints = [f for f in group if f.code in LOOKUP_HINTS]
        if len(group) < 2 or not hints:
            continue
        if len(hints) == len(group):
            hints.remove(max(hints, key=lambda f: (f.end_byte, f.code)))
        dropped.update(id(f) for f in hints)
    return [f for f in findings if id(f) not in dropped]


def outside_script_blocks(
    findings: list[Finding], tree: tree_sitter.Tree, path: Path | None
) -> list[Finding]:
    """`findings` minus the rule findings inside a package module's module-level
    `if __name__ == "__main__":` block.

    That block runs only when the module is executed as a script: in a package it is a demo
    or a maintainer's tool (regenerating a table of builtins, say), never on the library's
    path, and what a rule saves there is saved once per run by whoever runs it. A stand-alone
    script (no `__init__.py` beside it) keeps them: there the block is the program. Syntax
    errors always stay."""
    if path is None or not findings or not (path.parent / "__init__.py").is_file():
        return findings
    spans = [
        (node.start_byte, node.end_byte)
        for node in tree.root_node.named_children
        if node.type == "if_statement" and _is_main_guard(node.child_by_field_name("condition"))
    ]
    if not spans:
        return findings
    return [
        f
        for f in findings
        if f.code == SYNTAX_ERROR_CODE or not any(a <= f.start_byte < b for a, b in spans)
    ]


def _is_main_guard(condition: tree_sitter.Node | None) -> bool:
    """`__name__ == "__main__"` (either order, either quotes)."""
    if condition is None or condition.type != "comparison_operator":
        return False
    text = (condition.text or b"").decode("utf-8", "replace").replace("'", '"')
    return "".join(text.split()) in ('__name__=="__main__"', '"__main__"==__name__')


def check_tree(
    source: bytes,
    tree: tree_sitter.Tree,
    path: Path | None,
    settings: Settings,
    rules: tuple[Rule, ...],
) -> list[Finding]:
    """Findings for an already parsed file; see `check_source`."""
    broken = tree.root_node.has_error
    findings = syntax_findings(tree, settings, source)
    ctx = Context(source, tree, collect_nodes(tree.root_node), settings.target_version)
    findings.extend(rule_findings(ctx, enabled_rules(rules, settings, path), broken))
    findings = outside_script_blocks(findings, tree, path)
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def check_source(
    source: bytes, path: Path | None, settings: Settings, rules: tuple[Rule, ...] | None = None
) -> list[Finding]:
    """Every finding in `source`, sorted by position; syntax errors come as `ND000` findings.

    `path` is used only for per-file ignores; `rules` defaults to the whole registry.
    """
    if rules is None:
        from .registry import RULES

        rules = RULES
    return check_tree(source, parse(source), path, settings, rules)
