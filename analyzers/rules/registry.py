"""The central table of rules: one module per rule, each exposing `RULE`.

Codes: ND000 syntax errors; ND1xx loop rules shared with ruff PERF / perflint; ND2xx the
performance-relevant rules of ruff's other families (C4, SIM, RUF, PL, FURB); ND3xx rules
beyond the peers that rely on dependency analysis.
"""

from __future__ import annotations

import importlib

from .base import Rule

RULE_MODULES: tuple[str, ...] = ("nd101_unnecessary_list_cast",)


def _load() -> tuple[Rule, ...]:
    rules = [importlib.import_module(f"{__package__}.{name}").RULE for name in RULE_MODULES]
    codes = [rule.code for rule in rules]
    if len(set(codes)) != len(codes):
        raise RuntimeError(f"duplicate rule codes in registry: {sorted(codes)}")
    return tuple(sorted(rules, key=lambda rule: rule.code))


RULES: tuple[Rule, ...] = _load()
_BY_CODE = {rule.code: rule for rule in RULES}


def rule_by_code(code: str) -> Rule | None:
    """The rule with `code`, or None."""
    return _BY_CODE.get(code.upper())
