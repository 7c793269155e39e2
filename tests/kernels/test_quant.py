"""Quantization primitives: dense packing round trips, quantization error, the reference."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from neurodebug.kernels import quant  # noqa: E402


@pytest.mark.parametrize("bits", quant.BIT_WIDTHS)
def test_pack_round_trip_is_dense(bits: int) -> None:
    generator = torch.Generator().manual_seed(bits)
    codes = torch.randint(0, 1 << bits, (5, 96), generator=generator, dtype=torch.uint8)
    packed = quant.pack_bits(codes, bits)
    assert packed.dtype == torch.int32
    assert packed.shape == (5, 96 * bits // 32)  # no wasted bits
    assert torch.equal(quant.unpack_bits(packed, bits, 96), codes)


def test_codes_straddle_word_boundaries_in_bitstream_order() -> None:
    """Code 10 of a 3-bit row holds bits 30..32: two in word 0, one in word 1."""
    codes = torch.zeros(1, 32, dtype=torch.uint8)
    codes[0, 10] = 0b111
    packed = quant.pack_bits(codes, 3)
    assert (int(packed[0, 0]) & 0xFFFFFFFF) == 0b11 << 30
    assert int(packed[0, 1]) == 1
    assert int(packed[0, 2]) == 0


@pytest.mark.parametrize("scheme", quant.SCHEMES)
@pytest.mark.parametrize("bits", quant.BIT_WIDTHS)
def test_quantization_error_is_within_half_a_step(bits: int, scheme: quant.Scheme) -> None:
    generator = torch.Generator().manual_seed(bits)
    weight = torch.randn(8, 128, generator=generator)
    qw = quant.quantize(weight, bits, 32, scheme)
    restored = quant.dequantize(qw).to(torch.float32)
    step = qw.scales.repeat_interleave(32, dim=1)
    assert ((restored - weight).abs() <= step * 0.5 + 1e-6).all()
    assert int(qw.codes().max()) < 1 << bits


def test_error_shrinks_with_more_bits() -> None:
    weight = torch.randn(16, 256, generator=torch.Generator().manual_seed(0))
    errors = [
        float((quant.dequantize(quant.quantize(weight, bits, 64)) - weight).abs().mean())
        for bits in quant.BIT_WIDTHS
    ]
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < errors[0] / 30


def test_reference_matmul_matches_dense_linear_on_dequantized_weight() -> None:
    generator = torch.Generator().manual_seed(1)
    qw = quant.quantize(torch.randn(24, 64, generator=generator), 5, 32)
    x = torch.randn(3, 64, generator=generator, dtype=torch.float64)
    bias = torch.randn(24, generator=generator)
    expected = torch.nn.functional.linear(x, quant.dequantize(qw), bias.double())
    assert torch.allclose(quant.reference_matmul(x, qw, bias), expected)


@pytest.mark.parametrize(
    ("bits", "group_size", "k", "message"),
    [
        (1, 32, 64, "bits"),
        (9, 32, 64, "bits"),
        (4, 48, 96, "multiple of 32"),
        (4, 64, 96, "in_features"),
    ],
)
def test_bad_configurations_are_refused(bits: int, group_size: int, k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        quant.quantize(torch.zeros(4, k), bits, group_size)
