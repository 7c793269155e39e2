"""`neurodebug analyze` as CI uses it: formats, fixes, diff, exit codes, config, cache."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.conftest import REPO_ROOT, run_neurodebug

SLOW = (
    "def keep(words, stop: list[str]):\n"
    "    first = sorted(stop)[0]\n"
    "    kept = []\n"
    "    for w in words:\n"
    "        if w != first:\n"
    "            kept.append(w)\n"
    "    return len(list(kept))\n"
)
"""Two default findings: ND222 (unsafe fix) on line 2, ND309 (safe fix) on line 7. The loop is
also an opt-in ND104 case, reported only when selected."""
SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-subset.schema.json"


def findings(stdout: str) -> list[str]:
    """The finding lines of a text report, without ruff-style summary lines after them."""
    return [line for line in stdout.splitlines() if ": ND" in line]


def write(folder: Path, name: str = "slow.py", text: str = SLOW) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_text_output_and_exit_status_one(tmp_path: Path) -> None:
    write(tmp_path)
    completed = run_neurodebug("analyze", "--no-cache", ".", cwd=tmp_path)
    assert completed.returncode == 1
    assert completed.stdout.splitlines() == [
        "slow.py:2:13: ND222 Use `min()` instead of sorting to take one element",
        "slow.py:7:12: ND309 [*] `len(list(kept))` copies everything to count it: use `len(kept)`",
        "Found 2 problems.",
        "[*] 1 fixable with --fix.",
        "1 more fixable with --fix --unsafe-fixes.",
    ]
    assert completed.stderr == ""


def test_json_findings_carry_codes_equivalents_positions_and_fixes(tmp_path: Path) -> None:
    write(tmp_path)
    completed = run_neurodebug("analyze", "--format", "json", "slow.py", cwd=tmp_path)
    findings = json.loads(completed.stdout)
    by_code = {finding["code"]: finding for finding in findings}
    identity = by_code["ND309"]
    assert identity["equivalents"] == []
    assert (identity["path"], identity["line"], identity["column"]) == ("slow.py", 7, 12)
    assert (identity["end_line"], identity["end_column"]) == (7, 27)
    assert identity["severity"] == "warning"
    assert identity["fix"]["safety"] == "safe"
    assert identity["fix"]["edits"][0]["new_text"] == "len(kept)"
    assert by_code["ND222"]["equivalents"] == ["FURB192"]
    assert by_code["ND222"]["fix"]["safety"] == "unsafe"


def test_sarif_output_validates_against_the_schema(tmp_path: Path) -> None:
    write(tmp_path)
    write(tmp_path, "broken.py", "def f(:\n    pass\n")
    completed = run_neurodebug("analyze", "--format", "sarif", ".", cwd=tmp_path)
    log = json.loads(completed.stdout)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert {result["ruleId"] for result in run["results"]} == {"ND000", "ND309", "ND222"}
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    fixed = next(r for r in run["results"] if r["ruleId"] == "ND309")
    assert fixed["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"] == "slow.py"
    # the schema is strict enough to catch a wrong level
    fixed["level"] = "warn"
    try:
        jsonschema.validate(log, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("schema accepted an invalid level")


def test_github_annotations(tmp_path: Path) -> None:
    write(tmp_path)
    completed = run_neurodebug("analyze", "--format", "github", "slow.py", cwd=tmp_path)
    last = completed.stdout.splitlines()[-1]
    assert last.startswith("::warning title=neurodebug (ND309),file=slow.py,line=7,col=12,")
    assert last.endswith("::ND309 `len(list(kept))` copies everything to count it: use `len(kept)`")


def test_fix_writes_safe_fixes_only_and_is_idempotent(tmp_path: Path) -> None:
    path = write(tmp_path)
    completed = run_neurodebug("analyze", "--fix", "slow.py", cwd=tmp_path)
    assert completed.returncode == 1  # the unsafe ND222 finding remains
    text = path.read_text()
    assert "    return len(kept)\n" in text
    assert "min(stop)" not in text
    again = run_neurodebug("analyze", "--fix", "slow.py", cwd=tmp_path)
    assert path.read_text() == text
    assert "Fixed" not in again.stderr
    assert not list(tmp_path.glob(".slow.py.*")), "temporary file left behind"


def test_unsafe_fixes_and_diff_does_not_write(tmp_path: Path) -> None:
    path = write(tmp_path)
    diff = run_neurodebug("analyze", "--diff", "--unsafe-fixes", "slow.py", cwd=tmp_path)
    assert diff.returncode == 1
    assert path.read_text() == SLOW
    assert "+    first = min(stop)" in diff.stdout
    assert diff.stdout.startswith("--- a/slow.py\n+++ b/slow.py\n")
    fixed = run_neurodebug("analyze", "--fix", "--unsafe-fixes", "slow.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout
    assert "first = min(stop)" in path.read_text()


def test_exit_zero_statistics_select_ignore(tmp_path: Path) -> None:
    write(tmp_path)
    stats = run_neurodebug("analyze", "--statistics", "--exit-zero", ".", cwd=tmp_path)
    assert stats.returncode == 0
    assert [line.split("\t")[:2] for line in stats.stdout.splitlines()] == [
        ["1", "ND222"],
        ["1", "ND309"],
    ]
    only = run_neurodebug("analyze", "--select", "PERF401", ".", cwd=tmp_path)
    assert [line.split()[1] for line in findings(only.stdout)] == ["ND104"]  # opt-in, named
    none = run_neurodebug("analyze", "--ignore", "ND2,ND3", ".", cwd=tmp_path)
    assert none.returncode == 0 and none.stdout == "All checks passed!\n"
    pedantic = run_neurodebug("analyze", "--select", "PEDANTIC", ".", cwd=tmp_path)
    assert [line.split()[1] for line in findings(pedantic.stdout)] == ["ND104"]


def test_pyproject_settings_and_suppression_comments(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.neurodebug]\nignore = ["ND222"]\nper-file-ignores = { "gen_*.py" = ["ND3"] }\n'
        'target-version = "python-three"\n'
    )
    write(tmp_path)
    write(tmp_path, "gen_a.py")
    write(tmp_path, "quiet.py", SLOW.replace("list(kept))", "list(kept))  # noqa"))
    completed = run_neurodebug("analyze", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in findings(completed.stdout)] == ["slow.py"]
    assert "ND222" not in completed.stdout
    assert "target-version 'python-three'" in completed.stderr


def test_unknown_selectors_are_usage_errors_naming_the_code(tmp_path: Path) -> None:
    write(tmp_path)
    typo = run_neurodebug("analyze", "--select", "ND1,XYZ", ".", cwd=tmp_path)
    assert typo.returncode == 2
    assert "unknown rule selector `XYZ`" in typo.stderr and typo.stdout == ""
    (tmp_path / "pyproject.toml").write_text('[tool.neurodebug]\nselect = ["NDX"]\n')
    configured = run_neurodebug("analyze", ".", cwd=tmp_path)
    assert configured.returncode == 2
    assert "unknown rule selector `NDX`" in configured.stderr
    assert "pyproject.toml" in configured.stderr
    overridden = run_neurodebug("analyze", "--select", "PERF401", ".", cwd=tmp_path)
    assert overridden.returncode == 1  # --select replaces the configured one, as in ruff


def test_output_format_is_an_alias_and_keeps_stdout_machine_readable(tmp_path: Path) -> None:
    write(tmp_path)
    completed = run_neurodebug("analyze", "--output-format", "json", ".", cwd=tmp_path)
    assert completed.returncode == 1
    assert [record["code"] for record in json.loads(completed.stdout)] == ["ND222", "ND309"]
    assert "Found 2 problems." in completed.stderr


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert run_neurodebug("analyze", "missing.py", cwd=tmp_path).returncode == 2
    assert run_neurodebug("analyze", "--format", "xml", ".", cwd=tmp_path).returncode == 2
    bad = run_neurodebug("analyze", "--target-version", "3", ".", cwd=tmp_path)
    assert bad.returncode == 2


def test_cache_reuses_results_and_no_cache_skips_it(tmp_path: Path) -> None:
    path = write(tmp_path)
    first = run_neurodebug("analyze", ".", cwd=tmp_path)
    cache_file = tmp_path / ".neurodebug_cache" / "analyze-v1.json"
    assert cache_file.exists()
    entries = json.loads(cache_file.read_text())["entries"]
    assert len(entries) == 1
    # poison the cached records: a cache hit must show them, proving no re-analysis
    key = next(iter(entries))
    entries[key][0]["message"] = "from the cache"
    cache_file.write_text(json.dumps({**json.loads(cache_file.read_text()), "entries": entries}))
    second = run_neurodebug("analyze", ".", cwd=tmp_path)
    assert "from the cache" in second.stdout
    fresh = run_neurodebug("analyze", "--no-cache", ".", cwd=tmp_path)
    assert fresh.stdout == first.stdout
    path.write_text(SLOW.replace("kept = []", "kept = [0]"))
    changed = run_neurodebug("analyze", ".", cwd=tmp_path)
    assert "from the cache" not in changed.stdout


def test_many_files_in_parallel_match_serial(tmp_path: Path) -> None:
    for index in range(12):
        write(tmp_path, f"m{index:02}.py")
    parallel = run_neurodebug("analyze", "--no-cache", "-j", "2", ".", cwd=tmp_path)
    serial = run_neurodebug("analyze", "--no-cache", "-j", "1", ".", cwd=tmp_path)
    assert parallel.stdout == serial.stdout
    assert len(findings(parallel.stdout)) == 24
    assert "Found 24 problems." in parallel.stdout


def test_examples_have_their_documented_problems() -> None:
    completed = run_neurodebug(
        "analyze", "--no-cache", "--format", "json", str(REPO_ROOT / "examples")
    )
    codes = {(Path(f["path"]).name, f["code"]) for f in json.loads(completed.stdout)}
    for expected in [
        ("graph_search.py", "ND315"),
        ("log_parser.py", "ND305"),
        ("inventory_report.py", "ND307"),
        ("csv_summary.py", "ND222"),
        ("csv_summary.py", "ND308"),
        ("text_tokenizer.py", "ND309"),
    ]:
        assert expected in codes, expected
    opt_in = run_neurodebug(
        "analyze",
        "--no-cache",
        "--format",
        "json",
        "--select",
        "PEDANTIC",
        str(REPO_ROOT / "examples"),
    )
    chosen = {(Path(f["path"]).name, f["code"]) for f in json.loads(opt_in.stdout)}
    assert {
        ("graph_search.py", "ND303"),
        ("inventory_report.py", "ND302"),
        ("log_parser.py", "ND306"),
        ("text_tokenizer.py", "ND301"),
    } <= chosen
    assert not {code for _, code in codes} & {code for _, code in chosen}


def test_readme_sample_output_is_what_analyze_prints() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    command = "$ neurodebug analyze examples/text_tokenizer.py\n"
    start = readme.index(command) + len(command)
    sample = readme[start : readme.index("```", start)]
    completed = run_neurodebug("analyze", "--no-cache", "examples/text_tokenizer.py", cwd=REPO_ROOT)
    assert completed.stdout + completed.stderr == sample


NEVER_RUNS = REPO_ROOT / "tests" / "analyzers" / "data" / "never_runs.py"


def test_code_that_never_runs_only_on_request(tmp_path: Path) -> None:
    """ND001 is not a performance rule: `analyze` reports it when a selector names it, in
    every format (SARIF points at its own descriptor), and a `# noqa: ND001` silences it."""
    write(tmp_path, "dead.py", NEVER_RUNS.read_text())
    assert run_neurodebug("analyze", ".", cwd=tmp_path).returncode == 0
    completed = run_neurodebug("analyze", "--select", "ND001", ".", cwd=tmp_path)
    assert completed.returncode == 1
    assert findings(completed.stdout) == [
        "dead.py:5:9: ND001 Never runs: line 4 `if sep is not None:` is always false here "
        "(the values that decide it are known constants)."
    ]
    log = json.loads(
        run_neurodebug("analyze", "--select", "ND0", "--format", "sarif", ".", cwd=tmp_path).stdout
    )
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    run = log["runs"][0]
    (result,) = run["results"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "ND001"
    assert result["level"] == "note"
    silenced = NEVER_RUNS.read_text().replace("sep.join(text)", "sep.join(text)  # noqa: ND001")
    write(tmp_path, "dead.py", silenced)
    assert run_neurodebug("analyze", "--select", "ND001", ".", cwd=tmp_path).returncode == 0
