"""pytest-lsp fixtures: a real `neurodebug serve` process driven by a test client."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

DATA = Path(__file__).parent / "data"


class RecordingClient(LanguageClient):
    """The pytest-lsp client, also keeping the version of every diagnostics publication."""

    published: list[tuple[str, int | None]]
    registrations: list[types.Registration]


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    client.published = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    default_publish = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
        client.published.append((params.uri, params.version))
        default_publish(client, params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    client.registrations = []

    def register_capability(client: RecordingClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "neurodebug", "serve"], client_factory=make_client
)


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


async def start_session(
    client: LanguageClient,
    *,
    capabilities: str = "visual-studio-code",
    options: dict[str, Any] | None = None,
    root: Path = DATA,
) -> types.InitializeResult:
    """Initialize with a real editor's capabilities and a workspace folder."""
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(capabilities),
            root_uri=uri_of(root),
            workspace_folders=[types.WorkspaceFolder(uri=uri_of(root), name=root.name)],
            initialization_options=options,
        )
    )


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Send didOpen for `path` (with its contents or `text`) and return its URI."""
    uri = uri_of(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )
    return uri


async def wait_until(
    condition: Callable[[], bool], timeout: float = 20.0, interval: float = 0.02
) -> None:
    """Poll `condition` until true; fail the test after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


def model_checkpoint() -> Path | None:
    """A trained checkpoint to test predictions with: $NEURODEBUG_TEST_CHECKPOINT, else the one
    the package ships; None when neither exists (prediction tests are then skipped)."""
    configured = os.environ.get("NEURODEBUG_TEST_CHECKPOINT")
    if configured:
        return Path(configured)
    try:
        from neurodebug.neural_debugger.model.checkpoint import SHIPPED_CHECKPOINT
    except ImportError:
        return None
    return SHIPPED_CHECKPOINT if (SHIPPED_CHECKPOINT / "model.safetensors").is_file() else None


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> Any:
    """A started server; each test initializes it the way it needs."""
    yield
    await lsp_client.shutdown_session()
