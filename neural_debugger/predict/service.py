"""One shared predictor for a long-running host (the language server): loaded once, lazily, on a
worker thread, one question at a time.

Loading may fail (no `neural` extra, a missing or corrupt checkpoint); the failure is kept, so
every later question fails fast with the same sentence (`NeuralUnavailableError`) until the
settings change. The predictor is not thread-safe, so questions are serialised by a lock; the
host runs them off its event loop. Each question reads the module, or, when it is too long or
mid-edit, what `context` cuts out for the function — the same fallback as the CLI's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.predict.context import (
    predict_from_state_in_context,
    predict_inputs_in_context,
    predict_trace_in_context,
)

if TYPE_CHECKING:
    from neurodebug.neural_debugger.predict.inference import Predictor

LOG = logging.getLogger(__name__)


class NeuralUnavailableError(RuntimeError):
    """The model cannot be used; the message says why and what to do."""


@dataclass
class NeuralService:
    """The lazily loaded predictor and the reason it is unavailable, if it is."""

    checkpoint: str | None = None
    bits: int | None = None
    predictor: Predictor | None = None
    failure: str | None = None
    warned: bool = False
    """Whether the host has shown the failure to its user (reset with the settings)."""
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

    def load(self) -> Predictor:
        """The predictor, loading it on first use (blocking: call from a worker thread)."""
        with self.lock:
            if self.predictor is not None:
                return self.predictor
            if self.failure is not None:
                raise NeuralUnavailableError(self.failure)
            try:
                self.predictor = self._load()
            except Exception as error:  # missing extra, missing/corrupt checkpoint, bad module
                self.failure = f"predictions are unavailable: {error}"
                raise NeuralUnavailableError(self.failure) from error
            return self.predictor

    def _load(self) -> Predictor:
        from neurodebug.neural_debugger.predict import inference  # needs the `neural` extra

        if self.bits is not None and self.bits < 8:
            try:
                return inference.load_predictor(self.checkpoint, bits=self.bits)
            except inference.CheckpointError:
                raise
            except Exception as error:  # quantized serving unavailable: serve full precision
                LOG.warning("%d-bit model unavailable (%s); using full precision", self.bits, error)
        return inference.load_predictor(self.checkpoint)

    # The model's questions (blocking: call from a worker thread; serialised by the lock).
    # Each reads the module, or, when it is too long or mid-edit, what `context` cuts out for
    # the function on `lines` (first, last); lines in and out are the document's own.

    def predict_trace(
        self,
        source: str,
        function: str,
        call: str,
        *,
        lines: tuple[int, int] | None = None,
        action: str = "step_into",
        breakpoints: Sequence[int] = (),
        max_steps: int = 50,
    ) -> Trace:
        """The predicted stops of `call` under repeated `action`."""
        predictor = self.load()
        with self.lock:
            return predict_trace_in_context(
                predictor, source, function, call, action, breakpoints, max_steps, lines
            )

    def predict_from_state(
        self,
        source: str,
        function: str,
        line: int,
        locals: dict[str, str],
        *,
        lines: tuple[int, int] | None = None,
        view_of: str | None = None,
        n_steps: int = 1,
        action: str = "step_into",
        breakpoints: Sequence[int] = (),
    ) -> Trace:
        """The next `n_steps` stops after a stop at `line` of `function` with these locals."""
        predictor = self.load()
        with self.lock:
            return predict_from_state_in_context(
                predictor,
                source,
                function,
                line,
                locals,
                n_steps,
                action,
                breakpoints,
                lines=lines,
                view_of=view_of,
            )

    def predict_inputs(
        self, source: str, function: str, output: str, *, lines: tuple[int, int] | None = None
    ) -> str:
        """A call of `function` predicted to return `output` (a repr)."""
        predictor = self.load()
        with self.lock:
            return predict_inputs_in_context(predictor, source, function, output, lines)
