"""Group-wise weight-only quantization at 2–8 bits: the primitives and the reference that defines
correctness.

Everything a fast path must agree with lives here, in plain torch:

- `quantize(w, bits, group_size, scheme)` splits each row of `w` (N, K) into groups of
  `group_size` consecutive inputs and maps every group onto the integers `0 .. 2**bits - 1`
  with one fp32 scale and one zero point per group: `w ≈ (q - zero) * scale`.
  `"asym"` fits the group's [min, max] exactly (fractional zero point); `"sym"` fixes the zero
  point at `2**(bits-1)` and fits [-max|w|, max|w|].
- `pack_bits` stores the codes densely, `bits` bits per weight in a little-endian bitstream of
  32-bit words per row: 3-, 5-, 6- and 7-bit codes straddle word boundaries and no bit is wasted.
  A row of K codes takes exactly K * bits / 32 words because K is a multiple of the group size,
  which is a multiple of 32.
- `reference_matmul` dequantizes and multiplies in fp64: the answer the Triton and C++ kernels
  are tested against (max abs error ≤ 1e-4 × max|y|).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

Scheme = Literal["asym", "sym"]
SCHEMES: tuple[Scheme, ...] = ("asym", "sym")
BIT_WIDTHS = (2, 3, 4, 5, 6, 7, 8)
GROUP_SIZES = (32, 64, 128)
WORD_BITS = 32


@dataclass
class QuantizedWeight:
    """A quantized (N, K) weight: packed codes plus one scale and zero point per group.

    The storage format (what safetensors files hold); kernels repack it for their own layout.
    """

    packed: torch.Tensor  # (N, K * bits // 32) int32: dense little-endian bitstream per row
    scales: torch.Tensor  # (N, K // group_size) float32
    zeros: torch.Tensor  # (N, K // group_size) float32; integer-valued for "sym"
    bits: int
    group_size: int
    scheme: Scheme
    out_features: int  # N
    in_features: int  # K

    @property
    def n_groups(self) -> int:
        return self.in_features // self.group_size

    def codes(self) -> torch.Tensor:
        """The unpacked integer codes, (N, K) uint8."""
        return unpack_bits(self.packed, self.bits, self.in_features)

    def nbytes(self) -> int:
        """Bytes a kernel must read: packed codes, scales and zero points."""
        return sum(t.numel() * t.element_size() for t in (self.packed, self.scales, self.zeros))


def check_config(bits: int, group_size: int, in_features: int, scheme: str = "asym") -> None:
    """Raise ValueError for a configuration no kernel supports, saying which value is wrong."""
    if bits not in BIT_WIDTHS:
        raise ValueError(f"bits must be one of {BIT_WIDTHS}, got {bits}")
    if group_size <= 0 or group_size % WORD_BITS:
        raise ValueError(f"group_size must be a positive multiple of 32, got {group_size}")
    if in_features % group_size:
        raise ValueError(
            f"in_features ({in_features}) must be a multiple of group_size ({group_size})"
        )
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")


def quantize(
    weight: torch.Tensor, bits: int, group_size: int, scheme: Scheme = "asym"
) -> QuantizedWeight:
    """Quantize an (N, K) weight group-wise along K (round to nearest)."""
    assert weight.dim() == 2, f"expected a 2-d weight, got shape {tuple(weight.shape)}"
    n, k = weight.shape
    check_config(bits, group_size, k, scheme)
    qmax = (1 << bits) - 1
    w = weight.detach().to(torch.float32).reshape(n, k // group_size, group_size)
    if scheme == "asym":
        low = w.amin(dim=-1)
        high = w.amax(dim=-1)
        scales = ((high - low) / qmax).clamp(min=1e-10)
        zeros = -low / scales
    else:
        half = 1 << (bits - 1)
        scales = (w.abs().amax(dim=-1) / max(half - 1, 1)).clamp(min=1e-10)
        zeros = torch.full_like(scales, float(half))
    codes = torch.round(w / scales[..., None] + zeros[..., None]).clamp_(0, qmax)
    return QuantizedWeight(
        packed=pack_bits(codes.reshape(n, k).to(torch.uint8), bits),
        scales=scales.contiguous(),
        zeros=zeros.contiguous(),
        bits=bits,
        group_size=group_size,
        scheme=scheme,
        out_features=n,
        in_features=k,
    )


def _to_int32(words: torch.Tensor) -> torch.Tensor:
    """Reinterpret int64 values in [0, 2**32) as the int32 with the same bits."""
    return torch.where(words >= 1 << 31, words - (1 << 32), words).to(torch.int32)


def pack_bits(codes: torch.Tensor, bits: int) -> torch.Tensor:
    """Pack (N, K) codes < 2**bits into (N, K * bits / 32) int32 words, densely.

    Code `k` of a row occupies bits `k*bits .. k*bits + bits - 1` of the row's bitstream (bit
    `i` is bit `i % 32` of word `i // 32`). Every 32 codes fill exactly `bits` words, so the
    loop runs over the 32 positions of such a chunk, vectorised over all chunks.
    """
    n, k = codes.shape
    assert k % WORD_BITS == 0, "rows must hold a multiple of 32 codes"
    assert int(codes.max()) < 1 << bits if codes.numel() else True, "code out of range"
    chunks = codes.to(torch.int64).reshape(n, k // WORD_BITS, WORD_BITS)
    words = torch.zeros(n, k // WORD_BITS, bits, dtype=torch.int64)
    mask32 = (1 << 32) - 1
    for i in range(WORD_BITS):
        word, shift = divmod(i * bits, WORD_BITS)
        value = chunks[..., i]
        words[..., word] |= (value << shift) & mask32
        if shift + bits > WORD_BITS:  # the code straddles into the next word
            words[..., word + 1] |= value >> (WORD_BITS - shift)
    return _to_int32(words.reshape(n, k * bits // WORD_BITS))


def unpack_bits(packed: torch.Tensor, bits: int, in_features: int) -> torch.Tensor:
    """Inverse of `pack_bits`: (N, K * bits / 32) int32 words to (N, K) uint8 codes."""
    n = packed.shape[0]
    assert packed.shape[1] * WORD_BITS == in_features * bits, "packed size does not match K"
    words = (packed.to(torch.int64) & ((1 << 32) - 1)).reshape(n, in_features // WORD_BITS, bits)
    codes = torch.empty(n, in_features // WORD_BITS, WORD_BITS, dtype=torch.int64)
    mask = (1 << bits) - 1
    for i in range(WORD_BITS):
        word, shift = divmod(i * bits, WORD_BITS)
        value = words[..., word] >> shift
        if shift + bits > WORD_BITS:
            value = value | (words[..., word + 1] << (WORD_BITS - shift))
        codes[..., i] = value & mask
    return codes.reshape(n, in_features).to(torch.uint8)


def dequantize(qw: QuantizedWeight, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """The (N, K) weight the codes stand for: (q - zero) * scale, computed in `dtype`."""
    codes = qw.codes().to(dtype).reshape(qw.out_features, qw.n_groups, qw.group_size)
    weight = (codes - qw.zeros.to(dtype)[..., None]) * qw.scales.to(dtype)[..., None]
    return weight.reshape(qw.out_features, qw.in_features)


def reference_matmul(
    x: torch.Tensor,
    qw: QuantizedWeight,
    bias: torch.Tensor | None = None,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """y = x @ dequantize(qw).T (+ bias) in `dtype`; fp64 is the ground truth for tests."""
    y = x.to(dtype) @ dequantize(qw, dtype).T
    if bias is not None:
        y = y + bias.to(dtype)
    return y


def max_relative_error(y: torch.Tensor, reference: torch.Tensor) -> float:
    """max |y - reference| / max |reference|: the correctness measure of the issue."""
    scale = float(reference.abs().max())
    return float((y.to(torch.float64) - reference).abs().max()) / max(scale, 1e-30)
