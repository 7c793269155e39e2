"""The model-level part of `neurodebug bench kernels`: the shipped model at fp32 vs low bits.

Kept apart from `neurodebug.kernels` because it needs the neural debugger (checkpoint loading,
the evaluation); the kernels part depends on torch alone.
"""

from __future__ import annotations

import copy
import inspect
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def linear_shapes(model: Any) -> list[tuple[int, int]]:
    """(out, in) of every nn.Linear of the model, in module order."""
    from torch import nn

    return [(m.out_features, m.in_features) for m in model.modules() if isinstance(m, nn.Linear)]


def step_latencies_ms(
    models: dict[str, Any], vocab: int, prompt: int, steps: int
) -> dict[str, float]:
    """Median ms of one batch-1 decoding step (KV cache) after a `prompt`-token prefill.

    Steps of the variants are interleaved (step i of each, in rotating order) so machine load
    hits them alike.
    """
    import torch

    generator = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, vocab, (1, prompt), generator=generator)
    state = {name: model.prefill(tokens) for name, model in models.items()}
    times: dict[str, list[float]] = {name: [] for name in models}
    names = list(models)
    for i in range(steps):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            logits, cache = state[name]
            token = logits.argmax(-1, keepdim=True)  # (1, 1)
            start = time.perf_counter()
            state[name] = models[name].step(token, cache)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) * 1e3 for name, t in times.items()}


def evaluate(model: Any, tokenizer: Any, facts: dict[str, Any], corpus: Path, programs: int) -> Any:
    """The model engineer's held-out metrics (next-line accuracy per action) on a sample."""
    from neurodebug.neural_debugger.predict.evaluate import evaluate_programs, load_split
    from neurodebug.neural_debugger.predict.inference import Predictor

    pool = load_split(corpus, "test")["synthetic"]
    random.Random(0).shuffle(pool)
    options: dict[str, Any] = {"check_inputs": False}
    if "rollouts" in inspect.signature(evaluate_programs).parameters:
        options["rollouts"] = False
    result = evaluate_programs(Predictor(model, tokenizer, facts), pool[:programs], **options)
    metrics = result["metrics"]
    lines = [v for name, v in metrics.items() if name.endswith("/next_line")]
    total = sum(int(v["n"]) for v in lines)
    accuracy = sum(float(v["accuracy"]) * int(v["n"]) for v in lines) / max(total, 1)
    return {"next_line_accuracy": accuracy, "transitions": total, "metrics": metrics}


def run_model(
    checkpoint: Path | None,
    *,
    bits_list: list[int],
    group_size: int,
    corpus: Path,
    eval_programs: int,
    steps: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Layer shapes, step latency and (optionally) eval accuracy at fp32 and each bit width."""
    from neurodebug.kernels.qlinear import quantize_model
    from neurodebug.neural_debugger.model.checkpoint import load_checkpoint

    model, tokenizer, facts = load_checkpoint(checkpoint)
    vocab = int(model.config.vocab_size)
    prompt = min(256, int(model.config.block_size) - steps - 1)
    out: dict[str, Any] = {
        "checkpoint": str(checkpoint or "shipped"),
        "layer_shapes": [list(s) for s in linear_shapes(model)],
        "variants": {},
    }
    variants = {"fp32": model}
    for bits in bits_list:
        variants[f"{bits}bit"] = quantize_model(copy.deepcopy(model), bits, group_size)
    latencies = step_latencies_ms(variants, vocab, prompt, steps)
    for name, variant in variants.items():
        entry: dict[str, Any] = {"step_ms": latencies[name]}
        if eval_programs > 0 and corpus.is_dir():
            log(f"model {name}: evaluating {eval_programs} held-out programs")
            entry["eval"] = evaluate(variant, tokenizer, facts, corpus, eval_programs)
        out["variants"][name] = entry
        log(f"model {name}: step {entry['step_ms']:.2f} ms")
    return out
