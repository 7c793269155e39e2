"""`QuantLinear`, `quantize_model` and safetensors save/load of quantized models.

`QuantLinear` is a drop-in for `nn.Linear` that keeps the packed codes, scales and zero points
as buffers (the storage format of `quant.py`, so `state_dict()` is what gets saved) and picks a
kernel per call: Triton on CUDA tensors, the compiled CPU kernel for small batches (decoding),
and a dequantized fp32 matmul for large batches, where one dense GEMM beats re-decoding.

A checkpoint is one safetensors file: the model's whole state dict plus metadata naming the
format, bits, group size, scheme and every quantized layer's shape. `load_quantized` refuses a
file whose metadata or tensor sizes disagree with what it is asked to load, saying which.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from . import cpu
from .quant import QuantizedWeight, Scheme, check_config, quantize

log = logging.getLogger(__name__)

FORMAT = "neurodebug-quant"
FORMAT_VERSION = "1"
LARGE_BATCH = 512  # above this many rows per call, dequantize and use a dense GEMM


class QuantLinear(nn.Module):
    """y = x @ W.T + b with W stored at `bits` bits per weight, group-wise along inputs."""

    packed: torch.Tensor
    scales: torch.Tensor
    zeros: torch.Tensor
    bias: torch.Tensor | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bits: int,
        group_size: int,
        scheme: Scheme = "asym",
        bias: bool = True,
    ) -> None:
        super().__init__()
        check_config(bits, group_size, in_features, scheme)
        self.in_features = in_features
        self.out_features = out_features
        self.bits = bits
        self.group_size = group_size
        self.scheme: Scheme = scheme
        n_groups = in_features // group_size
        words = in_features * bits // 32
        self.register_buffer("packed", torch.zeros(out_features, words, dtype=torch.int32))
        self.register_buffer("scales", torch.ones(out_features, n_groups))
        self.register_buffer("zeros", torch.zeros(out_features, n_groups))
        self.register_buffer("bias", torch.zeros(out_features) if bias else None)
        self._cpu_layout: cpu.CpuPacked | None = None  # built lazily from the buffers

    @classmethod
    def from_linear(
        cls, linear: nn.Linear, bits: int, group_size: int, scheme: Scheme = "asym"
    ) -> QuantLinear:
        """Quantize an existing `nn.Linear` (its weight is copied, not kept)."""
        layer = cls(
            linear.in_features,
            linear.out_features,
            bits,
            group_size,
            scheme,
            bias=linear.bias is not None,
        )
        qw = quantize(linear.weight.detach().cpu(), bits, group_size, scheme)
        layer.packed.copy_(qw.packed)
        layer.scales.copy_(qw.scales)
        layer.zeros.copy_(qw.zeros)
        if linear.bias is not None and layer.bias is not None:
            layer.bias.copy_(linear.bias.detach())
        return layer.to(linear.weight.device)

    def quantized_weight(self) -> QuantizedWeight:
        """The buffers as a `QuantizedWeight` (shared storage, no copy)."""
        return QuantizedWeight(
            self.packed,
            self.scales,
            self.zeros,
            self.bits,
            self.group_size,
            self.scheme,
            self.out_features,
            self.in_features,
        )

    def _load_from_state_dict(self, *args: Any, **kwargs: Any) -> None:
        self._cpu_layout = None  # new weights: rebuild the kernel layout on next use
        super()._load_from_state_dict(*args, **kwargs)

    def cpu_layout(self) -> cpu.CpuPacked:
        """The CPU kernel's tiled layout, repacked once from the storage buffers."""
        if self._cpu_layout is None:
            self._cpu_layout = cpu.cpu_layout(self.quantized_weight())
        return self._cpu_layout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.numel() // max(self.in_features, 1)
        if x.is_cuda:
            from .triton_kernel import triton_matmul

            y = triton_matmul(x, self.quantized_weight(), self.bias)
        elif rows <= LARGE_BATCH:
            y = cpu.cpu_matmul(x, self.cpu_layout(), self.bias)
        else:
            weight = cpu.dequantize_fp32(self.quantized_weight())
            y = nn.functional.linear(x.to(torch.float32), weight, self.bias)
        return y.to(x.dtype)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bits={self.bits}, group_size={self.group_size}, scheme={self.scheme}, "
            f"bias={self.bias is not None}"
        )


def _linear_layers(model: nn.Module) -> list[tuple[str, nn.Linear]]:
    return [(name, m) for name, m in model.named_modules() if type(m) is nn.Linear]


def _replace(model: nn.Module, name: str, layer: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, layer)


def quantize_model(
    model: nn.Module,
    bits: int,
    group_size: int = 64,
    scheme: Scheme = "asym",
    skip: Iterable[str] = (),
) -> nn.Module:
    """Replace every `nn.Linear` of `model` (in place) by a `QuantLinear`; returns the model.

    Layers named in `skip`, and layers whose input size is not a multiple of `group_size`,
    stay in full precision (the latter with a log line saying so).
    """
    skipped = set(skip)
    for name, linear in _linear_layers(model):
        if name in skipped:
            continue
        if linear.in_features % group_size:
            log.info("keeping %s in fp32: %d inputs", name, linear.in_features)
            continue
        _replace(model, name, QuantLinear.from_linear(linear, bits, group_size, scheme))
    return model


