"""Performance rules: the registry, the data types and `check_source`, with no LSP in sight.

Public API (stable; the server and the CLI build on it):

- `check_source(source, path, settings) -> list[Finding]`: parse once, run every enabled rule,
  drop suppressed findings (`# noqa`, `# noqa: CODE`, `# neurodebug: ignore[CODE]`); syntax
  errors come back as `ND000` findings.
- `Finding(code, name, message, severity, line, column, end_line, end_column, start_byte,
  end_byte, fix, equivalents)`; `Fix(edits, safety, description)`; `Edit(line, column,
  end_line, end_column, new_text, start_byte, end_byte)`. Lines are 1-based; columns are
  0-based UTF-8 byte offsets within the line; `*_byte` are absolute byte offsets in the source.
- `RULES` (every rule, sorted by code) and `rule_by_code(code)` for documentation.
- Fixes are applied by `neurodebug.analyzers.fixes.apply_fixes`.
"""

from __future__ import annotations

from neurodebug.config import Settings

from .base import Context, Edit, Finding, Fix, FixSafety, Hit, Rule, Severity
from .engine import SYNTAX_ERROR_CODE, check_source, rule_enabled
from .registry import RULES, rule_by_code

__all__ = [
    "RULES",
    "SYNTAX_ERROR_CODE",
    "Context",
    "Edit",
    "Finding",
    "Fix",
    "FixSafety",
    "Hit",
    "Rule",
    "Settings",
    "Severity",
    "check_source",
    "rule_by_code",
    "rule_enabled",
]
