"""Per-statement rule caching gives exactly the engine's findings, before and after edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from neurodebug.analyzers.document import Document
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules.base import Finding
from neurodebug.analyzers.rules.engine import check_tree
from neurodebug.analyzers.rules.incremental import RuleCache, fresh_fix
from neurodebug.analyzers.rules.registry import RULES

from neurodebug.config import Settings
from tests.conftest import REPO_ROOT as REPO

DATA = REPO / "tests" / "server" / "data"
SAMPLES = sorted((REPO / "examples").glob("*.py")) + sorted(DATA.glob("*.py"))


def _key(finding: Finding, outside_fixes: set[tuple[str, int]]) -> tuple[object, ...]:
    """A finding as comparable data; fixes that edit outside their statement are compared by
    safety and description only (the cache keeps those edit-less, see `fresh_fix`)."""
    fix: object = finding.fix
    if finding.fix is not None and (finding.code, finding.line) in outside_fixes:
        fix = (finding.fix.safety, finding.fix.description)
    return (finding.code, finding.line, finding.column, finding.end_column, finding.message, fix)


def _compare(cache: RuleCache, document: Document) -> None:
    cached = cache.check(document.source, document.tree, None, Settings(), RULES)
    engine = check_tree(document.source, parse(document.source), None, Settings(), RULES)
    outside = {(f.code, f.line) for f in cached if f.fix is not None and not f.fix.edits}
    assert [_key(f, outside) for f in cached] == [_key(f, outside) for f in engine]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_cold_cache_matches_the_engine(path: Path) -> None:
    source = path.read_bytes()
    document = Document.open(path.as_uri(), 1, source.decode())
    cached = RuleCache().check(source, document.tree, None, Settings(), RULES)
    assert cached == check_tree(source, parse(source), None, Settings(), RULES)


def test_edits_shift_cached_findings_and_recheck_the_changed_function() -> None:
    text = (REPO / "examples" / "log_parser.py").read_text() + (DATA / "hints.py").read_text()
    document = Document.open("file:///sample.py", 1, text)
    cache = RuleCache()
    _compare(cache, document)
    # Insert lines at the top: every finding moves down, none is recomputed from scratch.
    document.apply_edit((0, 0), (0, 0), "# a\n# b\n", "utf-16")
    misses = cache.misses
    _compare(cache, document)
    assert cache.misses - misses <= 2  # only the new comment statements
    # Rewrite a loop inside one function: that function's findings change, the rest stay.
    line = document.text.splitlines().index("    for item in items:")
    document.apply_edit((line + 1, 8), (line + 1, 27), "result.append(item * 2)", "utf-16")
    misses = cache.misses
    _compare(cache, document)
    assert cache.misses - misses == 1


def test_fixes_that_edit_outside_their_statement_are_recomputed() -> None:
    text = (REPO / "examples" / "log_parser.py").read_text()
    document = Document.open("file:///log_parser.py", 1, text)
    cache = RuleCache()
    cache.check(document.source, document.tree, None, Settings(), RULES)
    document.apply_edit((0, 0), (0, 0), "# moved\n", "utf-16")  # forces a cache hit
    findings = cache.check(document.source, document.tree, None, Settings(), RULES)
    hoisted = [f for f in findings if f.fix is not None and not f.fix.edits]
    assert hoisted, "expected a module-level fix (compile the regex once) to be cached edit-less"
    fix = fresh_fix(document.source, document.tree, hoisted[0], None, Settings(), RULES)
    engine = {
        (f.code, f.line): f.fix
        for f in check_tree(document.source, parse(document.source), None, Settings(), RULES)
    }
    assert fix is not None and fix == engine[(hoisted[0].code, hoisted[0].line)]
