"""Lower one function's tree-sitter body into statement nodes: what each reads, writes and where
control may go next.

This is the only module that walks statements; everything downstream (basic blocks, reaching
definitions, post-dominators, slices) works on the flat `StatementGraph` it returns, so the
tree is walked once per function and the analyses never touch tree-sitter nodes. Expressions
are walked with an explicit stack (deep `a + b + c …` chains would overflow recursion).

Node 0 is the entry (the `def` line, where parameters are defined) and node 1 the exit.
Edges come in two kinds: `succ` (normal flow, explicit `raise` included) and `exc` (the implicit
"this statement may raise" edges inside `try` bodies), kept apart so that a statement in a
`try` body is not reported as control dependent on every statement before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache

import tree_sitter

from .calls import Callee, CallSite
from .effects import CallContext, Passing, ReceiverFacts, receiver_facts, resolve_effects
from .expressions import (
    Scan,
    catches_everything,
    end_line_of,
    irrefutable,
    line_of,
    never_empty_iterable,
    parameter_defaults,
    parameter_names,
    scan_expression_statement,
    scan_import,
    scan_pattern,
    text_of,
)
from .parsing import python_language

ENTRY = 0
EXIT = 1


MATCH_SUBJECT = "<subject>"
"""The value a `match` statement tests, as a variable: its line defines it (the subject is
evaluated once there) and every `case` line reads it, so a capture depends on the subject's
names through the `match` line, the way CPython runs it."""


@dataclass(slots=True)
class StatementNode:
    """One statement (or compound-statement header) of a function, lines 1-based."""

    line: int
    end_line: int
    kind: str
    defs: list[tuple[str, bool, str]] = field(default_factory=list)  # (var, kills, how)
    uses: list[str] = field(default_factory=list)
    roots: tuple[str, ...] = ()  # reads that only name a changed object
    # names whose object the statement changes whenever it completes (`xs.append(v)` on a
    # list): reaching definitions ends the reach of their earlier definitions here
    changes: tuple[str, ...] = ()
    # names bound to a new empty dict here (`d = {}`), and names whose dict a store here
    # fills (`d[k] = v`): a store into a dict only these reach always adds a key
    empties: tuple[str, ...] = ()
    fills: tuple[str, ...] = ()
    # the statement's own raise runs a `finally` body or a `with`'s exit, an edge that also
    # carries the paths that completed: its certain changes and fills must not kill there
    raises_into_finally: bool = False
    # `exc` targets reached when the statement itself raises (it did not complete: a
    # definition made only at its end did not happen) and those reached when an exception
    # passes on after it completed (the end of a finally, a with's exit); one target may be both
    raises_to: tuple[int, ...] = ()
    passes_on: tuple[int, ...] = ()
    succ: list[int] = field(default_factory=list)
    # tuples, as most statements have none: an empty list per node was a fifth of the objects
    # the garbage collector traversed
    exc: tuple[int, ...] = ()
    condition: bool = False  # a branch whose outcome decides what runs (if, while, for, case…)
    untraced: bool = False  # may run without a `sys.settrace` line event of its own
    yields: bool = False
    # lines with a line event next that does not run them: CPython 3.11 reports the re-raise
    # at the end of a `finally` on the finally's last line
    phantom: tuple[int, ...] = ()
    # what `constants` evaluates: an assignment, a branch's test, a match subject, a case clause
    value: tree_sitter.Node | None = None

    @property
    def edges(self) -> list[int]:
        """Every successor: the normal ones, then the exceptional ones."""
        return [*self.succ, *self.exc] if self.exc else self.succ


@dataclass(slots=True)
class LoopInfo:
    """A `for`/`while` loop: its header node and the node ids of its body (else excluded)."""

    kind: str
    header: int
    first_body: int
    end_body: int  # node ids in [header, end_body) belong to the loop
    body_start_line: int
    body_end_line: int
    is_async: bool = False
    runs_once: bool = False
    """The body runs at least once: a `for` over an iterable that is never empty
    (`range(3)`, `[a, b]`), so what comes before the loop reaches past it only through the
    body."""


@dataclass(slots=True)
class StatementGraph:
    """The lowered function: statement nodes, loops, nested scopes found in its body."""

    nodes: list[StatementNode]
    loops: list[LoopInfo]
    params: list[str]
    nested: list[tree_sitter.Node]  # function/class definitions directly inside
    handlers: list[tuple[int, int, int]]  # (except header, first body node, end body node)
    receivers: ReceiverFacts = field(default_factory=ReceiverFacts)
    declared: set[str] = field(default_factory=set)  # `global` / `nonlocal` names
    sites: list[CallSite] = field(default_factory=list)  # calls of the module's own functions
    body: tree_sitter.Node | None = None  # the lowered body (what `constants` searches)
    function: bool = False  # a function's body (not a module's or a class's)


@dataclass(slots=True)
class _LoopCtx:
    header: int
    breaks: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _HandlerCtx:
    dispatch: int


@dataclass(slots=True)
class _FinallyCtx:
    # (sources, jump kind, loop ctx or None, exceptional)
    pending: list[tuple[list[int], str, _LoopCtx | None, bool]] = field(default_factory=list)


_Ctx = _LoopCtx | _HandlerCtx | _FinallyCtx


class _Builder:
    """Builds the statement graph of one scope body."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        # names bound by `import m` and `from m import n [as k]` (k → "m.n"): what a with's
        # manager is (`_managers_never_suppress`)
        self.modules: frozenset[str] = frozenset()
        self.imported: Mapping[str, str] = {}
        # a with's exit for exceptions, its normal exit and the names its managers were read
        # from: if the scope rebinds one, the exception may be suppressed after all
        self.exception_exits: list[tuple[int, int, set[str]]] = []
        self.calls: list[tuple[int, list[tuple[str, str, bool]]]] = []
        self.passes: list[tuple[int, list[Passing]]] = []
        self.assigned: list[tuple[str, tree_sitter.Node]] = []
        self.iterated: list[
            tuple[tree_sitter.Node, tree_sitter.Node]
        ] = []  # for targets, iterables
        self.declared: set[str] = set()  # `global` / `nonlocal` names: not this scope's objects
        self.nodes: list[StatementNode] = []
        self.loops: list[LoopInfo] = []
        self.nested: list[tree_sitter.Node] = []
        self.ctx: list[_Ctx] = []
        self.handlers: list[tuple[int, int, int]] = []

    # -- nodes and edges ------------------------------------------------------------------
    def new(self, line: int, end_line: int, kind: str, preds: list[int]) -> int:
        index = len(self.nodes)
        self.nodes.append(StatementNode(line, end_line, kind))
        for pred in preds:
            self.nodes[pred].succ.append(index)
        for ctx in reversed(self.ctx):
            if isinstance(ctx, _HandlerCtx):
                self.nodes[index].exc = (ctx.dispatch,)
                self.nodes[index].raises_to = (ctx.dispatch,)
                break
            if isinstance(ctx, _FinallyCtx):
                ctx.pending.append(([index], "raise", None, True))
                self.nodes[index].raises_into_finally = True
                break
        return index

    def link(self, sources: list[int], target: int, exceptional: bool = False) -> None:
        for source in sources:
            node = self.nodes[source]
            if not exceptional:
                if target not in node.succ:
                    node.succ.append(target)
                continue
            if target not in node.exc:
                node.exc += (target,)
            if target not in node.passes_on:
                node.passes_on += (target,)

    def route(
        self,
        sources: list[int],
        jump: str,
        loop: _LoopCtx | None,
        exceptional: bool,
        depth: int | None = None,
    ) -> None:
        """Send a return/break/continue/raise from `sources` to its target through finallys."""
        top = len(self.ctx) if depth is None else depth
        for position in range(top - 1, -1, -1):
            ctx = self.ctx[position]
            if isinstance(ctx, _FinallyCtx):
                ctx.pending.append((sources, jump, loop, exceptional))
                return
            if jump == "raise" and isinstance(ctx, _HandlerCtx):
                self.link(sources, ctx.dispatch, exceptional)
                return
            if ctx is loop and isinstance(ctx, _LoopCtx):
                if jump == "break":
                    ctx.breaks.extend(sources)
                else:
                    self.link(sources, ctx.header)
                return
        self.link(sources, EXIT, exceptional)

    def simple(self, stmt: tree_sitter.Node, preds: list[int], kind: str, scan: Scan) -> int:
        index = self.new(line_of(stmt), end_line_of(stmt), kind, preds)
        self.attach(index, scan)
        return index

    def attach(self, index: int, scan: Scan) -> None:
        """Give node `index` what `scan` found; the calls wait for `resolve_effects`."""
        node = self.nodes[index]
        node.defs, node.uses, node.yields = scan.defs, scan.uses, scan.yields
        if scan.roots:
            node.roots = tuple(scan.roots)
        if scan.empties or scan.fills:
            node.empties, node.fills = tuple(scan.empties), tuple(scan.fills)
        if scan.calls:
            self.calls.append((index, scan.calls))
        if scan.passes:
            self.passes.append((index, scan.passes))
        self.assigned.extend(scan.assigned)

    def header(
        self, stmt: tree_sitter.Node, until: tree_sitter.Node | None, kind: str, preds: list[int]
    ) -> int:
        end = end_line_of(until) if until is not None else line_of(stmt)
        index = self.new(line_of(stmt), end, kind, preds)
        self.nodes[index].condition = True
        return index

    # -- statements -----------------------------------------------------------------------
    def block(self, block: tree_sitter.Node | None, preds: list[int]) -> list[int]:
        if block is None:
            return preds
        for stmt in block.named_children:
            if stmt.type != "comment":
                preds = self.statement(stmt, preds)
        return preds

    def statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        kind = stmt.type
        handler = _COMPOUND.get(kind)
        if handler is not None:
            return handler(self, stmt, preds)
        scan = Scan(self.source)
        if kind == "expression_statement":
            scan_expression_statement(stmt, scan)
        elif kind == "delete_statement":
            for child in stmt.named_children:
                scan.target(child, "del")
        elif kind in ("import_statement", "import_from_statement", "future_import_statement"):
            scan_import(stmt, scan)
        elif kind in ("global_statement", "nonlocal_statement"):
            self.declared.update(text_of(name) for name in stmt.named_children)
        elif kind == "pass_statement":
            pass
        elif kind == "type_alias_statement":
            left = stmt.child_by_field_name("left")
            right = stmt.child_by_field_name("right")
            if left is not None and left.named_child_count:
                scan.defs.append((text_of(left.named_children[0]), True, "assign"))
            if right is not None:
                scan.expr(right)
        else:
            for child in stmt.named_children:
                scan.expr(child)
        short = kind.removesuffix("_statement")
        index = self.simple(stmt, preds, short, scan)
        if kind == "expression_statement" and stmt.named_child_count == 1:
            only = stmt.named_children[0]
            if only.type in ("assignment", "augmented_assignment", "call"):
                self.nodes[index].value = only
        if kind == "return_statement":
            self.route([index], "return", None, False)
            return []
        if kind == "raise_statement":
            self.route([index], "raise", None, False)
            return []
        if kind in ("break_statement", "continue_statement"):
            loop = next((c for c in reversed(self.ctx) if isinstance(c, _LoopCtx)), None)
            if loop is None:
                return []  # a syntax error; nothing follows
            self.route([index], "break" if kind == "break_statement" else "continue", loop, False)
            return []
        return [index]

    def definition(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        scan = Scan(self.source)
        definition = stmt
        if stmt.type == "decorated_definition":
            for child in stmt.named_children:
                if child.type == "decorator":
                    scan.expr(child)
            inner = stmt.child_by_field_name("definition")
            if inner is None:
                return [self.simple(stmt, preds, "def", scan)]
            definition = inner
        name = definition.child_by_field_name("name")
        if name is not None:
            scan.defs.append((text_of(name), True, "def"))
        if definition.type == "function_definition":
            parameters = definition.child_by_field_name("parameters")
            for default in parameter_defaults(parameters):
                scan.expr(default)
            returns = definition.child_by_field_name("return_type")
            if returns is not None:
                scan.expr(returns)
        else:
            superclasses = definition.child_by_field_name("superclasses")
            if superclasses is not None:
                scan.expr(superclasses)
        self.nested.append(definition)
        body = definition.child_by_field_name("body")
        index = self.new(
            line_of(stmt),
            line_of(body) - 1 if body is not None else end_line_of(stmt),
            "def",
            preds,
        )
        self.attach(index, scan)
        node = self.nodes[index]
        node.end_line = max(node.end_line, node.line)
        return [index]

    def if_statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        condition = stmt.child_by_field_name("condition")
        test = self.header(stmt, condition, "if", preds)
        if condition is not None:
            self._scan_into(test, condition)
            self.nodes[test].value = condition
        ends = self.block(stmt.child_by_field_name("consequence"), [test])
        last = test
        has_else = False
        for clause in stmt.children_by_field_name("alternative"):
            if clause.type == "elif_clause":
                cond = clause.child_by_field_name("condition")
                elif_test = self.header(clause, cond, "elif", [last])
                if cond is not None:
                    self._scan_into(elif_test, cond)
                    self.nodes[elif_test].value = cond
                ends = ends + self.block(clause.child_by_field_name("consequence"), [elif_test])
                last = elif_test
            elif clause.type == "else_clause":
                ends = ends + self.block(clause.child_by_field_name("body"), [last])
                has_else = True
        return ends if has_else else [*ends, last]

    def for_statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        left = stmt.child_by_field_name("left")
        right = stmt.child_by_field_name("right")
        head = self.header(stmt, right, "for", preds)
        self.nodes[head].value = right
        scan = Scan(self.source)
        if right is not None:
            scan.expr(right)
        if left is not None:
            scan.target(left, "for")
            if right is not None:
                self.iterated.append((left, right))
        self.attach(head, scan)
        is_async = any(child.type == "async" for child in stmt.children[:1])
        never_empty = right is not None and not is_async and never_empty_iterable(right)
        return self._loop(stmt, head, "for", is_async, runs_once=never_empty)

    def while_statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        condition = stmt.child_by_field_name("condition")
        head = self.header(stmt, condition, "while", preds)
        if condition is not None:
            self._scan_into(head, condition)
            self.nodes[head].value = condition
        always = condition is not None and (
            condition.type == "true"
            or (condition.type == "integer" and text_of(condition) not in ("0", "0x0", "0b0"))
        )
        return self._loop(stmt, head, "while", False, always)

    def _loop(
        self,
        stmt: tree_sitter.Node,
        head: int,
        kind: str,
        is_async: bool,
        always: bool = False,
        runs_once: bool = False,
    ) -> list[int]:
        ctx = _LoopCtx(head)
        self.ctx.append(ctx)
        body = stmt.child_by_field_name("body")
        first_body = len(self.nodes)
        ends = self.block(body, [head])
        self.link(ends, head)
        self.ctx.pop()
        body_end_line = end_line_of(body) if body is not None else line_of(stmt)
        self.loops.append(
            LoopInfo(
                kind,
                head,
                first_body,
                len(self.nodes),
                line_of(body) if body is not None else line_of(stmt),
                body_end_line,
                is_async,
                runs_once,
            )
        )
        alternative = stmt.child_by_field_name("alternative")
        exits: list[int] = [] if always else [head]
        if alternative is not None:
            exits = self.block(alternative.child_by_field_name("body"), exits)
        return exits + ctx.breaks

    def with_statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        body = stmt.child_by_field_name("body")
        clause = next((c for c in stmt.named_children if c.type == "with_clause"), None)
        head = self.new(
            line_of(stmt), line_of(body) - 1 if body is not None else line_of(stmt), "with", preds
        )
        scan = Scan(self.source)
        self.nodes[head].value = clause
        for manager, alias in _with_items(clause):
            if manager is not None:
                scan.expr(manager)
            if alias is not None:
                scan.target(alias, "with")
        node = self.nodes[head]
        self.attach(head, scan)
        node.end_line = max(node.end_line, node.line)
        # the with line runs again on the way out (__exit__), also for return/break/raise
        ctx = _FinallyCtx()
        self.ctx.append(ctx)
        ends = self.block(body, [head])
        self.ctx.pop()
        exit_node = self.new(line_of(stmt), line_of(stmt), "with_exit", ends)
        raised = [entry for entry in ctx.pending if entry[1] == "raise"]
        names = self._managers_never_suppress(clause) if raised and clause is not None else None
        if names is not None:
            # the exception leaves through __exit__ and goes on: that exit (same line) leads
            # only onward, so what the body had when it raised reaches no line after the with
            ctx.pending = [entry for entry in ctx.pending if entry[1] != "raise"]
            raise_exit = self.new(line_of(stmt), line_of(stmt), "with_exit", [])
            self._drain(_FinallyCtx(raised), raise_exit, [raise_exit])
            self.exception_exits.append((raise_exit, exit_node, names))
        self._drain(ctx, exit_node, [exit_node])
        return [exit_node]

    def try_statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        handlers = [
            c for c in stmt.named_children if c.type in ("except_clause", "except_group_clause")
        ]
        else_clause = next((c for c in stmt.named_children if c.type == "else_clause"), None)
        finally_clause = next((c for c in stmt.named_children if c.type == "finally_clause"), None)
        # `try:` has a line event of its own; its edge to the first handler exists for
        # control dependence (an exception somewhere in the body), not as a next line
        head = self.new(line_of(stmt), line_of(stmt), "try", preds)
        final_ctx = _FinallyCtx() if finally_clause is not None else None
        if final_ctx is not None:
            self.ctx.append(final_ctx)
        headers = [self._except_header(clause) for clause in handlers]
        if headers:
            self.ctx.append(_HandlerCtx(headers[0]))
        ends = self.block(stmt.child_by_field_name("body"), [head])
        if headers:
            self.ctx.pop()
            self.link([head], headers[0])  # after the body's first statement: succ[0] is it
        if else_clause is not None:
            ends = self.block(else_clause.child_by_field_name("body"), ends)
        for position, clause in enumerate(handlers):
            header = headers[position]
            body = next((c for c in clause.named_children if c.type == "block"), None)
            first_body = len(self.nodes)
            ends = ends + self.block(body, [header])
            self.handlers.append((header, first_body, len(self.nodes)))
            if position + 1 < len(headers):
                self.link([header], headers[position + 1])
            elif not catches_everything(clause):
                # no handler matched: the exception propagates (through finally, if any)
                self.route([header], "raise", None, True)
        if final_ctx is None or finally_clause is None:
            return ends
        self.ctx.pop()
        first_final = len(self.nodes)
        body = next((c for c in finally_clause.named_children if c.type == "block"), None)
        final_ends = self.block(body, ends)
        if first_final == len(self.nodes):  # an empty finally (broken code): a stand-in node
            final_ends = [self.new(line_of(finally_clause), line_of(finally_clause), "pass", ends)]
        elif body is not None and any(jump == "raise" for _, jump, _, _ in final_ctx.pending):
            last_lines = last_statement_lines(body)
            for end in final_ends:  # the last line itself too: its re-raise is a new event
                self.nodes[end].phantom += tuple(last_lines)
        self._drain(final_ctx, first_final, final_ends)
        return final_ends

    def _drain(self, ctx: _FinallyCtx, target: int, ends: list[int]) -> None:
        """Send the jumps `ctx` collected into `target` (a finally body or a with's exit), and
        from `ends`, where that code finishes, on to each jump's own destination."""
        seen: set[tuple[str, int, bool]] = set()
        for sources, jump, loop, exceptional in ctx.pending:
            self.link(sources, target, exceptional)
            onward = exceptional or jump == "raise"
            key = (jump, id(loop), onward)
            if key not in seen:
                seen.add(key)
                self.route(list(ends), jump, loop, onward)

    def _managers_never_suppress(self, clause: tree_sitter.Node) -> set[str] | None:
        """The names the with clause's managers are read from, when every one is a call of
        `NEVER_SUPPRESS` through the module that defines it (`contextlib.nullcontext()` after
        `import contextlib`, `nullcontext()` after `from contextlib import nullcontext`);
        else None. A bare `open` or a method named like one (`store.open()`) may be anything."""
        names: set[str] = set()
        for value, _ in _with_items(clause):
            function = value.child_by_field_name("function") if value is not None else None
            if value is None or value.type != "call" or function is None:
                return None
            written = text_of(function)
            head, _, last = written.partition(".")
            if function.type == "identifier":
                full = self.imported.get(written, "")
            elif function.type == "attribute" and head in self.modules and "." not in last:
                full = written
            else:
                return None
            if full not in NEVER_SUPPRESS:
                return None
            names.add(head)
        return names

    def _except_header(self, clause: tree_sitter.Node) -> int:
        body = next((c for c in clause.named_children if c.type == "block"), None)
        end = line_of(body) - 1 if body is not None else line_of(clause)
        # allocated before the try body so that body nodes can point at it; no predecessors yet
        saved, self.ctx = self.ctx, []
        index = self.new(line_of(clause), max(end, line_of(clause)), "except", [])
        self.ctx = saved
        node = self.nodes[index]
        node.condition = True
        scan = Scan(self.source)
        for child in clause.named_children:
            if child.type == "block":
                continue
            if child.type == "as_pattern":
                alias = child.child_by_field_name("alias")
                for part in child.named_children:
                    if part.type != "as_pattern_target":
                        scan.expr(part)
                if alias is not None:
                    scan.target(alias, "except")
            else:
                scan.expr(child)
        self.attach(index, scan)
        return index

    def match_statement(self, stmt: tree_sitter.Node, preds: list[int]) -> list[int]:
        subject = stmt.child_by_field_name("subject")
        head = self.new(
            line_of(stmt), end_line_of(subject) if subject else line_of(stmt), "match", preds
        )
        if subject is not None:
            self._scan_into(head, subject)
            self.nodes[head].value = subject
        # evaluated once, here: the `case` lines test this value, not the names it was built from
        self.nodes[head].defs = [*self.nodes[head].defs, (MATCH_SUBJECT, True, "match")]
        body = stmt.child_by_field_name("body")
        cases = [] if body is None else [c for c in body.named_children if c.type == "case_clause"]
        ends: list[int] = []
        previous = head
        fallthrough = True
        for clause in cases:
            consequence = clause.child_by_field_name("consequence")
            end = line_of(consequence) - 1 if consequence is not None else line_of(clause)
            case = self.new(line_of(clause), max(end, line_of(clause)), "case", [previous])
            node = self.nodes[case]
            node.condition = True
            node.value = clause
            scan = Scan(self.source)
            for child in clause.named_children:
                if child.type == "case_pattern":
                    scan_pattern(child, scan)
            guard = clause.child_by_field_name("guard")
            if guard is not None:
                scan.expr(guard)
            # matching reads the subject's value: captures take their values from it
            self.attach(case, scan)
            node.uses = [MATCH_SUBJECT, *scan.uses]
            ends = ends + self.block(consequence, [case])
            previous = case
            if irrefutable(clause):
                fallthrough = False
                break
        if fallthrough:
            ends.append(previous)
        return ends

    def _scan_into(self, index: int, expression: tree_sitter.Node) -> None:
        scan = Scan(self.source)
        scan.expr(expression)
        self.attach(index, scan)


_NESTING = frozenset(
    {
        "if_statement",
        "for_statement",
        "while_statement",
        "try_statement",
        "with_statement",
        "match_statement",
        "block",
        "else_clause",
        "elif_clause",
        "except_clause",
        "except_group_clause",
        "finally_clause",
        "case_clause",
    }
)


def last_statement_lines(block: tree_sitter.Node) -> list[int]:
    """Lines where the code of `block` may end: the lexically last simple statement and the
    headers on the way down to it (a `match` ends with its last case's pattern test, a loop
    with its header)."""
    lines: list[int] = []
    node = block
    while True:
        children = [c for c in node.named_children if c.type != "comment"]
        if not children or node.type not in _NESTING:
            lines.append(line_of(node))
            return lines
        if node.type not in ("block", "else_clause", "finally_clause"):
            lines.append(line_of(node))
        node = children[-1]


_COMPOUND = {
    "if_statement": _Builder.if_statement,
    "for_statement": _Builder.for_statement,
    "while_statement": _Builder.while_statement,
    "with_statement": _Builder.with_statement,
    "try_statement": _Builder.try_statement,
    "match_statement": _Builder.match_statement,
    "function_definition": _Builder.definition,
    "class_definition": _Builder.definition,
    "decorated_definition": _Builder.definition,
}


@cache
def _identifier_query() -> tree_sitter.Query:
    return tree_sitter.Query(python_language(), "(identifier) @name")


def _with_items(
    clause: tree_sitter.Node | None,
) -> Iterator[tuple[tree_sitter.Node | None, tree_sitter.Node | None]]:
    """(manager expression, `as` target) of each item of a with clause (None where absent)."""
    for item in clause.named_children if clause is not None else ():
        value = item.child_by_field_name("value") if item.type == "with_item" else item
        if value is not None and value.type == "as_pattern":
            manager = next((c for c in value.named_children if c.type != "as_pattern_target"), None)
            yield manager, value.child_by_field_name("alias")
        else:
            yield value, None


def bound_names(nodes: Iterable[StatementNode]) -> set[str]:
    """Names the statements bind (assignment, parameter, `for`, `import`, `def`, …)."""
    return {var for node in nodes for var, kills, _ in node.defs if kills}


def nested_declares(nested: Iterable[tree_sitter.Node], *keywords: bytes) -> bool:
    """Whether a nested function's text holds one of `keywords` (`b"nonlocal"`): it may then
    rebind any of this scope's names."""
    return any(word in (node.text or b"") for node in nested for word in keywords)


NEVER_SUPPRESS = frozenset(
    {
        "contextlib.nullcontext",
        "contextlib.closing",
        "contextlib.redirect_stdout",
        "contextlib.redirect_stderr",
        "tempfile.TemporaryDirectory",
        "tempfile.NamedTemporaryFile",
        "tempfile.TemporaryFile",
        "tempfile.SpooledTemporaryFile",
        "warnings.catch_warnings",
        "decimal.localcontext",
        "os.scandir",
        "io.open",
    }
)
"""Context managers whose `__exit__` never returns true: an exception in the body always goes
on past the `with`. A manager not listed may suppress it (`contextlib.suppress`, a class of
the program's own), and execution then carries on after the `with` with whatever the body had
done when it raised."""


def _closure_effects(builder: _Builder, params: list[str]) -> None:
    """A nested function or a lambda kept in a name changes what it closes over whenever it
    runs: when a lambda's name is called, and when either is handed to a call (which may call
    it). Each such call is a change ("call") of every local of this scope the closure names.
    (A direct call of a nested `def` is left to its summary, `calls.py`.)"""
    closures: dict[str, list[tree_sitter.Node]] = {}  # every closure a name may hold
    for definition in builder.nested:
        name_node = definition.child_by_field_name("name")
        if name_node is not None and definition.type == "function_definition":
            closures.setdefault(text_of(name_node), []).append(definition)
    lambdas: set[str] = set()
    for name, value in builder.assigned:
        if value.type == "lambda":
            lambdas.add(name)
            closures.setdefault(name, []).append(value)
    if not closures:
        return
    local = set(params) | bound_names(builder.nodes)
    captured: dict[str, list[str]] = {}

    def names_in(name: str) -> list[str]:
        found = captured.get(name)
        if found is None:
            inside: set[str] = set()
            for closure in closures[name]:
                cursor = tree_sitter.QueryCursor(_identifier_query())
                inside.update(text_of(n) for n in cursor.captures(closure).get("name", []))
            found = captured[name] = sorted((inside & local) - {name})
        return found

    for index, passings in builder.passes:
        changed: set[str] = set()
        for receiver, callee, passed in passings:
            if not receiver and callee in lambdas:
                changed.update(names_in(callee))
            for argument, _ in passed:
                if argument in closures:
                    changed.update(names_in(argument))
        if changed:
            node = builder.nodes[index]
            node.defs.extend((var, False, "call") for var in sorted(changed))


def build_statement_graph(
    scope: tree_sitter.Node,
    first_line: int,
    last_line: int,
    source: bytes = b"",
    context: CallContext | None = None,
) -> StatementGraph:
    """Lower a module, function or class node into statement nodes with CFG edges
    (`source`, the module's bytes, makes reading names cheaper; optional). Method calls on
    `context.modules` (names bound by `import m`) are not mutations unless this scope rebinds
    them; calls `context.own` resolves are left in `sites` for their callees' summaries."""
    modules = context.modules if context is not None else frozenset()
    builder = _Builder(source)
    builder.modules = modules
    builder.imported = context.imported if context is not None else {}
    builder.nodes.append(StatementNode(first_line, first_line, "entry"))
    builder.nodes.append(StatementNode(last_line, last_line, "exit"))
    params: list[str] = []
    if scope.type == "function_definition":
        params = [name for name, _ in parameter_names(scope.child_by_field_name("parameters"))]
        builder.nodes[ENTRY].defs = [(name, True, "param") for name in params]
        body = scope.child_by_field_name("body")
    elif scope.type == "class_definition":
        body = scope.child_by_field_name("body")
    else:
        body = scope
    ends = builder.block(body, [ENTRY])
    builder.link(ends, EXIT)
    bound = bound_names(builder.nodes) if builder.exception_exits or modules else set()
    for raise_exit, exit_node, names in builder.exception_exits:
        if names & (bound | builder.declared):  # the name means something else: may suppress
            for after in builder.nodes[exit_node].succ:
                builder.link([raise_exit], after)
    facts = receiver_facts(
        scope.child_by_field_name("parameters") if scope.type == "function_definition" else None,
        builder.nodes,
        builder.assigned,
        builder.declared,
        source,
        builder.iterated,
    )
    found = resolve_effects(builder.nodes, builder.calls, facts, builder.passes, context)
    sites = [
        CallSite(i, callee, passed) for i, callee, passed in found if isinstance(callee, Callee)
    ]
    _closure_effects(builder, params)
    certain = any(node.changes or node.fills for node in builder.nodes)
    if certain and nested_declares(builder.nested, b"nonlocal", b"global"):
        # a nested function may rebind this scope's names (`nonlocal xs; xs = deque(maxlen=0)`)
        # to objects that a store or an append leaves as they were: nothing here is certain
        for node in builder.nodes:
            node.changes, node.fills = (), ()
    if modules:
        skipped = modules - bound  # kills are all made before effects and calls add theirs
        for node in builder.nodes:
            if node.defs:
                node.defs = [d for d in node.defs if d[1] or d[0] not in skipped]
    return StatementGraph(
        builder.nodes,
        builder.loops,
        params,
        builder.nested,
        builder.handlers,
        facts,
        builder.declared,
        sites,
        body,
        scope.type == "function_definition",
    )
