"""Which code selectors name a rule, for `--select` and `select = [...]`.

A typo in a selector would otherwise run nothing and pass silently, so the CLI rejects a
selector that names no rule, as ruff does with "Unknown rule selector".
"""

from __future__ import annotations

from collections.abc import Iterable

from ..never_runs import NEVER_RUNS_CODE
from .engine import PEDANTIC_SELECTOR, SYNTAX_ERROR_CODE
from .registry import RULES


def parse_selectors(text: str) -> tuple[str, ...]:
    """`"nd1, perf401"` → `("ND1", "PERF401")`: a comma-separated `--select` value."""
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors that are a prefix of no code (ours, ND000 for syntax errors, a peer's)
    nor the opt-in group's name."""
    known = [SYNTAX_ERROR_CODE, NEVER_RUNS_CODE, PEDANTIC_SELECTOR, *(rule.code for rule in RULES)]
    known += [equivalent.upper() for rule in RULES for equivalent in rule.equivalents]
    return [s for s in selectors if not any(code.startswith(s.upper()) for code in known)]
