"""A generator of small, valid, terminating Python functions with type-directed inputs.

Why synthetic programs: the model is tiny and trained on CPU for about an hour, so it learns best
from many short, varied, fully-executable functions whose traces stay under ~200 steps. Every
program here is built from typed pieces (each variable has a known type in scope), so every
expression is well typed by construction; loops are bounded by short inputs or small ranges, and
`while` loops carry a counter guard. Some programs raise on purpose (guarded errors, `try`/`except`,
uncaught `ValueError`), some recurse (shallowly), some use generators, classes and closures.

`generate_program(rng)` returns a `Program`: the source, the entry function's name, and a call
expression with arguments drawn for the parameters' types. Tracing happens elsewhere (sandboxed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from neurodebug.neural_debugger.groundtruth.corpus.builder import (
    KEYS,
    LETTERS,
    NAMES,
    WORDS,
    Builder,
)

ENTRY_NAMES = (
    "f", "solve", "process", "compute", "transform", "analyze", "run", "summarize", "evaluate",
    "walk", "build", "score_items", "merge", "scan", "tally", "reduce_values", "check", "convert",
)  # fmt: skip
HELPER_NAMES = ("helper", "step", "combine", "adjust", "measure", "clip", "mix", "weigh", "fold")


@dataclass
class Program:
    """One generated program and the entry call that exercises it."""

    source: str
    function: str
    call: str
    params: list[tuple[str, str]] = field(default_factory=list)
    """(name, type) of the entry function's parameters."""


def random_value(rng: random.Random, kind: str) -> object:
    """An input of the given type, small enough to keep traces short (type-directed inputs)."""
    if kind == "int":
        return rng.choice((rng.randint(0, 9), rng.randint(0, 9), rng.randint(-5, 20)))
    if kind == "float":
        return round(rng.uniform(-4, 10), rng.choice((1, 2)))
    if kind == "str":
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(0, 7)))
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "list":
        return [rng.randint(-5, 20) for _ in range(rng.randint(0, 6))]
    if kind == "dict":
        keys = rng.sample(KEYS, rng.randint(0, 4))
        return {key: rng.randint(-3, 9) for key in keys}
    if kind == "set":
        return set(rng.sample(range(-3, 12), rng.randint(0, 5)))
    if kind == "tuple":
        return (rng.randint(-3, 9), rng.randint(0, 9))
    if kind == "words":
        return [rng.choice(WORDS) for _ in range(rng.randint(0, 5))]
    raise ValueError(kind)


def value_source(value: object) -> str:
    """Source text for a generated value (sets are sorted so the call text is deterministic)."""
    if isinstance(value, set):
        return "{" + ", ".join(map(repr, sorted(value))) + "}" if value else "set()"
    return repr(value)


# ------------------------------------------------------------------------------------------------
# Helpers and whole programs

Helper = tuple[str, list[str], str]


def _typed_helper(rng: random.Random, name: str) -> tuple[list[str], Helper]:
    params = [("int", NAMES["int"][i]) for i in rng.sample(range(3, 9), rng.randint(1, 2))]
    if rng.random() < 0.3:
        kind = rng.choice(("list", "str"))
        params.append((kind, rng.choice(NAMES[kind][:3])))
    builder = Builder(rng, [])
    builder.scope = {pname: kind for kind, pname in params}
    builder.budget = rng.randint(1, 4)
    builder.block(builder.budget)
    ret = rng.choice(("int", "int", "int", "str", "list"))
    builder.emit(f"return {builder.expr(ret)}")
    header = f"def {name}({', '.join(pname for _, pname in params)}):"
    return [header, *builder.lines], (name, [kind for kind, _ in params], ret)


def _recursive_helper(rng: random.Random, name: str) -> tuple[list[str], Helper]:
    form = rng.choice(("count", "count", "list", "str", "halve", "pair"))
    if form == "count":
        base, step = rng.randint(0, 1), rng.randint(1, 2)
        op = rng.choice(("+", "*", "-"))
        extra = rng.choice(("n", "1", f"n % {rng.randint(2, 4)}", "2"))
        lines = [f"def {name}(n):", f"    if n <= {base}:", f"        return {rng.randint(0, 2)}",
                 f"    return {name}(n - {step}) {op} {extra}"]  # fmt: skip
        return lines, (name, ["small"], "int")
    if form == "halve":
        lines = [f"def {name}(n):", "    if n < 2:", "        return n",
                 f"    return {name}(n // 2) + n % 2"]  # fmt: skip
        return lines, (name, ["int"], "int")
    if form == "pair":
        lines = [f"def {name}(n):", "    if n < 2:", "        return n",
                 f"    return {name}(n - 1) + {name}(n - 2)"]  # fmt: skip
        return lines, (name, ["small"], "int")
    if form == "list":
        op = rng.choice(("+", "*")) if rng.random() < 0.7 else "max"
        last = f"max(xs[0], {name}(xs[1:]))" if op == "max" else f"xs[0] {op} {name}(xs[1:])"
        lines = [f"def {name}(xs):", "    if not xs:", f"        return {0 if op != '*' else 1}",
                 f"    return {last}"]  # fmt: skip
        return lines, (name, ["list"], "int")
    lines = [f"def {name}(s):", "    if len(s) <= 1:", "        return s",
             f"    return {name}(s[1:]) + s[0]"]  # fmt: skip
    return lines, (name, ["short"], "str")


