"""The model: the KV cache and batched decoding give the same logits as a full forward pass."""

from __future__ import annotations

import torch
from neurodebug.neural_debugger.model.model import DebuggerModel, ModelConfig
from torch.nn import functional as F


def tiny_model() -> DebuggerModel:
    torch.manual_seed(0)
    model = DebuggerModel(ModelConfig(vocab_size=50, block_size=64, n_layer=2, n_head=2, n_embd=16))
    return model.eval()


def test_cached_decoding_matches_full_forward() -> None:
    model = tiny_model()
    tokens = torch.randint(0, 50, (1, 20))
    full, _ = model(tokens)
    last, cache = model.prefill(tokens[:, :12])
    assert torch.allclose(last, full[:, 11], atol=1e-5)
    for position in range(12, 20):
        last, cache = model.step(tokens[:, position : position + 1], cache)
        assert torch.allclose(last, full[:, position], atol=1e-5)


def test_left_padded_batch_with_positions_matches_single_rows() -> None:
    model = tiny_model()
    header = torch.randint(0, 50, (1, 8))
    _, cache = model.prefill(header)
    rows = [torch.randint(0, 50, (5,)), torch.randint(0, 50, (3,))]
    width = 5
    tokens = torch.zeros(2, width, dtype=torch.long)
    positions = torch.zeros(2, width, dtype=torch.long)
    valid = torch.zeros(2, 8 + width, dtype=torch.bool)
    valid[:, :8] = True
    for index, row in enumerate(rows):
        offset = width - len(row)
        tokens[index, offset:] = row
        positions[index, offset:] = torch.arange(8, 8 + len(row))
        valid[index, 8 + offset :] = True
    batched_cache = [(k.expand(2, -1, -1, -1), v.expand(2, -1, -1, -1)) for k, v in cache]
    logits, _ = model(tokens, batched_cache, last_only=True, positions=positions, key_valid=valid)
    for index, row in enumerate(rows):
        alone, _ = model(torch.cat((header[0], row)).view(1, -1))
        assert torch.allclose(logits[index, -1], alone[0, -1], atol=1e-5)


def test_loss_on_target_positions_equals_masked_full_cross_entropy() -> None:
    model = tiny_model()
    tokens = torch.randint(0, 50, (3, 16))
    targets = torch.randint(0, 50, (3, 16))
    targets[:, :10] = -1
    logits, _ = model(tokens)
    expected = F.cross_entropy(logits.reshape(-1, 50), targets.reshape(-1), ignore_index=-1)
    assert torch.allclose(model.loss(tokens, targets), expected, atol=1e-6)


def test_training_steps_reduce_the_loss() -> None:
    model = tiny_model().train()
    tokens = torch.randint(0, 50, (4, 16))
    targets = torch.roll(tokens, -1, dims=1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    first = float(model.loss(tokens, targets).detach())
    for _ in range(30):
        loss = model.loss(tokens, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert float(model.loss(tokens, targets).detach()) < first * 0.7
