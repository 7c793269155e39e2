"""The typed statement and expression writer behind the synthetic program generator.

Why typed: every variable in scope has a known type, so every expression the builder writes is
well typed by construction and generated programs run without `TypeError`s; loops are bounded
(short inputs, small ranges, `while` loops with a guard counter that is never reassigned).
"""

from __future__ import annotations

import random

# The value types programs use; containers hold ints (or strs for "words").
TYPES = ("int", "float", "str", "bool", "list", "dict", "set", "tuple", "words")

NAMES: dict[str, tuple[str, ...]] = {
    "int": (
        "n",
        "m",
        "k",
        "x",
        "y",
        "z",
        "total",
        "count",
        "acc",
        "best",
        "idx",
        "lo",
        "hi",
        "size",
    ),
    "float": ("avg", "ratio", "score", "w", "rate", "mean"),
    "str": ("s", "t", "word", "text", "name", "prefix", "key", "tag"),
    "bool": ("flag", "found", "ok", "done", "valid"),
    "list": ("xs", "ys", "items", "values", "out", "nums", "stack", "acc_list", "parts"),
    "dict": ("d", "counts", "table", "index", "freq", "scores"),
    "set": ("seen", "uniq", "bag", "marks", "pool"),
    "tuple": ("pair", "span", "point", "bounds"),
    "words": ("words", "tokens", "names", "labels"),
}
LOOP_NAMES = ("i", "j", "v", "c", "e", "p", "q")
KEYS = ("a", "b", "c", "x", "y", "z")
LETTERS = "abcxyz"
WORDS = ("ab", "cat", "dog", "x", "yes", "no", "red", "sun", "zz", "hello")


