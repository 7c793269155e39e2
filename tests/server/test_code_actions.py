"""Code actions: quick fix per finding, `source.fixAll.neurodebug`, ignore a code on a line."""

from __future__ import annotations

import pytest
from lsprotocol import types
from neurodebug.analyzers.rules import Settings, check_source
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session, wait_until

pytestmark = pytest.mark.e2e


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text, so columns are characters) from the last to the first."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:
        return offsets[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def _edits(action: types.CodeAction) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes is not None
    change = action.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    return [edit for edit in change.edits if isinstance(edit, types.TextEdit)]


async def _actions(
    client: LanguageClient, uri: str, line: int, only: list[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(line, 0), types.Position(line, 80)),
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    assert result is not None
    return [action for action in result if isinstance(action, types.CodeAction)]


async def test_quick_fix_rewrites_the_loop_and_removes_the_finding(client: LanguageClient) -> None:
    await start_session(client)
    path = DATA / "hints.py"
    uri = open_file(client, path)
    await wait_until(lambda: uri in client.diagnostics)
    codes = {(d.code, d.range.start.line) for d in client.diagnostics[uri]}
    assert ("ND101", 23) in codes  # `for row in list([1, 2, 3])`
    actions = await _actions(client, uri, 23, only=[types.CodeActionKind.QuickFix])
    fix = next(a for a in actions if "ND101" in a.title and not a.title.startswith("Ignore"))
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred
    fixed = _apply(path.read_text(), _edits(fix))
    remaining = check_source(fixed.encode(), None, Settings())
    assert "ND101" not in {finding.code for finding in remaining}
    assert "for row in [1, 2, 3]:" in fixed
    compile(fixed, "hints.py", "exec")  # the rewrite is valid Python


async def test_fix_all_applies_only_safe_fixes(client: LanguageClient) -> None:
    await start_session(client)
    path = DATA / "hints.py"
    uri = open_file(client, path)
    actions = await _actions(client, uri, 0, only=["source.fixAll.neurodebug"])
    assert [a.kind for a in actions] == ["source.fixAll.neurodebug"]
    fixed = _apply(path.read_text(), _edits(actions[0]))
    left = {finding.code for finding in check_source(fixed.encode(), None, Settings())}
    assert {"ND101", "ND105"}.isdisjoint(left)
    # ND102's fix is unsafe (duck-typed mappings): fix-all never switches to `.keys()`.
    assert "mapping.items()" in fixed
    assert "mapping.keys()" not in fixed


async def test_ignore_code_on_this_line(client: LanguageClient) -> None:
    await start_session(client, options={"select": ["ND1"]})  # ND104 (opt-in) shares line 18
    path = DATA / "hints.py"
    uri = open_file(client, path)
    actions = await _actions(client, uri, 17)
    titles = [a.title for a in actions]
    assert "Ignore ND102 on this line" in titles
    ignore = next(a for a in actions if a.title == "Ignore ND102 on this line")
    ignored_once = _apply(path.read_text(), _edits(ignore))
    assert "for key, _ in mapping.items():  # neurodebug: ignore[ND102]" in ignored_once
    codes = {(f.code, f.line) for f in check_source(ignored_once.encode(), None, Settings())}
    assert ("ND102", 18) not in codes
    # A second code on the same line joins the existing comment instead of adding another.
    uri2 = open_file(client, path.with_name("hints_copy.py"), text=ignored_once)
    actions = await _actions(client, uri2, 17)
    second = next(a for a in actions if a.title == "Ignore ND104 on this line")
    twice = _apply(ignored_once, _edits(second))
    assert "# neurodebug: ignore[ND102, ND104]" in twice
    assert twice.count("neurodebug: ignore") == 1


LONG = (
    "def scaled(collection_of_items, offset, scale, lowest_value_to_keep_in_the_result):\n"
    "    return list(item * scale + offset for item in collection_of_items if item > lowest_value_to_keep_in_the_result)\n"
)


async def test_a_quick_fix_keeps_its_new_line_within_the_line_length(
    client: LanguageClient,
) -> None:
    """ND201's comprehension would be a 111-character line: the quick fix and fix-all wrap it
    as `analyze --fix` does (this repository's [tool.ruff] line-length), one clause per line.
    (ND201 is opt-in: the session selects it.)"""
    await start_session(client, options={"select": ["ND201"]})
    path = DATA / "long_fix.py"
    uri = open_file(client, path, text=LONG)
    actions = await _actions(client, uri, 1)
    fix = next(a for a in actions if a.title.endswith("[ND201]"))
    wrapped = _apply(LONG, _edits(fix))
    assert wrapped == (
        "def scaled(collection_of_items, offset, scale, lowest_value_to_keep_in_the_result):\n"
        "    return [\n"
        "        item * scale + offset\n"
        "        for item in collection_of_items\n"
        "        if item > lowest_value_to_keep_in_the_result\n"
        "    ]\n"
    )
    fix_all = await _actions(client, uri, 1, only=["source.fixAll.neurodebug"])
    assert _apply(LONG, _edits(fix_all[0])) == wrapped
