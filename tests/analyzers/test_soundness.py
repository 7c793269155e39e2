"""Soundness against real execution: every dependency a run shows must be a static edge.

Generated programs run in a subprocess under `sys.settrace` (tests/analyzers/trace_runner.py).
An observed data dependency (var, A, B) is a line B that reads `var` (per Python's own `ast`,
independent of tree-sitter) while the last write of `var` was at line A — a write being an
assignment target per `ast` or a value change seen in the frame's locals (mutation). Each must
be among `FunctionFacts.data_edges`; each observed line-to-line step must be in
`next_lines`. Recall must be 100%; precision (observed ∩ static / static) is printed.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from neurodebug.analyzers import EXIT_LINE
from neurodebug.analyzers.document import analyze_source
from neurodebug.analyzers.extract import MATCH_SUBJECT
from neurodebug.analyzers.facts import FunctionFacts

from .program_gen import ARGUMENTS, generate

PROGRAM_COUNT = 400
CALL_PROGRAM_COUNT = 200
RUNNER = Path(__file__).with_name("trace_runner.py")


@dataclass
class LineFacts:
    """What Python's `ast` says one line reads and writes (the independent oracle)."""

    reads: dict[int, set[str]] = field(default_factory=dict)
    writes: dict[int, set[str]] = field(default_factory=dict)
    walrus: dict[int, set[str]] = field(default_factory=dict)
    with_ends: dict[int, int] = field(default_factory=dict)  # with line -> last body line


def _names(node: ast.AST | None, into: set[str], ctx: type[ast.expr_context]) -> None:
    if node is None:
        return
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ctx):
            into.add(sub.id)


def _store_bases(node: ast.AST, into: set[str]) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            into.add(sub.id)
        elif isinstance(sub, ast.Subscript | ast.Attribute) and isinstance(sub.ctx, ast.Store):
            base = sub.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                into.add(base.id)


def oracle(source: str) -> LineFacts:
    """Reads and writes per line of `f`, headers of compound statements only."""
    facts = LineFacts()
    function = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef))

    def add(line: int, reads: set[str], writes: set[str], parts: list[ast.AST]) -> None:
        facts.reads.setdefault(line, set()).update(reads)
        facts.writes.setdefault(line, set()).update(writes)
        walrus = facts.walrus.setdefault(line, set())
        for part in parts:
            for sub in ast.walk(part):
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    walrus.add(sub.target.id)

    def header(line: int, parts: list[ast.AST], targets: list[ast.AST]) -> None:
        reads: set[str] = set()
        writes: set[str] = set()
        for part in parts:
            _names(part, reads, ast.Load)
            _store_bases(part, writes)
        for target in targets:
            _store_bases(target, writes)
            _names(target, reads, ast.Load)
        add(line, reads, writes, parts)

    def visit(statements: list[ast.stmt]) -> None:
        for stmt in statements:
            if isinstance(stmt, ast.If | ast.While):
                header(stmt.lineno, [stmt.test], [])
                visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, ast.For):
                header(stmt.lineno, [stmt.iter], [stmt.target])
                visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, ast.With):
                parts: list[ast.AST] = [item.context_expr for item in stmt.items]
                targets: list[ast.AST] = [i.optional_vars for i in stmt.items if i.optional_vars]
                header(stmt.lineno, parts, targets)
                visit(stmt.body)
            elif isinstance(stmt, ast.Try):
                visit(stmt.body)
                for handler in stmt.handlers:
                    header(handler.lineno, [handler.type] if handler.type else [], [])
                    if handler.name:
                        facts.writes.setdefault(handler.lineno, set()).add(handler.name)
                    visit(handler.body)
                visit(stmt.orelse)
                visit(stmt.finalbody)
            elif isinstance(stmt, ast.Match):
                # the subject is evaluated once, on the `match` line; each case tests that value
                header(stmt.lineno, [stmt.subject], [])
                facts.writes[stmt.lineno].add(MATCH_SUBJECT)
                for case in stmt.cases:
                    captures = {
                        sub.name
                        for sub in ast.walk(case.pattern)
                        if isinstance(sub, ast.MatchAs | ast.MatchStar) and sub.name
                    }
                    header(case.pattern.lineno, [case.guard] if case.guard else [], [])
                    facts.reads[case.pattern.lineno].add(MATCH_SUBJECT)
                    facts.writes.setdefault(case.pattern.lineno, set()).update(captures)
                    visit(case.body)
            elif isinstance(stmt, ast.FunctionDef):
                # defining a function reads its decorators and defaults, not its body
                evaluated: list[ast.AST] = [*stmt.decorator_list, *stmt.args.defaults]
                header(stmt.lineno, evaluated, [])
                facts.writes.setdefault(stmt.lineno, set()).add(stmt.name)
            else:
                reads: set[str] = set()
                writes: set[str] = set()
                _names(stmt, reads, ast.Load)
                _store_bases(stmt, writes)
                if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                    reads.add(stmt.target.id)
                add(stmt.lineno, reads, writes, [stmt])

    visit(function.body)
    local_to_comprehensions = {
        target.id
        for sub in ast.walk(function)
        if isinstance(sub, ast.comprehension)
        for target in ast.walk(sub.target)
        if isinstance(target, ast.Name)
    }
    for table in (facts.reads, facts.writes):
        for names in table.values():
            names -= local_to_comprehensions
    facts.with_ends = {
        stmt.lineno: stmt.end_lineno or stmt.lineno
        for stmt in ast.walk(function)
        if isinstance(stmt, ast.With)
    }
    return facts


