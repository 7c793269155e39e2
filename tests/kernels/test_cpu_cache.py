"""The CPU kernel's cache and warm-up API: a host can tell, without compiling, whether the first
quantized matmul would have to build the kernel (and then warm it up ahead of time)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")

from neurodebug.kernels import cpu, kernel_cache


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh machine: an empty cache folder and nothing loaded in this process."""
    monkeypatch.setenv("NEURODEBUG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cpu, "_state", {})
    return tmp_path


def test_the_cache_folder_follows_the_setting(empty_cache: Path) -> None:
    assert kernel_cache.library_folder() == empty_cache / "kernels" / kernel_cache.extension_name()


def test_an_empty_cache_is_not_built(empty_cache: Path) -> None:
    assert not cpu.is_built()
    assert not kernel_cache.library_folder().exists()  # asking compiles nothing, creates nothing


def test_a_cached_library_counts_as_built(empty_cache: Path) -> None:
    folder = kernel_cache.library_folder()
    folder.mkdir(parents=True)
    (folder / f"{kernel_cache.extension_name()}.so").write_bytes(b"")
    assert cpu.is_built()


def test_a_failed_build_is_not_built(empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpu, "_state", {"module": None})
    assert not cpu.is_built()
    assert not cpu.warm_up()  # the failure is kept: no second build attempt


def test_warm_up_loads_a_built_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    if cpu.load_extension() is None:
        pytest.skip("the CPU kernel could not be built here (no C++ compiler?)")
    assert cpu.warm_up() and cpu.is_built()


def test_cli_says_it_builds_the_kernel_before_loading_a_quantized_model(
    empty_cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from neurodebug.commands.predict import warm_kernel

    built: list[bool] = []
    monkeypatch.setattr(cpu, "warm_up", lambda: built.append(True) or True)
    warm_kernel(None, "predict")  # full precision: nothing to build
    warm_kernel(8, "predict")
    assert built == [] and capsys.readouterr().err == ""
    warm_kernel(4, "predict")
    assert built == [True]
    err = capsys.readouterr().err
    assert "neurodebug predict: building the 4-bit CPU kernel once" in err
    assert str(kernel_cache.library_folder()) in err
    (kernel_cache.library_folder()).mkdir(parents=True)
    (kernel_cache.library_folder() / f"{kernel_cache.extension_name()}.so").write_bytes(b"")
    warm_kernel(4, "predict")  # cached: silent
    assert built == [True] and capsys.readouterr().err == ""


def test_a_stale_build_lock_is_removed(tmp_path: Path) -> None:
    import os

    lock = tmp_path / "lock"
    assert not cpu.clear_stale_lock(tmp_path)  # none there
    lock.write_text("")
    assert not cpu.clear_stale_lock(tmp_path)  # a build in progress keeps its lock
    old = lock.stat().st_mtime - cpu.STALE_LOCK_SECONDS - 1
    os.utime(lock, (old, old))
    assert cpu.clear_stale_lock(tmp_path)  # left by a host that died mid-build
    assert not lock.exists()


def test_asking_whether_the_kernel_is_built_does_not_import_torch(empty_cache: Path) -> None:
    """The server asks at start-up; importing torch there held the interpreter lock while
    the first diagnostics were computed."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from neurodebug.neural_debugger.predict.service import NeuralService\n"
        "service = NeuralService()\n"
        "service.configure(None, 4)\n"
        "print(service.kernel_needs_build(), 'torch' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert completed.stdout.split() == ["True", "False"], completed.stderr
