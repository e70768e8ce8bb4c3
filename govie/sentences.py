"""Sentence boundaries of the schema: text between 。！？ (and ASCII !?) or line breaks."""
from __future__ import annotations

import re
from bisect import bisect_right

_BOUNDARY = re.compile(r"[。！？!?]+|\n")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character ranges of the sentences of ``text``.

    The closing mark belongs to its sentence; line breaks belong to none.

    >>> sentence_bounds("增长5%。下降2%\\n持平")
    [(0, 5), (5, 9), (10, 12)]
    """
    bounds, start = [], 0
    for match in _BOUNDARY.finditer(text):
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
