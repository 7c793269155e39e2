"""`neurodebug bench predict`: latency of the neural debugger on a 40-line function.

Measures, on this machine, the median and p95 time of one step prediction (state + action ->
next stop, the source's cache warm, as in the editor; a step the model decides, not folding), of
a 50-step step-into rollout and of one step out of the whole function (composed of single steps),
for the full-precision model and for weight-only quantized serving through `neurodebug.kernels`;
the full-precision model once more with folding and composing off (the model alone).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from neurodebug.bench.results import add_output_argument, write_results
from neurodebug.extras import require_neural

SOURCE = """def summarize(values, limit):
    total = 0
    count = 0
    best = None
    seen = set()
    parts = []
    for i, v in enumerate(values):
        if v in seen:
            continue
        seen.add(v)
        if v < 0:
            total -= v
        elif v > limit:
            total += limit
            parts.append(i)
        else:
            total += v
        count += 1
        if best is None or v > best:
            best = v
    ratio = total / count if count else 0.0
    label = "empty"
    if count > 5:
        label = "many"
    elif count > 2:
        label = "some"
    elif count:
        label = "few"
    flags = []
    for p in parts:
        if p % 2 == 0:
            flags.append(p)
    span = len(parts)
    if span and flags:
        span = span - len(flags)
    out = {"total": total, "best": best}
    out["label"] = label
    out["span"] = span
    out["ratio"] = round(ratio, 2)
    return out
"""
"""A 40-line function with loops, branches and containers (the benchmark's workload)."""

CALL = "summarize([3, -1, 7, 3, 12, 5, 0, 9, 4, 11, 2, 8], 10)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("predict", help="latency of step predictions and rollouts")
    parser.add_argument("--checkpoint", type=Path, default=None, help="checkpoint folder")
    parser.add_argument("--bits", type=int, action="append", default=None,
                        help="quantized widths to measure too (default: 4 and 8)")  # fmt: skip
    parser.add_argument("--steps", type=int, default=40, help="timed single steps per model")
    parser.add_argument("--rollouts", type=int, default=5, help="timed 50-step rollouts per model")
    parser.add_argument("--threads", type=int, default=2)
    add_output_argument(parser, "predict")
    parser.set_defaults(handler=run)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(predictor: Any, steps: int, rollouts: int) -> dict[str, Any]:
    """Times (ms) of single steps from every line of a real-looking state, and of rollouts."""
    from neurodebug.neural_debugger.groundtruth.trace import Step
    from neurodebug.neural_debugger.model.encoding import State

    state = State(Step(10, "line", "summarize", 0, {"values": "[3, -1, 7]", "limit": "10",
                  "total": "3", "count": "1", "best": "3", "seen": "{3}", "parts": "[]",
                  "i": "1", "v": "-1"}))  # fmt: skip
    # `seen.add(v)` changes a set: folding leaves it to the model, so this times the model
    predictor.predict_steps(SOURCE, [(state, "step_into", ())])  # warm: source cache, kernels
    step_ms = []
    for _ in range(steps):
        started = time.perf_counter()
        predictor.predict_steps(SOURCE, [(state, "step_into", ())])
        step_ms.append(1000 * (time.perf_counter() - started))
    rollout_ms, lengths, out_ms = [], [], []
    for _ in range(rollouts):
        started = time.perf_counter()
        trace = predictor.predict_trace(SOURCE, "summarize", CALL, "step_into", (), 50)
        rollout_ms.append(1000 * (time.perf_counter() - started))
        lengths.append(len(trace.steps) - 1)
        first = State(
            Step(2, "line", "summarize", 0, {"values": "[3, -1, 7, 3, 12]", "limit": "10"})
        )
        started = time.perf_counter()
        predictor.predict_steps(SOURCE, [(first, "step_out", ())])
        out_ms.append(1000 * (time.perf_counter() - started))
    return {
        "step_ms": {
            "median": statistics.median(step_ms),
            "p95": percentile(step_ms, 0.95),
            "n": len(step_ms),
        },
        "rollout_ms": {
            "median": statistics.median(rollout_ms),
            "p95": percentile(rollout_ms, 0.95),
            "n": len(rollout_ms),
            "predicted_steps": lengths,
        },
        "step_out_ms": {
            "median": statistics.median(out_ms),
            "p95": percentile(out_ms, 0.95),
            "n": len(out_ms),
        },
    }


def run(args: argparse.Namespace) -> int:
    torch = require_neural("bench predict")
    from neurodebug.neural_debugger.model.checkpoint import CheckpointError
    from neurodebug.neural_debugger.predict.inference import PredictionError, load_predictor

    torch.set_num_threads(args.threads)
    results: dict[str, Any] = {
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "threads": args.threads,
            "torch": torch.__version__,
        },
        "workload": {
            "source_lines": len(SOURCE.splitlines()),
            "call": CALL,
            "rollout": "step_into from the call, up to 50 stops",
        },
        "models": {},
    }
    for bits, alone in [(None, False), (None, True), *((b, False) for b in args.bits or [4, 8])]:
        name = ("fp32" if bits is None else f"int{bits}") + ("-model-alone" if alone else "")
        try:
            predictor = load_predictor(args.checkpoint, bits=bits)
            predictor.fold = predictor.compose = not alone
        except (CheckpointError, PredictionError) as error:
            print(f"neurodebug bench predict: {name}: {error}", file=sys.stderr)
            if bits is None:
                return 2
            continue
        results["models"][name] = measure(predictor, args.steps, args.rollouts)
        results["models"][name]["parameters"] = predictor.facts.get("parameters")
    print(f"{'model':<17} {'step median':>12} {'step p95':>9} {'rollout median':>15} {'p95':>8} "
          f"{'step out median':>16}")  # fmt: skip
    for name, row in results["models"].items():
        step, rollout, out = row["step_ms"], row["rollout_ms"], row["step_out_ms"]
        print(f"{name:<17} {step['median']:>10.1f}ms {step['p95']:>7.1f}ms "
              f"{rollout['median']:>13.0f}ms {rollout['p95']:>6.0f}ms "
              f"{out['median']:>14.0f}ms")  # fmt: skip
    write_results(args.out, results)
    print(f"results written to {args.out}", file=sys.stderr)
    return 0
