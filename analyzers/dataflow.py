"""The analyses over a lowered function: reaching definitions, post-dominators, control
dependence and basic blocks.

Sets of definitions are Python ints used as bitsets (one bit per definition site): union,
kill and comparison are single big-int operations, which keeps the fixpoint cheap enough to run
on every function of the standard library in a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from .constants import executable_successors
from .extract import ENTRY, EXIT, StatementGraph


@dataclass(slots=True)
class DefSite:
    """One definition: node `node` writes `var`; `kills` is False for mutations."""

    node: int
    var: str
    kills: bool
    how: str


@dataclass(slots=True)
class Analysis:
    """Everything computed once per function; `FunctionFacts` answers queries from it."""

    defs: list[DefSite]
    reach_in: list[int]  # per node: bitset of definitions reaching its start
    var_mask: dict[str, int]  # per variable: bitset of its definitions
    node_defs: list[tuple[int, ...]]  # per node: its definition ids
    control_parents: list[tuple[int, ...]]  # per node: nodes it is directly control dependent on
    block_of: list[int]  # per node: its basic block index
    blocks: list[list[int]]  # per block: node ids in execution order
    block_succ: list[list[int]]
    block_exc: list[list[int]]
    executable: list[list[int]] | None = None
    """Per node, the successors some run may take (`constants`); None: every edge."""


def reverse_postorder(successors: list[list[int]], start: int) -> list[int]:
    """Nodes reachable from `start` in reverse postorder, iteratively (a stack of edge
    iterators: the hot loop of every analysis, so no tuple per visited edge)."""
    seen = [False] * len(successors)
    order: list[int] = []
    nodes = [start]
    edges = [iter(successors[start])]
    seen[start] = True
    while edges:
        for nxt in edges[-1]:
            if not seen[nxt]:
                seen[nxt] = True
                nodes.append(nxt)
                edges.append(iter(successors[nxt]))
                break
        else:
            edges.pop()
            order.append(nodes.pop())
    order.reverse()
    return order


STORED_LAST = frozenset({"assign", "for", "def"})
"""How a statement binds names when it binds them only after everything else in it ran
(`x = f()`, `for a, b in pairs:`, `def g(): …`): when such a statement raises, none of its
definitions happened, so the exceptional edge carries what reached it, not what it wrote.
Not augmented assignments (`xs += gen()` may extend xs before `gen` raises), walruses, imports
(`from m import a, b` binds a before b fails), `with` (each item binds in turn), match captures
(a guard runs after them), nor any statement that also changes an object."""


def reaching_definitions(
    graph: StatementGraph, executable: list[list[int]] | None = None
) -> tuple[list[DefSite], list[int], dict[str, int], list[tuple[int, ...]]]:
    """Forward may-analysis over normal and exceptional edges; mutations generate and kill
    only where the statement always changes the object (`StatementNode.changes`); an
    exceptional edge carries what reached the statement plus what it may have written before
    raising (`STORED_LAST`).
    `executable` (from `constants.executable_successors`) drops the edges no run can take."""
    nodes = graph.nodes
    count = len(nodes)
    defs: list[DefSite] = []
    var_mask: dict[str, int] = {}
    node_defs: list[tuple[int, ...]] = [()] * count  # a node's bits are consecutive
    for index, node in enumerate(nodes):
        if not node.defs:
            continue
        first = len(defs)
        for var, kills, how in node.defs:
            bit = len(defs)
            defs.append(DefSite(index, var, kills, how))
            var_mask[var] = var_mask.get(var, 0) | (1 << bit)
        node_defs[index] = tuple(range(first, len(defs)))
    gen = [0] * count
    gen_raising = [0] * count
    raising = [bool(node.raises_to or node.raises_into_finally) for node in nodes]
    keep = [-1] * count
    for index, node in enumerate(nodes):
        kill = 0
        for bit in node_defs[index]:
            gen[index] |= 1 << bit
            site = defs[bit]
            if site.kills:
                kill |= var_mask[site.var]
        if not node.raises_into_finally:
            for var in node.changes:
                kill |= var_mask[var]
        keep[index] = ~kill
        if raising[index] and any(how not in STORED_LAST for _, _, how in node.defs):
            gen_raising[index] = gen[index]
    successors = executable or [node.edges for node in nodes]
    order = reverse_postorder(successors, ENTRY)
    preds: list[list[int]] = [[] for _ in range(count)]
    raising_preds: list[list[int]] = [[] for _ in range(count)]
    for index in order:
        node = nodes[index]
        if node.raises_into_finally:
            # the statement may not have finished: the finally body or the with's exit also
            # sees what reached it (a path that completed passes on its out-set as well)
            for nxt in node.exc:
                raising_preds[nxt].append(index)
        if not node.raises_to:
            for nxt in successors[index]:
                preds[nxt].append(index)
            continue
        for nxt in successors[index]:
            if nxt in node.raises_to:
                raising_preds[nxt].append(index)
                if nxt in node.succ or nxt in node.passes_on:
                    preds[nxt].append(index)
            else:
                preds[nxt].append(index)
    # A loop whose body runs at least once is left from its header only after a round: along
    # that edge, the header passes on what came back from the body, not what entered the loop.
    once = [loop for loop in graph.loops if loop.runs_once]
    back = {  # such a header -> its predecessors inside the loop
        loop.header: [p for p in preds[loop.header] if loop.header <= p < loop.end_body]
        for loop in once
    }
    rounds: dict[int, list[int]] = {}  # node after such a header -> those headers
    for loop in once:
        for nxt in nodes[loop.header].succ:
            if not loop.header <= nxt < loop.end_body and loop.header in preds[nxt]:
                preds[nxt].remove(loop.header)
                rounds.setdefault(nxt, []).append(loop.header)

    reach_in = [0] * count
    out = [0] * count

    # per node in visiting order: its predecessors, the loops it leaves after a round, its
    # raising predecessors and whether it raises itself (its reach_in then feeds others)
    plan = [
        (index, preds[index], rounds.get(index), raising_preds[index], raising[index])
        for index in order
    ]

    def solve() -> None:
        # without loops the graph is acyclic and one pass in reverse postorder is the fixpoint
        changed = True
        cyclic = bool(graph.loops)
        while changed:
            changed = False
            for index, from_preds, after_rounds, from_raising, raises in plan:
                incoming = 0
                for pred in from_preds:
                    incoming |= out[pred]
                if after_rounds:
                    for header in after_rounds:
                        incoming |= _after_a_round(header, back, rounds, out, keep, gen)
                if from_raising:
                    for pred in from_raising:
                        incoming |= reach_in[pred] | gen_raising[pred]
                if raises and incoming != reach_in[index]:
                    changed = cyclic
                reach_in[index] = incoming
                new_out = (incoming & keep[index]) | gen[index]
                if new_out != out[index]:
                    out[index] = new_out
                    changed = cyclic

    solve()
    filling = [
        (index, var)
        for index, node in enumerate(nodes)
        if not node.raises_into_finally
        for var in node.fills
    ]
    while filling:
        # `d[k] = v` where every definition of `d` reaching it is `d = {}`: the store adds a
        # key, so it ends their reach like an assignment; kills only shrink the sets, so
        # solve again from nothing until no other store qualifies
        empty = [
            (index, var)
            for index, var in filling
            if (mask := reach_in[index] & var_mask.get(var, 0))
            and all(var in nodes[defs[bit].node].empties for bit in bits(mask))
        ]
        if not empty:
            break
        for index, var in empty:
            keep[index] &= ~var_mask[var]
            filling.remove((index, var))
        reach_in[:] = [0] * count
        out[:] = [0] * count
        solve()
    return defs, reach_in, var_mask, node_defs


def _after_a_round(
    header: int,
    back: dict[int, list[int]],
    rounds: dict[int, list[int]],
    out: list[int],
    keep: list[int],
    gen: list[int],
) -> int:
    """What `header` passes on when it leaves its loop (an inner such loop's header among its
    predecessors passes on its own round's). A module function, not a closure: a closure that
    calls itself is a reference cycle, which would keep the analysis's lists alive until the
    garbage collector ran."""
    again = 0
    for pred in back[header]:
        inner = header in rounds and pred in rounds[header]
        again |= _after_a_round(pred, back, rounds, out, keep, gen) if inner else out[pred]
    return (again & keep[header]) | gen[header]


def bits(mask: int) -> list[int]:
    """Indices of the set bits of `mask`, lowest first."""
    found: list[int] = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


def post_dominator_tree(graph: StatementGraph) -> list[int]:
    """Immediate post-dominator of every node over normal edges (-1 where undefined).

    Nodes that cannot reach the exit (endless loops) get a virtual edge to it, the usual
    augmentation, so that every reachable node has a post-dominator.
    """
    nodes = graph.nodes
    count = len(nodes)
    forward = [list(node.succ) for node in nodes]
    reverse: list[list[int]] = [[] for _ in range(count)]
    for index, edges in enumerate(forward):
        for nxt in edges:
            reverse[nxt].append(index)
    order = reverse_postorder(reverse, EXIT)
    if len(order) < count:
        reaches_exit = set(order)
        stranded = [i for i in reverse_postorder(forward, ENTRY) if i not in reaches_exit]
        if stranded:
            for index in stranded:
                forward[index].append(EXIT)
                reverse[EXIT].append(index)
            order = reverse_postorder(reverse, EXIT)
    rank = [-1] * count
    for position, index in enumerate(order):
        rank[index] = position
    ipdom = [-1] * count
    ipdom[EXIT] = EXIT
    changed = True
    while changed:
        changed = False
        for index in order:
            if index == EXIT:
                continue
            new = -1
            for succ in forward[index]:
                if ipdom[succ] == -1:
                    continue
                if new == -1:
                    new = succ
                    continue
                a, b = succ, new
                while a != b:
                    while rank[a] > rank[b]:
                        a = ipdom[a]
                    while rank[b] > rank[a]:
                        b = ipdom[b]
                new = a
            if new != ipdom[index]:
                ipdom[index] = new
                changed = True
    return ipdom


def control_dependence(graph: StatementGraph, ipdom: list[int]) -> list[tuple[int, ...]]:
    """For every node, the branch nodes it is directly control dependent on (Ferrante et al.).
    Tuples: most nodes have none, and an empty list per node was garbage-collector work."""
    parents: list[list[int]] = [[] for _ in range(len(graph.nodes))]
    for index, node in enumerate(graph.nodes):
        if len(node.succ) < 2:
            continue
        stop = ipdom[index]
        for succ in node.succ:
            runner = succ
            while runner != stop and runner != -1 and runner != EXIT:
                if index not in parents[runner]:
                    parents[runner].append(index)
                runner = ipdom[runner]
    # An except clause decides whether its body runs; the matching is modelled with an
    # exceptional edge, so attach the body's outermost statements to the clause here.
    for header, start, end in graph.handlers:
        for index in range(start, end):
            if not any(start <= parent < end for parent in parents[index]):
                parents[index] = [header]
    return [tuple(found) if found else () for found in parents]


def basic_blocks(
    graph: StatementGraph,
) -> tuple[list[list[int]], list[int], list[list[int]], list[list[int]]]:
    """Group statement nodes into maximal straight-line blocks over normal edges.

    A node continues its predecessor's block when it is that block's only way on and the
    predecessor its only way in; branch nodes (conditions), handler targets, the entry and
    the exit always start blocks of their own.
    """
    nodes = graph.nodes
    count = len(nodes)
    pred_count = [0] * count
    starts = [True] * count
    for node in nodes:
        for nxt in node.succ:
            pred_count[nxt] += 1
        for nxt in node.exc:
            pred_count[nxt] += 2  # never joined to a predecessor
    follower = [-1] * count
    for index in range(EXIT + 1, count):
        node = nodes[index]
        if len(node.succ) == 1 and not node.condition:
            nxt = node.succ[0]
            if nxt > EXIT and pred_count[nxt] == 1 and not nodes[nxt].condition:
                follower[index] = nxt
                starts[nxt] = False
    block_of = [-1] * count
    blocks: list[list[int]] = []
    for pass_starts in (starts, [True] * count):  # the second pass catches headless cycles
        for start in range(count):
            if not pass_starts[start] or block_of[start] != -1:
                continue
            members = []
            current = start
            while current != -1 and block_of[current] == -1:
                block_of[current] = len(blocks)
                members.append(current)
                current = follower[current]
            blocks.append(members)
    block_succ: list[list[int]] = []
    block_exc: list[list[int]] = []
    for members in blocks:
        targets = [block_of[n] for n in nodes[members[-1]].succ]
        block_succ.append(list(dict.fromkeys(targets)) if len(targets) > 1 else targets)
        if graph.handlers or any(nodes[m].exc for m in members):
            exc = [block_of[n] for m in members for n in nodes[m].exc]
            block_exc.append(list(dict.fromkeys(exc)))
        else:
            block_exc.append([])
    return blocks, block_of, block_succ, block_exc


def analyse(graph: StatementGraph) -> Analysis:
    """Run every analysis of one function."""
    executable = executable_successors(graph)
    defs, reach_in, var_mask, node_defs = reaching_definitions(graph, executable)
    if any(len(node.succ) > 1 for node in graph.nodes):
        parents = control_dependence(graph, post_dominator_tree(graph))
    else:  # straight-line code (most small functions): nothing is control dependent
        parents = [()] * len(graph.nodes)
    blocks, block_of, block_succ, block_exc = basic_blocks(graph)
    return Analysis(
        defs,
        reach_in,
        var_mask,
        node_defs,
        parents,
        block_of,
        blocks,
        block_succ,
        block_exc,
        executable,
    )
