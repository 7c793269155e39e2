"""Output formats of `neurodebug analyze`: text, JSON, SARIF 2.1.0 and GitHub annotations.

Every format renders the same records (see `neurodebug.analysis.finding_record`): lines and
columns are 1-based, columns count Unicode characters (SARIF says so with `columnKind`).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from neurodebug import __version__
from neurodebug.analyzers.never_runs import NEVER_RUNS_CODE, NEVER_RUNS_NAME
from neurodebug.analyzers.rules import RULES, SYNTAX_ERROR_CODE, Rule

Record = dict[str, Any]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "information": "notice", "hint": "notice"}


def text(records: list[Record]) -> str:
    """`path:line:col: CODE message` per finding; `[*]` marks a fix `--fix` would apply."""
    lines = []
    for record in records:
        marker = " [*]" if record["fix"] and record["fix"]["safety"] == "safe" else ""
        lines.append(
            f"{record['path']}:{record['line']}:{record['column']}: "
            f"{record['code']}{marker} {record['message']}"
        )
    return "".join(line + "\n" for line in lines)


def json_output(records: list[Record]) -> str:
    """A JSON array of findings (code, equivalents, path, positions, message, severity, fix)."""
    return json.dumps(records, indent=2) + "\n"


def github(records: list[Record]) -> str:
    """GitHub Actions workflow commands that annotate the pull request's diff."""
    lines = []
    for record in records:
        level = _GITHUB_LEVEL.get(record["severity"], "warning")
        message = f"{record['code']} {record['message']}".replace("%", "%25")
        message = message.replace("\r", "%0D").replace("\n", "%0A")
        lines.append(
            f"::{level} title=neurodebug ({record['code']}),file={record['path']},"
            f"line={record['line']},col={record['column']},endLine={record['end_line']},"
            f"endColumn={record['end_column']}::{message}"
        )
    return "".join(line + "\n" for line in lines)


def _uri(path: str) -> str:
    return Path(path).as_posix()


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary.replace("`", "")},
        "fullDescription": {"text": rule.doc},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"equivalents": list(rule.equivalents), "fix": rule.fix or "none"},
    }


def sarif(records: list[Record]) -> str:
    """A SARIF 2.1.0 log with one run, every rule as a reporting descriptor, fixes included."""
    rules: list[dict[str, Any]] = [
        {
            "id": SYNTAX_ERROR_CODE,
            "name": "syntax-error",
            "shortDescription": {"text": "The file does not parse as Python."},
            "defaultConfiguration": {"level": "error"},
        },
        {
            "id": NEVER_RUNS_CODE,
            "name": NEVER_RUNS_NAME,
            "shortDescription": {"text": "Code that no run reaches: a test's value is known."},
            "defaultConfiguration": {"level": "note"},
        },
    ]
    rules.extend(_descriptor(rule) for rule in RULES)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = []
    for record in records:
        result: dict[str, Any] = {
            "ruleId": record["code"],
            "ruleIndex": index.get(record["code"], 0),
            "level": _SARIF_LEVEL.get(record["severity"], "warning"),
            "message": {"text": record["message"]},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(record["path"])},
                        "region": _region(
                            record["line"],
                            record["column"],
                            record["end_line"],
                            record["end_column"],
                        ),
                    }
                }
            ],
        }
        fix = record["fix"]
        if fix:
            result["fixes"] = [
                {
                    "description": {"text": f"{fix['description']} ({fix['safety']})"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(record["path"])},
                            "replacements": [
                                {
                                    "deletedRegion": _region(
                                        edit["line"],
                                        edit["column"],
                                        edit["end_line"],
                                        edit["end_column"],
                                    ),
                                    "insertedContent": {"text": edit["new_text"]},
                                }
                                for edit in fix["edits"]
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "neurodebug",
                        "version": __version__,
                        "informationUri": "https://example.invalid/neurodebug",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def statistics(records: list[Record]) -> str:
    """Counts per code, most frequent first: `count code [*] name`."""
    counts = Counter(record["code"] for record in records)
    names = {record["code"]: record["name"] for record in records}
    fixable = {
        record["code"] for record in records if record["fix"] and record["fix"]["safety"] == "safe"
    }
    width = max((len(str(count)) for count in counts.values()), default=1)
    lines = [
        f"{count:>{width}}\t{code}\t{'[*]' if code in fixable else '   '} {names[code]}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "".join(line + "\n" for line in lines)


FORMATTERS = {"text": text, "json": json_output, "sarif": sarif, "github": github}
