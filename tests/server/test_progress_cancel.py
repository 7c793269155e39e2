"""Long work runs off the event loop, reports `$/progress`, and honours `$/cancelRequest`."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_hover_answers_while_a_debugpy_run_is_going_and_the_run_can_be_cancelled(
    client: LanguageClient,
) -> None:
    await start_session(client, options={"maxSteps": 100000, "runTimeout": 60})
    uri = open_file(client, DATA / "spin.py")
    await wait_until(lambda: uri in client.diagnostics)
    running = client.protocol.send_request(
        types.WORKSPACE_EXECUTE_COMMAND,
        types.ExecuteCommandParams(
            command="neurodebug.verify", arguments=[{"uri": uri, "line": 1}]
        ),
        msg_id="verify-spin",
    )
    verify = asyncio.wrap_future(running)
    # The progress report starts once the run is under way.
    await wait_until(
        lambda: any(
            isinstance(report, types.WorkDoneProgressBegin) and "spin(1)" in report.title
            for reports in client.progress_reports.values()
            for report in reports
        )
    )
    for _ in range(3):
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(4, 10)
            )
        )
        assert hover is not None and not verify.done()  # answered while the run goes on
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="verify-spin"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(verify, 30)
    await wait_until(
        lambda: any(
            isinstance(report, types.WorkDoneProgressEnd) and report.message == "cancelled"
            for reports in client.progress_reports.values()
            for report in reports
        )
    )
