"""`neurodebug bench analyze` on a small folder: the table and the JSON it writes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_neurodebug


def test_bench_over_a_folder_writes_both_rates(tmp_path: Path) -> None:
    corpus = tmp_path / "lib"
    (corpus / "pkg").mkdir(parents=True)
    (corpus / "test").mkdir()
    (corpus / "pkg" / "a.py").write_text("def f(x):\n    if x:\n        return 1\n    return 2\n")
    (corpus / "b.py").write_text("class C:\n    def m(self):\n        return self\n")
    (corpus / "test" / "skipped.py").write_text("x = 1\n" * 100)
    out = tmp_path / "results.json"
    completed = run_neurodebug("bench", "analyze", "--root", str(corpus), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    assert "parse + all facts" in completed.stdout
    results = json.loads(out.read_text())
    assert results["files"] == 2  # the test folder is skipped
    assert results["lines"] == 7
    assert results["counts"]["functions"] == 5  # two module bodies, f, C, C.m
    assert results["parse_lines_per_second"] > 0 and results["facts_lines_per_second"] > 0
    assert results["facts_cpu_seconds"] > 0 and results["facts_lines_per_cpu_second"] > 0
    assert results["counts"]["bindings"] == 5  # f, x (module a.py); C, m, self (b.py)


def test_bench_rejects_a_missing_root(tmp_path: Path) -> None:
    completed = run_neurodebug("bench", "analyze", "--root", str(tmp_path / "none"))
    assert completed.returncode == 2
