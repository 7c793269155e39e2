"""Type-check the package as it is imported (`neurodebug.server`, …), not as it is laid out.

The part folders are mapped into `neurodebug` by setup.py, which mypy cannot follow through
an editable install's import hook; so this builds a tree of symlinks shaped like the installed
package under build/typecheck/ and runs mypy on it. Usage: python scripts/typecheck.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = {
    "server": "server",
    "analyzers": "analyzers",
    "neural_debugger": "neural_debugger",
    "kernels": "kernels",
}


def build_tree() -> Path:
    tree = ROOT / "build" / "typecheck"
    if tree.exists():
        shutil.rmtree(tree)
    package = tree / "neurodebug"
    package.mkdir(parents=True)
    for entry in (ROOT / "neurodebug").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, folder in PARTS.items():
        (package / name).symlink_to(ROOT / folder, target_is_directory=True)
    return tree


def main() -> int:
    tree = build_tree()
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(ROOT / ".mypy_cache"),
        "-p",
        "neurodebug",
    ]
    return subprocess.call(command, cwd=tree)


if __name__ == "__main__":
    sys.exit(main())