def quantized_layers(model: nn.Module) -> dict[str, QuantLinear]:
    """The model's `QuantLinear` layers by name."""
    return {name: m for name, m in model.named_modules() if isinstance(m, QuantLinear)}


def save_quantized(model: nn.Module, path: str | Path, extra: dict[str, str] | None = None) -> None:
    """Write the model's state dict and the quantization metadata to one safetensors file.

    Tensors that share storage (tied weights) are written once; the metadata lists the aliases.
    """
    from safetensors.torch import save_file

    layers = quantized_layers(model)
    if not layers:
        raise ValueError("the model has no QuantLinear layers; call quantize_model first")
    configs = {(m.bits, m.group_size, m.scheme) for m in layers.values()}
    if len(configs) != 1:
        raise ValueError(f"layers use different quantization settings: {sorted(configs)}")
    bits, group_size, scheme = configs.pop()
    tensors: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    seen: dict[tuple[int, int, tuple[int, ...]], str] = {}
    for key, value in model.state_dict().items():
        identity = (value.untyped_storage().data_ptr(), value.storage_offset(), tuple(value.shape))
        if identity in seen:
            aliases[key] = seen[identity]
            continue
        seen[identity] = key
        tensors[key] = value.detach().cpu().contiguous()
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bits": str(bits),
        "group_size": str(group_size),
        "scheme": scheme,
        "layers": json.dumps({n: [m.out_features, m.in_features] for n, m in layers.items()}),
        "aliases": json.dumps(aliases),
        **(extra or {}),
    }
    save_file(tensors, str(path), metadata=metadata)


class QuantizedFileError(ValueError):
    """A quantized checkpoint does not match what it is loaded into."""


def read_metadata(path: str | Path) -> dict[str, str]:
    """The safetensors header metadata of a quantized checkpoint, checked for our format."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        metadata = handle.metadata() or {}
    if metadata.get("format") != FORMAT:
        raise QuantizedFileError(f"{path}: not a neurodebug quantized checkpoint (no format tag)")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise QuantizedFileError(
            f"{path}: format version {metadata.get('format_version')!r}, "
            f"this neurodebug reads {FORMAT_VERSION!r}"
        )
    return metadata


def load_quantized(
    model: nn.Module,
    path: str | Path,
    bits: int | None = None,
    group_size: int | None = None,
) -> nn.Module:
    """Load a `save_quantized` file into a model built in full precision (same architecture).

    The model's `nn.Linear` layers named in the file are replaced by `QuantLinear`s first.
    Raises `QuantizedFileError` naming the problem when the file's settings differ from
    `bits`/`group_size` (when given), when a layer's shape differs from the model's, or when
    any tensor is missing, unexpected or of the wrong size.
    """
    from safetensors.torch import load_file

    metadata = read_metadata(path)
    file_bits, file_group = int(metadata["bits"]), int(metadata["group_size"])
    scheme: Scheme = "sym" if metadata["scheme"] == "sym" else "asym"
    for label, wanted, found in (("bits", bits, file_bits), ("group_size", group_size, file_group)):
        if wanted is not None and wanted != found:
            raise QuantizedFileError(f"{path}: {label} is {found} in the file, expected {wanted}")
    layers: dict[str, list[int]] = json.loads(metadata["layers"])
    linears = dict(_linear_layers(model))
    for name, (out_features, in_features) in layers.items():
        linear = linears.get(name)
        if linear is None:
            present = quantized_layers(model).get(name)
            if present is None:
                raise QuantizedFileError(f"{path}: layer {name!r} is not an nn.Linear of the model")
            shape = (present.out_features, present.in_features)
        else:
            shape = (linear.out_features, linear.in_features)
        if shape != (out_features, in_features):
            raise QuantizedFileError(
                f"{path}: layer {name!r} is {out_features}x{in_features} in the file "
                f"but {shape[0]}x{shape[1]} in the model"
            )
        if linear is not None:
            layer = QuantLinear(
                in_features,
                out_features,
                file_bits,
                file_group,
                scheme,
                bias=linear.bias is not None,
            )
            _replace(model, name, layer.to(linear.weight.device))
    tensors = load_file(str(path))
    for key, target in json.loads(metadata.get("aliases", "{}")).items():
        if target in tensors:
            tensors[key] = tensors[target]
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        raise QuantizedFileError(
            f"{path}: tensors missing from the file: {missing[:5]}; "
            f"not in the model: {unexpected[:5]}"
        )
    for key, value in expected.items():
        if tuple(tensors[key].shape) != tuple(value.shape) or tensors[key].dtype != value.dtype:
            raise QuantizedFileError(
                f"{path}: {key} is {tuple(tensors[key].shape)} {tensors[key].dtype} in the file "
                f"but {tuple(value.shape)} {value.dtype} in the model"
            )
    model.load_state_dict(tensors, strict=True)
    return model
