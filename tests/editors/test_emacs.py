"""A real editor: batch-mode Emacs connects to `neurodebug serve` with eglot, its LSP client.

Needs Emacs with eglot (Debian: `emacs-nox` and `elpa-eglot`, which scripts/test.sh installs
where apt-get is available). The Emacs Lisp script does what a user does — open a file, read
flymake's diagnostics, hover, type the missing `)` — and writes what Emacs shows as JSON. It
checks the push path: eglot 1.9 never pulls diagnostics, so this fails if the server only
serves them on request.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ELPA = Path("/usr/share/emacs/site-lisp/elpa")

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _emacs_with_eglot() -> str | None:
    emacs = shutil.which("emacs")
    if emacs is None:
        return None
    probe = subprocess.run(
        [emacs, "--batch", "-Q", "--eval", _LOAD_PATH + "(require 'eglot)"],
        capture_output=True,
        timeout=60,
    )
    return emacs if probe.returncode == 0 else None


_LOAD_PATH = f'(dolist (d (file-expand-wildcards "{ELPA}/*")) (add-to-list \'load-path d))'


@pytest.fixture(scope="module")
def emacs_session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    emacs = _emacs_with_eglot()
    if emacs is None:
        pytest.skip("needs Emacs with eglot: apt-get install emacs-nox elpa-eglot")
    folder = tmp_path_factory.mktemp("emacs")
    source = folder / "session.py"
    shutil.copy(DATA / "session.py", source)
    out = folder / "out.json"
    env = {
        **os.environ,
        "ND_FILE": str(source),
        "ND_OUT": str(out),
        "ND_PYTHON": sys.executable,
        "HOME": str(folder),  # no user init files, no writes to the real home
    }
    completed = subprocess.run(
        [emacs, "--batch", "-Q", "-l", str(DATA / "emacs_session.el")],
        env=env,
        cwd=folder,
        timeout=180,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    assert out.exists(), completed.stderr.decode(errors="replace")[-2000:]
    result: dict[str, object] = json.loads(out.read_text())
    assert "error" not in result, result.get("error")
    return result


def _codes(diagnostics: object) -> set[tuple[str, int]]:
    assert isinstance(diagnostics, list)
    return {(d["text"].split("[")[1].split("]")[0], d["line"]) for d in diagnostics}


def test_emacs_shows_pushed_syntax_errors_and_hints(emacs_session: dict[str, object]) -> None:
    assert emacs_session["attached"] is True
    assert emacs_session["diagnostics_seen"] is True
    seen = _codes(emacs_session["diagnostics"])
    assert ("ND101", 24) in seen  # `list([1, 2, 3])` in tuple_scan (1-based lines in Emacs)
    assert ("ND000", 28) in seen  # `def broken(x:`
    diagnostics = emacs_session["diagnostics"]
    assert isinstance(diagnostics, list)
    assert all(d["text"].startswith("neurodebug [") for d in diagnostics)


def test_emacs_hover_explains_dependencies(emacs_session: dict[str, object]) -> None:
    hover = emacs_session["hover"]
    assert isinstance(hover, str)
    assert "line 2: `total = 0`" in hover and "line 5: `total += value`" in hover


def test_emacs_edit_clears_the_syntax_error(emacs_session: dict[str, object]) -> None:
    assert emacs_session["cleared"] is True
    seen = _codes(emacs_session["after_edit"])
    assert not any(code == "ND000" for code, _ in seen)
    assert ("ND101", 24) in seen  # the rest is still reported
