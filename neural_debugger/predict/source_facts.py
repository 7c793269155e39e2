"""What a program's source says about where its frames can stop, read once per source.

`source_facts` collects the functions, statement lines, CFG successors (from the analyzers
part), generators, comprehension scopes, multi-line statements and the names each statement
binds; `reachable_lines` and `nested_lines` answer the questions the step rules ask of them.
`constraints` turns these facts into what each action may lead to. None of this needs torch.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from neurodebug.neural_debugger.model.dataset import statement_lines
from neurodebug.neural_debugger.predict.branch_prior import Branches, branches
from neurodebug.neural_debugger.predict.call_folding import Callee, own_callables
from neurodebug.neural_debugger.predict.delta_names import NameFacts, name_facts
from neurodebug.neural_debugger.predict.folded_steps import FoldFacts, fold_facts
from neurodebug.neural_debugger.predict.folding import SCOPES
from neurodebug.neural_debugger.predict.return_values import return_values, unwinding_functions


class PredictionError(ValueError):
    """The request cannot be predicted (unknown function, non-literal call arguments, …)."""


@dataclass
class SourceFacts:
    """What the decoder may choose from, computed once per source."""

    source: str
    functions: dict[str, tuple[int, int, list[str]]]
    """name -> (def line, end line, parameter names)."""
    statement_lines: list[int]
    next_lines: dict[int, set[int]] = field(default_factory=dict)
    """CFG successors per line of each function (line events only)."""

    classes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """class name -> (first line, last line)."""
    generators: set[str] = field(default_factory=set)
    """Functions that yield: resuming them makes `call` stops at their yield lines."""
    statement_text: dict[int, str] = field(default_factory=dict)
    """The text of the statement starting at each line (for the names it calls)."""
    exit_lines: set[int] = field(default_factory=set)
    """Lines after which the CFG says the frame may return (explicitly or by falling off)."""
    raise_lines: set[int] = field(default_factory=set)
    """Lines that raise or may raise out of the frame (`raise`, `assert`)."""
    code_lines: set[int] = field(default_factory=set)
    """Every non-blank, non-comment line: where a stop can be at all (3.11 reports lines of
    multi-line statements and `except` clauses too)."""
    scopes_at: dict[int, set[str]] = field(default_factory=dict)
    """Comprehension / lambda frame names (`<listcomp>`, …) per line where one is written."""
    def_next: dict[int, set[int]] = field(default_factory=dict)
    """For a nested `def` line: its successors in the enclosing function (`next_lines` holds
    the nested function's entry edge on that line)."""
    names: NameFacts = field(default_factory=lambda: NameFacts({}, {}))
    """Names each assignment binds and handler names that vanish (see `delta_names`)."""
    fold: FoldFacts = field(default_factory=lambda: FoldFacts({}, frozenset(), frozenset()))
    """The statements constant folding may decide (see `folding`)."""
    callables: dict[str, Callee] = field(default_factory=dict)
    """The program's own functions whose calls folding may run (`call_folding`)."""
    spans: dict[int, set[int]] = field(default_factory=dict)
    """For a statement (or header) written over several lines, by its first line: the code
    lines it covers. CPython reports a line whenever the running instruction's line changes, so
    such a statement may stop on any of them, first on a later one (`x = [` then `f(a),`)."""
    signatures: dict[str, ast.arguments] = field(default_factory=dict)
    """name -> its parameters, defaults included (see `call_binding`)."""
    started_at: dict[int, int] = field(default_factory=dict)
    """For each line of a multi-line statement but its first: the first (see `spans`)."""
    headers: dict[str, set[int]] = field(default_factory=dict)
    """name -> the lines before its first statement that runs (decorators, the `def`, the
    docstring): in its own frame only the `call` stop is there, never a line event."""
    return_values: dict[str, frozenset[str]] = field(default_factory=dict)
    """Function name -> the values its `return` stops can carry, where the source settles
    them (see `return_values`)."""
    branches: Branches = field(default_factory=Branches)
    """The `if` bodies and `raise` statements (`branch_prior`)."""
    unwinding: set[str] = field(default_factory=set)
    """Functions a frame of which may return without a value after a line or call stop: a
    `try` or `with` runs code while an exception unwinds it, a generator returns itself."""
    quiet_lines: set[int] = field(default_factory=set)
    """Code lines no frame stops on with a line event: docstrings and other constant
    statements, `global` / `nonlocal`, and the headers of functions no function encloses."""
    value_returns: set[int] = field(default_factory=set)
    """Lines where a frame can return a value: the first line of a `return` statement (CPython
    3.11 comes back to it to return, whatever lines its expression spans), the first line of an
    expression statement or one-line-target assignment the frame may fall off the end after
    (`_ends_on_first_line`), every line of another such statement, and the headers (a
    docstring-only body returns on its `def` line). Checked against every value return of the real-code corpus
    (14,162 in frames no `try` / `with` unwinds; tests/neural_debugger/predict)."""

    with_bodies: set[int] = field(default_factory=set)
    """Lines inside a `with` block's body (not its header, not functions defined there). A
    frame that returns or falls off from one does not return there: CPython 3.11 runs
    `__exit__` on the `with` line and reports the return on it (or on a `finally` around the
    `with`). Only an exception leaving the block is reported on the line that raised it, and
    a step into or over from a line stops at that exception first."""

    def widened(self, lines: set[int]) -> set[int]:
        """`lines` (CFG successors) with every line of the multi-line statements among them."""
        return lines.union(*(self.spans.get(line, ()) for line in lines))

    def names_at(self, line: int) -> list[str]:
        """Frame names a stop at `line` can have: the enclosing defs and comprehensions there."""
        names = [name for name, (start, end, _) in self.functions.items() if start <= line <= end]
        return [*names, *sorted(self.scopes_at.get(line, ()))]


def source_facts(source: str) -> SourceFacts:
    """Functions, statement lines and CFG successors of a program."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise PredictionError(f"the source does not parse: {error}") from error
    functions: dict[str, tuple[int, int, list[str]]] = {}
    signatures: dict[str, ast.arguments] = {}
    headers: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            params = [
                a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
            ]
            if node.args.vararg:
                params.append(node.args.vararg.arg)
            if node.args.kwarg:
                params.append(node.args.kwarg.arg)
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            functions.setdefault(node.name, (start, node.end_lineno or node.lineno, params))
            signatures.setdefault(node.name, node.args)
            headers.setdefault(node.name, _header_lines(node, start))
    facts = SourceFacts(
        source,
        functions,
        statement_lines(source),
        names=name_facts(tree),
        fold=fold_facts(tree),
        signatures=signatures,
        headers=headers,
        return_values=return_values(tree),
        branches=branches(tree),
        unwinding=unwinding_functions(tree),
    )
    facts.callables = own_callables(tree, facts.fold.defs)
    lines = source.splitlines()
    facts.code_lines = {
        n for n, text in enumerate(lines, 1) if text.strip() and not text.strip().startswith("#")
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            facts.classes[node.name] = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
            isinstance(inner, ast.Yield | ast.YieldFrom) for inner in ast.walk(node)
        ):
            facts.generators.add(node.name)
        if isinstance(node, ast.Raise | ast.Assert):
            facts.raise_lines.add(node.lineno)
        if isinstance(node, ast.stmt):
            end = node.end_lineno or node.lineno
            if isinstance(node, ast.If | ast.For | ast.While | ast.With | ast.Try):
                end = node.lineno  # a compound statement's header only
            facts.statement_text[node.lineno] = "\n".join(lines[node.lineno - 1 : end])
        elif isinstance(node, ast.ExceptHandler):
            # an `except` header gets a line event of its own (matching the exception): its
            # text bounds what a step from it may change, as a statement's does
            end = max(node.lineno, node.body[0].lineno - 1) if node.body else node.lineno
            facts.statement_text[node.lineno] = "\n".join(lines[node.lineno - 1 : end])
    scope_names = {
        ast.ListComp: "<listcomp>",
        ast.DictComp: "<dictcomp>",
        ast.SetComp: "<setcomp>",
        ast.GeneratorExp: "<genexpr>",
        ast.Lambda: "<lambda>",
    }
    for node in ast.walk(tree):
        name = scope_names.get(type(node))
        if name and isinstance(node, ast.expr):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                facts.scopes_at.setdefault(line, set()).add(name)
    try:
        from neurodebug.analyzers.document import analyze_source
        from neurodebug.analyzers.facts import EXIT_LINE

        module = analyze_source(source.encode())
        nested_defs = {start for start, _end, _params in functions.values()}
        for function in module.functions:
            if function.kind != "function":
                continue
            for line in function.statement_lines():
                following = function.next_lines(line) - {EXIT_LINE}
                if line != function.def_line and line in nested_defs:
                    # a nested `def` line, seen from the enclosing function: `next_lines` keeps
                    # the nested function's entry edge there; this edge is kept apart
                    facts.def_next[line] = following
                    continue
                facts.next_lines[line] = following
                if EXIT_LINE in function.next_lines(line):
                    facts.exit_lines.add(line)
    except Exception:  # the CFG is a refinement: without it every statement line is allowed
        facts.next_lines = {}
    facts.spans = _multi_line_spans(tree, facts.code_lines)
    facts.started_at = {n: first for first, span in facts.spans.items() for n in span - {first}}
    returns = [node for node in ast.walk(tree) if isinstance(node, ast.Return)]
    continued = {n for node in returns for n in range(node.lineno + 1, (node.end_lineno or 0) + 1)}
    ends_on_first = _ends_on_first_line(tree)
    falls_off = {line for line in facts.exit_lines if line in ends_on_first}
    facts.value_returns = (
        {node.lineno for node in returns}
        | falls_off
        | facts.widened(facts.exit_lines - falls_off)
        | set().union(*headers.values())
    ) - continued
    facts.with_bodies = _with_bodies(tree)
    for decorated, first in _decorator_lines(tree):
        # a decorated function's `call` stop is at its first decorator (`co_firstlineno`)
        if decorated in facts.next_lines:
            facts.next_lines.setdefault(first, facts.next_lines[decorated])
    constants = [node for node in ast.walk(tree) if isinstance(node, ast.stmt) and _silent(node)]
    silent = {node.lineno for node in constants}
    facts.quiet_lines = {
        n for node in constants for n in range(node.lineno, (node.end_lineno or 0) + 1)
    }
    for name, (first, last, _) in functions.items():
        if not any(b < first and last <= e for b, e, _ in functions.values()):
            facts.quiet_lines |= headers[name]  # run in a module or class body, not a frame
    facts.quiet_lines -= set(facts.scopes_at)  # a lambda there is a frame of its own
    for line, following in facts.next_lines.items():
        seen: set[int] = set()
        stack = [n for n in following if n in silent]
        while stack:
            quiet = stack.pop()
            if quiet in seen:
                continue
            seen.add(quiet)
            after = facts.next_lines.get(quiet, set())
            following |= after
            stack.extend(n for n in after if n in silent)
        following -= silent - {line}
    return facts


def _multi_line_spans(tree: ast.Module, code_lines: set[int]) -> dict[int, set[int]]:
    """`SourceFacts.spans`: the code lines of each statement's evaluated part (a header's up
    to its body) that is written over several lines."""
    spans: dict[int, set[int]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or isinstance(node, SCOPES):
            continue
        body: list[ast.stmt] = getattr(node, "body", [])
        last = body[0].lineno - 1 if body else (node.end_lineno or node.lineno)
        if isinstance(node, ast.Match):
            last = node.subject.end_lineno or node.lineno
        if last > node.lineno:
            spans[node.lineno] = {n for n in range(node.lineno, last + 1) if n in code_lines}
    return spans


def _silent(node: ast.stmt) -> bool:
    """Docstrings and other constant expression statements compile to nothing, and `global` /
    `nonlocal` are declarations: no line event."""
    constant = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    return constant or isinstance(node, ast.Global | ast.Nonlocal)


def _header_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, start: int) -> set[int]:
    """`SourceFacts.headers` of one function."""
    first = next((s.lineno for s in node.body if not _silent(s)), (node.end_lineno or start) + 1)
    return set(range(start, first))


def _decorator_lines(tree: ast.Module) -> Iterator[tuple[int, int]]:
    """(`def` line, first decorator line) of decorated functions that no function encloses:
    their decorator lines run in a module or class body, never as a line of a traced frame."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if child.decorator_list:
                    yield child.lineno, min(d.lineno for d in child.decorator_list)
            elif isinstance(child, ast.ClassDef | ast.stmt):
                stack.append(child)


