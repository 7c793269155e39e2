"""Hostile input for the static analyzers: no exception escapes `analyze`, `deps` or the rules.

Hypothesis feeds random bytes, invalid UTF-8 and token soup to the in-process entry points (the
rules' `check_source`, the facts of `analyze_source` with every function computed, and the
incremental `Document`); deep nesting goes through the real CLI; every fixture is cut at
byte offsets. The every-offset sweep over all fixtures and the size/time scaling live in
`neurodebug bench fuzz --part analyzer`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neurodebug.analyzers.document import Document, analyze_source, line_starts
from neurodebug.analyzers.rules import Settings, check_source

from tests.conftest import REPO_ROOT, run_neurodebug

FIXTURES = sorted((REPO_ROOT / "tests" / "analyzers" / "rules" / "fixtures").glob("*.py"))

TOKENS = [
    "def", "class", "lambda", "if", "elif", "else", "for", "while", "try", "except", "finally",
    "with", "match", "case", "return", "yield", "await", "async", "import", "from", "global",
    "nonlocal", "del", "pass", "break", "continue", "raise", "x", "y", "f", "(", ")", "[", "]",
    "{", "}", ":", ",", ".", "=", ":=", "+=", "*", "**", "@", "->", "'", '"', '"""', "#", "\\",
    "\n", "    ", "\t", "1", "0x", "1e", "f'{", "}'", "b'", "\x00", "\ufeff", "é", "\U0001f600",
]  # fmt: skip

HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def deep_recursion() -> Iterator[None]:
    """The CLI and the server raise the recursion limit the same way."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    yield
    sys.setrecursionlimit(limit)


def analyze_everything(source: bytes) -> int:
    """Run every static entry point on `source`; the number of functions seen."""
    check_source(source, None, Settings())
    facts = analyze_source(source)
    facts.compute_all()
    for function in facts.functions:
        for line in function.statement_lines()[:3]:
            function.data_dependencies(line)
            function.control_dependencies(line)
    return len(facts.functions)


@HYPOTHESIS
@given(st.binary(max_size=1000))
def test_random_bytes(source: bytes) -> None:
    assert analyze_everything(source) >= 1  # the module body at least


@HYPOTHESIS
@given(st.lists(st.sampled_from(TOKENS), max_size=300), st.sampled_from(["", " ", "\n"]))
def test_token_soup(tokens: list[str], separator: str) -> None:
    assert analyze_everything(separator.join(tokens).encode()) >= 1


@HYPOTHESIS
@given(st.text(max_size=500), st.binary(min_size=1, max_size=8))
def test_invalid_utf8_inside_valid_code(text: str, junk: bytes) -> None:
    source = b"def f(a):\n    b = a\n    " + junk + text.encode() + b"\n    return b\n"
    assert analyze_everything(source.replace(b"\x00", b"")) >= 2


EDITS = st.lists(
    st.tuples(
        st.integers(0, 40), st.integers(0, 90), st.integers(0, 40), st.integers(0, 90),
        st.sampled_from(["", "x", "(", "\n", "def g():\n  ", "é😀", "\r\n", "'''", '"', "#"]),
    ),
    max_size=25,
)  # fmt: skip


@HYPOTHESIS
@given(EDITS)
def test_incremental_parse_equals_a_fresh_parse(
    edits: list[tuple[int, int, int, int, str]],
) -> None:
    """Out-of-range and reversed positions clamp; the tree always equals a fresh parse's.

    (Found here: tree-sitter reused a subtree that a newly closed triple-quoted string
    swallows; the document now re-parses from scratch when the tree has errors.)
    """
    source = FIXTURES[0].read_bytes()
    document = Document.open("file:///fuzz.py", 0, source.decode())
    for start_line, start_col, end_line, end_col, text in edits:
        start = document.offset(start_line, start_col, "utf-16")
        end = max(start, document.offset(end_line, end_col, "utf-16"))
        expected = document.source[:start] + text.encode() + document.source[end:]
        document.apply_edit((start_line, start_col), (end_line, end_col), text, "utf-16")
        assert document.source == expected
        assert document.starts == line_starts(document.source)
        fresh = Document.open("file:///fresh.py", 0, document.text).tree.root_node
        assert str(document.tree.root_node) == str(fresh)
    fresh_facts = analyze_source(document.source)
    assert [f.qualname for f in document.facts.functions] == [
        f.qualname for f in fresh_facts.functions
    ]


@pytest.mark.parametrize("fixture", FIXTURES[:2], ids=lambda path: path.name)
def test_fixture_truncated_at_every_byte_offset(fixture: Path) -> None:
    source = fixture.read_bytes()
    for end in range(len(source) + 1):
        analyze_everything(source[:end])


def test_every_fixture_truncated_at_sampled_offsets() -> None:
    for fixture in FIXTURES:
        source = fixture.read_bytes()
        for end in range(0, len(source) + 1, 97):
            analyze_everything(source[:end])


NESTED = {
    "ifs": "".join("    " * i + f"if x{i}:\n" for i in range(1000)) + "    " * 1000 + "pass\n",
    "defs": "".join("    " * i + f"def f{i}(a):\n" for i in range(1000)) + "    " * 1000 + "a\n",
    "lambdas": "x = " + "lambda: " * 1000 + "1\n",
    "parens": "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n",
    "calls": "x = " + "f(" * 1000 + ")" * 1000 + "\n",
    "unary": "x = " + "-" * 1000 + "1\n",
}


@pytest.mark.e2e
@pytest.mark.parametrize("kind", sorted(NESTED))
def test_a_thousand_nesting_levels_through_the_cli(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.py"
    path.write_text(NESTED[kind])
    for command in ("analyze", "deps"):
        completed = run_neurodebug(command, str(path), cwd=tmp_path)
        assert "Traceback" not in completed.stderr, (command, completed.stderr[-2000:])
        assert completed.returncode in {0, 1, 2}
    deps = run_neurodebug("deps", str(path), "--format", "json", cwd=tmp_path)
    assert deps.returncode == 0 and '"functions"' in deps.stdout


CRASHES = sorted((Path(__file__).parent / "data").glob("crash_*.txt"))


@pytest.mark.parametrize("crash", CRASHES, ids=lambda path: path.name)
def test_inputs_that_crashed_once(crash: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Inputs atheris (`fuzz_analyzers.py`) found crashing; each must now analyse cleanly."""
    source = crash.read_bytes()
    with caplog.at_level(logging.WARNING, logger="neurodebug.analyzers.rules.engine"):
        findings = check_source(source, None, Settings())
    assert not [r for r in caplog.records if "failed" in r.getMessage()]  # no rule was skipped
    assert any(f.code == "ND000" for f in findings)  # they are broken code, and say so
    analyze_everything(source)
