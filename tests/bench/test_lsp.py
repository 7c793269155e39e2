"""`neurodebug bench lsp` end to end on a small module: it measures and writes its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurodebug.bench.lsp import generate_module, percentile
from tests.conftest import run_neurodebug


def test_generated_module_has_the_asked_size_and_parses() -> None:
    text = generate_module(1000)
    assert 1000 <= len(text.splitlines()) <= 1020
    compile(text, "module.py", "exec")


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([3.0], 0.95) == 3.0


@pytest.mark.e2e
@pytest.mark.slow
def test_bench_lsp_writes_latencies(tmp_path: Path) -> None:
    out = tmp_path / "lsp.json"
    completed = run_neurodebug(
        "bench", "lsp", "--sizes", "300", "--edits", "4", "--hovers", "3", "--launches", "2",
        "--out", str(out), timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    results = json.loads(out.read_text())
    (edits,) = results["edits"]
    assert 300 <= edits["lines"] <= 320
    assert edits["edit_to_diagnostics"]["count"] == 4
    assert 0 < edits["edit_to_diagnostics"]["p50_ms"] <= edits["edit_to_diagnostics"]["max_ms"]
    assert results["hover"]["idle"]["count"] == 3
    assert results["hover"]["neurodebug.verify"]["outcome"] == "ok"
    assert "edit→diag p50" in completed.stdout
    startup = results["startup"]
    assert startup["launches"] == 2
    assert startup["bare_interpreter_ms"] > 0 and startup["first_launch_ms"] > 0
    assert 0 < startup["launch_to_initialized_ms"] <= startup["launch_to_initialized_max_ms"]
