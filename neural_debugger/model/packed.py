"""Tokenised training data on disk: every sequence of a split packed into three flat arrays.

Its own module because two others share it and one of them calls the other: `corpus_data`
writes it (`prepare_data` tokenises a corpus into `OUT/data/{train,val}.npz`) and `train`
reads it back, and `train` calls `prepare_data` on a first run. Needs numpy, not torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class PackedData:
    """Sequences stored flat: tokens and loss masks concatenated, with start offsets."""

    tokens: np.ndarray
    mask: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.offsets[index], self.offsets[index + 1]
        return self.tokens[start:end], self.mask[start:end]

    def save(self, path: Path) -> None:
        np.savez(path, tokens=self.tokens, mask=self.mask, offsets=self.offsets)

    @staticmethod
    def load(path: Path) -> PackedData:
        data = np.load(path)
        return PackedData(data["tokens"], data["mask"], data["offsets"])

    @staticmethod
    def from_sequences(sequences: list[tuple[list[int], list[int]]]) -> PackedData:
        lengths = [len(tokens) for tokens, _ in sequences]
        offsets = np.zeros(len(sequences) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(lengths)
        tokens = np.fromiter((t for seq, _ in sequences for t in seq), dtype=np.int16)
        mask = np.fromiter((m for _, seq in sequences for m in seq), dtype=np.uint8)
        return PackedData(tokens, mask, offsets)