def _generator_helper(rng: random.Random, name: str) -> tuple[list[str], Helper]:
    k = rng.randint(2, 3)
    lines = [f"def {name}(xs):", "    for v in xs:", f"        if v % {k} == 0:",
             f"            yield v * {rng.randint(2, 3)}"]  # fmt: skip
    if rng.random() < 0.5:
        lines += ["        else:", f"            yield v - {rng.randint(1, 3)}"]
    return lines, (f"list({name}", ["list"], "list_gen")


def _class_helper(rng: random.Random) -> tuple[list[str], str]:
    name = rng.choice(("Counter", "Box", "Account", "Tracker", "Acc"))
    op = rng.choice(("+=", "-=", "+="))
    lines = [f"class {name}:", "    def __init__(self, start):", "        self.value = start",
             "        self.log = []", "", "    def add(self, amount):", "        self.log.append(amount)",
             f"        self.value {op} amount", "        return self.value"]  # fmt: skip
    return lines, name


def generate_program(rng: random.Random) -> Program:
    """One random program: optional helpers (typed, recursive, generator, class), then the entry."""
    blocks: list[list[str]] = []
    helpers: list[Helper] = []
    names = list(HELPER_NAMES)
    rng.shuffle(names)
    roll = rng.random()
    if roll < 0.35:
        lines, helper = _typed_helper(rng, names.pop())
        blocks.append(lines)
        helpers.append(helper)
    if rng.random() < 0.2:
        lines, helper = _recursive_helper(rng, rng.choice(("rec", "walk_down", "reduce_rec", "go")))
        blocks.append(lines)
        helpers.append(helper)
    generator_name = None
    if rng.random() < 0.08:
        generator_name = rng.choice(("gen_values", "produce", "emit"))
        lines, _ = _generator_helper(rng, generator_name)
        blocks.append(lines)
    class_name = None
    if rng.random() < 0.08:
        lines, class_name = _class_helper(rng)
        blocks.append(lines)

    entry = rng.choice(ENTRY_NAMES)
    param_count = rng.choice((1, 1, 2, 2, 2, 3))
    kinds = [rng.choice(("int", "int", "list", "list", "str", "dict", "words", "float", "set", "tuple", "bool"))
             for _ in range(param_count)]  # fmt: skip
    params: list[tuple[str, str]] = []
    for kind in kinds:
        free = [n for n in NAMES[kind] if n not in {p for p, _ in params}]
        params.append((rng.choice(free), kind))
    builder = Builder(rng, helpers)
    builder.scope = dict(params)
    builder.budget = rng.randint(4, 18)
    if class_name is not None:
        start = builder.int_atom()
        builder.emit(f"obj = {class_name}({start})")
        builder.helpers.append(("obj.add", ["int"], "int"))
    if generator_name is not None and (xs := builder.pick_var("list")) is not None:
        out = builder.fresh("list")
        builder.emit(f"{out} = list({generator_name}({xs}))")
        builder.scope[out] = "list"
    if rng.random() < 0.06 and builder.vars_of("int"):
        k = builder.pick_var("int")
        builder.emit("def scale(v):")
        builder.emit(f"    return v * {rng.randint(2, 3)} + {k}")
        builder.helpers.append(("scale", ["int"], "int"))
    builder.block(builder.budget)
    kind = rng.choice(list(builder.scope.values()) + ["int"] * 2)
    if class_name is not None and rng.random() < 0.5:
        builder.emit(f"return obj.value, {builder.expr(kind)}")
    else:
        builder.emit(f"return {builder.expr(kind)}")
    header = f"def {entry}({', '.join(name for name, _ in params)}):"
    blocks.append([header, *builder.lines])
    source = "\n\n".join("\n".join(block) for block in blocks) + "\n"
    args = ", ".join(value_source(random_value(rng, kind)) for _, kind in params)
    return Program(source=source, function=entry, call=f"{entry}({args})", params=params)


def new_call(rng: random.Random, program: Program) -> str:
    """Another call of the same program with fresh type-directed arguments."""
    args = ", ".join(value_source(random_value(rng, kind)) for _, kind in program.params)
    return f"{program.function}({args})"
