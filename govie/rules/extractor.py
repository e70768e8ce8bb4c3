"""Rule-based extraction of schema v1 spans and relations from report text."""
from __future__ import annotations

import re
from bisect import bisect_right

from ..schema import Relation, Span
from ..sentences import sentence_bounds
from ..wraps import Unwrapped
from .metrics import link_metrics, link_periods
from .patterns import (AMOUNT_RE, GENERIC_PROJECT_HEADS, ORG_RE, PERIOD_RE, PROJECT_OPENERS,
                       PROJECT_SUFFIX_RE, RATE_RE)

_THRESHOLD = re.compile(r"以上[一-龥]|以下[一-龥]|级")
_COUNT_BEFORE = re.compile(r"[0-9０-９一二两三四五六七八九十百千万]\s*(?:个|家|座|所|处|项|条|批|类)$")
_COUNT_AFTER = re.compile(r"[区]?[0-9０-９]")
_NAME_STOP = re.compile(r"[，、。；：！？\n（）()《》,;:!?\s0-9０-９]")


class _Taken:
    """Which characters already belong to a span (linear time, for long documents)."""

    def __init__(self, length: int) -> None:
        self.mask = bytearray(length)

    def overlaps(self, start: int, end: int) -> bool:
        return any(self.mask[start:end])

    def covers(self, offset: int) -> bool:
        return 0 <= offset < len(self.mask) and bool(self.mask[offset])

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)


def _add(found: list[Span], taken: _Taken, start: int, end: int, label: str, text: str) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start or taken.overlaps(start, end):
        return
    found.append(Span(start, end, label, text[start:end]))
    taken.add(start, end)


def _in_slogan(text: str, match: re.Match) -> bool:
    """Return whether a figure sits inside a short quoted name such as “纾困27条”."""
    opened = text.rfind("“", max(0, match.start() - 8), match.start())
    if opened < 0 or "”" in text[opened:match.start()]:
        return False
    closed = text.find("”", match.end(), match.end() + 8)
    return closed >= 0


def _projects(text: str, found: list[Span], taken: _Taken) -> None:
    for match in PROJECT_SUFFIX_RE.finditer(text):
        end = match.end()
        start = match.start()
        while (start > 0 and end - start < 24 and not _NAME_STOP.match(text[start - 1])
               and not taken.covers(start - 1)):
            start -= 1
        name = text[start:end]
        opener = PROJECT_OPENERS.match(name)
        if opener:
            start += opener.end()
            name = text[start:end]
        if name.endswith("”") and "“" not in name:
            end -= 1
            name = name[:-1]
        head = name[: len(name) - len(match.group().rstrip("”"))]
        if (len(head) < 2 or re.search(r"[0-9０-９]", head)
                or any(head.endswith(g) for g in GENERIC_PROJECT_HEADS)):
            continue
        # a counted class (34个社区养老服务中心, 产业园区1个) is a METRIC, not a named project
        if _COUNT_BEFORE.search(text, max(0, start - 32), start) or _COUNT_AFTER.match(text, end):
            continue
        _add(found, taken, start, end, "PROJECT", text)


def _find_entities(text: str) -> list[Span]:
    found: list[Span] = []
    taken = _Taken(len(text))
    for label, pattern in (("RATE", RATE_RE), ("AMOUNT", AMOUNT_RE), ("PERIOD", PERIOD_RE)):
        for match in pattern.finditer(text):
            if label == "AMOUNT" and (_THRESHOLD.match(text, match.end()) or _in_slogan(text, match)):
                continue  # 20亿元以上项目 (a threshold inside a METRIC), “纾困27条” (a policy name)
            _add(found, taken, match.start(), match.end(), label, text)
    for match in ORG_RE.finditer(text):
        _add(found, taken, match.start(), match.end(), "ORG", text)
    _projects(text, found, taken)
    return sorted(found)


def _extract(text: str) -> tuple[list[Span], list[Relation]]:
    """Extract from ``text`` whose every line break ends a sentence."""
    entities = _find_entities(text)
    spans = list(entities)
    relations: list[Relation] = []
    bounds = sentence_bounds(text, soft=[])
    starts = [b[0] for b in bounds]
    by_sentence: list[list[Span]] = [[] for _ in bounds]
    for entity in entities:
        i = bisect_right(starts, entity.start) - 1
        if i >= 0 and entity.end <= bounds[i][1]:
            by_sentence[i].append(entity)
    for sentence, members in zip(bounds, by_sentence):
        if not members:
            continue
        figures = [e for e in members if e.label in ("AMOUNT", "RATE")]
        others = [e for e in members if e.label not in ("AMOUNT", "RATE")]
        metrics, rels = link_metrics(text, sentence, figures, others)
        spans.extend(metrics)
        relations.extend(rels)
        heads = {r.head for r in rels}
        head_spans = [s for s in metrics + others if s.key in heads]
        periods = [e for e in others if e.label == "PERIOD"]
        relations.extend(link_periods(sentence, head_spans, periods))
    return sorted(spans), relations


def _rewrap(view: Unwrapped, text: str, span: Span) -> Span:
    start, end = view.original_range(span.start, span.end)
    return Span(start, end, span.label, text[start:end])


def find_entities(text: str) -> list[Span]:
    """Return RATE, AMOUNT, PERIOD, ORG and PROJECT spans found by pattern, without overlaps.

    Soft line wraps (``govie.wraps``) are read through; a span across one keeps the line break.
    """
    view = Unwrapped(text)
    return [_rewrap(view, text, s) for s in _find_entities(view.text)]


def extract(text: str) -> tuple[list[Span], list[Relation]]:
    """Extract spans and relations from ``text`` with the rule baseline.

    Soft line wraps (``govie.wraps``) are read through: spans and relations cross them, and a
    span across one keeps the line break (``text[start:end] == span.text``).

    >>> spans, rels = extract("1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%。")
    >>> [(s.label, s.text) for s in spans]
    [('PERIOD', '1-11月'), ('METRIC', '规上营利性服务业营收'), ('AMOUNT', '3.2亿元'), ('RATE', '123.3%')]
    >>> sorted(r.label for r in rels)
    ['growth', 'period', 'value']
    """
    view = Unwrapped(text)
    spans, relations = _extract(view.text)
    if view.text == text:
        return spans, relations
    moved = {s.key: _rewrap(view, text, s) for s in spans}
    relations = [r._replace(head=moved[tuple(r.head)].key, child=moved[tuple(r.child)].key) for r in relations]
    return sorted(moved.values()), relations
