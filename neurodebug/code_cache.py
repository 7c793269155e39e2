"""Start-up: reuse the code objects that attrs and dataclasses compile for generated methods.

`import lsprotocol.types` is most of the language server's start-up: attrs writes the source of
`__init__`, `__eq__`, `__repr__`, … for each of its ~550 classes and `compile()`s it, which was
~40% of that import (attrs issue 575 describes the cost); `dataclasses` does the same for the
server's own ~70 dataclasses with `exec`. Python caches the compiled form of files in
`__pycache__`; generated source gets no such cache, so this module gives it one.

While `generated_code_cache()` is active, the module-level names `compile` in `attr._make` and
`exec` in `dataclasses` resolve to functions that look the exact (source, filename, mode) up in
a dictionary first; a miss compiles as before and is remembered. On the way out the entries used
are written with `marshal` (the `.pyc` format) into the user's cache folder, under a name that
carries the interpreter's bytecode magic number, so another Python never reads them. A hit is
what `compile()` returns for the same text; an unreadable or foreign file is ignored and
replaced. Nothing here changes which code runs, only whether its text is compiled again.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import logging
import marshal
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

LOG = logging.getLogger(__name__)

CacheKey = tuple[str, str, str]


def cache_file() -> Path:
    """`$NEURODEBUG_STARTUP_CACHE` (a file), else `$NEURODEBUG_CACHE_DIR/startup/…`, else the
    user's cache folder (`neurodebug bench lsp` times a first launch with a fresh file).

    Entries are keyed by their exact source text, so a new attrs or lsprotocol only misses; what
    a file must match is the interpreter's bytecode format (its magic number) and its
    optimisation level (`python -O` compiles asserts away).
    """
    exact = os.environ.get("NEURODEBUG_STARTUP_CACHE")
    if exact:
        return Path(exact)
    override = os.environ.get("NEURODEBUG_CACHE_DIR")
    if override:
        folder = Path(override) / "startup"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "neurodebug" / "startup"
    level = f"-O{sys.flags.optimize}" if sys.flags.optimize else ""
    return folder / f"generated-code-{importlib.util.MAGIC_NUMBER.hex()}{level}.marshal"


def load_entries(path: Path) -> dict[CacheKey, CodeType]:
    """The saved code objects, or nothing when the file is missing, corrupt or not ours."""
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError) as error:
        if not isinstance(error, FileNotFoundError):
            LOG.info("ignoring the start-up code cache %s: %s", path, error)
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        key: code
        for key, code in loaded.items()
        if isinstance(key, tuple)
        and len(key) == 3
        and all(isinstance(part, str) for part in key)
        and isinstance(code, CodeType)
    }


def save_entries(path: Path, entries: dict[CacheKey, CodeType]) -> None:
    """Write atomically (another server may be starting at the same moment); never raise."""
    try:
        import tempfile  # only on a miss: not on the start-up path

        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".code-cache-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(marshal.dumps(entries))
        os.replace(temporary, path)
    except OSError as error:
        LOG.info("could not write the start-up code cache %s: %s", path, error)


@dataclass
class CodeCache:
    """Saved code objects, the ones handed out so far, and how many were found or compiled."""

    saved: dict[CacheKey, CodeType]
    used: dict[CacheKey, CodeType] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"hits": 0, "misses": 0})

    def code(self, source: str, filename: str, mode: str) -> CodeType:
        key = (source, filename, mode)
        code = self.saved.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode)
            self.counts["misses"] += 1
        else:
            self.counts["hits"] += 1
        self.used[key] = code
        return code


def caching_compile(cache: CodeCache) -> Callable[..., Any]:
    """`compile` for attrs: the plain (source, filename, mode) calls go through the cache."""

    def cached(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(source, str) or not isinstance(filename, str):
            return builtins.compile(source, filename, mode, *args, **kwargs)
        return cache.code(source, filename, mode)

    return cached


def caching_exec(cache: CodeCache) -> Callable[..., Any]:
    """`exec` for dataclasses: source text is compiled through the cache (as `exec` would,
    filename "<string>"), then run in the globals the caller meant, its own when it gave none."""

    def cached(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> Any:
        if not isinstance(source, str) or kwargs:
            return builtins.exec(source, globals, locals, **kwargs)
        if globals is None:
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        return builtins.exec(cache.code(source, "<string>", "exec"), globals, locals)

    return cached


def _patch_targets(cache: CodeCache) -> list[tuple[ModuleType, str, Callable[..., Any]]]:
    import dataclasses

    targets = [(dataclasses, "exec", caching_exec(cache))]
    try:
        import attr._make as attrs_make
    except ImportError:
        return targets
    return [(attrs_make, "compile", caching_compile(cache)), *targets]


@contextlib.contextmanager
def generated_code_cache(path: Path | None = None) -> Iterator[dict[str, int]]:
    """Within the block attrs and dataclasses reuse saved code objects; yields the hit and
    miss counts. The file is rewritten, with only what this block used, when anything missed
    or went unused (so entries of an older attrs do not pile up)."""
    target = path or cache_file()
    cache = CodeCache(load_entries(target))
    targets = _patch_targets(cache)
    for module, name, replacement in targets:
        setattr(module, name, replacement)
    try:
        yield cache.counts
    finally:
        for module, name, _ in targets:
            delattr(module, name)
        if cache.counts["misses"] or len(cache.used) < len(cache.saved):
            save_entries(target, cache.used)
