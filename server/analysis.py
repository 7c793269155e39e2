"""What the static path computes for one document version: its findings, syntax errors included.

Runs on a worker thread from a `Snapshot`, so it never sees a document that changes under it.
Protocol glue only: the editor's options overlaid on `[tool.neurodebug]`, a `file:` URI turned
into a path, the rules engine (or its per-statement cache) doing the work, and the profile the
last `analyze --profile`/`--predict` saved (neurodebug/cost/ranking.py) weighing what it found.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import tree_sitter
from neurodebug.analyzers.never_runs import checked_never_runs
from neurodebug.analyzers.rules.base import Finding
from neurodebug.analyzers.rules.engine import check_tree, syntax_findings
from neurodebug.analyzers.rules.incremental import RuleCache
from neurodebug.analyzers.rules.registry import RULES
from neurodebug.server.options import ServerOptions
from pygls.uris import to_fs_path

from neurodebug.config import Settings, load_settings

if TYPE_CHECKING:
    from neurodebug.cost.profiling import Profile

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """The static analysis of one document version (syntax errors come as `ND000` findings)."""

    uri: str
    version: int | None
    findings: list[Finding] = field(default_factory=list)


def uri_path(uri: str) -> Path | None:
    """The file-system path of a `file:` URI, else None: pygls's reading (UNC shares and
    Windows drive letters included), the inverse of the `from_fs_path` the workspace scan uses."""
    path = to_fs_path(uri)
    return Path(path) if path is not None else None


def project_settings(path: Path | None, options: ServerOptions) -> Settings:
    """The `[tool.neurodebug]` settings for `path`, overlaid with the editor's select/ignore."""
    settings = load_settings(path) if path is not None else Settings()
    if options.select:
        settings = replace(settings, select=options.select)
    if options.ignore:
        settings = replace(settings, ignore=(*settings.ignore, *options.ignore))
    return settings


def saved_profile(path: Path | None, settings: Settings) -> Profile | None:
    """The profile saved in the file's project (the folder of its pyproject.toml, else its
    own folder), re-read only when it changes."""
    if path is None:
        return None
    from neurodebug.cost.ranking import project_profile  # loaded on first use: start-up stays lean

    return project_profile(settings.root or path.parent)


def rule_findings(
    source: bytes,
    tree: tree_sitter.Tree,
    path: Path | None,
    settings: Settings,
    cache: RuleCache | None = None,
) -> list[Finding]:
    """The rules' findings, syntax errors included (as ND000).

    Uses the server's already (incrementally) parsed tree instead of parsing again, and with a
    `cache` re-checks only the top-level statements that changed since the last call. Under a
    saved profile each finding says how often its code ran and takes the ranked severity, and
    the opt-in rules are reported on hot lines only, as `analyze --profile` does. If the
    rules themselves fail (too deep or too large a file), the syntax errors are still reported.
    """
    profile = saved_profile(path, settings)
    if profile is not None and not settings.select:
        settings = replace(settings, opt_in=True)  # micro-hints, kept only on hot lines
    try:
        if cache is not None:
            found = cache.check(source, tree, path, settings, RULES)
        else:
            found = check_tree(source, tree, path, settings, RULES)
        if profile is None or path is None:
            return found
        from neurodebug.cost.ranking import weigh_findings

        return weigh_findings(found, profile, path, source, tree, settings.opt_in)
    except Exception:
        LOG.exception("the rules failed on %s", path or "an unsaved document")
        return syntax_findings(tree, settings, source)


def analyze(
    uri: str,
    version: int | None,
    source: bytes,
    tree: tree_sitter.Tree,
    options: ServerOptions,
    cache: RuleCache | None = None,
) -> Report:
    """Syntax errors, rule findings and code that never runs, for one document version."""
    path = uri_path(uri)
    settings = project_settings(path, options)
    findings = rule_findings(source, tree, path, settings, cache)
    try:
        dead = cache.never_runs if cache is not None else None
        found = checked_never_runs(source, tree, path, settings, True, dead)
    except Exception:
        LOG.exception("finding code that never runs failed on %s", path or "a document")
    else:
        findings = sorted([*findings, *found], key=lambda f: (f.line, f.column))
    return Report(uri, version, findings)
