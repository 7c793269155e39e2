"""Tally the independent reviews into each rule's real-code yield: benchmarks/reviews/yield.json.

Why: a rule whose pattern measures ≥ 1.2× (`neurodebug bench worth`) can still be noise on real
code, where the collections it sees are small or the code runs once. The reviews judge every
default finding on real projects; this counts, per rule, the findings the rules still report
and how many of those were judged worth it. tests/analyzers/rules/test_default_set.py holds
each rule's `default` to `on_by_default` below.

    python benchmarks/reviews/tally.py CURRENT.txt [CURRENT.txt ...]

CURRENT.txt: `neurodebug analyze --select <the rules bench worth puts on by default>` output on
the reviewed sources, with paths relative to the folder the review names: the findings those
rules report today, whether or not this tally has since turned them off (else a rule turned
off would count no findings and come back). A reviewed finding that is not in it is counted
as gone (a later precision change removed it).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REVIEWS = (
    "harness_independent.md",
    "heldout_independent.md",
    "fresh_independent.md",
    "fresh2_independent.md",
    "fresh3_independent.md",
    "fresh4_independent.md",
)
"""Each fresh review was written as a validation set (out of sample: projects no rule change
had seen) and folded in once it had been used as one (issue 18): its figure is quoted in
docs/rules.md as measured before it could shape anything."""
OUT = HERE / "yield.json"

MIN_FINDINGS = 2
"""Fewer reviewed findings than this say nothing about a rule: it keeps its measured default."""
MIN_YIELD = 0.5
"""A rule with at least MIN_FINDINGS findings stays on by default only if this share is worth it."""

ROW = re.compile(
    r"^\| \d+ \| `?(?P<path>[^`|]+?):(?P<line>\d+)`? (?P<code>ND\d+) \| (?P<verdict>worth it|not worth it) \|"
)
FINDING = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):\d+: (?P<code>ND\d+) ")


def reviewed(review: Path) -> dict[tuple[str, int, str], bool]:
    """(path, line, code) → worth it, from a review's table."""
    rows: dict[tuple[str, int, str], bool] = {}
    for text in review.read_text().splitlines():
        match = ROW.match(text)
        if match:
            key = (match["path"].strip(), int(match["line"]), match["code"])
            rows[key] = match["verdict"] == "worth it"
    return rows


def reported(outputs: list[Path]) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for output in outputs:
        for text in output.read_text().splitlines():
            match = FINDING.match(text)
            if match:
                found.add((match["path"], int(match["line"]), match["code"]))
    return found


def _same(review_path: str, reported_path: str) -> bool:
    """The reviews name files from the project folder or from the package folder."""
    return reported_path.endswith(review_path) or review_path.endswith(
        reported_path.split("/", 1)[-1]
    )


def tally(outputs: list[Path]) -> dict[str, object]:
    current = reported(outputs)
    rules: dict[str, dict[str, int]] = {}
    for name in REVIEWS:
        for (path, line, code), worth in reviewed(HERE / name).items():
            counts = rules.setdefault(code, {"reviewed": 0, "reported": 0, "worth_it": 0})
            counts["reviewed"] += 1
            if any(_same(path, p) and line == n and code == c for p, n, c in current):
                counts["reported"] += 1
                counts["worth_it"] += worth
    for counts in rules.values():
        counts["on_by_default"] = not (
            counts["reported"] >= MIN_FINDINGS
            and counts["worth_it"] < MIN_YIELD * counts["reported"]
        )
    reported_total = sum(c["reported"] for c in rules.values())
    worth_total = sum(c["worth_it"] for c in rules.values())
    kept = [c for c in rules.values() if c["on_by_default"]]
    return {
        "reviews": list(REVIEWS),
        "min_findings": MIN_FINDINGS,
        "min_yield": MIN_YIELD,
        "reported": reported_total,
        "worth_it": worth_total,
        "reported_by_rules_kept_on": sum(c["reported"] for c in kept),
        "worth_it_by_rules_kept_on": sum(c["worth_it"] for c in kept),
        "rules": dict(sorted(rules.items())),
    }


def main() -> None:
    result = tally([Path(arg) for arg in sys.argv[1:]])
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rules"}, indent=1))
    for code, counts in result["rules"].items():  # type: ignore[union-attr]
        print(code, counts)


if __name__ == "__main__":
    main()
