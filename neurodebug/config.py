"""`[tool.neurodebug]` settings, read from the nearest pyproject.toml, as one typed dataclass.

Keys (all optional):

    [tool.neurodebug]
    select = ["ND1", "ND3"]            # code prefixes to run (default: every rule)
    ignore = ["ND203", "PERF203"]      # our codes or their peer equivalents (ruff, perflint)
    per-file-ignores = { "tests/*" = ["ND3"] }
    target-version = "py311"           # else derived from [project] requires-python
    ruff-ignores = true                # carry over [tool.ruff] ignores (default true)

A project's ruff ignores carry over: `ignore`, `extend-ignore`, `per-file-ignores` and
`extend-per-file-ignores` of `[tool.ruff.lint]` (or the older `[tool.ruff]`) are added to ours,
and match a rule through its peer codes (`PERF401` turns off ND104, the finding ruff calls
PERF401).
Ruff's `select` is not carried over: it picks among ruff's rules, which are not ours, and would
turn every neurodebug rule off. `[tool.neurodebug]` keys add to the carried-over ones;
`ruff-ignores = false` stops the carry-over.

A bad value never stops a run: it is logged as a warning and the default is used instead,
because a typo in a config file should not turn a CI job red for an unrelated reason.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)

DEFAULT_TARGET_VERSION: tuple[int, int] = (3, 11)
_VERSION_RE = re.compile(r"^py3(\d{1,2})$")
_REQUIRES_RE = re.compile(r">=?\s*3\.(\d{1,2})")


@dataclass(frozen=True)
class Settings:
    """What to check and for which Python; the defaults run every rule for Python 3.11."""

    select: tuple[str, ...] = ()
    """Code prefixes to run; empty means every rule."""
    ignore: tuple[str, ...] = ()
    """Code prefixes (ours or a peer's equivalent code) never reported."""
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(glob, prefixes) pairs; a glob matches the path relative to `root` (or its file name)."""
    target_version: tuple[int, int] = DEFAULT_TARGET_VERSION
    """The oldest Python the code must run on; rules gated on versions read this."""
    line_length: int = 88
    """Where a fix's new line is wrapped: `line-length` from [tool.neurodebug], else
    [tool.ruff], else [tool.black], else 88 (both formatters' default)."""
    opt_in: bool = False
    """Run the opt-in rules too without naming them: `analyze --profile`/`--predict` do, and
    then keep those rules' findings only on lines the profile shows hot."""
    root: Path | None = field(default=None, compare=False)
    """The folder holding the pyproject.toml the settings came from (for per-file globs)."""

    def ignored_for(self, path: Path | None) -> tuple[str, ...]:
        """The ignore prefixes in force for `path`: global ones plus matching per-file ones."""
        if path is None or not self.per_file_ignores:
            return self.ignore
        candidates = [path.name, path.as_posix()]
        if self.root is not None:
            resolved, root = path.resolve(), self.root.resolve()
            if resolved.is_relative_to(root):
                candidates.append(resolved.relative_to(root).as_posix())
        extra: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates):
                extra.extend(codes)
        return (*self.ignore, *extra)


def _string_list(value: Any, key: str) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip().upper() for item in value if item.strip())
    LOG.warning("[tool.neurodebug] %s must be a list of strings; ignoring %r", key, value)
    return None


def parse_target_version(value: Any) -> tuple[int, int] | None:
    """`"py311"` or `"3.11"` → (3, 11); anything else → None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    match = _VERSION_RE.match(text)
    if match:
        return (3, int(match.group(1)))
    if re.fullmatch(r"3\.\d{1,2}", text):
        return (3, int(text.split(".")[1]))
    return None


def settings_from_table(
    table: dict[str, Any], requires_python: str | None = None, root: Path | None = None
) -> Settings:
    """Build settings from a `[tool.neurodebug]` table; invalid entries fall back with a warning."""
    settings = Settings(root=root)
    if requires_python:
        match = _REQUIRES_RE.search(requires_python)
        if match:
            settings = replace(settings, target_version=(3, int(match.group(1))))
    for key, value in table.items():
        if key == "select":
            codes = _string_list(value, key)
            if codes is not None:
                settings = replace(settings, select=codes)
        elif key == "ignore":
            codes = _string_list(value, key)
            if codes is not None:
                settings = replace(settings, ignore=codes)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                LOG.warning("[tool.neurodebug] per-file-ignores must be a table; ignoring it")
                continue
            pairs = []
            for pattern, codes_value in value.items():
                codes = _string_list(codes_value, f"per-file-ignores.{pattern}")
                if codes is not None:
                    pairs.append((str(pattern), codes))
            settings = replace(settings, per_file_ignores=tuple(pairs))
        elif key == "ruff-ignores":
            continue  # read by `load_settings_file`, which owns the carry-over
        elif key == "line-length":
            if _line_length(value) is not None:
                settings = replace(settings, line_length=value)
            else:
                LOG.warning("[tool.neurodebug] line-length %r is not 40..400; ignoring it", value)
        elif key == "target-version":
            version = parse_target_version(value)
            if version is None:
                LOG.warning(
                    "[tool.neurodebug] target-version %r is not like 'py311'; using %s",
                    value,
                    f"py3{settings.target_version[1]}",
                )
            else:
                settings = replace(settings, target_version=version)
        else:
            LOG.warning("[tool.neurodebug] unknown setting %r ignored", key)
    return settings


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (a file or a folder)."""
    folder = start if start.is_dir() else start.parent
    return _pyproject_above(Path(os.path.abspath(folder)))


