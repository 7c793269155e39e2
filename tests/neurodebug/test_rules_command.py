"""`neurodebug rules`: every rule with its doc; the README's table is the registry's."""

from __future__ import annotations

import json

from neurodebug.analyzers.rules import RULES

from neurodebug.commands.rules import TABLE_END, TABLE_START, markdown_table
from tests.conftest import REPO_ROOT, run_neurodebug


def test_json_lists_every_rule_with_doc_and_equivalents() -> None:
    completed = run_neurodebug("rules", "--format", "json")
    assert completed.returncode == 0
    listed = json.loads(completed.stdout)
    assert [item["code"] for item in listed] == [rule.code for rule in RULES]
    by_code = {item["code"]: item for item in listed}
    assert by_code["ND104"]["equivalents"][:2] == ["PERF401", "W8401"]
    assert by_code["ND103"]["max_version"] == "3.11"
    assert "## Why it is slow" in by_code["ND301"]["doc"]


def test_one_rule_prints_its_doc_and_unknown_code_is_usage_error() -> None:
    completed = run_neurodebug("rules", "nd315")
    assert completed.returncode == 0
    assert "functools.cache" in completed.stdout and "## Fix safety" in completed.stdout
    assert run_neurodebug("rules", "ND999").returncode == 2


def test_readme_table_matches_the_registry() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme[readme.index(TABLE_START) + len(TABLE_START) : readme.index(TABLE_END)]
    assert table.strip() == markdown_table().strip(), (
        "README rule table is stale: run `neurodebug rules --update-readme README.md`"
    )


def test_enough_rules_beyond_the_peers() -> None:
    beyond = [rule for rule in RULES if rule.code.startswith("ND3")]
    assert len(beyond) >= 15
    assert sum(rule.dataflow for rule in beyond) >= 12
