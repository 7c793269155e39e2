"""The files the analysis benchmarks read: the standard library (or a given root), tests skipped.

`bench analyze` and its `--peers` comparison must time the same files, so both list them here.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

SKIPPED_FOLDERS = frozenset(
    {"test", "tests", "idle_test", "__pycache__", "site-packages", "dist-packages"}
)


def corpus_files(root: Path | None = None, limit: int | None = None) -> list[Path]:
    """Every `.py` under the stdlib (or `root`), test folders skipped, sorted, at most `limit`."""
    base = root or Path(sysconfig.get_paths()["stdlib"])
    files: list[Path] = []
    for folder, subfolders, names in os.walk(base):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
        files.extend(Path(folder) / name for name in sorted(names) if name.endswith(".py"))
    return files[:limit] if limit is not None else files
