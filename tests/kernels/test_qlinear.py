"""QuantLinear as a drop-in for nn.Linear, quantize_model, and safetensors save/load checks."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")

from neurodebug.kernels import quant  # noqa: E402
from neurodebug.kernels.qlinear import (  # noqa: E402
    QuantizedFileError,
    QuantLinear,
    load_quantized,
    quantize_model,
    quantized_layers,
    read_metadata,
    save_quantized,
)
from torch import nn  # noqa: E402


class Tiny(nn.Module):
    """Two quantizable layers, one that is not (40 inputs), and a tied pair."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(50, 64)
        self.up = nn.Linear(64, 128)
        self.odd = nn.Linear(128, 40)
        self.down = nn.Linear(40, 64, bias=False)
        self.head = nn.Linear(64, 50, bias=False)
        self.head.weight = self.embed.weight  # tied, as language models do

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens)
        h = torch.relu(self.up(h))
        h = self.down(torch.relu(self.odd(h)))
        return self.head(h)


def make_model(seed: int = 0) -> Tiny:
    torch.manual_seed(seed)
    return Tiny().eval()


@pytest.mark.parametrize("rows", [1, 5, 64])  # matvec kernel, small batch, dense fallback
def test_quant_linear_matches_reference(rows: int) -> None:
    linear = nn.Linear(128, 48)
    layer = QuantLinear.from_linear(linear, 3, 32)
    x = torch.randn(rows, 128)
    expected = quant.reference_matmul(x, layer.quantized_weight(), linear.bias)
    with torch.no_grad():
        assert quant.max_relative_error(layer(x), expected) <= 1e-4


def test_eight_bit_layer_is_close_to_the_float_layer() -> None:
    linear = nn.Linear(256, 32)
    x = torch.randn(3, 256)
    with torch.no_grad():
        exact = linear(x)
        approx = QuantLinear.from_linear(linear, 8, 64)(x)
    assert quant.max_relative_error(approx, exact.double()) < 0.01


def test_quantize_model_replaces_linear_layers_it_can() -> None:
    model = quantize_model(make_model(), bits=4, group_size=32)
    layers = quantized_layers(model)
    assert set(layers) == {"up", "odd", "head"}  # down has 40 inputs: not a multiple of 32
    assert type(model.down) is nn.Linear
    assert all(layer.bits == 4 and layer.group_size == 32 for layer in layers.values())
    assert "bits=4" in repr(model.up)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    model = quantize_model(make_model(), bits=5, group_size=32, scheme="sym")
    save_quantized(model, path)
    metadata = read_metadata(path)
    assert (metadata["bits"], metadata["group_size"], metadata["scheme"]) == ("5", "32", "sym")
    loaded = load_quantized(make_model(seed=1), path, bits=5, group_size=32)
    tokens = torch.tensor([[1, 2, 3, 4]])
    with torch.no_grad():
        assert torch.equal(loaded(tokens), model(tokens))
    assert isinstance(loaded.head, QuantLinear)


def test_load_refuses_other_settings(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    save_quantized(quantize_model(make_model(), bits=4, group_size=32), path)
    with pytest.raises(QuantizedFileError, match="bits is 4 in the file, expected 3"):
        load_quantized(make_model(), path, bits=3)
    with pytest.raises(QuantizedFileError, match="group_size is 32 in the file, expected 64"):
        load_quantized(make_model(), path, group_size=64)


def test_load_refuses_a_model_of_another_shape(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    save_quantized(quantize_model(make_model(), bits=4, group_size=32), path)
    other = make_model()
    other.up = nn.Linear(64, 96)
    with pytest.raises(QuantizedFileError, match="'up' is 128x64 in the file but 96x64"):
        load_quantized(other, path)


def test_load_refuses_tensors_of_the_wrong_size(tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    path = tmp_path / "model.safetensors"
    save_quantized(quantize_model(make_model(), bits=4, group_size=32), path)
    metadata = read_metadata(path)
    tensors = load_file(str(path))
    tensors["up.packed"] = tensors["up.packed"][:, :-1].contiguous()  # a truncated layer
    save_file(tensors, str(path), metadata=metadata)
    with pytest.raises(QuantizedFileError, match=r"up\.packed is \(128, 7\)"):
        load_quantized(make_model(), path)


def test_load_refuses_a_plain_safetensors_file(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    path = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(2)}, str(path))
    with pytest.raises(QuantizedFileError, match="not a neurodebug quantized checkpoint"):
        load_quantized(make_model(), path)
