"""`neurodebug bench kernels`: low-bit CPU kernels vs torch fp32/bf16/aten int8/int4, cold weights.

Prints a table (or JSON with --format json), writes JSON to --out and, with --plot FILE.png,
draws time and achieved bandwidth per kernel and bit width. See neurodebug.bench.kernel_timing for
the method.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from neurodebug.bench.results import add_output_argument, write_results
from neurodebug.extras import require_neural


def _shapes(text: str) -> list[tuple[int, int]]:
    """'4096x4096,4096x11008' -> [(4096, 4096), (4096, 11008)] as (out, in)."""
    shapes = []
    for item in text.split(","):
        if item.strip():
            n, _, k = item.strip().lower().partition("x")
            shapes.append((int(n), int(k)))
    return shapes


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "kernels", help="time the low-bit CPU kernels against torch", description=__doc__
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--plot", type=Path, help="write a PNG of time and bandwidth per kernel")
    parser.add_argument(
        "--shapes",
        default="4096x4096,4096x11008",
        help="OUTxIN weight shapes (default: %(default)s)",
    )
    parser.add_argument(
        "--model-shapes",
        default="",
        help="a model's layer shapes OUTxIN,... timed as one pass through all of them",
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help="model checkpoint folder for the model-level part (default: the shipped one, if any)",
    )
    parser.add_argument("--model-bits", default="8,4,3", help="bit widths for the model part")
    parser.add_argument(
        "--model-group-size",
        type=int,
        default=64,
        help="group size for the model part (the shipped model is 192 wide: 64 divides it)",
    )
    parser.add_argument(
        "--no-model", action="store_true", help="skip the model-level part even with a checkpoint"
    )
    parser.add_argument(
        "--eval-programs",
        type=int,
        default=40,
        help="held-out programs per model variant (0: none)",
    )
    parser.add_argument("--corpus", type=Path, default=Path("corpus/v1"))
    parser.add_argument("--bits", default="2,3,4,5,6,8", help="bit widths (default: %(default)s)")
    parser.add_argument("--group-size", type=int, default=128)
    parser.add_argument("--calls", type=int, default=200, help="timed calls per repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--reference-calls",
        type=int,
        default=20,
        help="timed calls per repeat of the (slow, unpack-in-torch) reference",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--pool-factor", type=float, default=8.0, help="weight pool per kernel, in L3 sizes"
    )
    add_output_argument(parser, "kernels")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    torch = require_neural("bench kernels")
    from neurodebug.bench import kernel_timing as bench
    from neurodebug.kernels import cpu

    try:
        shapes = _shapes(args.shapes)
        model_shapes = _shapes(args.model_shapes)
        bits_list = [int(b) for b in args.bits.split(",") if b.strip()]
    except ValueError as error:
        print(f"neurodebug: bad --shapes/--model-shapes/--bits: {error}", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)

    def log(message: str) -> None:
        print(f"bench kernels: {message}", file=sys.stderr, flush=True)

    if cpu.load_extension() is None:
        log("the compiled kernel is unavailable: timing the torch fallback")
    pool_bytes = int(bench.l3_bytes() * args.pool_factor)
    probe = torch.ones(max(pool_bytes, 256 << 20) // 4, dtype=torch.int32)
    results: dict[str, Any] = {
        "machine": bench.machine_facts(args.threads),
        "settings": {
            "group_size": args.group_size,
            "calls": args.calls,
            "repeats": args.repeats,
            "reference_calls": args.reference_calls,
            "pool_bytes_per_kernel": pool_bytes,
            "batch": 1,
        },
        "shapes": [],
    }
    for n, k in shapes:
        shape = bench.run_shape(
            n,
            k,
            bits_list=bits_list,
            group_size=args.group_size,
            calls=args.calls,
            repeats=args.repeats,
            reference_calls=args.reference_calls,
            pool_bytes=pool_bytes,
            probe=probe,
            log=log,
        )
        shape["floors"] = bench.floors(shape)
        results["shapes"].append(shape)
    checkpoint = None if args.no_model else args.checkpoint or shipped_checkpoint()
    if checkpoint is not None:
        from neurodebug.bench.kernels_model import run_model

        model_bits = [int(b) for b in args.model_bits.split(",") if b.strip()]
        results["model"] = run_model(
            checkpoint,
            bits_list=model_bits,
            group_size=args.model_group_size,
            corpus=args.corpus,
            eval_programs=args.eval_programs,
            steps=200,
            log=log,
        )
        model_shapes = model_shapes or [tuple(s) for s in results["model"]["layer_shapes"]]
        layer_group = args.model_group_size
    else:
        layer_group = args.group_size
        log("no checkpoint: skipping the model-level part (give --checkpoint or --model-shapes)")
    if model_shapes:
        results["model_layers"] = bench.run_layers(
            model_shapes,
            bits_list=bits_list,
            group_size=layer_group,
            calls=args.calls,
            log=log,
        )
    write_results(args.out, results)
    if args.plot:
        from neurodebug.bench.kernel_plot import plot_results

        plot_results(results, args.plot)
        log(f"plot written to {args.plot}")
    if args.format == "json":
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        print(text_report(results))
    log(f"results written to {args.out}")
    return 0


def shipped_checkpoint() -> Path | None:
    """The shipped checkpoint folder, where one has been committed."""
    from neurodebug.neural_debugger.model.checkpoint import SHIPPED_CHECKPOINT

    return SHIPPED_CHECKPOINT if (SHIPPED_CHECKPOINT / "model.safetensors").is_file() else None


def text_report(results: dict[str, Any]) -> str:
    """A fixed-width table per shape, then the ratios and floors."""
    lines = []
    for shape in results["shapes"]:
        n, k = shape["shape"]
        bw = shape["stream_read_gbps"]
        lines.append(
            f"{n}x{k}  (stream read {bw['max']:.1f} GB/s best, {bw['median']:.1f} median, {results['machine']['threads']} threads)"
        )
        lines.append(
            f"  {'kernel':<16}{'median ms':>10}{'p10':>8}{'p90':>8}{'GB/s':>8}{'of bw':>8}"
        )
        for name, entry in shape["kernels"].items():
            lines.append(
                f"  {name:<16}{entry['median_ms']:>10.3f}{entry['p10_ms']:>8.3f}"
                f"{entry['p90_ms']:>8.3f}{entry['achieved_gbps']:>8.1f}"
                f"{entry['fraction_of_bandwidth']:>8.0%}"
            )
        for name, value in shape["ratios"].items():
            lines.append(f"  {name}: {value:.2f}")
        errors = ", ".join(f"{b}:{e:.1e}" for b, e in shape["max_relative_error"].items())
        lines.append(f"  max |err| / max|y| by bits: {errors}")
        for name, ok in shape["floors"].items():
            lines.append(f"  [{'ok' if ok else 'MISSED'}] {name}")
    model = results.get("model")
    if model:
        lines.append(f"model {model['checkpoint']}: batch-1 decoding step, eval next-line accuracy")
        for name, entry in model["variants"].items():
            accuracy = entry.get("eval", {}).get("next_line_accuracy")
            shown = f"{100 * accuracy:.1f}%" if accuracy is not None else "-"
            lines.append(f"  {name:<8}{entry['step_ms']:>8.2f} ms/step   next-line {shown}")
    layers = results.get("model_layers")
    if layers:
        lines.append(f"model layers {layers['shapes']} (one pass, batch 1):")
        for name, ms in layers["pass_median_ms"].items():
            lines.append(f"  {name:<16}{ms:>10.3f} ms")
    return "\n".join(lines)
