"""The benchmark's program pairs: at least 40, each complete, each slow one with findings."""

from __future__ import annotations

import ast
from pathlib import Path

from neurodebug.analyzers.rules import check_source

from neurodebug.bench.speedups import find_pairs
from neurodebug.config import Settings

PAIRS = Path(__file__).resolve().parents[2] / "benchmarks" / "speedups"


def test_at_least_forty_pairs_with_entry_and_findings() -> None:
    pairs = find_pairs(PAIRS)
    assert len(pairs) >= 40
    assert len({pair.name.split("_", 1)[1] for pair in pairs}) == len(pairs)  # distinct tasks
    for pair in pairs:
        for path in (pair.slow, pair.fast):
            tree = ast.parse(path.read_text())
            assert ast.get_docstring(tree), f"{path.name} says what task it does"
            assert any(
                isinstance(node, ast.FunctionDef) and node.name == "entry" for node in tree.body
            ), f"{path.name} has no entry()"
        # every rule, opt-in ones too: a pair whose slowness only an opt-in rule names is
        # still a pair (bench speedups then shows the default set leaving it alone)
        findings = check_source(pair.slow.read_bytes(), pair.slow, Settings(select=("ND",)))
        assert findings, f"{pair.slow.name}: the rules find nothing in the slow version"
    assert sorted(path.name for path in PAIRS.glob("*.py")) == sorted(
        name for pair in pairs for name in (pair.slow.name, pair.fast.name)
    )
