"""Entry calls: comments (`# neurodebug: f(…)`), doctests (the function's, then the module's),
the first literal call in the module's test file — one reading for the server, the CLI and cost."""

from __future__ import annotations

from pathlib import Path

from neurodebug.neural_debugger.groundtruth.entries import (
    Entry,
    configured_entry,
    entry_comment,
    entry_comments,
    entry_of_function,
    find_entry,
    module_test_files,
)

SOURCE = (
    "class Stack:\n"  # 1
    "    # neurodebug: Stack.push(1)\n"  # 2
    "    def push(self, x):\n"  # 3
    "        return x\n"  # 4
    "\n"  # 5
    "# neurodebug: total([3, 1, 4])\n"  # 6
    "def total(values):\n"  # 7
    "    s = 0\n"  # 8
    "    return s\n"  # 9
    "\n"  # 10
    "def inside(n):\n"  # 11
    "    # neurodebug: inside(7)\n"  # 12
    "    return n\n"  # 13
    "\n"  # 14
    "def doc(n):\n"  # 15
    '    """\n'  # 16
    "    >>> doc(2)\n"  # 17
    '    """\n'  # 18
    "    return n\n"  # 19
    "\n"  # 20
    "def nothing(n):\n"  # 21
    "    return n  # neurodebug is great\n"  # 22
)


def test_entry_comment_reads_plain_and_dotted_calls() -> None:
    assert entry_comment("# neurodebug: f(3, [1, 2])") == "f(3, [1, 2])"
    assert entry_comment("x = 1  #neurodebug:  Stack.push(1)  ") == "Stack.push(1)"
    assert entry_comment("# neurodebug: pkg.mod.f()") == "pkg.mod.f()"
    assert entry_comment("# neurodebug: not a call") is None
    assert entry_comment("# neurodebug is great") is None
    assert entry_comment("f(3)") is None


def test_entry_comments_lists_every_comment_with_its_line() -> None:
    assert list(entry_comments(SOURCE)) == [
        (2, "Stack.push(1)"),
        (6, "total([3, 1, 4])"),
        (12, "inside(7)"),
    ]


def test_configured_entry_above_inside_dotted_doctest_and_absent() -> None:
    assert configured_entry(SOURCE, 7, 9, "total") == "total([3, 1, 4])"  # line above the def
    assert configured_entry(SOURCE, 11, 13, "inside") == "inside(7)"  # inside the function
    assert configured_entry(SOURCE, 3, 4, "push") == "Stack.push(1)"  # dotted callee
    assert configured_entry(SOURCE, 15, 19, "doc") == "doc(2)"  # the doctest
    assert configured_entry(SOURCE, 21, 22, "nothing") is None  # absent
    assert configured_entry(SOURCE, 11, 13, "total") is None  # a comment for another function


MODULE = (
    '"""Tools.\n'  # 1
    "\n"  # 2
    ">>> ranked([3, 1])\n"  # 3
    "[1, 3]\n"  # 4
    ">>> both(1)\n"  # 5
    '"""\n'  # 6
    "\n"  # 7
    "def ranked(values):\n"  # 8
    "    return sorted(values)\n"  # 9
    "\n"  # 10
    "def both(n):\n"  # 11
    '    """Both.\n'  # 12
    "\n"  # 13
    "    >>> both(2)\n"  # 14
    '    """\n'  # 15
    "    return n\n"  # 16
    "\n"  # 17
    "# neurodebug: all_three(3)\n"  # 18
    "def all_three(n):\n"  # 19
    '    """All three.\n'  # 20
    "\n"  # 21
    "    >>> all_three(2)\n"  # 22
    '    """\n'  # 23
    "    return n\n"  # 24
    "\n"  # 25
    "def tested(n, m=0):\n"  # 26
    "    return n\n"  # 27
    "\n"  # 28
    "class Stack:\n"  # 29
    "    def push(self, x):  # neurodebug: Stack.push(1)\n"  # 30
    "        return x\n"  # 31
    "    def pop(self):  # neurodebug: Stack([1]).pop()\n"  # 32
    "        return 1\n"  # 33
    "    @classmethod\n"  # 34
    "    def make(cls, n):  # neurodebug: Stack.make(2)\n"  # 35
    "        return cls()\n"  # 36
)

TEST_FILE = (
    "import tools as t\n"  # 1
    "from tools import tested\n"  # 2
    "def helper():\n"  # 3
    "    return tested(99)\n"  # 4
    "def test_not_literal(tmp_path):\n"  # 5
    "    assert tested(tmp_path) == tmp_path\n"  # 6
    "def test_first():\n"  # 7
    "    value = 5\n"  # 8
    "    assert t.tested(value) == 5\n"  # 9
    "    assert t.tested(4, m=[1, 2]) == 4\n"  # 10
    "    assert tested(6) == 6\n"  # 11
    "class TestMore:\n"  # 12
    "    def test_ranked(self):\n"  # 13
    "        assert ranked([2, 1]) == [1, 2]\n"  # 14
)


