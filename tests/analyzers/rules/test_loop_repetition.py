"""How often code runs (analyzers/rules/_loops.py): code a loop runs at most once is not "in a
loop" for the rules; a comprehension over a few fixed elements saves nothing worth a change;
a list grown a fixed number of times stays short. Shapes from the hand-checked sample of
default findings (issue 18, item 3), written here from scratch."""

from __future__ import annotations

import pytest
from neurodebug.analyzers.parsing import parse
from neurodebug.analyzers.rules import Settings, check_source
from neurodebug.analyzers.rules._loops import fixed_length, repeating_loop
from neurodebug.analyzers.rules._syntax import walk
from neurodebug.analyzers.rules.base import Context
from neurodebug.analyzers.rules.engine import collect_nodes


def _lines(source: str, code: str) -> list[int]:
    findings = check_source(source.encode(), None, Settings(select=(code,)))
    return [f.line for f in findings if f.code == code]


QUEUE = "def drain(source, more):\n    queue = list(source)\n"


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        # a statement followed by `break` in its block runs once per run of the loop
        (
            "    while queue:\n        if more:\n            queue.insert(0, more)\n            break\n",
            False,
        ),
        # ... also when the `break` follows the enclosing `if`
        (
            "    while queue:\n        if more:\n            queue.insert(0, more)\n        break\n",
            False,
        ),
        # `return` after it: once per call, even from an inner loop
        (
            "    for item in more:\n        for other in item:\n            queue.pop(0)\n            return\n",
            False,
        ),
        # a `continue` between the call and the `break` can skip the `break`: the loop repeats
        # the call for every element it skips (ND305's prefix scan, not for work that grows)
        (
            "    for item in more:\n        queue.pop(0)\n        if item:\n            continue\n        break\n",
            True,
        ),
        # in a `try` body an exception can skip the `break` and the loop runs it again
        (
            "    while queue:\n        try:\n            queue.pop(0)\n            break\n        except IndexError:\n            pass\n",
            True,
        ),
        # a `break` that only leaves the inner loop: the outer loop still repeats the call
        (
            "    for item in more:\n        for other in item:\n            queue.pop(0)\n            break\n",
            True,
        ),
        # a block behind a flag it clears runs once per run of the loop
        (
            "    first = True\n    for item in more:\n        if first:\n            first = False\n            queue.pop(0)\n",
            False,
        ),
        # ... unless the loop sets the flag again
        (
            "    first = True\n    for item in more:\n        if first:\n            first = False\n            queue.pop(0)\n        first = item\n",
            True,
        ),
        # the loop's `else` runs once
        ("    for item in more:\n        pass\n    else:\n        queue.pop(0)\n", False),
        # a loop over a few fixed elements still repeats work that grows with the list
        ("    for _ in range(3):\n        queue.pop(0)\n", True),
        ("    for name in ('a', 'b'):\n        queue.insert(0, name)\n", True),
        ("    while queue:\n        queue.pop(0)\n", True),
    ],
)
def test_front_operations_are_reported_only_where_a_loop_repeats_them(
    body: str, reported: bool
) -> None:
    assert bool(_lines(QUEUE + body, "ND303")) is reported


MARGIN = "import re\n\ndef margin(lines, wanted):\n    indent = None\n    for line in lines:\n"


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        # a first-time test of a name its block sets: at most once per run of the loop
        (
            "        if indent is None:\n            indent = re.match(r' *', line).group(0)\n",
            False,
        ),
        # ... also `and`-ed with another test, and with the call after the assignment
        (
            "        if wanted(line) and indent is None:\n"
            "            indent = len(line)\n"
            "            re.sub(r'\\s+', ' ', line)\n",
            False,
        ),
        # `if not name:` with a true value bound
        (
            "        if not indent:\n            indent = True\n            re.split(r',', line)\n",
            False,
        ),
        # `re.search` answers None on a miss: this tries again on every line until one matches
        ("        if indent is None:\n            indent = re.search(r'^ +', line)\n", True),
        # the loop unsets the name again
        (
            "        if indent is None:\n            indent = re.sub(r'#.*', '', line)\n"
            "        if not line:\n            indent = None\n",
            True,
        ),
        # a test after the first-time test runs only until the block first runs: a scan of
        # the leading lines, which ND305 (a fixed saving per call) leaves alone
        ("        if indent is None and re.match(r'\\S', line):\n            indent = 0\n", False),
        # ... but a test before it runs on every line
        ("        if re.match(r'\\S', line) and indent is None:\n            indent = 0\n", True),
        # `not name` with a value that may be empty: runs again while it is
        ("        if not indent:\n            indent = re.sub(r'\\S.*', '', line)\n", True),
        # a `continue` before the assignment can skip it
        (
            "        if indent is None:\n            if not line:\n                continue\n"
            "            indent = re.sub(r'\\S.*', '', line)\n",
            True,
        ),
        # the loop's own target: bound afresh on every round
        ("        if line is None:\n            line = re.sub(r'\\s+', ' ', wanted)\n", True),
        # the `else` branch runs on every later line
        (
            "        if indent is None:\n            indent = 0\n"
            "        else:\n            re.sub(r'\\s+', ' ', line)\n",
            True,
        ),
    ],
)
def test_a_first_time_test_of_a_name_its_block_sets_runs_once(body: str, reported: bool) -> None:
    assert bool(_lines(MARGIN + body, "ND305")) is reported


