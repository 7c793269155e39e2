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
from typing import Any

from neurodebug.analyzers.document import ModuleFacts, analyze_source
from neurodebug.analyzers.facts import FunctionFacts, VarLine
from neurodebug.analyzers.parsing import UnreadableSourceError, read_source

SCHEMA_VERSION = 1

_VAR_LINES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["var", "line"],
        "properties": {"var": {"type": "string"}, "line": {"type": "integer", "minimum": 0}},
        "additionalProperties": False,
    },
}
_LINES = {"type": "array", "items": {"type": "integer", "minimum": 0}}
_IDS = {"type": "array", "items": {"type": "integer", "minimum": 0}}

# The JSON Schema of `--format json` output (documented in README; tests validate against it).
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "file", "syntax_errors", "functions"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "file": {"type": "string"},
        "syntax_errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["line", "column", "message"],
                "properties": {
                    "line": {"type": "integer"},
                    "column": {"type": "integer"},
                    "message": {"type": "string"},
                },
            },
        },
        "functions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "name",
                    "qualname",
                    "kind",
                    "line",
                    "end_line",
                    "params",
                    "entry_block",
                    "exit_block",
                    "blocks",
                    "definitions",
                ],
                "properties": {
                    "name": {"type": "string"},
                    "qualname": {"type": "string"},
                    "kind": {"enum": ["module", "function", "class"]},
                    "line": {"type": "integer"},
                    "end_line": {"type": "integer"},
                    "params": {"type": "array", "items": {"type": "string"}},
                    "entry_block": {"type": "integer"},
                    "exit_block": {"type": "integer"},
                    "blocks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "id",
                                "kind",
                                "start_line",
                                "end_line",
                                "lines",
                                "successors",
                                "exception_successors",
                            ],
                            "properties": {
                                "id": {"type": "integer"},
                                "kind": {"enum": ["entry", "body", "exit"]},
                                "start_line": {"type": "integer"},
                                "end_line": {"type": "integer"},
                                "lines": _LINES,
                                "successors": _IDS,
                                "exception_successors": _IDS,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "definitions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["var", "line", "how", "data", "control"],
                            "properties": {
                                "var": {"type": "string"},
                                "line": {"type": "integer"},
                                "how": {"type": "string"},
                                "data": _VAR_LINES,
                                "control": _VAR_LINES,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "slice": {
                        "type": "object",
                        "required": ["line", "var", "lines"],
                        "properties": {
                            "line": {"type": "integer"},
                            "var": {"type": "string"},
                            "lines": _LINES,
                        },
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


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


def _var_lines(pairs: tuple[VarLine, ...]) -> list[dict[str, Any]]:
    return [{"var": pair.var, "line": pair.line} for pair in pairs]


def function_json(function: FunctionFacts, criterion: tuple[int, str] | None) -> dict[str, Any]:
    """One function's facts in the documented JSON shape."""
    cfg = function.cfg
    result: dict[str, Any] = {
        "name": function.name,
        "qualname": function.qualname,
        "kind": function.kind,
        "line": function.def_line,
        "end_line": function.end_line,
        "params": function.params,
        "entry_block": cfg.entry,
        "exit_block": cfg.exit,
        "blocks": [
            {
                "id": block.id,
                "kind": block.kind,
                "start_line": block.start_line,
                "end_line": block.end_line,
                "lines": list(block.lines),
                "successors": list(block.successors),
                "exception_successors": list(block.exception_successors),
            }
            for block in cfg.blocks
        ],
        "definitions": [
            {
                "var": definition.var,
                "line": definition.line,
                "how": definition.how,
                "data": _var_lines(definition.data),
                "control": _var_lines(definition.control),
            }
            for definition in function.definitions
        ],
    }
    if criterion is not None:
        line, var = criterion
        result["slice"] = {
            "line": line,
            "var": var,
            "lines": sorted(function.backward_slice(line, var)),
        }
    return result


def _pairs(pairs: tuple[VarLine, ...]) -> str:
    return ", ".join(f"{pair.var}@{pair.line}" for pair in pairs) or "-"


def function_text(function: FunctionFacts, criterion: tuple[int, str] | None) -> list[str]:
    """One function's facts as indented text lines."""
    cfg = function.cfg
    lines = [
        f"{function.qualname} ({function.kind}, lines {function.def_line}-{function.end_line})"
    ]
    lines.append("  blocks:")
    for block in cfg.blocks:
        span = f"{block.start_line}-{block.end_line}" if block.kind != "exit" else "exit"
        successors = ", ".join(f"B{s}" for s in block.successors) or "-"
        extra = ""
        if block.exception_successors:
            extra = "  raises-> " + ", ".join(f"B{s}" for s in block.exception_successors)
        lines.append(f"    B{block.id:<3} {block.kind:<5} {span:<9} -> {successors}{extra}")
    lines.append("  definitions:")
    lines.extend(
        f"    {definition.var}@{definition.line} ({definition.how})"
        f"  data: {_pairs(definition.data)}  control: {_pairs(definition.control)}"
        for definition in function.definitions
    )
    if criterion is not None:
        line, var = criterion
        sliced = ", ".join(str(n) for n in sorted(function.backward_slice(line, var)))
        lines.append(f"  slice {line}:{var}: {sliced}")
    return lines


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
        document = {
            "schema_version": SCHEMA_VERSION,
            "file": str(args.file),
            "syntax_errors": [
                {"line": p.line, "column": p.column, "message": p.message}
                for p in facts.syntax_errors
            ],
            "functions": [
                function_json(f, criterion if f is slice_owner else None) for f in functions
            ],
        }
        print(json.dumps(document, indent=2))
    else:
        for function in functions:
            print(
                "\n".join(function_text(function, criterion if function is slice_owner else None))
            )
    return 0
