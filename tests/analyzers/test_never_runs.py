"""ND001: code that never runs, as findings per run of lines, recomputed only for the
functions an edit touches."""

from __future__ import annotations

from pathlib import Path

from neurodebug.analyzers.never_runs import NEVER_RUNS_CODE, never_runs_findings
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules.selectors import unknown_selectors

NEVER_RUNS = Path(__file__).with_name("data") / "never_runs.py"

TWO_REGIONS = b"""\
class Report:
    def render(self, rows):
        verbose = False
        out = []
        if verbose:
            print("rendering",
                  len(rows))
        for row in rows:
            out.append(row)
        if verbose:
            print("done")
        return out
"""


def test_one_finding_per_run_of_dead_lines_with_its_reason() -> None:
    found = never_runs_findings(TWO_REGIONS, parse(TWO_REGIONS))
    assert [(f.code, f.severity, f.line, f.end_line) for f in found] == [
        (NEVER_RUNS_CODE, "hint", 6, 7),
        (NEVER_RUNS_CODE, "hint", 11, 11),
    ]
    assert found[0].column == 12 and found[0].end_column == len("                  len(rows))")
    assert found[1].message.startswith("Never runs: line 10 `if verbose:` is always false here")


def test_results_are_kept_per_function_text_and_move_with_the_function() -> None:
    cache: dict[bytes, object] = {}
    first = never_runs_findings(TWO_REGIONS, parse(TWO_REGIONS), cache)  # type: ignore[arg-type]
    assert len(cache) == 1
    moved = b"import os\n\n" + TWO_REGIONS
    again = never_runs_findings(moved, parse(moved), cache)  # type: ignore[arg-type]
    assert [(f.line, f.end_line) for f in again] == [(f.line + 2, f.end_line + 2) for f in first]
    assert "line 12 `if verbose:`" in again[1].message


def test_a_value_the_analysis_cannot_know_leaves_nothing() -> None:
    live = NEVER_RUNS.read_bytes().replace(b"sep = None", b"sep = x.sep")
    assert never_runs_findings(live, parse(live)) == []
    assert len(never_runs_findings(NEVER_RUNS.read_bytes(), parse(NEVER_RUNS.read_bytes()))) == 1


def test_the_code_is_a_known_selector() -> None:
    assert unknown_selectors(["ND001", "ND0"]) == []
