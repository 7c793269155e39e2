"""Starting a BPE model from a trained v1 checkpoint keeps what each shared token meant."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from neurodebug.neural_debugger.model.checkpoint import load_checkpoint
from neurodebug.neural_debugger.model.model import DebuggerModel, ModelConfig
from neurodebug.neural_debugger.model.tokenizer import load_bpe
from neurodebug.neural_debugger.model.train import train
from neurodebug.neural_debugger.model.transfer import load_transferred

from tests.neural_debugger.model.test_train import options
from tests.neural_debugger.neural_fixtures import tiny_checkpoint


def test_rows_are_kept_for_shared_tokens_and_spelled_for_the_rest() -> None:
    old_model, old_tok, facts = checkpoint = load_checkpoint(tiny_checkpoint())
    bpe = load_bpe()
    config = old_model.config
    new = DebuggerModel(
        ModelConfig(vocab_size=(bpe.size + 63) // 64 * 64, block_size=2048,
                    n_layer=config.n_layer, n_head=config.n_head, n_embd=config.n_embd)
    )  # fmt: skip
    counts = load_transferred(new, checkpoint, bpe)
    old, table = old_model.embed.weight, new.embed.weight
    for name in ("<bos>", "<eos>", "L17", "D3"):
        assert torch.equal(table[bpe.ids[name]], old[old_tok.ids[name]]), name
    piece = bpe.encode_text(" return")
    assert len(piece) == 1  # one BPE token; v1 spells it as its learned word or as bytes
    spelled = old_tok.encode_text(" return")
    assert torch.allclose(table[piece[0]], old[spelled].mean(dim=0))
    assert torch.equal(new.head.weight, table)  # the output head follows the tied table
    for name, tensor in old_model.state_dict().items():
        if name.startswith("blocks."):
            assert torch.equal(new.state_dict()[name], tensor), name
    assert counts["same"] >= 28 + 512 + 32 and counts["spelled"] > 1000
    del facts


def test_a_model_of_another_shape_is_refused() -> None:
    checkpoint = load_checkpoint(tiny_checkpoint())
    other = DebuggerModel(
        ModelConfig(vocab_size=4736, block_size=64, n_layer=2, n_head=2, n_embd=32)
    )
    with pytest.raises(ValueError, match="cannot start"):
        load_transferred(other, checkpoint, load_bpe())


def test_a_run_can_start_from_an_exported_checkpoint_with_another_vocabulary(
    tmp_path: Path,
) -> None:
    run = options(tmp_path / "v2", 1)
    run.init_from = str(tiny_checkpoint())
    train(run)
    _model, tok, facts = load_checkpoint(tmp_path / "v2" / "checkpoint")
    assert tok.size == load_bpe().size and facts["step"] == 1
