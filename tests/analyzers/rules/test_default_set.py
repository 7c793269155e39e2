"""The default rule set is the measured one (issue 18, item 3).

`neurodebug bench worth` times every rule's pattern (benchmarks/patterns/<CODE>.py) before and
after the change it asks for, at 10^3..10^6 elements, and writes benchmarks/results/worth.json.
Independent reviews judge every default finding on real projects, and
benchmarks/reviews/tally.py counts each rule's real-code yield into
benchmarks/reviews/yield.json. These tests hold the rules to both files: a rule is on by
default exactly when its median speed-up reaches 1.2× and its real-code yield does not say
otherwise (at least two findings, fewer than half worth it); a rule whose rewrite measures
slower offers no fix. Changing a rule's `default` or fix without re-measuring fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from neurodebug.analyzers.rules import RULES, Rule, Settings, check_source

from neurodebug.bench.worth import PATTERNS, WORTH_IT, fires_on, verdict

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
WORTH = BENCHMARKS / "results" / "worth.json"
YIELD = BENCHMARKS / "reviews" / "yield.json"
SLOWER = 0.95
"""Below this median the rewrite is slower than the code it replaces (above it, noise)."""


def measured() -> dict[str, dict]:
    return {row["code"]: row for row in json.loads(WORTH.read_text())["rules"]}


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_every_rule_is_measured_on_a_pattern_it_fires_on(rule: Rule) -> None:
    row = measured().get(rule.code)
    assert row is not None and "error" not in row, f"{rule.code}: no measurement in {WORTH}"
    assert len(row["sizes"]) >= 2, "measured at one size only"
    assert fires_on(rule, PATTERNS / f"{rule.code}.py")


def real_code_yield() -> dict[str, dict]:
    rules: dict[str, dict] = json.loads(YIELD.read_text())["rules"]
    return rules


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_on_by_default_exactly_when_worth_it_on_its_pattern_and_on_real_code(rule: Rule) -> None:
    row = measured()[rule.code]
    speedups = [size["speedup"] for size in row["sizes"]]
    on_real_code = real_code_yield().get(rule.code, {"on_by_default": True})
    expected = verdict(speedups) == "default" and on_real_code["on_by_default"]
    assert rule.default == expected, (
        f"{rule.code}: median speed-up {row['median_speedup']}× (worth it at {WORTH_IT}×), "
        f"real-code yield {on_real_code}"
    )


def test_the_yield_follows_its_own_threshold() -> None:
    tally = json.loads(YIELD.read_text())
    for code, counts in tally["rules"].items():
        assert 0 <= counts["worth_it"] <= counts["reported"] <= counts["reviewed"], code
        says_noise = (
            counts["reported"] >= tally["min_findings"]
            and counts["worth_it"] < tally["min_yield"] * counts["reported"]
        )
        assert counts["on_by_default"] is not says_noise, code


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_no_fix_that_measures_slower(rule: Rule) -> None:
    row = measured()[rule.code]
    if row["median_speedup"] < SLOWER:
        assert rule.fix is None, f"{rule.code}'s rewrite measures {row['median_speedup']}×"


def test_the_pedantic_group_selects_exactly_the_opt_in_rules() -> None:
    opt_in = {rule.code for rule in RULES if not rule.default}
    assert opt_in and opt_in != {rule.code for rule in RULES}
    for rule in RULES:
        source = (PATTERNS / f"{rule.code}.py").read_bytes()
        settings = Settings(select=("PEDANTIC",), target_version=(3, 10))
        codes = {finding.code for finding in check_source(source, None, settings)}
        assert (rule.code in codes) == (rule.code in opt_in), rule.code
