"""Draw `bench kernels` results: median time and achieved bandwidth per kernel, per shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_results(results: dict[str, Any], path: Path) -> None:
    """Two bar charts per shape (time with p10–p90 whiskers; GB/s against the stream bound)."""
    try:
        import matplotlib
    except ImportError as error:
        raise SystemExit(
            "neurodebug: --plot needs matplotlib; install it with: pip install matplotlib"
        ) from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shapes = results["shapes"]
    figure, axes = plt.subplots(
        len(shapes), 2, figsize=(12, 3.6 * len(shapes)), squeeze=False, constrained_layout=True
    )
    for row, shape in enumerate(shapes):
        names = list(shape["kernels"])
        entries = [shape["kernels"][name] for name in names]
        colors = ["#4c72b0" if name.startswith("ours") else "#999999" for name in names]
        medians = [e["median_ms"] for e in entries]
        low = [e["median_ms"] - e["p10_ms"] for e in entries]
        high = [e["p90_ms"] - e["median_ms"] for e in entries]
        n, k = shape["shape"]
        time_axis, bw_axis = axes[row]
        time_axis.bar(names, medians, color=colors, yerr=[low, high], capsize=3)
        time_axis.set_yscale("log")
        time_axis.set_ylabel("ms per call (log)")
        time_axis.set_title(f"{n}x{k} matvec, weights from memory: median, p10–p90")
        bw_axis.bar(names, [e["achieved_gbps"] for e in entries], color=colors)
        bound = shape["stream_read_gbps"]["max"]
        bw_axis.axhline(
            bound,
            color="#c44e52",
            linestyle="--",
            label=f"stream read (best probe) {bound:.1f} GB/s",
        )
        bw_axis.set_ylabel("achieved GB/s")
        bw_axis.set_title("bytes each kernel must read / median time")
        bw_axis.legend(loc="upper left")
        for axis in (time_axis, bw_axis):
            axis.tick_params(axis="x", rotation=45, labelsize=8)
    machine = results["machine"]
    figure.suptitle(
        f"neurodebug bench kernels — {machine['cpu']}, {machine['threads']} threads, "
        f"kernel ISA {machine['kernel_isa']}",
        fontsize=10,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
