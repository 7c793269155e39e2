"""Static facts about a program's source that the corpus manifest reports and filters on.

Why: the manifest must show the distribution of constructs (loops, recursion, exceptions, …) so
whoever trains on the corpus can see what it covers, and dedup needs a formatting-free hash.
"""

from __future__ import annotations

import ast
import builtins
import hashlib

_BUILTINS = frozenset(dir(builtins))

_NODE_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.For: "for",
    ast.While: "while",
    ast.If: "if",
    ast.Try: "try",
    ast.Raise: "raise",
    ast.With: "with",
    ast.ListComp: "list_comprehension",
    ast.DictComp: "dict_comprehension",
    ast.SetComp: "set_comprehension",
    ast.GeneratorExp: "generator_expression",
    ast.Lambda: "lambda",
    ast.Yield: "generator",
    ast.YieldFrom: "generator",
    ast.ClassDef: "class",
    ast.Slice: "slicing",
    ast.Break: "break",
    ast.Continue: "continue",
    ast.AugAssign: "augmented_assignment",
    ast.JoinedStr: "f_string",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.Tuple: "tuple",
    ast.List: "list",
    ast.IfExp: "conditional_expression",
    ast.Assert: "assert",
    ast.Global: "global",
    ast.Nonlocal: "closure",
}


def normalized_source(source: str) -> str:
    """The source re-printed from its AST: comments, blank lines and formatting gone."""
    return ast.unparse(ast.parse(source))


def source_hash(source: str) -> str:
    """A hash of the normalized source: two programs that differ only in layout collide."""
    return hashlib.sha1(normalized_source(source).encode()).hexdigest()


def constructs(source: str) -> list[str]:
    """The sorted names of the constructs a program uses (see `_NODE_CONSTRUCTS`, plus calls)."""
    tree = ast.parse(source)
    found: set[str] = set()
    defined = {
        node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)
    }
    for node in ast.walk(tree):
        name = _NODE_CONSTRUCTS.get(type(node))
        if name:
            found.add(name)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found.add("float_arithmetic")
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.add("float_arithmetic")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add("string")
        if isinstance(node, ast.FunctionDef):
            if any(
                isinstance(inner, ast.FunctionDef) for inner in ast.walk(node) if inner is not node
            ):
                found.add("closure")
            calls_itself = any(
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id == node.name
                for inner in ast.walk(node)
            )
            if calls_itself:
                found.add("recursion")
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                if node.func.id in defined:
                    found.add("helper_call")
                elif node.func.id in _BUILTINS:
                    found.add("builtin_call")
            elif isinstance(node.func, ast.Attribute):
                found.add("method_call")
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Tuple) for t in node.targets):
            found.add("tuple_unpacking")
    return sorted(found)