class Builder:
    """Writes one function body: lines, indentation, and the typed variables in scope."""

    def __init__(self, rng: random.Random, helpers: list[tuple[str, list[str], str]]) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.indent = 1
        self.scope: dict[str, str] = {}
        self.loop_depth = 0
        self.helpers = helpers  # (name, param types, return type) callable from this body
        self.budget = 0
        self.protected: set[str] = set()  # `while` guards: never reassigned (termination)

    # ---- variables
    def vars_of(self, kind: str) -> list[str]:
        return [name for name, typ in self.scope.items() if typ == kind]

    def pick_var(self, kind: str) -> str | None:
        names = self.vars_of(kind)
        return self.rng.choice(names) if names else None

    def target_var(self, kind: str) -> str | None:
        """A variable of `kind` that may be assigned to (never a `while` guard)."""
        names = [name for name in self.vars_of(kind) if name not in self.protected]
        return self.rng.choice(names) if names else None

    def fresh(self, kind: str) -> str:
        free = [name for name in NAMES[kind] if name not in self.scope]
        if not free:
            return self.rng.choice(NAMES[kind])
        return self.rng.choice(free)

    def emit(self, text: str) -> None:
        self.lines.append("    " * self.indent + text)
        self.budget -= 1

    # ---- expressions
    def int_atom(self) -> str:
        var = self.pick_var("int")
        if var and self.rng.random() < 0.75:
            return var
        if var is None and self.rng.random() < 0.6:  # no int in scope: measure something that is
            sized = [
                name
                for name, kind in self.scope.items()
                if kind in ("list", "str", "dict", "set", "words")
            ]
            if sized:
                return f"len({self.rng.choice(sized)})"
        return str(self.rng.randint(0, 9))

    def expr(self, kind: str, depth: int = 0) -> str:
        rng = self.rng
        if kind == "small":  # a recursion argument: bounded so the recursion stays shallow
            return f"min(abs({self.int_atom()}), {rng.randint(3, 6)})"
        if kind == "short":
            return f"{self.expr('str', depth)}[:{rng.randint(3, 6)}]"
        var = self.pick_var(kind)
        if var and (depth >= 2 or rng.random() < 0.35):
            return var
        calls = [helper for helper in self.helpers if helper[2] == kind]
        if calls and depth < 2 and rng.random() < 0.3:
            name, params, _ = rng.choice(calls)
            return f"{name}({', '.join(self.expr(p, 2) for p in params)})"
        options = getattr(self, f"_expr_{kind}")(depth + 1)
        return str(rng.choice(options))

    def _expr_int(self, d: int) -> list[str]:
        a, b = self.int_atom(), self.int_atom()
        out = [str(self.rng.randint(0, 9)), f"{a} + {b}", f"{a} - {b}", f"{a} * {self.rng.randint(2, 3)}",
               f"{a} // {self.rng.randint(2, 4)}", f"{a} % {self.rng.randint(2, 5)}", f"abs({a} - {b})",
               f"max({a}, {b})", f"min({a}, {b})"]  # fmt: skip
        if (xs := self.pick_var("list")) is not None:
            out += [f"len({xs})", f"sum({xs})", f"max({xs}) if {xs} else 0",
                    f"{xs}[{a} % len({xs})] if {xs} else {b}", f"{xs}.count({a})"]  # fmt: skip
        if (s := self.pick_var("str")) is not None:
            out += [
                f"len({s})",
                f"{s}.count({self.rng.choice(LETTERS)!r})",
                f"{s}.find({self.rng.choice(LETTERS)!r})",
            ]
        if (m := self.pick_var("dict")) is not None:
            out += [f"{m}.get({self.rng.choice(KEYS)!r}, {b})", f"len({m})", f"sum({m}.values())"]
        if (st := self.pick_var("set")) is not None:
            out += [f"len({st})"]
        if (tp := self.pick_var("tuple")) is not None:
            out += [f"{tp}[{self.rng.randint(0, 1)}]", f"{tp}[0] * {tp}[1]"]
        if (fl := self.pick_var("float")) is not None:
            out += [f"int({fl})", f"round({fl})"]
        if (ws := self.pick_var("words")) is not None:
            out += [f"len({ws})", f"sum(len(w) for w in {ws})"]
        if d < 2:
            out.append(f"{a} if {self.expr('bool', d)} else {b}")
        return out

    def _expr_float(self, d: int) -> list[str]:
        a, _b = self.int_atom(), self.int_atom()
        out = [f"{a} / {self.rng.randint(2, 4)}", f"{a} * 0.5", f"round({a} / 3, 2)", f"float({a})"]
        if (fl := self.pick_var("float")) is not None:
            out += [
                f"{fl} * {self.rng.choice(('2', '0.5', '1.5'))}",
                f"round({fl} + {a}, 1)",
                f"abs({fl})",
            ]
        if (xs := self.pick_var("list")) is not None:
            out += [f"sum({xs}) / len({xs}) if {xs} else 0.0"]
        return out

    def _expr_str(self, d: int) -> list[str]:
        rng = self.rng
        lit = repr("".join(rng.choice(LETTERS) for _ in range(rng.randint(0, 3))))
        out = [lit, f"str({self.int_atom()})"]
        if (s := self.pick_var("str")) is not None:
            a = self.int_atom()
            out += [f"{s} + {lit}", f"{s}[::-1]", f"{s}.upper()", f"{s}[{rng.randint(0, 2)}:{rng.randint(2, 5)}]",
                    f"{s}.replace({rng.choice(LETTERS)!r}, {rng.choice(LETTERS)!r})", f"''.join(sorted({s}))",
                    f"{s}[:4] * 2", f"{s}[{a} % len({s})] if {s} else {lit}",
                    f"{s}.strip({rng.choice(LETTERS)!r})", f"f'{{{s}}}-{{{a}}}'"]  # fmt: skip
        if (ws := self.pick_var("words")) is not None:
            out += [f"{rng.choice(('-', ' ', ''))!r}.join({ws})", f"{ws}[0] if {ws} else {lit}"]
        if (xs := self.pick_var("list")) is not None:
            out += [f"','.join(str(v) for v in {xs})"]
        return out

    def _expr_bool(self, d: int) -> list[str]:
        rng = self.rng
        a, b = self.int_atom(), self.int_atom()
        if a.isdigit() and b.isdigit():  # no int in scope: compare something that varies
            other = self.pick_var("float")
            a = f"int({other})" if other else self.pick_var("int") or str(rng.randint(0, 3))
        if a == b:
            b = str(rng.randint(0, 9))
        op = rng.choice(("<", "<=", ">", ">=", "==", "!="))
        out = [f"{a} {op} {b}", f"{a} % 2 == 0", f"{a} > {rng.randint(0, 5)}"]
        if (xs := self.pick_var("list")) is not None:
            out += [f"{a} in {xs}", f"len({xs}) > {rng.randint(1, 3)}", f"not {xs}"]
        if (s := self.pick_var("str")) is not None:
            out += [
                f"{rng.choice(LETTERS)!r} in {s}",
                f"{s}.startswith({rng.choice(LETTERS)!r})",
                f"{s}.isalpha()",
            ]
        if (m := self.pick_var("dict")) is not None:
            out += [f"{rng.choice(KEYS)!r} in {m}"]
        if (st := self.pick_var("set")) is not None:
            out += [f"{a} in {st}"]
        if (fl := self.pick_var("bool")) is not None:
            out += [f"not {fl}", f"{fl} and {a} > {b}"]
        return out

    def _expr_list(self, d: int) -> list[str]:
        rng = self.rng
        a = self.int_atom()
        out = ["[]", f"[{a}, {rng.randint(0, 9)}]", f"list(range({rng.randint(1, 5)}))"]
        if (xs := self.pick_var("list")) is not None:
            v = rng.choice(LOOP_NAMES[:3])
            out += [f"sorted({xs})", f"{xs}[::-1]", f"{xs}[{rng.randint(0, 2)}:]", f"{xs}[:{rng.randint(1, 3)}]",
                    f"[{v} * {rng.randint(2, 3)} for {v} in {xs}]", f"[{v} for {v} in {xs} if {v} % 2 == {rng.randint(0, 1)}]",
                    f"{xs} + [{a}]", f"sorted({xs}, reverse=True)", f"[{v} - {a} for {v} in {xs} if {v} > {a}]",
                    f"list(reversed({xs}))", f"sorted({xs}, key=lambda {v}: ({v} % 3, {v}))"]  # fmt: skip
        if (s := self.pick_var("str")) is not None:
            out += [
                f"[ord(ch) - 97 for ch in {s}]",
                f"[len(part) for part in {s}.split({rng.choice(LETTERS)!r})]",
            ]
        if (m := self.pick_var("dict")) is not None:
            out += [f"sorted({m}.values())", f"[v for v in {m}.values() if v > {a}]"]
        if (st := self.pick_var("set")) is not None:
            out += [f"sorted({st})"]
        if (ws := self.pick_var("words")) is not None:
            out += [f"[len(w) for w in {ws}]"]
        return out

    def _expr_dict(self, d: int) -> list[str]:
        rng = self.rng
        out = ["{}", f"{{{rng.choice(KEYS)!r}: {self.int_atom()}}}"]
        if (s := self.pick_var("str")) is not None:
            out += [f"{{ch: {s}.count(ch) for ch in {s}}}"]
        if (ws := self.pick_var("words")) is not None:
            out += [f"{{w: len(w) for w in {ws}}}"]
        if (m := self.pick_var("dict")) is not None:
            out += [
                f"dict({m})",
                f"{{k: v * 2 for k, v in {m}.items()}}",
                f"{{k: v for k, v in {m}.items() if v > 0}}",
            ]
        if (xs := self.pick_var("list")) is not None:
            out += [f"{{str(v): v for v in {xs}}}", f"dict(zip('abcdef', {xs}))"]
        return out

    def _expr_set(self, d: int) -> list[str]:
        rng = self.rng
        out = ["set()", f"{{{self.int_atom()}, {rng.randint(0, 5)}}}"]
        if (xs := self.pick_var("list")) is not None:
            out += [f"set({xs})", f"{{v % {rng.randint(2, 5)} for v in {xs}}}"]
        if (st := self.pick_var("set")) is not None:
            other = self.pick_var("set")
            out += [
                f"{st} | {{{self.int_atom()}}}",
                f"{st} & {other}",
                f"{st} - {{{self.int_atom()}}}",
            ]
        return out

    def _expr_tuple(self, d: int) -> list[str]:
        a, b = self.int_atom(), self.int_atom()
        out = [f"({a}, {b})", f"divmod({a}, {self.rng.randint(2, 5)})", f"({b}, {a})"]
        if (xs := self.pick_var("list")) is not None:
            out += [f"(min({xs}), max({xs})) if {xs} else (0, 0)", f"(len({xs}), sum({xs}))"]
        return out

    def _expr_words(self, d: int) -> list[str]:
        out = ["[]", f"[{self.rng.choice(WORDS)!r}]"]
        if (s := self.pick_var("str")) is not None:
            out += [f"{s}.split({self.rng.choice(LETTERS)!r})", f"list({s})"]
        if (ws := self.pick_var("words")) is not None:
            out += [
                f"sorted({ws})",
                f"[w.upper() for w in {ws}]",
                f"{ws}[1:]",
                f"[w for w in {ws} if len(w) > 2]",
            ]
        return out

    # ---- statements
    def block(self, count: int) -> None:
        for _ in range(count):
            if self.budget <= 0:
                break
            self.statement()

    def statement(self) -> None:
        rng = self.rng
        nested = self.indent - 1
        weights: list[tuple[str, float]] = [
            ("assign", 4.0), ("augment", 2.0), ("mutate", 2.5), ("swap", 0.4),
            ("if", 2.0 if nested < 3 else 0.3), ("for", 2.0 if nested < 2 else 0.2),
            ("while", 0.7 if nested < 2 else 0.0), ("try", 0.9 if nested < 3 else 0.0),
            ("raise", 0.4), ("print", 0.3),
            ("break", 0.8 if self.loop_depth else 0.0),
        ]  # fmt: skip
        kinds, probs = zip(*weights, strict=True)
        getattr(self, f"_stmt_{rng.choices(kinds, probs)[0]}")()

    def _stmt_assign(self) -> None:
        kind = self.rng.choice(
            TYPES if self.rng.random() < 0.5 else ("int", "int", "list", "str", "int")
        )
        value = self.expr(kind)
        name = self.target_var(kind) if self.rng.random() < 0.4 else None
        if name == value:
            name = None
        name = name or self.fresh(kind)
        if name == value:
            return
        if name in self.scope and self.scope[name] != kind:
            name = self.fresh(kind)
            if name in self.scope and self.scope[name] != kind:
                return
        self.emit(f"{name} = {value}")
        self.scope[name] = kind

    def _stmt_augment(self) -> None:
        rng = self.rng
        kind = rng.choice(("int", "int", "int", "str", "list", "float"))
        target = self.target_var(kind)
        if target is None:
            return self._stmt_assign()
        if kind == "int":
            op = rng.choice(("+=", "-=", "+=", "*=", "//=", "%="))
            value = str(rng.randint(2, 4)) if op in ("*=", "//=", "%=") else self.expr("int", 1)
            self.emit(f"{target} {op} {value}")
        elif kind == "str":
            self.emit(f"{target} += {self.expr('str', 1)}")
        elif kind == "float":
            self.emit(f"{target} += {self.expr('float', 1)}")
        else:
            self.emit(f"{target} += [{self.int_atom()}]")
        return None

    def _stmt_mutate(self) -> None:
        rng = self.rng
        kind = rng.choice(("list", "list", "dict", "set", "words"))
        target = self.pick_var(kind)
        if target is None:
            return self._stmt_assign()
        a = self.int_atom()
        if kind == "list":
            choice = rng.choice(
                ("append", "append", "pop", "insert", "sort", "setitem", "extend", "remove")
            )
            text = {
                "append": f"{target}.append({self.expr('int', 1)})",
                "pop": f"if {target}:\n{'    ' * (self.indent + 1)}{target}.pop()",
                "insert": f"{target}.insert(0, {a})",
                "sort": f"{target}.sort()",
                "setitem": f"if {target}:\n{'    ' * (self.indent + 1)}{target}[{a} % len({target})] = {self.int_atom()}",
                "extend": f"{target}.extend([{a}, {rng.randint(0, 9)}])",
                "remove": f"if {a} in {target}:\n{'    ' * (self.indent + 1)}{target}.remove({a})",
            }[choice]
        elif kind == "dict":
            key = repr(rng.choice(KEYS))
            text = rng.choice((f"{target}[{key}] = {self.expr('int', 1)}",
                               f"{target}[{key}] = {target}.get({key}, 0) + {a}",
                               f"{target}.pop({key}, None)"))  # fmt: skip
        elif kind == "set":
            text = rng.choice((f"{target}.add({a})", f"{target}.discard({a})"))
        else:
            text = f"{target}.append({self.expr('str', 1)})"
        for line in text.split("\n"):
            self.lines.append(
                line if line.startswith(" " * 4 * self.indent) else "    " * self.indent + line
            )
        self.budget -= 1 + text.count("\n")
        return None

    def _stmt_swap(self) -> None:
        ints = [name for name in self.vars_of("int") if name not in self.protected]
        if len(ints) < 2:
            return self._stmt_assign()
        a, b = self.rng.sample(ints, 2)
        self.emit(f"{a}, {b} = {b}, {a} + {b}")
        return None

    def _stmt_if(self) -> None:
        self.emit(f"if {self.expr('bool')}:")
        self.nested(self.rng.randint(1, 3))
        if self.rng.random() < 0.3 and self.budget > 0:
            self.emit(f"elif {self.expr('bool')}:")
            self.nested(self.rng.randint(1, 2))
        if self.rng.random() < 0.5 and self.budget > 0:
            self.emit("else:")
            self.nested(self.rng.randint(1, 2))

    def nested(self, count: int) -> None:
        """An indented block; names first bound inside it may be unbound after it: forget them."""
        self.indent += 1
        before = len(self.lines)
        saved = dict(self.scope)
        self.budget = max(self.budget, 1)
        self.block(max(1, count))
        if len(self.lines) == before:
            self.emit("pass")
        self.indent -= 1
        self.scope = saved

    def _stmt_for(self) -> None:
        rng = self.rng
        loop_var = rng.choice([name for name in LOOP_NAMES if name not in self.scope] or ["i"])
        sources: list[tuple[str, str]] = [(f"range({rng.randint(1, 5)})", "int")]
        if (n := self.pick_var("int")) is not None:
            sources.append((f"range(min({n}, {rng.randint(3, 6)}))", "int"))
            sources.append((f"range({rng.randint(1, 3)}, {rng.randint(4, 6)})", "int"))
        for kind, element in (("list", "int"), ("str", "str"), ("set", "int"), ("words", "str")):
            if (var := self.pick_var(kind)) is not None:
                sources += [(f"sorted({var})" if kind == "set" else var, element)] * 2
        before = dict(self.scope)
        header, element = rng.choice(sources)
        target_var = self.pick_var("list")
        if header == target_var:  # never mutate what we iterate
            header = f"list({header})"
        self.scope[loop_var] = element
        if (m := self.pick_var("dict")) is not None and rng.random() < 0.25:
            key, value = (
                rng.choice([n for n in ("k", "key") if n not in self.scope] or ["k"]),
                "val",
            )
            self.scope[key], self.scope[value] = "str", "int"
            self.scope.pop(loop_var)
            self.emit(f"for {key}, {value} in list({m}.items()):")
        elif (xs := self.pick_var("list")) is not None and rng.random() < 0.2:
            self.emit(
                f"for i, {loop_var} in enumerate({xs}):"
                if loop_var != "i"
                else f"for idx, i in enumerate({xs}):"
            )
            self.scope["i" if loop_var != "i" else "idx"] = "int"
            self.scope[loop_var] = "int"
        else:
            self.emit(f"for {loop_var} in {header}:")
        self.loop_depth += 1
        self.nested(rng.randint(1, 3))
        self.loop_depth -= 1
        self.scope = before

    def _stmt_while(self) -> None:
        rng = self.rng
        guard = rng.choice(
            [n for n in ("steps", "tries", "rounds") if n not in self.scope] or ["steps"]
        )
        self.emit(f"{guard} = 0")
        self.scope[guard] = "int"
        self.protected.add(guard)
        self.emit(f"while {self.expr('bool', 1)} and {guard} < {rng.randint(2, 6)}:")
        self.loop_depth += 1
        self.indent += 1
        self.emit(f"{guard} += 1")
        self.indent -= 1
        self.nested(rng.randint(1, 2))
        self.loop_depth -= 1

    def _stmt_try(self) -> None:
        rng = self.rng
        a = self.int_atom()
        risky: list[tuple[str, str]] = [(f"{self.fresh('int')} = {self.int_atom()} // ({a} - {rng.randint(0, 4)})", "ZeroDivisionError"),
                                        (f"raise ValueError({a})", "ValueError")]  # fmt: skip
        if (xs := self.pick_var("list")) is not None:
            risky.append((f"{self.fresh('int')} = {xs}[{a}]", "IndexError"))
        if (m := self.pick_var("dict")) is not None:
            risky.append((f"{self.fresh('int')} = {m}[{rng.choice(KEYS)!r}]", "KeyError"))
        if (s := self.pick_var("str")) is not None:
            risky.append((f"{self.fresh('int')} = int({s})", "ValueError"))
        text, error = rng.choice(risky)
        self.emit("try:")
        self.indent += 1
        saved = dict(self.scope)
        self.block(rng.randint(0, 1))
        self.emit(text)
        self.scope = saved
        self.indent -= 1
        catch = error if rng.random() < 0.8 else "Exception"
        if rng.random() < 0.4:
            self.emit(f"except {catch} as err:")
            self.indent += 1
            self.emit(f"{self.fresh('str')} = str(err)" if rng.random() < 0.5 else "pass")
            self.indent -= 1
        else:
            self.emit(f"except {catch}:")
            self.nested(rng.randint(1, 2))
        if rng.random() < 0.2:
            self.emit("finally:")
            self.nested(1)

    def _stmt_raise(self) -> None:
        self.emit(f"if {self.expr('bool')}:")
        self.indent += 1
        self.emit(f"raise ValueError({self.int_atom()})")
        self.indent -= 1

    def _stmt_print(self) -> None:
        kind = self.rng.choice(("int", "str", "list"))
        self.emit(f"print({self.pick_var(kind) or self.int_atom()})")

    def _stmt_break(self) -> None:
        self.emit(f"if {self.expr('bool')}:")
        self.indent += 1
        self.emit(self.rng.choice(("break", "continue")))
        self.indent -= 1