def reachable_lines(facts: SourceFacts, function: str, start: int) -> set[int] | None:
    """`start` and every line of `function` the CFG reaches from it (None: not known).

    `next_lines` is keyed by line, so a nested `def` line holds the nested function's entry
    edge, not the outer function's. A reached nested def goes on at the first statement after
    the nested function; that may over-approximate, which a bound may do. (A `nonlocal` in the
    nested function is `NameFacts.nonlocal_names`' business.)
    """
    span = facts.functions.get(function)
    if span is None or start not in facts.next_lines:
        return None
    nested = nested_functions(facts, function)
    reached, stack = set(), [start]
    while stack:
        line = stack.pop()
        if line in reached:
            continue
        reached.add(line)
        if line in nested:
            after = [n for n in facts.statement_lines if nested[line] < n <= span[1]]
            stack.extend(after[:1])
            continue
        stack.extend(facts.next_lines.get(line, ()))
    return reached


def nested_functions(facts: SourceFacts, function: str) -> dict[int, int]:
    """First line -> last line of each function written inside `function`."""
    first, last, _ = facts.functions[function]
    return {
        begin: end
        for name, (begin, end, _) in facts.functions.items()
        if name != function and first < begin <= last
    }


def nested_lines(facts: SourceFacts, function: str) -> set[int]:
    """The lines of the functions (and classes) written inside `function`."""
    first, last, _ = facts.functions[function]
    inner = [*nested_functions(facts, function).items()]
    inner += [(b, e) for b, e in facts.classes.values() if first < b <= last]
    return {n for begin, end in inner for n in range(begin, end + 1)}


def _with_bodies(tree: ast.Module) -> set[int]:
    """`SourceFacts.with_bodies`: each `with` body's lines, less the functions, lambdas and
    classes defined inside it (frames of their own; their own `with` blocks count apart)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.With | ast.AsyncWith) or not node.body:
            continue
        inside = set(range(node.body[0].lineno, (node.end_lineno or node.lineno) + 1))
        for inner in ast.walk(node):
            if inner is not node and isinstance(
                inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
            ):
                decorators = getattr(inner, "decorator_list", [])
                first = min([inner.lineno, *(d.lineno for d in decorators)])
                inside -= set(range(first, (inner.end_lineno or inner.lineno) + 1))
        lines |= inside
    return lines


def _ends_on_first_line(tree: ast.Module) -> set[int]:
    """First lines of the simple statements whose last instruction is on that line: an
    expression statement (CPython 3.11 pops its value on the statement's first line, however
    many lines the expression spans) and an assignment whose targets all sit on it. A frame
    that falls off after one returns on that line, not on the statement's later lines."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):
            lines.add(node.lineno)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all((target.end_lineno or 0) == node.lineno for target in targets):
                lines.add(node.lineno)
    return lines
