"""The start-up code cache for generated methods (`neurodebug/code_cache.py`)."""

from __future__ import annotations

import dataclasses
import json
import marshal
import os
import subprocess
import sys
import types
import typing
import zlib
from pathlib import Path

import attr
import attr._make as attrs_make
import pytest

from neurodebug import code_cache
from neurodebug.code_cache import CodeCache, cache_file, generated_code_cache, load_entries


def _define_point() -> type:
    @attr.define
    class CachedPoint:
        x: int
        y: int = 0

    return CachedPoint


def _define_record() -> type:
    @dataclasses.dataclass(frozen=True, order=True)
    class CachedRecord:
        name: str
        tags: list[str] = dataclasses.field(default_factory=list)

    return CachedRecord


def signature(code: types.CodeType) -> tuple[typing.Any, ...]:
    """What a code object runs and reports (marshal's bytes also depend on reference counts)."""
    return (
        code.co_code,
        tuple(signature(c) if isinstance(c, types.CodeType) else c for c in code.co_consts),
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_flags,
        code.co_filename,
        code.co_qualname,
        code.co_firstlineno,
        code.co_linetable,
        code.co_exceptiontable,
    )


def _same_code(one: typing.Any, other: typing.Any) -> bool:
    """Whether two functions were compiled to the same code (flags, constants, names, file)."""
    return signature(one.__code__) == signature(other.__code__)


@pytest.mark.parametrize(
    ("define", "methods"),
    [(_define_point, ("__init__", "__repr__", "__eq__")), (_define_record, ("__init__", "__lt__"))],
    ids=["attrs", "dataclass"],
)
def test_a_hit_is_the_code_the_builtin_compiles(
    tmp_path: Path, define: typing.Callable[[], type], methods: tuple[str, ...]
) -> None:
    path = tmp_path / "code.marshal"
    plain = define()  # no cache: what attrs / dataclasses make on their own
    with generated_code_cache(path) as first:
        missed = define()
    with generated_code_cache(path) as second:
        hit = define()
    assert first["hits"] == 0 and first["misses"] >= 1  # attrs compiles its methods as one
    assert second == {"hits": first["misses"], "misses": 0}
    for name in methods:
        assert _same_code(getattr(plain, name), getattr(missed, name)), name
        assert _same_code(getattr(plain, name), getattr(hit, name)), name
    # dataclasses' module has no `from __future__ import annotations`: real annotations
    assert typing.get_type_hints(hit.__init__) == typing.get_type_hints(plain.__init__)


