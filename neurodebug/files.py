"""Find the Python files under the paths a user names, the way they expect from git and ruff.

Directories are walked recursively; anything a `.gitignore` ignores (the repository's own,
nested ones, and those of enclosing folders up to the repository root) is skipped, as are the
usual tool folders. A file named explicitly is always taken, even if ignored.

Also the two file-system conventions every part shares: atomic writes (`write_atomically`) and
where caches live (`user_cache_folder`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

ALWAYS_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        "site-packages",
        ".neurodebug_cache",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class _IgnoreRules:
    """The `.gitignore` specs in force for one folder, each with the folder it is relative to."""

    specs: list[tuple[Path, pathspec.PathSpec]] = field(default_factory=list)

    def with_folder(self, folder: Path) -> _IgnoreRules:
        spec = _read_gitignore(folder)
        return _IgnoreRules([*self.specs, (folder, spec)]) if spec else self

    def ignores(self, path: Path, is_dir: bool) -> bool:
        for base, spec in self.specs:
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + "/" if is_dir else relative):
                return True
        return False


def _read_gitignore(folder: Path) -> pathspec.PathSpec | None:
    gitignore = folder / ".gitignore"
    try:
        lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import pathspec  # only a folder with a .gitignore needs it: `analyze one.py` starts faster

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _repository_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _enclosing_rules(folder: Path) -> _IgnoreRules:
    """Rules from `.gitignore` files of the folders above `folder`, up to its repository root."""
    root = _repository_root(folder)
    if root is None:
        return _IgnoreRules()
    chain = [root, *reversed([p for p in folder.parents if root in p.parents])]
    rules = _IgnoreRules()
    for ancestor in chain:
        if ancestor != folder:
            rules = rules.with_folder(ancestor)
    return rules


def iter_python_files(paths: list[Path]) -> Iterator[Path]:
    """Yield every Python file under `paths`, sorted per folder, each once."""
    seen: set[Path] = set()
    for given in paths:
        if given.is_dir():
            folder = given.resolve()
            for found in _walk(folder, _enclosing_rules(folder)):
                if found not in seen:
                    seen.add(found)
                    yield found
        else:
            resolved = given.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield resolved


def _walk(folder: Path, inherited: _IgnoreRules) -> Iterator[Path]:
    rules = inherited.with_folder(folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    subfolders: list[Path] = []
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name not in ALWAYS_SKIPPED_DIRS and not rules.ignores(path, is_dir=True):
                subfolders.append(path)
        elif entry.name.endswith(PYTHON_SUFFIXES) and not rules.ignores(path, is_dir=False):
            yield path
    for subfolder in subfolders:
        yield from _walk(subfolder, rules)


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it, else as given."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace (or create) `path`'s content via a temporary file in the same folder: never
    half-written, no temporary file left behind. An existing file keeps its permissions; a new
    one gets the temporary file's (0600)."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def user_cache_folder(part: str) -> Path | None:
    """Where neurodebug keeps `part` (compiled kernels, start-up code): `$NEURODEBUG_CACHE_DIR/
    part`, else `$XDG_CACHE_HOME/neurodebug/part`, else `~/.cache/neurodebug/part`; None when
    there is no home folder to put it in (no `$HOME` and no passwd entry)."""
    override = os.environ.get("NEURODEBUG_CACHE_DIR")
    if override:
        return Path(override) / part
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):
            return None
    return Path(base) / "neurodebug" / part
