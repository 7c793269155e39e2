"""Every rule against its fixture: exactly the `# expect` lines fire, every fix is proven.

Fixtures live in fixtures/<CODE>.py. A line ending in `# expect` must get a finding of that
code; every other line (the must-not-fire cases, each with a comment saying why) must not.
For rules with a fix the fixture defines `entry()`; the test applies the rule's fixes (unsafe
ones included) and checks that the result parses, that fixing again changes nothing, and that
`entry()` returns the same value before and after — run in a subprocess, never in-process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules import RULES, Rule, Settings, check_source

from neurodebug.config import parse_target_version

FIXTURES = Path(__file__).parent / "fixtures"
RUNNER = (
    "import runpy, sys\n"
    "for path in sys.argv[1:]:\n"
    "    print(repr(runpy.run_path(path)['entry']()))\n"
)


def settings_for(rule: Rule, source: str) -> Settings:
    """Only `rule`, for the target version the fixture's header asks for (default py311)."""
    target = (3, 11)
    first = source.splitlines()[0] if source else ""
    if first.startswith("# target-version:"):
        target = parse_target_version(first.split(":", 1)[1].strip()) or target
    return Settings(select=(rule.code,), target_version=target)


def fixture(rule: Rule) -> tuple[Path, str]:
    path = FIXTURES / f"{rule.code}.py"
    return path, path.read_text()


def without_markers(source: str) -> str:
    """The fixture without its `# expect` markers (a rewrite may not drop comments)."""
    return source.replace("  # expect\n", "\n")


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_rule_fires_exactly_on_expected_lines(rule: Rule) -> None:
    path, source = fixture(rule)
    expected = {
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if line.rstrip().endswith("# expect")
    }
    assert expected, f"{path.name} has no positive case"
    findings = check_source(source.encode(), path, settings_for(rule, source))
    assert {f.code for f in findings} <= {rule.code}
    assert {f.line for f in findings} == expected


FIXABLE = [rule for rule in RULES if rule.fix is not None]


@pytest.mark.parametrize("rule", FIXABLE, ids=[rule.code for rule in FIXABLE])
def test_fix_parses_is_idempotent_and_keeps_results(rule: Rule, tmp_path: Path) -> None:
    path, marked = fixture(rule)
    source = without_markers(marked)
    settings = settings_for(rule, source)
    before = check_source(source.encode(), path, settings)
    assert any(f.fix is not None for f in before), "no finding of the fixture offers a fix"
    fixed = fix_source(source.encode(), path, settings, unsafe=True)
    assert fixed.applied >= 1 and fixed.source != source.encode()
    assert not parse(fixed.source).root_node.has_error, fixed.source.decode()
    again = fix_source(fixed.source, path, settings, unsafe=True)
    assert again.source == fixed.source and again.applied == 0
    safe_only = fix_source(source.encode(), path, settings, unsafe=False)
    if rule.fix == "unsafe":
        assert all(f.fix is None or f.fix.safety == "unsafe" for f in before)
        assert safe_only.applied == 0
    original_file = tmp_path / "original.py"
    fixed_file = tmp_path / "fixed.py"
    original_file.write_text(source)
    fixed_file.write_bytes(fixed.source)
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(original_file), str(fixed_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr
    original_result, fixed_result = completed.stdout.splitlines()
    assert original_result == fixed_result


def test_every_rule_has_a_fixture_and_every_fix_an_entry() -> None:
    for rule in RULES:
        path, source = fixture(rule)
        if rule.fix is not None:
            assert "def entry(" in source, path.name
