"""The entry call of a function: the call to predict or verify when the user names none.

One place decides, for the server (the Predict lens, `neurodebug.predict` / `verify` / stepping
without an `entry`), the CLI (`neurodebug predict` without `--call`) and the predicted-cost
estimate. The first of these wins:

1. an entry comment, `# neurodebug: f(3, [1, 2])`, on the line above the `def` or inside the
   function;
2. a doctest line calling the function in its own docstring (or anywhere inside it),
   `>>> f(3, [1, 2])`;
3. a doctest line calling it in the module's docstring;
4. the first call `f(literal, …)` inside a `test_*` function of the module's test file
   (`test_<module>.py` beside it or in a `tests/` folder beside it or above it).

A callee may be dotted (`# neurodebug: Stack().push(1)`), so a method's entry is found too. A
method (first parameter `self` or `cls` inside a class) only takes a call that names its
receiver: one that constructs it (`Stack().push(1)`) or, for `cls`, names the class
(`Stack.create(1)`). Pure text and `ast` work: nothing runs, test files are only read.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ENTRY_COMMENT = re.compile(r"#\s*neurodebug:\s*(?P<call>[A-Za-z_][\w.]*\(.*\))\s*$")
"""`# neurodebug: f(3, [1, 2])` at the end of a line; the callee may be dotted (`C.m(…)`)."""

_DOCTEST = re.compile(r"^\s*>>>\s*(?P<call>[A-Za-z_][\w.()]*\(.*\))\s*$")
_DOCSTRING_START = re.compile(r"^[rRuU]?(\"\"\"|''')")

Receiver = Literal["self", "cls"]
"""The first parameter of a method, which an entry call must supply."""

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
"""A folder holding one of these is the project root: test files are not looked for above it."""

_MAX_FOLDERS_UP = 5


@dataclass(frozen=True)
class Entry:
    """An entry call and where it was found."""

    call: str
    origin: str
    """`comment`, `doctest`, `module doctest` or `test <path>:<line>`."""


def entry_comment(line: str) -> str | None:
    """The call written in a `# neurodebug: …` comment on this line, or None."""
    match = ENTRY_COMMENT.search(line)
    return match.group("call") if match else None


def entry_comments(source: str) -> Iterator[tuple[int, str]]:
    """Every `# neurodebug: …` comment of a source as (1-based line, call), in order."""
    for number, line in enumerate(source.splitlines(), start=1):
        call = entry_comment(line)
        if call is not None:
            yield number, call


def find_entry(
    source: str,
    def_line: int,
    end_line: int,
    name: str,
    *,
    path: Path | None = None,
    receiver: Receiver | None = None,
) -> Entry | None:
    """The entry call of the function `name` on lines def_line..end_line (1-based) of the
    module `source` (saved at `path`, when it is a file: then its test file is read too), in
    the order of the module docstring; None when there is none."""
    lines = source.splitlines()
    own = range(max(0, def_line - 2), min(len(lines), end_line))

    def usable(call: str) -> bool:
        return calls(call, name) and (receiver is None or names_receiver(call, receiver))

    for index in own:
        call = entry_comment(lines[index])
        if call is not None and usable(call):
            return Entry(call, "comment")
    for index in own:
        match = _DOCTEST.match(lines[index])
        if match and usable(match.group("call")):
            return Entry(match.group("call"), "doctest")
    for line in module_docstring_lines(lines):
        match = _DOCTEST.match(line)
        if match and usable(match.group("call")):
            return Entry(match.group("call"), "module doctest")
    if path is not None and receiver is None:
        for test_file in module_test_files(path):
            found = first_test_call(test_file, name, path.stem)
            if found is not None:
                return found
    return None


def configured_entry(
    source: str,
    def_line: int,
    end_line: int,
    name: str,
    *,
    path: Path | None = None,
    receiver: Receiver | None = None,
) -> str | None:
    """The call of `find_entry`, or None."""
    found = find_entry(source, def_line, end_line, name, path=path, receiver=receiver)
    return found.call if found is not None else None


def entry_of_function(source: str, name: str, path: Path | None = None) -> Entry | None:
    """`find_entry` for the function named `name` (or qualname `C.m`) of a module that parses;
    None when the module does not parse or defines no such function."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = named_def(tree, name)
    if found is None:
        return None
    node, receiver = found
    end = node.end_lineno or node.lineno
    return find_entry(source, node.lineno, end, node.name, path=path, receiver=receiver)


def named_def(
    tree: ast.Module, name: str
) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, Receiver | None] | None:
    """The def `name` names, with its receiver: a qualname (`f`, `Stack.push`), or a bare
    method name (`push`) when one class of the module defines it and no function has it."""
    found = _find_def(tree.body, name.split("."), None)
    if found is None and "." not in name:
        methods = [
            hit
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            and (hit := _find_def(node.body, [name], node)) is not None
        ]
        found = methods[0] if len(methods) == 1 else None
    return found


