"""The options of a training run, importable without torch (the CLI builds its flags from them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TrainOptions:
    """Everything that shapes a run; stored in OUT/options.json and reused on resume."""

    corpus: str
    out: str
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 256
    block_size: int = 2048
    """Window of a new run (a resumed run keeps the one in its options.json)."""
    batch_size: int = 8
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup: int = 200
    steps: int = 6000
    """Schedule length (cosine decay to `min_lr`); training continues at `min_lr` after it."""
    weight_decay: float = 0.05
    seed: int = 1234
    eval_every: int = 200
    save_minutes: float = 5.0
    max_programs: int = 0
    """Use at most this many corpus programs (0: all)."""
    threads: int = 2
    isolate_examples: bool = True
    """Each packed example attends only to the source and itself, as at inference."""
    init_from: str = ""
    """Start from this run directory's weights (its state.pt) with a fresh schedule, or from an
    exported checkpoint folder, whose vocabulary and window may differ (`transfer`)."""
    tokenizer: str = "bpe"
    """A new run's vocabulary: `bpe`, the shipped v2 BPE for Python (`tokenizer_bpe.json`), or
    `words`, v1's identifier list learned from the corpus. A run started with `--init-from RUN`
    keeps that run's tokenizer (the embedding rows belong to it)."""
