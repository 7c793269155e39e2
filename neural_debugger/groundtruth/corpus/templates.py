"""Small classic algorithms with randomised names, constants and variations.

Why next to the random generator: user code looks like these (counting, searching, sorting,
accumulating, parsing), and a model that has seen their shapes predicts real functions better.
Each template returns a `Program` whose names, literals and small details vary per draw, so one
template yields thousands of distinct (deduplicated) programs.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from neurodebug.neural_debugger.groundtruth.corpus.generator import Program, value_source

Template = Callable[[random.Random], Program]


def _pick(rng: random.Random, *names: str) -> str:
    return rng.choice(names)


def _ints(
    rng: random.Random, low: int = -5, high: int = 20, size: tuple[int, int] = (0, 7)
) -> list[int]:
    return [rng.randint(low, high) for _ in range(rng.randint(*size))]


def _word(rng: random.Random, size: tuple[int, int] = (0, 8), letters: str = "abcdeiouxyz ") -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(*size))).strip() or "a"


Draw = Callable[[random.Random], list[object]]


def _program(
    rng: random.Random, source: str, function: str, draw: Draw, params: list[tuple[str, str]]
) -> Program:
    """The program, with a first call drawn now; `draw` is kept for `template_call`."""
    _DRAWS[source] = (function, draw)
    call = f"{function}({', '.join(value_source(arg) for arg in draw(rng))})"
    return Program(source=source, function=function, call=call, params=params)


_DRAWS: dict[str, tuple[str, Draw]] = {}


def running_extreme(rng: random.Random) -> Program:
    fn = _pick(rng, "largest", "find_max", "best_value", "smallest", "find_min")
    xs, best, x = (
        _pick(rng, "xs", "values", "nums", "items"),
        _pick(rng, "best", "result", "m"),
        _pick(rng, "x", "v", "n"),
    )
    op = ">" if "max" in fn or fn in ("largest", "best_value") else "<"
    guard = rng.choice(
        (
            f"    if not {xs}:\n        return None\n",
            f"    if len({xs}) == 0:\n        raise ValueError('empty')\n",
        )
    )
    source = (f"def {fn}({xs}):\n{guard}    {best} = {xs}[0]\n    for {x} in {xs}[1:]:\n"
              f"        if {x} {op} {best}:\n            {best} = {x}\n    return {best}\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [_ints(rng)], [(xs, "list")])


def count_matching(rng: random.Random) -> Program:
    fn = _pick(rng, "count_vowels", "count_letters", "tally", "count_chars")
    s, count, ch = (
        _pick(rng, "s", "text", "word"),
        _pick(rng, "count", "total", "n"),
        _pick(rng, "ch", "c", "letter"),
    )
    group = rng.choice(("'aeiou'", "'xyz'", "'ab'"))
    extra = rng.choice(("", f"        elif {ch} == ' ':\n            {count} -= 1\n"))
    source = (f"def {fn}({s}):\n    {count} = 0\n    for {ch} in {s}.lower():\n        if {ch} in {group}:\n"
              f"            {count} += 1\n{extra}    return {count}\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [_word(rng)], [(s, "str")])


def binary_search(rng: random.Random) -> Program:
    fn = _pick(rng, "binary_search", "find_index", "search", "locate")
    xs, target = _pick(rng, "xs", "items", "arr"), _pick(rng, "target", "x", "key")
    lo, hi, mid = rng.choice((("lo", "hi", "mid"), ("left", "right", "middle"), ("a", "b", "m")))
    source = (f"def {fn}({xs}, {target}):\n    {lo}, {hi} = 0, len({xs}) - 1\n    while {lo} <= {hi}:\n"
              f"        {mid} = ({lo} + {hi}) // 2\n        if {xs}[{mid}] == {target}:\n            return {mid}\n"
              f"        if {xs}[{mid}] < {target}:\n            {lo} = {mid} + 1\n        else:\n"
              f"            {hi} = {mid} - 1\n    return -1\n")  # fmt: skip

    def draw(rng: random.Random) -> list[object]:
        values = sorted(set(_ints(rng, 0, 30, (1, 9))))
        return [values, rng.choice([*values, rng.randint(0, 30)])]

    return _program(rng, source, fn, draw, [(xs, "list"), (target, "int")])


def bubble_pass(rng: random.Random) -> Program:
    fn = _pick(rng, "bubble_sort", "sort_items", "simple_sort")
    xs, i, j = _pick(rng, "xs", "items", "arr"), _pick(rng, "i", "p"), _pick(rng, "j", "q")
    swap = rng.choice((f"{xs}[{j}], {xs}[{j} + 1] = {xs}[{j} + 1], {xs}[{j}]",
                       f"tmp = {xs}[{j}]\n            {xs}[{j}] = {xs}[{j} + 1]\n            {xs}[{j} + 1] = tmp"))  # fmt: skip
    copy = rng.choice((f"    {xs} = list({xs})\n", ""))
    source = (f"def {fn}({xs}):\n{copy}    n = len({xs})\n    for {i} in range(n):\n        for {j} in range(n - {i} - 1):\n"
              f"            if {xs}[{j}] > {xs}[{j} + 1]:\n            {swap}\n    return {xs}\n")  # fmt: skip
    source = source.replace(
        f"            if {xs}[{j}] > {xs}[{j} + 1]:\n            ",
        f"            if {xs}[{j}] > {xs}[{j} + 1]:\n                ",
    )
    source = source.replace("\n            tmp", "\n                tmp").replace(
        f"\n            {xs}[{j}] = {xs}[{j} + 1]\n            {xs}[{j} + 1] = tmp",
        f"\n                {xs}[{j}] = {xs}[{j} + 1]\n                {xs}[{j} + 1] = tmp",
    )
    return _program(rng, source, fn, lambda rng: [_ints(rng, 0, 20, (0, 5))], [(xs, "list")])


def gcd_loop(rng: random.Random) -> Program:
    fn = _pick(rng, "gcd", "greatest_divisor", "common_divisor")
    a, b = rng.choice((("a", "b"), ("x", "y"), ("m", "n")))
    if rng.random() < 0.5:
        source = f"def {fn}({a}, {b}):\n    while {b}:\n        {a}, {b} = {b}, {a} % {b}\n    return abs({a})\n"
    else:
        source = f"def {fn}({a}, {b}):\n    if {b} == 0:\n        return abs({a})\n    return {fn}({b}, {a} % {b})\n"
    return _program(
        rng,
        source,
        fn,
        lambda rng: [rng.randint(0, 60), rng.randint(0, 40)],
        [(a, "int"), (b, "int")],
    )


def digit_sum(rng: random.Random) -> Program:
    fn = _pick(rng, "digit_sum", "sum_digits", "digits_total")
    n, total, d = (
        _pick(rng, "n", "x", "number"),
        _pick(rng, "total", "s", "acc"),
        _pick(rng, "d", "digit"),
    )
    source = (f"def {fn}({n}):\n    {n} = abs({n})\n    {total} = 0\n    while {n} > 0:\n        {n}, {d} = divmod({n}, 10)\n"
              f"        {total} += {d}\n    return {total}\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [rng.randint(-999, 99999)], [(n, "int")])


def palindrome(rng: random.Random) -> Program:
    fn = _pick(rng, "is_palindrome", "palindrome", "reads_same")
    s, i, j = _pick(rng, "s", "text", "word"), _pick(rng, "i", "left"), _pick(rng, "j", "right")
    clean = rng.choice(
        (f"    {s} = {s}.lower()\n", f"    {s} = ''.join(c for c in {s} if c.isalpha())\n", "")
    )
    source = (f"def {fn}({s}):\n{clean}    {i}, {j} = 0, len({s}) - 1\n    while {i} < {j}:\n        if {s}[{i}] != {s}[{j}]:\n"
              f"            return False\n        {i} += 1\n        {j} -= 1\n    return True\n")  # fmt: skip

    def draw(rng: random.Random) -> list[object]:
        word = _word(rng, (1, 5), "abcx")
        return [rng.choice((word, word + word[::-1], word + word[-2::-1]))]

    return _program(rng, source, fn, draw, [(s, "str")])


def word_frequency(rng: random.Random) -> Program:
    fn = _pick(rng, "word_counts", "frequencies", "count_words")
    text, counts, w = (
        _pick(rng, "text", "s", "line"),
        _pick(rng, "counts", "freq", "table"),
        _pick(rng, "w", "word"),
    )
    body = rng.choice((f"        {counts}[{w}] = {counts}.get({w}, 0) + 1\n",
                       f"        if {w} in {counts}:\n            {counts}[{w}] += 1\n        else:\n            {counts}[{w}] = 1\n"))  # fmt: skip
    source = f"def {fn}({text}):\n    {counts} = {{}}\n    for {w} in {text}.split():\n{body}    return {counts}\n"
    words = ["ab", "cat", "dog", "ab", "x", "cat"]
    draw: Draw = lambda rng: [" ".join(rng.choice(words) for _ in range(rng.randint(0, 6)))]  # noqa: E731
    return _program(rng, source, fn, draw, [(text, "str")])


def prefix_sums(rng: random.Random) -> Program:
    fn = _pick(rng, "prefix_sums", "running_total", "cumulative")
    xs, out, acc, x = (
        _pick(rng, "xs", "nums"),
        _pick(rng, "out", "result", "sums"),
        _pick(rng, "acc", "total", "s"),
        _pick(rng, "x", "v"),
    )
    source = (f"def {fn}({xs}):\n    {out} = []\n    {acc} = 0\n    for {x} in {xs}:\n        {acc} += {x}\n"
              f"        {out}.append({acc})\n    return {out}\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [_ints(rng)], [(xs, "list")])


def run_length(rng: random.Random) -> Program:
    fn = _pick(rng, "run_length", "compress", "encode_runs")
    s, out, prev, count, ch = (
        _pick(rng, "s", "text"),
        _pick(rng, "out", "parts"),
        _pick(rng, "prev", "last"),
        _pick(rng, "count", "n"),
        _pick(rng, "ch", "c"),
    )
    source = (f"def {fn}({s}):\n    if not {s}:\n        return ''\n    {out} = []\n    {prev}, {count} = {s}[0], 1\n"
              f"    for {ch} in {s}[1:]:\n        if {ch} == {prev}:\n            {count} += 1\n        else:\n"
              f"            {out}.append({prev} + str({count}))\n            {prev}, {count} = {ch}, 1\n"
              f"    {out}.append({prev} + str({count}))\n    return ''.join({out})\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [_word(rng, (0, 9), "aab")], [(s, "str")])


def two_sum(rng: random.Random) -> Program:
    fn = _pick(rng, "two_sum", "find_pair", "pair_with_sum")
    xs, target, seen, i, x = (
        _pick(rng, "xs", "nums"),
        _pick(rng, "target", "goal"),
        _pick(rng, "seen", "index"),
        _pick(rng, "i", "k"),
        _pick(rng, "x", "v"),
    )
    source = (f"def {fn}({xs}, {target}):\n    {seen} = {{}}\n    for {i}, {x} in enumerate({xs}):\n"
              f"        need = {target} - {x}\n        if need in {seen}:\n            return ({seen}[need], {i})\n"
              f"        {seen}[{x}] = {i}\n    return None\n")  # fmt: skip

    def draw(rng: random.Random) -> list[object]:
        values = _ints(rng, 0, 12, (1, 6))
        goal = rng.choice(
            (sum(rng.sample(values, 2)) if len(values) > 1 else 5, rng.randint(0, 20))
        )
        return [values, goal]

    return _program(rng, source, fn, draw, [(xs, "list"), (target, "int")])


def fizzbuzz(rng: random.Random) -> Program:
    fn = _pick(rng, "fizzbuzz", "labels", "classify")
    n, out, i = _pick(rng, "n", "limit"), _pick(rng, "out", "result"), _pick(rng, "i", "k")
    a, b = rng.choice(((3, 5), (2, 3), (2, 5)))
    wa, wb = rng.choice((("Fizz", "Buzz"), ("a", "b"), ("x", "y")))
    source = (f"def {fn}({n}):\n    {out} = []\n    for {i} in range(1, {n} + 1):\n        if {i} % {a * b} == 0:\n"
              f"            {out}.append('{wa}{wb}')\n        elif {i} % {a} == 0:\n            {out}.append('{wa}')\n"
              f"        elif {i} % {b} == 0:\n            {out}.append('{wb}')\n        else:\n"
              f"            {out}.append(str({i}))\n    return {out}\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [rng.randint(0, 12)], [(n, "int")])


def flatten(rng: random.Random) -> Program:
    fn = _pick(rng, "flatten", "flat", "unnest")
    xs, out, item = (
        _pick(rng, "xs", "items", "nested"),
        _pick(rng, "out", "result"),
        _pick(rng, "item", "x"),
    )
    source = (f"def {fn}({xs}):\n    {out} = []\n    for {item} in {xs}:\n        if isinstance({item}, list):\n"
              f"            {out}.extend({fn}({item}))\n        else:\n            {out}.append({item})\n    return {out}\n")  # fmt: skip

    def draw(rng: random.Random) -> list[object]:
        value: list[object] = [
            rng.randint(0, 9) if rng.random() < 0.5 else _ints(rng, 0, 9, (0, 3))
            for _ in range(rng.randint(0, 4))
        ]
        if value and rng.random() < 0.3:
            value.append([value[0], [rng.randint(0, 9)]])
        return [value]

    return _program(rng, source, fn, draw, [(xs, "list")])


def caesar(rng: random.Random) -> Program:
    fn = _pick(rng, "caesar", "shift_letters", "rotate")
    s, k, out, ch = (
        _pick(rng, "s", "text"),
        _pick(rng, "k", "shift"),
        _pick(rng, "out", "chars"),
        _pick(rng, "ch", "c"),
    )
    source = (f"def {fn}({s}, {k}):\n    {out} = []\n    for {ch} in {s}:\n        if {ch}.isalpha():\n"
              f"            base = ord('a')\n            {out}.append(chr((ord({ch}) - base + {k}) % 26 + base))\n"
              f"        else:\n            {out}.append({ch})\n    return ''.join({out})\n")  # fmt: skip
    return _program(
        rng,
        source,
        fn,
        lambda rng: [_word(rng, (0, 6), "abxyz "), rng.randint(-3, 5)],
        [(s, "str"), (k, "int")],
    )


def collatz(rng: random.Random) -> Program:
    fn = _pick(rng, "collatz_steps", "steps_to_one", "hailstone")
    n, steps = _pick(rng, "n", "x"), _pick(rng, "steps", "count")
    source = (f"def {fn}({n}):\n    if {n} < 1:\n        raise ValueError({n})\n    {steps} = 0\n    while {n} != 1:\n"
              f"        if {n} % 2 == 0:\n            {n} //= 2\n        else:\n            {n} = 3 * {n} + 1\n"
              f"        {steps} += 1\n    return {steps}\n")  # fmt: skip
    return _program(
        rng,
        source,
        fn,
        lambda rng: [rng.choice((rng.randint(1, 12), rng.randint(-2, 12)))],
        [(n, "int")],
    )


def matrix_sum(rng: random.Random) -> Program:
    fn = _pick(rng, "row_sums", "matrix_totals", "grid_sums")
    grid, row, totals = (
        _pick(rng, "grid", "matrix", "rows"),
        _pick(rng, "row", "r"),
        _pick(rng, "totals", "sums"),
    )
    tail = rng.choice(
        (
            f"    return {totals}\n",
            f"    return {totals}, sum({totals})\n",
            f"    return max({totals}) if {totals} else 0\n",
        )
    )
    source = f"def {fn}({grid}):\n    {totals} = []\n    for {row} in {grid}:\n        {totals}.append(sum({row}))\n{tail}"

    def draw(rng: random.Random) -> list[object]:
        width = rng.randint(1, 3)
        return [[_ints(rng, 0, 9, (width, width)) for _ in range(rng.randint(0, 3))]]

    return _program(rng, source, fn, draw, [(grid, "list")])


def safe_divide(rng: random.Random) -> Program:
    fn = _pick(rng, "safe_ratios", "divide_all", "ratios")
    xs, d, out, x = (
        _pick(rng, "xs", "values"),
        _pick(rng, "d", "divisor"),
        _pick(rng, "out", "result"),
        _pick(rng, "x", "v"),
    )
    handler = rng.choice(
        (
            f"            {out}.append(None)\n",
            "            continue\n",
            f"            {out}.append(0)\n",
        )
    )
    source = (f"def {fn}({xs}, {d}):\n    {out} = []\n    for {x} in {xs}:\n        try:\n"
              f"            {out}.append({x} / ({d} - {x}))\n        except ZeroDivisionError:\n{handler}    return {out}\n")  # fmt: skip
    return _program(
        rng,
        source,
        fn,
        lambda rng: [_ints(rng, 0, 6, (0, 5)), rng.randint(0, 6)],
        [(xs, "list"), (d, "int")],
    )


def stack_balance(rng: random.Random) -> Program:
    fn = _pick(rng, "balanced", "check_brackets", "is_balanced")
    s, stack, ch = _pick(rng, "s", "text"), _pick(rng, "stack", "opened"), _pick(rng, "ch", "c")
    source = (f"def {fn}({s}):\n    pairs = {{')': '(', ']': '['}}\n    {stack} = []\n    for {ch} in {s}:\n"
              f"        if {ch} in '([':\n            {stack}.append({ch})\n        elif {ch} in pairs:\n"
              f"            if not {stack} or {stack}.pop() != pairs[{ch}]:\n                return False\n"
              f"    return not {stack}\n")  # fmt: skip
    return _program(rng, source, fn, lambda rng: [_word(rng, (0, 8), "()[]a")], [(s, "str")])


def class_counter(rng: random.Random) -> Program:
    cls = _pick(rng, "Counter", "Tally", "Bag")
    fn = _pick(rng, "count_all", "tally_items", "collect")
    items, c, x = (
        _pick(rng, "items", "xs", "words"),
        _pick(rng, "c", "counter", "bag"),
        _pick(rng, "x", "item"),
    )
    source = (f"class {cls}:\n    def __init__(self):\n        self.counts = {{}}\n\n    def add(self, key):\n"
              f"        self.counts[key] = self.counts.get(key, 0) + 1\n        return self.counts[key]\n\n"
              f"    def most(self):\n        best = None\n        for key, n in self.counts.items():\n"
              f"            if best is None or n > self.counts[best]:\n                best = key\n        return best\n\n\n"
              f"def {fn}({items}):\n    {c} = {cls}()\n    for {x} in {items}:\n        {c}.add({x})\n    return {c}.most()\n")  # fmt: skip
    draw: Draw = lambda rng: [[rng.choice(("a", "b", "c")) for _ in range(rng.randint(0, 5))]]  # noqa: E731
    return _program(rng, source, fn, draw, [(items, "words")])


def generator_pipeline(rng: random.Random) -> Program:
    gen, fn = (
        _pick(rng, "evens", "positive", "small_values"),
        _pick(rng, "total_of", "pipeline", "consume"),
    )
    xs, x = _pick(rng, "xs", "values"), _pick(rng, "x", "v")
    cond = {"evens": f"{x} % 2 == 0", "positive": f"{x} > 0", "small_values": f"{x} < 5"}[gen]
    use = rng.choice((f"    return sum({gen}({xs}))\n", f"    return list({gen}({xs}))\n",
                      f"    out = []\n    for item in {gen}({xs}):\n        out.append(item * 2)\n    return out\n"))  # fmt: skip
    source = f"def {gen}({xs}):\n    for {x} in {xs}:\n        if {cond}:\n            yield {x}\n\n\ndef {fn}({xs}):\n{use}"
    return _program(rng, source, fn, lambda rng: [_ints(rng, -3, 9, (0, 6))], [(xs, "list")])


TEMPLATES: tuple[Template, ...] = (
    running_extreme, count_matching, binary_search, bubble_pass, gcd_loop, digit_sum, palindrome,
    word_frequency, prefix_sums, run_length, two_sum, fizzbuzz, flatten, caesar, collatz, matrix_sum,
    safe_divide, stack_balance, class_counter, generator_pipeline,
)  # fmt: skip


def template_program(rng: random.Random) -> Program:
    """One program from a randomly chosen template."""
    return rng.choice(TEMPLATES)(rng)


def template_call(rng: random.Random, program: Program) -> str:
    """Another call of a template program, with inputs drawn the template's own way."""
    function, draw = _DRAWS.get(program.source, (program.function, None))
    if draw is None:
        return program.call
    return f"{function}({', '.join(value_source(arg) for arg in draw(rng))})"
