"""Which build of the analysis core runs: the mypyc-compiled modules or their `.py` sources.

setup.py compiles the modules in `COMPILED` with mypyc and records a digest of each source in
`_compiled_sources.json`. The compiled modules call each other directly in C, so they run all
together or not at all. The sources run instead when:

- `NEURODEBUG_PURE_PYTHON` is set (to compare the two builds, or to rule the compiler out when
  something looks wrong);
- any source differs from what was compiled: in an editable install being edited, a stale
  extension would silently run yesterday's code;
- there is nothing compiled (a pure-Python install).

`import neurodebug.analyzers` calls `choose()` before any of them is imported.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# setup.py compiles exactly these (it reads this assignment; keep it a literal tuple).
COMPILED = (
    "calls",
    "constants",
    "dataflow",
    "definitions",
    "document",
    "effects",
    "expressions",
    "extract",
    "facts",
    "never_runs",
    "scopes",
    "slicing",
    "values",
)
HERE = Path(__file__).resolve().parent
PACKAGE = __name__.rpartition(".")[0]

state = {"compiled": False, "why": "not checked"}
"""Whether the compiled modules run, and why (or why not): `neurodebug bench analyze` says it."""


class _SourcesFirst(importlib.abc.MetaPathFinder):
    """Finds the compiled modules' `.py` files ahead of their extensions."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != PACKAGE or name not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(fullname, HERE / f"{name}.py")


def _has_extensions() -> bool:
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return all(
        any((HERE / f"{name}{suffix}").is_file() for suffix in suffixes) for name in COMPILED
    )


def _any_extension() -> bool:
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return any((HERE / f"{name}{suffix}").is_file() for name in COMPILED for suffix in suffixes)


def _build_record() -> dict[str, str] | None:
    """What setup.py compiled (module → digest of its source); None without a completed
    build (setup.py removes it first and writes it last, and removes it when compiling fails)."""
    try:
        record = json.loads((HERE / "_compiled_sources.json").read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _stale() -> list[str]:
    """The compiled modules whose source changed since the build (all of them if unknown)."""
    built = _build_record()
    if built is None:
        return list(COMPILED)
    changed = []
    for name in COMPILED:
        try:
            digest = hashlib.sha256((HERE / f"{name}.py").read_bytes()).hexdigest()
        except OSError:
            continue  # an install without sources: only the extension exists
        if built.get(name) != digest:
            changed.append(name)
    return changed


def choose() -> None:
    """Decide once per process, before the first of `COMPILED` is imported."""
    if state["why"] != "not checked":
        return
    if any(f"{PACKAGE}.{name}" in sys.modules for name in COMPILED):
        state["why"] = "decided by an earlier import"
        state["compiled"] = _loaded_compiled()
        return
    if os.environ.get("NEURODEBUG_PURE_PYTHON"):
        why = "NEURODEBUG_PURE_PYTHON is set"
    elif not _has_extensions():
        why = "installed without the compiled modules"
    elif _build_record() is None:
        why = "no record of a completed build (it failed or was interrupted); reinstall"
    elif changed := _stale():
        why = f"sources changed since the build ({', '.join(changed)}); reinstall to compile"
    else:
        state.update(compiled=True, why="mypyc build matches the sources")
        return
    state.update(compiled=False, why=why)
    if _any_extension():  # some built, not to be used (stale, or left by a failed build)
        sys.meta_path.insert(0, _SourcesFirst())


def _loaded_compiled() -> bool:
    module = sys.modules.get(f"{PACKAGE}.facts")
    return module is not None and not str(getattr(module, "__file__", "")).endswith(".py")


def describe() -> str:
    """One line for reports: which build runs, and why."""
    return f"{'compiled (mypyc)' if state['compiled'] else 'pure Python'}: {state['why']}"