@cache
def _pyproject_above(folder: Path) -> Path | None:
    """Cached per absolute folder: a run over a tree looks once per folder, not per file."""
    path = folder / "pyproject.toml"
    if path.is_file():
        return path
    parent = folder.parent
    return None if parent == folder else _pyproject_above(parent)


@cache
def load_settings_file(pyproject: Path) -> Settings:
    """Settings from one pyproject.toml (cached per path for the life of the process)."""
    import tomllib  # its regular expressions cost ~10 ms; only a project with a file needs it

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        LOG.warning("cannot read %s (%s); using default settings", pyproject, error)
        return Settings(root=pyproject.parent)
    tool = data.get("tool", {})
    table = tool.get("neurodebug", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        LOG.warning("%s: [tool.neurodebug] is not a table; using defaults", pyproject)
        table = {}
    project = data.get("project", {})
    requires = project.get("requires-python") if isinstance(project, dict) else None
    settings = settings_from_table(
        table, requires if isinstance(requires, str) else None, root=pyproject.parent
    )
    if "line-length" not in table:
        settings = replace(settings, line_length=_formatter_line_length(tool, settings))
    if table.get("ruff-ignores", True) is False:
        return settings
    ruff = tool.get("ruff", {}) if isinstance(tool, dict) else {}
    return with_ruff_ignores(settings, ruff if isinstance(ruff, dict) else {})


def _formatter_line_length(tool: Any, settings: Settings) -> int:
    """The project's formatter line length ([tool.ruff], then [tool.black]), if it sets one."""
    for name in ("ruff", "black"):
        table = tool.get(name, {}) if isinstance(tool, dict) else {}
        value = _line_length(table.get("line-length") if isinstance(table, dict) else None)
        if value is not None:
            return value
    return settings.line_length


def _line_length(value: Any) -> int | None:
    """A usable line length (an int in 40..400), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 40 <= value <= 400:
        return value
    return None


def with_ruff_ignores(settings: Settings, ruff: dict[str, Any]) -> Settings:
    """`settings` plus a `[tool.ruff]` table's ignores (see the module docstring)."""
    lint = ruff.get("lint", {})
    tables = [ruff, lint] if isinstance(lint, dict) else [ruff]
    ignore: list[str] = []
    per_file: list[tuple[str, tuple[str, ...]]] = []
    for table in tables:
        for key in ("ignore", "extend-ignore"):
            codes = _ruff_codes(table.get(key, []))
            ignore.extend(codes)
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            value = table.get(key, {})
            for pattern, codes_value in value.items() if isinstance(value, dict) else ():
                codes = _ruff_codes(codes_value)
                if codes:
                    per_file.append((str(pattern), codes))
    if not ignore and not per_file:
        return settings
    return replace(
        settings,
        ignore=(*settings.ignore, *ignore),
        per_file_ignores=(*settings.per_file_ignores, *per_file),
    )


def _ruff_codes(value: Any) -> tuple[str, ...]:
    """Ruff code prefixes from a list; `"ALL"` or anything malformed is skipped, silently:
    ruff validates its own configuration."""
    if not isinstance(value, list):
        return ()
    return tuple(
        item.strip().upper()
        for item in value
        if isinstance(item, str) and item.strip() and item.strip().upper() != "ALL"
    )


def clear_settings_cache() -> None:
    """Forget cached pyproject lookups and contents (for long-lived processes like the server)."""
    _pyproject_above.cache_clear()
    load_settings_file.cache_clear()


def load_settings(start: Path) -> Settings:
    """Settings for a file or folder: its nearest pyproject.toml, or the defaults."""
    pyproject = find_pyproject(start)
    return load_settings_file(pyproject) if pyproject is not None else Settings()
