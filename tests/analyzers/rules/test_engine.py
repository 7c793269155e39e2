"""The engine: one finding per problem, suppression comments, select/ignore, version gates."""

from __future__ import annotations

from pathlib import Path

import pytest
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules import RULES, Settings, check_source, rule_by_code
from neurodebug.analyzers.rules.incremental import RuleCache

CAST = b"xs = [1, 2]\nfor x in list(xs):\n    print(x)\n"


def codes(source: bytes, settings: Settings | None = None, path: Path | None = None) -> list[str]:
    return [f.code for f in check_source(source, path, settings or Settings())]


def test_finding_positions_are_one_based_lines_and_byte_columns() -> None:
    (finding,) = [f for f in check_source(CAST, None, Settings()) if f.code == "ND101"]
    assert (finding.line, finding.column, finding.end_line, finding.end_column) == (2, 9, 2, 17)
    assert CAST[finding.start_byte : finding.end_byte] == b"list(xs)"
    assert finding.equivalents == ("PERF101", "W8101")
    assert finding.fix is not None and finding.fix.safety == "safe"


def test_noqa_forms_suppress_only_what_they_name() -> None:
    line = b"for x in list(xs):"
    for comment, suppressed in [
        (b"  # noqa", True),
        (b"  # noqa: ND101", True),
        (b"  # noqa: PERF101", True),
        (b"  # noqa: W8101, E501", True),
        (b"  # noqa: ND999", False),
        (b"  # neurodebug: ignore[ND101]", True),
        (b"  # neurodebug: ignore", True),
        (b"  # neurodebug: ignore[ND102]", False),
    ]:
        source = CAST.replace(line, line + comment)
        assert ("ND101" not in codes(source)) is suppressed, comment


def test_noqa_on_any_line_a_finding_spans_suppresses_it() -> None:
    loop = b"out = []\nfor x in range(9):\n    if x % 2:\n        out.append(x)\n"

    def codes(source: bytes) -> list[str]:  # ND104 is opt-in: name it
        return [f.code for f in check_source(source, None, Settings(select=("ND104",)))]

    assert "ND104" in codes(loop)
    for marked in (b"for x in range(9):", b"out.append(x)"):
        assert "ND104" not in codes(loop.replace(marked, marked + b"  # noqa: PERF401"))
    assert "ND104" in codes(loop.replace(b"out = []", b"out = []  # noqa: PERF401"))  # before it
    assert "ND104" in codes(loop.replace(b"out.append(x)", b"out.append(x)  # noqa: E501"))


def test_one_finding_per_site_keeps_the_one_that_fixes_it() -> None:
    source = b"import re\n\ndef f(lines):\n    for line in lines:\n        re.match('a+', line)\n        re.sub(line, '', 'x')\n"
    both = Settings(select=("ND305", "ND110"))  # ND110 is opt-in
    found = [(f.line, f.code) for f in check_source(source, None, both)]
    assert (5, "ND305") in found and (5, "ND110") not in found  # same call: the fixable one
    assert (6, "ND110") in found  # a call only the lookup rule reports stays reported
    assert "ND110" in codes(source, Settings(select=("ND110",)))  # alone, it is reported


def test_opt_in_rules_run_only_when_selected() -> None:
    source = b"LIMIT = 3\n\ndef f(xs):\n    for x in xs:\n        if x > LIMIT:\n            return True\n    return False\n"
    assert not {"ND108", "ND209"} & set(codes(source))
    assert {"ND108", "ND209"} <= set(codes(source, Settings(select=("ND1", "ND2"))))
    assert {"ND108", "ND209"} == set(codes(source, Settings(select=("PEDANTIC",))))
    assert "ND209" in codes(source, Settings(select=("SIM110",)))  # a peer code selects it too


def test_noqa_inside_a_string_does_not_suppress() -> None:
    source = CAST.replace(b"print(x)", b"print(x, '# noqa')")
    assert "ND101" in codes(source)


def test_select_and_ignore_accept_our_codes_and_peer_codes() -> None:
    assert "ND101" not in codes(CAST, Settings(ignore=("PERF101",)))
    assert "ND101" not in codes(CAST, Settings(select=("ND2",)))
    assert "ND101" in codes(CAST, Settings(select=("ND1",)))
    assert "ND101" not in codes(
        CAST, Settings(per_file_ignores=(("gen_*.py", ("ND1",)),)), Path("gen_x.py")
    )
    assert "ND101" in codes(
        CAST, Settings(per_file_ignores=(("gen_*.py", ("ND1",)),)), Path("other.py")
    )


def test_syntax_errors_are_nd000_findings() -> None:
    found = check_source(b"def broken(:\n    pass\n", None, Settings())
    assert [f.code for f in found] == ["ND000"]
    # CPython's message and position (line 1, the `:` at byte column 11), not tree-sitter's guess.
    assert found[0].message == "SyntaxError: invalid syntax"
    assert (found[0].line, found[0].column) == (1, 11)


def test_registry_codes_are_unique_and_documented() -> None:
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule_by_code(rule.code) is rule
        for heading in ("What it finds", "Why it is slow", "Example", "Use instead", "Fix safety"):
            assert f"## {heading}" in rule.doc, (rule.code, heading)


def test_removing_a_loop_whose_variable_is_used_later_is_unsafe() -> None:
    body = "def f(xs):\n    out = []\n    for t in xs:\n        out.append(t * 2)\n"
    kept = check_source((body + "    return out\n").encode(), None, Settings(select=("ND104",)))
    leaked = check_source(
        (body + "    return out, t\n").encode(), None, Settings(select=("ND104",))
    )
    at_module_level = b"xs = [1]\nout = []\nfor t in xs:\n    out.append(t * 2)\n"
    module = check_source(at_module_level, None, Settings(select=("ND104",)))
    assert [f.fix.safety for f in kept if f.fix] == ["safe"]
    assert [f.fix.safety for f in leaked if f.fix] == ["unsafe"]
    assert [f.fix.safety for f in module if f.code == "ND104" and f.fix] == ["unsafe"]


SCRIPT_BLOCK = (
    "import re\n\n"
    "def parse(lines):\n"
    "    return [re.match(r'\\d+', line) for line in lines]\n\n"
    "if __name__ == '__main__':\n"
    "    import sys\n"
    "    for line in sys.stdin:\n"
    "        words.append(re.match(r'\\w+', line))\n"
)


@pytest.mark.parametrize("in_package", [True, False])
def test_a_package_modules_main_block_is_not_checked_but_a_scripts_is(
    tmp_path: Path, in_package: bool
) -> None:
    if in_package:
        (tmp_path / "__init__.py").write_text("")
    module = tmp_path / "tool.py"
    module.write_bytes(SCRIPT_BLOCK.encode())
    engine = check_source(SCRIPT_BLOCK.encode(), module, Settings())
    server = RuleCache().check(
        SCRIPT_BLOCK.encode(), parse(SCRIPT_BLOCK.encode()), module, Settings(), RULES
    )
    for findings in (engine, server):
        lines = sorted(f.line for f in findings if f.code == "ND305")
        assert lines == ([4] if in_package else [4, 9])
