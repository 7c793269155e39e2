"""Entry-call comments (`# neurodebug: f(…)`) and doctests: one reading for server and cost."""

from __future__ import annotations

from neurodebug.neural_debugger.groundtruth.entries import (
    configured_entry,
    entry_comment,
    entry_comments,
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
