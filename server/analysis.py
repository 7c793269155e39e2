"""What the static path computes for one document version: its findings, syntax errors included.

Runs on a worker thread from a `Snapshot`, so it never sees a document that changes under it.
Protocol glue only: the editor's options overlaid on `[tool.neurodebug]`, a `file:` URI turned
into a path, and the rules engine (or its per-statement cache) doing the work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import tree_sitter
from neurodebug.analyzers.rules.base import Finding
from neurodebug.analyzers.rules.engine import check_tree, syntax_findings
from neurodebug.analyzers.rules.incremental import RuleCache
from neurodebug.analyzers.rules.registry import RULES
from neurodebug.server.options import ServerOptions
from pygls.uris import to_fs_path

from neurodebug.config import Settings, load_settings

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


def rule_findings(
    source: bytes,
    tree: tree_sitter.Tree,
    path: Path | None,
    options: ServerOptions,
    cache: RuleCache | None = None,
) -> list[Finding]:
    """The rules' findings, syntax errors included (as ND000).

    Uses the server's already (incrementally) parsed tree instead of parsing again, and with a
    `cache` re-checks only the top-level statements that changed since the last call. If the
    rules themselves fail (too deep or too large a file), the syntax errors are still reported.
    """
    settings = project_settings(path, options)
    try:
        if cache is not None:
            return cache.check(source, tree, path, settings, RULES)
        return check_tree(source, tree, path, settings, RULES)
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
    """Syntax errors and rule findings for one document version."""
    return Report(uri, version, rule_findings(source, tree, uri_path(uri), options, cache))
