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
    if answer and apply_options(server, answer[0], "workspace/configuration"):
        refresh_all(server)


def apply_options(server: NeurodebugServer, raw: object, origin: str) -> bool:
    """Merge settings and decide how diagnostics are delivered; True if anything changed."""
    state = server.state
    previous = state.options
    merged = merge_options(previous, raw, origin)
    if merged != state.options:
        state.options = merged
        state.options_generation += 1
        state.reports.clear()
    mode = state.options.diagnostic_mode
    pulls = _client_pulls_diagnostics(server.client_capabilities)
    state.push_diagnostics = mode == "push" or (mode == "auto" and not pulls)
    return merged != previous


async def watch_pyproject(server: NeurodebugServer) -> None:
    """Ask the client to tell us about pyproject.toml changes (if it can watch files)."""
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return
    registration = types.Registration(
        id="neurodebug-pyproject",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
        ),
    )
    try:
        await asyncio.wait_for(
            server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            ),
            timeout=5.0,
        )
    except Exception as error:
        LOG.warning("could not watch pyproject.toml (%s); edit settings need a restart", error)


def register(server: NeurodebugServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: NeurodebugServer, params: types.InitializeParams) -> None:
        """Forward logs to the client (allowed from now on) and read `initializationOptions`
        before the capabilities are sent."""
        handler = ClientLogHandler(ls, asyncio.get_running_loop())
        logging.getLogger("neurodebug").addHandler(handler)
        logging.getLogger("neurodebug").setLevel(logging.INFO)
        apply_options(ls, params.initialization_options, "initializationOptions")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: NeurodebugServer, params: types.InitializedParams) -> None:
        """Fetch the client's settings and watch pyproject.toml files."""
        LOG.info(
            "neurodebug %s ready (diagnostics: %s)",
            ls.version,
            "push" if ls.state.push_diagnostics else "pull",
        )
        await fetch_configuration(ls)
        await watch_pyproject(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: NeurodebugServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        """A pyproject.toml changed: re-read `[tool.neurodebug]` and re-check open documents."""
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            from neurodebug.config import clear_settings_cache

            clear_settings_cache()
            for cache in ls.state.rule_caches.values():
                cache.entries.clear()
            LOG.info("pyproject.toml changed; rules settings reloaded")
            refresh_all(ls)

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
