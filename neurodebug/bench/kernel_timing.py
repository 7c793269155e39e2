"""The kernel benchmark behind `neurodebug bench kernels`: matvec timings from main memory.

Method (the issue's): one process, `threads` torch threads, batch 1. Every kernel gets a pool
of copies of its weight totalling ≥ 8x the L3 cache, so each call reads its weight from memory.
Calls are interleaved (call i of every kernel, in rotating order, then call i+1), `calls` per
repeat, `repeats` times; the streaming read bandwidth is probed between calls in the same run,
and every kernel's achieved GB/s (bytes it must read / median time) is given as a fraction
of the fastest probe.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch.nn import functional as F

from neurodebug.kernels import cpu, quant

GiB = 1 << 30


@dataclass
class Kernel:
    """One contender: a call that reads weight copy `i % len(pool)`."""

    name: str
    bytes_read: int
    call: Callable[[int], Any]
    copies: int
    every: int = 1  # time one call in `every` (for the slow reference)
    times: list[list[float]] = field(default_factory=list)  # per repeat, seconds


def l3_bytes() -> int:
    """The last-level cache size from sysfs (32 MiB if it cannot be read)."""
    best = 0
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            text = (index / "size").read_text().strip()
        except OSError:
            continue
        scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
        digits = text.rstrip("KMG")
        if digits.isdigit():
            best = max(best, int(digits) * scale)
    return best or 32 << 20


def copies_for(nbytes: int, pool_bytes: int) -> int:
    return max(2, math.ceil(pool_bytes / max(nbytes, 1)))


def int4_reference_pack(weight: torch.Tensor, group_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """aten's int4 format: packed codes and (K/G, N, 2) bf16 scales and zeros."""
    qw = quant.quantize(weight, 4, group_size, "asym")
    codes = qw.codes().to(torch.int32)
    packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(codes, 2)
    # aten computes (q - 8) * scale + zero: zero = (8 - z) * scale in that convention
    zeros = (8 - qw.zeros) * qw.scales
    scales_zeros = torch.stack([qw.scales.T, zeros.T], dim=-1).to(torch.bfloat16).contiguous()
    return packed, scales_zeros


def build_kernels(
    n: int, k: int, bits_list: list[int], group_size: int, pool_bytes: int, reference_every: int
) -> tuple[list[Kernel], dict[str, float]]:
    """Every contender at one (N, K), plus our kernel's max relative error per bit width."""
    generator = torch.Generator().manual_seed(n * 31 + k)
    weight = torch.randn(n, k, generator=generator) * 0.02
    x = torch.randn(1, k, generator=generator)
    x_bf16 = x.to(torch.bfloat16)
    kernels: list[Kernel] = []

    def pooled(
        name: str, tensor_bytes: int, make: Callable[[], Any], run: Callable[[Any], Any]
    ) -> None:
        copies = copies_for(tensor_bytes, pool_bytes)
        pool = [make() for _ in range(copies)]
        kernels.append(Kernel(name, tensor_bytes, lambda i: run(pool[i % copies]), copies))

    pooled("fp32", n * k * 4, weight.clone, lambda w: F.linear(x, w))
    w_bf16 = weight.to(torch.bfloat16)
    pooled("bf16", n * k * 2, w_bf16.clone, lambda w: F.linear(x_bf16, w))
    scale8 = (weight.abs().amax(dim=1) / 127).clamp(min=1e-10)
    w8 = torch.round(weight / scale8[:, None]).to(torch.int8)
    s8 = scale8.to(torch.bfloat16)
    pooled(
        "aten_int8",
        n * k + n * 2,
        w8.clone,
        lambda w: torch.ops.aten._weight_int8pack_mm(x_bf16, w, s8),
    )
    packed4, scales_zeros = int4_reference_pack(weight, group_size)
    int4_bytes = packed4.numel() * packed4.element_size() + scales_zeros.numel() * 2
    pooled(
        "aten_int4",
        int4_bytes,
        lambda: (packed4.clone(), scales_zeros.clone()),
        lambda p: torch.ops.aten._weight_int4pack_mm_for_cpu(x_bf16, p[0], group_size, p[1]),
    )
    errors: dict[str, float] = {}
    for bits in bits_list:
        qw = quant.quantize(weight, bits, group_size)
        layout = cpu.cpu_layout(qw)
        errors[str(bits)] = quant.max_relative_error(
            cpu.cpu_matmul(x, layout), quant.reference_matmul(x, qw)
        )
        if bits == 4:

            def reference(i: int, qw: quant.QuantizedWeight = qw) -> torch.Tensor:
                return quant.reference_matmul(x, qw, dtype=torch.float32)

            kernels.append(Kernel("reference_4bit", qw.nbytes(), reference, 1, reference_every))
        pooled(f"ours_{bits}bit", layout.nbytes(), layout.clone, lambda p: cpu.cpu_matmul(x, p))
    return kernels, errors


