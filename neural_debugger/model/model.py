"""The neural debugger's model: a small decoder-only transformer, in one readable file.

nanoGPT-shaped (pre-norm blocks, causal self-attention, GELU MLP, tied embeddings) with rotary
position embeddings, and a key/value cache so a rollout's steps reuse the source's attention
state instead of re-reading it. Inference runs under `@torch.no_grad()`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class ModelConfig:
    """Sizes of the model; stored in every checkpoint."""

    vocab_size: int = 2048
    """Tokens in the vocabulary (tokenizer size, rounded up)."""
    block_size: int = 2048
    """Longest sequence (source + transitions) the model reads. New models read 2,048 tokens
    (a whole real function, see `bench tokenizer`); a checkpoint stores its own (the shipped
    one: 512), so changing this default never changes how a checkpoint loads."""
    n_layer: int = 4
    """Transformer blocks."""
    n_head: int = 4
    """Attention heads per block; head size = n_embd / n_head."""
    n_embd: int = 256
    """Width of the residual stream."""
    dropout: float = 0.0
    """Dropout on attention and MLP outputs (0: the corpus is large relative to the model)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> ModelConfig:
        fields = ModelConfig.__dataclass_fields__
        return ModelConfig(**{key: value for key, value in data.items() if key in fields})


KVCache = list[tuple[torch.Tensor, torch.Tensor]]
"""Per layer (keys, values), each (B, n_head, T_past, head_size)."""


def rotary_tables(
    length: int, head_size: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin tables (length, head_size/2) for rotary position embeddings."""
    inverse = 1.0 / (10000 ** (torch.arange(0, head_size, 2, device=device).float() / head_size))
    angles = torch.outer(torch.arange(length, device=device).float(), inverse)
    return angles.cos(), angles.sin()


def apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate pairs of channels of x (B, H, T, hs) by position-dependent angles (T, hs/2)."""
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (B, H, T, hs/2) each
    rotated = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)  # (B, H, T, hs/2, 2)
    return rotated.flatten(-2).type_as(x)  # (B, H, T, hs)


