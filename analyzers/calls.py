"""Calls of the module's own functions: which objects a call may change, from the callee's body.

Why: a statement like `normalise(rows)` decides whether `rows` still holds what it held before,
and so which definitions reach later reads. For a function the module defines, its body says:
its *summary* lists the parameters whose objects it may change (`p.append(…)`, `p[k] = v`, a
change through a name that shares `p`, or passing `p` on to a call that may change it) and the
names of enclosing scopes or the module it may change (`global` rebinding, `CACHE[k] = v`, a
closure's `seen.add(x)`). Summaries are computed bottom-up over the calls; recursion and mutual
recursion iterate to a fixed point (summaries only grow, so it ends).

Resolution is by name, as Python would look it up, and gives up (the call is then an unknown
call: it may change every object passed to it) where the text does not settle it:
- `g(…)`: a `def g` nested in this function or an enclosing one, or at module level; a class
  `C(…)` is its `__init__` (a class without `__init__` and without bases only stores);
- `self.m(…)` in a method of class `C`, where `self` is the method's first parameter: `C.m`
  (inheritance is not followed: a method `C` does not define is unknown);
- a function with a decorator other than `staticmethod`, `classmethod`, `property`,
  `functools.cache`/`lru_cache`/`cached_property`, `abstractmethod`, `overload` or `override`
  is unknown (a decorator may wrap the call in anything).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import tree_sitter

from .definitions import decorators
from .effects import CallContext, ReceiverFacts


class _Node(Protocol):
    defs: list[tuple[str, bool, str]]
    uses: list[str]


class StatementGraph(Protocol):
    """What summaries read of a lowered function (`extract.StatementGraph`)."""

    @property
    def nodes(self) -> Sequence[_Node]: ...
    @property
    def params(self) -> list[str]: ...
    @property
    def receivers(self) -> ReceiverFacts: ...
    @property
    def declared(self) -> set[str]: ...
    @property
    def sites(self) -> list[CallSite]: ...


Graph = TypeVar("Graph", bound=StatementGraph)


@dataclass(slots=True)
class Scope:
    """One scope of the module (its body, a def or a class) as calls see it. `ModuleCalls`
    owns these and their statement graphs once lowered; nothing here points back at the
    `facts.FunctionFacts` objects or at `ModuleCalls`, so a module's facts hold no reference
    cycle and are freed as soon as the last of them is dropped (a cycle would leave every
    graph of the module to the garbage collector, which cost a third of the analysis time)."""

    kind: str  # "module", "function" or "class"
    qualname: str
    node: tree_sitter.Node
    first_line: int  # 0 for the module body, else the `def`/`class` line
    end_line: int


_TRANSPARENT_DECORATORS = frozenset(
    [
        "staticmethod",
        "classmethod",
        "property",
        "cached_property",
        "cache",
        "lru_cache",
        "abstractmethod",
        "overload",
        "override",
    ]
)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a call of one function may change."""

    changed: frozenset[str] = frozenset()
    """Its parameters whose objects it may change."""
    free: frozenset[str] = frozenset()
    """Names it does not bind whose objects (or bindings) it may change."""


@dataclass(frozen=True, slots=True)
class Callee:
    """The functions a call may reach (several where a name is defined more than once)."""

    functions: tuple[int, ...]
    """Indices of the callees among the module's scopes (`ModuleCalls.scopes`)."""
    bound: bool
    """The first parameter is not among the call's arguments: the receiver (`self.m(x)`) or
    the new object (`C(x)`); slot -1 stands for the receiver."""


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call of the module's own functions at statement node `node`, decided by summaries."""

    node: int
    callee: Callee
    passed: tuple[tuple[str, int | str], ...]  # (name, slot) as `Scan.passes`; -1: receiver


@dataclass(frozen=True, slots=True)
class _Layout:
    positional: tuple[str, ...]
    star: str | None
    keyword_only: tuple[str, ...]
    double_star: str | None


