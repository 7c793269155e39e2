"""The line profiler: exact hit counts, time shares, containment, command forms."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from neurodebug.cost.profiling import (
    Profile,
    ProfileError,
    ProfileRun,
    load_profile,
    run_profile,
    tracer_arguments,
)

DATA = Path(__file__).resolve().parent / "data"
PROBE = Path(__file__).resolve().parents[1] / "reliability" / "data" / "sandbox_probe.py"
PRIVILEGED_LINUX = sys.platform.startswith("linux") and os.geteuid() == 0


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(DATA / "hot_cold.py", tmp_path / "hot_cold.py")
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_command_forms(tmp_path: Path) -> None:
    assert tracer_arguments("pytest -q tests/", tmp_path) == ["module", "pytest", "-q", "tests/"]
    assert tracer_arguments("python3 -u -X dev -m pkg.cli run", tmp_path) == [
        "module",
        "pkg.cli",
        "run",
    ]
    assert tracer_arguments("python -c 'print(1)' x", tmp_path) == ["code", "print(1)", "x"]
    assert tracer_arguments("python app/main.py --fast", tmp_path) == [
        "script",
        str(tmp_path / "app" / "main.py"),
        "--fast",
    ]
    for bad in ("", "make test", "python", "python -q x.py", "python 'unclosed"):
        with pytest.raises(ProfileError):
            tracer_arguments(bad, tmp_path)


def test_script_counts_lines_exactly_and_skips_code_that_never_ran(project: Path) -> None:
    run = run_profile("python hot_cold.py 400", project, timeout_s=60)
    assert run.stdout.strip() == "400 79800"
    costs = run.profile.file(project / "hot_cold.py")
    assert costs is not None
    source = project / "hot_cold.py"
    assert costs[_line_of(source, "if i not in seen")].hits == 400
    assert costs[_line_of(source, "total += i")].hits == 400
    assert costs[_line_of(source, "for i in range(n):")].hits == 401  # the last test ends it
    assert _line_of(source, "item * 2 for item in items") not in costs
    assert run.profile.kind == "measured" and run.profile.exit_code == 0


def test_time_goes_to_the_quadratic_loop(project: Path) -> None:
    run = run_profile("python hot_cold.py 3000", project, timeout_s=60)
    source = project / "hot_cold.py"
    costs = run.profile.file(source)
    assert costs is not None
    hot = costs[_line_of(source, "if i not in seen")].cost
    cheap = costs[_line_of(source, "total += i")].cost
    assert hot > 5 * cheap
    assert 0 < hot <= run.profile.total * 1.05


def test_pytest_command_and_temporary_folder(project: Path) -> None:
    (project / "test_hot_cold.py").write_text(
        "import os\n\nfrom hot_cold import cheap_total\n\n\n"
        "def test_cheap_total():\n    assert cheap_total(10) == 45\n"
        "    assert not os.path.exists('hot_cold.py')  # runs in a temporary folder\n"
    )
    run = run_profile(
        f"pytest -q -p no:cacheprovider {project / 'test_hot_cold.py'}",
        project,
        timeout_s=120,
        temp_cwd=True,
    )
    assert run.profile.exit_code == 0, run.stdout + run.stderr
    costs = run.profile.file(project / "hot_cold.py")
    assert costs is not None
    assert costs[_line_of(project / "hot_cold.py", "total += i")].hits == 10
    assert not (project / ".pytest_cache").exists()


def test_failing_program_still_profiles_and_stdin_is_closed(tmp_path: Path) -> None:
    (tmp_path / "reads.py").write_text(
        "import sys\nline = sys.stdin.read()\nraise SystemExit(len(line) + 3)\n"
    )
    run = run_profile("python reads.py", tmp_path, timeout_s=30)
    assert run.profile.exit_code == 3
    costs = run.profile.file(tmp_path / "reads.py")
    assert costs is not None and costs[3].hits == 1


def test_profiled_command_does_not_see_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_for_user_code")
    monkeypatch.setenv("NEURODEBUG_PLAIN_SETTING", "kept")
    (tmp_path / "env.py").write_text(
        "import os\n"
        "print(os.environ.get('GITHUB_TOKEN', 'absent'), os.environ.get('NEURODEBUG_PLAIN_SETTING'))\n"
    )
    run = run_profile("python env.py", tmp_path, timeout_s=30)
    assert run.stdout.split() == ["absent", "kept"]


def test_timeout_kills_the_run(tmp_path: Path) -> None:
    (tmp_path / "sleeps.py").write_text("import time\ntime.sleep(60)\n")
    with pytest.raises(ProfileError, match="did not finish"):
        run_profile("python sleeps.py", tmp_path, timeout_s=2)


def test_profile_round_trips_through_json(project: Path) -> None:
    run = run_profile("python hot_cold.py 50", project, timeout_s=60)
    path = project / ".neurodebug_cache" / "profile.json"
    run.profile.save(path)
    loaded = load_profile(path)
    assert isinstance(loaded, Profile)
    assert loaded.lines == run.profile.lines and loaded.command == "python hot_cold.py 50"
    assert (project / ".neurodebug_cache" / ".gitignore").read_text() == "*\n"
    path.write_text("{broken")
    assert load_profile(path) is None


# --------------------------------------------------------------------------------------------
# The profiled command runs in the tracer's sandbox: no network but its own loopback, a
# read-only world outside its run folder (the project included), no capabilities, a pids cgroup
# (one probing run, several checks)

needs_root = pytest.mark.skipif(not PRIVILEGED_LINUX, reason="namespaces need root on Linux")


@dataclass
class Probed:
    """What the probe saw from inside the profiled run, and where it ran."""

    seen: dict[str, Any]
    outside: Path
    project: Path
    run: ProfileRun


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probed]:
    project = tmp_path_factory.mktemp("project")
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy(PROBE, project / "sandbox_probe.py")
    with (
        pytest.MonkeyPatch.context() as patch,
        socket.create_server(("127.0.0.1", 0)) as listener,
    ):
        patch.setenv("NEURODEBUG_TEST_API_TOKEN", "do-not-leak")
        patch.setenv("NEURODEBUG_TEST_PLAIN", "visible")
        port = listener.getsockname()[1]
        run = run_profile(
            f"python sandbox_probe.py {outside} {port} {os.getpid()}", project, timeout_s=60
        )
    assert run.profile.exit_code == 0, run.stderr
    line = next(line for line in run.stdout.splitlines() if line.startswith("PROBE "))
    yield Probed(dict(json.loads(line.removeprefix("PROBE "))), outside, project, run)


@needs_root
def test_profiled_command_cannot_reach_a_non_loopback_address(probed: Probed) -> None:
    assert probed.seen["outbound"] == "ENETUNREACH"
    assert probed.seen["outbound_s"] < 1.0  # refused at once, not a timeout
    assert probed.seen["host_loopback"] == "ECONNREFUSED"  # its own namespace's loopback


def test_profiled_command_keeps_its_own_loopback(probed: Probed) -> None:
    assert probed.seen["own_loopback"] == "ping"


@needs_root
def test_profiled_command_cannot_write_outside_its_run_folder(probed: Probed) -> None:
    assert probed.seen["outside"] in {"EROFS", "EACCES", "EPERM"}
    assert not (probed.outside / "escaped.txt").exists()
    assert probed.seen["scratch_written"] is True  # its TMPDIR, inside the run folder


def test_profiled_command_sees_a_scrubbed_environment(probed: Probed) -> None:
    assert (probed.seen["secret"], probed.seen["plain"]) == ("absent", "visible")
    if PRIVILEGED_LINUX:  # without capabilities, a root process's environ is closed to it
        assert probed.seen["caller_environ"] in {"EACCES", "EPERM"}


@needs_root
def test_profiled_command_has_no_capabilities_and_a_pids_cgroup(probed: Probed) -> None:
    assert int(probed.seen["capabilities"], 16) == 0
    assert probed.seen["pids_group"] is True


def test_sandboxed_command_is_still_profiled(probed: Probed) -> None:
    source = probed.project / "sandbox_probe.py"
    costs = probed.run.profile.file(source)
    assert costs is not None and costs[_line_of(source, "PROBE ")].hits == 1