def stream_bandwidth(buffer: torch.Tensor) -> float:
    """GB/s (1e9 bytes) of one full read of `buffer` with the kernel's threads."""
    start = time.perf_counter()
    cpu.stream_read(buffer)
    return buffer.numel() * 4 / (time.perf_counter() - start) / 1e9


def run_shape(
    n: int,
    k: int,
    *,
    bits_list: list[int],
    group_size: int,
    calls: int,
    repeats: int,
    reference_calls: int,
    pool_bytes: int,
    probe: torch.Tensor,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Time every contender at (N, K); returns the JSON-ready result for this shape."""
    log(f"{n}x{k}: building weight pools ({pool_bytes / GiB:.2f} GiB per kernel)")
    every = max(1, calls // max(reference_calls, 1))
    kernels, errors = build_kernels(n, k, bits_list, group_size, pool_bytes, every)
    bandwidths: list[float] = []
    for repeat in range(repeats):
        for kernel in kernels:
            kernel.times.append([])
        for i in range(calls):
            if i % 50 == 0:
                bandwidths.append(stream_bandwidth(probe))
            shift = i % len(kernels)
            for kernel in kernels[shift:] + kernels[:shift]:  # rotate the order every call
                if i % kernel.every:
                    continue
                start = time.perf_counter()
                kernel.call(i)
                kernel.times[repeat].append(time.perf_counter() - start)
        log(f"{n}x{k}: repeat {repeat + 1}/{repeats} done")
    # The bound is the fastest probe: on a shared machine preemption only ever slows a probe
    # down, so the median understates what the memory system can deliver.
    bandwidth = max(bandwidths)
    results: dict[str, Any] = {}
    for kernel in kernels:
        flat = sorted(t for run in kernel.times for t in run)
        median = statistics.median(flat)
        gbps = kernel.bytes_read / median / 1e9
        results[kernel.name] = {
            "median_ms": median * 1e3,
            "p10_ms": flat[len(flat) // 10] * 1e3,
            "p90_ms": flat[(len(flat) * 9) // 10] * 1e3,
            "repeat_medians_ms": [statistics.median(run) * 1e3 for run in kernel.times],
            "calls": len(flat),
            "weight_copies": kernel.copies,
            "bytes_read": kernel.bytes_read,
            "achieved_gbps": gbps,
            "fraction_of_bandwidth": gbps / bandwidth,
        }
    return {
        "shape": [n, k],
        "stream_read_gbps": {
            "median": statistics.median(bandwidths),
            "min": min(bandwidths),
            "max": max(bandwidths),
            "bound": bandwidth,
            "probes": len(bandwidths),
        },
        "kernels": results,
        "max_relative_error": errors,
        "ratios": ratios(results),
    }


def ratios(results: dict[str, Any]) -> dict[str, float]:
    """The issue's floors as ratios of medians measured in this one run."""
    time_of = {name: entry["median_ms"] for name, entry in results.items()}
    out: dict[str, float] = {}
    if "ours_4bit" in time_of:
        out["fp32_over_ours_4bit"] = time_of["fp32"] / time_of["ours_4bit"]
        out["ours_4bit_over_aten_int4"] = time_of["ours_4bit"] / time_of["aten_int4"]
        out["ours_4bit_fraction_of_bandwidth"] = results["ours_4bit"]["fraction_of_bandwidth"]
        for bits in (2, 3):
            if f"ours_{bits}bit" in time_of:
                out[f"ours_{bits}bit_over_ours_4bit"] = (
                    time_of[f"ours_{bits}bit"] / time_of["ours_4bit"]
                )
    if "ours_8bit" in time_of:
        out["fp32_over_ours_8bit"] = time_of["fp32"] / time_of["ours_8bit"]
    return out


def floors(shape_result: dict[str, Any]) -> dict[str, bool]:
    """Which of the issue's floors this shape's run meets."""
    r = shape_result["ratios"]
    checks = {
        "4bit_3x_faster_than_fp32": r.get("fp32_over_ours_4bit", 0) >= 3,
        "4bit_half_of_bandwidth": r.get("ours_4bit_fraction_of_bandwidth", 0) >= 0.5,
        "4bit_within_1.2x_of_aten_int4": r.get("ours_4bit_over_aten_int4", 9) <= 1.2,
        "3bit_not_slower_than_4bit": r.get("ours_3bit_over_ours_4bit", 9) <= 1.0,
        "2bit_not_slower_than_4bit": r.get("ours_2bit_over_ours_4bit", 9) <= 1.0,
        "8bit_2x_faster_than_fp32": r.get("fp32_over_ours_8bit", 0) >= 2,
        "error_within_1e-4": max(shape_result["max_relative_error"].values(), default=1) <= 1e-4,
    }
    return checks


def run_layers(
    shapes: list[tuple[int, int]],
    *,
    bits_list: list[int],
    group_size: int,
    calls: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """A model's own layer shapes, called in turn (one 'step' cycles through all of them)."""
    generator = torch.Generator().manual_seed(5)
    usable = [(n, k) for n, k in shapes if k % group_size == 0]
    weights = [torch.randn(n, k, generator=generator) * 0.02 for n, k in usable]
    xs = [torch.randn(1, k, generator=generator) for _, k in usable]

    def dense(w: torch.Tensor, x: torch.Tensor) -> Callable[[], Any]:
        return lambda: F.linear(x, w)

    def packed(p: cpu.CpuPacked, x: torch.Tensor) -> Callable[[], Any]:
        return lambda: cpu.cpu_matmul(x, p)

    variants = {"fp32": [dense(w, x) for w, x in zip(weights, xs, strict=True)]}
    for bits in bits_list:
        layouts = [cpu.cpu_layout(quant.quantize(w, bits, group_size)) for w in weights]
        variants[f"ours_{bits}bit"] = [packed(p, x) for p, x in zip(layouts, xs, strict=True)]
    totals: dict[str, list[float]] = {name: [] for name in variants}
    log(f"model layers: {len(usable)} shapes, {calls} passes")
    for _ in range(calls):
        for name, layer_calls in variants.items():
            start = time.perf_counter()
            for call in layer_calls:
                call()
            totals[name].append(time.perf_counter() - start)
    return {
        "shapes": [list(s) for s in usable],
        "skipped_shapes": [list(s) for s in shapes if s not in usable],
        "pass_median_ms": {name: statistics.median(t) * 1e3 for name, t in totals.items()},
    }


def machine_facts(threads: int) -> dict[str, Any]:
    """What the numbers were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "threads": threads,
        "l3_bytes": l3_bytes(),
        "kernel_isa": cpu.best_isa(),
        "torch": torch.__version__,
        "load_average": list(os.getloadavg()),
    }
