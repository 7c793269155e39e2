"""Real debugpy sessions agree with the tracer, and trace-derived actions match debugpy's."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from neurodebug.neural_debugger.groundtruth.actions import debugger_stops, return_lines
from neurodebug.neural_debugger.groundtruth.corpus.generator import generate_program
from neurodebug.neural_debugger.groundtruth.corpus.templates import template_program
from neurodebug.neural_debugger.groundtruth.debugpy_runner import debug_entry
from neurodebug.neural_debugger.groundtruth.tracer import trace_entry
from neurodebug.neural_debugger.groundtruth.verify import verify_entry

DATA = Path(__file__).parent / "data" / "debugpy"

CASES = [
    ("loops.py", "f", "f(4, [2, 3, -1, 5])"),
    ("recursion.py", "f", "f(4)"),
    ("exceptions.py", "f", "f(['1', 'x', '22'])"),
    ("exceptions.py", "g", "g(['x'])"),
    ("generators.py", "f", "f(5)"),
    ("classes.py", "f", "f([5, -1, 7])"),
    ("closures.py", "f", "f([1, 2])"),
    ("comprehensions.py", "f", "f(['ab', 'c', 'de', 'ab'])"),
    ("big_values.py", "f", "f(40)"),  # values past the repr and container limits
]

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("file", "function", "call"), CASES, ids=[c[0] + ":" + c[2] for c in CASES]
)
def test_tracer_and_debugpy_agree_when_stepping_into(file: str, function: str, call: str) -> None:
    result = verify_entry(DATA / file, function, call, action="step_into")
    assert result.agree, result.disagreements
    assert len(result.debugger.steps) >= 3
    assert result.debugger.result == result.tracer.result
    assert result.debugger.exception == result.tracer.exception


@pytest.mark.parametrize("action", ["step_over", "step_out"])
@pytest.mark.parametrize(("file", "function", "call"), CASES[:6], ids=[c[0] for c in CASES[:6]])
def test_actions_from_the_trace_match_debugpy(
    file: str, function: str, call: str, action: str
) -> None:
    path = DATA / file
    tracer = trace_entry(path, function, call)
    expected = debugger_stops(tracer, action, yield_stops=return_lines(path.read_text()))
    session = debug_entry(path, function, call, action=action)
    got = [(step.line, step.function, step.depth) for step in session.steps]
    assert got == [(stop.line, stop.function, stop.depth) for stop in expected]


def test_continue_to_breakpoints_matches_debugpy() -> None:
    path = DATA / "recursion.py"
    tracer = trace_entry(path, "f", "f(4)")
    expected = debugger_stops(tracer, "continue", breakpoints={3, 5})
    session = debug_entry(path, "f", "f(4)", action="continue", breakpoints={3, 5})
    assert [(s.line, s.locals) for s in session.steps] == [(s.line, s.locals) for s in expected]
    assert [s.locals["n"] for s in session.steps] == ["1", "2", "3", "4"]
    assert session.result == "25"


def test_debugpy_session_reports_exceptions_and_output(tmp_path: Path) -> None:
    program = tmp_path / "boom.py"
    program.write_text("def f(x):\n    print('about to fail', x)\n    return 1 // x\n")
    session = debug_entry(program, "f", "f(0)")
    assert session.status == "exception"
    assert session.exception == "ZeroDivisionError: integer division or modulo by zero"
    assert "about to fail 0" in session.stdout
    assert [step.line for step in session.steps] == [2, 3]


def test_endless_loop_is_cut_at_the_stop_limit(tmp_path: Path) -> None:
    program = tmp_path / "spin.py"
    program.write_text("def f():\n    n = 0\n    while True:\n        n += 1\n")
    session = debug_entry(program, "f", "f()", max_stops=30, timeout=20)
    assert session.status == "step_limit" and len(session.steps) == 30


def test_a_session_that_never_stops_times_out(tmp_path: Path) -> None:
    program = tmp_path / "sleepy.py"
    program.write_text("import time\n\ndef f():\n    time.sleep(60)\n")
    started = time.monotonic()
    session = debug_entry(program, "f", "f()", action="step_over", timeout=6)
    assert session.status == "timeout"
    assert time.monotonic() - started < 20


def test_fifty_stop_session_is_fast(tmp_path: Path) -> None:
    """TCP_NODELAY in the debuggee: without it every request stalls ~40 ms (4 per stop)."""
    program = tmp_path / "count.py"
    program.write_text(
        "def f(n):\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n"
    )
    session = debug_entry(program, "f", "f(24)")
    assert session.status == "ok" and len(session.steps) == 51  # 2 + 2 * 24 + 1
    # not a benchmark (see `neurodebug bench trace`): a stall per request would take > 8 s
    assert session.result == "276"


def test_the_debuggee_gets_tcp_nodelay_and_keeps_the_users_sitecustomize(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_site = tmp_path / "usersite"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text("import builtins\nbuiltins.USER_HOOK_RAN = True\n")
    monkeypatch.setenv("PYTHONPATH", str(user_site))
    program = tmp_path / "probe.py"
    program.write_text(
        "import builtins, socket\n\n"
        "def f():\n"
        "    server = socket.create_server(('127.0.0.1', 0))\n"
        "    client = socket.create_connection(server.getsockname())\n"
        "    nodelay = client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)\n"
        "    return nodelay != 0, getattr(builtins, 'USER_HOOK_RAN', False)\n"
    )
    session = debug_entry(program, "f", "f()", action="step_out")
    assert session.result == "(True, True)", (session.status, session.exception)
    plain = trace_entry(program, "f", "f()")  # outside debugpy nothing is patched
    assert plain.result == "(False, True)"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_corpus_programs_agree_with_debugpy(seed: int, tmp_path: Path) -> None:
    """The corpus is only as good as the tracer: random programs must match a real debugger."""
    rng = random.Random(seed)
    program = generate_program(rng) if seed != 3 else template_program(rng)
    path = tmp_path / "program.py"
    path.write_text(program.source)
    action = ("step_into", "step_over", "step_into")[seed - 1]
    result = verify_entry(path, program.function, program.call, action=action)
    assert result.agree, (program.source, program.call, result.disagreements)


def test_an_error_while_importing_the_file_is_the_outcome(tmp_path: Path) -> None:
    program = tmp_path / "broken_import.py"
    program.write_text("raise RuntimeError('at import')\n\ndef f():\n    return 1\n")
    result = verify_entry(program, "f", "f()")
    assert result.agree, result.disagreements
    assert result.debugger.exception == result.tracer.exception == "RuntimeError: at import"
    assert result.debugger.steps == []


def test_a_module_of_a_package_runs_with_its_relative_imports(tmp_path: Path) -> None:
    """A real project's module imports its siblings relatively; both runners import it as a
    module of its package, and a call into a sibling file is no stop in either view."""
    package = tmp_path / "src" / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from .prices import total\n")
    (package / "rates.py").write_text("def rate(kind):\n    return 2 if kind == 'vip' else 3\n")
    module = package / "prices.py"
    module.write_text(
        "from .rates import rate\n"
        "\n"
        "def total(amount, kind):\n"
        "    cut = rate(kind)\n"
        "    return amount - cut\n"
    )
    traced = trace_entry(module, "total", "total(10, 'vip')")
    assert (traced.status, traced.result) == ("ok", "8")
    assert [s.line for s in traced.steps if s.event == "line"] == [4, 5]
    report = verify_entry(module, "total", "total(10, 'vip')")
    assert report.debugger.result == "8"
    assert report.agree, report.disagreements
    assert len(report.debugger.steps) >= 2


def test_objects_of_a_package_module_read_the_same_in_both_runners(tmp_path: Path) -> None:
    """A method entry's object shows its module's name: both runners run the file as
    `<package>.__neurodebug_main__` (they used to differ there, so every stop disagreed)."""
    package = tmp_path / "geo"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "shapes.py"
    module.write_text(
        "class Square:\n"
        "    def __init__(self, side):\n"
        "        self.side = side\n"
        "\n"
        "    def area(self):\n"
        "        return self.side * self.side\n"
    )
    report = verify_entry(module, "area", "Square(3).area()")
    assert report.debugger.result == "9"
    assert report.agree, report.disagreements
    shown = {s.locals.get("self") for s in report.tracer.steps if "self" in s.locals}
    assert shown == {"<geo.__neurodebug_main__.Square object>"}
