"""The static bound on a step's delta: it admits every real change and demands only real ones."""

from __future__ import annotations

import ast
import random

from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.groundtruth.tracer import trace_source
from neurodebug.neural_debugger.model.dataset import Program, sample_transitions
from neurodebug.neural_debugger.predict.constraints import step_delta_bound
from neurodebug.neural_debugger.predict.delta_names import delta_bound, name_facts
from neurodebug.neural_debugger.predict.inference import source_facts

from tests.neural_debugger.neural_fixtures import PROGRAMS

# Programs with the cases the bound must get right: a new name, a rebinding to the same value,
# a mutation seen through an alias, a handler name deleted at the end of its handler, a call
# whose return binds a name in the caller, tuple unpacking, an augmented assignment.
EXTRA = (
    (
        "def alias(n):\n"
        "    scores = {}\n"
        "    table = scores\n"
        "    scores['a'] = n\n"
        "    k = 2\n"
        "    k = 2\n"
        "    a, b = n, k\n"
        "    a += b\n"
        "    return table\n",
        ("alias(3)",),
    ),
    (
        "def risky(x):\n"
        "    try:\n"
        "        y = 10 // x\n"
        "    except ZeroDivisionError as err:\n"
        "        y = -1\n"
        "    return y\n"
        "\n"
        "def caller(v):\n"
        "    first = risky(v)\n"
        "    second = risky(v - 1)\n"
        "    return first + second\n",
        ("caller(1)", "caller(0)"),
    ),
    (
        "def outer(n):\n"
        "    total = 0\n"
        "    def bump(k):\n"
        "        nonlocal total\n"
        "        total += k\n"
        "    for i in range(n):\n"
        "        bump(i)\n"
        "    done = True\n"
        "    return total\n",
        ("outer(3)",),
    ),
)


def traced_programs() -> list[Program]:
    programs = []
    for source, calls in (*PROGRAMS, *EXTRA):
        for call in calls:
            trace = trace_source(source, call)
            programs.append(Program(source, ((call, Trace.from_json(trace.to_json())),)))
    return programs


def test_the_bound_admits_every_real_delta_and_requires_only_real_names() -> None:
    rng = random.Random(0)
    bounded = required = empty = 0
    for program in traced_programs():
        facts = source_facts(program.source)
        for transition in sample_transitions(program, rng, 60):
            stop = transition.stop
            if stop.end:
                continue
            bound = step_delta_bound(
                facts, transition.state, transition.action, stop.event, stop.depth
            )
            if bound is None:
                continue
            names = set(stop.changed) | set(stop.deleted)
            assert names <= bound.allowed, (transition, bound)
            assert bound.required <= names, (transition, bound)
            bounded += 1
            required += bool(bound.required)
            empty += not bound.allowed
    # The bound must actually bite: many steps are bounded, some force a name, some forbid all.
    assert bounded > 40 and required > 5 and empty > 5


def test_assignments_aliases_and_handler_names() -> None:
    source = EXTRA[0][0] + "\n" + EXTRA[1][0]
    names = name_facts(ast.parse(source))
    assert names.assigned[2] == {"scores"}
    assert names.assigned[7] == {"a", "b"}
    assert 8 not in names.assigned  # `a += b` rebinds an existing name: nothing new to demand
    handler_body = 15  # `y = -1` inside `except ... as err`
    assert names.unbound[handler_body] == {"err"}


def test_only_single_steps_in_a_known_frame_are_bounded() -> None:
    source = EXTRA[0][0]
    facts = source_facts(source)
    program = next(p for p in traced_programs() if p.source == source)
    trace = program.traces[0][1]
    from neurodebug.neural_debugger.model.dataset import states_of

    states = states_of(trace)
    at_mutation = next(s for s in states if s.step.line == 4 and s.step.event == "line")
    bound = delta_bound(
        facts.statement_text, facts.names, facts.generators, at_mutation, "step_over", "line", 0
    )
    assert bound is not None
    assert {"scores", "table", "n"} <= bound.allowed  # `table` is the same dict as `scores`
    assert "k" not in bound.allowed
    for action in ("step_out", "continue", "step_back"):
        assert (
            delta_bound(
                facts.statement_text, facts.names, facts.generators, at_mutation, action, "line", 0
            )
            is None
        )


def test_the_frame_bound_admits_every_real_delta_of_a_step_out_or_continue() -> None:
    rng = random.Random(1)
    bounded = narrowed = 0
    for program in traced_programs():
        facts = source_facts(program.source)
        for transition in sample_transitions(program, rng, 60):
            stop = transition.stop
            if stop.end or transition.action not in ("step_out", "continue"):
                continue
            bound = step_delta_bound(
                facts, transition.state, transition.action, stop.event, stop.depth
            )
            if bound is None:
                continue
            assert set(stop.changed) | set(stop.deleted) <= bound.allowed, (transition, bound)
            assert not bound.required
            bounded += 1
            narrowed += bool(set(transition.state.step.locals) - bound.allowed)
    assert bounded > 15 and narrowed > 3


def test_the_frame_bound_reads_past_a_nested_function_and_its_nonlocal() -> None:
    from neurodebug.neural_debugger.model.dataset import states_of

    source = EXTRA[2][0]
    facts = source_facts(source)
    program = next(p for p in traced_programs() if p.source == source)
    states = states_of(program.traces[0][1])
    at_def = next(s for s in states if s.step.line == 3 and s.step.function == "outer")
    bound = step_delta_bound(facts, at_def, "step_out", "return", 0)
    assert bound is not None
    assert {"bump", "i", "total", "done"} <= bound.allowed  # past the def, and its nonlocal
    at_done = next(s for s in states if s.step.line == 8)
    late = step_delta_bound(facts, at_done, "step_out", "return", 0)
    assert late is not None
    assert "done" in late.allowed and not {"i", "bump"} & late.allowed


def test_a_step_from_an_except_line_may_change_only_what_the_line_names() -> None:
    """`except E as err:` has a line event of its own; a step from it binds `err` and nothing
    the line does not mention (it was unbounded, so a guess could invent any name)."""
    from neurodebug.neural_debugger.model.dataset import states_of

    source = EXTRA[1][0]
    facts = source_facts(source)
    program = next(
        p for p in traced_programs() if p.source == source and "caller(0)" in p.traces[0]
    )
    at_except = next(s for s in states_of(program.traces[0][1]) if s.step.line == 4)
    bound = step_delta_bound(facts, at_except, "step_over", "line", at_except.step.depth)
    assert bound is not None
    assert "err" in bound.allowed and "x" not in bound.allowed and "y" not in bound.allowed
