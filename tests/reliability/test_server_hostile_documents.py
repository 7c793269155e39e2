"""Hostile documents in the real server: deep nesting, huge lines, binary junk, broken UTF-16.

Every request about them gets an answer (a result or an error response, never silence), the
server keeps running, and a normal document opened afterwards still gets its diagnostics.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from neurodebug.bench.lsp_client import LspProcess
from tests.reliability.test_analyzer_fuzz import NESTED

pytestmark = pytest.mark.e2e

HOSTILE = {
    **NESTED,
    "long_line": "x = [" + "1, " * 300_000 + "]\n",  # ~900 KB on one line
    "junk": "\x00\udc80".encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    + "\ufeff" * 50,
    "emoji": "def f(😀):\n    return '😀' * 3\n" * 200,
}


def test_hostile_documents_get_answers_and_the_server_survives(tmp_path: Path) -> None:
    client = LspProcess.start(tmp_path)
    try:
        ids = []
        for name, text in HOSTILE.items():
            uri = (tmp_path / f"{name}.py").as_uri()
            client.open(uri, text)
            where = {"textDocument": {"uri": uri}}
            for line, character in ((0, 0), (0, 10**6), (500, 3)):
                position = {**where, "position": {"line": line, "character": character}}
                ids.append(client.request("textDocument/hover", position))
                ids.append(client.request("textDocument/documentHighlight", position))
            whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10**6, "character": 0}}
            ids.append(client.request("textDocument/inlayHint", {**where, "range": whole}))
            ids.append(client.request("textDocument/codeLens", where))
        unanswered = [i for i in ids if client.wait(i, 120.0) is None]
        assert unanswered == []
        errors = [
            client.responses[i].message["error"]
            for i in ids
            if "error" in client.responses[i].message
        ]
        assert errors == []  # not even a RecursionError on 1,000 nested lambdas
        assert client.process.poll() is None
        uri = (tmp_path / "normal.py").as_uri()
        client.open(uri, "def f(xs):\n    out = []\n    for x in xs:\n        out = out + [x]\n")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
            n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri
            for n in client.notifications
        ):
            time.sleep(0.1)
        assert any(
            n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri
            for n in client.notifications
        )
    finally:
        assert client.shutdown() == 0
