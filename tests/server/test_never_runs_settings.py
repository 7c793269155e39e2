"""ND001 (code that never runs) follows the editor's and the project's select and ignore."""

from __future__ import annotations

from pathlib import Path

from neurodebug.analyzers.never_runs import NEVER_RUNS_CODE
from neurodebug.analyzers.parsing import parse
from neurodebug.server.analysis import analyze
from neurodebug.server.options import ServerOptions

SOURCE = b"""\
def render(rows):
    verbose = False
    if verbose:
        print(len(rows))
    return rows
"""


def test_select_and_ignore_turn_it_off(tmp_path: Path) -> None:
    path = tmp_path / "report.py"
    path.write_bytes(SOURCE)

    def codes(options: ServerOptions) -> list[str]:
        report = analyze(path.as_uri(), 1, SOURCE, parse(SOURCE), options)
        return [f.code for f in report.findings if f.code == NEVER_RUNS_CODE]

    assert codes(ServerOptions()) == [NEVER_RUNS_CODE]
    assert codes(ServerOptions(select=("ND0",))) == [NEVER_RUNS_CODE]
    assert codes(ServerOptions(select=("ND3",))) == []
    assert codes(ServerOptions(ignore=("ND001",))) == []
