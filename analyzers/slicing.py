"""Slices and information flow over one function's facts: what may affect a variable at a
line (backward), what it may affect (forward), and every source it may come from, implicit
flows through conditions included. `FunctionFacts` exposes these as methods.

The functions read the facts through `SliceFacts`, the few statement-level queries they need,
rather than importing `facts.py`: `FunctionFacts` calls into this module, so the one arrow runs
facts -> slicing, and `information_flow` returns `(var, line)` pairs that facts turns into its
public `VarLine`s.
"""

from __future__ import annotations

from typing import Protocol

from .dataflow import Analysis, bits
from .extract import EXIT, StatementGraph


class SliceFacts(Protocol):
    """What a slice reads of one function's facts (`facts.FunctionFacts` provides it)."""

    @property
    def graph(self) -> StatementGraph: ...

    @property
    def analysis(self) -> Analysis: ...

    def _nodes_at(self, line: int) -> list[int]:
        """The statement nodes starting at `line` (a continuation line counts as its start)."""
        ...

    def _reaching_nodes(self, node: int, var: str) -> list[int]:
        """The nodes whose definitions of `var` reach `node`."""
        ...

    def _condition_vars(self, node: int) -> tuple[str, ...]:
        """The names the condition at `node` reads."""
        ...


def criterion_nodes(facts: SliceFacts, line: int, var: str) -> list[int]:
    """Where a backward slice starts: the statement writing `var` at `line` (its value
    then depends on everything that statement reads), else the definitions of `var`
    reaching `line`; plus the conditions deciding whether `line` runs at all."""
    nodes = facts.graph.nodes
    parents = facts.analysis.control_parents
    at = facts._nodes_at(line)
    seeds = [index for index in at if any(d[0] == var for d in nodes[index].defs)]
    if not seeds:
        readers = [index for index in at if var in nodes[index].uses] or at[:1]
        for index in readers:
            seeds.extend(facts._reaching_nodes(index, var))
    for index in at:
        seeds.extend(parents[index])
    return seeds


def backward_nodes(facts: SliceFacts, seeds: list[int]) -> set[int]:
    nodes = facts.graph.nodes
    parents = facts.analysis.control_parents
    seen: set[int] = set()
    stack = list(seeds)
    while stack:
        index = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        for var in set(nodes[index].uses):
            stack.extend(facts._reaching_nodes(index, var))
        stack.extend(parents[index])
    return seen


def backward_slice(facts: SliceFacts, line: int, var: str) -> set[int]:
    """Lines that may affect the value of `var` at `line` (data and control)."""
    nodes = facts.graph.nodes
    found = backward_nodes(facts, criterion_nodes(facts, line, var))
    result = {nodes[index].line for index in found if index != EXIT and nodes[index].line}
    result.add(line)
    return result


def forward_slice(facts: SliceFacts, line: int, var: str) -> set[int]:
    """Lines whose values or execution may be affected by `var` as written at `line`
    (or, when `line` only reads `var`, by the value it reads there)."""
    nodes = facts.graph.nodes
    analysis = facts.analysis
    children: list[list[int]] = [[] for _ in nodes]
    for index, parents in enumerate(analysis.control_parents):
        for parent in parents:
            children[parent].append(index)
    users: dict[int, list[int]] = {}  # definition bit -> nodes it reaches that read it

    def readers_of(bit: int) -> list[int]:
        found = users.get(bit)
        if found is None:
            flag, name = 1 << bit, analysis.defs[bit].var
            found = [
                user
                for user, node in enumerate(nodes)
                if analysis.reach_in[user] & flag and name in node.uses
            ]
            users[bit] = found
        return found

    at = facts._nodes_at(line)
    seen: set[int] = set()
    stack: list[int] = []
    writers = [index for index in at if any(d[0] == var for d in nodes[index].defs)]
    for index in writers:  # only this variable's definition, not the statement's others
        seen.add(index)
        for bit in analysis.node_defs[index]:
            if analysis.defs[bit].var == var:
                stack.extend(readers_of(bit))
    if not writers:
        stack = [index for index in at if var in nodes[index].uses]
    while stack:
        index = stack.pop()
        if index in seen:
            continue
        seen.add(index)
        for bit in analysis.node_defs[index]:
            stack.extend(readers_of(bit))
        stack.extend(children[index])
    return {nodes[index].line for index in seen if index != EXIT and nodes[index].line}


def information_flow(facts: SliceFacts, line: int, var: str) -> set[tuple[str, int]]:
    """Every definition and condition variable `var` at `line` may depend on, transitively,
    through data dependencies and implicit (control) flows, as `(var, line)` pairs."""
    nodes = facts.graph.nodes
    analysis = facts.analysis
    found: set[tuple[str, int]] = set()
    node_stack: list[int] = []
    bit_stack: list[int] = []
    at = facts._nodes_at(line)
    writers = [index for index in at if any(d[0] == var for d in nodes[index].defs)]
    if writers:
        found.add((var, line))
        node_stack.extend(writers)
    else:
        for index in [index for index in at if var in nodes[index].uses] or at[:1]:
            mask = analysis.reach_in[index] & analysis.var_mask.get(var, 0)
            bit_stack.extend(bits(mask))
    for index in at:
        node_stack.extend(analysis.control_parents[index])
    seen_bits: set[int] = set()
    seen_nodes: set[int] = set()
    while node_stack or bit_stack:
        if bit_stack:
            bit = bit_stack.pop()
            if bit not in seen_bits:
                seen_bits.add(bit)
                site = analysis.defs[bit]
                found.add((site.var, nodes[site.node].line))
                node_stack.append(site.node)
            continue
        index = node_stack.pop()
        if index in seen_nodes:
            continue
        seen_nodes.add(index)
        node = nodes[index]
        for name in set(node.uses):
            bit_stack.extend(bits(analysis.reach_in[index] & analysis.var_mask.get(name, 0)))
        node_stack.extend(analysis.control_parents[index])
        if node.condition:
            found.update((name, node.line) for name in facts._condition_vars(index))
    return found
