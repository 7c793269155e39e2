"""The server's settings as one typed dataclass, merged from every place a user can set them.

Order (later wins): defaults → `[tool.neurodebug]` in the workspace's pyproject.toml (rule
selection) → `initializationOptions` → `workspace/configuration` section `neurodebug`.
An invalid value is logged and the previous value kept: a typo in an editor's settings must not
take the server down or switch features off silently.

Keys (camelCase, as editors send them):

    select: ["ND1"]          ignore: ["ND203"]        code prefixes for the rules
    predictions: true        inlay hints, code lens "Predict", hover values
    maxSteps: 200            steps limit for rollouts and real runs
    modelBits: 4             weight bits of the quantized model (2–8)
    checkpoint: "path"       model checkpoint (default: the one shipped with the package)
    runTimeout: 10.0         seconds allowed to a real run (verify with debugpy)
    predictTimeout: 30.0     seconds allowed to one rollout
    inlayHintWidth: 40       characters per inlay hint before it is cut
    confidenceThreshold: 0.9 predicted values less sure than this are shown as `≈ x = 3`
    debounceMs: 10           quiet time after an edit before diagnostics are recomputed
    diagnosticMode: "auto"   "push", "pull", or "auto" (pull when the client supports it)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

LOG = logging.getLogger(__name__)

DiagnosticMode = Literal["auto", "push", "pull"]


@dataclass(frozen=True)
class ServerOptions:
    """Everything the server can be told; the defaults suit an editor on a laptop."""

    select: tuple[str, ...] = ()
    """Rule code prefixes to run; empty means the project's settings (or every rule)."""
    ignore: tuple[str, ...] = ()
    """Rule code prefixes never reported, on top of the project's ignores."""
    predictions: bool = True
    """Whether predicted values are offered (code lens, inlay hints, hover)."""
    max_steps: int = 200
    """The most stops one rollout or one real run may produce."""
    model_bits: int = 4
    """Bit width of the quantized model weights."""
    checkpoint: str | None = None
    """A model checkpoint path; None uses the one the package ships."""
    run_timeout: float = 10.0
    """Seconds a real run of user code may take."""
    predict_timeout: float = 30.0
    """Seconds one rollout may take."""
    inlay_hint_width: int = 40
    """Inlay hint labels longer than this are cut with `…`; the tooltip keeps the full value."""
    confidence_threshold: float = 0.9
    """Predicted values whose probability is below this are marked uncertain (`≈`)."""
    debounce_ms: int = 10
    """Edits closer together than this share one diagnostics run."""
    diagnostic_mode: DiagnosticMode = "auto"
    """How diagnostics reach the client."""


_KEYS: dict[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "predictions": "predictions",
    "maxSteps": "max_steps",
    "modelBits": "model_bits",
    "checkpoint": "checkpoint",
    "runTimeout": "run_timeout",
    "predictTimeout": "predict_timeout",
    "inlayHintWidth": "inlay_hint_width",
    "confidenceThreshold": "confidence_threshold",
    "debounceMs": "debounce_ms",
    "diagnosticMode": "diagnostic_mode",
}
_FIELD_NAMES = {field.name for field in fields(ServerOptions)}


def _codes(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip().upper() for item in value if item.strip())
    return None


def _validated(name: str, value: Any) -> Any:
    """The value converted for field `name`, or None when it is invalid."""
    if name in ("select", "ignore"):
        return _codes(value)
    if name == "predictions":
        return value if isinstance(value, bool) else None
    if name in ("max_steps", "inlay_hint_width", "debounce_ms"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return value if ok and 0 <= value <= 1_000_000 else None
    if name == "model_bits":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return value if ok and 2 <= value <= 8 else None
    if name == "checkpoint":
        return value if value is None or isinstance(value, str) else None
    if name == "confidence_threshold":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(value) if ok and 0 <= value <= 1 else None
    if name in ("run_timeout", "predict_timeout"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(value) if ok and 0 < value <= 3600 else None
    if name == "diagnostic_mode":
        return value if value in ("auto", "push", "pull") else None
    return None


def merge_options(base: ServerOptions, raw: Any, origin: str) -> ServerOptions:
    """`base` updated from a settings object sent by the client; bad entries are logged."""
    if raw is None:
        return base
    if not isinstance(raw, dict):
        LOG.warning("%s: settings must be an object, got %r; ignored", origin, raw)
        return base
    if isinstance(raw.get("neurodebug"), dict):
        raw = raw["neurodebug"]
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        name = _KEYS.get(key, key if key in _FIELD_NAMES else "")
        if not name:
            LOG.warning("%s: unknown setting %r ignored", origin, key)
            continue
        converted = _validated(name, value)
        if converted is None and not (name == "checkpoint" and value is None):
            LOG.warning(
                "%s: invalid value %r for %s; keeping %r", origin, value, key, getattr(base, name)
            )
            continue
        changes[name] = converted
    return replace(base, **changes)
