"""The tracer records the right events, locals and outcomes, always in a sandboxed subprocess."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from neurodebug.neural_debugger.groundtruth.limits import Limits
from neurodebug.neural_debugger.groundtruth.recorder import safe_repr
from neurodebug.neural_debugger.groundtruth.sandbox import Job, run_jobs
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.groundtruth.tracer import trace_entry, trace_source


def run(source: str, call: str, **limits: float) -> Trace:
    return trace_source(textwrap.dedent(source), call, limits=Limits(**limits))  # type: ignore[arg-type]


def test_loop_lines_and_locals_before_each_line() -> None:
    trace = run(
        """\
        def f(n):
            total = 0
            for i in range(n):
                total += i
            return total
        """,
        "f(3)",
    )
    assert trace.status == "ok" and trace.result == "3"
    assert [step.line for step in trace.steps if step.event == "line"] == [
        2,
        3,
        4,
        3,
        4,
        3,
        4,
        3,
        5,
    ]
    assert trace.steps[0].event == "call" and trace.steps[0].locals == {"n": "3"}
    # locals are the state before the line runs: the first `total += i` sees total 0, i 0
    first_add = next(step for step in trace.steps if step.line == 4)
    assert first_add.locals == {"n": "3", "total": "0", "i": "0"}
    assert trace.steps[-1].event == "return" and trace.steps[-1].value == "3"


def test_helper_calls_have_depth_and_return_values() -> None:
    trace = run(
        """\
        def double(x):
            return x * 2

        def f(a):
            b = double(a)
            return double(b) + 1
        """,
        "f(5)",
    )
    calls = [
        (step.function, step.depth, step.locals) for step in trace.steps if step.event == "call"
    ]
    assert calls == [("f", 0, {"a": "5"}), ("double", 1, {"x": "5"}), ("double", 1, {"x": "10"})]
    returns = [(step.function, step.value) for step in trace.steps if step.event == "return"]
    assert returns == [("double", "10"), ("double", "20"), ("f", "21")]
    assert trace.result == "21"


def test_caught_and_uncaught_exceptions() -> None:
    source = """\
        def g(x):
            return 10 // x

        def f(x):
            try:
                y = g(x)
            except ZeroDivisionError:
                y = -1
            return g(y + 1)
        """
    trace = run(source, "f(0)")
    events = [(step.event, step.function, step.line) for step in trace.steps]
    assert ("exception", "g", 2) in events and ("exception", "f", 6) in events
    handler = events.index(("exception", "f", 6)) + 1
    assert events[handler] == ("line", "f", 7)
    assert trace.status == "exception"
    assert trace.exception == "ZeroDivisionError: integer division or modulo by zero"
    assert trace.result is None
    # a frame left by an exception has a return step without a value
    assert trace.steps[-1].event == "return" and trace.steps[-1].value is None


def test_generators_comprehensions_closures_and_classes() -> None:
    trace = run(
        """\
        class Box:
            def __init__(self, v):
                self.v = v

        def gen(n):
            for i in range(n):
                yield i * 10

        def f(n):
            k = 2
            def scale(v):
                return v * k
            squares = [x * x for x in range(n)]
            box = Box(sum(gen(n)))
            return scale(box.v), squares
        """,
        "f(2)",
    )
    assert trace.result == "(20, [0, 1])"
    functions = {step.function for step in trace.steps}
    assert {"f", "<listcomp>", "gen", "__init__", "scale"} <= functions
    yields = [
        (s.value, s.yielded) for s in trace.steps if s.event == "return" and s.function == "gen"
    ]
    assert yields == [("0", True), ("10", True), ("None", False)]  # two yields, then the return
    init = next(step for step in trace.steps if step.function == "__init__")
    assert init.locals["self"] == "<__neurodebug_main__.Box object>"  # no memory address
    scale_line = next(
        step for step in trace.steps if step.function == "scale" and step.event == "line"
    )
    assert scale_line.locals == {"v": "10", "k": "2"}  # the closure's free variable is shown


def test_dataclasses_and_named_tuples_of_the_traced_source_work() -> None:
    """Both look their class's module up in `sys.modules` (a dataclass fails with
    AttributeError when the traced source is no module there)."""
    trace = run(
        """\
        import dataclasses
        from typing import NamedTuple

        @dataclasses.dataclass(frozen=True)
        class Point:
            x: int
            y: int = 0

        class Pair(NamedTuple):
            left: str
            right: str

        def f(n):
            p = Point(n)
            return Pair(str(p.x), repr(p))
        """,
        "f(3)",
    )
    assert trace.exception is None
    assert trace.result == "Pair(left='3', right='Point(x=3, y=0)')"
    assert trace.steps[-1].locals["p"] == "Point(x=3, y=0)"


def test_step_limit_stops_an_endless_loop() -> None:
    trace = run("def f():\n    while True:\n        pass\n", "f()", max_steps=500)
    assert trace.status == "step_limit"
    assert len(trace.steps) == 500


def test_step_limit_survives_a_bare_except() -> None:
    source = "def f():\n    while True:\n        try:\n            x = 1\n        except:\n            return 'caught'\n"
    trace = run(source, "f()", max_steps=50, timeout_s=5)
    assert trace.status == "step_limit"


def test_timeout_kills_a_sleeping_program() -> None:
    trace = run("import time\ndef f():\n    time.sleep(60)\n", "f()", timeout_s=1)
    assert trace.status == "timeout"


def test_input_sees_closed_stdin() -> None:
    trace = run("def f():\n    return input('name? ')\n", "f()")
    assert trace.status == "exception" and trace.exception is not None
    assert trace.exception.startswith("EOFError")


def test_huge_output_is_capped() -> None:
    trace = run("def f():\n    print('x' * 5_000_000)\n    return 1\n", "f()")
    assert trace.status == "ok" and trace.result == "1"
    assert 0 < len(trace.stdout) <= 20_000


def test_memory_limit() -> None:
    trace = run(
        "def f():\n    data = [0] * (10 ** 9)\n    return len(data)\n", "f()", memory_mb=300
    )
    assert trace.status == "memory_limit"


def test_recursion_error_is_an_exception_result() -> None:
    trace = run("def f(n):\n    return f(n + 1)\n", "f(0)", max_steps=100_000)
    assert trace.status == "exception" and trace.exception is not None
    assert trace.exception.startswith("RecursionError")


def test_crashes_are_reported_with_their_cause() -> None:
    segv = run("import os, signal\ndef f():\n    os.kill(os.getpid(), signal.SIGSEGV)\n", "f()")
    assert segv.status == "crashed" and segv.exception == "killed by signal SIGSEGV"
    exited = run("import os\ndef f():\n    os._exit(3)\n", "f()")
    assert exited.status == "crashed" and exited.exception == "exited with status 3"


def test_runs_in_another_process_and_a_fresh_working_folder(tmp_path: Path) -> None:
    keep = tmp_path / "keep.txt"
    keep.write_text("precious")
    source = """\
        import os, shutil
        def f():
            here = os.getcwd()
            for name in os.listdir('.'):
                os.remove(name)
            open('made.txt', 'w').write('x')
            return os.getpid(), here
        """
    trace = run(source, "f()")
    assert trace.status == "ok" and trace.result is not None
    pid, here = eval(trace.result)
    assert pid != os.getpid()
    assert here != os.getcwd() and not Path(here).exists()  # deleted afterwards
    assert keep.read_text() == "precious"


def test_forked_processes_are_killed_and_stay_silent() -> None:
    source = """\
        import os, time
        def f():
            pid = os.fork()
            if pid == 0:
                time.sleep(60)
            return pid
        """
    trace = run(source, "f()")
    assert trace.status == "ok" and trace.result is not None
    child = int(trace.result)
    status = Path(f"/proc/{child}/status")
    alive = status.exists() and "State:\tZ" not in status.read_text()
    assert not alive, "the forked grandchild outlived the run"


def test_trace_entry_uses_the_files_lines_and_folder(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("def inc(x):\n    return x + 1\n")
    program = tmp_path / "main.py"
    program.write_text(
        "from helpers import inc\n\n\ndef f(x):\n    return inc(x)\n\nif __name__ == '__main__':\n    f(0)\n"
    )
    trace = trace_entry(program, "f", "f(41)")
    assert trace.result == "42"
    assert [step.line for step in trace.steps] == [4, 5, 5]  # helpers.py frames are not traced


def test_safe_repr_summarises_and_cuts() -> None:
    assert safe_repr(list(range(100))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...]"
    assert safe_repr({"a": 1, "b": (2,)}) == "{'a': 1, 'b': (2,)}"
    assert safe_repr(set()) == "set()" and safe_repr(frozenset({1})) == "frozenset({1})"
    long_text = safe_repr("x" * 500)
    assert len(long_text) == 80 and long_text.endswith("...")
    assert safe_repr(10**5000).startswith("<int with about")

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    shown = safe_repr(Broken())  # the default object repr, as debuggers show it, without address
    assert shown.startswith("<tests.neural_debugger.groundtruth.test_tracer.") and "0x" not in shown


def test_safe_repr_writes_containers_that_hold_themselves_as_python_does() -> None:
    """A linked list's sentinel (`root[:] = [root, root, None]`, boltons' OrderedMultiDict) used
    to come out as `[[[[[[…` down to the length limit."""
    root: list[object] = []
    root[:] = [root, root, None]
    table: dict[str, object] = {}
    table["self"] = table
    held: list[object] = []
    pair = (held,)
    held.append(pair)
    shared = [1]
    for value in (root, table, pair, [shared, shared]):
        assert safe_repr(value) == repr(value)


def test_user_code_cannot_write_into_the_workers_channel() -> None:
    scribble = (
        "import os\n"
        "def f():\n"
        "    hit = 0\n"
        "    for fd in range(3, 200):\n"
        "        try:\n"
        "            os.write(fd, b'garbage\\n')\n"
        "            hit += 1\n"
        "        except OSError:\n"
        "            pass\n"
        "    return hit\n"
    )
    jobs = [Job(scribble, "f()"), Job("def g():\n    return 42\n", "g()")]
    first, second = run_jobs(jobs, Limits(), workers=1)
    # only the run's own result pipe was open to it: it spoiled its own answer, nothing else
    assert first.status == "crashed" and first.exception == "the run sent no valid result"
    assert second.status == "ok" and second.result == "42"  # the worker and its channel survive


def test_a_worker_that_cannot_start_says_why(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A broken install (the worker cannot import neurodebug) must not read as a silent crash."""
    import sys

    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'No module named neurodebug (stand-in)' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))
    [trace] = list(run_jobs([Job("def f():\n    return 1\n", "f()")], Limits()))
    assert trace.status == "crashed"
    assert trace.exception == "worker died (exit 3): No module named neurodebug (stand-in)"


def test_a_package_module_sees_its_spec_as_an_import_gives_it(tmp_path: Path) -> None:
    """packaging's specifiers.py reads `__spec__.parent` at import time; the traced module
    has the spec importing the file gives it (its parent is the package)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "mod.py"
    module.write_text("PARENT = __spec__.parent\n\ndef where():\n    return PARENT, __name__\n")
    trace = trace_entry(module, "where")
    assert trace.exception is None
    assert trace.result == "('pkg', 'pkg.__neurodebug_main__')"
