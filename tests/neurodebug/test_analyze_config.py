"""`[tool.neurodebug]` settings: defaults, the nearest pyproject.toml, bad values fall back."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from neurodebug.config import Settings, load_settings, load_settings_file, settings_from_table
from tests.conftest import run_neurodebug


def test_defaults_run_every_rule_for_python_311() -> None:
    settings = settings_from_table({})
    assert settings == Settings()
    assert settings.target_version == (3, 11) and settings.select == ()


def test_requires_python_sets_target_and_target_version_overrides_it() -> None:
    assert settings_from_table({}, ">=3.9,<4").target_version == (3, 9)
    table = {"target-version": "py312"}
    assert settings_from_table(table, ">=3.9").target_version == (3, 12)


def test_invalid_values_fall_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        settings = settings_from_table(
            {"select": "ND1", "ignore": [1, 2], "target-version": "3", "colour": "red"}
        )
    assert settings == Settings()
    messages = " ".join(record.getMessage() for record in caplog.records)
    for key in ("select", "ignore", "target-version", "colour"):
        assert key in messages


def test_nearest_pyproject_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nrequires-python = ">=3.10"\n'
        '[tool.neurodebug]\nselect = ["nd3"]\nper-file-ignores = { "tests/*" = ["ND302"] }\n'
    )
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "test_x.py"
    test_file.write_text("")
    load_settings_file.cache_clear()
    settings = load_settings(test_file)
    assert settings.select == ("ND3",) and settings.target_version == (3, 10)
    assert "ND302" in settings.ignored_for(test_file)
    assert "ND302" not in settings.ignored_for(tmp_path / "main.py")


def test_broken_pyproject_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.neurodebug\nselect = ")
    load_settings_file.cache_clear()
    assert load_settings(tmp_path).select == ()


LIST_CAST = (
    "def total(xs):\n"
    "    values = list(xs)\n"
    "    result = 0\n"
    "    for value in list(values):\n"
    "        result += value\n"
    "    return result\n"
)
"""ND101 (a default rule), ruff's PERF101."""


def _codes_reported(project: Path, target: Path) -> set[str]:
    completed = run_neurodebug(
        "analyze", "--output-format", "json", "--exit-zero", str(target), cwd=project
    )
    assert completed.returncode == 0, completed.stderr
    return {finding["code"] for finding in json.loads(completed.stdout)}


@pytest.mark.parametrize(
    ("ruff_table", "neurodebug_table", "reported_in_src", "reported_in_tests"),
    [
        ("", "", True, True),
        ('[tool.ruff.lint]\nignore = ["PERF101"]\n', "", False, False),
        ('[tool.ruff]\nextend-ignore = ["PERF"]\n', "", False, False),
        ('[tool.ruff.lint.per-file-ignores]\n"tests/*" = ["PERF1"]\n', "", True, False),
        ('[tool.ruff.lint]\nignore = ["PERF101"]\n', "ruff-ignores = false\n", True, True),
        ('[tool.ruff.lint]\nselect = ["E", "F"]\n', "", True, True),  # ruff's select stays ruff's
    ],
    ids=["no-ruff", "lint-ignore", "legacy-extend-ignore", "per-file", "turned-off", "select"],
)
def test_a_projects_ruff_ignores_carry_over_through_peer_codes(
    tmp_path: Path,
    ruff_table: str,
    neurodebug_table: str,
    reported_in_src: bool,
    reported_in_tests: bool,
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"{ruff_table}\n[tool.neurodebug]\n{neurodebug_table}")
    for folder in ("src", "tests"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "totals.py").write_text(LIST_CAST)
    assert ("ND101" in _codes_reported(tmp_path, tmp_path / "src")) is reported_in_src
    assert ("ND101" in _codes_reported(tmp_path, tmp_path / "tests")) is reported_in_tests
