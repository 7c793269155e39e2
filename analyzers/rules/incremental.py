"""Rule findings recomputed per top-level statement, so an edit re-checks only what it touched.

Running every rule over a 10k-line file takes seconds; an edit inside one function changes
only that function's findings. The module is split into its top-level statements ("chunks");
each chunk's findings are cached under the hash of its text plus a module signature (the text
of the module-level statements that are not definitions, and the names of the definitions —
what rules such as "global name in a loop" read outside the chunk). A cached chunk that moved
is shifted by its line and byte offset; findings whose fixes edit outside their own chunk
(e.g. "add `import functools`") are never cached, since those edits do not move with it.

The checking itself is the engine's (`collect_nodes`, `rule_findings`, `syntax_findings`), run
on one top-level statement at a time; this module adds only the chunking, the cache and the
module-wide facts a chunk needs, so its findings are exactly `check_tree`'s.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import tree_sitter
from neurodebug.analyzers.parsing import python_language

from neurodebug.config import Settings

from .base import LINE_STARTS, Context, Edit, Finding, Fix, Rule
from .engine import (
    collect_nodes,
    enabled_rules,
    outside_script_blocks,
    rule_findings,
    syntax_findings,
)

_DEFINITIONS = frozenset({"function_definition", "class_definition", "decorated_definition"})
MAX_CACHED_CHUNKS = 20_000


def _definition_name(node: tree_sitter.Node) -> bytes:
    inner = node.child_by_field_name("definition") if node.type == "decorated_definition" else node
    name = inner.child_by_field_name("name") if inner is not None else None
    return (name.text or b"") if name is not None else b""


def _shift_edit(edit: Edit, lines: int, nbytes: int) -> Edit:
    return Edit(
        edit.line + lines,
        edit.column,
        edit.end_line + lines,
        edit.end_column,
        edit.new_text,
        edit.start_byte + nbytes,
        edit.end_byte + nbytes,
    )


def _shift(finding: Finding, lines: int, nbytes: int) -> Finding:
    """The finding moved down by `lines` lines and `nbytes` bytes (columns stay: chunks start
    at column 0). Built directly: `dataclasses.replace` is slow enough to show up here."""
    if lines == 0 and nbytes == 0:
        return finding
    fix = finding.fix
    if fix is not None and fix.edits:
        fix = Fix(
            tuple(_shift_edit(e, lines, nbytes) for e in fix.edits), fix.safety, fix.description
        )
    return Finding(
        finding.code,
        finding.name,
        finding.message,
        finding.severity,
        finding.line + lines,
        finding.column,
        finding.end_line + lines,
        finding.end_column,
        finding.start_byte + nbytes,
        finding.end_byte + nbytes,
        fix,
        finding.equivalents,
    )


def _portable(finding: Finding, start: int, end: int) -> Finding:
    """The finding as it can be cached: a fix that edits outside its chunk (e.g. adds an import
    at the top) would not move with the chunk, so only its safety and description are kept —
    an edit-less `Fix` that `fresh_fix` recomputes when a code action needs it."""
    fix = finding.fix
    if fix is None or all(start <= e.start_byte and e.end_byte <= end for e in fix.edits):
        return finding
    return replace(finding, fix=Fix((), fix.safety, fix.description))


def fresh_fix(
    source: bytes,
    tree: tree_sitter.Tree,
    finding: Finding,
    path: Path | None,
    settings: Settings,
    rules: tuple[Rule, ...],
) -> Fix | None:
    """Recompute the fix of a finding whose cached fix lost its edits (see `_portable`)."""
    root = tree.root_node
    chunk = next(
        (c for c in root.named_children if c.start_byte <= finding.start_byte < c.end_byte), None
    )
    if chunk is None:
        return None
    enabled = enabled_rules(rules, settings, path)
    for found in check_chunk(source, tree, chunk, enabled, settings, root.has_error):
        if (found.code, found.line, found.column) == (finding.code, finding.line, finding.column):
            return found.fix
    return None


@dataclass(frozen=True)
class ModuleShared:
    """Module-wide facts the rules memoise in `Context.cache`, computed once per check from
    the top-level statements only (imports, pure module-level functions)."""

    cache: dict[str, object]
    key: str


def module_shared(
    source: bytes,
    tree: tree_sitter.Tree,
    target: tuple[int, int],
    called_in_loop: set[str] | None = None,
    pure: set[str] | None = None,
) -> ModuleShared:
    """Imports and pure functions of the module, as `_syntax.module_imports` /
    `pure_functions` would compute them on the whole file."""
    from neurodebug.analyzers.rules._dependence import pure_functions
    from neurodebug.analyzers.rules._syntax import module_imports

    nodes: dict[str, list[tree_sitter.Node]] = {}
    for node in tree.root_node.named_children:
        inner = (
            node.child_by_field_name("definition") if node.type == "decorated_definition" else node
        )
        if inner is not None and inner.type in (
            "import_statement",
            "import_from_statement",
            "function_definition",
        ):
            nodes.setdefault(inner.type, []).append(inner)
    ctx = Context(source, tree, nodes, target)
    imports = module_imports(ctx)
    if pure is None:
        pure = pure_functions(ctx)
    cache: dict[str, object] = {"imports": imports, "pure": pure}
    if called_in_loop is not None:
        cache["called_in_loop"] = set(called_in_loop)
    facts = (sorted(imports.items()), sorted(pure), sorted(called_in_loop or ()))
    key = hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()
    return ModuleShared(cache, key)


def check_chunk(
    source: bytes,
    tree: tree_sitter.Tree,
    chunk: tree_sitter.Node,
    rules: tuple[Rule, ...],
    settings: Settings,
    broken: bool,
    shared: ModuleShared | None = None,
) -> list[Finding]:
    """The rule findings inside one top-level statement (absolute positions)."""
    if shared is None:
        called: set[str] = set()
        for top in tree.root_node.named_children:
            called |= _loop_calls(source, top)
        shared = module_shared(source, tree, settings.target_version, called)
    nodes = collect_nodes(chunk)
    imports = dict(shared.cache["imports"])  # type: ignore[call-overload]
    local = Context(source, tree, nodes, settings.target_version)
    from neurodebug.analyzers.rules._syntax import module_imports

    imports.update(module_imports(local))  # imports inside the chunk count too
    ctx = Context(source, tree, nodes, settings.target_version)
    ctx.cache.update(shared.cache)
    ctx.cache["imports"] = imports
    findings = rule_findings(ctx, rules, broken, (chunk.start_byte, chunk.end_byte))
    # Facts of the whole file that a rule computed lazily (every identifier, the bound names,
    # the module's bindings, which walk the whole file) serve the next chunk of this check
    # too: recomputed per chunk, they made a cold check of 10k lines 10x a full check.
    # A function's or class's bindings belong to its own chunk; only the module's are shared
    # (promoting every scope made each later chunk copy them all: quadratic in the chunks).
    whole_file = _WHOLE_FILE_KEYS | {f"scope:{tree.root_node.id}"}
    for key in whole_file - shared.cache.keys():
        if key in ctx.cache:
            shared.cache[key] = ctx.cache[key]
    return findings


_WHOLE_FILE_KEYS = frozenset({"identifiers", "bound-names", LINE_STARTS})


@dataclass
class RuleCache:
    """Per-document cache of chunk findings; safe to share between worker threads."""

    entries: dict[tuple[str, str], tuple[Finding, ...]] = field(default_factory=dict)
    chunk_info: dict[str, tuple[str, str, frozenset[str]]] = field(default_factory=dict)
    """Per chunk digest: (node type, name it defines or "", names of functions called inside a
    loop in that chunk). One dict, read once per chunk per check: a concurrent check may prune
    it, so nothing is looked up in it twice."""
    purity: dict[tuple[str, frozenset[str]], bool] = field(default_factory=dict)
    """Per (function digest, the pure names it mentions): whether its body is pure."""
    identifiers: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per function digest: the identifiers its body mentions."""
    last_pure: tuple[dict[str, str], set[str]] | None = None
    """The last module's function digests by name and its pure functions."""
    never_runs: dict[bytes, Any] = field(default_factory=dict)
    """Per function text: its code that never runs (`analyzers.never_runs`, ND001)."""
    absolute: dict[tuple[str, str], tuple[int, int, tuple[Finding, ...]]] = field(
        default_factory=dict
    )
    """Per cache key: the last shifted copy (reused while the chunk has not moved)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    hits: int = 0
    misses: int = 0

    def check(
        self,
        source: bytes,
        tree: tree_sitter.Tree,
        path: Path | None,
        settings: Settings,
        rules: tuple[Rule, ...],
    ) -> list[Finding]:
        """Every finding of the file, like the engine's `check_tree`, re-checking only changed
        chunks."""
        root = tree.root_node
        broken = root.has_error
        enabled = enabled_rules(rules, settings, path)
        chunks = root.named_children
        # One pass over the top-level statements; everything derived from a statement's text
        # (its type, the name it defines, the calls it makes in loops) is cached by digest.
        rows: list[tuple[str, int, int, int, tree_sitter.Node]] = []
        signature_parts: list[str] = []
        called: set[str] = set()
        info = self.chunk_info
        infos: dict[str, tuple[str, str, frozenset[str]]] = {}
        for chunk in chunks:
            start, end = chunk.start_byte, chunk.end_byte
            # Python's own bytes hash: ~5x faster than blake2b here, and a cache key only has to
            # be unique within this process (a 64-bit hash plus the length).
            digest = f"{hash(source[start:end]):x}:{end - start}"
            known = info.get(digest)
            if known is None:
                name = _definition_name(chunk).decode("utf-8", "replace")
                known = (chunk.type, name, _loop_calls(source, chunk))
                info[digest] = known
            infos[digest] = known
            kind, name, calls = known
            if kind in _DEFINITIONS:
                signature_parts.append("def " + name)
            elif kind != "comment":
                signature_parts.append(digest)
            called |= calls
            point = chunk.start_point
            rows.append((digest, point.row, start, point.column, chunk))
        signature = hashlib.blake2b("\n".join(signature_parts).encode(), digest_size=16).hexdigest()
        pure = self._pure_functions(source, tree, settings.target_version, rows, infos)
        shared = module_shared(source, tree, settings.target_version, called, pure)
        context = f"{signature}:{shared.key}:{broken}:{hash((enabled, settings.target_version))}"
        findings = syntax_findings(tree, settings, source)
        live: set[tuple[str, str]] = set()
        entries, absolute = self.entries, self.absolute
        # Plain dict operations (atomic under the GIL): at most two runs of one document overlap.
        for digest, base_line, base_byte, column, chunk in rows:
            key = (digest, context)
            cached = entries.get(key) if column == 0 else None
            if cached is not None:
                self.hits += 1
                last = absolute.get(key)
                if last is not None and last[0] == base_line and last[1] == base_byte:
                    findings.extend(last[2])
                else:
                    moved = tuple(_shift(f, base_line, base_byte) for f in cached)
                    absolute[key] = (base_line, base_byte, moved)
                    findings.extend(moved)
                live.add(key)
                continue
            self.misses += 1
            found = check_chunk(source, tree, chunk, enabled, settings, broken, shared)
            findings.extend(found)
            if column == 0:
                live.add(key)
                entries[key] = tuple(
                    _shift(_portable(f, chunk.start_byte, chunk.end_byte), -base_line, -base_byte)
                    for f in found
                )
        with self.lock:
            if len(self.entries) > MAX_CACHED_CHUNKS or len(self.entries) > 2 * len(live) + 64:
                self.entries = {k: v for k, v in self.entries.items() if k in live}
                self.absolute = {k: v for k, v in self.absolute.items() if k in live}
                kept = {row[0] for row in rows}
                self.chunk_info = {k: v for k, v in self.chunk_info.items() if k in kept}
        findings = outside_script_blocks(findings, tree, path)
        findings.sort(key=lambda f: (f.line, f.column, f.code))
        return findings

    def _pure_functions(
        self,
        source: bytes,
        tree: tree_sitter.Tree,
        target: tuple[int, int],
        rows: list[tuple[str, int, int, int, tree_sitter.Node]],
        infos: dict[str, tuple[str, str, frozenset[str]]],
    ) -> set[str]:
        """`_syntax.pure_functions` of the module, with each function's verdict cached.

        A body's purity depends only on its text and on which of the names it mentions are
        pure, so the fixpoint re-walks only functions whose text (or pure callees) changed.
        """
        by_name: dict[str, tuple[str, tree_sitter.Node]] = {}  # a later `def` wins, as at run time
        for digest, _line, _byte, _column, chunk in rows:
            kind, name, _calls = infos[digest]
            if kind == "function_definition" and name:
                by_name[name] = (digest, chunk)
        functions = [(name, digest, node) for name, (digest, node) in by_name.items()]
        signature = {name: digest for name, digest, _ in functions}
        for _name, digest, node in functions:
            if digest not in self.identifiers:
                self.identifiers[digest] = _identifiers(source, node)
        last = self.last_pure
        if last is not None and last[0].keys() == signature.keys():
            changed_names = [n for n, d in signature.items() if last[0][n] != d]
            if not changed_names:
                return set(last[1])
            if len(changed_names) == 1:
                # One function's text changed. If it mentions no other module function, its
                # verdict does not depend on the others; if that verdict is unchanged, no other
                # function's is either, and the previous fixpoint still holds.
                name = changed_names[0]
                digest, node = by_name[name]
                mentioned = self.identifiers[digest]
                if not (mentioned & signature.keys()) - {name}:
                    verdict = self._verdict(source, tree, target, digest, node, {name})
                    if verdict == (name in last[1]):
                        self.last_pure = (signature, set(last[1]))
                        return set(last[1])
        ctx = Context(source, tree, {}, target)
        pure: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, digest, node in functions:
                if name in pure:
                    continue
                assumed = (pure | {name}) & self.identifiers[digest]
                verdict = self._verdict(source, tree, target, digest, node, assumed, ctx)
                if verdict:
                    pure.add(name)
                    changed = True
        if len(self.purity) > MAX_CACHED_CHUNKS:
            self.purity.clear()
            self.identifiers.clear()
        self.last_pure = (signature, set(pure))
        return pure

    def _verdict(
        self,
        source: bytes,
        tree: tree_sitter.Tree,
        target: tuple[int, int],
        digest: str,
        node: tree_sitter.Node,
        assumed: set[str],
        ctx: Context | None = None,
    ) -> bool:
        """Whether the function body is pure when the names in `assumed` are (cached)."""
        from neurodebug.analyzers.rules._dependence import is_pure_body

        key = (digest, frozenset(assumed))
        verdict = self.purity.get(key)
        if verdict is None:
            verdict = is_pure_body(ctx or Context(source, tree, {}, target), node, set(assumed))
            self.purity[key] = verdict
        return verdict


def _text(source: bytes, node: tree_sitter.Node) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


@cache
def _identifier_query() -> tree_sitter.Query:
    return tree_sitter.Query(python_language(), "(identifier) @name")


def _identifiers(source: bytes, node: tree_sitter.Node) -> frozenset[str]:
    captures = tree_sitter.QueryCursor(_identifier_query()).captures(node)
    return frozenset(_text(source, name) for name in captures.get("name", []))


def _loop_calls(source: bytes, chunk: tree_sitter.Node) -> frozenset[str]:
    """Plain-name calls made inside a loop within `chunk` (what ND305 asks of the whole file)."""
    from neurodebug.analyzers.rules._syntax import enclosing_loop

    names: set[str] = set()
    for call in collect_nodes(chunk).get("call", []):
        function = call.child_by_field_name("function")
        if function is not None and function.type == "identifier" and enclosing_loop(call):
            names.add(source[function.start_byte : function.end_byte].decode("utf-8", "replace"))
    return frozenset(names)
