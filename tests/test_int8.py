import pytest
import torch
from torch import nn

from govie.pipeline._int8 import Int8Linear, int8_copy, int8_supported, weights_version

needs_int8 = pytest.mark.skipif(not int8_supported(), reason="the CPU has no VNNI or AMX")


def test_int8_supported_needs_vnni_or_amx(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_vnni_supported", lambda: False, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert int8_supported() is False
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert int8_supported() is True


@needs_int8
def test_int8_linear_is_close_to_the_float_layer_and_uses_all_eight_bits():
    torch.manual_seed(0)
    linear = nn.Linear(64, 32)
    x = torch.randn(5, 7, 64)
    want = linear(x).detach()
    got = Int8Linear(linear)(x)
    assert got.shape == want.shape and got.dtype == torch.float32
    error = float((got - want).abs().max() / want.abs().max())
    assert 0 < error < 0.02
    # 7-bit activations, as torch's DynamicQuantizedLinear uses, are measurably worse on the same input
    seven = torch.ops.quantized.linear_dynamic(x, Int8Linear(linear)._packed, reduce_range=True)
    assert float((seven - want).abs().mean()) > float((got - want).abs().mean())


class _Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.ModuleList([nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8)])
        self.classifier = nn.Linear(8, 3)

    def forward(self, x):
        for layer in self.encoder:
            x = layer(x)
        return self.classifier(x)


@needs_int8
def test_int8_copy_keeps_the_classifier_and_the_original():
    torch.manual_seed(0)
    model = _Tagger()
    copy = int8_copy(model)
    assert [type(m).__name__ for m in copy.encoder] == ["Int8Linear", "ReLU", "Int8Linear"]
    assert type(copy.classifier) is nn.Linear
    assert all(type(m) is not Int8Linear for m in model.modules())
    x = torch.randn(4, 8)
    with torch.no_grad():
        assert float((copy(x) - model(x)).abs().max()) < 0.05


def test_weights_version_changes_with_an_in_place_update():
    model = nn.Linear(4, 2)
    before = weights_version(model)
    assert weights_version(model) == before
    with torch.no_grad():
        model.weight.mul_(2)
    assert weights_version(model) != before
    after = weights_version(model)
    model.bias = nn.Parameter(torch.zeros(2))
    assert weights_version(model) != after
