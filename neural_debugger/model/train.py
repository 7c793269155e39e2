"""Train the neural debugger: resumable, deterministic, single CPU process or torchrun DDP.

    neurodebug train --corpus corpus/v1 --out runs/small            # start, or resume exactly
    nohup neurodebug train --corpus corpus/v1 --out runs/small > runs/small.log 2>&1 &
    torchrun --nproc_per_node 4 -m neurodebug train --corpus corpus/v1 --out runs/ddp

The first run tokenises the corpus into `OUT/data/` (train and validation sequences, the tokenizer,
the test split's program ids); later runs reuse it, so a resumed run sees exactly the same data.
`OUT/state.pt` holds the model, optimizer, RNG states and the step (the data position is a pure
function of step and seed), saved every `--save-minutes`; `OUT/checkpoint/` holds the latest
exported model (safetensors) and `OUT/best/` the one with the best validation loss;
`OUT/metrics.jsonl` gets one line per evaluation. Under torchrun each rank takes its share of
every global batch (same data order and global batch size whatever the process count; gradients
are averaged by DistributedDataParallel over gloo on CPU or NCCL on GPUs). Checked here: 2 gloo
processes and 1 process end 4 steps within 5e-3 of each other (per-rank loss means differ).

Measured on this machine (2 cores, torch 2.13.0, d=256, 4 layers, 512 tokens, batch 8): fp32
eager 4,180 tokens/s; bf16 autocast 2,360 tokens/s (slower: no fast bf16 matmul on this CPU);
`torch.compile` 4,060 tokens/s (no gain). So training runs fp32, eager.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from neurodebug.neural_debugger.model.checkpoint import save_checkpoint
from neurodebug.neural_debugger.model.model import DebuggerModel, ModelConfig
from neurodebug.neural_debugger.model.packed import PackedData
from neurodebug.neural_debugger.model.tokenizer import BPE_FILE, Tokenizer
from neurodebug.neural_debugger.model.train_options import TrainOptions

log = logging.getLogger(__name__)


def lr_at(step: int, options: TrainOptions) -> float:
    """Linear warm-up, cosine decay to `min_lr` over `steps`, then flat."""
    if step < options.warmup:
        return options.lr * (step + 1) / options.warmup
    progress = min(1.0, (step - options.warmup) / max(1, options.steps - options.warmup))
    return options.min_lr + 0.5 * (options.lr - options.min_lr) * (1 + math.cos(math.pi * progress))


def make_batch(
    data: PackedData, indices: list[int], pad: int
) -> tuple[torch.Tensor, torch.Tensor, int]:
    """(inputs, targets with -1 where no loss, number of target tokens) for some sequences."""
    rows = [data.get(i) for i in indices]
    width = max(len(tokens) for tokens, _ in rows) - 1
    inputs = torch.full((len(rows), width), pad, dtype=torch.long)
    targets = torch.full((len(rows), width), -1, dtype=torch.long)
    for row, (tokens, mask) in enumerate(rows):
        t = torch.from_numpy(tokens.astype(np.int64))
        m = torch.from_numpy(mask[1:].astype(bool))
        n = len(tokens) - 1
        inputs[row, :n] = t[:-1]
        targets[row, :n] = torch.where(m, t[1:], torch.full_like(t[1:], -1))
    return inputs, targets, int((targets >= 0).sum())


def isolation(inputs: torch.Tensor, start: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(positions (B, T), attention mask (B, 1, T, T)) that make packed examples independent.

    A packed sequence is one source followed by many examples, each starting with the `start`
    token. Inference reads the source and then one example, so in training each example may
    attend only to the source and to itself, and its positions continue from the source's end
    exactly as at inference. Under a plain causal mask a later example could copy its answer
    from an earlier example's state (both come from the same trace) — a shortcut that inference
    never offers.
    """
    B, T = inputs.shape
    index = torch.arange(T).expand(B, T)  # (B, T)
    starts = inputs == start  # (B, T)
    segment = starts.long().cumsum(1)  # (B, T): 0 = source, k = k-th example
    segment_start = torch.where(starts, index, torch.zeros_like(index)).cummax(1).values
    source_end = torch.where(starts.any(1), starts.long().argmax(1), T)  # (B,)
    positions = torch.where(segment == 0, index, source_end[:, None] + index - segment_start)
    causal = torch.ones(T, T, dtype=torch.bool).tril()  # (T, T)
    keys, queries = segment[:, None, :], segment[:, :, None]  # (B, 1, T), (B, T, 1)
    mask = causal & ((keys == 0) | (keys == queries))  # (B, T, T)
    return positions, mask[:, None]


