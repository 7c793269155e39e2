"""A function's dependence facts as JSON (with its schema) and as text, for `neurodebug deps`.

The JSON shape is a contract with scripts and the editor (documented in docs/analysis.md and
validated against `JSON_SCHEMA` in the tests), so it lives beside the facts, not in the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from neurodebug.analyzers.document import ModuleFacts
from neurodebug.analyzers.facts import FunctionFacts, VarLine

SCHEMA_VERSION = 2

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
_SOURCES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["var", "line", "kind"],
        "properties": {
            "var": {"type": "string"},
            "line": {"type": "integer", "minimum": 0},
            "kind": {"enum": ["value", "mutation", "alias", "call"]},
        },
        "additionalProperties": False,
    },
}
_IDS = {"type": "array", "items": {"type": "integer", "minimum": 0}}

# The JSON Schema of `--format json` output (documented in docs/analysis.md; tests validate against it).
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
                    "statements",
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
                                "data": _SOURCES,
                                "control": _VAR_LINES,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "statements": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["line", "data", "control"],
                            "properties": {
                                "line": {"type": "integer"},
                                "data": _SOURCES,
                                "control": _LINES,
                            },
                            "additionalProperties": False,
                        },
                    },
                    "never_runs": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["lines", "test_line", "kind", "outcome"],
                            "properties": {
                                "lines": _LINES,
                                "test_line": {"type": "integer"},
                                "kind": {"enum": ["if", "elif", "while", "case", "for"]},
                                "outcome": {"type": "boolean"},
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


def _var_lines(pairs: tuple[VarLine, ...]) -> list[dict[str, Any]]:
    return [{"var": pair.var, "line": pair.line} for pair in pairs]


def _sources(function: FunctionFacts, pairs: Iterable[VarLine], line: int) -> list[dict[str, Any]]:
    return [
        {"var": pair.var, "line": pair.line, "kind": function.data_kind(pair.var, pair.line, line)}
        for pair in pairs
    ]


def _statements(function: FunctionFacts) -> list[dict[str, Any]]:
    """Per statement line: the definitions it reads (with each edge's kind) and the condition
    lines it is directly control dependent on."""
    result = []
    for line in function.statement_lines():
        if line == function.def_line:
            continue
        sources = sorted({VarLine(e.var, e.def_line) for e in function.data_dependencies(line)})
        conditions = sorted({e.condition_line for e in function.control_dependencies(line)})
        result.append(
            {"line": line, "data": _sources(function, sources, line), "control": conditions}
        )
    return result


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
                "data": _sources(function, definition.data, definition.line),
                "control": _var_lines(definition.control),
            }
            for definition in function.definitions
        ],
        "statements": _statements(function),
        "never_runs": [
            {"lines": list(d.lines), "test_line": d.test_line, "kind": d.kind, "outcome": d.outcome}
            for d in function.dead_code
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
    lines.extend(
        f"  never runs: {', '.join(map(str, dead.lines))}"
        f" (the {dead.kind} on line {dead.test_line} always gives {dead.outcome})"
        for dead in function.dead_code
    )
    if criterion is not None:
        line, var = criterion
        sliced = ", ".join(str(n) for n in sorted(function.backward_slice(line, var)))
        lines.append(f"  slice {line}:{var}: {sliced}")
    return lines


def deps_document(
    file: str,
    facts: ModuleFacts,
    functions: list[FunctionFacts],
    criterion: tuple[int, str] | None,
    slice_owner: FunctionFacts | None,
) -> dict[str, Any]:
    """The whole `--format json` document: syntax errors and the chosen functions' facts."""
    return {
        "schema_version": SCHEMA_VERSION,
        "file": file,
        "syntax_errors": [
            {"line": p.line, "column": p.column, "message": p.message} for p in facts.syntax_errors
        ],
        "functions": [function_json(f, criterion if f is slice_owner else None) for f in functions],
    }
