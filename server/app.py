"""The neurodebug language server object: state shared by the feature handlers.

Handlers live in `neurodebug.server.features.*`, one module per LSP feature; each module's
`register(server)` attaches its handlers with `@server.feature(...)`, and `server/main.py`
assembles them (kept apart so that feature modules can import this one without a cycle). Everything that touches
the connection runs on the event loop; heavy work runs in worker threads on snapshots.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types
from neurodebug.analyzers.document import Document, PositionEncoding
from neurodebug.analyzers.rules.incremental import RuleCache
from neurodebug.neural_debugger.predict.runs import RunStore, Span, TextEdit
from neurodebug.neural_debugger.predict.service import NeuralService
from neurodebug.server.analysis import Report
from neurodebug.server.options import ServerOptions
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from neurodebug import __version__

LOG = logging.getLogger(__name__)


@dataclass
class ServerState:
    """What the handlers share: open documents, their latest reports, settings."""

    options: ServerOptions = field(default_factory=ServerOptions)
    documents: dict[str, Document] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    pending: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    push_diagnostics: bool = True
    """False when the client pulls diagnostics itself (it would show them twice otherwise)."""
    pull_refresh: bool = False
    """The client handles `workspace/diagnostic/refresh`; a pulling client without it gets
    verification diagnostics pushed on their own (see `features/diagnostics.py`)."""
    verified_pushed: set[str] = field(default_factory=set)
    """Documents whose verification diagnostics were pushed on their own (to clear them later)."""
    rule_caches: dict[str, RuleCache] = field(default_factory=dict)
    """Per-document findings of each top-level statement, so edits re-check only what changed."""
    published: dict[str, dict[tuple[object, ...], Any]] = field(default_factory=dict)
    """Per document: the JSON of the diagnostics last pushed, by finding (reused if unchanged)."""
    verified: dict[str, dict[str, tuple[Span, list[Any]]]] = field(default_factory=dict)
    """Per document and function: (where the function lies and its text hash, JSON of the
    verification diagnostics); moved with edits, dropped when the function's text changes."""
    neural: NeuralService = field(default_factory=NeuralService)
    """The model, loaded on first use."""
    kernel_warm_up: asyncio.Task[None] | None = None
    """The background build of the quantized model's CPU kernel (`features/lifecycle.py`)."""
    converter: Any = field(default=None, repr=False)
    """lsprotocol ⇄ JSON (cattrs): the protocol's own converter, set by the server (building
    one registers hooks for every lsprotocol type, ~15 ms of start-up each)."""
    running: dict[Any, asyncio.Future[Any]] = field(default_factory=dict)
    """Command tasks by request id, so `$/cancelRequest` can stop them."""
    runs: RunStore = field(default_factory=RunStore)
    """Predicted and real traces per document and function."""
    change_hooks: list[Callable[[Any, str, list[TextEdit] | None], None]] = field(
        default_factory=list
    )
    """Called as `hook(server, uri, edits)` after each `didChange` (e.g. to move predictions);
    `edits` are the change's edits in order, None when the client sent the whole text."""
    options_generation: int = 0
    """Bumped on every settings change, so pull diagnostics know cached results are stale."""


class NeurodebugProtocol(LanguageServerProtocol):
    """pygls's protocol, plus: `$/cancelRequest` also cancels a running command.

    pygls cancels only a request's outer future; a command handler's own task (awaiting a
    rollout or a debugpy run) would go on. Commands register their task under the request id
    (`running_commands`), and the cancellation reaches it here.
    """

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Hand edits straight to the server's own documents (`analyzers.document.Document`).

        pygls would also rebuild its own copy of the text on every keystroke (milliseconds on
        a 10k-line file, on the event loop); nothing here reads that copy after `didOpen`.
        """
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        server = self._server
        state = getattr(server, "state", None)
        task = state.running.pop(msg_id, None) if state is not None else None
        if task is not None:
            task.cancel()
        super()._handle_cancel_notification(msg_id)


class NeurodebugServer(LanguageServer):
    """The pygls server plus neurodebug's state."""

    def __init__(self) -> None:
        super().__init__(
            name="neurodebug",
            version=__version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=NeurodebugProtocol,
        )
        self.state = ServerState(converter=self.protocol._converter)

    def current_request_id(self) -> Any:
        """The id of the request being handled (pygls keeps it in a context variable)."""
        variable = getattr(self.protocol, "_ctx_msg_id", None)
        return variable.get(None) if variable is not None else None

    @property
    def encoding(self) -> PositionEncoding:
        """The negotiated position encoding as "utf-8", "utf-16" or "utf-32"."""
        try:
            kind: Any = self.workspace.position_encoding
        except RuntimeError:
            return "utf-16"
        value = getattr(kind, "value", kind)
        return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"

    def refresh_hints(self) -> None:
        """Ask the client to re-request inlay hints (after predictions appear or vanish)."""
        workspace = self.client_capabilities.workspace
        if workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support:
            self.workspace_inlay_hint_refresh(None)

    def log_to_client(self, message: str, level: types.MessageType) -> None:
        """Send `window/logMessage` (call on the event loop)."""
        self.window_log_message(types.LogMessageParams(type=level, message=message))


class ClientLogHandler(logging.Handler):
    """Forwards log records to the client's log (`window/logMessage`) from any thread."""

    _LEVELS = (
        (logging.ERROR, types.MessageType.Error),
        (logging.WARNING, types.MessageType.Warning),
        (logging.INFO, types.MessageType.Info),
    )

    def __init__(self, server: NeurodebugServer, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(level=logging.INFO)
        self.server = server
        self.loop = loop

    def emit(self, record: logging.LogRecord) -> None:
        level = next(
            (kind for threshold, kind in self._LEVELS if record.levelno >= threshold),
            types.MessageType.Log,
        )
        message = f"{record.name}: {record.getMessage()}"
        with contextlib.suppress(RuntimeError):  # a closed loop: the session is over
            self.loop.call_soon_threadsafe(self.server.log_to_client, message, level)