def batch_indices(step: int, size: int, count: int, seed: int) -> list[int]:
    """The sequences of global batch `step`: a seeded permutation per epoch (exact resume)."""
    start = step * size
    epoch = start // count
    out: list[int] = []
    while len(out) < size:
        permutation = np.random.default_rng(seed + epoch).permutation(count)
        offset = start % count if not out else 0
        out.extend(int(i) for i in permutation[offset : offset + size - len(out)])
        epoch += 1
    return out


@torch.no_grad()
def evaluate_loss(
    model: DebuggerModel, data: PackedData, tok: Tokenizer, limit: int = 64, isolate: bool = True
) -> dict[str, float]:
    """Validation loss, target-token accuracy, and teacher-forced next-line accuracy."""
    model.eval()
    total_loss, total_tokens, correct, line_total, line_correct = 0.0, 0, 0, 0, 0
    line0, line_max = tok.line(0), tok.line(10**9)
    for start in range(0, min(limit, len(data)), 8):
        indices = list(range(start, min(start + 8, limit, len(data))))
        inputs, targets, count = make_batch(data, indices, tok.special("<pad>"))
        if isolate:
            positions, mask = isolation(inputs, tok.special("<state>"))
            logits, _ = model(inputs, positions=positions, attn_mask=mask)
        else:
            logits, _ = model(inputs)
        losses = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)),
            targets.reshape(-1),
            ignore_index=-1,
            reduction="sum",
        )
        total_loss += float(losses)
        total_tokens += count
        predicted = logits.argmax(-1)
        valid = targets >= 0
        correct += int(((predicted == targets) & valid).sum())
        is_line = valid & (targets >= line0) & (targets <= line_max)
        line_total += int(is_line.sum())
        line_correct += int(((predicted == targets) & is_line).sum())
    model.train()
    return {
        "val_loss": total_loss / max(1, total_tokens),
        "val_token_acc": correct / max(1, total_tokens),
        "val_line_acc": line_correct / max(1, line_total),
    }


def _distributed() -> tuple[int, int]:
    """(rank, world size); initialises torch.distributed under torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return 0, 1
    import torch.distributed as dist

    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), world


def _progress(step: int, options: TrainOptions, loss: float, rate: float, tokens: int) -> None:
    width = 30
    done = min(1.0, step / max(1, options.steps))
    bar = "#" * int(done * width) + "-" * (width - int(done * width))
    text = f"[{bar}] step {step}/{options.steps} loss {loss:.3f} {rate:,.0f} tok/s {tokens / 1e6:.2f}M tok"
    end = "\r" if sys.stderr.isatty() else "\n"
    print(text, end=end, file=sys.stderr, flush=True)


def _is_checkpoint(folder: str) -> bool:
    """A checkpoint folder (exported weights), not a run folder (state.pt and data)."""
    return (Path(folder) / "model.safetensors").is_file() and not (
        Path(folder) / "state.pt"
    ).exists()


def _tokenizer_file(options: TrainOptions) -> Path | None:
    """The tokenizer a new run's data is written with; None: learn v1 words from the corpus."""
    if options.init_from and not _is_checkpoint(options.init_from):
        return Path(options.init_from) / "data" / "tokenizer.json"
    if options.tokenizer == "bpe":
        return BPE_FILE
    if options.tokenizer == "words":
        return None
    raise ValueError(f"unknown tokenizer {options.tokenizer!r}: bpe or words")


