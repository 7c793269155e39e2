"""Which build of the analysis core runs: the mypyc-compiled modules or their `.py` sources.

setup.py compiles the modules in `COMPILED` with mypyc and, once the build has succeeded,
records a digest of every source the build depends on (`tracked_sources`) in
`_compiled_sources.json`. The compiled modules call each other directly in C, so they run all
together or not at all. The sources run instead when:

- `NEURODEBUG_PURE_PYTHON` is set (to compare the two builds, or to rule the compiler out when
  something looks wrong);
- any recorded source differs from what was compiled: in an editable install being edited, a
  stale extension would silently run yesterday's code (or fail mypyc's type checks at calls
  into an edited module it does not compile);
- there is no record (a build that failed or was interrupted), or an extension is missing;
- there is nothing compiled (a pure-Python install).

A checkout of a commit older than this module keeps the extensions an editable install built
(they are not tracked) and has no such guard: remove them first (`git clean -fX analyzers`).

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
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

# setup.py compiles exactly these (it loads this module on its own, standard library only).
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


GROUP = "_compiled"
"""mypyc's group of the compiled modules (setup.py names it `neurodebug.analyzers._compiled`)."""
SHARED_LIBRARY = f"{GROUP}__mypyc"
"""The extension every compiled module loads (mypyc's group library)."""
RECORD = "_compiled_sources.json"
"""What the build was compiled from, written by setup.py's build step (`_build_record`)."""


def _extension_exists(name: str) -> bool:
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return any((HERE / f"{name}{suffix}").is_file() for suffix in suffixes)


def _has_extensions() -> bool:
    return all(_extension_exists(name) for name in (*COMPILED, SHARED_LIBRARY))


def _any_extension() -> bool:
    return any(_extension_exists(name) for name in (*COMPILED, SHARED_LIBRARY))


def pure_python_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """`NEURODEBUG_PURE_PYTHON` set to anything but empty, 0, false, no or off (setup.py asks
    too, at install time)."""
    value = environ.get("NEURODEBUG_PURE_PYTHON", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def tracked_sources(analyzers: Path, root: Path) -> dict[str, Path]:
    """Every source the compiled build depends on, by a name that is the same in a checkout
    and in an installed package: the whole `analyzers` package (the compiled modules, and what
    they call without being compiled: `parsing`, the rule engine, whose signatures mypyc checks
    at every call) and the root package's `config`."""
    found = {
        "analyzers/" + path.relative_to(analyzers).as_posix(): path
        for path in sorted(analyzers.rglob("*.py"))
        if "__pycache__" not in path.parts
    }
    found["config.py"] = root / "config.py"
    return found


def source_digests(analyzers: Path, root: Path) -> dict[str, str]:
    """What setup.py records after a successful build, and what `choose()` compares."""
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in tracked_sources(analyzers, root).items()
        if path.is_file()
    }


def _build_record() -> dict[str, str] | None:
    """What the build was compiled from (source name → digest); None without a completed build
    (setup.py's build step removes it first, writes it after success, and only then)."""
    try:
        record = json.loads((HERE / RECORD).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _changed_sources(built: dict[str, str]) -> list[str]:
    """The sources in the record `built` that changed since the build. A source added since
    does not count (nothing compiled imports it); one removed neither (an install may leave
    sources out)."""
    package = sys.modules.get(PACKAGE.rpartition(".")[0])
    root = Path(package.__file__).resolve().parent if package and package.__file__ else HERE.parent
    now = source_digests(HERE, root)
    return [name for name, digest in built.items() if name in now and now[name] != digest]


def choose() -> None:
    """Decide once per process, before the first of `COMPILED` is imported."""
    if state["why"] != "not checked":
        return
    if any(f"{PACKAGE}.{name}" in sys.modules for name in COMPILED):
        state["why"] = "decided by an earlier import"
        state["compiled"] = _loaded_compiled()
        return
    if pure_python_requested():
        why = "NEURODEBUG_PURE_PYTHON is set"
    elif not _has_extensions():
        why = "installed without the compiled modules"
    elif (built := _build_record()) is None:
        why = "no record of a completed build (it failed or was interrupted); reinstall"
    elif changed := _changed_sources(built):
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
