"""Sharded JSONL output and the manifest's statistics for a trace corpus.

Why shards: a corpus of tens of thousands of traces is hundreds of megabytes; readers stream
shards one at a time, and a split is a list of shard files.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

SPLITS = ("train", "val", "test")


def split_of(program_hash: str, val_percent: int = 5, test_percent: int = 5) -> str:
    """The split a program belongs to, fixed by its hash (so every call of it lands together)."""
    bucket = int(program_hash[:8], 16) % 100
    if bucket < test_percent:
        return "test"
    if bucket < test_percent + val_percent:
        return "val"
    return "train"


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for low, high in itertools.pairwise(edges):
        if low <= value < high:
            return f"{low}-{high - 1}"
    return f"{edges[-1]}+"


LINE_EDGES = (0, 8, 12, 16, 20, 25, 30, 40, 60)
STEP_EDGES = (0, 10, 25, 50, 100, 150, 200, 300)


@dataclass
class CorpusStats:
    """Distributions reported in the manifest."""

    records: int = 0
    programs: set[str] = field(default_factory=set)
    lines: Counter[str] = field(default_factory=Counter)
    steps: Counter[str] = field(default_factory=Counter)
    max_depth: Counter[str] = field(default_factory=Counter)
    constructs: Counter[str] = field(default_factory=Counter)
    status: Counter[str] = field(default_factory=Counter)
    exceptions: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    origins: Counter[str] = field(default_factory=Counter)
    total_steps: int = 0

    def add(self, record: dict[str, Any]) -> None:
        meta, trace = record["meta"], record["trace"]
        self.records += 1
        self.programs.add(meta["hash"])
        self.lines[_bucket(meta["lines"], LINE_EDGES)] += 1
        self.steps[_bucket(meta["steps"], STEP_EDGES)] += 1
        self.max_depth[str(meta["max_depth"])] += 1
        self.constructs.update(meta["constructs"])
        self.status[trace["status"]] += 1
        self.origins[meta["origin"].split(":")[0]] += 1
        self.total_steps += meta["steps"]
        if trace.get("exception"):
            self.exceptions[trace["exception"].split(":")[0]] += 1
        self.events.update(step["event"] for step in trace["stops"])

    def to_json(self) -> dict[str, Any]:
        def ordered(counter: Counter[str]) -> dict[str, int]:
            return dict(counter.most_common())

        return {
            "records": self.records,
            "programs": len(self.programs),
            "mean_steps": round(self.total_steps / max(1, self.records), 2),
            "source_lines": ordered(self.lines),
            "steps": ordered(self.steps),
            "max_depth": ordered(self.max_depth),
            "constructs": ordered(self.constructs),
            "status": ordered(self.status),
            "exceptions": ordered(self.exceptions),
            "events": ordered(self.events),
            "origins": ordered(self.origins),
        }


class ShardWriter:
    """Appends records to `<split>-NNNNN.jsonl` files, starting a new shard every `shard_size`."""

    def __init__(self, out: Path, shard_size: int = 5000) -> None:
        self.out = out
        self.shard_size = shard_size
        self.files: dict[str, IO[str]] = {}
        self.counts: dict[str, int] = dict.fromkeys(SPLITS, 0)
        self.shards: dict[str, list[str]] = {split: [] for split in SPLITS}
        self.stats = {split: CorpusStats() for split in SPLITS}
        self.started = time.monotonic()
        out.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict[str, Any]) -> None:
        split = record["meta"]["split"]
        if self.counts[split] % self.shard_size == 0:
            if split in self.files:
                self.files[split].close()
            name = f"{split}-{len(self.shards[split]):05d}.jsonl"
            self.shards[split].append(name)
            self.files[split] = (self.out / name).open("w", encoding="utf-8")
        self.files[split].write(json.dumps(record, ensure_ascii=False) + "\n")
        self.counts[split] += 1
        self.stats[split].add(record)

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        self.files.clear()

    def manifest(self, settings: dict[str, Any], dropped: dict[str, int]) -> dict[str, Any]:
        total = CorpusStats()
        for stats in self.stats.values():
            total.records += stats.records
            total.programs |= stats.programs
            total.total_steps += stats.total_steps
            for name in (
                "lines",
                "steps",
                "max_depth",
                "constructs",
                "status",
                "exceptions",
                "events",
                "origins",
            ):
                getattr(total, name).update(getattr(stats, name))
        elapsed = time.monotonic() - self.started
        return {
            "format": "neurodebug-trace-corpus",
            "version": 1,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "records": total.records,
            "programs": len(total.programs),
            "elapsed_s": round(elapsed, 1),
            "records_per_hour": round(total.records / max(elapsed, 1e-9) * 3600),
            "splits": {
                split: {
                    "records": self.counts[split],
                    "shards": self.shards[split],
                    **self.stats[split].to_json(),
                }
                for split in SPLITS
            },
            "distributions": total.to_json(),
            "dropped": dropped,
            "settings": settings,
        }
