"""What the static path computes for one document version: syntax errors and rule findings.

Runs on a worker thread from a `Snapshot`, so it never sees a document that changes under it.
The rules engine is optional at import time (another part of the product): without it the
server still reports syntax errors.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import tree_sitter
from neurodebug.analyzers.parsing import SyntaxProblem, syntax_errors
from neurodebug.server.options import ServerOptions

if TYPE_CHECKING:
    from neurodebug.analyzers.rules.base import Finding
    from neurodebug.server.incremental import RuleCache

    from neurodebug.config import Settings

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """The static analysis of one document version."""

    uri: str
    version: int | None
    syntax: list[SyntaxProblem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def uri_path(uri: str) -> Path | None:
    """The file-system path of a `file:` URI, else None."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def project_settings(path: Path | None, options: ServerOptions) -> Settings | None:
    """The `[tool.neurodebug]` settings for `path`, overlaid with the editor's select/ignore."""
    try:
        config = importlib.import_module("neurodebug.config")
    except ImportError:
        return None
    settings: Settings = config.load_settings(path) if path is not None else config.Settings()
    if options.select:
        settings = replace(settings, select=options.select)
    if options.ignore:
        settings = replace(settings, ignore=(*settings.ignore, *options.ignore))
    return settings


def _rules_engine() -> Any:
    """The rules engine module, or None while that part is not installed."""
    try:
        return importlib.import_module("neurodebug.analyzers.rules.engine")
    except ImportError:
        return None


def rule_findings(
    source: bytes,
    tree: tree_sitter.Tree,
    path: Path | None,
    options: ServerOptions,
    cache: RuleCache | None = None,
) -> list[Finding] | None:
    """The rules' findings (syntax errors included, as ND000), or None without the engine.

    Uses the server's already (incrementally) parsed tree instead of parsing again, and with a
    `cache` re-checks only the top-level statements that changed since the last call.
    """
    engine = _rules_engine()
    if engine is None:
        return None
    from neurodebug.analyzers.rules.registry import RULES

    settings = project_settings(path, options)
    if settings is None:
        return None
    try:
        if cache is not None:
            return cache.check(source, tree, path, settings, RULES)
        return list(engine.check_tree(source, tree, path, settings, RULES))
    except Exception:
        LOG.exception("the rules failed on %s", path or "an unsaved document")
        return []


def analyze(
    uri: str,
    version: int | None,
    source: bytes,
    tree: tree_sitter.Tree,
    options: ServerOptions,
    cache: RuleCache | None = None,
) -> Report:
    """Syntax errors and rule findings for one document version."""
    findings = rule_findings(source, tree, uri_path(uri), options, cache)
    if findings is None:
        return Report(uri=uri, version=version, syntax=syntax_errors(tree))
    return Report(uri=uri, version=version, findings=findings)
