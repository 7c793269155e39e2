"""The arrows of the design notes, checked on the source: no import cycles, no import the wrong way.

Every module of the `neurodebug` package (the root folder `neurodebug/` and the four part folders
that setup.py maps into it) is read with `ast`, never imported, so a broken or slow module cannot
hide an arrow. An import counts wherever it is written: at the top, inside a function (a lazy
import is still a dependency, and a cycle broken only by laziness comes back the day someone
moves the import up), under `if TYPE_CHECKING:`, and through `importlib.import_module` (a string
literal, or a table of module names in the same file that the call walks: the CLI's commands,
the server's features, the rule registry). An import names the module it loads (`from pkg
import mod` names `pkg.mod` when that is a module, else `pkg`); the parent packages Python runs
on the way are not edges, or every `__init__` that re-exports a submodule would make a cycle.

Each rule's checker is a plain function over a graph, and a self-test feeds it a small graph
that breaks the rule, so a checker that silently passes everything fails here too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PACKAGE = "neurodebug"
PARTS = {
    "neurodebug": "neurodebug",
    "neurodebug.server": "server",
    "neurodebug.analyzers": "analyzers",
    "neurodebug.neural_debugger": "neural_debugger",
    "neurodebug.kernels": "kernels",
}
"""Import prefix -> folder, as setup.py maps them."""

PROTOCOL_PACKAGES = frozenset({"pygls", "lsprotocol"})

Graph = Mapping[str, set[str]]


# --------------------------------------------------------------------------------------------
# Reading the package


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (`pkg/__init__.py` is `pkg`)."""
    found: dict[str, Path] = {}
    for prefix, folder in PARTS.items():
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT / folder).with_suffix("")
            if "__pycache__" in relative.parts:
                continue
            parts = [part for part in relative.parts if part != "__init__"]
            found[".".join([prefix, *parts])] = path
    return found


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of `from <level dots><name> import ...` written in `module`."""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name]) if name else ".".join(base)


def _is_import_module(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )


def _dynamic_prefix(argument: ast.expr, module: str, is_package: bool) -> str | None:
    """`pkg` for `import_module(f"{__package__}.{name}")` (or `{__name__}` in a package)."""
    if not isinstance(argument, ast.JoinedStr) or len(argument.values) < 2:
        return None
    head, dot = argument.values[0], argument.values[1]
    if not (isinstance(dot, ast.Constant) and dot.value == "."):
        return None
    if not (isinstance(head, ast.FormattedValue) and isinstance(head.value, ast.Name)):
        return None
    if head.value.id == "__name__" or (head.value.id == "__package__" and is_package):
        return module
    if head.value.id == "__package__":
        return module.rpartition(".")[0]
    return None


def imported_names(
    source: str, module: str, is_package: bool, known: Iterable[str] = ()
) -> set[str]:
    """Every absolute module name `source` imports, anywhere in the file.

    `from pkg import name` gives `pkg.name` when that is one of the `known` modules, else `pkg`.
    `importlib.import_module("literal")` names its literal. A module that passes a variable
    instead loads it from a table of names in the same file (the CLI's commands, the server's
    features, the rule registry): there every string that is one of the `known` modules counts,
    and so does every string `s` for which `pkg.s` is, when the call reads `f"{__package__}.{s}"`.
    """
    modules = set(known)
    names: set[str] = set()
    tree = ast.parse(source)
    dynamic = False
    prefixes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                full = f"{base}.{alias.name}"
                names.add(full if full in modules else base)
        elif isinstance(node, ast.Call) and _is_import_module(node) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if not first.value.startswith("."):
                    names.add(first.value)
                continue
            dynamic = True
            prefix = _dynamic_prefix(first, module, is_package)
            if prefix is not None:
                prefixes.add(prefix)
    if dynamic:
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                candidates = {node.value, *(f"{prefix}.{node.value}" for prefix in prefixes)}
                names.update(candidates & modules)
    return names


def _owner(name: str, modules: Mapping[str, Path]) -> str | None:
    """The package module that `name` loads: itself, else its longest prefix that is one."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


