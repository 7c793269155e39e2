"""The compiled CPU kernel against the fp64 reference, for every bit width, group size and ISA.

The extension is built once into a cache folder keyed by the source hash, so only the first
run on a machine compiles (about a minute); later runs load the cached library.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from neurodebug.kernels import cpu, kernel_cache, quant  # noqa: E402

TOLERANCE = 1e-4  # max abs error / max|y|, the floor for fp32 accumulation


@pytest.fixture(scope="module")
def isas() -> list[str]:
    if cpu.load_extension() is None:
        pytest.skip("the CPU kernel could not be built here (no C++ compiler?)")
    return cpu.supported_isas()


@pytest.mark.parametrize("group_size", quant.GROUP_SIZES)
@pytest.mark.parametrize("bits", quant.BIT_WIDTHS)
def test_kernel_matches_fp64_reference(bits: int, group_size: int, isas: list[str]) -> None:
    generator = torch.Generator().manual_seed(100 * bits + group_size)
    n, k = 40, 256  # 40 rows: two full tiles of 16 and a padded one
    weight = torch.randn(n, k, generator=generator)
    bias = torch.randn(n, generator=generator)
    for scheme in quant.SCHEMES:
        qw = quant.quantize(weight, bits, group_size, scheme)
        packed = cpu.cpu_layout(qw)
        for batch in (1, 3, 7):  # matvec and the small-batch paths (chunks of 4, 2, 1)
            x = torch.randn(batch, k, generator=generator)
            expected = quant.reference_matmul(x, qw, bias)
            for isa in isas:
                y = cpu.cpu_matmul(x, packed, bias, isa=isa)
                assert y.shape == (batch, n)
                error = quant.max_relative_error(y, expected)
                assert error <= TOLERANCE, (isa, scheme, batch, error)


def test_kernel_handles_large_dynamic_range_inputs(isas: list[str]) -> None:
    """An outlier activation (as in real models) must not wash out the small ones."""
    generator = torch.Generator().manual_seed(7)
    qw = quant.quantize(torch.randn(32, 128, generator=generator), 4, 32)
    x = torch.randn(2, 128, generator=generator) * 1e-3
    x[0, 5] = 300.0
    x[1, 77] = -1e-8
    expected = quant.reference_matmul(x, qw)
    for isa in isas:
        error = quant.max_relative_error(cpu.cpu_matmul(x, cpu.cpu_layout(qw), isa=isa), expected)
        assert error <= TOLERANCE, (isa, error)


def test_layout_fallback_decodes_the_same_codes() -> None:
    """The pure-torch decoder of the tiled layout is the kernel's no-compiler fallback."""
    generator = torch.Generator().manual_seed(3)
    for bits in quant.BIT_WIDTHS:
        qw = quant.quantize(torch.randn(20, 64, generator=generator), bits, 32)
        x = torch.randn(2, 64, generator=generator)
        y = cpu.reference_cpu_matmul(x, cpu.cpu_layout(qw))
        assert quant.max_relative_error(y, quant.reference_matmul(x, qw)) <= TOLERANCE


def test_leading_dimensions_are_kept(isas: list[str]) -> None:
    qw = quant.quantize(torch.randn(16, 64), 3, 32)
    x = torch.randn(2, 5, 64)
    y = cpu.cpu_matmul(x, cpu.cpu_layout(qw))
    assert y.shape == (2, 5, 16)
    expected = quant.reference_matmul(x.reshape(10, 64), qw).reshape(2, 5, 16)
    assert quant.max_relative_error(y, expected) <= TOLERANCE


def test_build_is_cached_by_source_hash(isas: list[str]) -> None:
    name = kernel_cache.extension_name()
    folder = kernel_cache.cache_root() / name
    assert list(folder.glob(f"{name}*.so")), "the built library should sit in the cache"
    assert cpu.best_isa() in cpu.ISAS


def test_stream_read_reads_every_word(isas: list[str]) -> None:
    data = torch.arange(3_000_001, dtype=torch.int32) % 7  # small: SIMD lanes sum in int32
    assert cpu.stream_read(data) == int(data.to(torch.int64).sum())
