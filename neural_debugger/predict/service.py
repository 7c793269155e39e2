"""One shared predictor for a long-running host (the language server): loaded once, lazily, on a
worker thread, one question at a time.

Loading may fail (no `neural` extra, a missing or corrupt checkpoint); the failure is kept, so
every later question fails fast with the same sentence (`NeuralUnavailableError`) until the
settings change. The predictor is not thread-safe, so questions are serialised by a lock; the
host runs them off its event loop. Each question reads the module, or, when it is too long or
mid-edit, what `context` cuts out for the function — the same fallback as the CLI's.

A quantized model (`bits` < 8) needs the compiled CPU kernel, whose first build takes about a
minute — longer than a question may wait. Until the kernel is built the model is served at full
precision (fp32: the same weights, a little slower per token); the host builds the kernel in the
background (`build_kernel`, on a worker thread) and the service then switches to the quantized
model between two questions. Where the kernel cannot be built (no C++ compiler) the service
stays at fp32, which is faster than the quantized reference fallback.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from neurodebug.neural_debugger.groundtruth.recorder import RUN_MODULE
from neurodebug.neural_debugger.groundtruth.trace import Trace
from neurodebug.neural_debugger.predict.context import (
    choose_inputs_in_context,
    predict_from_state_in_context,
    predict_trace_in_context,
)
from neurodebug.neural_debugger.predict.invert import CANDIDATES, InvertAnswer

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
    serving_bits: int | None = None
    """The bit width the loaded predictor runs at (None: full precision)."""
    kernel: str = "unknown"
    """The compiled CPU kernel: "unknown", "building", "ready" or "unavailable"."""
    _kernel_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def configure(self, checkpoint: str | None, bits: int | None) -> None:
        """New settings: a different checkpoint or bit width means loading again."""
        if (checkpoint, bits) != (self.checkpoint, self.bits):
            with self.lock:
                self.checkpoint, self.bits = checkpoint, bits
                self.predictor, self.failure, self.warned = None, None, False
                self.serving_bits = None

    @property
    def loaded(self) -> bool:
        return self.predictor is not None

    @property
    def quantized(self) -> bool:
        """Whether the settings ask for a quantized model (one that needs the CPU kernel)."""
        return self.bits is not None and self.bits < 8

    def kernel_needs_build(self) -> bool:
        """Whether a quantized model waits for a kernel build (reads the cache folder only).

        False without the `neural` extra, at 8 bits, or when the kernel is built or cached."""
        if not self.quantized or self.kernel in ("ready", "unavailable"):
            return False
        import importlib.util

        from neurodebug.kernels import kernel_cache

        if importlib.util.find_spec("torch") is None:  # predictions are unavailable anyway
            return False
        if kernel_cache.library_in_cache():  # answered without importing torch
            self.kernel = "ready"
            return False
        return True

    def build_kernel(self) -> bool:
        """Build the CPU kernel (blocking, about a minute the first time: call from a worker
        thread), then switch a predictor serving at fp32 in the meantime to the quantized
        model. True when the kernel is usable."""
        from neurodebug.kernels import cpu

        with self._kernel_lock:
            if self.kernel not in ("ready", "unavailable"):
                self.kernel = "building"
                self.kernel = "ready" if cpu.build_in_background_process() else "unavailable"
        if self.kernel != "ready":
            LOG.warning("the CPU kernel cannot be built; the model stays at full precision")
            return False
        self._upgrade()
        return True

    def _upgrade(self) -> None:
        """Replace an fp32 stand-in by the quantized predictor (loaded outside the lock, so
        questions go on meanwhile; swapped between two questions)."""
        with self.lock:
            settings = (self.checkpoint, self.bits)
            if self.predictor is None or self.serving_bits == self.bits or not self.quantized:
                return
        from neurodebug.neural_debugger.predict import inference

        try:
            quantized = inference.load_predictor(self.checkpoint, bits=self.bits)
        except Exception as error:  # keep serving at full precision
            LOG.warning(
                "%s-bit model unavailable (%s); staying at full precision", self.bits, error
            )
            return
        with self.lock:
            if (self.checkpoint, self.bits) == settings and self.predictor is not None:
                quantized.fold, quantized.compose = self.predictor.fold, self.predictor.compose
                self.predictor, self.serving_bits = quantized, self.bits
                LOG.info("the CPU kernel is ready; serving the %s-bit model", self.bits)

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

        self.serving_bits = None
        if self.bits is not None and self.quantized:
            if self.kernel_needs_build() or self.kernel != "ready":
                LOG.info(
                    "serving the model at full precision until the %d-bit CPU kernel is built",
                    self.bits,
                )
                return inference.load_predictor(self.checkpoint)
            try:
                predictor = inference.load_predictor(self.checkpoint, bits=self.bits)
                self.serving_bits = self.bits
                return predictor
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
        module: str = RUN_MODULE,
    ) -> Trace:
        """The predicted stops of `call` under repeated `action`; `module`: the name the file
        runs under (`tracer.module_of_file`)."""
        predictor = self.load()
        with self.lock:
            return predict_trace_in_context(
                predictor, source, function, call, action, breakpoints, max_steps, lines, module
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
        self,
        source: str,
        function: str,
        output: str,
        count: int = CANDIDATES,
        *,
        lines: tuple[int, int] | None = None,
    ) -> InvertAnswer:
        """`count` calls of `function` predicted to return `output` (a repr), checked by
        folding."""
        predictor = self.load()
        with self.lock:
            return choose_inputs_in_context(predictor, source, function, output, count, lines)
