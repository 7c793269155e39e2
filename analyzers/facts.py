"""Per-function facts: the public, LSP-free answers the server, the rules and the neural
debugger ask for (control-flow graph, definitions with their data and control sources,
dependencies, slices, the lines that can run next).

A `FunctionFacts` lowers its tree-sitter node and runs the analyses on first use and caches
them, so opening a large file costs only the functions somebody asks about. Lines are 1-based
like an editor's gutter; `EXIT_LINE` (0) stands for "leaves the function".
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field

import tree_sitter

from . import slicing
from .calls import ModuleCalls
from .constants import DeadCode, dead_code
from .dataflow import Analysis, analyse, bits
from .effects import CallContext
from .extract import ENTRY, EXIT, StatementGraph, build_statement_graph

EXIT_LINE = 0
BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(frozen=True, slots=True, order=True)
class VarLine:
    """A variable at a line: a definition site, or a variable read by a condition."""

    var: str
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """A basic block: statements that run one after the other with no branch in between."""

    id: int
    kind: str  # "entry", "body" or "exit"
    start_line: int
    end_line: int
    lines: tuple[int, ...]  # first lines of the statements in the block, in order
    successors: tuple[int, ...]
    exception_successors: tuple[int, ...]  # handlers reached when a statement here raises


@dataclass(frozen=True, slots=True)
class ControlFlowGraph:
    """The basic blocks of one function; `entry` and `exit` are block ids."""

    blocks: tuple[Block, ...]
    entry: int
    exit: int

    def block_at(self, line: int) -> Block | None:
        """The block holding the statement that starts at `line`."""
        return next((block for block in self.blocks if line in block.lines), None)


@dataclass(frozen=True, slots=True)
class Definition:
    """A variable written at a line, with where its value and its being-run come from.

    `data`: the reaching definitions of every variable the statement reads.
    `control`: the variables read by each condition the statement is control dependent on.
    `how`: param, assign, augmented, mutation, alias (changed through another name for the
    same object, see `effects`), for, with, except, match, walrus, import, def, del.
    """

    var: str
    line: int
    how: str
    data: tuple[VarLine, ...]
    control: tuple[VarLine, ...]


@dataclass(frozen=True, slots=True, order=True)
class DataEdge:
    """The value of `var` written at `def_line` may be read at `use_line`."""

    var: str
    def_line: int
    use_line: int


@dataclass(frozen=True, slots=True, order=True)
class ControlEdge:
    """Whether `line` runs is decided by the condition at `condition_line`."""

    condition_line: int
    line: int
    variables: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Loop:
    """A `for`/`while` loop: where it is and what its body writes and reads."""

    kind: str  # "for" or "while"
    header_line: int
    body_start_line: int
    body_end_line: int
    is_async: bool
    targets: frozenset[str]  # names the header binds (for-loop targets, walrus in a condition)
    written: frozenset[str]  # names written anywhere in the header or body (mutations included)
    read: frozenset[str]  # names read anywhere in the header or body


@dataclass(eq=False)
class FunctionFacts:
    """Facts about one function, class body or the module body (kind "module").

    Methods taking a `line` accept any line of a statement; a continuation line of a
    multi-line statement stands for the statement (its first line)."""

    name: str
    qualname: str
    kind: str  # "module", "function" or "class"
    def_line: int
    end_line: int
    is_async: bool
    node: tree_sitter.Node = field(repr=False)
    source: bytes = field(default=b"", repr=False)  # the module's bytes (speeds up lowering)
    # names the module binds with `import m`: calling `m.f()` is not taken as mutating `m`
    modules: frozenset[str] = field(default=frozenset(), repr=False)
    # names bound by `from m import n [as k]`: k → "m.n" (the effect tables know some)
    imported: Mapping[str, str] = field(default_factory=dict, repr=False)
    # the module's scopes, this one at `index`: calls of own functions are decided by their
    # summaries, and the statement graph lives there (`calls.Scope`)
    calls: ModuleCalls[StatementGraph] | None = field(default=None, repr=False)
    index: int = field(default=0, repr=False)
    _raw: StatementGraph | None = field(default=None, repr=False)
    _graph: StatementGraph | None = field(default=None, repr=False)
    _analysis: Analysis | None = field(default=None, repr=False)
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    # -- lowering and analyses (lazy) -------------------------------------------------------
    @property
    def raw_graph(self) -> StatementGraph:
        """The statement graph before calls of the module's own functions are decided (what
        this function's summary is computed from; `graph` is the same object, completed)."""
        if self._raw is None:
            if self.calls is not None:
                self._raw = self.calls.raw_graph(self.index)
            else:
                first = self.def_line if self.kind != "module" else 0
                context = CallContext(self.modules, self.imported)
                self._raw = build_statement_graph(
                    self.node, first, self.end_line, self.source, context
                )
        return self._raw

    @property
    def graph(self) -> StatementGraph:
        """The statement-level graph (internal representation; prefer the methods below)."""
        if self._graph is None:
            graph = self.raw_graph
            if self.calls is not None and graph.sites:
                self.calls.apply(graph)
            self._graph = graph
        return self._graph

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = analyse(self.graph)
        return self._analysis

    @property
    def params(self) -> list[str]:
        return list(self.graph.params)

    def _nodes_at(self, line: int) -> list[int]:
        table = self._cache.get("nodes_at")
        if table is None:
            built: dict[int, list[int]] = {}
            for index, node in enumerate(self.graph.nodes):
                if index != EXIT and node.line > 0:
                    built.setdefault(node.line, []).append(index)
            self._cache["nodes_at"] = built
            table = built
        assert isinstance(table, dict)
        found: list[int] | None = table.get(line)
        if found is None:  # a continuation line of a multi-line statement counts as it
            start = self.statement_line(line)
            found = table.get(start, []) if start is not None else []
        return found

    def statement_lines(self) -> list[int]:
        """The first lines of every statement (and the `def` line), sorted."""
        return sorted({n.line for i, n in enumerate(self.graph.nodes) if i != EXIT and n.line})

    def statement_line(self, line: int) -> int | None:
        """The first line of the innermost statement of this function spanning `line`."""
        best: tuple[int, int] | None = None
        for index, node in enumerate(self.graph.nodes):
            if index == EXIT or node.line <= 0:
                continue
            if node.line <= line <= node.end_line and (best is None or node.line >= best[0]):
                best = (node.line, index)
        return best[0] if best else None

    # -- control flow ---------------------------------------------------------------------
    @property
    def cfg(self) -> ControlFlowGraph:
        cached = self._cache.get("cfg")
        if isinstance(cached, ControlFlowGraph):
            return cached
        nodes = self.graph.nodes
        analysis = self.analysis

        # number blocks in reading order: entry first, then by first line, exit last
        def rank(members: list[int]) -> tuple[int, int, int]:
            first = members[0]
            group = 0 if first == ENTRY else 2 if first == EXIT else 1
            return (group, nodes[first].line, first)

        order = sorted(range(len(analysis.blocks)), key=lambda b: rank(analysis.blocks[b]))
        new_id = {old: new for new, old in enumerate(order)}
        blocks: list[Block] = []
        for old in order:
            members = analysis.blocks[old]
            first = nodes[members[0]]
            kind = "entry" if members[0] == ENTRY else "exit" if members[0] == EXIT else "body"
            lines: tuple[int, ...]
            if len(members) == 1:  # most blocks: one statement
                lines = (first.line,) if first.line > 0 else ()
                end = first.end_line
            else:
                lines = tuple(dict.fromkeys([nodes[m].line for m in members if nodes[m].line > 0]))
                end = max([nodes[m].end_line for m in members])
            blocks.append(
                Block(
                    new_id[old],
                    kind,
                    first.line,
                    end if kind != "exit" else first.line,
                    lines if kind != "exit" else (),
                    tuple([new_id[b] for b in analysis.block_succ[old]]),
                    tuple([new_id[b] for b in analysis.block_exc[old]]),
                )
            )
        graph = ControlFlowGraph(
            tuple(blocks), new_id[analysis.block_of[ENTRY]], new_id[analysis.block_of[EXIT]]
        )
        self._cache["cfg"] = graph
        return graph

    def next_lines(self, line: int, exceptions: bool = True) -> set[int]:
        """Lines whose line event can come next after `line` runs; `EXIT_LINE` means the
        function returns (or, for a `yield`, suspends). With `exceptions`, includes the `try`
        handlers a raising statement jumps to, the exits of `finally` and `with` on the way
        out, and CPython's re-raise event on a finally's last line; an exception raised
        outside any `try` that leaves the function is not listed."""
        nodes = self.graph.nodes
        found: set[int] = set()
        stack: list[int] = []
        seen: set[int] = set()
        for index in self._nodes_at(line):
            node = nodes[index]
            if node.yields:
                found.add(EXIT_LINE)
            if exceptions:
                found.update(node.phantom)
            stack.extend(node.succ[:1] if node.kind == "try" else node.succ)
            if exceptions:
                stack.extend(node.exc)
        while stack:
            index = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            if index == EXIT:
                found.add(EXIT_LINE)
                continue
            node = nodes[index]
            found.add(node.line)
            if node.untraced or node.line == line:
                stack.extend(node.succ[:1] if node.kind == "try" else node.succ)
                if exceptions:
                    stack.extend(node.exc)
        return found

    @property
    def loops(self) -> list[Loop]:
        cached = self._cache.get("loops")
        if isinstance(cached, list):
            return cached
        nodes = self.graph.nodes
        result: list[Loop] = []
        for info in self.graph.loops:
            members = [info.header, *range(info.first_body, info.end_body)]
            written = frozenset(var for m in members for var, _, _ in nodes[m].defs)
            read = frozenset(var for m in members for var in nodes[m].uses)
            targets = frozenset(var for var, _, _ in nodes[info.header].defs)
            result.append(
                Loop(
                    info.kind,
                    nodes[info.header].line,
                    info.body_start_line,
                    info.body_end_line,
                    info.is_async,
                    targets,
                    written,
                    read,
                )
            )
        result.sort(key=lambda loop: loop.header_line)
        self._cache["loops"] = result
        return result

    # -- definitions and dependencies -------------------------------------------------------
    def _reaching_nodes(self, node: int, var: str) -> list[int]:
        analysis = self.analysis
        mask = analysis.reach_in[node] & analysis.var_mask.get(var, 0)
        return [analysis.defs[bit].node for bit in bits(mask)]

    def _condition_vars(self, node: int) -> tuple[str, ...]:
        """Names a condition reads, sorted, without builtins the function never rebinds."""
        mask = self.analysis.var_mask
        condition = self.graph.nodes[node]
        if condition.kind == "except":  # the exception classes are what the clause tests
            return tuple(sorted(set(condition.uses)))
        return tuple(
            sorted({var for var in condition.uses if var not in BUILTIN_NAMES or var in mask})
        )

    def _condition_parents(self, node: int) -> list[int]:
        nodes = self.graph.nodes
        parents = self.analysis.control_parents
        # a loop header decides whether it runs again: it is its own control parent
        found: list[int] = [node] if node in parents[node] and nodes[node].condition else []
        seen = {node}
        stack = list(parents[node])
        while stack:
            parent = stack.pop()
            if parent in seen:
                continue
            seen.add(parent)
            if nodes[parent].condition:
                found.append(parent)
            else:
                stack.extend(parents[parent])
        return found

    def _sources(self) -> list[set[tuple[str, int]]]:
        """Per node: (var, definition line) for every definition reaching a variable it reads."""
        cached = self._cache.get("sources")
        if isinstance(cached, list):
            return cached
        nodes = self.graph.nodes
        analysis = self.analysis
        reach_in, var_mask, defs = analysis.reach_in, analysis.var_mask, analysis.defs
        def_lines = [nodes[site.node].line for site in defs]
        result: list[set[tuple[str, int]]] = []
        for index, node in enumerate(nodes):
            found: set[tuple[str, int]] = set()
            if node.uses:
                reaching = reach_in[index]
                for var in node.uses:
                    mask = reaching & var_mask.get(var, 0)
                    while mask:
                        low = mask & -mask
                        found.add((var, def_lines[low.bit_length() - 1]))
                        mask ^= low
            result.append(found)
        self._cache["sources"] = result
        return result

    @property
    def definitions(self) -> list[Definition]:
        """Every variable written, once per (var, line), in line order."""
        cached = self._cache.get("definitions")
        if isinstance(cached, list):
            return cached
        nodes = self.graph.nodes
        sources = self._sources()
        parents = self.analysis.control_parents
        # plain tuples while merging and sorting: dataclass comparisons are slow in bulk
        merged: dict[tuple[int, str], tuple[str, set[tuple[str, int]], set[tuple[str, int]]]] = {}
        condition_pairs: dict[int, list[tuple[str, int]]] = {}
        for index, node in enumerate(nodes):
            if not node.defs:
                continue
            data = sources[index]
            control: set[tuple[str, int]] = set()
            if parents[index]:
                for parent in self._condition_parents(index):
                    pairs = condition_pairs.get(parent)
                    if pairs is None:
                        line = nodes[parent].line
                        pairs = [(var, line) for var in self._condition_vars(parent)]
                        condition_pairs[parent] = pairs
                    control.update(pairs)
            for var, _kills, how in node.defs:
                key = (node.line, var)
                entry = merged.get(key)
                if entry is None:
                    merged[key] = (how, data, control)
                else:
                    merged[key] = (entry[0], entry[1] | data, entry[2] | control)
        # the definitions of one statement share its source sets, and a (var, line) pair
        # recurs across statements: build each tuple and each VarLine once
        var_lines: dict[tuple[str, int], VarLine] = {}
        tuples: dict[int, tuple[VarLine, ...]] = {}

        def as_tuple(pairs: set[tuple[str, int]]) -> tuple[VarLine, ...]:
            if not pairs:
                return ()
            found = tuples.get(id(pairs))
            if found is None:
                found = tuple(
                    var_lines.get(pair) or var_lines.setdefault(pair, VarLine(*pair))
                    for pair in sorted(pairs)
                )
                tuples[id(pairs)] = found
            return found

        result = [
            Definition(var, line, how, as_tuple(data), as_tuple(control))
            for (line, var), (how, data, control) in sorted(merged.items())
        ]
        self._cache["definitions"] = result
        return result

    @property
    def uses(self) -> list[VarLine]:
        """Every variable read, once per (var, line)."""
        return sorted(
            {
                VarLine(var, node.line)
                for i, node in enumerate(self.graph.nodes)
                if i != EXIT
                for var in node.uses
            }
        )

    @property
    def data_edges(self) -> list[DataEdge]:
        """All def-use edges of the function."""
        cached = self._cache.get("data_edges")
        if isinstance(cached, list):
            return cached
        nodes = self.graph.nodes
        edges = {
            (var, def_line, nodes[index].line)
            for index, found in enumerate(self._sources())
            for var, def_line in found
        }
        result = [DataEdge(*edge) for edge in sorted(edges)]
        self._cache["data_edges"] = result
        return result

    @property
    def dead_code(self) -> list[DeadCode]:
        """Code no run reaches, by the test whose known outcome cuts it off (`constants`)."""
        cached = self._cache.get("dead_code")
        if isinstance(cached, list):
            return cached
        result = dead_code(self.graph, self.analysis.executable)
        self._cache["dead_code"] = result
        return result

    def dead_at(self, line: int) -> DeadCode | None:
        """The cut-off code that `line` belongs to, if no run reaches it."""
        return next((dead for dead in self.dead_code if line in dead.lines), None)

    def reaching_definitions(self, line: int, var: str) -> set[int]:
        """Lines whose definition of `var` may reach the statement(s) starting at `line`."""
        nodes = self.graph.nodes
        at = self._nodes_at(line)
        readers = [index for index in at if var in nodes[index].uses] or at[:1]
        return {nodes[d].line for index in readers for d in self._reaching_nodes(index, var)}

    def data_dependencies(self, line: int) -> list[DataEdge]:
        """The def-use edges into the statement(s) starting at `line`."""
        return [edge for edge in self.data_edges if edge.use_line == line]

    def data_kind(self, var: str, def_line: int, use_line: int) -> str:
        """What a data edge means, for the editor to explain it: "mutation" when the use only
        names the object it changes (`d` in `d[k] = v`: the earlier contents carry over),
        "alias" when the definition changed the object through another name (`cols` after
        `self.cols.append(…)`), "call" when a call there may have changed it (`fill(rows)`,
        whose body changes its parameter; `process(rows)`, a function the analysis cannot
        read), else "value" (the value written is read)."""
        nodes = self.graph.nodes
        for index in self._nodes_at(use_line):
            node = nodes[index]
            if var in node.roots and node.uses.count(var) == node.roots.count(var):
                return "mutation"
        hows = {
            how
            for index in self._nodes_at(def_line)
            for name, _kills, how in nodes[index].defs
            if name == var
        }
        if hows == {"alias"} or hows == {"call"}:
            return hows.pop()
        return "value"

    def control_dependencies(self, line: int) -> list[ControlEdge]:
        """The conditions deciding whether `line` runs, with the variables each reads."""
        nodes = self.graph.nodes
        found: dict[int, ControlEdge] = {}
        for index in self._nodes_at(line):
            for parent in self._condition_parents(index):
                condition = nodes[parent]
                variables = self._condition_vars(parent)
                found[condition.line] = ControlEdge(condition.line, line, variables)
        return sorted(found.values())

    def lines_that_may_write(self, var: str) -> set[int]:
        """Lines with a definition of `var` (assignment, mutation, binding of any kind)."""
        return {node.line for node in self.graph.nodes if any(d[0] == var for d in node.defs)}

    def writes_at(self, line: int) -> set[str]:
        """Variables the statement(s) starting at `line` may write."""
        nodes = self.graph.nodes
        return {var for index in self._nodes_at(line) for var, _, _ in nodes[index].defs}

    def reads_at(self, line: int) -> set[str]:
        """Variables the statement(s) starting at `line` read."""
        nodes = self.graph.nodes
        return {var for index in self._nodes_at(line) for var in nodes[index].uses}

    # -- slices and information flow (analyzers/slicing.py) --------------------------------
    def backward_slice(self, line: int, var: str) -> set[int]:
        """Lines that may affect the value of `var` at `line` (data and control)."""
        return slicing.backward_slice(self, line, var)

    def forward_slice(self, line: int, var: str) -> set[int]:
        """Lines whose values or execution may be affected by `var` as written at `line`
        (or, when `line` only reads `var`, by the value it reads there)."""
        return slicing.forward_slice(self, line, var)

    def information_flow(self, line: int, var: str) -> set[VarLine]:
        """Every definition and condition variable `var` at `line` may depend on, transitively,
        through data dependencies and implicit (control) flows."""
        return {VarLine(*pair) for pair in slicing.information_flow(self, line, var)}

    def compute_all(self) -> None:
        """Force every fact (the benchmark and `deps` use it)."""
        _ = self.cfg, self.definitions, self.data_edges, self.loops
