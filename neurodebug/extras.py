"""Lazy imports of optional extras, with a message that says exactly what to install.

Static features never need torch; code that does calls `require_neural()` first so a user
without the `neural` extra gets one clear sentence instead of a traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType


class MissingExtraError(RuntimeError):
    """An optional dependency group is not installed."""


_NEURAL_MODULES = ("torch", "safetensors", "numpy")


def neural_available() -> bool:
    """Whether the `neural` extra's packages can be imported (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in _NEURAL_MODULES)


def require_neural(feature: str = "this feature") -> ModuleType:
    """Return the torch module or raise `MissingExtraError` naming the extra to install."""
    missing = [name for name in _NEURAL_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtraError(
            f"{feature} needs the neural extra (missing: {', '.join(missing)}); "
            "install it with: pip install 'neurodebug[neural]'"
        )
    return importlib.import_module("torch")


def require_triton(feature: str = "the GPU kernels") -> ModuleType:
    """Return the triton module or raise `MissingExtraError` naming the `gpu` extra."""
    if importlib.util.find_spec("triton") is None:
        raise MissingExtraError(
            f"{feature} needs triton; install it with: pip install 'neurodebug[gpu]'"
        )
    return importlib.import_module("triton")
