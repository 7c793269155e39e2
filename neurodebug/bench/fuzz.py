"""`neurodebug bench fuzz`: hostile input for the server's protocol and for the analyzers.

Protocol part: starts the real server (`neurodebug serve`, stdio) and sends at least 10,000
messages: valid edits, hovers, inlay hints and highlights, interleaved with malformed JSON-RPC
(broken JSON, non-objects, missing fields, unknown methods), wrong parameter types,
out-of-range positions, unknown URIs, edits to closed documents, requests cancelled right after
they are sent, open/close churn and a burst of 1,000 rapid edits. Afterwards it checks that the
server is still running, that every valid request got an answer, and that the server's text of
every open document equals the client's (`neurodebug.documentDigest`); it reports the peak RSS.

Analyzer part: the rules and the facts of every function on inputs that grow 4x at a time — a
long module, a single line of 5 MB, 1,000-deep nesting — with the time per size, to show that
the time grows linearly with the input.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from neurodebug.bench.lsp_client import LspProcess, position_of
from neurodebug.bench.results import add_output_argument, write_results

SAMPLE = '''import os


def total(values, limit=10):
    """Sum the small values."""
    result = 0
    for value in values:
        if value < limit:
            result += value
    return result


class Box:
    def __init__(self, items):
        self.items = list(items)

    def names(self):
        out = []
        for item in self.items:
            out.append(str(item) + "é")
        return out
'''
SNIPPETS = ["x", " ", "\n", "(", ")", "'", '"', "def f():\n    ", "é", "😀", "#", ":", "    "]


def _random_position(rng: random.Random) -> Any:
    return rng.choice(
        [
            {"line": rng.randint(-5, 5), "character": rng.randint(-5, 5)},
            {"line": 10**9, "character": 10**9},
            {"line": 2**31 - 1, "character": 0},
            {"line": "one", "character": None},
            [1, 2],
        ]
    )


def _malformed(client: LspProcess, rng: random.Random, uris: list[str]) -> None:
    """One message the server must survive (it may answer with an error or ignore it)."""
    kind = rng.randrange(9)
    if kind == 0:
        client.send_raw(rng.choice([b"{", b"null", b"[]", b"42", b'"x"', b"{]", b"\xff\xfe"]))
    elif kind == 1:
        client.send({"jsonrpc": "2.0", "id": rng.randint(10**6, 10**7), "method": "no/such"})
    elif kind == 2:
        client.send({"id": rng.randint(10**6, 10**7), "params": {}})  # no method, no jsonrpc
    elif kind == 3:  # wrong types
        client.send(
            {
                "jsonrpc": "2.0",
                "id": rng.randint(10**6, 10**7),
                "method": "textDocument/hover",
                "params": rng.choice([None, 7, "x", {"textDocument": 3, "position": "p"}]),
            }
        )
    elif kind == 4:  # out-of-range positions on a real document
        client.request(
            rng.choice(["textDocument/hover", "textDocument/documentHighlight"]),
            {"textDocument": {"uri": rng.choice(uris)}, "position": _random_position(rng)},
        )
    elif kind == 5:  # unknown URI
        client.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": "file:///nowhere/x.py"},
                "position": {"line": 0, "character": 0},
            },
        )
    elif kind == 6:  # an edit to a closed (never opened) document, and a junk range
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": "file:///closed.py", "version": rng.randint(1, 99)},
                "contentChanges": [
                    {
                        "range": {"start": _random_position(rng), "end": _random_position(rng)},
                        "text": "x",
                    }
                ],
            },
        )
    elif kind == 7:  # a request cancelled right away
        request_id = client.request(
            "textDocument/inlayHint",
            {
                "textDocument": {"uri": rng.choice(uris)},
                "range": {
                    "start": {"line": 0, "character": 0},
                    "end": {"line": 999, "character": 0},
                },
            },
        )
        client.notify("$/cancelRequest", {"id": request_id})
    else:  # open and close a scratch document, with a broken edit in between
        uri = f"file:///scratch-{rng.randrange(5)}.py"
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "x = (\n"}},
        )
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    {
                        "range": {"start": _random_position(rng), "end": _random_position(rng)},
                        "text": "é",
                    }
                ],
            },
        )
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def _valid(client: LspProcess, rng: random.Random, uri: str, valid_ids: list[int]) -> None:
    """One valid message: an in-range edit, or a request that must be answered."""
    text = client.texts[uri]
    kind = rng.randrange(4)
    if kind == 0 or len(text) < 10:
        start = rng.randint(0, len(text))
        end = min(len(text), start + rng.choice([0, 0, 1, 3]))
        client.edit(uri, start, end, rng.choice(SNIPPETS))
        return
    index = rng.randint(0, len(text))
    position = {"textDocument": {"uri": uri}, "position": position_of(text, index)}
    if kind == 1:
        valid_ids.append(client.request("textDocument/hover", position))
    elif kind == 2:
        valid_ids.append(client.request("textDocument/documentHighlight", position))
    else:
        last = text.count("\n")
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": last, "character": 0}}
        valid_ids.append(
            client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole})
        )


def fuzz_protocol(messages: int, rapid_edits: int, seed: int = 0) -> dict[str, Any]:
    """Send `messages` messages (and a burst of `rapid_edits`); check and report the outcome."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="neurodebug-fuzz-") as folder:
        root = Path(folder)
        client = LspProcess.start(root)
        started = time.perf_counter()
        uris = [(root / f"doc{i}.py").as_uri() for i in range(4)]
        for uri in uris:
            client.open(uri, SAMPLE)
        sent = len(uris)
        valid_ids: list[int] = []
        try:
            for count in range(messages - rapid_edits):
                if rng.random() < 0.5:
                    _malformed(client, rng, uris)
                else:
                    _valid(client, rng, rng.choice(uris), valid_ids)
                sent += 1
                if count % 500 == 0:
                    client.sample_rss()
            burst = uris[0]
            for _ in range(rapid_edits):
                text = client.texts[burst]
                start = rng.randint(0, len(text))
                client.edit(
                    burst, start, min(len(text), start + rng.choice([0, 1])), rng.choice(SNIPPETS)
                )
                sent += 1
        except BrokenPipeError:
            pass
        alive_after_fuzz = client.process.poll() is None
        # afterwards: a fresh valid request per document must be answered, texts must agree
        after_ids = (
            [
                client.request(
                    "textDocument/hover",
                    {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 5}},
                )
                for uri in uris
            ]
            if alive_after_fuzz
            else []
        )
        digests_equal = []
        for uri in uris:
            answer = (
                client.wait(
                    client.request(
                        "workspace/executeCommand",
                        {"command": "neurodebug.documentDigest", "arguments": [uri]},
                    ),
                    60.0,
                )
                if alive_after_fuzz
                else None
            )
            result = (answer or {}).get("result") or {}
            expected = hashlib.sha256(client.texts[uri].encode()).hexdigest()
            digests_equal.append(result.get("sha256") == expected)
        unanswered = [i for i in valid_ids + after_ids if client.wait(i, 60.0) is None]
        answered = [client.responses[i].message for i in valid_ids if i in client.responses]
        errors = sum(1 for message in answered if "error" in message)
        elapsed = time.perf_counter() - started
        peak = client.sample_rss()
        alive_at_end = client.process.poll() is None
        exit_status = client.shutdown()
    return {
        "messages_sent": sent,
        "rapid_edits": rapid_edits,
        "valid_requests": len(valid_ids) + len(after_ids),
        "unanswered_valid_requests": len(unanswered),
        "valid_requests_answered_with_error": errors,
        "server_alive_after_fuzz": alive_after_fuzz and alive_at_end,
        "documents_in_sync": all(digests_equal) and len(digests_equal) == len(uris),
        "peak_rss_mb": round(peak / 1024, 1),
        "seconds": round(elapsed, 2),
        "exit_status_after_shutdown": exit_status,
        "seed": seed,
    }


