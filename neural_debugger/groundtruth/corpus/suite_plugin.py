"""The pytest plugin that records a project's functions while its own suite runs.

Loaded with `-p neurodebug.neural_debugger.groundtruth.corpus.suite_plugin` by
`neurodebug.suite_corpus`, which sets the `NEURODEBUG_SUITE_*` variables read here (paths in
`NEURODEBUG_SUITE_EXCLUDE` are separated by `os.pathsep`); without them the plugin does nothing. Only each test's own call is traced (not collection, fixtures or
reporting), and never when something else (a debugger, coverage) already owns `sys.settrace`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from typing import Any

import pytest
from neurodebug.neural_debugger.groundtruth.corpus.suite_tracer import SuiteRecorder

_recorder: SuiteRecorder | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _recorder
    out_path = os.environ.get("NEURODEBUG_SUITE_OUT")
    root = os.environ.get("NEURODEBUG_SUITE_ROOT")
    if not out_path or not root:
        return
    _recorder = SuiteRecorder(
        root,
        open(out_path, "a", encoding="utf-8"),  # noqa: SIM115 - open for the whole session
        exclude=tuple(
            filter(None, os.environ.get("NEURODEBUG_SUITE_EXCLUDE", "").split(os.pathsep))
        ),
        project=os.environ.get("NEURODEBUG_SUITE_PROJECT", "project"),
        split=os.environ.get("NEURODEBUG_SUITE_SPLIT", "train"),
        calls_per_function=int(os.environ.get("NEURODEBUG_SUITE_CALLS", "3")),
        max_steps=int(os.environ.get("NEURODEBUG_SUITE_MAX_STEPS", "300")),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    if _recorder is not None:
        _recorder.out.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    recorder = _recorder
    if recorder is None or sys.gettrace() is not None:
        return (yield)
    recorder.test = item.nodeid
    sys.settrace(recorder.global_trace)
    try:
        return (yield)
    finally:
        if sys.gettrace() == recorder.global_trace:  # a test may have set its own: leave it
            sys.settrace(None)
        recorder.active = None