def train(options: TrainOptions, max_minutes: float = 0.0) -> dict[str, Any]:
    """Run (or resume) training until `options.steps` or `max_minutes`; returns the last metrics."""
    from neurodebug.neural_debugger.model.corpus_data import prepare_data

    torch.set_num_threads(options.threads)
    rank, world = _distributed()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = out / "data"
    if rank == 0 and not (data_dir / "train.npz").exists():
        prepare_data(
            options.corpus,
            data_dir,
            options.block_size,
            options.seed,
            options.max_programs,
            tokenizer=_tokenizer_file(options),
        )
    if world > 1:
        import torch.distributed as dist

        dist.barrier()
    tok = Tokenizer.load(data_dir / "tokenizer.json")
    train_data = PackedData.load(data_dir / "train.npz")
    val_data = PackedData.load(data_dir / "val.npz")
    config = ModelConfig(
        vocab_size=(tok.size + 63) // 64 * 64,
        block_size=options.block_size,
        n_layer=options.n_layer,
        n_head=options.n_head,
        n_embd=options.n_embd,
    )
    torch.manual_seed(options.seed)
    model = DebuggerModel(config)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=options.lr, betas=(0.9, 0.95), weight_decay=options.weight_decay
    )
    step, tokens_seen, elapsed, best = 0, 0, 0.0, float("inf")
    state_path = out / "state.pt"
    if state_path.exists():
        state = torch.load(state_path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step, tokens_seen, elapsed = state["step"], state["tokens_seen"], state["elapsed"]
        best = state.get("best", best)
        torch.set_rng_state(state["torch_rng"])
        random.setstate(state["python_rng"])
        log.warning("resumed %s at step %d (%.2fM tokens)", out, step, tokens_seen / 1e6)
    elif options.init_from and _is_checkpoint(options.init_from):
        # An exported model, maybe with another vocabulary or window: see `transfer`.
        from neurodebug.neural_debugger.model.checkpoint import load_checkpoint
        from neurodebug.neural_debugger.model.transfer import load_transferred

        checkpoint = load_checkpoint(Path(options.init_from))
        counts = load_transferred(model, checkpoint, tok)
        tokens_seen = int(checkpoint[2].get("tokens_seen", 0))
        elapsed = float(checkpoint[2].get("elapsed_s", 0.0))
        log.warning("initialised from %s (%.2fM tokens; embedding rows %s)",
                    options.init_from, tokens_seen / 1e6, counts)  # fmt: skip
    elif options.init_from:
        # A new schedule over an earlier run's weights; its tokens count towards "seen".
        earlier = torch.load(Path(options.init_from) / "state.pt", weights_only=False)
        model.load_state_dict(earlier["model"])
        tokens_seen, elapsed = earlier["tokens_seen"], earlier["elapsed"]
        log.warning("initialised from %s (%.2fM tokens)", options.init_from, tokens_seen / 1e6)
    trained: torch.nn.Module = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel

        trained = DistributedDataParallel(model)
    facts_base = {
        "parameters": model.parameter_count(),
        "corpus": options.corpus,
        "train_sequences": len(train_data),
        "hardware": f"{torch.get_num_threads()} CPU threads x {world} processes",
    }

    def checkpoint_facts(metrics: dict[str, Any]) -> dict[str, Any]:
        facts = {**facts_base, **metrics}
        facts["last_eval_step"] = metrics.get("step")
        facts.update(step=step, tokens_seen=tokens_seen, train_seconds=round(elapsed, 1))
        return facts

    def save(metrics: dict[str, Any]) -> None:
        save_checkpoint(out / "checkpoint", model, tok, checkpoint_facts(metrics))
        state = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": step,
            "tokens_seen": tokens_seen,
            "elapsed": elapsed,
            "best": best,
            "torch_rng": torch.get_rng_state(),
            "python_rng": random.getstate(),
        }
        torch.save(state, out / "state.pt.tmp")
        (out / "state.pt.tmp").replace(state_path)

    pad, start = tok.special("<pad>"), tok.special("<state>")
    started = time.monotonic()
    last_save = time.monotonic()
    window_tokens, window_start, loss_value = 0, time.monotonic(), float("nan")
    metrics: dict[str, Any] = {}
    model.train()
    while True:
        if max_minutes and time.monotonic() - started > max_minutes * 60:
            break
        if step >= options.steps and not max_minutes:
            break
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, options)
        indices = batch_indices(step, options.batch_size, len(train_data), options.seed)
        mine = indices[rank::world]
        inputs, targets, _count = make_batch(train_data, mine, pad)
        positions, mask = isolation(inputs, start) if options.isolate_examples else (None, None)
        if world == 1:
            loss = model.loss(inputs, targets, positions, mask)
        else:
            loss = _ddp_loss(trained, inputs, targets, positions, mask)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        batch_tokens = int(inputs.numel()) * world
        tokens_seen += batch_tokens
        window_tokens += batch_tokens
        loss_value = float(loss.detach())
        now = time.monotonic()
        if rank == 0 and step % 10 == 0:
            _progress(
                step,
                options,
                loss_value,
                window_tokens / max(1e-9, now - window_start),
                tokens_seen,
            )
            elapsed += now - window_start
            window_tokens, window_start = 0, now
        if rank == 0 and step % options.eval_every == 0:
            metrics = {"step": step, "tokens_seen": tokens_seen, "train_loss": loss_value}
            metrics.update(evaluate_loss(model, val_data, tok, isolate=options.isolate_examples))
            metrics["elapsed_s"] = round(elapsed, 1)
            with (out / "metrics.jsonl").open("a") as handle:
                handle.write(json.dumps(metrics) + "\n")
            log.warning("eval %s", json.dumps(metrics))
            if metrics["val_loss"] < best:  # the weights just validated, not a later step's
                best = metrics["val_loss"]
                save_checkpoint(out / "best", model, tok, checkpoint_facts(metrics))
        if rank == 0 and now - last_save > options.save_minutes * 60:
            save(metrics)
            last_save = now
    if rank == 0:
        save(metrics)
    return metrics


def _ddp_loss(
    module: torch.nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    positions: torch.Tensor | None,
    mask: torch.Tensor | None,
) -> torch.Tensor:
    """Loss through the DDP wrapper, so gradients are all-reduced across processes."""
    logits, _ = module(inputs, positions=positions, attn_mask=mask)
    return torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-1
    )
