"""The editor under a saved profile (`analyze --profile` writes .neurodebug_cache/profile.json):
findings say how often their code ran, code that never ran drops to a hint, and the opt-in
micro-hints appear only on the lines that carry the time — as the CLI's ranked output does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from neurodebug.cost.profiling import PROFILE_FILE, run_profile
from tests.server.conftest import open_file, start_session, wait_until

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).resolve().parents[1] / "cost" / "data" / "micro_hot_cold.py"
NEVER_RUN = (
    "\n\ndef never_called(items):\n"
    "    values = list(items)\n"
    "    for value in list(values):\n"
    "        print(value)\n"
)


async def test_a_saved_profile_weighs_the_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.neurodebug]\n")
    module = tmp_path / "micro_hot_cold.py"
    module.write_text(PROGRAM.read_text() + NEVER_RUN)
    await start_session(client, root=tmp_path)
    uri = open_file(client, module)
    await wait_until(lambda: uri in client.diagnostics)
    before = {(d.code, d.range.start.line) for d in client.diagnostics[uri]}
    assert not any(code == "ND317" for code, _ in before)  # opt-in: off without a profile

    run = run_profile("python micro_hot_cold.py 20000", tmp_path, timeout_s=60)
    run.profile.save(tmp_path / PROFILE_FILE)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
    )
    client.diagnostics.pop(uri, None)
    open_file(client, module)
    await wait_until(lambda: any(d.code == "ND317" for d in client.diagnostics.get(uri, [])))
    after = client.diagnostics[uri]
    hot = [d for d in after if d.code == "ND317"]
    assert [d.range.start.line for d in hot] == [9]  # the scanner's `while`, not the 3-word one
    assert "times in `python micro_hot_cold.py 20000`" in hot[0].message
    cold = next(d for d in after if d.code == "ND101")
    assert cold.severity == types.DiagnosticSeverity.Hint
    assert "never ran" in cold.message
    shutil.rmtree(tmp_path / ".neurodebug_cache")
