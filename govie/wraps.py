"""Soft line wraps: single line breaks that Word or PDF export put inside a sentence.

A line break is soft when all of these hold (corpus/GUIDE.md section 7):

1. neither line is blank or a table row (a tab or two spaces in a row inside it), and the
   next line is not indented deeper (by two columns or more) than the line before: a blank
   line or an indent opens a paragraph;
2. the next line does not open with a list or heading marker (一、 （一） 1. ① 第一， 一是),
   unless the line before is full and ends in a comma or 、 (一、二、三产业 wrapped);
3. the line before does not end a sentence: 。！？!? (closing quotes and brackets skipped;
   an ASCII "." after a digit is a decimal point);
4. the line before is full; or, unless it ends in ；;：:…, the break falls inside a figure,
   or the line before is prose (it holds a CJK character) continuing a sentence from a soft
   wrap before it, so it is no heading, and the break is not between two digits.

A line is full when the text is wrapped at a regular width: its display width (CJK
characters 2, others 1) is within an eighth of the text's wrap width (the width of the
widest tenth of its lines, at least 20) and at least two lines are that full. A break
falls inside a figure when the line before ends in a number written after a word or mark
(not a bare number: a table cell) and the next line opens with a decimal point, %, a
multiplier, a unit or a date character (营收3.2\\n亿元, 截至2023\\n年), or, when the line
ends in a decimal point, with a digit (营收3.\\n2亿元).

Everything else is hard: headings, tables and paragraph-per-line text keep a sentence per line.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_MARKER = re.compile(
    r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9０-９]+[）)]|[0-9０-９]+[、.．)）](?![0-9０-９])"
    r"|[①-⑳⑴-⒇]|[•●○■□◆◇▪▶★☆]|第[一二三四五六七八九十]+[、，,是章节部条]|[一二三四五六七八九十]是|其[一二三四五六七八九十][，,是]")
_CLOSERS = "”’\"'）)】」』》〉]"
_SENTENCE_END = set("。！？!?.")
_CLAUSE_END = set("；;：:…")
_COMMAS = set("，,、")
_DIGITS = set("0123456789０１２３４５６７８９")
_POINTS = set(".．·")
# what may follow a digit inside one figure: a point, %, a multiplier, a unit or a date character
_FIGURE_NEXT = set(".．·%％‰万亿千百元个家人项件条次倍平立公吨亩米户座所台辆年月日季")
# a number at the end of a line, written after a word or mark (营收3.2, ，3.), not a bare cell (-0.2)
_NUMBER_AFTER_WORD = re.compile(r"[^\s0-9０-９.．·,，+\-－＋][0-9０-９]+(?:[.．·][0-9０-９]*)?$")
_TABLE_ROW = re.compile(r"\t|[ \u3000]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_MIN_WRAP_WIDTH = 20
_WIDTH_TOLERANCE = 8  # a line is full within wrap width / 8


@dataclass(frozen=True)
class _Line:
    start: int  # first character of the line
    begin: int  # first character after the indent
    end: int  # end of the content, trailing whitespace excluded


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in text)


def _lines(text: str) -> list[_Line]:
    lines, start = [], 0
    for stop in [m.start() for m in re.finditer("\n", text)] + [len(text)]:
        end = start + len(text[start:stop].rstrip())
        begin = end - len(text[start:end].lstrip())
        lines.append(_Line(start, begin, end))
        start = stop + 1
    return lines


def _full_range(widths: list[int]) -> tuple[int, int]:
    """Return the display widths a full line may have; an empty range when the text shows no regular width."""
    if not widths:
        return 1, 0
    ordered = sorted(widths, reverse=True)
    wrap = ordered[len(ordered) // 10]
    low, high = wrap - wrap // _WIDTH_TOLERANCE, wrap + wrap // _WIDTH_TOLERANCE
    if wrap < _MIN_WRAP_WIDTH or sum(1 for w in widths if low <= w <= high) < 2:
        return 1, 0
    return low, high


def _last_mark(content: str) -> str:
    """Return the last character of a line, closing quotes and brackets skipped; '' for a decimal point."""
    core = content.rstrip(_CLOSERS) or content
    if core[-1] == "." and core[-2:-1] in _DIGITS:
        return ""
    return core[-1]


def _opens_paragraph(text: str, line: _Line, nxt: _Line) -> bool:
    """Return whether ``nxt`` is blank or indented deeper than ``line``, or either line is a table row."""
    if nxt.end == nxt.begin or any(_TABLE_ROW.search(text, x.begin, x.end) for x in (line, nxt)):
        return True
    return _display_width(text[nxt.start:nxt.begin]) - _display_width(text[line.start:line.begin]) >= 2


def _inside_figure(before: str, after: str) -> bool:
    if not _NUMBER_AFTER_WORD.search(before):
        return False
    if before[-1] in _DIGITS:
        return after[0] in _FIGURE_NEXT
    return before[-1] in _POINTS and after[0] in _DIGITS


def _continues(before: str, after: str) -> bool:
    """Return whether a prose line that continues a wrapped sentence may join ``after``."""
    return bool(_CJK.search(before)) and not (before[-1] in _DIGITS and after[0] in _DIGITS)


def soft_breaks(text: str) -> list[tuple[int, int]]:
    """Return the soft wraps of ``text`` as ``(start, end)`` ranges: the line break with the spaces around it.

    >>> soft_breaks("营收3.2\\n亿元。")
    [(5, 6)]
    >>> soft_breaks("一、经济指标\\n营收3.2亿元。")
    []
    """
    lines = _lines(text)
    widths = [_display_width(text[line.start:line.end]) for line in lines]
    low, high = _full_range([w for w, line in zip(widths, lines) if line.end > line.begin])
    soft: list[tuple[int, int]] = []
    for line, nxt, width in zip(lines, lines[1:], widths):
        if line.end == line.begin or _opens_paragraph(text, line, nxt):
            continue
        before, after = text[line.begin:line.end], text[nxt.begin:nxt.end]
        mark, full = _last_mark(before), low <= width <= high
        if mark in _SENTENCE_END or _MARKER.match(after) and not (full and mark in _COMMAS):
            continue
        continued = bool(soft) and soft[-1][1] == line.begin
        if full or mark not in _CLAUSE_END and (_inside_figure(before, after)
                                                or continued and _continues(before, after)):
            soft.append((line.end, nxt.begin))
    return soft


class Unwrapped:
    """``text`` with its soft wraps removed, mapping offsets back to the original.

    A wrap with a space in it between two ASCII letters or digits keeps one space (2024-02-01 ⏎16:40).

    >>> view = Unwrapped("营收3.2\\n亿元。")
    >>> view.text, view.original_range(2, 7)
    ('营收3.2亿元。', (2, 8))
    """

    def __init__(self, text: str, soft: list[tuple[int, int]] | None = None) -> None:
        soft = soft_breaks(text) if soft is None else soft
        pieces, self._starts, self._shifts = [], [], []
        prev = removed = 0
        for start, end in _removals(text, soft):
            pieces.append(text[prev:start])
            self._starts.append(start - removed)
            removed += end - start
            self._shifts.append(removed)
            prev = end
        pieces.append(text[prev:])
        self.text = "".join(pieces)

    def original(self, offset: int) -> int:
        """Return the original offset of the character at ``offset`` of the unwrapped text."""
        i = bisect_right(self._starts, offset) - 1
        return offset + (self._shifts[i] if i >= 0 else 0)

    def original_range(self, start: int, end: int) -> tuple[int, int]:
        """Return the original ``(start, end)`` of a non-empty range of the unwrapped text."""
        return self.original(start), self.original(end - 1) + 1


def _removals(text: str, soft: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the ranges to drop for ``soft``: each whole wrap, but one space between ASCII words."""
    out = []
    for start, end in soft:
        space = next((i for i in range(start, end) if text[i] not in "\r\n"), None)
        if space is None or not (_ASCII_WORD.match(text[start - 1]) and _ASCII_WORD.match(text[end])):
            out.append((start, end))
        else:
            out.extend(r for r in ((start, space), (space + 1, end)) if r[1] > r[0])
    return out
