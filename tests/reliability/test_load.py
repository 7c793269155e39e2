"""Concurrent editing load on the real server (a short run of `neurodebug bench load`)."""

from __future__ import annotations

import pytest

from neurodebug.bench.load import percentiles, run_load

pytestmark = pytest.mark.e2e


def test_percentiles_use_nearest_rank() -> None:
    values = [i / 1000 for i in range(1, 101)]  # 1..100 ms
    assert percentiles(values) == {
        "count": 100,
        "p50_ms": 50.0,
        "p95_ms": 95.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
    }


def test_every_request_is_answered_under_concurrent_edits() -> None:
    result = run_load(documents=6, seconds=4.0, rate=5.0, seed=3)
    assert result["server_alive"]
    assert result["requests"] >= 6 * 2 * 5  # at least five rounds of hover + hints per document
    assert result["unanswered_requests"] == 0
    assert result["requests_answered_with_error"] == 0
    assert result["final_diagnostics_for_every_document"]
    assert result["documents_in_sync"]
    assert result["hover"]["count"] == result["inlay_hint"]["count"] == result["requests"] // 2
