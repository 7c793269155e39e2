"""Start a model with a new vocabulary (or window) from a trained one: keep what it learned.

Why: the shipped v1 model saw 75M tokens; a v2 run (BPE, 2,048-token window) from scratch would
spend its first hours relearning the language of stops and values. Everything but the embedding
table carries over as it is (positions are rotary, so a longer window needs no new weights):
- a token both vocabularies have (the structure tokens `<bos>`, `L17`, `D2`, … and any text
  piece spelled the same) keeps its row;
- any other text piece starts at the mean of the old rows that spell it (the old tokenizer
  always can: it falls back to bytes), the usual warm start for a vocabulary change;
- padding rows (the table is rounded up to a multiple of 64) start as a fresh model's do.
The output head is tied to the embedding table, so it follows.
"""

from __future__ import annotations

from typing import Any

import torch
from neurodebug.neural_debugger.model.model import DebuggerModel
from neurodebug.neural_debugger.model.tokenizer import Tokenizer


def token_text(tok: Tokenizer, token: int) -> str | None:
    """The text a token spells, None for a structure token."""
    return tok.decode_text([token]) if tok.is_text(token) else None


def transferred_embeddings(
    old: torch.Tensor, old_tok: Tokenizer, new_tok: Tokenizer, rows: int
) -> tuple[torch.Tensor, dict[str, int]]:
    """The new table (`rows` × width) and how each row was made (`same`, `spelled`, `fresh`)."""
    table = torch.randn(rows, old.shape[1]) * 0.02
    counts = {"same": 0, "spelled": 0, "fresh": rows}
    for token in range(new_tok.size):
        text = token_text(new_tok, token)
        if text is None:
            found = old_tok.ids.get(new_tok.vocab[token])
            if found is None or old_tok.is_text(found):
                continue
            table[token] = old[found]
            kind = "same"
        else:
            spelled = old_tok.encode_text(text)
            if not spelled:
                continue
            table[token] = old[spelled].mean(dim=0)
            kind = "same" if len(spelled) == 1 else "spelled"
        counts[kind] += 1
        counts["fresh"] -= 1
    return table, counts


def load_transferred(model: DebuggerModel, checkpoint: Any, new_tok: Tokenizer) -> dict[str, int]:
    """Load `checkpoint` (a `(model, tokenizer, facts)` from `load_checkpoint`) into `model`,
    whose vocabulary is `new_tok`'s: blocks and norms copied, the embedding table transferred."""
    old_model, old_tok, _facts = checkpoint
    mine, theirs = model.config, old_model.config
    shape = (mine.n_layer, mine.n_head, mine.n_embd)
    if shape != (theirs.n_layer, theirs.n_head, theirs.n_embd):
        raise ValueError(
            f"cannot start a {shape} (layers, heads, width) model from a "
            f"{(theirs.n_layer, theirs.n_head, theirs.n_embd)} one"
        )
    state = {
        name: tensor
        for name, tensor in old_model.state_dict().items()
        if name not in ("embed.weight", "head.weight")
    }
    old_table = old_model.embed.weight.detach()
    table, counts = transferred_embeddings(old_table, old_tok, new_tok, mine.vocab_size)
    state["embed.weight"] = table
    state["head.weight"] = table
    model.load_state_dict(state)
    return counts
