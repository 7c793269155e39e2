"""Diagnostics: pushed after a debounce with the document version, or pulled by the client.

Push: each edit restarts a short timer per document; when it fires, the document is snapshotted
and analysed on a worker thread, and the result is published with the snapshot's version
(dropped when a newer edit arrived meanwhile — its own run follows). Pull:
`textDocument/diagnostic` answers from the report of the current version, or computes it;
`workspace/diagnostic` checks the workspace's Python files that are not open.

Verification diagnostics (`neurodebug.verify`'s mismatches) appear without an edit, so a
pulling client must be told to pull again: with `workspace/diagnostic/refresh` where it
advertises `workspace.diagnostics.refreshSupport`; a client that pulls but cannot be refreshed
(Neovim 0.11) gets them pushed instead (`textDocument/publishDiagnostics` with only those, kept
out of its pulls so they do not show twice), again whenever they move or vanish with an edit.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from neurodebug.analyzers.document import PositionEncoding, Snapshot, line_bytes, line_starts
from neurodebug.analyzers.parsing import UnreadableSourceError, parse, read_source
from neurodebug.analyzers.rules.incremental import RuleCache
from neurodebug.server.analysis import Report, analyze, uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import Lines, lsp_diagnostic
from pygls.protocol import default_converter
from pygls.uris import from_fs_path

from neurodebug.files import iter_python_files

LOG = logging.getLogger(__name__)

IDENTIFIER = "neurodebug"


@functools.cache
def worker_converter() -> Any:
    """The converter diagnostics are built with on worker threads (their own, not the
    protocol's, which the event loop uses); built on first use, not at start-up."""
    return default_converter()


MAX_WORKSPACE_FILES = 2000


def lsp_diagnostics(
    report: Report, lines: Lines, encoding: PositionEncoding
) -> list[types.Diagnostic]:
    """A report's findings (syntax errors included) as LSP diagnostics, in source order."""
    diagnostics = [lsp_diagnostic(finding, lines, encoding) for finding in report.findings]
    diagnostics.sort(key=lambda d: (d.range.start.line, d.range.start.character))
    return diagnostics


def _analyze_snapshot(server: NeurodebugServer, snapshot: Snapshot) -> Report:
    cache = server.state.rule_caches.setdefault(snapshot.uri, RuleCache())
    return analyze(
        snapshot.uri, snapshot.version, snapshot.source, snapshot.tree, server.state.options, cache
    )


async def current_report(server: NeurodebugServer, uri: str) -> tuple[Report, Snapshot] | None:
    """The report for the open document's current version, computing it when needed."""
    document = server.state.documents.get(uri)
    if document is None:
        return None
    snapshot = document.snapshot()
    report = server.state.reports.get(uri)
    if report is None or report.version != snapshot.version:
        report = await asyncio.to_thread(_analyze_snapshot, server, snapshot)
        current = server.state.documents.get(uri)
        if current is not None and current.version == snapshot.version:
            server.state.reports[uri] = report
    return report, snapshot


def _prepare(server: NeurodebugServer, snapshot: Snapshot) -> tuple[Report, list[Any]]:
    """Analyse a snapshot and build the JSON of its diagnostics (on a worker thread).

    Diagnostics that did not change since the last publication are reused as JSON: turning
    hundreds of lsprotocol objects into JSON again would cost more than the cached analysis.
    """
    report = _analyze_snapshot(server, snapshot)
    previous = server.state.published.get(snapshot.uri, {})
    encoding = server.encoding
    fresh: dict[tuple[object, ...], Any] = {}
    items: list[Any] = []
    for finding in report.findings:
        key = (
            finding.code,
            finding.line,
            finding.column,
            finding.end_line,
            finding.end_column,
            finding.message,
            None if finding.fix is None else finding.fix.safety,
            snapshot.line_bytes(finding.line - 1),
            snapshot.line_bytes(finding.end_line - 1),
            encoding,
        )
        item = previous.get(key)
        if item is None:
            item = worker_converter().unstructure(lsp_diagnostic(finding, snapshot, encoding))
        fresh[key] = item
        items.append(item)
    server.state.published[snapshot.uri] = fresh
    items.extend(verified_items(server, snapshot.uri))
    return report, items


def publish_json(server: NeurodebugServer, uri: str, version: int | None, items: list[Any]) -> None:
    """Send `textDocument/publishDiagnostics` from ready-made JSON (falls back to pygls types)."""
    send = getattr(server.protocol, "_send_data", None)
    if send is None:
        server.text_document_publish_diagnostics(
            worker_converter().structure(
                {"uri": uri, "version": version, "diagnostics": items},
                types.PublishDiagnosticsParams,
            )
        )
        return
    send(
        {
            "jsonrpc": "2.0",
            "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
            "params": {"uri": uri, "version": version, "diagnostics": items},
        }
    )


async def _publish_later(server: NeurodebugServer, uri: str, delay: float) -> None:
    if delay > 0:
        await asyncio.sleep(delay)
    document = server.state.documents.get(uri)
    if document is None:
        return
    snapshot = document.snapshot()
    report, items = await asyncio.to_thread(_prepare, server, snapshot)
    current = server.state.documents.get(uri)
    if current is None or current.version != snapshot.version:
        return  # a newer edit arrived; its own run publishes
    server.state.reports[uri] = report
    if server.state.push_diagnostics:
        publish_json(server, uri, snapshot.version, items)


def schedule(server: NeurodebugServer, uri: str, immediately: bool = False) -> None:
    """(Re)start the debounce timer of one document."""
    pending = server.state.pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    delay = 0.0 if immediately else server.state.options.debounce_ms / 1000
    task = asyncio.ensure_future(_publish_later(server, uri, delay))
    server.state.pending[uri] = task
    task.add_done_callback(lambda done: _finished(server, uri, done))


def _finished(server: NeurodebugServer, uri: str, task: asyncio.Task[None]) -> None:
    if server.state.pending.get(uri) is task:
        del server.state.pending[uri]
    if not task.cancelled() and task.exception() is not None:
        LOG.error("diagnostics for %s failed: %r", uri, task.exception())


def forget(server: NeurodebugServer, uri: str) -> None:
    """Stop tracking a closed document and clear its pushed diagnostics."""
    pending = server.state.pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    server.state.reports.pop(uri, None)
    server.state.rule_caches.pop(uri, None)
    if server.state.push_diagnostics or uri in server.state.verified_pushed:
        server.state.verified_pushed.discard(uri)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )


