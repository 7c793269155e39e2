"""Read a trace corpus into `Program`s, split it, and tokenise it into a training run's data.

The split is the corpus's own (by program hash; else by the source's hash: 90/5/5), so no
function is in both training and test. The tokenizer's word list is learned from the
training split only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.model.dataset import Program, program_sequences
from neurodebug.neural_debugger.model.tokenizer import Tokenizer, train_words

log = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")


def split_of(record: dict[str, Any]) -> str:
    """The record's split: the corpus's own (by program hash), else by the source's hash."""
    split = record.get("meta", {}).get("split")
    if split in SPLITS:
        return str(split)
    bucket = int(hashlib.sha256(str(record["source"]).encode()).hexdigest()[:8], 16) % 100
    return "test" if bucket >= 95 else "val" if bucket >= 90 else "train"


def read_records(
    folder: Path, limit: int = 0, pattern: str = "*.jsonl"
) -> Iterator[dict[str, Any]]:
    """Every record of a corpus folder's shards matching `pattern` (see `neural_debugger.groundtruth.corpus`)."""
    count = 0
    for file in sorted(folder.rglob(pattern)):
        with file.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:  # a shard still being written: skip its last line
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("source"), str):
                    continue
                yield record
                count += 1
                if limit and count >= limit:
                    return


def read_corpus(folder: Path, limit: int = 0) -> dict[str, list[Program]]:
    """The corpus's programs per split, each with all its traced calls, duplicates dropped."""
    grouped: dict[str, tuple[str, str, list[tuple[str, Trace]]]] = {}
    for record in read_records(folder, limit):
        source = record["source"]
        key = record.get("meta", {}).get("hash") or hashlib.sha256(source.encode()).hexdigest()
        trace = Trace.from_json(record.get("trace", {}))
        if key not in grouped:
            grouped[key] = (split_of(record), source, [])
        calls = grouped[key][2]
        if all(call != record.get("call") for call, _ in calls):
            calls.append((str(record.get("call", "")), trace))
    programs: dict[str, list[Program]] = {name: [] for name in SPLITS}
    for key, (split, source, calls) in grouped.items():
        programs[split].append(Program(source=source, traces=tuple(calls), name=key))
    return programs


def _texts(program: Program) -> Iterator[str]:
    yield program.source
    for _call, trace in program.traces[:1]:
        for step in trace.steps[:50]:
            yield from step.locals
            yield from step.locals.values()


def corpus_folders(corpus: str) -> list[Path]:
    """`--corpus` names one folder or several, comma-separated (`corpus/v1,corpus/v2`)."""
    return [Path(part.strip()) for part in corpus.split(",") if part.strip()]


def read_corpora(folders: list[Path], limit: int = 0) -> dict[str, list[Program]]:
    """Several corpora's programs per split; a source in two corpora is kept once (first wins).

    Each corpus splits by its own program hash, so the same source could sit in one corpus's
    training split and another's test split; keeping the first copy only, with its split,
    keeps every function on one side.
    """
    merged: dict[str, list[Program]] = {name: [] for name in SPLITS}
    seen: set[str] = set()
    for folder in folders:
        for split, programs in read_corpus(folder, limit).items():
            for program in programs:
                if program.source not in seen:
                    seen.add(program.source)
                    merged[split].append(program)
    return merged


def prepare_data(
    corpus: str,
    out: Path,
    block_size: int,
    seed: int,
    max_programs: int = 0,
    tokenizer: Path | None = None,
) -> dict[str, int]:
    """Tokenise corpora into `out/{train,val}.npz`, `out/tokenizer.json`, `out/split.json`.

    `tokenizer` reuses an earlier run's word list: a run initialised from another run's
    weights must keep its vocabulary, since the embedding rows belong to those words.
    """
    # here, not at the top: numpy is the `neural` extra's, and readers of records need none
    from neurodebug.neural_debugger.model.packed import PackedData

    out.mkdir(parents=True, exist_ok=True)
    programs = read_corpora(corpus_folders(corpus), max_programs)
    log.warning("corpus %s: %s programs", corpus, {k: len(v) for k, v in programs.items()})
    if tokenizer is not None:
        tok = Tokenizer.load(tokenizer)
    else:
        tok = train_words(text for program in programs["train"] for text in _texts(program))
    tok.save(out / "tokenizer.json")
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    for split in ("train", "val"):
        sequences = []
        for program in programs[split]:
            sequences.extend(program_sequences(tok, program, rng, block_size))
        rng.shuffle(sequences)
        PackedData.from_sequences(sequences).save(out / f"{split}.npz")
        counts[split] = len(sequences)
        counts[f"{split}_tokens"] = sum(len(tokens) for tokens, _ in sequences)
    (out / "split.json").write_text(
        json.dumps({"counts": counts, "vocab": tok.size, "corpus": str(corpus)}, indent=2) + "\n"
    )
    log.warning("prepared data: %s", counts)
    return counts
