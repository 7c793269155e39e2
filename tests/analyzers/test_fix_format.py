"""Fixes keep within the project's line length (issue 18, item 5): a long line a fix wrote is
wrapped at its outermost brackets, as ruff format / black would, with the program unchanged."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from neurodebug.analyzers.fix_format import formatted_fix, wrap_long_lines
from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.rules import Settings

from neurodebug.config import load_settings, load_settings_file

LOOP = (
    "def keep(words, stop):\n"
    "    kept = []\n"
    "    for word_index, candidate_word in enumerate(words):\n"
    "        if candidate_word not in stop and word_index % 2 == 0 and len(candidate_word) > 3:\n"
    "            kept.append(candidate_word.strip().lower())\n"
    "    return kept\n"
)
CALL = (
    "def build(typename, getter, setter, ordered):\n"
    "    return dict(getter=getter, setter=setter, name='list_%s' % typename, ordered=ordered)\n"
)


def _fixed(source: str, code: str, settings: Settings | None = None) -> str:
    chosen = replace(settings or Settings(), select=(code,))
    return fix_source(source.encode(), None, chosen, unsafe=True).source.decode()


def test_a_long_comprehension_is_wrapped_one_clause_per_line() -> None:
    assert _fixed(LOOP, "ND104") == (
        "def keep(words, stop):\n"
        "    kept = [\n"
        "        candidate_word.strip().lower()\n"
        "        for word_index, candidate_word in enumerate(words)\n"
        "        if candidate_word not in stop and word_index % 2 == 0 and len(candidate_word) > 3\n"
        "    ]\n"
        "    return kept\n"
    )


def test_a_long_literal_is_wrapped_one_item_per_line_with_a_trailing_comma() -> None:
    assert _fixed(CALL, "ND203") == (
        "def build(typename, getter, setter, ordered):\n"
        "    return {\n"
        '        "getter": getter,\n'
        '        "setter": setter,\n'
        "        \"name\": 'list_%s' % typename,\n"
        '        "ordered": ordered,\n'
        "    }\n"
    )


def test_the_projects_line_length_decides(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n")
    settings = load_settings(tmp_path / "m.py")
    assert settings.line_length == 120
    fixed = _fixed(CALL, "ND203", settings)
    assert '    return {"getter": getter,' in fixed  # 96 characters: within 120
    (tmp_path / "pyproject.toml").write_text(
        "[tool.black]\nline-length = 100\n[tool.neurodebug]\nline-length = 60\n"
    )
    load_settings_file.cache_clear()  # settings are cached per pyproject for a run
    assert load_settings(tmp_path / "m.py").line_length == 60


def test_lines_the_fix_did_not_write_are_left_alone() -> None:
    long_line = "VALUES = [" + ", ".join(str(n) for n in range(40)) + "]\n"
    fixed = wrap_long_lines(long_line.encode(), (long_line + "x = 1\n").encode(), 88)
    assert fixed.decode() == long_line + "x = 1\n"


def test_wrapping_never_changes_the_program() -> None:
    source = LOOP + CALL
    fixed = _fixed(source, "ND")
    unwrapped = fix_source(
        source.encode(), None, replace(Settings(select=("ND",)), line_length=400), unsafe=True
    ).source.decode()
    assert ast.dump(ast.parse(fixed)) == ast.dump(ast.parse(unwrapped))
    assert max(map(len, fixed.splitlines())) < max(map(len, unwrapped.splitlines())) - 40


def test_one_fix_for_the_editor_becomes_one_wrapped_edit() -> None:
    source = CALL.encode()
    settings = Settings(select=("ND203",))
    from neurodebug.analyzers.rules import check_source

    fix = next(f.fix for f in check_source(source, None, settings) if f.fix is not None)
    wrapped = formatted_fix(source, fix, 88)
    assert len(wrapped.edits) == 1 and wrapped.safety == fix.safety
    edit = wrapped.edits[0]
    result = source[: edit.start_byte] + edit.new_text.encode() + source[edit.end_byte :]
    assert result.decode() == _fixed(CALL, "ND203")
    assert formatted_fix(source, fix, 200) is fix  # fits: the rule's own edits, unchanged
