"""Low-bit (2–8 bit) weight-only quantization with packed weights and dequantize-matmul kernels.

Modules: `quant` (primitives, dense packing, the fp64 reference), `cpu` (the compiled C++
kernel), `triton_kernel` (GPU), `qlinear` (`QuantLinear`, `quantize_model`, save/load),
`bench` (the `neurodebug bench kernels` method). Importing this package does not import torch;
the names below load their module (and torch) on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "QuantLinear": "qlinear",
    "quantize_model": "qlinear",
    "save_quantized": "qlinear",
    "load_quantized": "qlinear",
    "QuantizedFileError": "qlinear",
    "QuantizedWeight": "quant",
    "quantize": "quant",
    "dequantize": "quant",
    "reference_matmul": "quant",
}

__all__ = sorted(_EXPORTS)

# Hidden from the type checker so callers' existing `type: ignore[attr-defined]` stays valid;
# typed code imports from the submodules (`neurodebug.kernels.qlinear`).
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from neurodebug.extras import require_neural

        require_neural("the low-bit kernels")
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)
