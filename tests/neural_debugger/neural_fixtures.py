"""Shared data for the model tests: a tiny traced corpus and a tiny checkpoint, built once.

The programs are written here (not generated) so the tests know what they cover: a loop, a
helper call (depth changes), a raised exception, recursion, a comprehension. They are traced for
real through the tracer's sandbox, in the corpus record format, so the tests exercise the same
reader as training.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

PROGRAMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "def total(xs, k):\n    acc = 0\n    for v in xs:\n        acc += v * k\n    return acc\n",
        ("total([1, 2, 3], 2)", "total([], 5)", "total([4], 1)"),
    ),
    (
        "def double(n):\n"
        "    return n * 2\n"
        "\n"
        "def run(a, b):\n"
        "    x = double(a)\n"
        "    y = x + b\n"
        "    return y\n",
        ("run(3, 1)", "run(0, 7)"),
    ),
    (
        "def check(n):\n    if n < 0:\n        raise ValueError('negative')\n    return n + 1\n",
        ("check(4)", "check(-2)"),
    ),
    (
        "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n",
        ("fact(3)", "fact(1)"),
    ),
    (
        "def squares(n):\n    out = [i * i for i in range(n)]\n    s = sum(out)\n    return s\n",
        ("squares(3)", "squares(0)"),
    ),
    (
        "def pick(words, n):\n"
        "    best = ''\n"
        "    for w in words:\n"
        "        if len(w) > n:\n"
        "            best = w\n"
        "    return best\n",
        ("pick(['ab', 'cat'], 2)", "pick(['x'], 0)"),
    ),
)


def records() -> list[dict[str, object]]:
    """One corpus record per traced call; the split alternates so every split has programs."""
    from neurodebug.neural_debugger.groundtruth.tracer import trace_source

    out: list[dict[str, object]] = []
    for number, (source, calls) in enumerate(PROGRAMS):
        split = ("train", "train", "val", "train", "test", "test")[number]
        for index, call in enumerate(calls):
            trace = trace_source(source, call)
            function = call.split("(")[0]
            out.append(
                {
                    "id": f"p{number}-{index}",
                    "source": source,
                    "function": function,
                    "call": call,
                    "trace": trace.to_json(),
                    "meta": {"origin": "synthetic", "split": split, "hash": f"p{number}"},
                }
            )
    return out


@functools.cache
def corpus_dir() -> Path:
    """A corpus folder (train/val/test shards) with the programs above, built once per session."""
    folder = Path(tempfile.mkdtemp(prefix="neurodebug-test-corpus-"))
    by_split: dict[str, list[dict[str, object]]] = {}
    for record in records():
        meta = record["meta"]
        assert isinstance(meta, dict)
        by_split.setdefault(str(meta["split"]), []).append(record)
    for split, rows in by_split.items():
        text = "".join(json.dumps(row) + "\n" for row in rows)
        (folder / f"{split}-00000.jsonl").write_text(text)
    (folder / "READY").write_text("")
    return folder


@functools.cache
def tiny_checkpoint() -> Path:
    """An untrained tiny model with a tokenizer learned from the corpus, saved as a checkpoint."""
    import torch
    from neurodebug.neural_debugger.model.checkpoint import save_checkpoint
    from neurodebug.neural_debugger.model.corpus_data import read_corpus
    from neurodebug.neural_debugger.model.model import DebuggerModel, ModelConfig
    from neurodebug.neural_debugger.model.tokenizer import train_words

    programs = read_corpus(corpus_dir())["train"]
    tok = train_words((p.source for p in programs), min_count=2)
    torch.manual_seed(0)
    config = ModelConfig(vocab_size=tok.size, block_size=512, n_layer=1, n_head=2, n_embd=32)
    folder = Path(tempfile.mkdtemp(prefix="neurodebug-test-ckpt-"))
    save_checkpoint(folder, DebuggerModel(config), tok, {"tokens_seen": 0})
    return folder
