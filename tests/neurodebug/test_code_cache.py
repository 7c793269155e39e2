"""The start-up code cache for generated methods (`neurodebug/code_cache.py`)."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import attr
import attr._make as attrs_make
import pytest

from neurodebug.code_cache import cache_file, generated_code_cache, load_entries


def _define_point() -> type:
    @attr.define
    class CachedPoint:
        x: int
        y: int = 0

    return CachedPoint


def test_second_definition_reuses_the_first_ones_code_and_behaves_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "code.marshal"
    with generated_code_cache(path) as first:
        fresh = _define_point()
    assert first["hits"] == 0 and first["misses"] >= 1
    assert path.is_file()
    with generated_code_cache(path) as second:
        cached = _define_point()
    assert second == {"hits": first["misses"], "misses": 0}
    for kind in (fresh, cached):
        point = kind(1, y=2)
        assert (point.x, point.y) == (1, 2)
        assert point == kind(1, 2) and point != kind(2, 2)
        assert repr(point).endswith("CachedPoint(x=1, y=2)")
        with pytest.raises(TypeError):
            kind()  # the generated __init__ still checks its arguments


def _define_record() -> type:
    @dataclasses.dataclass(frozen=True, order=True)
    class CachedRecord:
        name: str
        tags: list[str] = dataclasses.field(default_factory=list)

    return CachedRecord


def test_dataclasses_reuse_their_generated_methods_too(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    with generated_code_cache(path) as first:
        fresh = _define_record()
    assert first["hits"] == 0 and first["misses"] >= 4  # __init__, __repr__, __eq__, order…
    with generated_code_cache(path) as second:
        cached = _define_record()
    assert second == {"hits": first["misses"], "misses": 0}
    for kind in (fresh, cached):
        record = kind("a")
        assert record.tags == [] and record.tags is not kind("a").tags  # the factory still runs
        assert record == kind("a", []) and kind("a") < kind("b")
        assert repr(record).endswith("CachedRecord(name='a', tags=[])")
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.name = "b"  # type: ignore[misc]


def test_the_builtins_are_back_after_the_block(tmp_path: Path) -> None:
    with generated_code_cache(tmp_path / "code.marshal"):
        assert "compile" in vars(attrs_make) and "exec" in vars(dataclasses)
    assert "compile" not in vars(attrs_make) and "exec" not in vars(dataclasses)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00not marshal at all", marshal.dumps([1, 2, 3]), marshal.dumps({"a": 1})],
    ids=["empty", "garbage", "a list", "wrong entries"],
)
def test_a_corrupt_or_foreign_file_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "code.marshal"
    path.write_bytes(content)
    assert load_entries(path) == {}
    with generated_code_cache(path) as counts:
        point = _define_point()(3)
    assert point.x == 3 and counts["misses"] >= 1
    assert len(load_entries(path)) == counts["misses"]


def test_entries_nobody_used_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    stale = ("x = 1\n", "<attrs generated something old>", "exec")
    path.write_bytes(marshal.dumps({stale: compile(*stale)}))
    with generated_code_cache(path):
        _define_point()
    entries = load_entries(path)
    assert stale not in entries and entries


def test_an_unwritable_cache_folder_only_costs_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    with generated_code_cache(blocker / "code.marshal") as counts:
        point = _define_point()(4)
    assert point.x == 4 and counts["misses"] >= 1


def test_the_file_name_carries_the_bytecode_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    monkeypatch.delenv("NEURODEBUG_STARTUP_CACHE", raising=False)
    monkeypatch.setenv("NEURODEBUG_CACHE_DIR", str(tmp_path))
    path = cache_file()
    assert path.parent == tmp_path / "startup"
    assert path.name == f"generated-code-{importlib.util.MAGIC_NUMBER.hex()}.marshal"
    optimized = subprocess.run(
        [
            sys.executable,
            "-O",
            "-c",
            "from neurodebug.code_cache import cache_file as f; print(f())",
        ],
        env={**os.environ, "NEURODEBUG_CACHE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(optimized).name == f"generated-code-{importlib.util.MAGIC_NUMBER.hex()}-O1.marshal"
    monkeypatch.setenv("NEURODEBUG_STARTUP_CACHE", str(tmp_path / "exact.marshal"))
    assert cache_file() == tmp_path / "exact.marshal"


LSPROTOCOL_ROUND_TRIP = """
import json, sys
from neurodebug.code_cache import generated_code_cache
with generated_code_cache() as counts:
    from lsprotocol import types
from pygls.protocol import default_converter
converter = default_converter()
diagnostic = types.Diagnostic(
    range=types.Range(types.Position(1, 2), types.Position(1, 5)),
    message="m", severity=types.DiagnosticSeverity.Warning, code="ND101",
)
data = converter.unstructure(diagnostic)
print(json.dumps({"counts": counts, "data": data,
                  "same": converter.structure(data, types.Diagnostic) == diagnostic,
                  "repr": repr(types.WorkDoneProgressBegin(title="t"))}))
"""


@pytest.mark.e2e
def test_lsprotocol_types_from_the_cache_work_as_compiled_ones(tmp_path: Path) -> None:
    """Two fresh interpreters: the first fills the cache from lsprotocol's ~550 classes, the
    second takes every generated method from it; both convert the same way."""
    env = {**os.environ, "NEURODEBUG_STARTUP_CACHE": str(tmp_path / "code.marshal")}
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", LSPROTOCOL_ROUND_TRIP],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
        )
        for _ in range(2)
    ]
    first, second = runs
    assert first["counts"]["hits"] == 0 and first["counts"]["misses"] > 500
    assert second["counts"] == {"hits": first["counts"]["misses"], "misses": 0}
    for run in runs:
        assert run["same"] is True
        assert run["repr"].startswith("WorkDoneProgressBegin(title='t'")
    assert first["data"] == second["data"]
    assert second["data"]["range"]["start"] == {"line": 1, "character": 2}
