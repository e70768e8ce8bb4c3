"""Sentence boundaries of the schema: text between 。！？ (and ASCII !?) or line breaks that are not soft wraps."""
from __future__ import annotations

import re
from bisect import bisect_right

from .wraps import soft_breaks

_BOUNDARY = re.compile(r"[。！？!?]+|\n")


def sentence_bounds(text: str, soft: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character ranges of the sentences of ``text``.

    The closing mark belongs to its sentence; a line break belongs to none, unless it is a
    soft wrap (``soft``, by default ``govie.wraps.soft_breaks(text)``), which stays inside.

    >>> sentence_bounds("增长5%。下降2%\\n持平")
    [(0, 5), (5, 9), (10, 12)]
    >>> sentence_bounds("营收3.2\\n亿元。")
    [(0, 9)]
    """
    soft = soft_breaks(text) if soft is None else soft
    wraps = {text.find("\n", start, end) for start, end in soft}
    bounds, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.start() in wraps:
            continue
        end = match.end() if match.group() != "\n" else match.start()
        if end > start:
            bounds.append((start, end))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


class SentenceIndex:
    """Look up which sentence a character offset falls in."""

    def __init__(self, text: str) -> None:
        self.bounds = sentence_bounds(text)
        self._starts = [s for s, _ in self.bounds]

    def sentence_of(self, offset: int) -> int:
        """Return the index of the sentence holding ``offset``, or -1 on a boundary gap."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and self.bounds[i][0] <= offset < self.bounds[i][1]:
            return i
        return -1

    def same_sentence(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        """Return whether character ranges ``a`` and ``b`` lie in one sentence."""
        ia = self.sentence_of(a[0])
        return ia >= 0 and ia == self.sentence_of(a[1] - 1) == self.sentence_of(b[0]) == self.sentence_of(b[1] - 1)
