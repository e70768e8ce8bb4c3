"""Overlapping windows over a long token sequence and the merge of their predictions (no 512 limit)."""
from __future__ import annotations

from typing import NamedTuple


class Window(NamedTuple):
    """Tokens ``[start, end)`` of the sequence; predictions are kept for ``[keep_start, keep_end)``."""

    start: int
    end: int
    keep_start: int
    keep_end: int


def make_windows(n_tokens: int, size: int, stride: int) -> list[Window]:
    """Cover ``n_tokens`` with windows of ``size`` tokens overlapping by ``stride``.

    Each token is kept from exactly one window, the one where it sits farthest from an edge.

    >>> make_windows(10, 6, 2)
    [Window(start=0, end=6, keep_start=0, keep_end=5), Window(start=4, end=10, keep_start=5, keep_end=10)]
    """
    if size <= 0 or not 0 <= stride < size:
        raise ValueError(f"window size {size} and stride {stride}: need size > 0 and 0 <= stride < size")
    if n_tokens <= size:
        return [Window(0, n_tokens, 0, n_tokens)]
    starts = list(range(0, n_tokens - size, size - stride)) + [n_tokens - size]
    out = []
    for i, start in enumerate(starts):
        # a token shared by two windows is kept from the one whose centre is nearer
        keep_start = 0 if i == 0 else (start + starts[i - 1] + size) // 2
        keep_end = n_tokens if i == len(starts) - 1 else (starts[i + 1] + start + size) // 2
        out.append(Window(start, start + size, keep_start, keep_end))
    return out
