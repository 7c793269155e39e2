"""Harvest real functions from the standard library (and pure packages) into traced records.

Why: synthetic programs teach the model the language; real functions show it the code users
actually call. Only functions that are deterministic and free of side effects qualify, so the
modules and functions are curated below (path, URL, text, colour, statistics, bisect / heap
algorithms, …). Their source is read from the module's file with `ast` (nothing is imported here),
and each traced run executes that source in a sandboxed child, inside a copy of the module's
globals so helpers and constants resolve (`Job.context_module`); only the function's own lines are
traced, numbered from 1 like any corpus program.

Argument types are found by probing: a few type combinations per function run in the sandbox,
and the ones that finish without a type error drive the generated calls. Every kept call is run
twice and dropped if the two traces differ (nondeterminism). Records split by function hash, so
a held-out function is never seen in training.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import logging
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from neurodebug.neural_debugger.groundtruth.corpus.generator import value_source
from neurodebug.neural_debugger.groundtruth.sandbox import Job, WorkerPool
from neurodebug.neural_debugger.groundtruth.trace import Trace

log = logging.getLogger(__name__)

_FILESYSTEM = frozenset(
    {"expanduser", "expandvars", "realpath", "abspath", "relpath", "exists", "lexists", "isdir",
     "isfile", "islink", "ismount", "getsize", "getmtime", "getatime", "getctime", "samefile",
     "sameopenfile", "samestat", "isjunction", "isdevdrive", "isreserved"}
)  # fmt: skip

MODULES: dict[str, tuple[str, ...] | None] = {
    "posixpath": None,
    "ntpath": None,
    "genericpath": ("commonprefix",),
    "textwrap": None,
    "string": ("capwords",),
    "colorsys": None,
    "statistics": None,
    "calendar": ("isleap", "leapdays", "monthrange", "weekday"),
    "html": None,
    "shlex": ("quote", "split", "join"),
    "fnmatch": ("fnmatchcase", "filter", "translate"),
    "urllib.parse": ("quote", "quote_plus", "unquote", "unquote_plus", "urlsplit", "urlunsplit",
                     "urljoin", "urldefrag", "parse_qs", "parse_qsl", "urlencode", "urlparse"),
    "email.utils": ("parseaddr", "formataddr", "quote", "unquote"),
    "glob": ("escape", "has_magic"),
    "heapq": ("heappush", "heappop", "heapify", "heappushpop", "heapreplace", "nlargest", "nsmallest"),
    "bisect": None,
    "re": ("escape",),
    "difflib": ("get_close_matches",),
    "pprint": ("pformat", "saferepr", "isreadable"),
    "ipaddress": ("ip_address", "ip_network"),
    "packaging.utils": ("canonicalize_name", "canonicalize_version"),
    "packaging.version": ("parse",),
}  # fmt: skip
"""Module -> the functions to harvest (None: every public, undecorated top-level function)."""

PROBE_TYPES = ("str", "int", "list", "float", "words")

STRINGS = (
    "", "a", "hello world", "  two  spaces ", "a\tb\nc", "/usr/lib/../bin/./python", "a/b/c.txt",
    "C:\\Users\\x\\file.tar.gz", "//server/share/x", "http://ex.com/a/b?x=1&y=2#frag", "a%20b%2Fc",
    "x=1&y=&z=3", "*.py", "data[0-9].csv", "Ann <ann@ex.com>", "\"quoted\" name", "1.2.3", "2.0rc1",
    "My_Package-Name", "192.168.0.1", "10.0.0.0/8", "<b>&amp;</b>", "it's", "abc", "zyx", "a.b.c",
)  # fmt: skip
WORDS = ("apple", "apply", "ape", "banana", "band", "can", "cane", "x", "")


def _value(rng: random.Random, kind: str) -> object:
    if kind == "str":
        return (
            rng.choice(STRINGS)
            if rng.random() < 0.8
            else "".join(rng.choice("ab/.c %") for _ in range(rng.randint(0, 8)))
        )
    if kind == "int":
        return rng.choice(
            (rng.randint(0, 10), rng.randint(-3, 3), rng.randint(1900, 2100), rng.randint(0, 255))
        )
    if kind == "float":
        return round(rng.uniform(0, 1), 2) if rng.random() < 0.5 else round(rng.uniform(-5, 50), 1)
    if kind == "list":
        return [rng.randint(-5, 30) for _ in range(rng.randint(0, 7))]
    if kind == "words":
        return [rng.choice(WORDS) for _ in range(rng.randint(0, 5))]
    raise ValueError(kind)


@dataclass(frozen=True)
class Candidate:
    """A harvestable function: where it lives and its source (lines renumbered from 1)."""

    module: str
    name: str
    source: str
    required: int

    @property
    def origin(self) -> str:
        return f"stdlib:{self.module}.{self.name}"


def candidates(modules: dict[str, tuple[str, ...] | None] | None = None) -> list[Candidate]:
    """Every allowed top-level Python function with 1–3 required positional parameters."""
    found: list[Candidate] = []
    for module, allowed in (modules or MODULES).items():
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        if spec is not None and origin == "frozen":  # e.g. posixpath: its file is still on disk
            origin = getattr(spec.loader_state, "filename", None)
        if not origin or not origin.endswith(".py"):
            continue
        text = Path(origin).read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if (
                not isinstance(node, ast.FunctionDef)
                or node.decorator_list
                or node.name.startswith("_")
            ):
                continue
            if (allowed is not None and node.name not in allowed) or node.name in _FILESYSTEM:
                continue
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            required = len(positional) - len(args.defaults)
            if not 1 <= required <= 3 or any(d is None for d in args.kw_defaults):
                continue
            assert node.end_lineno is not None
            source = "\n".join(lines[node.lineno - 1 : node.end_lineno]) + "\n"
            found.append(Candidate(module, node.name, source, required))
    return found


def _call(candidate: Candidate, args: list[object]) -> str:
    return f"{candidate.name}({', '.join(value_source(arg) for arg in args)})"


def _usable(trace: Trace, max_steps: int) -> bool:
    if trace.status == "exception" and trace.exception:
        return trace.exception.split(":")[0] not in ("TypeError", "AttributeError", "NameError")
    return trace.status == "ok" and 3 <= len(trace.steps) <= max_steps


def harvest(
    pool: WorkerPool,
    rng: random.Random,
    calls_per_function: int = 12,
    max_steps: int = 256,
    modules: dict[str, tuple[str, ...] | None] | None = None,
) -> Iterator[tuple[Candidate, str, Trace]]:
    """Probe, call and double-check every candidate; yield (function, call, trace) kept."""
    functions = candidates(modules)
    log.info("harvest: %d candidate functions", len(functions))
    probes: list[tuple[Candidate, tuple[str, ...], Job]] = []
    for candidate in functions:
        combos = list(itertools.product(PROBE_TYPES, repeat=candidate.required))
        rng.shuffle(combos)
        for combo in combos[:10]:
            args = [_value(rng, kind) for kind in combo]
            probes.append(
                (
                    candidate,
                    combo,
                    Job(candidate.source, _call(candidate, args), context_module=candidate.module),
                )
            )
    working: dict[Candidate, list[tuple[str, ...]]] = {}
    for index, trace in pool.run_unordered(job for _, _, job in probes):
        candidate, combo, _ = probes[index]
        if trace.status == "ok" and len(trace.steps) >= 3:
            working.setdefault(candidate, []).append(combo)
    calls: list[tuple[Candidate, str]] = []
    for candidate, combos in working.items():
        seen: set[str] = set()
        for _ in range(calls_per_function * 3):
            call = _call(candidate, [_value(rng, kind) for kind in rng.choice(combos)])
            if call not in seen:
                seen.add(call)
                calls.append((candidate, call))
            if len(seen) >= calls_per_function:
                break
    jobs = [Job(c.source, call, context_module=c.module) for c, call in calls for _ in range(2)]
    results: dict[int, Trace] = dict(pool.run_unordered(jobs))
    for number, (candidate, call) in enumerate(calls):
        first, second = results[2 * number], results[2 * number + 1]
        if json.dumps(first.to_json()) != json.dumps(second.to_json()):
            continue  # not deterministic
        if _usable(first, max_steps):
            yield candidate, call, first
