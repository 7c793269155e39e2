"""A seeded generator of small, terminating Python functions for the soundness test.

Every program is one `def f(a, b, c):` with one statement per line, mixing every construct the
analysis models: if/elif/else, for and while with else, break/continue, try/except/else/finally
with explicit and implicit raises, with, match with captures and guards, walrus, augmented
assignment, tuple/star unpacking, container mutation, comprehensions, early return. Loops are
bounded (counters first in the body, small ranges) so each run finishes in microseconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

INTS = ("a", "b", "c", "x", "y", "z", "s")


@dataclass
class _State:
    rng: random.Random
    lines: list[str] = field(default_factory=list)
    loop_depth: int = 0
    counter: int = 0
    budget: int = 28
    calls: bool = False  # also call functions that change their arguments (`generate`)

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)
        self.budget -= 1


def _int_expr(rng: random.Random) -> str:
    v, w = rng.choice(INTS), rng.choice(INTS)
    return rng.choice(
        [
            f"{v} + {rng.randint(1, 3)}",
            f"{v} * 2 - {w}",
            f"len(xs) + {v}",
            f"d.get({v} % 3, {w})",
            f"(xs[-1] if xs else {v})",
            f"sum(t * {v} for t in range(3))",
            f"max({v}, {w})",
            f"[t + {v} for t in xs][:1][0] if xs else {w}",
            f"{v} // 2 + {w} % 3",
            f"-{v}",
        ]
    )


def _condition(rng: random.Random) -> str:
    v, w = rng.choice(INTS), rng.choice(INTS)
    return rng.choice(
        [
            f"{v} > {w}",
            f"{v} % 2 == 0",
            f"{v} in xs",
            f"len(xs) > {rng.randint(1, 4)}",
            f"{v} < {rng.randint(0, 6)} and {w} > 0",
            f"(z := {v} + {w}) > 4",
            "not d",
        ]
    )


def _call(state: _State, indent: int) -> None:
    """A call that changes (or only reads) the objects it is given: the module's own functions
    (`CALLEES`, one passing its argument on, one recursive) and a lambda the analysis cannot
    see into."""
    rng = state.rng
    v = rng.choice(INTS)
    state.emit(
        indent,
        rng.choice(
            [
                f"push(xs, {_int_expr(rng)})",
                f"push_twice(xs, {v})",
                f"put(d, {v} % 3, {_int_expr(rng)})",
                f"fill(xs, {v} % 3)",
                f"poke(xs, {_int_expr(rng)})",
                f"s = total_of(xs) + {v}",
                f"{rng.choice(INTS[3:])} = peek(d, xs)",
            ]
        ),
    )


CALLEES = """
def push(t, v):
    t.append(v)

def push_twice(t, v):
    push(t, v)
    push(t, v + 1)

def put(m, k, v):
    m[k] = v

def fill(t, n):
    if n > 0:
        t.append(n)
        fill(t, n - 1)

def total_of(t):
    return sum(t)

def peek(m, t):
    return len(m) + (t[0] if t else 0)
