"""Initialize, configuration and logging: how the server learns its settings.

Settings come from `initializationOptions`, then `workspace/configuration` (section
`neurodebug`) once the client is ready, and again whenever it says the configuration changed.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from neurodebug.server.app import ClientLogHandler, NeurodebugServer
from neurodebug.server.features.diagnostics import refresh_all
from neurodebug.server.options import merge_options

LOG = logging.getLogger(__name__)


def _client_pulls_diagnostics(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    return document is not None and document.diagnostic is not None


def _client_has_configuration(capabilities: types.ClientCapabilities) -> bool:
    return bool(capabilities.workspace and capabilities.workspace.configuration)


async def fetch_configuration(server: NeurodebugServer) -> None:
    """Ask the client for the `neurodebug` section and apply it."""
    if not _client_has_configuration(server.client_capabilities):
        return
    try:
        answer = await asyncio.wait_for(
            server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="neurodebug")])
            ),
            timeout=5.0,
        )
    except (TimeoutError, Exception) as error:
        LOG.warning("workspace/configuration failed (%s); keeping current settings", error)
        return
    if answer:
        apply_options(server, answer[0], "workspace/configuration")


def apply_options(server: NeurodebugServer, raw: object, origin: str) -> None:
    """Merge settings and decide how diagnostics are delivered."""
    state = server.state
    merged = merge_options(state.options, raw, origin)
    if merged != state.options:
        state.options = merged
        state.options_generation += 1
        state.reports.clear()
    mode = state.options.diagnostic_mode
    pulls = _client_pulls_diagnostics(server.client_capabilities)
    state.push_diagnostics = mode == "push" or (mode == "auto" and not pulls)


def register(server: NeurodebugServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: NeurodebugServer, params: types.InitializeParams) -> None:
        """Read `initializationOptions` before the capabilities are sent."""
        apply_options(ls, params.initialization_options, "initializationOptions")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: NeurodebugServer, params: types.InitializedParams) -> None:
        """Start forwarding logs to the client and fetch its settings."""
        handler = ClientLogHandler(ls, asyncio.get_running_loop())
        logging.getLogger("neurodebug").addHandler(handler)
        logging.getLogger("neurodebug").setLevel(logging.INFO)
        LOG.info(
            "neurodebug %s ready (diagnostics: %s)",
            ls.version,
            "push" if ls.state.push_diagnostics else "pull",
        )
        await fetch_configuration(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: NeurodebugServer, params: types.DidChangeConfigurationParams
    ) -> None:
        """Re-read the settings (pushed or pulled) and re-check every open document."""
        settings = params.settings
        if isinstance(settings, dict) and settings.get("neurodebug") is not None:
            apply_options(ls, settings, "workspace/didChangeConfiguration")
        else:
            await fetch_configuration(ls)
        refresh_all(ls)