def test_entry_order_comment_then_function_doctest_then_module_doctest() -> None:
    assert find_entry(MODULE, 19, 24, "all_three") == Entry("all_three(3)", "comment")
    assert find_entry(MODULE, 11, 16, "both") == Entry("both(2)", "doctest")
    assert find_entry(MODULE, 8, 9, "ranked") == Entry("ranked([3, 1])", "module doctest")
    assert find_entry(MODULE, 26, 27, "tested") is None  # no test file given


def test_the_module_doctest_is_read_as_text_so_a_broken_module_still_has_it() -> None:
    broken = MODULE + "def oops(:\n"
    assert find_entry(broken, 8, 9, "ranked") == Entry("ranked([3, 1])", "module doctest")
    late_string = "x = 1\n'''>>> f(1)'''\ndef f(n):\n    pass\n"  # not the docstring
    assert find_entry(late_string, 3, 4, "f") is None


def test_the_first_literal_call_of_a_test_function_is_the_last_resort(tmp_path: Path) -> None:
    module = tmp_path / "tools.py"
    module.write_text(MODULE)
    (tmp_path / "tests").mkdir()
    test_file = tmp_path / "tests" / "test_tools.py"
    test_file.write_text(TEST_FILE)
    assert module_test_files(module) == [test_file]
    found = find_entry(MODULE, 20, 21, "tested", path=module)
    # not the helper's call, not a non-literal argument; `t.tested(…)` becomes `tested(…)`
    assert found == Entry("tested(4, m=[1, 2])", f"test {test_file}:10")
    # the module's doctest still comes first; a test method of a `Test*` class counts too
    assert find_entry(MODULE, 8, 9, "ranked", path=module) == Entry(
        "ranked([3, 1])", "module doctest"
    )
    no_doctest = MODULE.replace(">>> ranked([3, 1])", "ranked")
    assert find_entry(no_doctest, 8, 9, "ranked", path=module) == Entry(
        "ranked([2, 1])", f"test {test_file}:14"
    )


def test_a_test_file_beside_the_module_or_in_tests_above(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    module = package / "tools.py"
    module.write_text(MODULE)
    assert module_test_files(module) == []
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tools.py").write_text(TEST_FILE)
    (package / "test_tools.py").write_text("def test_it():\n    assert tested(1)\n")
    assert module_test_files(module) == [
        package / "test_tools.py",
        tmp_path / "tests" / "test_tools.py",
    ]
    assert configured_entry(MODULE, 26, 27, "tested", path=module) == "tested(1)"


def test_a_method_needs_a_call_that_supplies_its_receiver() -> None:
    assert find_entry(MODULE, 30, 31, "push", receiver="self") is None  # `Stack.push(1)`
    assert find_entry(MODULE, 30, 31, "push") == Entry("Stack.push(1)", "comment")
    assert find_entry(MODULE, 32, 33, "pop", receiver="self") == Entry(
        "Stack([1]).pop()", "comment"
    )
    assert find_entry(MODULE, 35, 36, "make", receiver="cls") == Entry("Stack.make(2)", "comment")


def test_entry_of_function_finds_the_def_and_its_receiver() -> None:
    assert entry_of_function(MODULE, "both") == Entry("both(2)", "doctest")
    assert entry_of_function(MODULE, "Stack.push") is None
    assert entry_of_function(MODULE, "Stack.pop") == Entry("Stack([1]).pop()", "comment")
    assert entry_of_function(MODULE, "missing") is None
    assert entry_of_function("def f(:\n", "f") is None


def test_a_methods_bare_name_finds_it_when_one_class_has_it() -> None:
    """`neurodebug predict file.py::pop` as well as `::Stack.pop`; a name two classes define
    stays ambiguous."""
    assert entry_of_function(MODULE, "pop") == Entry("Stack([1]).pop()", "comment")
    twice = (
        MODULE
        + "\n\nclass Other:\n    def pop(self):  # neurodebug: Other().pop()\n        return 1\n"
    )
    assert entry_of_function(twice, "pop") is None
    assert entry_of_function(twice, "Other.pop") == Entry("Other().pop()", "comment")


def test_every_bundled_example_function_has_an_entry_call() -> None:
    examples = Path(__file__).resolve().parents[3] / "examples"
    names = 0
    for path in sorted(examples.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for line in source.splitlines():
            if line.startswith("def "):
                name = line[4:].split("(")[0]
                names += 1
                assert entry_of_function(source, name, path) is not None, f"{path.name}::{name}"
    assert names >= 25