def test_cached_classes_behave_as_compiled_ones(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    with generated_code_cache(path):
        _define_point(), _define_record()
    with generated_code_cache(path) as counts:
        point, record = _define_point(), _define_record()
    assert counts["misses"] == 0
    assert point(1, y=2) == point(1, 2) != point(2, 2)
    assert repr(point(1, 2)).endswith("CachedPoint(x=1, y=2)")
    with pytest.raises(TypeError):
        point()  # the generated __init__ still checks its arguments
    assert record("a").tags == [] and record("a").tags is not record("a").tags
    assert record("a") < record("b")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record("a").name = "b"


def test_the_builtins_are_back_after_the_block_nested_or_not(tmp_path: Path) -> None:
    with generated_code_cache(tmp_path / "outer.marshal"):
        outer = vars(attrs_make)["compile"]
        with generated_code_cache(tmp_path / "inner.marshal"):
            assert vars(attrs_make)["compile"] is not outer
        assert vars(attrs_make)["compile"] is outer
    assert "compile" not in vars(attrs_make) and "exec" not in vars(dataclasses)


SYSTEM_ERROR = b"\xfb" + marshal.dumps({("x=1\n", "f", "exec"): compile("x=1\n", "f", "exec")})[1:]
"""A marshal stream on which `marshal.loads` raises SystemError, not ValueError."""


def _valid_file(path: Path) -> bytes:
    with generated_code_cache(path):
        _define_point()
    return path.read_bytes()


def _rechecksummed(data: bytes, payload: bytes) -> bytes:
    """`payload` behind `data`'s header with a matching checksum: damage the CRC cannot see."""
    header = data[:9]
    return header + zlib.crc32(payload).to_bytes(4, "little") + payload


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"\x00not a code cache at all",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:20] + bytes([data[20] ^ 0xFF]) + data[21:],  # one flipped byte
        lambda data: b"NDGC\x00\x00\x0d\x0a" + data[8:],  # another Python's magic number
        lambda data: _rechecksummed(data, SYSTEM_ERROR),
        lambda data: _rechecksummed(data, marshal.dumps([1, 2, 3])),
        lambda data: _rechecksummed(data, marshal.dumps({("x", "f", "exec"): 1})),
    ],
    ids=["empty", "garbage", "truncated", "flipped", "magic", "system-error", "list", "entries"],
)
def test_a_damaged_or_foreign_file_is_ignored_and_replaced(
    tmp_path: Path, damage: typing.Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "code.marshal"
    path.write_bytes(damage(_valid_file(path)))
    assert load_entries(path) == {}
    with generated_code_cache(path) as counts:
        point = _define_point()(3)
    assert point.x == 3 and counts["misses"] >= 1
    assert len(load_entries(path)) == counts["misses"]


def test_what_is_not_a_regular_file_is_never_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.marshal"
    os.mkfifo(fifo)  # reading it would block the server's start-up for ever
    assert load_entries(fifo) == {}
    folder = tmp_path / "folder.marshal"
    folder.mkdir()
    with generated_code_cache(folder) as counts:
        _define_point()
    assert counts["misses"] >= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.marshal", "folder.marshal"]


def test_entries_nobody_used_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "code.marshal"
    _valid_file(path)
    stale = ("x = 1\n", "<attrs generated something old>", "exec", 0)
    entries = load_entries(path)
    code_cache.save_entries(path, {**entries, stale: compile(*stale[:3])})
    assert stale in load_entries(path)
    with generated_code_cache(path) as counts:
        _define_point()
    assert counts["misses"] == 0
    assert stale not in load_entries(path) and load_entries(path).keys() == entries.keys()


def test_a_few_misses_do_not_rewrite_the_file() -> None:
    """An attrs `__hash__` embeds the hash of its filename, which changes every launch: one
    miss in ~900 must not rewrite ~2 MB at each start-up."""
    cache = CodeCache(dict.fromkeys([("s", str(n), "exec", 0) for n in range(100)]))  # type: ignore[arg-type]
    cache.counts.update(hits=100, misses=1)
    assert not cache.worth_saving()
    cache.counts.update(hits=100, misses=5)
    assert cache.worth_saving()
    cache.counts.update(hits=50, misses=0)  # half the file went unused: an older attrs
    assert cache.worth_saving()


def test_no_home_folder_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEURODEBUG_STARTUP_CACHE", "NEURODEBUG_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    assert cache_file() is None
    with generated_code_cache() as counts:
        assert _define_point()(5).x == 5
    assert counts["misses"] >= 1


def test_each_optimisation_level_has_its_own_file(tmp_path: Path) -> None:
    def name(*flags: str) -> str:
        return subprocess.run(
            [
                sys.executable,
                *flags,
                "-c",
                "from neurodebug.code_cache import cache_file as f; print(f())",
            ],
            env={**os.environ, "NEURODEBUG_CACHE_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    plain, optimised = name(), name("-O")
    assert Path(plain).parent == tmp_path / "startup"
    assert plain != optimised and optimised.endswith("-O1.marshal")


LSPROTOCOL_ROUND_TRIP = """
import hashlib, json, marshal, os, sys
from neurodebug.code_cache import generated_code_cache
if os.environ.get("USE_CACHE"):
    with generated_code_cache() as counts:
        from lsprotocol import types
else:
    counts = None
    from lsprotocol import types
from pygls.protocol import default_converter
converter = default_converter()
diagnostic = types.Diagnostic(
    range=types.Range(types.Position(1, 2), types.Position(1, 5)),
    message="m", severity=types.DiagnosticSeverity.Warning, code="ND101",
)
data = converter.unstructure(diagnostic)
def signature(code):
    return repr((code.co_code, tuple(signature(c) if hasattr(c, "co_code") else c
                 for c in code.co_consts), code.co_names, code.co_varnames, code.co_flags,
                 code.co_filename, code.co_qualname, code.co_linetable))
code = hashlib.sha256("".join(
    signature(getattr(kind, name).__code__)
    for kind in (types.Diagnostic, types.Range, types.InitializeParams)
    for name in ("__init__", "__repr__", "__eq__")
).encode()).hexdigest()
print(json.dumps({"counts": counts, "data": data, "code": code,
                  "same": converter.structure(data, types.Diagnostic) == diagnostic,
                  "repr": repr(types.WorkDoneProgressBegin(title="t"))}))
"""


@pytest.mark.e2e
def test_lsprotocol_types_from_the_cache_are_those_compiled_without_it(tmp_path: Path) -> None:
    """Fresh interpreters: one without the cache, one that fills it from lsprotocol's ~550
    classes, one that takes every generated method from it; all three compile and convert
    alike."""
    cached = {"NEURODEBUG_STARTUP_CACHE": str(tmp_path / "code.marshal"), "USE_CACHE": "1"}
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", LSPROTOCOL_ROUND_TRIP],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
        )
        for env in ({}, cached, cached)
    ]
    plain, first, second = runs
    assert first["counts"]["hits"] == 0 and first["counts"]["misses"] > 500
    assert second["counts"] == {"hits": first["counts"]["misses"], "misses": 0}
    for run in runs:
        assert run["same"] is True
        assert run["repr"].startswith("WorkDoneProgressBegin(title='t'")
        assert (run["data"], run["code"]) == (plain["data"], plain["code"])
    assert plain["data"]["range"]["start"] == {"line": 1, "character": 2}