def _hostile_sources(scale: int) -> dict[str, bytes]:
    """Inputs whose size grows with `scale`."""
    function = (
        "def f{n}(a, b):\n    c = a + b\n    for i in range(c):\n        a += i\n    return a\n\n"
    )
    return {
        "module_lines": "".join(function.format(n=n) for n in range(scale)).encode(),
        "single_line": ("x = [" + "1, " * (scale * 90) + "]\n").encode(),
        "token_soup": (") def ( : 'x \" lambda [ " * scale).encode(),
    }


def analyzer_scaling(largest: int) -> dict[str, Any]:
    """Seconds to check and compute all facts per input kind and size (sizes grow 4x)."""
    from neurodebug.analyzers.document import analyze_source
    from neurodebug.analyzers.rules import Settings, check_source

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    rows: list[dict[str, Any]] = []
    scale = max(1, largest // 64)
    while scale <= largest:
        for kind, source in _hostile_sources(scale).items():
            started = time.perf_counter()
            check_source(source, None, Settings())
            analyze_source(source).compute_all()
            seconds = time.perf_counter() - started
            rows.append(
                {
                    "kind": kind,
                    "bytes": len(source),
                    "lines": source.count(b"\n"),
                    "seconds": round(seconds, 3),
                    "us_per_kb": round(seconds * 1e6 / max(1, len(source) / 1024), 1),
                }
            )
        scale *= 4
    return {"rows": rows}


def register(bench_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = bench_subparsers.add_parser(
        "fuzz",
        help="protocol fuzzing of the server and hostile analyzer input",
        description=__doc__,
    )
    parser.add_argument("--part", choices=("protocol", "analyzer", "all"), default="all")
    parser.add_argument(
        "--messages", type=int, default=10_000, help="protocol messages (>= 10,000)"
    )
    parser.add_argument("--rapid-edits", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--largest", type=int, default=20_000, help="largest scale of the analyzer inputs"
    )
    add_output_argument(parser, "fuzz")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    results: dict[str, Any] = {}
    ok = True
    if args.part in ("protocol", "all"):
        protocol = fuzz_protocol(args.messages, args.rapid_edits, args.seed)
        results["protocol"] = protocol
        ok = ok and protocol["server_alive_after_fuzz"] and protocol["documents_in_sync"]
        ok = ok and protocol["unanswered_valid_requests"] == 0
        print(json.dumps(protocol, indent=2))
    if args.part in ("analyzer", "all"):
        scaling = analyzer_scaling(args.largest)
        results["analyzer"] = scaling
        print(f"{'kind':<14}{'bytes':>11}{'lines':>9}{'seconds':>9}{'us/KB':>9}")
        for row in scaling["rows"]:
            print(
                f"{row['kind']:<14}{row['bytes']:>11}{row['lines']:>9}"
                f"{row['seconds']:>9.3f}{row['us_per_kb']:>9.1f}"
            )
    write_results(args.out, results)
    print(f"results written to {args.out}", file=sys.stderr)
    return 0 if ok else 1
