"""Control-flow graphs per construct: blocks, their edges, and the lines that can run next."""

from __future__ import annotations

from textwrap import dedent

from neurodebug.analyzers import EXIT_LINE
from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.facts import FunctionFacts


def function(source: str, name: str = "f") -> FunctionFacts:
    return analyze_source(dedent(source).encode()).functions_named(name)[0]


def block_edges(facts: FunctionFacts) -> set[tuple[str, str]]:
    """Edges between blocks, each block named by its first line (or entry / exit)."""
    by_id = {block.id: block for block in facts.cfg.blocks}

    def label(block_id: int) -> str:
        block = by_id[block_id]
        return block.kind if block.kind != "body" else str(block.lines[0])

    return {
        (label(block.id), label(successor))
        for block in facts.cfg.blocks
        for successor in block.successors
    }


def test_if_elif_else_blocks() -> None:
    facts = function(
        """\
        def f(x):
            if x > 0:
                y = 1
            elif x < 0:
                y = -1
            else:
                y = 0
            return y
        """
    )
    assert block_edges(facts) == {
        ("entry", "2"),
        ("2", "3"),
        ("2", "4"),
        ("4", "5"),
        ("4", "7"),
        ("3", "8"),
        ("5", "8"),
        ("7", "8"),
        ("8", "exit"),
    }
    assert [block.lines for block in facts.cfg.blocks if block.kind == "body"] == [
        (2,),
        (3,),
        (4,),
        (5,),
        (7,),
        (8,),
    ]


def test_straight_line_code_is_one_block() -> None:
    facts = function("def f(a):\n    b = a\n    c = b\n    return c\n")
    body = [block for block in facts.cfg.blocks if block.kind == "body"]
    assert [(b.start_line, b.end_line, b.lines) for b in body] == [(2, 4, (2, 3, 4))]


def test_for_else_break_continue() -> None:
    facts = function(
        """\
        def f(xs):
            for x in xs:
                if x is None:
                    continue
                if x < 0:
                    break
                print(x)
            else:
                print("done")
            return 1
        """
    )
    assert facts.next_lines(2) == {3, 9}  # into the body, or exhausted into else
    assert facts.next_lines(4) == {2}  # continue goes back to the header
    assert facts.next_lines(6) == {10}  # break skips the else
    assert facts.next_lines(7) == {2}
    assert facts.next_lines(9) == {10}
    [loop] = facts.loops
    assert (loop.kind, loop.header_line, loop.body_start_line, loop.body_end_line) == (
        "for",
        2,
        3,
        7,
    )


def test_while_true_leaves_only_by_break_and_loops_record_writes() -> None:
    facts = function(
        """\
        def f(n):
            i = 0
            while True:
                if i >= n:
                    break
                i += 1
            return i
        """
    )
    assert facts.next_lines(3) == {4}
    assert facts.next_lines(5) == {7}
    assert facts.next_lines(6) == {3}
    [loop] = facts.loops
    assert loop.written == frozenset({"i"}) and {"i", "n"} <= loop.read


def test_while_else_condition_exit() -> None:
    facts = function(
        """\
        def f(n):
            while n:
                n -= 1
            else:
                n = -1
            return n
        """
    )
    assert facts.next_lines(2) == {3, 5}
    assert facts.next_lines(5) == {6}


def test_return_and_raise_leave_the_function() -> None:
    facts = function(
        """\
        def f(x):
            if x:
                raise ValueError(x)
            return 2
        """
    )
    assert facts.next_lines(3) == {EXIT_LINE}
    assert facts.next_lines(4) == {EXIT_LINE}
    assert ("3", "exit") in block_edges(facts)


def test_try_except_else_finally() -> None:
    facts = function(
        """\
        def f(x):
            try:
                y = int(x)
            except ValueError as e:
                y = 0
            except Exception:
                raise
            else:
                y += 1
            finally:
                print("done")
            return y
        """
    )
    assert facts.next_lines(2) == {3}
    assert facts.next_lines(3) == {4, 9}  # may raise: to the first handler
    assert facts.next_lines(4) == {5, 6}  # matches, or tries the next clause
    assert facts.next_lines(5) == {11}
    assert facts.next_lines(7) == {11}  # re-raise runs finally first
    # on, or on with the exception (whose re-raise may be a second event of line 11)
    assert facts.next_lines(11) == {11, 12, EXIT_LINE}
    blocks = {block.lines[0]: block for block in facts.cfg.blocks if block.lines}
    by_id = {block.id: block for block in facts.cfg.blocks}
    handler_lines = {by_id[b].lines[0] for b in blocks[3].exception_successors}
    assert blocks[3].lines == (3, 9)  # the try body runs straight into the else clause
    assert handler_lines == {4, 11}  # body raises into the handlers, else into finally


