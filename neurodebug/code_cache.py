"""Start-up: reuse the code objects that attrs and dataclasses compile for generated methods.

`import lsprotocol.types` is most of the language server's start-up: attrs writes the source of
`__init__`, `__eq__`, `__repr__`, … for each of its ~550 classes and `compile()`s it, which was
~40% of that import (attrs issue 575 describes the cost); `dataclasses` does the same for the
server's own ~70 dataclasses with `exec`. Python caches the compiled form of files in
`__pycache__`; generated source gets no such cache, so this module gives it one.

While `generated_code_cache()` is active, the module-level names `compile` in `attr._make` and
`exec` in `dataclasses` resolve to functions that look the exact (source, filename, mode,
compiler flags) up in a dictionary first; a miss compiles as before and is remembered. Each
compiles with the `__future__` flags of the module it stands in for (attrs' module has
`from __future__ import annotations`, dataclasses' has none), as the builtin would there.

The file holds a header (a tag, the interpreter's bytecode magic number, its optimisation level
and a CRC-32 of the rest) before the `marshal` data: a file from another Python, a truncated or
damaged one, or anything that is not a regular file of sane size is ignored (and replaced), never
unmarshalled. A hit is what the builtin returns for the same text and flags; nothing here changes
which code runs, only whether its text is compiled again.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import importlib.util
import logging
import marshal
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from neurodebug.files import user_cache_folder, write_atomically

LOG = logging.getLogger(__name__)

CacheKey = tuple[str, str, str, int]
"""(source, filename, mode, compiler flags)."""

TAG = b"NDGC"
MAX_BYTES = 64 * 1024 * 1024
"""A larger file is not ours (the server's is ~2 MB): ignored, not read."""

REWRITE_SHARE = 0.02
"""Rewrite the file when more than this share of a launch's lookups missed. A few misses recur
at every launch (an attrs `__hash__` whose source embeds the string hash of its filename, which
changes with the hash seed) and must not make every start-up rewrite ~2 MB."""


def _header() -> bytes:
    return TAG + importlib.util.MAGIC_NUMBER + bytes([sys.flags.optimize])


def cache_file() -> Path | None:
    """`$NEURODEBUG_STARTUP_CACHE` (a file), else `$NEURODEBUG_CACHE_DIR/startup/…`, else the
    user's cache folder; None without a home folder (then there is no cache).

    Entries are keyed by their exact source text, so a new attrs or lsprotocol only misses; the
    name (and, checked on load, the header) carries the bytecode format and optimisation level.
    """
    exact = os.environ.get("NEURODEBUG_STARTUP_CACHE")
    if exact:
        return Path(exact)
    folder = user_cache_folder("startup")
    if folder is None:
        return None
    level = f"-O{sys.flags.optimize}" if sys.flags.optimize else ""
    return folder / f"generated-code-{importlib.util.MAGIC_NUMBER.hex()}{level}.marshal"


def load_entries(path: Path) -> dict[CacheKey, CodeType]:
    """The saved code objects, or nothing when the file is missing, foreign or damaged."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:  # a FIFO, a device, a folder
            return {}
        data = path.read_bytes()
        header = _header()
        start = len(header) + 4
        if data[: len(header)] != header:
            raise ValueError("written by another Python, or not a code cache")
        if zlib.crc32(data[start:]).to_bytes(4, "little") != data[len(header) : start]:
            raise ValueError("damaged (checksum mismatch)")
        loaded = marshal.loads(data[start:])
    except Exception as error:  # whatever the file holds, the server starts without it
        LOG.info("ignoring the start-up code cache %s: %s", path, error)
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        key: code
        for key, code in loaded.items()
        if isinstance(key, tuple)
        and len(key) == 4
        and all(isinstance(part, str) for part in key[:3])
        and isinstance(key[3], int)
        and isinstance(code, CodeType)
    }


def save_entries(path: Path, entries: dict[CacheKey, CodeType]) -> None:
    """Write atomically (another server may be starting at the same moment); never raise."""
    try:
        payload = marshal.dumps(entries)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, _header() + zlib.crc32(payload).to_bytes(4, "little") + payload)
    except (OSError, ValueError) as error:
        LOG.info("could not write the start-up code cache %s: %s", path, error)


@dataclass
class CodeCache:
    """Saved code objects, the ones handed out so far, and how many were found or compiled."""

    saved: dict[CacheKey, CodeType]
    used: dict[CacheKey, CodeType] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"hits": 0, "misses": 0})

    def code(self, source: str, filename: str, mode: str, flags: int) -> CodeType:
        key = (source, filename, mode, flags)
        code = self.saved.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode, flags, dont_inherit=True)
            self.counts["misses"] += 1
        else:
            self.counts["hits"] += 1
        self.used[key] = code
        return code

    def worth_saving(self) -> bool:
        """Whether this launch's lookups differ enough from the file to rewrite it."""
        lookups = self.counts["hits"] + self.counts["misses"]
        stale = len(self.saved) - self.counts["hits"]
        return self.counts["misses"] > REWRITE_SHARE * lookups or stale > REWRITE_SHARE * lookups


def future_flags(module: ModuleType) -> int:
    """The compiler flags of the `from __future__ import …` statements of `module`: what the
    builtin `compile`/`exec` called from its code would inherit."""
    flags = 0
    for value in vars(module).values():
        if isinstance(value, __future__._Feature):
            flags |= value.compiler_flag
    return flags


def caching_compile(cache: CodeCache, flags: int) -> Callable[..., Any]:
    """`compile` for attrs: the plain (source, filename, mode) calls go through the cache."""

    def cached(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(source, str) or not isinstance(filename, str):
            return builtins.compile(source, filename, mode, *args, **kwargs)
        return cache.code(source, filename, mode, flags)

    return cached


def caching_exec(cache: CodeCache, flags: int) -> Callable[..., Any]:
    """`exec` for dataclasses: source text is compiled through the cache (as `exec` would,
    filename "<string>"), then run in the globals the caller meant, its own when it gave none."""

    def cached(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> Any:
        if not isinstance(source, str) or kwargs:
            return builtins.exec(source, globals, locals, **kwargs)
        if globals is None:
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        return builtins.exec(cache.code(source, "<string>", "exec", flags), globals, locals)

    return cached


def _patch_targets(cache: CodeCache) -> list[tuple[ModuleType, str, Callable[..., Any]]]:
    import dataclasses

    targets = [(dataclasses, "exec", caching_exec(cache, future_flags(dataclasses)))]
    try:
        import attr._make as attrs_make
    except ImportError:
        return targets
    return [(attrs_make, "compile", caching_compile(cache, future_flags(attrs_make))), *targets]


_MISSING = object()


@contextlib.contextmanager
def generated_code_cache(path: Path | None = None) -> Iterator[dict[str, int]]:
    """Within the block attrs and dataclasses reuse saved code objects; yields the hit and
    miss counts. The file is rewritten, with only what this block used, when enough missed or
    went unused (so entries of an older attrs do not pile up)."""
    target = path or cache_file()
    cache = CodeCache({} if target is None else load_entries(target))
    targets = _patch_targets(cache)
    previous = [vars(module).get(name, _MISSING) for module, name, _ in targets]
    for module, name, replacement in targets:
        setattr(module, name, replacement)
    try:
        yield cache.counts
    finally:
        for (module, name, _), before in zip(targets, previous, strict=True):
            if before is _MISSING:
                delattr(module, name)
            else:
                setattr(module, name, before)
        if target is not None and cache.worth_saving():
            save_entries(target, cache.used)
