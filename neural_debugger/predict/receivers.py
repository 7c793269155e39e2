"""What `self` or `cls` shows when an entry call names a method through its receiver.

Why: an entry such as `# neurodebug: Stack().push(1)` (the form `groundtruth.entries` finds
for methods) used to be bound like `push(1)`: `self` got `1` and `item` nothing, so every
prediction of a method entry started from a state no run has. A debugger shows, at the method's
`call` stop, the object the call built: `<__neurodebug_main__.Stack object>` for a plain class
(the tracer and the debugpy runner run a file as the module `__neurodebug_main__`), the
keyword-form repr `Span(start=1, stop=4)` for a dataclass or named tuple the source defines with
their generated repr, `<class '__neurodebug_main__.Stack'>` for a `classmethod` called on its
class (inside a package: `<pkg.__neurodebug_main__.Stack object>`). And before it, the class's
own `__init__` (when the source writes one) runs and is traced, so a prediction of the whole
call starts there (`constraints.entry_states`).

`Stack.push(stack, 1)` (the unbound form) binds as written: its first argument is `self`.
Nothing runs: the constructor's arguments must be literals, as any entry's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from neurodebug.neural_debugger.groundtruth.recorder import RUN_MODULE, safe_repr
from neurodebug.neural_debugger.predict.call_binding import default_repr
from neurodebug.neural_debugger.predict.records import record_classes, simple_name


class ReceiverError(ValueError):
    """The call names a method through a receiver whose repr cannot be known."""


@dataclass(frozen=True)
class Receiver:
    """The first parameter's value at the method's call stop, and what runs before it."""

    parameter: str
    text: str
    constructor: ast.Call | None = None
    """The call that builds the object, when the source's own code runs first: its `__init__`,
    or a dataclass's `__post_init__` (called by the generated `__init__`, which is not)."""
    init: ast.FunctionDef | None = None
    """That `__init__` or `__post_init__`."""


def method_receiver(
    tree: ast.Module, def_line: int, call: ast.Call, module: str = RUN_MODULE
) -> Receiver | None:
    """The receiver `call` supplies to the method whose first line (decorators included) is
    `def_line`, in a file run as `module` (`tracer.module_of_file`), or None when `call` binds
    as a plain call (a function, a static method, the unbound form `Stack.push(stack, 1)`). `ReceiverError` when the receiver is an object the
    source does not build in the call."""
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    found = _method(classes.values(), def_line)
    if not isinstance(call.func, ast.Attribute):
        return None
    if found is None:
        nested = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
        if _method(nested, def_line) is not None:
            raise ReceiverError("methods of classes inside classes or functions are not predicted")
        return None
    owner, method = found
    positional = [*method.args.posonlyargs, *method.args.args]
    decorators = {simple_name(d) for d in method.decorator_list}
    if "staticmethod" in decorators or not positional:
        return None
    first, receiver = positional[0].arg, call.func.value
    if "classmethod" in decorators:
        if isinstance(receiver, ast.Name) and receiver.id in classes:
            return Receiver(first, f"<class '{module}.{receiver.id}'>")
        raise ReceiverError(f"`{method.name}` is a classmethod: call it on a class of this module")
    if isinstance(receiver, ast.Name) and receiver.id in classes:
        return None  # `Stack.push(stack, 1)`: `self` is the first argument
    built = receiver.func if isinstance(receiver, ast.Call) else None
    if not (isinstance(built, ast.Name) and built.id in classes):
        raise ReceiverError(
            f"the receiver of `{method.name}` must be built in the call from a class of this "
            f"module, e.g. `{owner.name}(…).{method.name}(…)`"
        )
    assert isinstance(receiver, ast.Call)
    chain = lineage(classes, built.id)
    if owner not in chain:
        raise ReceiverError(f"`{built.id}` has no `{owner.name}.{method.name}`")
    if any(_is_def(item, method.name) for cls in chain[: chain.index(owner)] for item in cls.body):
        raise ReceiverError(
            f"`{built.id}` overrides `{method.name}`: name `{built.id}.{method.name}`"
        )
    arguments = [*receiver.args, *(keyword.value for keyword in receiver.keywords)]
    if any(default_repr(argument, frozenset()) is None for argument in arguments):
        raise ReceiverError(f"the arguments of `{built.id}(…)` must be literals")
    if built.id in record_classes(tree):  # its generated `__init__` is not traced
        record = _record_repr(chain[0], receiver, set(classes))
        if record is None:
            raise ReceiverError(
                f"the repr of `{built.id}(…)` is not known without running it (a field made by "
                "a call, fields of a base class, an argument that is no field)"
            )
        dataclass_ = not any(simple_name(base) == "NamedTuple" for base in chain[0].bases)
        post = next((f for f in chain[0].body if _is_def(f, "__post_init__")), None)
        if post is None or not dataclass_:
            return Receiver(first, record)
        return Receiver(first, record, receiver, post)  # type: ignore[arg-type]
    init = next((f for c in chain for f in c.body if _is_def(f, "__init__")), None)
    text = f"<{module}.{built.id} object>"  # a repr the class writes itself is not known
    return Receiver(first, text, receiver if init else None, init)  # type: ignore[arg-type]


