"""Int8 inference for a tagger's linear layers on CPUs with int8 dot-product instructions.

Each ``nn.Linear`` but the classifier becomes :class:`Int8Linear`: weights quantized per output
channel (symmetric, int8), activations quantized per call over their own range with all 8 bits.
PyTorch's ``DynamicQuantizedLinear`` keeps only 7 bits of the activations (``reduce_range=True``, so that
CPUs without VNNI cannot saturate their 16-bit sums); on this project's dev split that cost 0.9 points of
entity F1, against 0.2 with full-range activations. Full range is safe only with VNNI or AMX, which sum in
32 bits, so :func:`int8_supported` asks for them.
"""
from __future__ import annotations

import copy
import warnings

import torch
from torch import nn


def int8_supported() -> bool:
    """Whether the CPU has int8 dot products that sum in 32 bits (AVX512-VNNI, AVX-VNNI or AMX) and PyTorch
    has its quantized linear kernels."""
    cpu = getattr(torch, "cpu", None)
    vnni = getattr(cpu, "_is_vnni_supported", lambda: False)
    amx = getattr(cpu, "_is_amx_tile_supported", lambda: False)
    ops = getattr(torch.ops, "quantized", None)
    kernels = all(hasattr(ops, name) for name in ("linear_prepack", "linear_dynamic"))
    return bool(kernels and (vnni() or amx()))


class Int8Linear(nn.Module):
    """Inference-only ``nn.Linear`` with per-channel int8 weights and full-range int8 activations."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        weight = linear.weight.detach().float()
        scale = (weight.abs().amax(dim=1) / 127.0).clamp(min=1e-12).double()
        bias = None if linear.bias is None else linear.bias.detach().float()
        with warnings.catch_warnings():  # the quantized tensor constructors warn of a future move to torchao
            warnings.simplefilter("ignore")
            qweight = torch.quantize_per_channel(weight, scale, torch.zeros_like(scale, dtype=torch.long), 0,
                                                 torch.qint8)
            self._packed = torch.ops.quantized.linear_prepack(qweight, bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.quantized.linear_dynamic(x.float(), self._packed, reduce_range=False)


def int8_copy(model: nn.Module, keep: tuple[str, ...] = ("classifier",)) -> nn.Module:
    """Return a copy of ``model`` for inference whose linear layers, except those named in ``keep``, are
    :class:`Int8Linear`; ``model`` itself is unchanged."""
    quantized = copy.deepcopy(model).eval()
    for name, module in list(quantized.named_modules()):
        for child_name, child in list(module.named_children()):
            path = f"{name}.{child_name}" if name else child_name
            if type(child) is nn.Linear and path not in keep:
                setattr(module, child_name, Int8Linear(child))
    return quantized


def weights_version(model: nn.Module) -> tuple:
    """A key that changes whenever a parameter of ``model`` is replaced or changed in place (an optimizer
    step), so a copy made from the weights can tell it is stale."""
    return tuple((id(p), p._version) for p in model.parameters())