"""


def _simple(state: _State, indent: int) -> None:
    rng = state.rng
    if state.calls and rng.random() < 0.3:
        _call(state, indent)
        return
    target = rng.choice(INTS[3:])
    choice = rng.randrange(12)
    if choice <= 2:
        state.emit(indent, f"{target} = {_int_expr(rng)}")
    elif choice == 3:
        state.emit(indent, f"{target} += {_int_expr(rng)}")
    elif choice == 4:
        state.emit(indent, f"xs.append({_int_expr(rng)})")
    elif choice == 5:
        state.emit(indent, f"d[{rng.choice(INTS)} % 3] = {_int_expr(rng)}")
    elif choice == 6:
        other = rng.choice(INTS[3:])
        state.emit(indent, f"{target}, {other} = {other}, {_int_expr(rng)}")
    elif choice == 7:
        state.emit(indent, f"{target}, *rest = [{_int_expr(rng)}, 1, 2]")
    elif choice == 8:
        state.emit(indent, "if xs: xs.pop()" if rng.random() < 0.5 else "xs.sort()")
    elif choice == 9:
        state.emit(indent, f"s = sum([t + {rng.choice(INTS)} for t in xs if t > 0])")
    elif choice == 10:
        state.emit(indent, f"if {_condition(rng)}: return {_int_expr(rng)}")
    else:  # a closure: its body runs in another frame, the call reads the function here
        state.emit(indent, f"def helper(t): return t + {rng.choice(INTS)}")
        state.emit(indent, f"{target} = helper({_int_expr(rng)})")


def _block(state: _State, indent: int, size: int, depth: int) -> None:
    for _ in range(size):
        if state.budget <= 0:
            break
        _statement(state, indent, depth)
    if state.lines[-1].endswith(":"):
        state.emit(indent, "pass")


def _statement(state: _State, indent: int, depth: int) -> None:
    rng = state.rng
    kind = rng.randrange(13) if depth < 3 else 0
    if kind <= 4:
        _simple(state, indent)
    elif kind == 5:
        state.emit(indent, f"if {_condition(rng)}:")
        _block(state, indent + 1, rng.randint(1, 3), depth + 1)
        if rng.random() < 0.5:
            state.emit(indent, f"elif {_condition(rng)}:")
            _block(state, indent + 1, rng.randint(1, 2), depth + 1)
        if rng.random() < 0.5:
            state.emit(indent, "else:")
            _block(state, indent + 1, rng.randint(1, 2), depth + 1)
    elif kind == 6:
        iterable = rng.choice(["range(3)", "xs[:3]", f"range({rng.choice(INTS)} % 4)"])
        state.emit(indent, f"for {rng.choice(('i', 'j'))} in {iterable}:")
        _loop_body(state, indent + 1, depth)
        if rng.random() < 0.3:
            state.emit(indent, "else:")
            _block(state, indent + 1, 1, depth + 1)
    elif kind == 7:
        state.counter += 1
        counter = f"n{state.counter}"
        state.emit(indent, f"{counter} = 0")
        state.emit(indent, f"while {counter} < 3 and {_condition(rng)}:")
        state.emit(indent + 1, f"{counter} += 1")
        _loop_body(state, indent + 1, depth)
        if rng.random() < 0.3:
            state.emit(indent, "else:")
            _block(state, indent + 1, 1, depth + 1)
    elif kind == 8 and state.loop_depth:
        state.emit(indent, f"if {_condition(rng)}: {rng.choice(('break', 'continue'))}")
    elif kind in (8, 9):
        _try(state, indent, depth)
    elif kind == 10:
        state.emit(indent, f"with nullcontext({_int_expr(rng)}) as w:")
        state.emit(indent + 1, f"{rng.choice(INTS[3:])} = w + 1")
        _block(state, indent + 1, rng.randint(0, 1), depth + 1)
    elif kind == 11:
        state.emit(indent, f"match ({rng.choice(INTS)} % 3, {rng.choice(INTS)} % 2):")
        state.emit(indent + 1, "case (0, q):")
        state.emit(indent + 2, f"{rng.choice(INTS[3:])} = q + {rng.choice(INTS)}")
        state.emit(indent + 1, "case (p, 0) if p > 1:")
        state.emit(indent + 2, f"{rng.choice(INTS[3:])} = p")
        _block(state, indent + 2, rng.randint(0, 1), depth + 1)
        if rng.random() < 0.6:
            state.emit(indent + 1, "case _:")
            _block(state, indent + 2, 1, depth + 1)
    else:
        state.emit(indent, f"if (w := {_int_expr(rng)}) > 2:")
        state.emit(indent + 1, f"{rng.choice(INTS[3:])} = w")
        _block(state, indent + 1, rng.randint(0, 1), depth + 1)


def _loop_body(state: _State, indent: int, depth: int) -> None:
    state.loop_depth += 1
    _block(state, indent, state.rng.randint(1, 3), depth + 1)
    state.loop_depth -= 1


def _try(state: _State, indent: int, depth: int) -> None:
    rng = state.rng
    state.emit(indent, "try:")
    _block(state, indent + 1, rng.randint(0, 1), depth + 1)
    if rng.random() < 0.5:
        state.emit(indent + 1, f"if {_condition(rng)}: raise ValueError(x)")
    else:
        state.emit(indent + 1, f"{rng.choice(INTS[3:])} = 10 // ({rng.choice(INTS)} - 2)")
    _block(state, indent + 1, rng.randint(0, 1), depth + 1)
    state.emit(indent, "except (ValueError, ZeroDivisionError) as e:")
    state.emit(indent + 1, f"{rng.choice(INTS[3:])} = len(str(e)) + {rng.choice(INTS)}")
    if rng.random() < 0.15:  # re-raise: leaves through finally and any outer handler
        state.emit(indent + 1, f"if {_condition(rng)}: raise")
    _block(state, indent + 1, rng.randint(0, 1), depth + 1)
    if rng.random() < 0.3:
        state.emit(indent, "else:")
        _block(state, indent + 1, 1, depth + 1)
    if rng.random() < 0.4:
        state.emit(indent, "finally:")
        _block(state, indent + 1, 1, depth + 1)


def generate(seed: int, calls: bool = False) -> str:
    """The source of one module defining `f(a, b, c)`; deterministic in `seed`. With `calls`,
    `f` also calls functions that change their arguments (defined after it, `CALLEES`)."""
    state = _State(random.Random(seed), calls=calls)
    state.lines = ["from contextlib import nullcontext", "", "def f(a, b, c):"]
    for line in ("x = a", "y = b", "z = c", "s = 0", "xs = [a, b]", "d = {}", "w = 0"):
        state.emit(1, line)
    if calls:
        state.emit(1, "poke = lambda t, v: t.append(v)")
    state.budget = 28
    _block(state, 1, 12, 0)
    state.emit(1, "return x + y + z + s + len(xs) + len(d)")
    return "\n".join(state.lines) + "\n" + (CALLEES if calls else "")


ARGUMENTS = (
    (0, 1, 2), (3, 5, -1), (7, 2, 4), (2, 2, 2),
    # twelve more, drawn once from -2..7 (seeded): more paths run, so the soundness test checks
    # more observed edges and its precision counts fewer edges only because no input took them
    (6, 3, 0), (6, 1, 4), (0, 6, -2), (3, 5, 3), (0, -2, 6), (4, -2, 7),
    (7, 1, 0), (5, 0, 3), (-2, 2, 5), (7, 6, 3), (1, 1, 5), (3, 6, -1),
)  # fmt: skip