@dataclass(repr=False)  # a failing test prints its fixtures: keep that short
class Package:
    """The package's modules and imports, as read from the source."""

    files: dict[str, Path]
    graph: dict[str, set[str]]
    """Module -> the package modules it imports."""
    external: dict[str, set[str]]
    """Module -> the top-level names of what it imports from outside the package."""

    @property
    def inits(self) -> set[str]:
        return {name for name, path in self.files.items() if path.name == "__init__.py"}


def read_package() -> Package:
    files = module_files()
    graph: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    for module, path in files.items():
        source = path.read_text(encoding="utf-8")
        names = imported_names(source, module, path.name == "__init__.py", files)
        inside = {name for name in names if name == PACKAGE or name.startswith(PACKAGE + ".")}
        owners = {_owner(name, files) for name in inside}
        graph[module] = {owner for owner in owners if owner is not None and owner != module}
        external[module] = {name.split(".")[0] for name in names - inside if name}
    return Package(files, graph, external)


# --------------------------------------------------------------------------------------------
# Checkers: pure functions over a graph


def find_cycles(graph: Graph) -> list[list[str]]:
    """One concrete cycle per strongly connected component that has one, as a module path
    that ends where it starts (`[a, b, a]`); empty when the graph is acyclic."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def enter(node: str, work: list[tuple[str, list[str]]]) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        work.append((node, sorted(graph.get(node, ()), reverse=True)))

    for root in sorted(graph):  # Tarjan's algorithm, iterative: the graph may be deep
        if root in order:
            continue
        work: list[tuple[str, list[str]]] = []
        enter(root, work)
        while work:
            node, children = work[-1]
            if children:
                child = children.pop()
                if child not in order:
                    enter(child, work)
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)

    cycles = [
        _shortest_cycle(graph, min(component), component)
        for component in components
        if len(component) > 1 or min(component) in graph.get(min(component), ())
    ]
    return sorted(cycles)


def _shortest_cycle(graph: Graph, start: str, within: set[str]) -> list[str]:
    """The shortest path `start -> ... -> start` inside one strongly connected component."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for child in sorted(graph.get(node, ())):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child in within and child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def _under(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def forbidden_imports(
    graph: Graph, importers: Iterable[str], imported: Iterable[str]
) -> list[tuple[str, str]]:
    """(importer, imported) for every edge from a module under one of `importers` to one under
    one of `imported` (dotted prefixes; a prefix covers the module itself and everything below)."""
    importers, imported = tuple(importers), tuple(imported)
    return sorted(
        (module, target)
        for module, targets in graph.items()
        if _under(module, importers)
        for target in targets
        if _under(target, imported)
    )


def modules_without_protocol(
    graph: Graph, external: Mapping[str, set[str]], modules: Iterable[str]
) -> list[str]:
    """Those of `modules` that neither import pygls / lsprotocol themselves nor import one of
    `modules` that does: code that can run without the protocol, so it is no glue."""
    group = set(modules)
    speaks = {module for module in group if external.get(module, set()) & PROTOCOL_PACKAGES}
    return sorted(
        module for module in group - speaks if not graph.get(module, set()) & (speaks - {module})
    )


# --------------------------------------------------------------------------------------------
# The checkers can fail


def test_cycle_finder_reports_each_cycle_with_its_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "e"]]
    assert find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_import_reader_sees_lazy_typing_and_string_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import sibling, helper\n"
        "from ..other import thing\n"
        "if TYPE_CHECKING:\n"
        "    from neurodebug.server.app import Server\n"
        "def later():\n"
        "    import neurodebug.cost.profiling\n"
        "    return importlib.import_module('neurodebug.bench.lsp')\n"
    )
    known = {"neurodebug.parts.sibling", "neurodebug.other"}
    names = imported_names(source, "neurodebug.parts.mod", False, known)
    assert names == {
        "typing",
        "neurodebug.parts.sibling",  # a module: the edge goes to it
        "neurodebug.parts",  # `helper` is no module, so an attribute of the package
        "neurodebug.other",
        "neurodebug.server.app",
        "neurodebug.cost.profiling",
        "neurodebug.bench.lsp",
    }
    assert imported_names("from . import x\n", "neurodebug.parts", True) == {"neurodebug.parts"}
    table = (
        "import importlib\n"
        "NAMES = ('neurodebug.parts.one', 'not.ours')\n"
        "SHORT = ('two', 'nothing')\n"
        "for name in NAMES:\n"
        "    importlib.import_module(name)\n"
        "for name in SHORT:\n"
        "    importlib.import_module(f'{__package__}.{name}')\n"
    )
    known = {"neurodebug.parts.one", "neurodebug.parts.two", "neurodebug.parts.nothing_else"}
    names = imported_names(table, "neurodebug.parts.registry", False, known)
    assert names == {"importlib", "neurodebug.parts.one", "neurodebug.parts.two"}