def _find_def(
    body: list[ast.stmt], parts: list[str], owner: ast.ClassDef | None
) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, Receiver | None] | None:
    """The def named by `parts` (a qualname's pieces) in `body`, with its receiver."""
    for node in body:
        if isinstance(node, ast.ClassDef) and len(parts) > 1 and node.name == parts[0]:
            return _find_def(node.body, parts[1:], node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and parts == [node.name]:
            return node, _receiver(node) if owner is not None else None
    return None


def _receiver(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Receiver | None:
    positional = [*node.args.posonlyargs, *node.args.args]
    first = positional[0].arg if positional else None
    static = any(
        isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
        for decorator in node.decorator_list
    )
    return None if static else "self" if first == "self" else "cls" if first == "cls" else None


def module_docstring_lines(lines: list[str]) -> list[str]:
    """The lines of the module's docstring (a triple-quoted string first in the module, after
    comments and blank lines); read as text, so a module that does not parse still has one."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        start = _DOCSTRING_START.match(stripped)
        if start is None:
            return []
        quote = start.group(1)
        rest = stripped[start.end() :]
        if quote in rest:
            return [rest[: rest.index(quote)]]
        found = [rest]
        for following in lines[index + 1 :]:
            if quote in following:
                found.append(following[: following.index(quote)])
                return found
            found.append(following)
        return found
    return []


def module_test_files(path: Path) -> list[Path]:
    """The test files of the module at `path` that exist: `test_<module>.py` beside it, in a
    `tests/` folder beside it, or in a `tests/` folder of a folder above (up to the project
    root), nearest first."""
    name = f"test_{path.stem}.py"
    folder = path.resolve().parent
    candidates = [folder / name]
    for _ in range(_MAX_FOLDERS_UP):
        candidates.append(folder / "tests" / name)
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            break
        if folder.parent == folder:
            break
        folder = folder.parent
    seen: set[Path] = set()
    found = []
    for candidate in candidates:
        if candidate not in seen and candidate != path.resolve() and candidate.is_file():
            seen.add(candidate)
            found.append(candidate)
    return found


def first_test_call(test_file: Path, name: str, module: str) -> Entry | None:
    """The first call `name(literal, …)` (or `<module>.name(…)`) inside a `test_*` function of
    `test_file`, in source order, as an entry; the test is read, never run."""
    try:
        stat = test_file.stat()
    except OSError:
        return None
    return _test_entries(test_file, stat.st_mtime_ns, stat.st_size, module).get(name)


@functools.lru_cache(maxsize=64)
def _test_entries(test_file: Path, _mtime: int, _size: int, module: str) -> dict[str, Entry]:
    """Each function's first literal call in the test file (cached while the file is unchanged:
    the code lens asks for every function of a module at once)."""
    try:
        text = test_file.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return {}
    aliases = {module} | _module_aliases(tree, module)
    found: dict[str, Entry] = {}
    for test in _test_functions(tree):
        nodes = [node for node in ast.walk(test) if isinstance(node, ast.Call)]
        for node in sorted(nodes, key=lambda call: (call.lineno, call.col_offset)):
            name = _module_function(node, aliases)
            if name is not None and name not in found and _literal_arguments(node):
                call = ast.Call(ast.Name(name, ast.Load()), node.args, node.keywords)
                found[name] = Entry(ast.unparse(call), f"test {test_file}:{node.lineno}")
    return found


def _test_functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """`test_*` functions at the top level and in `Test*` classes, in source order."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("test"):
                yield node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    member.name.startswith("test")
                ):
                    yield member


def _module_aliases(tree: ast.Module, module: str) -> set[str]:
    """Names the test binds to the module: `import pkg.module as m`, `from pkg import module`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.rpartition(".")[2] == module and alias.asname:
                    found.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == module:
                    found.add(alias.asname or alias.name)
    return found


def _module_function(node: ast.Call, modules: set[str]) -> str | None:
    """The name of the function `node` calls when that may be the module's: `f(…)`,
    `module.f(…)` or `pkg.module.f(…)`; None for any other callee."""
    function = node.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        value = function.value
        if isinstance(value, ast.Name) and value.id in modules:
            return function.attr
        if isinstance(value, ast.Attribute) and value.attr in modules:
            return function.attr
    return None


def _literal_arguments(node: ast.Call) -> bool:
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        return False
    if any(keyword.arg is None for keyword in node.keywords):
        return False
    for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
        try:
            ast.literal_eval(argument)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False
    return True


def calls(text: str, name: str) -> bool:
    """Whether `text` is a call expression whose callee is `name` (`name(…)` or `x.name(…)`)."""
    expression = _call(text)
    if expression is None:
        return False
    function = expression.func
    called = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
    return bool(called == name)


def names_receiver(text: str, receiver: Receiver) -> bool:
    """Whether the call `text` supplies a method's receiver: it constructs the object
    (`Stack().push(1)`, `Stack(2).push(1)`), or, for a `cls` method, names the class
    (`Stack.create(1)`)."""
    expression = _call(text)
    if expression is None or not isinstance(expression.func, ast.Attribute):
        return False
    owner = expression.func.value
    if isinstance(owner, ast.Call):
        return True
    return receiver == "cls" and isinstance(owner, ast.Name | ast.Attribute)


def _call(text: str) -> ast.Call | None:
    try:
        expression = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    return expression if isinstance(expression, ast.Call) else None
