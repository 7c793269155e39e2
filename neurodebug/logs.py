"""Logging set-up shared by every command: logs go to stderr, never stdout.

In `serve`, stdout is the LSP channel; a stray print there corrupts the protocol.
"""

from __future__ import annotations

import logging
import sys


def configure_logging(verbosity: int = 0) -> None:
    """Send log records to stderr at WARNING, INFO (-v) or DEBUG (-vv)."""
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