def without_first(arguments: ast.arguments) -> ast.arguments:
    """`arguments` less its first positional parameter (the receiver) and any default it had."""
    posonly, args = list(arguments.posonlyargs), list(arguments.args)
    if posonly:
        posonly = posonly[1:]
    else:
        args = args[1:]
    left = len(posonly) + len(args)
    defaults = list(arguments.defaults)[-left:] if left else []
    return ast.arguments(
        posonlyargs=posonly,
        args=args,
        vararg=arguments.vararg,
        kwonlyargs=arguments.kwonlyargs,
        kw_defaults=arguments.kw_defaults,
        kwarg=arguments.kwarg,
        defaults=defaults,
    )


def first_line(node: ast.stmt) -> int:
    """A statement's first line, its decorators' if it has any: where a def's frame starts."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _method(
    classes: Iterable[ast.ClassDef], def_line: int
) -> tuple[ast.ClassDef, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    for owner in classes:
        for item in owner.body:
            is_def = isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_def and first_line(item) == def_line:
                return owner, item  # type: ignore[return-value]
    return None


def lineage(classes: dict[str, ast.ClassDef], name: str) -> list[ast.ClassDef]:
    """The class and its bases this module defines, first bases first (single inheritance is
    what matters here: where `__init__` comes from)."""
    found: list[ast.ClassDef] = []
    pending = [name]
    while pending:
        current = classes.get(pending.pop(0))
        if current is None or current in found:
            continue
        found.append(current)
        pending.extend(base.id for base in current.bases if isinstance(base, ast.Name))
    return found


def _record_repr(owner: ast.ClassDef, call: ast.Call, source_classes: set[str]) -> str | None:
    """The repr a dataclass or named tuple of the source gets from its generated `__repr__`,
    built from literal arguments (before a `__post_init__` runs); None for any other class or
    argument, and for a dataclass deriving from a class of the source (whose fields it
    inherits)."""
    own = {item.name for item in owner.body if isinstance(item, ast.FunctionDef)}
    if own & {"__init__", "__new__"} or any(simple_name(b) in source_classes for b in owner.bases):
        return None
    keyword_only = any(
        isinstance(d, ast.Call)
        and any(
            k.arg == "kw_only" and isinstance(k.value, ast.Constant) and k.value.value
            for k in d.keywords
        )
        for d in owner.decorator_list
    ) or any(
        isinstance(i, ast.AnnAssign) and simple_name(i.annotation) == "KW_ONLY" for i in owner.body
    )
    if keyword_only and call.args:  # the real call raises, or fields are bound by name only
        return None
    fields: list[tuple[str, ast.expr | None]] = []
    for item in owner.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            if simple_name(item.annotation) in ("ClassVar", "InitVar") or simple_name(
                getattr(item.annotation, "value", None)
            ) in ("ClassVar", "InitVar"):
                continue
            if isinstance(item.value, ast.Call):  # `field(...)`: repr and init may differ
                return None
            fields.append((item.target.id, item.value))
    if len(call.args) > len(fields) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    given: dict[str, ast.expr] = {
        name: arg for (name, _), arg in zip(fields, call.args, strict=False)
    }
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    parts: list[str] = []
    for name, default in fields:
        node = given.pop(name, default)
        if node is None:
            return None
        try:
            parts.append(f"{name}={ast.literal_eval(node)!r}")
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    if given:  # a keyword that is no field: the real call raises
        return None
    return safe_repr(_Shown(f"{owner.name}({', '.join(parts)})"))


class _Shown:
    """An object whose repr is a given text: `safe_repr` cuts it as the tracer would."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _is_def(node: ast.stmt, name: str) -> bool:
    return isinstance(node, ast.FunctionDef) and node.name == name
