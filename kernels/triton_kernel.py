"""The Triton (GPU) fused dequantize-matmul over the dense storage bitstream, any bit width 2–8.

Each program computes a (BLOCK_M, BLOCK_N) tile of y = x @ W.T. Code k of a row starts at bit
k*bits of the row's bitstream; the kernel loads the 32-bit word holding that bit and, for codes
that straddle a word boundary (3, 5, 6, 7 bits), the next one, joins them as 64 bits and shifts
the code out. Scales and zero points are per group of `group_size` inputs; a k-block never spans
two groups, so each block loads one scale and one zero point per row. Batch 1 (decoding) reduces
with an elementwise product and a sum; larger batches use `tl.dot` in full fp32 ("ieee"), so the
result meets the same 1e-4 × max|y| bound as the CPU kernel.

Needs the `gpu` extra (triton). Without a GPU it runs under `TRITON_INTERPRET=1` (set before
triton is imported), which is how the tests check it on the CPU.
"""

from __future__ import annotations

import math

import torch
import triton
import triton.language as tl

from .quant import QuantizedWeight


@triton.jit
def _qmatmul_kernel(  # type: ignore[no-untyped-def]  # triton reads the annotations
    x_ptr,
    packed_ptr,
    scales_ptr,
    zeros_ptr,
    bias_ptr,
    y_ptr,
    M,
    N,
    K,
    words_per_row,
    n_groups,
    BITS: tl.constexpr,
    GROUP: tl.constexpr,
    HAS_BIAS: tl.constexpr,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rows_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)  # (BM,) batch rows
    rows_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)  # (BN,) output features
    in_m = rows_m < M
    in_n = rows_n < N
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    row_base = packed_ptr + rows_n[:, None] * words_per_row  # (BN, 1)
    for k0 in range(0, K, BLOCK_K):
        ks = k0 + tl.arange(0, BLOCK_K)  # (BK,)
        first_bit = ks * BITS
        word = first_bit // 32
        shift = (first_bit % 32).to(tl.uint64)
        straddles = (first_bit % 32) + BITS > 32
        lo = tl.load(row_base + word[None, :], mask=in_n[:, None], other=0)  # (BN, BK) int32
        hi = tl.load(row_base + word[None, :] + 1, mask=in_n[:, None] & straddles[None, :], other=0)
        joined = lo.to(tl.uint32, bitcast=True).to(tl.uint64) | (
            hi.to(tl.uint32, bitcast=True).to(tl.uint64) << 32
        )
        codes = ((joined >> shift[None, :]) & ((1 << BITS) - 1)).to(tl.float32)  # (BN, BK)
        group = k0 // GROUP
        scale = tl.load(scales_ptr + rows_n * n_groups + group, mask=in_n, other=0.0)
        zero = tl.load(zeros_ptr + rows_n * n_groups + group, mask=in_n, other=0.0)
        weight = (codes - zero[:, None]) * scale[:, None]  # (BN, BK)
        x = tl.load(
            x_ptr + rows_m[:, None] * K + ks[None, :], mask=in_m[:, None], other=0.0
        )  # (BM, BK)
        if BLOCK_M == 1:
            acc += tl.sum(x * weight, axis=1)[None, :]  # (1, BN)
        else:
            acc += tl.dot(x, tl.trans(weight), input_precision="ieee")
    if HAS_BIAS:
        acc += tl.load(bias_ptr + rows_n, mask=in_n, other=0.0)[None, :]
    out = y_ptr + rows_m[:, None] * N + rows_n[None, :]
    tl.store(out, acc, mask=in_m[:, None] & in_n[None, :])


def block_k(group_size: int) -> int:
    """The largest power-of-two k-block (≤ 128) that never spans two groups."""
    return math.gcd(group_size, 128)


def triton_matmul(
    x: torch.Tensor, qw: QuantizedWeight, bias: torch.Tensor | None = None
) -> torch.Tensor:
    """y = x @ dequantize(qw).T (+ bias) in fp32 with the Triton kernel; x is (..., K).

    The weight's tensors must be on x's device (a CUDA device, or the CPU under the
    interpreter).
    """
    lead = x.shape[:-1]
    x2 = x.reshape(-1, qw.in_features).to(torch.float32).contiguous()
    m = x2.shape[0]
    y = torch.empty(m, qw.out_features, dtype=torch.float32, device=x2.device)
    block_m = 1 if m == 1 else 16
    block_n = 32
    grid = (triton.cdiv(m, block_m), triton.cdiv(qw.out_features, block_n))
    _qmatmul_kernel[grid](
        x2,
        qw.packed,
        qw.scales,
        qw.zeros,
        bias if bias is not None else y,
        y,
        m,
        qw.out_features,
        qw.in_features,
        qw.packed.shape[1],
        qw.n_groups,
        BITS=qw.bits,
        GROUP=qw.group_size,
        HAS_BIAS=bias is not None,
        BLOCK_M=block_m,
        BLOCK_N=block_n,
        BLOCK_K=block_k(qw.group_size),
    )
    return y.reshape(*lead, qw.out_features)
