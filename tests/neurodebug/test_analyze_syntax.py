"""`neurodebug analyze` reports syntax errors as path:line:col and skips what it cannot read."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO_ROOT, run_neurodebug


def test_clean_tree_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("def f(x):\n    return x + 1\n")
    completed = run_neurodebug("analyze", str(tmp_path))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout == "All checks passed!\n"


def test_syntax_error_reported_with_position_and_status_one(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    completed = run_neurodebug("analyze", str(tmp_path), cwd=tmp_path)
    assert completed.returncode == 1
    assert completed.stdout.splitlines() == [
        "bad.py:4:12: ND000 SyntaxError: invalid syntax",
        "Found 1 problem.",
    ]


def test_walks_recursively_and_respects_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "deep.py").write_text("x = (\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "junk.py").write_text("def (:\n")
    completed = run_neurodebug("analyze", ".", cwd=tmp_path)
    assert completed.returncode == 1
    reported = {line.split(":")[0] for line in completed.stdout.splitlines() if ": ND" in line}
    assert reported == {"pkg/sub/deep.py"}


def test_binary_and_non_utf8_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin.py").write_bytes(b"name = '\xe9t\xe9'\n")
    (tmp_path / "good.py").write_text("y = 2\n")
    completed = run_neurodebug("analyze", str(tmp_path), cwd=tmp_path)
    assert completed.returncode == 0
    assert "blob.py: warning: binary file" in completed.stderr
    assert "latin.py: warning: not valid UTF-8" in completed.stderr


def test_examples_are_free_of_syntax_errors() -> None:
    completed = run_neurodebug("analyze", str(REPO_ROOT / "examples"))
    assert "SyntaxError" not in completed.stdout
