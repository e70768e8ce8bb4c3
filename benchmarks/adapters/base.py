"""The adapter interface and the value conventions shared by all adapters."""
from __future__ import annotations

from datetime import date, timedelta
from importlib import metadata
from typing import Any, NamedTuple

# normalized values: AMOUNT -> number in base units (3.2亿元 -> 320000000), RATE -> fraction
# (123.3% -> 1.233, 0.5个百分点 -> 0.005), PERIOD -> [first day, last day] as ISO dates; None = no value


class Found(NamedTuple):
    """One span a tool found: govie label, exact offsets, the tool's normalized value and direction."""

    start: int
    end: int
    label: str
    text: str
    value: Any = None
    direction: int | None = None  # +1/-1/0 when the tool reads the direction of a change

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class Adapter:
    """A tool under test: ``load()`` once, then ``predict(text, year)`` per document."""

    name = ""
    distribution = ""  # the PyPI distribution whose version is reported
    labels: tuple[str, ...] = ()  # govie labels the tool has
    values: tuple[str, ...] = ()  # labels whose spans come with the tool's own normalized value
    feeds = "document"  # what one call of the tool receives (document, line, sentence)

    def load(self) -> None:
        """Import the tool and build its models; raise ImportError when it is not installed."""
        raise NotImplementedError

    def predict(self, text: str, year: int | None) -> list[Found]:
        """Return the spans found in ``text``; ``year`` dates relative periods (1-11月)."""
        raise NotImplementedError

    def predict_many(self, docs: list[dict[str, Any]]) -> list[list[Found]]:
        """Return the spans of each ``{text, year}`` document (a batch; one call per document here)."""
        return [self.predict(d["text"], d["year"]) for d in docs]

    def predict_full(self, text: str, year: int | None) -> tuple[list[Found], list | None]:
        """Return ``(spans, relations)``; relations are ``[h_start, h_end, c_start, c_end, label]`` or None."""
        return self.predict(text, year), None

    def describe(self) -> dict[str, Any]:
        """Return what identifies the tool in the results (name, version, labels, how it is fed)."""
        try:
            version = metadata.version(self.distribution) if self.distribution else None
        except metadata.PackageNotFoundError:
            version = None
        return {"tool": self.name, "version": version, "labels": list(self.labels), "values": list(self.values),
                "feeds": self.feeds}


def day_range(first: str | None, last: str | None, last_exclusive: bool = False) -> list[str] | None:
    """Return ``[first, last]`` ISO dates from two ISO date(-time) strings, or None if either is missing.

    >>> day_range("2023-11-01", "2023-12-01", last_exclusive=True)
    ['2023-11-01', '2023-11-30']
    """
    if not first or not last:
        return None
    a, b = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    if last_exclusive:
        b -= timedelta(days=1)
    return [a.isoformat(), b.isoformat()]


def split_units(text: str, breaks: str) -> list[tuple[int, str]]:
    """Split ``text`` after each character of ``breaks``; return ``(offset, piece)`` for non-empty pieces.

    >>> split_units("甲。乙\\n", "。\\n")
    [(0, '甲。'), (2, '乙\\n')]
    """
    out, start = [], 0
    for i, char in enumerate(text):
        if char in breaks:
            out.append((start, text[start:i + 1]))
            start = i + 1
    if start < len(text):
        out.append((start, text[start:]))
    return out
