"""Where every benchmark writes its JSON, so each claimed ratio has a file behind it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

RESULTS_DIR = Path("benchmarks") / "results"


def add_output_argument(parser: argparse.ArgumentParser, name: str) -> None:
    """The common `--out FILE` option; every benchmark writes its JSON there."""
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS_DIR / f"{name}.json",
        help=f"where to write the JSON results (default: {RESULTS_DIR / f'{name}.json'})",
    )


def write_results(path: Path, results: dict[str, Any]) -> None:
    """Write results as indented JSON, creating the folder, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    temporary.replace(path)
