"""`neurodebug bench fixes` and `bench analyze --peers` run end to end and write their JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_neurodebug


def test_bench_fixes_times_a_rule_before_and_after(tmp_path: Path) -> None:
    out = tmp_path / "fixes.json"
    completed = run_neurodebug(
        "bench", "fixes", "ND315", "ND309", "--n", "20", "--repeat", "1", "--out", str(out)
    )
    assert completed.returncode == 0, completed.stderr
    rows = {row["code"]: row for row in json.loads(out.read_text())["rules"]}
    assert set(rows) == {"ND309", "ND315"}
    for row in rows.values():
        assert row["fixes_applied"] >= 1
        assert row["before_seconds"] > 0 and row["after_seconds"] > 0
    assert "ND315 naive-recursion (unsafe)" in completed.stdout


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_bench_analyze_peers_counts_findings_per_tool(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "slow.py").write_text(
        "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    return out\n"
    )
    out = tmp_path / "analyze.json"
    completed = run_neurodebug(
        "bench", "analyze", "--peers", "--skip-pylint", "--root", str(corpus), "--out", str(out)
    )
    assert completed.returncode == 0, completed.stderr
    results = json.loads((tmp_path / "analyze-peers.json").read_text())
    tools = {tool["tool"].split()[0]: tool for tool in results["tools"]}
    assert tools["neurodebug"]["findings_per_rule"] == {"ND104": 1}
    assert tools["ruff"]["findings_per_rule"] == {"PERF401": 1}
    assert results["files"] == 1 and results["lines"] == 5
    assert "ratio_to_ruff" in results


def test_bench_analyze_startup_times_the_command_against_a_bare_interpreter(
    tmp_path: Path,
) -> None:
    out = tmp_path / "analyze_startup.json"
    completed = run_neurodebug("bench", "analyze", "--startup", "2", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    results = json.loads(out.read_text())
    medians = results["median_seconds"]
    assert set(medians) == {"python -c pass", "neurodebug analyze one.py"}
    assert medians["neurodebug analyze one.py"] > medians["python -c pass"] > 0
    assert results["neurodebug_own_seconds"] == pytest.approx(
        medians["neurodebug analyze one.py"] - medians["python -c pass"], abs=1e-3
    )
