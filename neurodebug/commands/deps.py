"""`neurodebug deps FILE`: control-flow blocks, definitions with their data and control sources,
and backward slices, per function — the static facts the editor shows, for scripts and people.

Exit status: 0 when the facts were printed (syntax errors elsewhere in the file are reported in
the output, and every function that parses is still analysed), 2 on usage errors (missing or
unreadable file, bad `--slice`, no function matching `--function`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from neurodebug.analyzers.deps_report import deps_document, function_text
from neurodebug.analyzers.document import ModuleFacts, analyze_source
from neurodebug.analyzers.facts import FunctionFacts
from neurodebug.analyzers.parsing import UnreadableSourceError, read_source


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "deps",
        help="print CFG blocks, data/control dependencies and slices per function",
        description=__doc__,
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "--function",
        metavar="NAME",
        help="only the function with this name or qualname (e.g. Class.method, <module>)",
    )
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.add_argument(
        "--slice",
        metavar="LINE:VAR",
        help="also print the backward slice of VAR at LINE (in the function holding LINE)",
    )
    parser.set_defaults(handler=run)


def parse_slice(text: str) -> tuple[int, str] | None:
    """`12:total` -> (12, "total"); None when malformed."""
    line_text, _, var = text.partition(":")
    if not line_text.strip().isdigit() or not var.strip().isidentifier():
        return None
    return int(line_text), var.strip()


def select_functions(facts: ModuleFacts, name: str | None) -> list[FunctionFacts]:
    """The functions to print: all, or those matching `--function`."""
    if name is None:
        return list(facts.functions)
    return facts.functions_named(name)


def run(args: argparse.Namespace) -> int:
    """Print the facts; a file nested too deeply even for a raised recursion limit is an error.

    (1,000 nested `if`s or lambdas recurse past Python's default limit of 1,000 frames.)
    """
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        return _print_facts(args)
    except RecursionError:
        print(f"neurodebug deps: {args.file}: too deeply nested to analyse", file=sys.stderr)
        return 2
    finally:
        sys.setrecursionlimit(limit)


def _print_facts(args: argparse.Namespace) -> int:
    criterion = None
    if args.slice is not None:
        criterion = parse_slice(args.slice)
        if criterion is None:
            print(f"neurodebug deps: --slice wants LINE:VAR, got {args.slice!r}", file=sys.stderr)
            return 2
    try:
        source = read_source(args.file)
    except UnreadableSourceError as error:
        print(f"neurodebug deps: {args.file}: {error}", file=sys.stderr)
        return 2
    facts = analyze_source(source)
    functions = select_functions(facts, args.function)
    if not functions:
        print(f"neurodebug deps: no function named {args.function!r}", file=sys.stderr)
        return 2
    slice_owner = facts.function_at(criterion[0]) if criterion is not None else None
    if slice_owner is not None and all(f is not slice_owner for f in functions):
        functions.append(slice_owner)
    for problem in facts.syntax_errors:
        print(f"{args.file}:{problem.line}:{problem.column}: {problem.message}", file=sys.stderr)
    if args.format == "json":
        document = deps_document(str(args.file), facts, functions, criterion, slice_owner)
        print(json.dumps(document, indent=2))
    else:
        for function in functions:
            print(
                "\n".join(function_text(function, criterion if function is slice_owner else None))
            )
    return 0
