"""Static analysis of Python with tree-sitter: parsing, dependencies, control flow and rules.

Nothing here knows about LSP; the server and the CLI translate these dataclasses. Lines are
1-based; `EXIT_LINE` (0) means "leaves the function". Columns are 0-based UTF-8 byte offsets
within the line unless a name says otherwise (`document.Document` converts LSP positions).

Public API (stable; import from the modules named):

- `document.analyze_source(source: bytes) -> ModuleFacts` and `document.Document.open(uri,
  version, text)`, the open-file model the server keeps, with `apply_edit((line, col), (end_line,
  end_col), new_text, encoding)` (0-based LSP positions, columns in "utf-8"/"utf-16"/"utf-32"
  units; `Tree.edit` + incremental re-parse), `.tree`, `.facts`, `replace_all(version, text)`,
  `offset(...)`, `line_bytes(line)`, `snapshot()` (a frozen copy for worker threads) and
  `name_at(line, character, encoding) -> (scopes.Occurrence, scopes.Binding) | None`; and the
  `byte_column` / `encoded_column` helpers.
- `document.ModuleFacts`: `functions` (the module body first, kind "module"; then every def
  and class body in source order, with Python-style qualnames), `function_at(line)`,
  `functions_named(name)`, `syntax_errors`, `name_at(line, col)`, `names` (the index),
  `compute_all()`.
- `facts.FunctionFacts` (computed lazily per function, cached): `name`, `qualname`, `kind`,
  `def_line`, `end_line`, `is_async`, `params`; `cfg: ControlFlowGraph` (`blocks` of `Block(id,
  kind, start_line, end_line, lines, successors, exception_successors)`, `entry`, `exit`);
  `definitions: list[Definition(var, line, how, data, control)]` where `data`/`control` are
  `VarLine(var, line)` tuples; `uses`; `data_edges: list[DataEdge(var, def_line, use_line)]`;
  `reaching_definitions(line, var) -> set[int]`; `data_dependencies(line)`;
  `control_dependencies(line) -> list[ControlEdge(condition_line, line, variables)]`;
  `next_lines(line) -> set[int]`; `lines_that_may_write(var)`; `writes_at(line)`;
  `reads_at(line)`; `backward_slice(line, var)`; `forward_slice(line, var)`;
  `information_flow(line, var) -> set[VarLine]`; `loops: list[Loop(kind, header_line,
  body_start_line, body_end_line, is_async, targets, written, read)]`; `statement_lines()`;
  `statement_line(line)` (first line of the statement spanning a line).
- `ModuleFacts.name_at(line, col) -> scopes.Binding | None`: the scope-resolved binding of
  the name at a position (`Binding(name, scope_kind, scope_name, definitions, uses)`, each an
  `Occurrence(line, col, end_col, is_definition)`).
- `parsing`: `parse`, `syntax_errors`, `read_source`.

Semantics: a use depends on the definitions of its variable that reach it (reaching
definitions over the statement-level CFG, exceptional edges in `try` bodies included).
Mutation counts as a definition that does not kill earlier ones: `xs.append(v)` (any method
call on a name except known pure ones and modules bound by `import m`), `obj.attr = v`,
`d[k] = v`, `del d[k]`, the first
argument of `heapq.heappush`-style in-place functions, and an object passed to a call that
may change it (`calls.py`: the module's own functions by their summaries, builtins and the
standard library by table, any other callee by default). Control
dependence comes from post-dominators; only conditions (if/elif/while/for/case/except) are
reported. Nested function bodies are separate `FunctionFacts`; lambdas and comprehensions are
expressions of the line they are on (their free variables count as reads there).
"""

from . import _native

_native.choose()  # compiled (mypyc) or pure Python: decided before any of them loads

from .facts import EXIT_LINE  # noqa: E402

__all__ = ["EXIT_LINE"]
