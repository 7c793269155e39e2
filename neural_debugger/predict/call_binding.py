"""Binding a call expression to a function's parameters, as Python does on entry.

Why: the `call` stop a prediction starts from must show every local the real frame has, in the
real frame's order. A parameter the call leaves out has its default (evaluated once, when the
`def` ran), extra positional arguments land in `*args` and unknown keywords in `**kwargs`; a
state without them makes folding give up on `x * factor` and the model guess what `factor` is.
Nothing runs: arguments must be literals or names of builtins the source never rebinds
(`int`), and a default is known when it is one of those (`inttype=int`).
"""

from __future__ import annotations

import ast
import builtins
from typing import Any

from neurodebug.neural_debugger.groundtruth.recorder import safe_repr


class BindError(ValueError):
    """The call does not fit the signature, or an argument is not a literal."""


def bind_call(arguments: ast.arguments, call: ast.Call, rebound: frozenset[str]) -> dict[str, str]:
    """The call stop's locals (reprs) in the frame's order: positional parameters, keyword-only
    ones, then `*args` and `**kwargs`. A parameter the call leaves out whose default is not
    known is left out; so is a missing required one (the model is asked what it is)."""
    positional = [*arguments.posonlyargs, *arguments.args]
    keyword_names = {p.arg for p in [*arguments.args, *arguments.kwonlyargs]}
    values: dict[str, str] = {}
    given = [_value(argument, rebound) for argument in call.args]
    for parameter, value in zip(positional, given, strict=False):
        values[parameter.arg] = safe_repr(value)
    extra = given[len(positional) :]
    if extra and arguments.vararg is None:
        raise BindError(f"{len(given)} positional arguments, the function takes {len(positional)}")
    extra_keywords: dict[str, Any] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise BindError("a `**mapping` argument")
        value = _value(keyword.value, rebound)
        if keyword.arg in keyword_names:
            if keyword.arg in values:
                raise BindError(f"two values for {keyword.arg!r}")
            values[keyword.arg] = safe_repr(value)
        elif arguments.kwarg is not None:
            extra_keywords[keyword.arg] = value
        else:
            raise BindError(f"no parameter named {keyword.arg!r}")
    with_defaults = positional[len(positional) - len(arguments.defaults) :]
    defaults = list(zip(with_defaults, arguments.defaults, strict=True))
    keyword_only = zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    defaults += [(p, d) for p, d in keyword_only if d is not None]
    for parameter, default in defaults:
        text = default_repr(default, rebound)
        if parameter.arg not in values and text is not None:
            values[parameter.arg] = text
    order = [p.arg for p in [*positional, *arguments.kwonlyargs]]
    bound = {name: values[name] for name in order if name in values}
    if arguments.vararg is not None:
        bound[arguments.vararg.arg] = safe_repr(tuple(extra))
    if arguments.kwarg is not None:
        bound[arguments.kwarg.arg] = safe_repr(extra_keywords)
    return bound


def default_repr(default: ast.expr, rebound: frozenset[str]) -> str | None:
    """The repr of a parameter's default, when it is known without running anything."""
    try:
        return safe_repr(_value(default, rebound))
    except BindError:
        return None


def _value(node: ast.expr, rebound: frozenset[str]) -> Any:
    """A literal's value, or the builtin a name the source never rebinds stands for
    (`int`, `len`: their reprs are what the frame shows)."""
    if isinstance(node, ast.Name) and node.id not in rebound and not node.id.startswith("_"):
        value = getattr(builtins, node.id, None)
        if callable(value):
            return value
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
        # TypeError: a literal Python cannot build, like a list used as a dict key
        raise BindError("arguments must be literals or builtin names") from error
