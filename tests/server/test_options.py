"""Settings merge: valid values apply, invalid ones are logged and the previous value kept."""

from __future__ import annotations

import pytest
from neurodebug.server.options import ServerOptions, merge_options


def test_the_confidence_threshold_is_a_probability(caplog: pytest.LogCaptureFixture) -> None:
    options = merge_options(ServerOptions(), {"confidenceThreshold": 0.75}, "test")
    assert options.confidence_threshold == 0.75
    for wrong in (1.5, -0.1, "high", True):
        assert merge_options(options, {"confidenceThreshold": wrong}, "test") == options
    assert "confidenceThreshold" in caplog.text