def test_layer_checker_flags_a_wrong_way_import() -> None:
    graph = {
        "neurodebug.analyzers.facts": {"neurodebug.server.app", "neurodebug.analyzers.extract"},
        "neurodebug.server.app": {"neurodebug.analyzers.facts"},
    }
    found = forbidden_imports(graph, ["neurodebug.analyzers"], ["neurodebug.server"])
    assert found == [("neurodebug.analyzers.facts", "neurodebug.server.app")]


def test_glue_checker_flags_domain_code_in_the_server() -> None:
    graph = {"s.app": {"s.util"}, "s.feature": {"s.app"}, "s.util": set(), "s.pure": {"s.util"}}
    external = {"s.app": {"pygls"}, "s.feature": set(), "s.util": {"re"}, "s.pure": set()}
    assert modules_without_protocol(graph, external, graph) == ["s.pure", "s.util"]


# --------------------------------------------------------------------------------------------
# The package keeps the arrows


@pytest.fixture(scope="module")
def package() -> Package:
    return read_package()


def test_the_reader_sees_the_whole_package(package: Package) -> None:
    """Guards the checks below: an empty or edge-less graph would pass them all."""
    assert len(package.files) > 100
    assert set(PARTS) <= set(package.files)
    assert "neurodebug.analyzers.dataflow" in package.graph["neurodebug.analyzers.facts"]


def test_no_import_cycles(package: Package) -> None:
    cycles = find_cycles(package.graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_parts_never_import_the_server_or_the_cli(package: Package) -> None:
    """analyzers, neural_debugger and kernels know nothing of LSP or of the commands on top."""
    found = forbidden_imports(
        package.graph,
        ["neurodebug.analyzers", "neurodebug.neural_debugger", "neurodebug.kernels"],
        ["neurodebug.server", "neurodebug.commands", "neurodebug.bench", "neurodebug.cost"],
    )
    assert not found, "\n".join(f"{a} imports {b}" for a, b in found)


def test_neural_debugger_imports_run_predict_model_groundtruth(package: Package) -> None:
    nd = "neurodebug.neural_debugger"
    found = forbidden_imports(
        package.graph, [f"{nd}.groundtruth"], [f"{nd}.model", f"{nd}.predict"]
    ) + forbidden_imports(package.graph, [f"{nd}.model"], [f"{nd}.predict"])
    assert not found, "\n".join(f"{a} imports {b}" for a, b in found)


PROTOCOL_GLUE_WITHOUT_LSP_TYPES = {
    "neurodebug.server.options": "the schema of what an editor may send as initializationOptions "
    "or workspace/configuration, validated into one dataclass; it needs no LSP type, and no "
    "other part has a use for editor settings",
}
"""Server modules that are protocol glue although they import no protocol library, and why."""


def test_server_modules_are_protocol_glue(package: Package) -> None:
    """The rule: every module under server/ but the `__init__`s imports `lsprotocol` or
    `pygls` (anywhere in the file), or imports another server module that does itself.

    A pragmatic stand-in for "server/ is protocol only": a module that could run without the
    protocol libraries is domain code, and its home is analyzers/, neural_debugger/ or the
    package root, where the CLI can use it too.
    """
    server = [
        module
        for module in package.files
        if _under(module, ["neurodebug.server"]) and module not in package.inits
    ]
    found = [
        module
        for module in modules_without_protocol(package.graph, package.external, server)
        if module not in PROTOCOL_GLUE_WITHOUT_LSP_TYPES
    ]
    assert not found, "server modules that are not protocol glue:\n" + "\n".join(found)