class SelfAttention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd, bias=False)
        self.proj = nn.Linear(config.n_embd, config.n_embd, bias=False)
        self.dropout = config.dropout

    def forward(
        self,
        x: torch.Tensor,
        cos: torch.Tensor,
        sin: torch.Tensor,
        cache: tuple[torch.Tensor, torch.Tensor] | None = None,
        key_valid: torch.Tensor | None = None,
        attn_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)  # (B, T, C) each
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, H, T, hs)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, H, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, H, T, hs)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if cache is not None:
            k = torch.cat((cache[0], k), dim=2)  # (B, H, T_past + T, hs)
            v = torch.cat((cache[1], v), dim=2)
        past = k.shape[2] - T
        if attn_mask is not None:
            # Training on packed examples: each one sees the source and itself (see train.py).
            y = F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_mask, dropout_p=self.dropout if self.training else 0.0
            )
        elif key_valid is not None:
            # Batched decoding: padding slots (False in key_valid (B, past + T)) are never read.
            causal = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(diagonal=past)
            mask = causal[None, None] & key_valid[:, None, None, :]  # (B, 1, T, past + T)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        elif past == 0:
            y = F.scaled_dot_product_attention(
                q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
            )
        else:
            # New queries see every cached key and the new keys up to their own position.
            mask = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(diagonal=past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.proj(y), (k, v)


class MLP(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.up = nn.Linear(config.n_embd, 4 * config.n_embd, bias=False)
        self.down = nn.Linear(4 * config.n_embd, config.n_embd, bias=False)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.down(F.gelu(self.up(x)))
        return F.dropout(y, self.dropout, self.training) if self.dropout else y


class Block(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(config.n_embd)
        self.attn = SelfAttention(config)
        self.norm2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(
        self,
        x: torch.Tensor,
        cos: torch.Tensor,
        sin: torch.Tensor,
        cache: tuple[torch.Tensor, torch.Tensor] | None = None,
        key_valid: torch.Tensor | None = None,
        attn_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        attended, new_cache = self.attn(self.norm1(x), cos, sin, cache, key_valid, attn_mask)
        x = x + attended
        x = x + self.mlp(self.norm2(x))
        return x, new_cache


class DebuggerModel(nn.Module):
    """Token ids in, next-token logits out; optionally with a key/value cache."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.norm = nn.LayerNorm(config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.head.weight = self.embed.weight  # tied: fewer parameters, faster early learning
        cos, sin = rotary_tables(
            config.block_size, config.n_embd // config.n_head, torch.device("cpu")
        )
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        self.apply(self._init_weights)
        for name, parameter in self.named_parameters():
            if name.endswith("proj.weight") or name.endswith("down.weight"):
                # GPT-2's scaled init: residual branches start small in deep stacks.
                nn.init.normal_(parameter, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, std=0.02)

    def parameter_count(self) -> int:
        return sum(parameter.numel() for parameter in self.parameters())

    def forward(
        self,
        tokens: torch.Tensor,
        cache: KVCache | None = None,
        last_only: bool = False,
        positions: torch.Tensor | None = None,
        key_valid: torch.Tensor | None = None,
        attn_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, KVCache]:
        """Logits (B, T, V) — or (B, 1, V) with `last_only` — and the extended cache.

        For batched decoding of rows of different lengths, `positions` (B, T) gives each new
        token's position and `key_valid` (B, T_past + T) marks which cached or new slots hold
        real tokens (False: padding, never attended to). `attn_mask` (B, 1, T, T), True where
        a query may read a key, replaces the causal mask (training on isolated examples).
        """
        _, T = tokens.shape
        past = cache[0][0].shape[2] if cache else 0
        if positions is None:
            if past + T > self.config.block_size:
                raise ValueError(f"sequence of {past + T} tokens exceeds {self.config.block_size}")
            cos = self.cos[past : past + T]  # type: ignore[index]  # (T, hs/2)
            sin = self.sin[past : past + T]  # type: ignore[index]
        else:
            if int(positions.max()) >= self.config.block_size:
                raise ValueError(f"position beyond {self.config.block_size}")
            cos = self.cos[positions][:, None]  # type: ignore[index]  # (B, 1, T, hs/2)
            sin = self.sin[positions][:, None]  # type: ignore[index]
        x = self.embed(tokens)  # (B, T, C)
        new_cache: KVCache = []
        for index, block in enumerate(self.blocks):
            layer = cache[index] if cache else None
            x, layer_cache = block(x, cos, sin, layer, key_valid, attn_mask)
            new_cache.append(layer_cache)
        x = self.norm(x)
        if last_only:
            x = x[:, -1:, :]  # (B, 1, C)
        return self.head(x), new_cache

    def hidden(
        self,
        tokens: torch.Tensor,
        positions: torch.Tensor | None = None,
        attn_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The final normalised hidden states (B, T, C), before the output head.

        Without `positions` / `attn_mask`: positions 0..T-1 and a causal mask.
        """
        if positions is None:
            cos = self.cos[: tokens.shape[1]]  # type: ignore[index]  # (T, hs/2)
            sin = self.sin[: tokens.shape[1]]  # type: ignore[index]
        else:
            cos = self.cos[positions][:, None]  # type: ignore[index]  # (B, 1, T, hs/2)
            sin = self.sin[positions][:, None]  # type: ignore[index]
        x = self.embed(tokens)  # (B, T, C)
        for block in self.blocks:
            x, _ = block(x, cos, sin, attn_mask=attn_mask)
        return self.norm(x)

    def loss(
        self,
        tokens: torch.Tensor,
        targets: torch.Tensor,
        positions: torch.Tensor | None = None,
        attn_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Mean cross-entropy over target positions; -1 in `targets` marks positions to skip.

        Only target positions go through the output head: most of a sequence is context
        (source, state), and the head is ~15% of the model's work per position.
        """
        hidden = self.hidden(tokens, positions, attn_mask)  # (B, T, C)
        keep = targets >= 0  # (B, T)
        logits = self.head(hidden[keep])  # (N, V)
        return F.cross_entropy(logits, targets[keep])

    @torch.no_grad()
    def prefill(self, tokens: torch.Tensor) -> tuple[torch.Tensor, KVCache]:
        """Read a prompt (B, T); the last position's logits (B, V) and the cache."""
        logits, cache = self(tokens, last_only=True)
        return logits[:, -1, :], cache

    @torch.no_grad()
    def step(self, tokens: torch.Tensor, cache: KVCache) -> tuple[torch.Tensor, KVCache]:
        """Feed (B, T) more tokens after a cache; the last position's logits (B, V)."""
        logits, cache = self(tokens, cache=cache, last_only=True)
        return logits[:, -1, :], cache
