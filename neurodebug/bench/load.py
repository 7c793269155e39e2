"""`neurodebug bench load`: 20 documents edited at once for 60 s, with diagnostics, hover, hints.

Starts the real server (`neurodebug serve`, stdio) and drives it like several busy editors:
every round, each of the 20 open documents gets an edit and then a hover and an inlay-hint
request, all sent without waiting; pushed diagnostics follow each edit. It records the latency
of every request (sent → answer read) and of edit → diagnostics for that version, reports
p50 / p95 / p99 / max, checks that every request got an answer and that the server's text
equals the client's at the end. Results go to benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neurodebug.bench.fuzz import SAMPLE
from neurodebug.bench.lsp_client import LspProcess, position_of
from neurodebug.bench.results import add_output_argument, write_results


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 / p95 / p99 / max in milliseconds (nearest rank)."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]

    return {
        "count": len(ordered),
        "p50_ms": round(rank(0.50) * 1000, 2),
        "p95_ms": round(rank(0.95) * 1000, 2),
        "p99_ms": round(rank(0.99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _diagnostic_times(client: LspProcess) -> dict[tuple[str, int], float]:
    """Arrival of the first diagnostics for each (uri, version)."""
    first: dict[tuple[str, int], float] = {}
    for note in list(client.notifications):
        if note.get("method") == "textDocument/publishDiagnostics":
            key = (note["params"]["uri"], note["params"].get("version"))
            first.setdefault(key, note.get("_arrived", 0.0))
    return first


def run_load(documents: int, seconds: float, rate: float, seed: int = 0) -> dict[str, Any]:
    """Edit `documents` documents for `seconds` at `rate` rounds per second; measure answers."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="neurodebug-load-") as folder:
        root = Path(folder)
        client = LspProcess.start(root)
        uris = [(root / f"module_{i}.py").as_uri() for i in range(documents)]
        sample = SAMPLE * 10  # ~200 lines per document
        for uri in uris:
            client.open(uri, sample)
        kinds: dict[int, str] = {}
        edits: dict[tuple[str, int], float] = {}
        started = time.perf_counter()
        rounds = 0
        while time.perf_counter() - started < seconds:
            round_start = time.perf_counter()
            for uri in uris:
                text = client.texts[uri]
                anchor = text.find("result += value", rng.randrange(len(text) // 2))
                index = anchor if anchor >= 0 else rng.randrange(len(text))
                client.edit(uri, index, index, "x = 1  # typing\n")  # an edit, then its undo:
                client.edit(uri, index, index + 15, "")  # the text stays, versions move on
                edits[(uri, client.versions[uri])] = time.perf_counter()
                where = {"textDocument": {"uri": uri}, "position": position_of(text, index)}
                kinds[client.request("textDocument/hover", where)] = "hover"
                lines = text.count("\n")
                visible = {
                    "start": {"line": max(0, lines // 2 - 30), "character": 0},
                    "end": {"line": lines // 2 + 30, "character": 0},
                }
                kinds[
                    client.request(
                        "textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": visible}
                    )
                ] = "inlayHint"
            rounds += 1
            client.sample_rss()
            time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - round_start)))
        unanswered = [i for i in kinds if client.wait(i, 60.0) is None]
        # diagnostics of each document's last version must arrive too
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            published = _diagnostic_times(client)
            if all((uri, client.versions[uri]) in published for uri in uris):
                break
            time.sleep(0.1)
        published = _diagnostic_times(client)
        in_sync = []
        for uri in uris:
            answer = client.wait(
                client.request(
                    "workspace/executeCommand",
                    {"command": "neurodebug.documentDigest", "arguments": [uri]},
                ),
                30.0,
            )
            result = (answer or {}).get("result") or {}
            in_sync.append(
                result.get("sha256") == hashlib.sha256(client.texts[uri].encode()).hexdigest()
            )
        latencies: dict[str, list[float]] = {"hover": [], "inlayHint": []}
        for request_id, kind in kinds.items():
            response = client.responses.get(request_id)
            if response is not None:
                latencies[kind].append(response.arrived - client.sent_at[request_id])
        diagnostics = [
            published[key] - sent for key, sent in edits.items() if published.get(key, 0.0) > 0
        ]
        errors = sum(
            1 for i in kinds if i in client.responses and "error" in client.responses[i].message
        )
        alive = client.process.poll() is None
        peak = client.sample_rss()
        client.shutdown()
    return {
        "documents": documents,
        "seconds": seconds,
        "rounds": rounds,
        "requests": len(kinds),
        "unanswered_requests": len(unanswered),
        "requests_answered_with_error": errors,
        "hover": percentiles(latencies["hover"]),
        "inlay_hint": percentiles(latencies["inlayHint"]),
        "all_requests": percentiles(latencies["hover"] + latencies["inlayHint"]),
        "edit_to_diagnostics": percentiles(diagnostics),
        "edit_rounds_with_diagnostics": len(diagnostics),
        "final_diagnostics_for_every_document": all(
            (uri, client.versions[uri]) in published for uri in uris
        ),
        "documents_in_sync": all(in_sync),
        "server_alive": alive,
        "peak_rss_mb": round(peak / 1024, 1),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def register(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = bench_subparsers.add_parser(
        "load",
        help="20 documents edited concurrently for 60 s: latency percentiles",
        description=__doc__,
    )
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=5.0, help="edit rounds per second")
    parser.add_argument("--seed", type=int, default=0)
    add_output_argument(parser, "load")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    results = run_load(args.documents, args.seconds, args.rate, args.seed)
    print(json.dumps(results, indent=2))
    write_results(args.out, results)
    print(f"results written to {args.out}", file=sys.stderr)
    ok = results["unanswered_requests"] == 0 and results["server_alive"]
    return 0 if ok and results["documents_in_sync"] else 1
