"""Must-not-fire cases from fixes that broke real test suites (bench projects), written here.

Each case is a small program where the old rule offered a fix that changes what the program
does; the test runs the program before and after `--fix --unsafe-fixes` and compares, and
checks the rule stays quiet. A positive twin beside each keeps the rule from going silent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from neurodebug.analyzers.fixes import fix_source
from neurodebug.analyzers.rules import Settings, check_source

EVERY_RULE = Settings(select=("ND",))
"""Opt-in rules included: a must-not-fire case must hold whether or not a rule is default."""

WRITELINES_OF_ITS_OWN = """
class Spool:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)


class Emitter:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def emit_all(self, lines):
        for line in lines:
            self.write(line)


spool = Spool()
spool.writelines(["a", "b"])
emitter = Emitter()
emitter.emit_all(["c"])
print(spool.parts, emitter.parts)
"""

RECURSIVE_WALK = """
def safe(value):
    if isinstance(value, (int, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(safe(item) for item in value) and all(safe(item) for item in value[::-1])
    return False


print(safe([1, [2, "x"], (3,)]), safe([1, object()]))
"""

GROWS_THROUGH_ANOTHER_NAME = """
class Expander:
    def __init__(self, items):
        self.items = items

    def step(self, item):
        if item < 3:
            self.items.append(item + 10)


def expand(items):
    expander = Expander(items)
    out = []
    i = 0
    while i < len(items):
        expander.step(items[i])
        out.append(items[i])
        i += 1
    return out


def drain(q):
    pop = q.pop
    while len(q) > 3:
        pop()
    return q


print(expand([1, 5, 2]), drain([1, 2, 3, 4, 5, 6]))
"""

STILL_REPORTED = """
def mentions(words, name):
    total = []
    for word in words:
        if word == name.lower():
            total.append(word)
    return total


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def dump(out, rows):
    for row in rows:
        out.write(row)
"""

SPLIT_IN_HALVES = """
def merge_sort(items):
    if len(items) < 2:
        return items
    middle = len(items) // 2
    left, right = merge_sort(items[:middle]), merge_sort(items[middle:])
    return sorted(left + right)


print(merge_sort([5, 3, [1][0], 4]))
"""

OVERLAPPING_SHAPES = """
WEIGHTS = (3, 4, 5)


def best(index, capacity):
    if index == len(WEIGHTS):
        return 0
    return max(best(index + 1, capacity), 1 + best(index + 1, capacity - WEIGHTS[index]))


def distance(a, b):
    if not a or not b:
        return len(a) + len(b)
    return min(distance(a[:-1], b) + 1, distance(a, b[:-1]) + 1)
"""


def _run(source: str, folder: Path) -> str:
    path = folder / "program.py"
    path.write_text(source)
    completed = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60
    )
    return completed.stdout + completed.stderr


def _codes(source: str) -> set[str]:
    return {f.code for f in check_source(source.encode(), None, EVERY_RULE)}


@pytest.mark.parametrize(
    ("source", "code"),
    [
        (WRITELINES_OF_ITS_OWN, "ND217"),
        (RECURSIVE_WALK, "ND315"),
        (GROWS_THROUGH_ANOTHER_NAME, "ND301"),
        (SPLIT_IN_HALVES, "ND315"),
    ],
    ids=["ND217-own-writer", "ND315-structure-walk", "ND301-alias-growth", "ND315-halves"],
)
def test_fixes_never_change_what_the_program_prints(source: str, code: str, tmp_path: Path) -> None:
    assert code not in _codes(source)
    fixed = fix_source(source.encode(), None, EVERY_RULE, unsafe=True)
    assert _run(fixed.source.decode(), tmp_path) == _run(source, tmp_path)


def test_the_rules_still_report_their_real_pattern() -> None:
    assert {"ND301", "ND315", "ND217"} <= _codes(STILL_REPORTED)


def test_arithmetic_on_any_operand_and_constant_cuts_still_overlap() -> None:
    findings = check_source(OVERLAPPING_SHAPES.encode(), None, EVERY_RULE)
    assert sorted(f.message.split("`")[1] for f in findings if f.code == "ND315") == [
        "best",
        "distance",
    ]


def _fix_of(source: str, code: str) -> str | None:
    (finding,) = [f for f in check_source(source.encode(), None, EVERY_RULE) if f.code == code]
    return None if finding.fix is None else finding.fix.description


def test_a_list_becomes_a_deque_only_where_a_deque_can_stand_in_everywhere() -> None:
    drained = "def f(items):\n    q = list(items)\n    while q:\n        print(q.pop(0))\n"
    assert _fix_of(drained, "ND303") == "Make `q` a `collections.deque`"
    fixed = fix_source(drained.encode(), None, EVERY_RULE, unsafe=True).source.decode()
    assert "q = collections.deque(items)" in fixed and "q.popleft()" in fixed
    assert fixed.startswith("import collections\n")
    escapes = [
        drained + tail for tail in ("    return q\n", "    print(q[0])\n", "    g = lambda: q\n")
    ]
    escapes.append(drained.replace("    q = list(items)\n", "    q = []\n    q = list(items)\n"))
    for source in escapes:  # handed on, indexed, seen by a lambda, bound twice
        assert _fix_of(source, "ND303") is None, source
    given = check_source(b"def f(q):\n    while q:\n        print(q.pop(0))\n", None, EVERY_RULE)
    assert "ND303" not in {f.code for f in given}  # the caller's list: not reported


def test_counts_are_taken_once_only_where_a_counter_answers_the_same() -> None:
    counted = (
        "def repeated(words: list[str]):\n    out = []\n    for word in words:\n"
        "        if words.count(word) > 1:\n            out.append(word)\n    return out\n"
    )
    assert _fix_of(counted, "ND306") == "Count `words` once with `collections.Counter`"
    only = Settings(select=("ND306",))
    fixed = fix_source(counted.encode(), None, only, unsafe=True).source.decode()
    assert "    words_counts = collections.Counter(words)\n    for word in words:\n" in fixed
    assert "if words_counts[word] > 1:" in fixed and fixed.startswith("import collections\n")
    refused = [
        counted.replace("words.count(word)", "words.count(word[:2])"),  # a substring of a str
        counted.replace("out.append(word)", "words.remove(word)"),  # the loop changes it
        counted.replace("        if words", "        word = word.lower()\n        if words"),
        counted.replace("> 1:", "> words.count(word.upper()):"),  # two counts in one loop
        counted.replace("list[str]", "list[dict]"),  # a Counter of dicts raises
        counted.replace(": list[str]", ""),  # elements of unknown type
    ]
    for source in refused:
        findings = [f for f in check_source(source.encode(), None, EVERY_RULE) if f.code == "ND306"]
        assert findings and all(f.fix is None for f in findings), source


def test_a_join_is_indexed_only_where_the_index_sees_what_the_loops_saw() -> None:
    joined = (
        "def join(orders, customers: list):\n    rows = []\n    for order, wanted in orders:\n"
        "        for key, name in customers:\n            if key == wanted:\n"
        "                rows.append((order, name))\n    return rows\n"
    )
    assert _fix_of(joined, "ND307") == "Index `customers` by its key in a dict before the loops"
    fixed = fix_source(joined.encode(), None, Settings(select=("ND307",)), unsafe=True)
    text = fixed.source.decode()
    assert "    customers_by_key = {}\n    for key, name in customers:\n" in text
    assert "customers_by_key.setdefault(key, []).append((key, name))" in text
    assert "        for key, name in customers_by_key.get(wanted, ()):\n" in text
    assert "            if key == wanted:\n" in text  # the test stays: same pairs, same order
    refused = [
        joined.replace("customers: list", "customers"),  # maybe an iterator, used up once
        joined.replace("if key == wanted", "if key == lookup(wanted)"),  # a call per pair
        joined.replace("    return rows", "    return rows, name"),  # the target read later
        joined.replace("rows.append((order, name))", "customers.append((order, name))"),
        joined.replace("for key, name in customers", "for key, *names in customers").replace(
            "(order, name)", "(order, names)"
        ),
    ]
    for source in refused:
        findings = [f for f in check_source(source.encode(), None, EVERY_RULE) if f.code == "ND307"]
        assert findings and all(f.fix is None for f in findings), source


SECOND_HARNESS_RUN = """
import contextlib


def choose(value):
    bases = [2, 8, 16]
    if value in bases:
        return value
    for i in range(3):
        (_, bases[i]) = (i, bases[i] * 2)
    return bases


def parse(values):
    names = []
    try:
        for name in values:
            names.append(int(name))
    except ValueError:
        return f"bad {name!r} after {names}"
    return names


def sample(feed, k):
    reservoir = []
    with contextlib.suppress(StopIteration):
        for _ in range(k):
            reservoir.append(next(feed))
    return reservoir


def frames(prod, sources):
    for i, source in enumerate(sources):
        for prod[i] in source:
            yield tuple(prod)


def swaps(head, tail):
    out = []
    for j in range(len(tail)):
        out.append(tuple(head))
        head[0], tail[j] = tail[j], head[0]
    return out


def unique(items):
    seen = []
    remember = seen.append
    for item in items:
        if item in seen:
            return False
        remember(item)
    return True


def edge(a, j, rows):
    return a[j] == 0 or a[j] == len(rows[j]) - 1


print(choose(5), parse(["1", "x"]), sample(iter([1]), 3), list(frames([0, 0], [[1], [2]])))
print(swaps([1], [5, 6]), unique([[1], [1]]), edge([0], 0, []))
"""


def test_the_second_harness_runs_false_positives_keep_behaviour(tmp_path: Path) -> None:
    """Written from what broke pyasn1, packaging and more-itertools under --fix: a store in an
    unpacking target (ND111, ND301), a loop in `try` / `with` (ND104), growth through a bound
    method (ND302), a comparison chain that short-circuits a raising operand (ND214)."""
    before = _run(SECOND_HARNESS_RUN, tmp_path)
    assert "Error" not in before, before
    fixed = fix_source(SECOND_HARNESS_RUN.encode(), None, EVERY_RULE, unsafe=True)
    assert _run(fixed.source.decode(), tmp_path) == before
    findings = check_source(SECOND_HARNESS_RUN.encode(), None, EVERY_RULE)
    assert not [f for f in findings if f.fix is not None and f.code in {"ND111", "ND104", "ND301"}]
    assert "ND214" not in {f.code for f in findings}
