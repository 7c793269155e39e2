"""The predict and invert commands (one real subprocess; the rest in-process for speed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neurodebug.cli import main
from tests.conftest import run_neurodebug
from tests.neural_debugger.neural_fixtures import PROGRAMS, tiny_checkpoint


def write_program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.py"
    path.write_text(PROGRAMS[1][0])
    return path


def test_predict_prints_stops_in_the_verify_shape(tmp_path: Path) -> None:
    path = write_program(tmp_path)
    completed = run_neurodebug(
        "predict", f"{path}::run", "--call", "run(3, 1)", "--steps", "4",
        "--checkpoint", str(tiny_checkpoint()), "--format", "json",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert set(payload) >= {"stops", "result"}
    first = payload["stops"][0]
    assert first == {"line": 4, "event": "call", "function": "run", "depth": 0,
                     "locals": {"a": "3", "b": "1"}}  # fmt: skip
    assert 1 <= len(payload["stops"]) <= 5
    for stop in payload["stops"]:
        assert set(stop) >= {"event", "line", "function", "depth", "locals"}


def test_predict_reports_bad_requests_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_program(tmp_path)
    checkpoint = str(tiny_checkpoint())
    assert main(["predict", f"{path}::nope", "--call", "nope(1)", "--checkpoint", checkpoint]) == 2
    assert "nope" in capsys.readouterr().err
    assert main(["predict", f"{path}::run", "--call", "run(x)", "--checkpoint", checkpoint]) == 2
    assert "literal" in capsys.readouterr().err
    assert main(["predict", f"{path}::run", "--call", "run(1)", "--checkpoint", str(tmp_path)]) == 2
    assert "checkpoint" in capsys.readouterr().err


def test_invert_check_runs_the_predicted_call_and_reports_the_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_program(tmp_path)
    code = main(
        ["invert", f"{path}::run", "--output", "7", "--check",
         "--checkpoint", str(tiny_checkpoint()), "--format", "json"]
    )  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["call"].startswith("run(a=")
    # The untrained model's guess is checked for real: ok says whether run(...) returned 7.
    assert payload["ok"] == (payload["returned"] == "7")
    assert code == (0 if payload["ok"] else 1)


def test_predict_reads_only_what_the_function_needs_from_a_long_module(tmp_path: Path) -> None:
    """A module longer than the model's context is cut to the function, its helper and
    imports; the stops come back in the module's own line numbers."""
    filler = "".join(
        f"def unrelated_{i}(values, limit):\n"
        f"    return [v * {i} for v in values if v < limit]\n\n\n"
        for i in range(80)
    )
    program = PROGRAMS[1][0]  # double (lines 1-2) and run (lines 4-7), placed after the filler
    offset = filler.count("\n")
    path = tmp_path / "long_module.py"
    path.write_text(filler + program)
    completed = run_neurodebug(
        "predict", f"{path}::run", "--call", "run(3, 1)", "--steps", "6",
        "--checkpoint", str(tiny_checkpoint()), "--format", "json",
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    stops = json.loads(completed.stdout)["stops"]
    assert stops[0]["line"] == offset + 4 and stops[0]["event"] == "call"
    allowed = {offset + n for n in (1, 2, 4, 5, 6, 7)}
    assert {stop["line"] for stop in stops} <= allowed


@pytest.mark.e2e
def test_the_readme_demo_predicts_what_a_real_debugpy_session_shows() -> None:
    """Quick start's command 1 (shipped model), scored by `verify` against the real run: the
    prediction must enter the recursion and agree on every stop and the result."""
    target = ["examples/graph_search.py::count_paths", "--call", "count_paths(2, 1)"]
    root = Path(__file__).resolve().parents[3]
    predicted = run_neurodebug("predict", *target, "--format", "json", cwd=root)
    verified = run_neurodebug("verify", *target, "--format", "json", cwd=root)
    assert predicted.returncode == 0, predicted.stderr
    assert verified.returncode == 0, verified.stderr
    prediction, session = json.loads(predicted.stdout), json.loads(verified.stdout)
    assert prediction["result"] == session["result"] == "3"
    assert max(stop["depth"] for stop in prediction["stops"]) == 2
    agreement = session["prediction"]["agreement"]
    assert agreement["predicted_steps"] == agreement["true_steps"] == 20
    assert agreement["line_accuracy"] == agreement["changed_locals_exact"] == 1.0


def test_invert_answers_with_a_candidate_folding_shows_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "const.py"
    path.write_text("def seven(a):\n    b = 3\n    return b + 4\n")  # any input will do
    code = main(
        ["invert", f"{path}::seven", "--output", "7", "--checkpoint", str(tiny_checkpoint())]
    )
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("seven(a=")
    assert "checked by folding: returns 7 (computed, nothing ran)" in out


def test_invert_says_when_the_answer_hands_the_output_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An untrained model's candidates do not return `'Ada'`; the echo call `clean('Ada')`
    does, and the command says which kind of answer it is."""
    path = tmp_path / "clean.py"
    path.write_text("def clean(name):\n    return name.strip()\n")
    arguments = ["invert", f"{path}::clean", "--output", "'Ada'", "--format", "json"]
    code = main([*arguments, "--checkpoint", str(tiny_checkpoint())])
    answer = json.loads(capsys.readouterr().out)
    assert code == 0
    assert answer == {"call": "clean('Ada')", "checked": "folding", "echo": True}
