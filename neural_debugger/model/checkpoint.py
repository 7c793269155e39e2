"""Checkpoints: the shipped model as safetensors + config + tokenizer, loadable without network.

A checkpoint folder holds `model.safetensors` (weights; the tied output head is not stored twice),
`config.json` (model sizes and training facts: tokens seen, steps, time) and `tokenizer.json`.
Anything missing or unreadable raises `CheckpointError`, the one exception callers must handle.

`manifest.json` lists the SHA-256 of every other file; `load_checkpoint` checks it before it
reads anything, so a truncated or altered file is a clear error, never a half-loaded model.
Weights are read only as safetensors (no pickle: a checkpoint may come from anywhere).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.model.tokenizer import Tokenizer

SHIPPED_CHECKPOINT = Path(__file__).resolve().parents[1] / "checkpoints" / "default"
"""The checkpoint that ships with the package (used when no folder is given)."""

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
TOKENIZER = "tokenizer.json"
MANIFEST = "manifest.json"

LOG = logging.getLogger(__name__)


class CheckpointError(RuntimeError):
    """A checkpoint folder is missing, incomplete or corrupt."""


def save_checkpoint(
    folder: Path, model: Any, tokenizer: Tokenizer, facts: dict[str, Any] | None = None
) -> None:
    """Write the model's weights, config and tokenizer into `folder` (replacing files atomically)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    state = {
        name: tensor.detach().to("cpu").contiguous()
        for name, tensor in model.state_dict().items()
        if name != "head.weight"
    }
    temporary = folder / (WEIGHTS + ".tmp")
    save_file(state, str(temporary), metadata={"format": "neurodebug-model-1"})
    temporary.replace(folder / WEIGHTS)
    config = {"model": model.config.to_json(), "facts": facts or {}}
    (folder / (CONFIG + ".tmp")).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (folder / (CONFIG + ".tmp")).replace(folder / CONFIG)
    tokenizer.save(folder / TOKENIZER)
    write_manifest(folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: Path) -> None:
    """Record the SHA-256 of the weights, config and tokenizer in `manifest.json` (atomically)."""
    files = {name: _sha256(folder / name) for name in (WEIGHTS, CONFIG, TOKENIZER)}
    manifest = {"format": "neurodebug-manifest-1", "sha256": files}
    temporary = folder / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    temporary.replace(folder / MANIFEST)


def verify_manifest(folder: Path) -> bool:
    """Check every file against `manifest.json`; False when there is no manifest to check.

    Raises `CheckpointError` naming the first file that is missing or differs.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return False
    try:
        expected = json.loads(path.read_text())["sha256"]
        items = [(str(name), str(value)) for name, value in expected.items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointError(f"corrupt checkpoint at {folder}: unreadable {MANIFEST}") from error
    for name, digest in items:
        if "/" in name or name.startswith("."):
            raise CheckpointError(f"corrupt checkpoint at {folder}: bad name {name!r} in manifest")
        file = folder / name
        if not file.is_file():
            raise CheckpointError(f"corrupt checkpoint at {folder}: {name} is missing")
        if _sha256(file) != digest:
            raise CheckpointError(
                f"corrupt checkpoint at {folder}: {name} does not match its SHA-256 in {MANIFEST} "
                "(truncated or modified)"
            )
    return True


def load_checkpoint(folder: Path | None = None) -> tuple[Any, Tokenizer, dict[str, Any]]:
    """(model in eval mode, tokenizer, facts) from `folder` (default: the shipped checkpoint)."""
    from neurodebug.extras import require_neural

    require_neural("the neural debugger")
    from neurodebug.neural_debugger.model.model import DebuggerModel, ModelConfig
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = folder or SHIPPED_CHECKPOINT
    for name in (WEIGHTS, CONFIG, TOKENIZER):
        if not (folder / name).is_file():
            raise CheckpointError(f"no model checkpoint at {folder} (missing {name})")
    if not verify_manifest(folder):
        LOG.warning("checkpoint at %s has no %s; its files are not verified", folder, MANIFEST)
    try:
        config_data = json.loads((folder / CONFIG).read_text())
        config = ModelConfig.from_json(config_data["model"])
        tokenizer = Tokenizer.load(folder / TOKENIZER)
        state = load_file(str(folder / WEIGHTS))
        model = DebuggerModel(config)
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or [name for name in missing if name != "head.weight"]:
            raise CheckpointError(f"checkpoint at {folder} does not match its config")
    except CheckpointError:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, SafetensorError) as error:
        raise CheckpointError(f"corrupt checkpoint at {folder}: {error}") from error
    if tokenizer.size > config.vocab_size:
        raise CheckpointError(
            f"checkpoint at {folder}: tokenizer larger than the model's vocabulary"
        )
    model.eval()
    return model, tokenizer, dict(config_data.get("facts", {}))