def test_return_inside_try_goes_through_finally() -> None:
    facts = function(
        """\
        def f(x):
            try:
                if x:
                    return 1
            finally:
                x = 0
            return x
        """
    )
    assert facts.next_lines(4) == {6}
    assert facts.next_lines(6) == {6, 7, EXIT_LINE}  # 6 again: the re-raise on the way out


def test_with_runs_its_line_again_on_exit() -> None:
    facts = function(
        """\
        def f(path):
            with open(path) as handle:
                data = handle.read()
            return data
        """
    )
    # the with line has a second event when __exit__ runs (normally or on an exception),
    # so what follows the exit also follows the with line
    assert facts.next_lines(2) == {3, 4, EXIT_LINE}
    assert facts.next_lines(3) == {2}
    assert facts.writes_at(2) == {"handle"}


def test_match_cases_fall_through_in_order() -> None:
    facts = function(
        """\
        def f(cmd):
            match cmd:
                case ["go", where]:
                    return where
                case {"stop": code} if code > 0:
                    return code
            return None
        """
    )
    assert facts.next_lines(2) == {3}
    assert facts.next_lines(3) == {4, 5}
    assert facts.next_lines(5) == {6, 7}  # no irrefutable case: may match nothing


def test_irrefutable_case_ends_the_chain() -> None:
    facts = function(
        """\
        def f(cmd):
            match cmd:
                case 1:
                    x = 1
                case _:
                    x = 2
            return x
        """
    )
    assert facts.next_lines(5) == {6}


def test_async_for_and_async_with() -> None:
    facts = function(
        """\
        async def f(source, lock):
            total = 0
            async for item in source:
                async with lock:
                    total += await item
            return total
        """
    )
    assert facts.is_async
    assert facts.next_lines(3) == {4, 6}
    assert facts.next_lines(5) == {4}
    assert facts.loops[0].is_async


def test_yield_may_suspend_the_generator() -> None:
    facts = function(
        """\
        def f(n):
            for i in range(n):
                yield i
            return
        """
    )
    assert facts.next_lines(3) == {2, EXIT_LINE}


def test_comprehensions_and_lambdas_are_expressions_not_blocks() -> None:
    facts = function(
        """\
        def f(xs):
            ys = [x * 2 for x in xs if x]
            g = lambda v: v + 1
            return ys, g
        """
    )
    body = [block for block in facts.cfg.blocks if block.kind == "body"]
    assert [block.lines for block in body] == [(2, 3, 4)]
    assert facts.writes_at(2) == {"ys"}


def test_nested_functions_and_classes_are_their_own_facts() -> None:
    facts = analyze_source(
        dedent(
            """\
            class C:
                def m(self):
                    def inner():
                        return 1
                    return inner()
            """
        ).encode()
    )
    assert [(f.kind, f.qualname) for f in facts.functions] == [
        ("module", "<module>"),
        ("class", "C"),
        ("function", "C.m"),
        ("function", "C.m.<locals>.inner"),
    ]
    assert facts.function_at(4).qualname == "C.m.<locals>.inner"
    method = facts.functions_named("C.m")[0]
    assert method.statement_lines() == [2, 3, 5]
    assert method.next_lines(3) == {5}


def test_reraise_at_the_end_of_finally_is_reported_on_its_last_line() -> None:
    # CPython 3.11 attributes the re-raise that ends an exceptional `finally` to the
    # finally's last line, so after line 6 (condition false) a line event for 8 can follow
    facts = function(
        """\
        def f(x):
            try:
                if x:
                    raise ValueError(x)
            finally:
                if x > 1:
                    x = 0
                    x = 1
            return x
        """
    )
    assert facts.next_lines(6) == {6, 7, 8, 9, EXIT_LINE}
    assert 8 in facts.next_lines(8)  # the real line 8, then its re-raise: a second event
    assert facts.next_lines(6, exceptions=False) == {7, 9}
