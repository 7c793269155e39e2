"""`neurodebug bench speedups` on small pairs: fixes applied, results checked, breakage caught."""

from __future__ import annotations

import json
from pathlib import Path

from neurodebug.bench.speedups import find_pairs
from tests.conftest import run_neurodebug

FLATTEN_SLOW = '''"""Flatten batches."""


def entry():
    batches = [[day * 10 + k for k in range(day % 7)] for day in range(300)]
    return sum(batches, [])
'''
FLATTEN_FAST = '''"""Flatten batches."""


def entry():
    return [day * 10 + k for day in range(300) for k in range(day % 7)]
'''
FIRST_SLOW = '''"""Smallest items, None for empty inputs (the unsafe fix changes the exception type)."""


def first(xs):
    try:
        return sorted(xs)[0]
    except IndexError:
        return None


def entry():
    return [first(x) for x in ([], [1], (3, 2))]
'''
FIRST_FAST = '''"""Smallest items, None for empty inputs."""


def entry():
    return [min(x, default=None) for x in ([], [1], (3, 2))]
'''


def _write_pairs(folder: Path, pairs: dict[str, tuple[str, str]]) -> None:
    folder.mkdir()
    for name, (slow, fast) in pairs.items():
        (folder / f"{name}_slow.py").write_text(slow)
        (folder / f"{name}_fast.py").write_text(fast)


def test_pairs_are_found_and_filtered(tmp_path: Path) -> None:
    folder = tmp_path / "pairs"
    _write_pairs(
        folder, {"01_flatten": (FLATTEN_SLOW, FLATTEN_FAST), "02_first": (FIRST_SLOW, FIRST_FAST)}
    )
    (folder / "03_lonely_slow.py").write_text(FLATTEN_SLOW)  # no fast version: not a pair
    assert [p.name for p in find_pairs(folder)] == ["01_flatten", "02_first"]
    assert [p.name for p in find_pairs(folder, "first")] == ["02_first"]


def test_fix_is_applied_checked_and_timed(tmp_path: Path) -> None:
    folder = tmp_path / "pairs"
    _write_pairs(folder, {"01_flatten": (FLATTEN_SLOW, FLATTEN_FAST)})
    out = tmp_path / "speedups.json"
    result = run_neurodebug(
        "bench",
        "speedups",
        "--folder",
        str(folder),
        "--repeat",
        "1",
        "--out",
        str(out),
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    (program,) = data["programs"]
    assert program["findings"] == ["ND212"]
    assert program["fixed_safe"] == 0 and program["fixed_unsafe"] == 1  # an unsafe fix
    assert not program["broken_safe"] and not program["broken_unsafe"]
    assert program["outcomes"]["unsafe"]["result"] == program["outcomes"]["slow"]["result"]
    assert program["outcomes"]["slow"]["cpu_s"] > 0 and program["speedup_fixed"] > 0
    assert data["summary"]["programs"] == 1 and data["summary"]["programs_broken"] == 0
    assert "01_flatten" in result.stdout


def test_a_fix_that_changes_the_result_counts_as_broken(tmp_path: Path) -> None:
    folder = tmp_path / "pairs"
    _write_pairs(folder, {"02_first": (FIRST_SLOW, FIRST_FAST)})
    out = tmp_path / "speedups.json"
    result = run_neurodebug(
        "bench",
        "speedups",
        "--folder",
        str(folder),
        "--repeat",
        "1",
        "--out",
        str(out),
        timeout=300,
    )
    assert result.returncode == 1
    data = json.loads(out.read_text())
    (program,) = data["programs"]
    assert program["broken_unsafe"] and not program["broken_safe"]
    assert "ValueError" in program["outcomes"]["unsafe"]["error"]
    assert program["speedup_fixed"] is not None  # falls back to the safe stage
    assert data["summary"]["programs_broken"] == 1
    assert "BROKEN" in result.stdout


def test_a_pair_whose_versions_disagree_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "pairs"
    _write_pairs(folder, {"01_flatten": (FLATTEN_SLOW, FLATTEN_FAST.replace("300", "301"))})
    out = tmp_path / "speedups.json"
    result = run_neurodebug(
        "bench",
        "speedups",
        "--folder",
        str(folder),
        "--repeat",
        "1",
        "--out",
        str(out),
        timeout=300,
    )
    assert result.returncode == 1
    assert json.loads(out.read_text())["summary"]["pair_mismatches"] == 1


def test_select_counts_the_named_rules_instead_of_the_default_set(tmp_path: Path) -> None:
    from neurodebug.bench.speedups import finding_codes

    program = tmp_path / "01_gen_slow.py"
    program.write_text("def entry():\n    return list(x * 2 for x in range(10**4))\n")
    assert "ND201" not in finding_codes(program)  # opt-in
    assert "ND201" in finding_codes(program, ("ND",))
