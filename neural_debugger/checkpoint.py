"""Checkpoints: the shipped model as safetensors + config + tokenizer, loadable without network.

A checkpoint folder holds `model.safetensors` (weights; the tied output head is not stored twice),
`config.json` (model sizes and training facts: tokens seen, steps, time) and `tokenizer.json`.
Anything missing or unreadable raises `CheckpointError`, the one exception callers must handle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.tokenizer import Tokenizer

SHIPPED_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "default"
"""The checkpoint that ships with the package (used when no folder is given)."""

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
TOKENIZER = "tokenizer.json"


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


def load_checkpoint(folder: Path | None = None) -> tuple[Any, Tokenizer, dict[str, Any]]:
    """(model in eval mode, tokenizer, facts) from `folder` (default: the shipped checkpoint)."""
    from neurodebug.extras import require_neural

    require_neural("the neural debugger")
    from neurodebug.neural_debugger.model import DebuggerModel, ModelConfig
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = folder or SHIPPED_CHECKPOINT
    for name in (WEIGHTS, CONFIG, TOKENIZER):
        if not (folder / name).is_file():
            raise CheckpointError(f"no model checkpoint at {folder} (missing {name})")
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
