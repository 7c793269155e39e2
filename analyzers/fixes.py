"""Apply rule fixes to source text: all of a fix's edits or none, never overlapping another.

`fix_source` repeats check → apply until nothing applicable is left (a fix can reveal a
second finding, e.g. a copy removed exposes a loop to rewrite), and refuses any round whose
result does not parse, so a fix can never turn a valid file into a broken one. Lines the fixes
made longer than the project's line length are then wrapped (fix_format.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from neurodebug.analyzers.fix_format import wrap_long_lines
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules import Finding, Fix, Settings, check_source
from neurodebug.analyzers.rules.base import apply_edits

MAX_ROUNDS = 10


def apply_fixes(source: bytes, fixes: Iterable[Fix]) -> tuple[bytes, list[Fix]]:
    """Apply non-overlapping fixes (first come, first served); returns (new source, applied)."""
    taken: list[tuple[int, int]] = []
    applied: list[Fix] = []
    for fix in fixes:
        spans = [(edit.start_byte, edit.end_byte) for edit in fix.edits]
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue
        taken.extend(spans)
        applied.append(fix)
    return apply_edits(source, (edit for fix in applied for edit in fix.edits)), applied


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two byte spans conflict; two insertions at one point conflict too."""
    if a[0] == a[1] or b[0] == b[1]:
        return b[0] <= a[0] <= b[1] or a[0] <= b[0] <= a[1]
    return a[0] < b[1] and b[0] < a[1]


def fixable(finding: Finding, unsafe: bool) -> bool:
    """Whether `--fix` (with or without `--unsafe-fixes`) applies this finding's fix."""
    return finding.fix is not None and (unsafe or finding.fix.safety == "safe")


@dataclass
class FixResult:
    """The fixed source, how many fixes were applied, and the findings that remain."""

    source: bytes
    applied: int
    remaining: list[Finding]


def fix_source(
    source: bytes, path: Path | None, settings: Settings, unsafe: bool = False
) -> FixResult:
    """Apply fixes until none is left; a round whose result fails to parse is dropped."""
    applied_total = 0
    original = source
    findings = check_source(source, path, settings)
    for _ in range(MAX_ROUNDS):
        # the dataflow rules first: hoisting out of a loop beats rewriting the loop itself
        ordered = sorted(findings, key=lambda f: (not f.code.startswith("ND3"), f.start_byte))
        fixes = [f.fix for f in ordered if f.fix is not None and fixable(f, unsafe)]
        if not fixes:
            break
        new_source, applied = apply_fixes(source, fixes)
        if not applied or new_source == source:
            break
        if parse(new_source).root_node.has_error:
            break
        source = new_source
        applied_total += len(applied)
        findings = check_source(source, path, settings)
    if applied_total:
        wrapped = wrap_long_lines(original, source, settings.line_length)
        if wrapped != source:
            source, findings = wrapped, check_source(wrapped, path, settings)
    return FixResult(source, applied_total, findings)