def test_a_first_time_test_is_no_guard_when_other_code_may_unset_the_name() -> None:
    source = (
        "import re\n\n"
        "def margin(lines):\n"
        "    indent = None\n\n"
        "    def restart():\n"
        "        nonlocal indent\n"
        "        indent = None\n\n"
        "    for line in lines:\n"
        "        if indent is None:\n"
        "            indent = re.sub(r'\\S.*', '', line)\n"
        "        if not line:\n"
        "            restart()\n"
    )
    assert _lines(source, "ND305") == [12]
    assert not _lines(source.replace("        nonlocal indent\n", ""), "ND305")


def test_a_first_time_test_needs_a_value_that_is_never_none() -> None:
    source = (
        "import re\n\n"
        "def header(line):\n"
        "    if line.startswith('#'):\n"
        "        return line\n\n"
        "def first_header(lines):\n"
        "    found = None\n"
        "    for line in lines:\n"
        "        if found is None:\n"
        "            found = header(line)\n"
        "            re.sub(r'\\s+', ' ', line)\n"
    )
    assert _lines(source, "ND305") == [12]  # `header` may return None: tried on every line
    always = source.replace("        return line\n", "        return line\n    return ''\n")
    assert not _lines(always, "ND305")


def test_other_loop_rules_share_the_first_time_test() -> None:
    source = (
        "def drain(source, items):\n"
        "    queue = list(source)\n"
        "    size = None\n"
        "    for item in items:\n"
        "        if size is None:\n"
        "            size = len(queue)\n"
        "            queue.pop(0)\n"
    )
    assert not _lines(source, "ND303")
    assert _lines(source.replace("size = len(queue)", "size = queue.pop()"), "ND303") == [7]


@pytest.mark.parametrize(
    ("expression", "length"),
    [
        ("range(10)", 10),
        ("range(2, 10, 3)", 3),
        ("range(-5)", 0),
        ("(1, 2, 3)", 3),
        ("['a', *rest]", None),
        ("'abc'", 3),
        ("f'{x}'", None),
        ("zip(range(0, 33), range(0x2400, 0x2433))", 33),
        ("zip(items, range(4))", 4),
        ("enumerate('xy', start=1)", 2),
        ("sorted({'a': 1, 'b': 2})", 2),
        ("range(n)", None),
        ("items", None),
        ("range(10 ** 9)", None),
        ("zip(*pairs)", None),
    ],
)
def test_fixed_length_reads_only_what_the_source_spells_out(
    expression: str, length: int | None
) -> None:
    ctx = _context(f"for x in {expression}:\n    pass\n")
    loop = ctx.tree.root_node.named_children[0]
    right = loop.child_by_field_name("right")
    assert right is not None
    assert fixed_length(ctx, right) == length


def test_the_else_clause_and_the_iterable_belong_to_the_loop_around() -> None:
    ctx = _context(
        "for row in rows:\n"
        "    for i in index(row):\n"
        "        use(row, i)\n"
        "    else:\n"
        "        done(row)\n"
    )
    outer = ctx.tree.root_node.named_children[0]
    calls = {
        ctx.text(n.child_by_field_name("function")): n for n in walk(outer) if n.type == "call"
    }
    inner = calls["use"].parent.parent.parent  # call → expression_statement → block → for
    assert repeating_loop(ctx, calls["use"]) == inner
    assert repeating_loop(ctx, calls["index"]) == outer
    assert repeating_loop(ctx, calls["done"]) == outer


def _context(source: str) -> Context:
    tree = parse(source.encode())
    return Context(source.encode(), tree, collect_nodes(tree.root_node), (3, 11))


@pytest.mark.parametrize(
    ("source", "code", "reported"),
    [
        ("states = [x for x in range(10)]\n", "ND205", False),
        ("states = [x for x in range(n)]\n", "ND205", True),
        ("table = {c: u for c, u in zip(range(0, 33), range(0x2400, 0x2433))}\n", "ND205", False),
        ("names = set(e for e in ('a', 'b', 'c'))\n", "ND201", False),
        ("def f(rows):\n    return set(e.name for e in rows)\n", "ND201", True),
        (
            "def f(rows):\n    out = []\n    for x in (1, 2):\n        out.append(x)\n    return out\n",
            "ND105",
            False,
        ),
        (
            "def f(rows):\n    out = []\n    for x in rows:\n        out.append(x)\n    return out\n",
            "ND105",
            True,
        ),
    ],
)
def test_comprehension_rules_skip_collections_of_a_few_fixed_elements(
    source: str, code: str, reported: bool
) -> None:
    assert bool(_lines(source, code)) is reported


