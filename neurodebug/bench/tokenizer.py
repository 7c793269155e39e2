"""`neurodebug bench tokenizer`: tokens per source line, v1 vs the v2 BPE, and the fit rate.

Measures, on this machine, with no model:
- tokens per line on held-out standard-library modules (the BPE never saw them: split by module,
  `is_held_out`), for the v1 tokenizer of the shipped checkpoint and the v2 BPE, each on the raw
  source (as `encode_source` reads it today) and on the model's view (no docstrings, comments,
  blank lines);
- the same on real functions of ≤ `--max-lines` lines from installed third-party packages (code
  the BPE was not trained on), each laid out as a training example's prefix: the function's
  dedented lines, their view, `encode_source`, then one typical transition (the call stop with
  every parameter bound to a short value, `step_into`, the first line);
- the fit rate: the share of those functions whose prefix fits a `--window`-token window;
- optionally (`--sweep`), the same figures for BPEs of other sizes trained here on the same
  split, to show what each vocabulary size buys.
Results go to benchmarks/results/tokenizer.json.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neurodebug.bench.results import add_output_argument, write_results
from neurodebug.neural_debugger.groundtruth.trace import Step
from neurodebug.neural_debugger.model.encoding import (
    State,
    Stop,
    encode_action,
    encode_source,
    encode_state,
    encode_stop,
)
from neurodebug.neural_debugger.model.source_view import model_view
from neurodebug.neural_debugger.model.tokenizer import (
    BPE_FILE,
    BpeTokenizer,
    Tokenizer,
    is_held_out,
    stdlib_modules,
    train_bpe,
    view_lines,
)
from neurodebug.neural_debugger.predict.context import function_lines

REAL_PACKAGES = (
    "pygls",
    "lsprotocol",
    "debugpy",
    "tree_sitter",
    "pathspec",
    "jsonschema",
    "hypothesis",
    "attr",
    "referencing",
    "pytest_lsp",
)
"""Installed packages whose functions are the fit-rate sample (none is in the BPE's data)."""
LENGTH_BUCKETS = ((1, 20), (21, 50), (51, 100), (101, 150))
OLD_SOURCE_LIMIT = 416
"""The shipped checkpoint's source budget (512-token window minus its reserve for steps)."""


V1_TOKENIZER = BPE_FILE.with_name("tokenizer_v1.json")
"""The v1 model's tokenizer (its 1,256 learned words), which the shipped v2 model replaced."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "tokenizer", help="tokens per source line and fit rate, v1 vs v2", description=__doc__
    )
    parser.add_argument("--window", type=int, default=2048, help="model window in tokens")
    parser.add_argument("--max-lines", type=int, default=150, help="longest function counted")
    parser.add_argument(
        "--stdlib", type=Path, default=None, help="standard-library folder (default: this one)"
    )
    parser.add_argument(
        "--real",
        type=Path,
        nargs="*",
        default=None,
        help="folders of real code for the functions (default: installed packages)",
    )
    parser.add_argument("--tokenizer", type=Path, default=BPE_FILE, help="the v2 tokenizer")
    parser.add_argument(
        "--old-tokenizer",
        type=Path,
        default=V1_TOKENIZER,
        help="the v1 tokenizer (default: the v1 model's word list, kept for this comparison)",
    )
    parser.add_argument(
        "--sweep", default="", help="BPE sizes to train and compare, e.g. 2048,4096,8192"
    )
    add_output_argument(parser, "tokenizer")
    parser.set_defaults(handler=run)


@dataclass
class Function:
    package: str
    name: str
    lines: int
    source: str
    parameters: tuple[str, ...]


def real_folders() -> dict[str, Path]:
    """Installed folders of `REAL_PACKAGES` (those present)."""
    found = {}
    for name in REAL_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found[name] = Path(next(iter(spec.submodule_search_locations)))
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def functions_in(package: str, folder: Path, max_lines: int) -> Iterator[Function]:
    """Outermost functions and methods of ≤ `max_lines` lines (def to end) under `folder`."""
    for path in sorted(folder.rglob("*.py")):
        source = _read(path)
        if source is None:
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        pending: list[ast.AST] = [tree]
        while pending:
            node = pending.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    last = child.end_lineno or child.lineno
                    lines = last - child.lineno + 1
                    if lines <= max_lines:
                        arguments = child.args
                        names = [
                            a.arg
                            for a in (
                                *arguments.posonlyargs,
                                *arguments.args,
                                *arguments.kwonlyargs,
                            )
                        ]
                        text = function_lines(source, child.lineno, last).text
                        yield Function(package, child.name, lines, text, tuple(names))
                elif isinstance(child, ast.ClassDef | ast.If | ast.Try):
                    pending.append(child)


def prefix_tokens(tok: Tokenizer, function: Function, view: bool = True) -> int:
    """Tokens of a training example's prefix: the source, then one typical transition."""
    text = model_view(function.source).text if view else function.source
    tokens = len(encode_source(tok, text))
    call = Step(
        line=1,
        event="call",
        function=function.name,
        depth=1,
        locals=dict.fromkeys(function.parameters, "[1, 2, 3]"),
    )
    first = Step(line=2, event="line", function=function.name, depth=1, locals=call.locals)
    state = State(step=call)
    tokens += len(encode_state(tok, state)) + len(encode_action(tok, "step_into"))
    stop = Stop(end=False, event="line", line=first.line, depth=1, function=function.name)
    return tokens + len(encode_stop(tok, stop))


def source_tokens(tok: Tokenizer, sources: list[str], view: bool) -> int:
    """Tokens of the sources' lines as `encode_source` lays them out (its 2 opening tokens cut)."""
    return sum(len(encode_source(tok, model_view(s).text if view else s)) - 2 for s in sources)


def line_counts(sources: list[str]) -> dict[str, int]:
    return {
        "files": len(sources),
        "real_lines": sum(len(s.splitlines()) for s in sources),
        "code_lines": sum(len(view_lines(s)) for s in sources),
    }


def per_line(tok: Tokenizer, sources: list[str], counts: dict[str, int]) -> dict[str, float]:
    raw, view = source_tokens(tok, sources, False), source_tokens(tok, sources, True)
    return {
        "raw_tokens": raw,
        "view_tokens": view,
        "raw_per_real_line": round(raw / max(1, counts["real_lines"]), 3),
        "view_per_real_line": round(view / max(1, counts["real_lines"]), 3),
        "view_per_code_line": round(view / max(1, counts["code_lines"]), 3),
    }


def fit(tok: Tokenizer, functions: list[Function], window: int, view: bool) -> dict[str, Any]:
    sizes = [prefix_tokens(tok, f, view) for f in functions]
    fits = sum(size <= window for size in sizes)
    buckets: dict[str, float] = {}  # most functions are short: the long ones are the test
    for low, high in LENGTH_BUCKETS:
        chosen = [s for s, f in zip(sizes, functions, strict=True) if low <= f.lines <= high]
        if chosen:
            buckets[f"{low}-{high}"] = round(sum(s <= window for s in chosen) / len(chosen), 4)
    return {
        "fit_rate_by_lines": buckets,
        "window": window,
        "functions": len(sizes),
        "fit": fits,
        "fit_rate": round(fits / max(1, len(sizes)), 4),
        "median_prefix_tokens": statistics.median(sizes) if sizes else 0,
        "max_prefix_tokens": max(sizes, default=0),
    }


def measure(
    tok: Tokenizer,
    held_out: list[str],
    held_counts: dict[str, int],
    functions: list[Function],
    function_counts: dict[str, int],
    window: int,
) -> dict[str, Any]:
    sources = [f.source for f in functions]
    return {
        "vocab_size": tok.size,
        "embedding_rows": tok.size,
        "stdlib_held_out": per_line(tok, held_out, held_counts),
        "functions": per_line(tok, sources, function_counts),
        "fit_view": fit(tok, functions, window, view=True),
    }


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    old = Tokenizer.load(args.old_tokenizer)
    new = Tokenizer.load(args.tokenizer)
    modules = stdlib_modules(args.stdlib)
    held_out: list[str] = []
    training: list[str] = []
    for module, path in modules:
        source = _read(path)
        if source is not None:
            (held_out if is_held_out(module) else training).append(source)
    folders = (
        {folder.name: folder for folder in args.real} if args.real is not None else real_folders()
    )
    functions = [
        function
        for package, folder in sorted(folders.items())
        for function in functions_in(package, folder, args.max_lines)
    ]
    held_counts, function_counts = line_counts(held_out), line_counts([f.source for f in functions])
    results: dict[str, Any] = {
        "data": {
            "stdlib_modules": len(modules),
            "stdlib_held_out": held_counts,
            "real_packages": {
                name: sum(f.package == name for f in functions) for name in sorted(folders)
            },
            "functions": function_counts,
            "max_function_lines": args.max_lines,
        },
        "old": measure(old, held_out, held_counts, functions, function_counts, args.window),
        "new": measure(new, held_out, held_counts, functions, function_counts, args.window),
    }
    results["old"]["fit_raw_old_budget"] = fit(old, functions, OLD_SOURCE_LIMIT, view=False)
    results["old"]["fit_raw"] = fit(old, functions, args.window, view=False)
    results["new"]["fit_raw"] = fit(new, functions, args.window, view=False)
    by_package: dict[str, float] = {}
    for name in sorted(folders):
        chosen = [f for f in functions if f.package == name]
        by_package[name] = fit(new, chosen, args.window, view=True)["fit_rate"]
    results["new"]["fit_rate_by_package"] = by_package
    sweep: dict[str, Any] = {}
    if args.sweep:
        texts = [line for source in training for line in view_lines(source)]
        for size in (int(value) for value in args.sweep.split(",") if value.strip()):
            trained: BpeTokenizer = train_bpe(texts, size)
            sweep[str(size)] = measure(
                trained, held_out, held_counts, functions, function_counts, args.window
            )
    results["sweep"] = sweep
    results["seconds"] = round(time.perf_counter() - started, 1)
    print_table(results)
    write_results(args.out, results)
    print(f"wrote {args.out}")
    return 0


def print_table(results: dict[str, Any]) -> None:
    rows = [("v1 (shipped)", results["old"]), ("v2 BPE", results["new"])]
    rows += [(f"BPE {size}", figures) for size, figures in results["sweep"].items()]
    print(
        f"{'tokenizer':14} {'vocab':>6} {'stdlib raw/line':>16} {'view/code line':>15} "
        f"{'fn view/code line':>18} {'fit':>7}"
    )
    for name, figures in rows:
        held, fns = figures["stdlib_held_out"], figures["functions"]
        print(
            f"{name:14} {figures['vocab_size']:>6} {held['raw_per_real_line']:>16} "
            f"{held['view_per_code_line']:>15} {fns['view_per_code_line']:>18} "
            f"{figures['fit_view']['fit_rate']:>7.1%}"
        )