class ModuleCalls(Generic[Graph]):
    """The module's scopes by qualified name, their statement graphs and summaries, and how a
    call resolves. A scope is named by its index in `scopes`."""

    def __init__(
        self,
        scopes: Iterable[Scope],
        lower: Callable[[Scope, CallContext], Graph],
        modules: frozenset[str] = frozenset(),
        imported: Mapping[str, str] | None = None,
    ) -> None:
        self.scopes = list(scopes)
        self._lower = lower
        self._modules = modules
        self._imported: Mapping[str, str] = imported or {}
        self._by_qualname: dict[str, list[int]] = {}
        for index, scope in enumerate(self.scopes):
            if scope.kind != "module":
                self._by_qualname.setdefault(scope.qualname, []).append(index)
        self._names = {qualname.rsplit(".", 1)[-1] for qualname in self._by_qualname}
        self._summaries: dict[int, Summary] = {}
        self._layouts: dict[int, _Layout] = {}
        self._raw: dict[int, Graph] = {}

    def raw_graph(self, index: int) -> Graph:
        """Scope `index`'s statement graph before its calls of own functions are decided,
        lowered on first use by `lower` (`extract.build_statement_graph`, which imports this
        module); `apply` completes it in place."""
        graph = self._raw.get(index)
        if graph is None:
            context = CallContext(self._modules, self._imported, self.resolver(index))
            graph = self._raw[index] = self._lower(self.scopes[index], context)
        return graph

    # -- resolution (syntactic: used while a function's graph is built) ---------------------
    def resolver(self, index: int) -> Callable[[str, str], Callee | None]:
        """How calls made in scope `index`'s body resolve: (receiver, callee) → Callee or
        None, with `Scan.passes`' receiver convention ("" for a bare name)."""
        function = self.scopes[index]
        known: dict[tuple[str, str], Callee | None] = {}
        where: list[tuple[list[str], str | None, str | None]] = []  # computed on first need

        def resolve(receiver: str, callee: str) -> Callee | None:
            if callee not in self._names:
                return None  # the module defines nothing of that name: the common case
            key = (receiver, callee)
            if key not in known:
                if not where:
                    owner = self._owning_class(function)
                    first = self._layout(index).positional[:1] if owner else ()
                    where.append((self._enclosing_scopes(function), owner, "".join(first)))
                known[key] = self._resolve(receiver, callee, *where[0])
            return known[key]

        return resolve

    def _resolve(
        self, receiver: str, callee: str, scopes: list[str], owner: str | None, first: str | None
    ) -> Callee | None:
        if not receiver:
            for scope in scopes:
                found = self._by_qualname.get(f"{scope}.<locals>.{callee}" if scope else callee)
                if found:
                    return self._callee(found)
            return None
        if owner is not None and receiver == first:
            known = self.scopes
            methods = [
                f
                for f in self._by_qualname.get(f"{owner}.{callee}", [])
                if known[f].kind == "function"
            ]
            if methods and all(_usable(known[f]) for f in methods):
                bound = not any("staticmethod" in _decorators(known[f].node) for f in methods)
                return Callee(tuple(methods), bound)
        return None

    def _callee(self, found: list[int]) -> Callee | None:
        scopes = self.scopes
        if all(scopes[f].kind == "function" for f in found):
            usable = all(_usable(scopes[f]) for f in found)
            return Callee(tuple(found), False) if usable else None
        if len(found) != 1 or not _usable(scopes[found[0]]):
            return None
        cls = scopes[found[0]]
        init = [
            f
            for f in self._by_qualname.get(f"{cls.qualname}.__init__", [])
            if scopes[f].kind == "function" and _usable(scopes[f])
        ]
        if init:
            return Callee(tuple(init), True)
        if cls.node.child_by_field_name("superclasses") is None:
            return Callee((), True)  # the default constructor stores nothing it is given
        return None

    def _enclosing_scopes(self, function: Scope) -> list[str]:
        """Qualnames of the function scopes a bare name is looked up in, innermost first;
        "" is the module. Class bodies are skipped, as Python skips them."""
        scopes: list[str] = []
        qualname = function.qualname if function.kind == "function" else ""
        if function.kind == "class" and ".<locals>." in function.qualname:
            qualname = function.qualname.rsplit(".<locals>.", 1)[0]
        while qualname:
            if self._is_function(qualname):
                scopes.append(qualname)
            head, sep, _ = qualname.rpartition(".<locals>.")
            qualname = head if sep else ""
        scopes.append("")
        return scopes

    def _is_function(self, qualname: str) -> bool:
        return any(self.scopes[f].kind == "function" for f in self._by_qualname.get(qualname, []))

    def _owning_class(self, function: Scope) -> str | None:
        if function.kind != "function" or "." not in function.qualname:
            return None
        parent = function.qualname.rsplit(".", 1)[0]
        if parent.endswith(".<locals>"):
            return None
        classes = [f for f in self._by_qualname.get(parent, []) if self.scopes[f].kind == "class"]
        return parent if classes else None

    # -- summaries ----------------------------------------------------------------------------
    def apply(self, graph: StatementGraph) -> None:
        """Add to `graph` (a function's, at its call sites) a change of every object the
        calls of own functions may change (`how` "call"): the arguments and the callees' free
        names this scope mentions, and the names sharing them (`how` "alias")."""
        if not graph.sites:
            return
        mentioned = {name for node in graph.nodes for name in node.uses}
        mentioned |= {var for node in graph.nodes for var, _, _ in node.defs}
        additions: list[tuple[int, str, str]] = []
        for site in graph.sites:
            for name in self._changed_with(site, self._summary_of):
                if name not in mentioned:
                    continue
                additions.append((site.node, name, "call"))
                additions.extend(
                    (site.node, other, "alias") for other in graph.receivers.also_changed(name)
                )
        for index, name, how in additions:
            graph.nodes[index].defs.append((name, False, how))

    def _changed_with(self, site: CallSite, summary_of: Callable[[int], Summary]) -> set[str]:
        """Names of the calling scope a call may change: the arguments its callees change,
        and the callees' free names."""
        names: set[str] = set()
        for function in site.callee.functions:
            summary = summary_of(function)
            names |= summary.free
            if not summary.changed:
                continue
            layout = self._layout(function)
            for name, slot in site.passed:
                if _parameters_for(layout, slot, site.callee.bound) & summary.changed:
                    names.add(name)
        return names

    def _summary_of(self, function: int) -> Summary:
        known = self._summaries.get(function)
        if known is not None:
            return known
        # every function reachable from here, then iterate to the least fixed point
        order: list[int] = []
        seen: set[int] = set()
        stack = [function]
        while stack:
            current = stack.pop()
            if current in seen or current in self._summaries:
                continue
            seen.add(current)
            order.append(current)
            for site in self.raw_graph(current).sites:
                stack.extend(site.callee.functions)
        local_names = {f: _local_names(self.raw_graph(f)) for f in order}
        working = {f: _direct_summary(self.raw_graph(f), local_names[f]) for f in order}

        def current_summary(callee: int) -> Summary:
            return self._summaries.get(callee) or working[callee]

        changed = True
        while changed:
            changed = False
            for current in order:
                graph = self.raw_graph(current)
                before = working[current]
                grown_changed, grown_free = set(before.changed), set(before.free)
                local = local_names[current]
                receivers = graph.receivers
                for site in graph.sites:
                    direct = self._changed_with(site, current_summary)
                    for name in direct | {n for d in direct for n in receivers.also_changed(d)}:
                        _credit(name, graph, local, grown_changed, grown_free)
                after = Summary(frozenset(grown_changed), frozenset(grown_free))
                if after != before:
                    working[current] = after
                    changed = True
        for current in order:
            self._summaries[current] = working[current]
        return self._summaries[function]

    def _layout(self, function: int) -> _Layout:
        layout = self._layouts.get(function)
        if layout is None:
            node = self.scopes[function].node
            layout = _parameter_layout(node.child_by_field_name("parameters"))
            self._layouts[function] = layout
        return layout


