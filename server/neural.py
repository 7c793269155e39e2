"""The model as the server uses it: loaded once, lazily, off the event loop, one call at a time.

A missing or corrupt checkpoint (or a missing `neural` extra) is reported once, as a warning
the editor shows; every later neural request fails fast with the same sentence, and the static
features never notice. The predictor is not thread-safe, so calls are serialised by a lock and
run on a worker thread.
"""

from __future__ import annotations

import ast
import importlib
import logging
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from neurodebug.neural_debugger.groundtruth.trace import Trace

LOG = logging.getLogger(__name__)

_ENTRY_COMMENT = re.compile(r"#\s*neurodebug:\s*(?P<call>[A-Za-z_][\w.]*\(.*\))\s*$")
_DOCTEST = re.compile(r"^\s*>>>\s*(?P<call>[A-Za-z_][\w.]*\(.*\))\s*$")


class NeuralUnavailableError(RuntimeError):
    """The model cannot be used; the message says why and what to do."""


@dataclass
class NeuralService:
    """The lazily loaded predictor and the reason it is unavailable, if it is."""

    checkpoint: str | None = None
    bits: int | None = None
    predictor: Any = None
    failure: str | None = None
    warned: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def configure(self, checkpoint: str | None, bits: int | None) -> None:
        """New settings: a different checkpoint or bit width means loading again."""
        if (checkpoint, bits) != (self.checkpoint, self.bits):
            with self.lock:
                self.checkpoint, self.bits = checkpoint, bits
                self.predictor, self.failure, self.warned = None, None, False

    @property
    def loaded(self) -> bool:
        return self.predictor is not None

    def load(self) -> Any:
        """The predictor, loading it on first use (blocking: call from a worker thread)."""
        with self.lock:
            if self.predictor is not None:
                return self.predictor
            if self.failure is not None:
                raise NeuralUnavailableError(self.failure)
            try:
                inference = importlib.import_module("neurodebug.neural_debugger.predict.inference")
                self.predictor = self._load(inference)
            except Exception as error:  # missing extra, missing/corrupt checkpoint, bad module
                self.failure = (
                    f"predictions are unavailable: {error}. Static features (diagnostics, "
                    "fixes, hover, slices) keep working."
                )
                raise NeuralUnavailableError(self.failure) from error
            return self.predictor

    def _load(self, inference: Any) -> Any:
        if self.bits is not None and self.bits < 8:
            try:
                return inference.load_predictor(self.checkpoint, bits=self.bits)
            except inference.CheckpointError:
                raise
            except Exception as error:  # quantized serving unavailable: serve full precision
                LOG.warning("%d-bit model unavailable (%s); using full precision", self.bits, error)
        return inference.load_predictor(self.checkpoint)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Run one predictor method (blocking; serialised)."""
        predictor = self.load()
        with self.lock:
            return getattr(predictor, method)(*args, **kwargs)


def configured_entry(source: str, def_line: int, end_line: int, name: str) -> str | None:
    """The entry call the user wrote for a function: a `# neurodebug: f(…)` comment on the line
    above the `def` or inside the function, else the first doctest call of it."""
    lines = source.splitlines()
    candidates = range(max(0, def_line - 2), min(len(lines), end_line))
    for index in candidates:
        match = _ENTRY_COMMENT.search(lines[index])
        if match and _calls(match.group("call"), name):
            return match.group("call")
    for index in candidates:
        match = _DOCTEST.match(lines[index])
        if match and _calls(match.group("call"), name):
            return match.group("call")
    return None


def _calls(text: str, name: str) -> bool:
    try:
        expression = ast.parse(text, mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(expression, ast.Call):
        return False
    function = expression.func
    called = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
    return bool(called == name)


def trace_json(trace: Trace) -> dict[str, Any]:
    """A trace in the command results' shape (see server/commands.py)."""
    data = trace.to_json()
    return {key: data[key] for key in ("stops", "result", "exception", "status")}