DEDUPE = (
    "def spellings(bounds, tight, encode):\n"
    "    layouts = [bounds]\n"
    "    if tight:\n"
    "        layouts.append(tight)\n"
    "    bases = []\n"
    "    for layout in layouts:\n"
    "        for keep in (False, True):\n"
    "            base = encode(layout, keep)\n"
    "            if base not in bases:\n"
    "                bases.append(base)\n"
    "    return bases\n"
)


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        (None, False),  # two layouts at most, two spellings each: four tests in all
        (("    layouts = [bounds]\n", "    layouts = list(bounds)\n"), True),  # not a display
        (("        layouts.append(tight)\n", "        layouts.extend(tight)\n"), True),
        (("    if tight:\n", "    for _ in tight:\n"), True),  # grown in a loop
        (("    return bases\n", "    encode(layouts)\n    return bases\n"), True),  # escapes
        (("(bounds, tight, encode)", "(bounds, tight, encode, layouts)"), True),  # a parameter
    ],
)
def test_a_local_list_grown_a_fixed_number_of_times_bounds_its_loop(
    change: tuple[str, str] | None, reported: bool
) -> None:
    source = DEDUPE if change is None else DEDUPE.replace(*change)
    assert source != DEDUPE or change is None
    assert bool(_lines(source, "ND302")) is reported


@pytest.mark.parametrize(
    ("loop", "reported"),
    [
        # a mapping's keys are distinct: `if key == "x":` passes at most once per run
        ("    for key, value in meta.items():\n        if key == 'tags':\n", False),
        ("    for key in meta.keys():\n        if 'tags' == key:\n", False),
        (
            "    for key, value in meta.items():\n        if key == 'a':\n            pass\n"
            "        elif key == 'tags':\n",
            False,
        ),
        # a plain iterable may repeat a value
        ("    for key, value in meta:\n        if key == 'tags':\n", True),
        # the key rebound inside the loop may pass the test again
        (
            "    for key, value in meta.items():\n        key = key.lower()\n"
            "        if key == 'tags':\n",
            True,
        ),
        # a test of the value, not the key
        ("    for key, value in meta.items():\n        if value == 'tags':\n", True),
    ],
)
def test_an_equality_test_of_a_mapping_key_passes_once(loop: str, reported: bool) -> None:
    source = (
        "def drain(source, meta):\n    queue = list(source)\n" + loop + "            queue.pop(0)\n"
    )
    assert bool(_lines(source, "ND303")) is reported


SCAN = "import re\n\ndef leading(lines):\n    for line in lines:\n"


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        # ends every iteration with `break`: repeats only for the blank lines it skips
        (
            "        line = re.sub(r'#.*', '', line)\n        if re.match(r'\\s*$', line):\n"
            "            continue\n        return line\n",
            False,
        ),
        ("        if re.match(r'\\s*$', line):\n            continue\n        break\n", False),
        # no jump at the end: every line goes through the call
        (
            "        line = re.sub(r'#.*', '', line)\n        if re.match(r'\\s*$', line):\n"
            "            continue\n        found.append(line)\n",
            True,
        ),
    ],
)
def test_regex_calls_in_a_prefix_scan_are_not_reported(body: str, reported: bool) -> None:
    assert bool(_lines(SCAN + body, "ND305")) is reported


def test_regex_calls_next_to_file_system_work_are_not_reported() -> None:
    source = (
        "import os\nimport re\n\n"
        "def exists(roots, path):\n"
        "    relative = re.sub(r'^/', '', path)\n"
        "    for root in roots:\n"
        "        if os.path.exists(os.path.join(root, relative)):\n"
        "            return True\n"
        "    return False\n\n"
        "def find(roots, paths):\n"
        "    return [p for p in paths if exists(roots, p)]\n"
    )
    assert not _lines(source, "ND305")  # a stat per root dwarfs the pattern lookup
    assert _lines(
        source.replace("os.path.exists(os.path.join(root, relative))", "root == relative"), "ND305"
    ) == [5]
    branch = (
        "import os\nimport re\n\n"
        "def fields(items):\n"
        "    for name, value in items:\n"
        "        if name == 'modified':\n"
        "            value = os.stat(value).st_mtime\n"
        "        else:\n"
        "            value = re.split(r',\\s*', value)\n"
    )
    assert _lines(branch, "ND305") == [9]  # the stat runs on other iterations than the split
    printed = (
        "import re\n\n"
        "def show(errors, lines):\n"
        "    for row, column in errors:\n"
        "        print(lines[row])\n"
        "        print(re.sub(r'\\S', ' ', lines[row][:column]) + '^')\n"
    )
    assert not _lines(printed, "ND305")  # writing to the terminal dwarfs the lookup too
    assert _lines(
        printed.replace("print(lines[row])", "pass").replace("print(re", "(re"), "ND305"
    ) == [6]
