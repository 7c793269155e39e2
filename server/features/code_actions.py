"""Code actions: a quick fix per fixable finding, fix-all (safe fixes), ignore a code on a line."""

from __future__ import annotations

import asyncio
import re

from lsprotocol import types
from neurodebug.analyzers.fix_format import formatted_fix
from neurodebug.analyzers.rules.base import Finding, Fix
from neurodebug.analyzers.rules.incremental import fresh_fix
from neurodebug.analyzers.rules.registry import RULES
from neurodebug.server.analysis import project_settings, uri_path
from neurodebug.server.app import NeurodebugServer
from neurodebug.server.convert import lsp_position, lsp_text_edit
from neurodebug.server.features.diagnostics import current_report

FIX_ALL_KIND = types.CodeActionKind.SourceFixAll.value + ".neurodebug"
"""`source.fixAll.neurodebug`: editors run it on save when asked to."""

_IGNORE_COMMENT = re.compile(rb"#\s*neurodebug:\s*ignore\[([^\]]*)\]")


def _overlaps(a: types.Range, b: types.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a


def _ignore_edit(line_text: bytes, code: str) -> tuple[int, int, str]:
    """(start byte col, end byte col, text) that adds `code` to the line's ignore comment."""
    match = _IGNORE_COMMENT.search(line_text)
    if match is not None:
        listed = match.group(1).decode("utf-8", errors="replace").strip()
        codes = f"{listed}, {code}" if listed else code
        return match.start(1), match.end(1), codes
    end = len(line_text.rstrip())
    return end, len(line_text), f"  # neurodebug: ignore[{code}]"


def register(server: NeurodebugServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
            resolve_provider=False,
        ),
    )
    async def code_action(
        ls: NeurodebugServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        """Offer the fixes of the findings under the cursor, fix-all and ignore-comments."""
        uri = params.text_document.uri
        found = await current_report(ls, uri)
        if found is None:
            return None
        report, snapshot = found
        encoding = ls.encoding
        only = params.context.only
        actions: list[types.CodeAction] = []

        def wanted(kind: str) -> bool:
            return only is None or any(kind.startswith(str(prefix)) for prefix in only)

        def workspace_edit(edits: list[types.TextEdit]) -> types.WorkspaceEdit:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=snapshot.version
                        ),
                        edits=list(edits),
                    )
                ]
            )

        path = uri_path(uri)
        settings = project_settings(path, ls.state.options)

        async def fix_of(finding: Finding) -> Fix | None:
            """The finding's fix; cached findings may carry an edit-less one to recompute."""
            if finding.fix is None or finding.fix.edits:
                return finding.fix
            return await asyncio.to_thread(
                fresh_fix, snapshot.source, snapshot.tree, finding, path, settings, RULES
            )

        def within_line_length(fix: Fix) -> Fix:
            """The fix with its long new lines wrapped, as `analyze --fix` writes them."""
            return formatted_fix(snapshot.source, fix, settings.line_length)

        in_range = [
            finding
            for finding in report.findings
            if finding.severity != "error"
            and _overlaps(
                types.Range(
                    lsp_position(snapshot, finding.line - 1, finding.column, encoding),
                    lsp_position(snapshot, finding.end_line - 1, finding.end_column, encoding),
                ),
                params.range,
            )
        ]
        diagnostics = {(d.code, d.range.start.line): d for d in params.context.diagnostics}
        if wanted(types.CodeActionKind.QuickFix):
            for finding in in_range:
                diagnostic = diagnostics.get((finding.code, finding.line - 1))
                fix = await fix_of(finding)
                if fix is not None and fix.edits:
                    fix = await asyncio.to_thread(within_line_length, fix)
                    safety = "" if fix.safety == "safe" else " (unsafe)"
                    actions.append(
                        types.CodeAction(
                            title=f"{fix.description}{safety} [{finding.code}]",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic] if diagnostic else None,
                            is_preferred=fix.safety == "safe",
                            edit=workspace_edit(
                                [lsp_text_edit(e, snapshot, encoding) for e in fix.edits]
                            ),
                        )
                    )
                start, end, text = _ignore_edit(snapshot.line_bytes(finding.line - 1), finding.code)
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {finding.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic] if diagnostic else None,
                        edit=workspace_edit(
                            [
                                types.TextEdit(
                                    range=types.Range(
                                        lsp_position(snapshot, finding.line - 1, start, encoding),
                                        lsp_position(snapshot, finding.line - 1, end, encoding),
                                    ),
                                    new_text=text,
                                )
                            ]
                        ),
                    )
                )
        if wanted(FIX_ALL_KIND):
            safe = [
                fix
                for finding in report.findings
                if finding.fix is not None
                and finding.fix.safety == "safe"
                and (fix := await fix_of(finding)) is not None
            ]
            if safe:
                from neurodebug.analyzers.fixes import apply_fixes

                _, applied = apply_fixes(snapshot.source, safe)
                together = Fix(tuple(e for fix in applied for e in fix.edits), "safe", "fix all")
                together = await asyncio.to_thread(within_line_length, together)
                edits = [lsp_text_edit(edit, snapshot, encoding) for edit in together.edits]
                actions.append(
                    types.CodeAction(
                        title=f"neurodebug: apply {len(applied)} safe fix(es)",
                        kind=FIX_ALL_KIND,
                        edit=workspace_edit(edits),
                    )
                )
        return actions