def client_refreshes_diagnostics(capabilities: types.ClientCapabilities) -> bool:
    """Whether the client handles `workspace/diagnostic/refresh` (it said `refreshSupport`)."""
    workspace = capabilities.workspace
    diagnostics = workspace.diagnostics if workspace is not None else None
    return bool(diagnostics is not None and diagnostics.refresh_support)


def pushes_verified(server: NeurodebugServer) -> bool:
    """Whether verification diagnostics go out as their own push: the client pulls the rest but
    cannot be asked to pull again."""
    return not server.state.push_diagnostics and not server.state.pull_refresh


def verified_items(server: NeurodebugServer, uri: str) -> list[Any]:
    """The JSON of a document's verification diagnostics, in function order."""
    return [item for _span, items in server.state.verified.get(uri, {}).values() for item in items]


def publish_verified(server: NeurodebugServer, uri: str) -> None:
    """Push a document's verification diagnostics on their own (see the module doc)."""
    document = server.state.documents.get(uri)
    version = document.version if document is not None else None
    items = verified_items(server, uri)
    if items or uri in server.state.verified_pushed:
        publish_json(server, uri, version, items)
    if items:
        server.state.verified_pushed.add(uri)
    else:
        server.state.verified_pushed.discard(uri)


def refresh_document(server: NeurodebugServer, uri: str) -> None:
    """Deliver one document's diagnostics again now (e.g. verification results changed): pushed
    with the next check, pulled after a refresh, or pushed on their own (see the module doc)."""
    server.state.reports.pop(uri, None)
    server.state.options_generation += 1  # pulled result ids change too
    schedule(server, uri, immediately=True)
    if pushes_verified(server):
        publish_verified(server, uri)
    elif not server.state.push_diagnostics:
        server.workspace_diagnostic_refresh(None)


def refresh_all(server: NeurodebugServer) -> None:
    """Re-check every open document (after a settings change)."""
    server.state.reports.clear()
    for uri in list(server.state.documents):
        schedule(server, uri, immediately=True)
    if not server.state.push_diagnostics and server.state.pull_refresh:
        server.workspace_diagnostic_refresh(None)


class _FileLines:
    """Line access for a file that is not open (for converting positions)."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.starts = line_starts(source)

    def line_bytes(self, line: int) -> bytes:
        return line_bytes(self.source, self.starts, line)


def _workspace_reports(
    server: NeurodebugServer, roots: list[Path], open_uris: set[str], encoding: PositionEncoding
) -> list[types.WorkspaceDocumentDiagnosticReport]:
    items: list[types.WorkspaceDocumentDiagnosticReport] = []
    for index, path in enumerate(iter_python_files(roots)):
        if index >= MAX_WORKSPACE_FILES:
            LOG.warning("workspace/diagnostic: stopped after %d files", MAX_WORKSPACE_FILES)
            break
        uri = from_fs_path(str(path)) or path.as_uri()
        if uri in open_uris:
            continue
        try:
            source = read_source(path)
        except UnreadableSourceError:
            continue
        report = analyze(uri, None, source, parse(source), server.state.options)
        items.append(
            types.WorkspaceFullDocumentDiagnosticReport(
                uri=uri,
                version=None,
                items=lsp_diagnostics(report, _FileLines(source), encoding),
            )
        )
    return items


def register(server: NeurodebugServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=IDENTIFIER, inter_file_dependencies=False, workspace_diagnostics=True
        ),
    )
    async def document_diagnostic(
        ls: NeurodebugServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        """Answer a pull for one open document."""
        found = await current_report(ls, params.text_document.uri)
        if found is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        report, snapshot = found
        result_id = f"{snapshot.version}:{ls.state.options_generation}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        items = lsp_diagnostics(report, snapshot, ls.encoding)
        if not pushes_verified(ls):  # else they are pushed on their own
            items.extend(
                ls.state.converter.structure(item, types.Diagnostic)
                for item in verified_items(ls, snapshot.uri)
            )
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(
        ls: NeurodebugServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        """Check the Python files of the workspace folders that are not open."""
        roots = [
            path
            for folder in ls.workspace.folders.values()
            if (path := uri_path(folder.uri)) is not None and path.is_dir()
        ]
        if not roots and ls.workspace.root_path:
            roots = [Path(ls.workspace.root_path)]
        items = await asyncio.to_thread(
            _workspace_reports, ls, roots, set(ls.state.documents), ls.encoding
        )
        return types.WorkspaceDiagnosticReport(items=items)
