"""Protocol fuzzing of the real server over stdio (a smaller run of `neurodebug bench fuzz`).

The same properties as the benchmark's 10,000-message run: the server never exits, answers
every valid request (during and after the abuse), and its text of every document equals the
client's after every kind of edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from neurodebug.bench.fuzz import fuzz_protocol
from neurodebug.bench.lsp_client import LspProcess, position_of, utf16_len

pytestmark = pytest.mark.e2e


def test_positions_count_utf16_code_units() -> None:
    text = "é😀x\nab"
    assert utf16_len("😀") == 2
    assert position_of(text, 3) == {"line": 0, "character": 4}
    assert position_of(text, 5) == {"line": 1, "character": 1}


@pytest.mark.parametrize("seed", [1, 2])
def test_protocol_fuzz_keeps_the_server_up_and_in_sync(seed: int) -> None:
    result = fuzz_protocol(messages=1200, rapid_edits=300, seed=seed)
    assert result["messages_sent"] >= 1200
    assert result["server_alive_after_fuzz"]
    assert result["unanswered_valid_requests"] == 0
    assert result["valid_requests"] > 100
    assert result["documents_in_sync"]
    assert result["exit_status_after_shutdown"] == 0
    assert 0 < result["peak_rss_mb"] < 1024


def test_digest_command_tracks_edits(tmp_path: Path) -> None:
    client = LspProcess.start(tmp_path)
    try:
        uri = (tmp_path / "a.py").as_uri()
        client.open(uri, "x = 1\n")
        client.edit(uri, 4, 5, "'é😀'")
        answer = client.wait(
            client.request(
                "workspace/executeCommand",
                {"command": "neurodebug.documentDigest", "arguments": [uri]},
            )
        )
        assert answer is not None
        assert answer["result"]["version"] == 2
        assert answer["result"]["length"] == len("x = 'é😀'\n".encode())
        missing = client.wait(
            client.request(
                "workspace/executeCommand",
                {"command": "neurodebug.documentDigest", "arguments": ["file:///nope.py"]},
            )
        )
        assert missing is not None and missing["result"] is None
    finally:
        assert client.shutdown() == 0
