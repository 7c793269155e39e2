"""`neurodebug rules [CODE…]`: list the performance rules with their docs and peer equivalents.

`--format markdown` prints the README's rule table, and `--update-readme FILE` rewrites the
table between the `<!-- rules-table:start -->` / `<!-- rules-table:end -->` markers, so the
README is generated from the registry and a test can hold the two together.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from neurodebug.analyzers.rules import RULES, Rule, rule_by_code

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="list the performance rules (docs, peer equivalents, fixes)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("codes", nargs="*", metavar="CODE", help="show only these rules")
    parser.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="(text)"
    )
    parser.add_argument(
        "--update-readme",
        type=Path,
        metavar="FILE",
        help="rewrite the rule table in FILE between the rules-table markers",
    )
    parser.set_defaults(handler=run)


def rule_json(rule: Rule) -> dict[str, object]:
    """Everything known about a rule, for `--format json`."""
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity,
        "equivalents": list(rule.equivalents),
        "fix": rule.fix,
        "min_version": ".".join(map(str, rule.min_version)) if rule.min_version else None,
        "max_version": ".".join(map(str, rule.max_version)) if rule.max_version else None,
        "dataflow": rule.dataflow,
        "default": rule.default,
        "doc": rule.doc,
    }


def markdown_table(rules: tuple[Rule, ...] = RULES) -> str:
    """The README table: code, name, what it finds, peer equivalents, fix safety."""
    lines = [
        "| code | name | what it finds | equivalents | fix |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        what = rule.summary.replace("|", "\\|")
        if rule.max_version:
            what += f" (only for targets < {'.'.join(map(str, rule.max_version))})"
        if rule.dataflow:
            what += " ◆"
        if not rule.default:
            what += " (opt-in)"
        equivalents = ", ".join(rule.equivalents) or "—"
        lines.append(f"| {rule.code} | {rule.name} | {what} | {equivalents} | {rule.fix or '—'} |")
    return "\n".join(lines) + "\n"


def replace_table(readme: str) -> str:
    """`readme` with the text between the table markers replaced by the current table."""
    start = readme.index(TABLE_START) + len(TABLE_START)
    end = readme.index(TABLE_END)
    return readme[:start] + "\n" + markdown_table() + readme[end:]


def run(args: argparse.Namespace) -> int:
    if args.update_readme is not None:
        text = args.update_readme.read_text(encoding="utf-8")
        if TABLE_START not in text or TABLE_END not in text:
            print(
                f"neurodebug rules: {args.update_readme} has no {TABLE_START} … {TABLE_END}",
                file=sys.stderr,
            )
            return 2
        args.update_readme.write_text(replace_table(text), encoding="utf-8")
        return 0
    selected: list[Rule] = []
    for code in args.codes:
        rule = rule_by_code(code)
        if rule is None:
            print(f"neurodebug rules: unknown rule code {code!r}", file=sys.stderr)
            return 2
        selected.append(rule)
    rules = tuple(selected) or RULES
    if args.format == "json":
        print(json.dumps([rule_json(rule) for rule in rules], indent=2))
    elif args.format == "markdown":
        sys.stdout.write(markdown_table(rules))
    else:
        for rule in rules:
            equivalents = ", ".join(rule.equivalents) or "none"
            opt_in = "; opt-in" if not rule.default else ""
            print(
                f"{rule.code} {rule.name} [fix: {rule.fix or 'none'}; peers: {equivalents}{opt_in}]"
            )
            if args.codes:
                print()
                print(rule.doc)
            else:
                print(f"    {rule.summary}")
    return 0
