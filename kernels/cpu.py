"""The compiled CPU kernel: build once per source version, pick the widest SIMD the CPU has.

`cpu_kernel.cpp` is compiled with `torch.utils.cpp_extension` on first use into a user cache
folder keyed by a hash of the source, torch and Python versions, so later runs (and tests) load
the cached library without rebuilding. One binary carries AVX-512, AVX2 and scalar variants;
the C++ side picks one at run time from the CPU's features. Row tiles are split over
`torch.get_num_threads()` threads by a small work-claiming pool (see `Pool` in the source). Where no C++ compiler is present
(or the build fails) `cpu_matmul` falls back to the fp32 reference and warns once.

A long-running host should not let the first matmul pay for the build (about a minute): it
asks `is_built()` (cheap: the library in this process or in the cache) and calls `warm_up()`
on a worker thread ahead of time (the language server does at start-up, serving its model at
fp32 meanwhile; `neurodebug predict --bits` does before loading, saying so on stderr).

The kernel reads its own layout (see the comment at the top of `cpu_kernel.cpp`), built here
from the dense storage bitstream by `cpu_layout`.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import torch

from .kernel_cache import SOURCE, cache_root, extension_name, library_in_cache
from .quant import QuantizedWeight, dequantize

log = logging.getLogger(__name__)

TILE_ROWS = 16
BLOCK_K = 32
ISAS = {"scalar": 0, "avx2": 1, "avx512": 2, "avx512vnni": 3}

# A b-bit code split into planes (width, shift): the layout keeps every plane's fields aligned
# to 32-bit words, so the kernel never decodes a field that straddles two words.
PLANES: dict[int, tuple[tuple[int, int], ...]] = {
    2: ((2, 0),),
    3: ((2, 0), (1, 2)),
    4: ((4, 0),),
    5: ((4, 0), (1, 4)),
    6: ((4, 0), (2, 4)),
    7: ((4, 0), (2, 4), (1, 6)),
    8: ((8, 0),),
}


@dataclass
class CpuPacked:
    """A quantized weight in the CPU kernel's tiled layout (rows padded to a multiple of 16)."""

    words: torch.Tensor  # (T, K/32, bits, 16) int32
    scales: torch.Tensor  # (T, K/group_size, 16) float32
    zero_scales: torch.Tensor  # (T, K/group_size, 16) float32: zero point * scale
    bits: int
    group_size: int
    out_features: int
    in_features: int

    def nbytes(self) -> int:
        """Bytes one matmul streams from memory."""
        return sum(
            t.numel() * t.element_size() for t in (self.words, self.scales, self.zero_scales)
        )

    def clone(self) -> CpuPacked:
        """An independent copy (benchmarks use many to defeat the cache)."""
        return CpuPacked(
            self.words.clone(),
            self.scales.clone(),
            self.zero_scales.clone(),
            self.bits,
            self.group_size,
            self.out_features,
            self.in_features,
        )


