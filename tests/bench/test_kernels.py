"""`neurodebug bench kernels` end to end on tiny shapes: JSON shape, correctness, the floors table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_neurodebug

pytest.importorskip("torch")


@pytest.mark.slow
def test_bench_kernels_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "kernels.json"
    completed = run_neurodebug(
        "bench", "kernels", "--shapes", "64x256", "--bits", "3,4,8", "--calls", "6",
        "--repeats", "2", "--reference-calls", "2", "--pool-factor", "0.05",
        "--model-shapes", "96x128,128x100", "--group-size", "32", "--format", "json", "--no-model",
        "--out", str(out), timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-2000:]
    results = json.loads(out.read_text())
    assert json.loads(completed.stdout) == results
    (shape,) = results["shapes"]
    assert shape["shape"] == [64, 256]
    expected = {"fp32", "bf16", "aten_int8", "aten_int4", "reference_4bit"}
    assert set(shape["kernels"]) == expected | {"ours_3bit", "ours_4bit", "ours_8bit"}
    assert all(entry["calls"] >= 2 for entry in shape["kernels"].values())
    assert shape["kernels"]["fp32"]["calls"] == 12  # every call of both repeats
    assert max(shape["max_relative_error"].values()) <= 1e-4
    assert shape["floors"]["error_within_1e-4"] is True
    assert shape["stream_read_gbps"]["median"] > 0
    layers = results["model_layers"]
    assert layers["shapes"] == [[96, 128]]  # 100 inputs are not a multiple of the group size
    assert layers["skipped_shapes"] == [[128, 100]]
    assert set(layers["pass_median_ms"]) == {"fp32", "ours_3bit", "ours_4bit", "ours_8bit"}


def test_bench_kernels_rejects_bad_shapes() -> None:
    completed = run_neurodebug("bench", "kernels", "--shapes", "64by256")
    assert completed.returncode == 2
    assert "bad --shapes" in completed.stderr