@dataclass
class Observed:
    data: set[tuple[str, int, int]] = field(default_factory=set)
    steps: set[tuple[int, int]] = field(default_factory=set)


def observe(run: dict[str, object], lines: LineFacts, def_line: int) -> Observed:
    """Replay one run's events into observed data dependencies and line steps."""
    seen = Observed()
    last: dict[str, int] = {}
    current: int | None = None
    raised = False
    leaving_with = False  # the `with` line's second event runs __exit__: no reads, no writes
    events = run["events"]
    assert isinstance(events, list)
    phantom = False
    for event, line, changed, opcode in events:
        if event == "call":
            for var in changed:
                last[var] = def_line
            current = def_line
            continue
        assert current is not None
        for var in changed:
            last[var] = current
        if event == "exception":
            raised = True
            continue
        written = set(lines.walrus.get(current, ()))
        if not raised and not leaving_with and not phantom:
            written |= lines.writes.get(current, set())
        for var in written:
            last[var] = current
        if event == "line":
            if current != def_line:
                seen.steps.add((current, line))
            leaving_with = line in lines.with_ends and line < current <= lines.with_ends[line]
            ambiguous = lines.walrus.get(line, set())  # written and read within the line
            # CPython reports the re-raise ending a `finally` on its last line: not a run of it
            phantom = opcode == "RERAISE"
            for var in () if leaving_with or phantom else lines.reads.get(line, ()):
                if var in last and var not in ambiguous:
                    seen.data.add((var, last[var], line))
            current, raised = line, False
        elif event == "return" and not raised:
            seen.steps.add((current, EXIT_LINE))
    return seen


def _trace(sources: list[str]) -> list[list[dict[str, object]]]:
    payload = json.dumps([[source, ARGUMENTS] for source in sources])
    completed = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: list[list[dict[str, object]]] = json.loads(completed.stdout)
    return result


@pytest.mark.slow
@pytest.mark.parametrize(
    ("count", "calls"),
    [(PROGRAM_COUNT, False), (CALL_PROGRAM_COUNT, True)],
    ids=["plain", "with-calls"],
)
def test_static_edges_cover_every_observed_dependency(count: int, calls: bool) -> None:
    """`with-calls` programs also hand `xs` and `d` to the module's own functions (some change
    them, one recursively, one through another) and to a lambda the analysis cannot read:
    only the call summaries and the unknown-call default make those changes static edges."""
    sources = [generate(seed, calls=calls) for seed in range(count)]
    runs = _trace(sources)
    observed_total = static_total = hit_total = steps_total = dead_total = 0
    through_calls = 0
    missing: list[str] = []
    for seed, (source, program_runs) in enumerate(zip(sources, runs, strict=True)):
        function: FunctionFacts = analyze_source(source.encode()).functions_named("f")[0]
        static = {(e.var, e.def_line, e.use_line) for e in function.data_edges}
        lines = oracle(source)
        observed = Observed()
        for run in program_runs:
            one = observe(run, lines, function.def_line)
            observed.data |= one.data
            observed.steps |= one.steps
        observed_total += len(observed.data)
        static_total += len(static)
        hit_total += len(observed.data & static)
        text = source.splitlines()
        through_calls += sum(
            1 for var, at, _ in observed.data if var in ("xs", "d") and "(" + var in text[at - 1]
        )
        missing.extend(f"seed {seed}: data {edge}" for edge in sorted(observed.data - static))
        ran = {line for step in observed.steps for line in step}
        dead = {line for cut in function.dead_code for line in cut.lines}
        dead_total += len(dead)
        missing.extend(
            f"seed {seed}: line {line} ran, said never to" for line in sorted(dead & ran)
        )
        for before, after in sorted(observed.steps):
            steps_total += 1
            if after not in function.next_lines(before):
                missing.append(f"seed {seed}: step {before} -> {after}")
    recall = hit_total / observed_total
    precision = hit_total / static_total
    print(
        f"\nsoundness ({'with calls' if calls else 'plain'}): {count} programs x "
        f"{len(ARGUMENTS)} runs, {observed_total} observed data edges, recall {recall:.2%}, "
        f"static edges {static_total}, precision {precision:.2%}, "
        f"{steps_total} observed line steps, {dead_total} lines said never to run"
        + (f", {through_calls} observed changes made by a call" if calls else "")
    )
    assert not missing, "\n".join(missing[:20])
    assert observed_total > 10 * count  # the runs really exercised the programs
    assert dead_total > count  # and constant propagation really cut code off
    if calls:
        assert through_calls > count  # and the calls really changed what they were given