def _tiles(values: torch.Tensor, rows: int) -> torch.Tensor:
    """Pad (N, C) to (T*16, C) with zeros and view it as (T, 16, C)."""
    pad = rows - values.shape[0]
    if pad:
        values = torch.cat([values, values.new_zeros(pad, *values.shape[1:])])
    return values.reshape(rows // TILE_ROWS, TILE_ROWS, *values.shape[1:])


def cpu_layout(qw: QuantizedWeight) -> CpuPacked:
    """Repack the storage bitstream into the kernel's tiled plane layout (still dense)."""
    n, k = qw.out_features, qw.in_features
    rows = -(-n // TILE_ROWS) * TILE_ROWS
    codes = _tiles(qw.codes().to(torch.int64), rows)  # (T, 16, K)
    t = rows // TILE_ROWS
    planes = []
    for width, shift in PLANES[qw.bits]:
        per_byte = 8 // width
        # k = 4 * (word * per_byte + j) + b sits at bits 8b + width*j of its word
        values = ((codes >> shift) & ((1 << width) - 1)).reshape(
            t, TILE_ROWS, k // BLOCK_K, width, per_byte, 4
        )
        positions = torch.tensor(
            [[8 * b + width * j for b in range(4)] for j in range(per_byte)], dtype=torch.int64
        )
        planes.append((values << positions).sum((-1, -2)))  # (T, 16, K/32, width)
    words = torch.cat(planes, dim=-1).permute(0, 2, 3, 1)  # (T, K/32, bits, 16)
    words = torch.where(words >= 1 << 31, words - (1 << 32), words).to(torch.int32).contiguous()
    scales = _tiles(qw.scales, rows).permute(0, 2, 1).contiguous()  # (T, NG, 16)
    zero_scales = _tiles(qw.zeros * qw.scales, rows).permute(0, 2, 1).contiguous()
    return CpuPacked(words, scales, zero_scales, qw.bits, qw.group_size, n, k)


_lock = threading.Lock()
_state: dict[str, ModuleType | None] = {}
_warned = False


def _import_built(name: str, folder: Path) -> ModuleType | None:
    """Import an already-built library from the cache without invoking the build system."""
    for path in sorted(folder.glob(f"{name}*.so")):
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return None


def is_built() -> bool:
    """Whether the kernel is ready without compiling: loaded in this process, or a library for
    this source, torch and Python sits in the cache (a failed build counts as not built)."""
    with _lock:
        if "module" in _state:
            return _state["module"] is not None
    return library_in_cache()


def warm_up() -> bool:
    """Build (or load) the kernel now, blocking; True when it is usable. Call it from a worker
    thread: a first build takes about a minute. Failure warns once, as `load_extension` does."""
    return load_extension() is not None


def build_in_background_process(timeout: float = 900.0) -> bool:
    """Build the kernel in a child process at low CPU priority, then load it here; True when
    usable. For a long-lived process with other work (the language server): the compiler
    gets what the editor's own requests leave, and this process's interpreter lock is not held
    by the build (on the first start on a 2-core machine a same-process build delayed the
    first diagnostics of a 10k-line module to 12.8 s)."""
    if not is_built():
        script = (
            "import os; os.nice(10)\n"
            "from neurodebug.kernels import cpu\n"
            "raise SystemExit(0 if cpu.warm_up() else 1)\n"
        )
        try:
            subprocess.run(
                [sys.executable, "-c", script],
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            log.warning("building the CPU kernel in a child process failed (%s)", error)
    return warm_up()  # loads the cached library, or builds here if the child could not


STALE_LOCK_SECONDS = 600.0
"""A build lock older than this was left by a process that died mid-build (a build takes about a
minute); torch would wait on it forever."""


def clear_stale_lock(folder: Path, max_age: float = STALE_LOCK_SECONDS) -> bool:
    """Remove torch's build lock (`lock` in the build folder) when it is older than `max_age`
    seconds: a background build killed with its host (an editor closed during the first
    minute) leaves it behind. True if one was removed."""
    lock = folder / "lock"
    try:
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return False
    if age < max_age:
        return False
    log.warning("removing a stale kernel build lock (%.0f s old): %s", age, lock)
    lock.unlink(missing_ok=True)
    return True


def _build() -> ModuleType:
    name = extension_name()
    folder = cache_root() / name
    folder.mkdir(parents=True, exist_ok=True)
    module = _import_built(name, folder)
    if module is not None:
        return module
    clear_stale_lock(folder)
    compiler = os.environ.get("CXX", "c++")
    if shutil.which(compiler) is None:
        raise RuntimeError(f"no C++ compiler ({compiler!r} not found on PATH)")
    from torch.utils import cpp_extension

    log.warning("compiling the CPU kernel once into %s (about a minute)", folder)
    built: ModuleType = cpp_extension.load(
        name=name,
        sources=[str(SOURCE)],
        extra_cflags=["-O3", "-fno-math-errno"],
        build_directory=str(folder),
        verbose=False,
    )
    return built


def load_extension() -> ModuleType | None:
    """The compiled kernel module, or None (with one warning) where it cannot be built."""
    global _warned
    with _lock:
        if "module" not in _state:
            try:
                _state["module"] = _build()
            except Exception as error:  # any build failure means: use the reference
                _state["module"] = None
                if not _warned:
                    _warned = True
                    warnings.warn(
                        f"neurodebug: the compiled CPU kernel is unavailable ({error}); "
                        "falling back to the (much slower) torch reference",
                        RuntimeWarning,
                        stacklevel=2,
                    )
        return _state["module"]


def best_isa() -> str:
    """The instruction set the compiled kernel uses on this CPU ("reference" without it)."""
    module = load_extension()
    if module is None:
        return "reference"
    number = int(module.best_isa())
    return next(name for name, value in ISAS.items() if value == number)


def supported_isas() -> list[str]:
    """Every kernel variant this CPU can run, narrowest first."""
    module = load_extension()
    if module is None:
        return []
    top = int(module.best_isa())
    return [name for name, value in ISAS.items() if value <= top]


def reference_cpu_matmul(
    x: torch.Tensor, packed: CpuPacked, bias: torch.Tensor | None = None
) -> torch.Tensor:
    """The fallback: dequantize the tiled layout in fp32 and call F.linear."""
    t, kb, bits, _ = packed.words.shape
    words = packed.words.to(torch.int64) & 0xFFFFFFFF
    codes = torch.zeros(t, TILE_ROWS, kb, BLOCK_K, dtype=torch.int64)
    offset = 0
    for width, shift in PLANES[bits]:
        per_byte = 8 // width
        plane = words[:, :, offset : offset + width, :].permute(0, 3, 1, 2)  # (T, 16, KB, w)
        positions = torch.tensor(
            [[8 * b + width * j for b in range(4)] for j in range(per_byte)], dtype=torch.int64
        )
        values = (plane[..., None, None] >> positions) & ((1 << width) - 1)
        codes |= values.reshape(t, TILE_ROWS, kb, BLOCK_K) << shift
        offset += width
    n, k, g = packed.out_features, packed.in_features, packed.group_size
    codes_f = codes.reshape(t * TILE_ROWS, k // g, g).to(torch.float32)
    scales = packed.scales.permute(0, 2, 1).reshape(t * TILE_ROWS, k // g, 1)
    zero_scales = packed.zero_scales.permute(0, 2, 1).reshape(t * TILE_ROWS, k // g, 1)
    weight = (codes_f * scales - zero_scales).reshape(t * TILE_ROWS, k)[:n]
    return torch.nn.functional.linear(x.to(torch.float32), weight, bias)


def cpu_matmul(
    x: torch.Tensor, packed: CpuPacked, bias: torch.Tensor | None = None, isa: str | None = None
) -> torch.Tensor:
    """y = x @ W.T (+ bias) for x of shape (..., K) with the compiled kernel (fp32 result).

    `isa` forces a variant ("avx512", "avx2", "scalar"); None picks the best this CPU runs.
    """
    lead = x.shape[:-1]
    x2 = x.reshape(-1, packed.in_features)
    module = load_extension()
    if module is None:
        y = reference_cpu_matmul(x2, packed, bias)
    else:
        y = module.qmatmul(
            x2,
            packed.words,
            packed.scales,
            packed.zero_scales,
            bias,
            packed.bits,
            packed.group_size,
            packed.out_features,
            -1 if isa is None else ISAS[isa],
        )
    return y.reshape(*lead, packed.out_features)


def stream_read(data: torch.Tensor) -> int:
    """Read an int32 tensor once with every thread (bandwidth probe); returns a checksum."""
    module = load_extension()
    if module is None:
        return int(data.sum())
    return int(module.stream_read(data))


def dequantize_fp32(qw: QuantizedWeight) -> torch.Tensor:
    """The fp32 weight, for batches too large for the matvec kernel to pay off."""
    return dequantize(qw, torch.float32)
