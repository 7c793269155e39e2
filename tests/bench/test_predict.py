"""`neurodebug bench predict` end to end with the shipped model: it measures and writes its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_neurodebug


@pytest.mark.e2e
def test_bench_predict_times_steps_rollouts_and_step_outs(tmp_path: Path) -> None:
    out = tmp_path / "predict.json"
    completed = run_neurodebug(
        "bench", "predict", "--bits", "8",
        "--steps", "3", "--rollouts", "1", "--threads", "1", "--out", str(out),
        timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    models = json.loads(out.read_text())["models"]
    assert set(models) == {"fp32", "fp32-model-alone", "int8"}
    for row in models.values():
        assert row["step_ms"]["n"] == 3 and row["step_ms"]["median"] > 0
        assert row["rollout_ms"]["n"] == 1 and row["step_out_ms"]["n"] == 1
        assert 0 < row["rollout_ms"]["predicted_steps"][0] <= 50