def _direct_summary(graph: StatementGraph, local: set[str]) -> Summary:
    """What the function's own statements change, before its calls of own functions."""
    changed: set[str] = set()
    free: set[str] = set()
    for node in graph.nodes:
        for var, kills, _how in node.defs:
            if not kills:
                _credit(var, graph, local, changed, free)
            elif var in graph.declared:
                free.add(var)  # `global g; g = …` rebinds the caller's `g`
    return Summary(frozenset(changed), frozenset(free))


def _credit(
    name: str, graph: StatementGraph, local: set[str], changed: set[str], free: set[str]
) -> None:
    """File a change of `name`'s object under a parameter or a name the function does not bind."""
    if name in graph.params:
        changed.add(name)
    elif name not in local or name in graph.declared:
        free.add(name)


def _local_names(graph: StatementGraph) -> set[str]:
    return {var for node in graph.nodes for var, kills, _ in node.defs if kills} - graph.declared


def _parameters_for(layout: _Layout, slot: int | str, bound: bool) -> set[str]:
    """The callee parameters an argument in `slot` may be bound to."""
    positional = layout.positional
    if isinstance(slot, int):
        if slot < 0 and not bound:
            return set()  # a static method does not receive its receiver
        index = slot + 1 if bound else slot
        if 0 <= index < len(positional):
            return {positional[index]}
        return {layout.star} if layout.star else set()
    if slot == "*":
        start = 1 if bound else 0
        return {*positional[start:], *([layout.star] if layout.star else [])}
    if slot == "**":
        return {
            *positional,
            *layout.keyword_only,
            *([layout.double_star] if layout.double_star else []),
        }
    if slot in positional or slot in layout.keyword_only:
        return {slot}
    return {layout.double_star} if layout.double_star else set()


def _parameter_layout(parameters: tree_sitter.Node | None) -> _Layout:
    positional: list[str] = []
    keyword_only: list[str] = []
    star: str | None = None
    double_star: str | None = None
    after_star = False
    for child in parameters.named_children if parameters is not None else ():
        kind = child.type
        if kind == "keyword_separator":
            after_star = True
            continue
        name_node = child
        if kind in ("default_parameter", "typed_default_parameter"):
            name_node = child.child_by_field_name("name") or child
        elif kind == "typed_parameter" and child.named_child_count:
            name_node = child.named_children[0]
        if name_node.type == "list_splat_pattern":
            star = _identifier(name_node)
            after_star = True
        elif name_node.type == "dictionary_splat_pattern":
            double_star = _identifier(name_node)
        elif name_node.type == "identifier":
            name = (name_node.text or b"").decode("utf-8", "replace")
            (keyword_only if after_star else positional).append(name)
    return _Layout(tuple(positional), star, tuple(keyword_only), double_star)


def _identifier(node: tree_sitter.Node) -> str | None:
    inner = node.named_children[0] if node.named_child_count else None
    if inner is None or inner.type != "identifier":
        return None
    return (inner.text or b"").decode("utf-8", "replace")


def _decorators(node: tree_sitter.Node) -> list[str]:
    """The last dotted part of each decorator's name (`functools.lru_cache(8)` → lru_cache)."""
    return [text.split("(", 1)[0].rsplit(".", 1)[-1].strip() for text in decorators(node)]


def _usable(function: Scope) -> bool:
    return all(name in _TRANSPARENT_DECORATORS for name in _decorators(function.node))
