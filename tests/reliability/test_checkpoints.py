"""Checkpoints from anywhere: a SHA-256 manifest, safetensors only, clear errors, static features.

A truncated, altered or pickled file must raise `CheckpointError` naming the problem (never
load half a model, never unpickle), and the server must keep its static features working.
"""

from __future__ import annotations

import json
import pickle
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from neurodebug.neural_debugger.model.checkpoint import (
    CONFIG,
    MANIFEST,
    WEIGHTS,
    CheckpointError,
    load_checkpoint,
    write_manifest,
)

from neurodebug.bench.lsp_client import LspProcess
from tests.neural_debugger.neural_fixtures import tiny_checkpoint


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    folder = tmp_path / "ckpt"
    shutil.copytree(tiny_checkpoint(), folder)
    return folder


def test_saved_checkpoints_have_a_manifest_that_loads(checkpoint: Path) -> None:
    manifest = json.loads((checkpoint / MANIFEST).read_text())
    assert set(manifest["sha256"]) == {WEIGHTS, CONFIG, "tokenizer.json"}
    model, tokenizer, _ = load_checkpoint(checkpoint)
    assert tokenizer.size > 0 and sum(p.numel() for p in model.parameters()) > 0


@pytest.mark.parametrize("keep", [0, 8, 100, -1])
def test_truncated_weights_are_a_clear_error(checkpoint: Path, keep: int) -> None:
    weights = checkpoint / WEIGHTS
    data = weights.read_bytes()
    weights.write_bytes(data[:keep] if keep >= 0 else data[:-1])
    with pytest.raises(CheckpointError, match="does not match its SHA-256"):
        load_checkpoint(checkpoint)


def test_truncated_weights_without_a_manifest_still_fail_cleanly(checkpoint: Path) -> None:
    (checkpoint / MANIFEST).unlink()
    weights = checkpoint / WEIGHTS
    weights.write_bytes(weights.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="corrupt checkpoint"):
        load_checkpoint(checkpoint)


def test_a_pickle_is_never_unpickled(checkpoint: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (Path.touch, (str(marker),))  # type: ignore[return-value]

    (checkpoint / WEIGHTS).write_bytes(pickle.dumps(Exploit()))
    write_manifest(checkpoint)  # even with a matching manifest: the format itself is refused
    with pytest.raises(CheckpointError, match="corrupt checkpoint"):
        load_checkpoint(checkpoint)
    assert not marker.exists()


def test_altered_config_and_bad_manifest(checkpoint: Path) -> None:
    config = json.loads((checkpoint / CONFIG).read_text())
    config["facts"]["note"] = "edited"
    (checkpoint / CONFIG).write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=f"{CONFIG} does not match"):
        load_checkpoint(checkpoint)
    (checkpoint / MANIFEST).write_text('{"sha256": {"../etc/passwd": "0"}}')
    with pytest.raises(CheckpointError, match="bad name"):
        load_checkpoint(checkpoint)
    (checkpoint / MANIFEST).write_text("{trunc")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_checkpoint(checkpoint)


@pytest.mark.e2e
def test_server_with_a_corrupt_checkpoint_keeps_static_features(
    checkpoint: Path, tmp_path: Path
) -> None:
    (checkpoint / WEIGHTS).write_bytes(b"\x00" * 64)
    client = LspProcess.start(tmp_path, {"checkpoint": str(checkpoint)})
    try:
        uri = (tmp_path / "a.py").as_uri()
        client.open(uri, "def f(xs):\n    out = []\n    for x in xs:\n        out = out + [x]\n")
        predict = client.wait(
            client.request(
                "workspace/executeCommand",
                {"command": "neurodebug.predict", "arguments": [{"uri": uri, "line": 1}]},
            ),
            60.0,
        )
        assert predict is not None and "error" in predict  # refused, with a message
        hover = client.wait(
            client.request(
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 5}},
            ),
            30.0,
        )
        assert hover is not None and "result" in hover
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
            n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri
            for n in client.notifications
        ):
            time.sleep(0.1)
        published = [
            n["params"]
            for n in client.notifications
            if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri
        ]
        assert published, "no diagnostics with a corrupt checkpoint"
        assert client.process.poll() is None
    finally:
        assert client.shutdown() == 0
