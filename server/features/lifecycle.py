"""Initialize, configuration and logging: how the server learns its settings.

Settings come from `initializationOptions`, then `workspace/configuration` (section
`neurodebug`) once the client is ready, and again whenever it says the configuration changed.

Once the settings are known, a quantized model's CPU kernel is built in the background
(`warm_kernel`: a worker thread, reported as work done progress), so the first prediction does
not wait for a compiler: the model answers at full precision until the kernel is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import uuid

from lsprotocol import types
from neurodebug.server.app import ClientLogHandler, NeurodebugServer
from neurodebug.server.features.diagnostics import client_refreshes_diagnostics, refresh_all
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
    state.pull_refresh = client_refreshes_diagnostics(server.client_capabilities)
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


def settle_start_up_objects() -> None:
    """Collect the start-up's garbage once, then freeze what survives.

    `neurodebug serve` imports and builds the server with the collector off and freezes the
    result (start-up is ~60 ms faster); that also froze the cycles attrs and the imports left
    behind (~10 MB). One full collection (~50-80 ms) after the editor's first files are served
    frees them; the survivors stay frozen, out of later collections' way."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
        gc.freeze()


KERNEL_WARM_UP_DELAY = 2.0
"""Seconds after start-up before the kernel check (it imports torch): the first diagnostics of
the files the editor opens with come first."""


async def warm_kernel(server: NeurodebugServer, delay: float = 0.0) -> None:
    """Build the quantized model's CPU kernel on a worker thread if it is not built yet,
    reported as `$/progress` ("building the 4-bit CPU kernel", begin … end)."""
    if delay:
        await asyncio.sleep(delay)
    options, service = server.state.options, server.state.neural
    if not options.predictions:
        return
    service.configure(options.checkpoint, options.model_bits)
    if not await asyncio.to_thread(service.kernel_needs_build):
        return
    title = f"neurodebug: building the {options.model_bits}-bit CPU kernel"
    token = f"neurodebug-kernel-{uuid.uuid4().hex[:12]}"
    window = server.client_capabilities.window
    progress = bool(window and window.work_done_progress)
    if progress:
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), 5)
            server.work_done_progress.begin(
                token,
                types.WorkDoneProgressBegin(
                    title=title,
                    message="once, about a minute; predictions run at full precision meanwhile",
                    cancellable=False,
                ),
            )
        except Exception:
            progress = False
    LOG.info("%s in the background (once, about a minute)", title.removeprefix("neurodebug: "))
    ready = False
    try:
        ready = await asyncio.to_thread(service.build_kernel)
    except Exception as error:  # a failed build leaves the model at full precision
        LOG.warning(
            "building the CPU kernel failed (%s); predictions stay at full precision", error
        )
    finally:
        if progress:
            message = "ready" if ready else "unavailable: predictions stay at full precision"
            with contextlib.suppress(Exception):
                server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))


def start_kernel_warm_up(server: NeurodebugServer, delay: float = 0.0) -> None:
    """Run `warm_kernel` as a background task unless one is running already."""
    running = server.state.kernel_warm_up
    if running is not None and not running.done():
        return
    server.state.kernel_warm_up = asyncio.ensure_future(warm_kernel(server, delay))


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
        """Fetch the client's settings, watch pyproject.toml files, and start building the
        CPU kernel in the background if the model will need it."""
        LOG.info(
            "neurodebug %s ready (diagnostics: %s)",
            ls.version,
            "push" if ls.state.push_diagnostics else "pull",
        )
        await fetch_configuration(ls)
        asyncio.get_running_loop().call_later(KERNEL_WARM_UP_DELAY, settle_start_up_objects)
        start_kernel_warm_up(ls, KERNEL_WARM_UP_DELAY)
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
        start_kernel_warm_up(ls)
