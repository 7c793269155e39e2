"""Names a fix introduces read like a person chose them (issue 18, item 5)."""

from __future__ import annotations

from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.rules import Settings


def _fixed(source: str, code: str) -> str:
    settings = Settings(select=(code,))
    return fix_source(source.encode(), None, settings, unsafe=True).source.decode()


def test_a_hoisted_length_is_named_n_of_what_it_counts() -> None:
    source = (
        "def scan(state):\n    i = 0\n    while i < len(state.src):\n        i += 1\n    return i\n"
    )
    fixed = _fixed(source, "ND317")
    assert "    n_state_src = len(state.src)\n" in fixed
    assert "while i < n_state_src:" in fixed


def test_a_hoisted_method_call_keeps_its_words() -> None:
    source = (
        "def count(words, name):\n"
        "    total = 0\n"
        "    for word in words:\n"
        "        if word == name.lower():\n"
        "            total += 1\n"
        "    return total\n"
    )
    assert "    name_lower = name.lower()\n" in _fixed(source, "ND301")


def test_patterns_compiled_by_several_fixes_keep_the_sources_order() -> None:
    """Each fix inserts its pattern after the imports; later ones go after the patterns the
    earlier ones wrote, one block in the order the calls appear (not reversed)."""
    source = (
        "import re\n\n\n"
        "def parse(lines):\n"
        "    for line in lines:\n"
        "        a = re.match(r'(\\w+)=(\\d+)', line)\n"
        "        b = re.search(r'#.*$', line)\n"
        "        c = re.sub(r'\\s+', ' ', line)\n"
        "        yield a, b, c\n"
    )
    fixed = _fixed(source, "ND305")
    assert fixed.startswith(
        "import re\n\n"
        "MATCH_PATTERN = re.compile(r'(\\w+)=(\\d+)')\n"
        "SEARCH_PATTERN = re.compile(r'#.*$')\n"
        "SUB_PATTERN = re.compile(r'\\s+')\n\n\n"
        "def parse(lines):\n"
    ), fixed
