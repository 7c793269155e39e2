"""Selectors that name no rule are caught; ND210's fix is safe only on a certain dict."""

from __future__ import annotations

from neurodebug.analyzers.rules import Settings, check_source
from neurodebug.analyzers.rules.selectors import unknown_selectors


def test_unknown_selectors_are_those_that_prefix_no_code() -> None:
    assert unknown_selectors(["ND", "ND1", "nd302", "ND000", "PERF", "PERF401", "SIM118"]) == []
    assert unknown_selectors(["NDX", "XYZ", "ND9", "PERF9"]) == ["NDX", "XYZ", "ND9", "PERF9"]


def _nd210_safeties(source: bytes) -> list[str]:
    findings = check_source(source, None, Settings(select=("ND210",)))
    return [f.fix.safety for f in findings if f.fix is not None]


def test_nd210_fix_is_safe_for_a_certain_dict() -> None:
    source = b"def f(k):\n    d = {1: 2}\n    return k in d.keys()\n"
    assert _nd210_safeties(source) == ["safe"]


def test_nd210_fix_is_unsafe_for_any_other_mapping() -> None:
    # A parameter may be any Mapping whose keys() differs from iterating it (ruff's SIM118).
    parameter = b"def f(k, d):\n    return k in d.keys()\n"
    attribute = b"def f(self, k):\n    return k in self.rows.keys()\n"
    assert _nd210_safeties(parameter) == ["unsafe"]
    assert _nd210_safeties(attribute) == ["unsafe"]
