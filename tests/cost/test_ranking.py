"""Ranking: cost regions, expected savings, severities, and `analyze --profile` output."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules import check_source

from neurodebug.config import Settings
from neurodebug.cost.profiling import LineCost, Profile, run_profile
from neurodebug.cost.ranking import (
    PRIOR_SPEEDUPS,
    cost_region,
    load_typical_speedups,
    project_profile,
    rank_findings,
)
from tests.conftest import run_neurodebug

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(DATA / "hot_cold.py", tmp_path / "hot_cold.py")
    return tmp_path


def test_cost_region_is_the_innermost_loop_or_the_function() -> None:
    source = (
        b"def f(xs, ys):\n"  # 1
        b"    out = []\n"  # 2
        b"    for x in xs:\n"  # 3
        b"        if x in ys:\n"  # 4
        b"            out.append(x)\n"  # 5
        b"    return out\n"  # 6
    )
    tree = parse(source)
    assert cost_region(tree, "ND302", 4, 13, 4) == (3, 5)
    assert cost_region(tree, "ND104", 3, 4, 5) == (3, 5)
    assert cost_region(tree, "ND315", 1, 4, 1) == (1, 6)
    assert cost_region(tree, "ND309", 6, 4, 6) == (6, 6)


def test_rank_findings_orders_by_expected_saving(project: Path) -> None:
    path = project / "hot_cold.py"
    source = path.read_bytes()
    findings = check_source(source, path, Settings(select=("ND302", "ND202")))
    assert {f.code for f in findings} == {"ND302", "ND202"}
    profile = run_profile("python hot_cold.py 2000", project, timeout_s=60).profile
    ranked = rank_findings(findings, profile, path, source)
    first, last = ranked[0], ranked[-1]
    assert first.finding.code == "ND302" and first.rank == 1
    assert first.cost.ran and first.cost.hits == 2000
    assert 0 < first.cost.expected_saving < first.cost.time_share <= 1
    assert first.severity == "warning"
    assert "ran 2,000 times in `python hot_cold.py 2000`, about" in first.cost.hover()
    # ND202 is in never_called(): it drops to a hint with no cost
    assert last.finding.code == "ND202"
    assert not last.cost.ran and last.cost.expected_saving == 0 and last.severity == "hint"
    assert last.cost.hover() == "never ran in `python hot_cold.py 2000`"


def test_saving_is_share_times_speedup_gain(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    source = b"def f(xs):\n    ys = []\n    for x in xs:\n        if x not in ys:\n            ys.append(x)\n"
    path.write_bytes(source)
    lines = {3: LineCost(11, 0.1), 4: LineCost(10, 0.3), 5: LineCost(2, 0.1)}
    profile = Profile("python m.py", "measured", 1.0, {str(path.resolve()): lines})
    findings = check_source(source, path, Settings(select=("ND302",)))
    ranked = rank_findings(findings, profile, path, source)
    nd302 = next(r for r in ranked if r.finding.code == "ND302")
    assert nd302.cost.region == (3, 5)
    assert nd302.cost.time_share == pytest.approx(0.5)
    factor = nd302.cost.typical_speedup
    assert nd302.cost.expected_saving == pytest.approx(0.5 * (1 - 1 / factor))


def test_bench_fixes_results_override_the_priors(tmp_path: Path) -> None:
    results = tmp_path / "fixes.json"
    results.write_text(
        json.dumps(
            {"fixtures": [{"code": "ND302", "speedup": 3.0}, {"code": "ND302", "speedup": 5.0}]}
        )
    )
    table = load_typical_speedups([results])
    assert table["ND302"].factor == 4.0 and table["ND302"].source == "bench fixes"
    # the repository's bench worth figures outrank the priors and the fixtures' figures
    worth = json.loads((Path(__file__).parents[2] / "benchmarks/results/worth.json").read_text())
    nd303 = next(row for row in worth["rules"] if row["code"] == "ND303")
    assert table["ND303"].source == "bench worth"
    assert table["ND303"].factor == nd303["median_speedup"] != PRIOR_SPEEDUPS["ND303"]


def test_analyze_profile_text_json_and_sarif(project: Path) -> None:
    # both rules named: ND302 (opt-in) would be kept on its hot line anyway; ND202 (opt-in since
    # the fourth out-of-sample review) shows a selected finding in code that never ran
    selected = ("--select", "ND302,ND202")
    text = run_neurodebug(
        "analyze", "hot_cold.py", *selected, "--profile", "python hot_cold.py 1500", cwd=project
    )
    assert text.returncode == 1, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith(
        "Top 1 change by expected saving (measured with `python hot_cold.py 1500`"
    )
    assert "hot_cold.py:13:21: ND302" in lines[1]
    assert "ran 1,500 times" in lines[2]
    assert any("ND202" in line and "[never ran: hint]" in line for line in lines)
    assert (project / ".neurodebug_cache" / "profile.json").is_file()

    as_json = run_neurodebug(
        "analyze",
        "hot_cold.py",
        *selected,
        "--format",
        "json",
        "--profile",
        "python hot_cold.py 1500",
        cwd=project,
    )
    records = json.loads(as_json.stdout)
    assert [r["code"] for r in records] == ["ND302", "ND202"]
    top = records[0]["ranking"]
    assert top["cost"] == "measured" and top["hits"] == 1500 and top["rank"] == 1
    assert top["ran"] and 0 < top["expected_saving"] <= top["time_share"] <= 1
    assert records[1]["severity"] == "hint" and records[1]["ranking"]["ran"] is False

    sarif = run_neurodebug(
        "analyze",
        "hot_cold.py",
        *selected,
        "--format",
        "sarif",
        "--profile",
        "python hot_cold.py 1500",
        cwd=project,
    )
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    assert results[0]["ruleId"] == "ND302" and results[0]["properties"]["hits"] == 1500
    assert 0 < results[0]["rank"] <= 100
    assert results[1]["level"] == "note"


def test_analyze_profile_reports_a_bad_command(project: Path) -> None:
    result = run_neurodebug("analyze", "hot_cold.py", "--profile", "make all", cwd=project)
    assert result.returncode == 2
    assert "cannot profile 'make'" in result.stderr


def test_saved_profile_is_reread_when_it_changes(tmp_path: Path) -> None:
    assert project_profile(tmp_path) is None
    path = tmp_path / ".neurodebug_cache" / "profile.json"
    Profile("python a.py", "measured", 1.0, {"/x.py": {3: LineCost(5, 0.5)}}).save(path)
    first = project_profile(tmp_path)
    assert first is not None and first.command == "python a.py"
    assert project_profile(tmp_path) is first  # unchanged file: no re-read
    Profile("pytest", "measured", 2.0, {}).save(path)
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock's grain
    second = project_profile(tmp_path)
    assert second is not None and second.command == "pytest"


def test_opt_in_hints_appear_only_on_hot_lines_under_a_profile(tmp_path: Path) -> None:
    """ND317 is opt-in: a plain run does not report it; `--profile` runs it and keeps the
    finding on the line that carries the time, not on the same pattern that ran three times;
    selecting the rule keeps both."""
    shutil.copy(DATA / "micro_hot_cold.py", tmp_path / "micro_hot_cold.py")
    plain = run_neurodebug(
        "analyze", "micro_hot_cold.py", "--format", "json", "--exit-zero", cwd=tmp_path
    )
    assert not [r for r in json.loads(plain.stdout) if r["code"] == "ND317"]

    profile = ("--profile", "python micro_hot_cold.py 20000", "--format", "json", "--exit-zero")
    ranked = run_neurodebug("analyze", "micro_hot_cold.py", *profile, cwd=tmp_path)
    hot = [r for r in json.loads(ranked.stdout) if r["code"] == "ND317"]
    assert [r["line"] for r in hot] == [10], ranked.stderr
    assert hot[0]["ranking"]["time_share"] >= 0.05

    chosen = run_neurodebug(
        "analyze", "micro_hot_cold.py", "--select", "ND317", *profile, cwd=tmp_path
    )
    assert sorted(r["line"] for r in json.loads(chosen.stdout)) == [10, 20]
