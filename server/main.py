"""Assemble the language server: every feature module registers its handlers on one server.

Apart from `app.py` because the feature modules import `app` for the server type: listing them
there made `app` import every feature and every feature import `app`.
"""

from __future__ import annotations

import importlib

from neurodebug.server.app import NeurodebugServer

FEATURE_MODULES: tuple[str, ...] = (
    "neurodebug.server.features.lifecycle",
    "neurodebug.server.features.diagnostics",
    "neurodebug.server.features.sync",
    "neurodebug.server.features.hover",
    "neurodebug.server.features.highlight",
    "neurodebug.server.features.code_actions",
    "neurodebug.server.features.code_lens",
    "neurodebug.server.features.inlay_hints",
    "neurodebug.server.features.inline_values",
    "neurodebug.server.commands",
    "neurodebug.server.features.predict_commands",
    "neurodebug.server.features.step_commands",
    "neurodebug.server.features.verify_commands",
    "neurodebug.server.features.integrity",
)
"""One module per feature; each exposes `register(server)`."""


def create_server() -> NeurodebugServer:
    """A server with every feature module's handlers registered."""
    server = NeurodebugServer()
    for module_name in FEATURE_MODULES:
        importlib.import_module(module_name).register(server)
    return server
