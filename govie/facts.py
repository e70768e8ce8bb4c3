"""Assemble normalized fact rows from spans, relations and document metadata."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Iterable, NamedTuple, Sequence

from .errors import GovieError
from .normalize import direction_before, drop_spaces, normalize_amount, normalize_period, normalize_rate
from .schema import Relation, Span
from .sentences import SentenceIndex

_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年")
_LINE_BREAK = re.compile(r"\s*\n\s*")


class Fact(NamedTuple):
    """One row of the fact table: a metric (or project) with its figure, growth and period.

    ``metric`` and ``org`` are names, read across a wrapped line (办\\n结群众诉求 -> 办结群众诉求);
    the ``*_text`` fields and ``sentence`` are the source text as written.
    """

    metric: str
    metric_label: str
    value: int | float | None
    unit: str | None
    currency: str | None
    approx: bool
    value_text: str | None
    growth: int | float | None
    growth_kind: str | None
    direction: int | None
    growth_text: str | None
    period_start: str | None
    period_end: str | None
    period_text: str | None
    org: str | None
    sentence: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


FACT_FIELDS: tuple[str, ...] = Fact._fields


def infer_year(text: str, spans: Iterable[Span] = ()) -> int | None:
    """Return the year a document is about: a year in its first line, else its most frequent PERIOD year."""
    first_line = text.lstrip()[:80].split("\n", 1)[0]
    match = _TITLE_YEAR.search(first_line)
    if match:
        return int(match.group(1))
    years = Counter(int(m.group(1)) for s in spans if s.label == "PERIOD" for m in [_TITLE_YEAR.search(s.text)] if m)
    return years.most_common(1)[0][0] if years else None


def _figure(span: Span) -> dict[str, Any]:
    """Normalize an AMOUNT or RATE child; empty dict when its text cannot be read."""
    try:
        if span.label == "AMOUNT":
            a = normalize_amount(span.text)
            return {"value": a.value, "unit": a.unit, "currency": a.currency, "approx": a.approx, "kind": None,
                    "sign": None}
        r = normalize_rate(span.text)
        return {"value": r.value, "unit": r.kind, "currency": None, "approx": r.approx, "kind": r.kind,
                "sign": r.sign}
    except GovieError:
        return {}


def _one_line(name: str) -> str:
    """Return a span's text without the line breaks of a soft wrap (and the spaces around them)."""
    return _LINE_BREAK.sub("", name)


def assemble_facts(text: str, spans: Sequence[Span], relations: Sequence[Relation],
                   meta: dict[str, Any] | None = None) -> list[Fact]:
    """Return fact rows: one per value of each head, paired in order with its growths and periods.

    A head with growths but no value gives one row per growth. The period defaults to the
    document year (``meta['year']``, else inferred) when no period relation dates the figure.
    """
    meta = meta or {}
    by_key = {s.key: s for s in spans}
    year = meta.get("year") if isinstance(meta.get("year"), int) else infer_year(text, spans)
    org = meta.get("org") or next((_one_line(s.text) for s in sorted(spans) if s.label == "ORG"), None)
    sentences = SentenceIndex(text)
    children: dict[tuple[int, int], dict[str, list[Span]]] = {}
    for rel in relations:
        head, child = by_key.get(tuple(rel.head)), by_key.get(tuple(rel.child))
        if head is None or child is None:
            continue
        children.setdefault(head.key, {"value": [], "growth": [], "period": []})[rel.label].append(child)
    facts = []
    for key in sorted(children):
        head = by_key[key]
        kids = {label: sorted(items) for label, items in children[key].items()}
        values, growths, periods = kids["value"], kids["growth"], kids["period"]
        rows = max(len(values), len(growths))
        if rows == 0:
            continue
        sent_i = sentences.sentence_of(head.start)
        s_start, s_end = sentences.bounds[sent_i] if sent_i >= 0 else (head.start, head.end)
        for i in range(rows):
            value = values[i] if i < len(values) else None
            growth = growths[i] if i < len(growths) else (growths[0] if len(growths) == 1 and len(values) == 1 else None)
            period = periods[i] if i < len(periods) else (periods[-1] if periods else None)
            fields = _figure(value) if value else {}
            g = _figure(growth) if growth else {}
            direction = None
            if growth is not None:
                # the sentence's line breaks are soft wraps, which may split a change word (同比增\n长)
                direction = g.get("sign") or direction_before(drop_spaces(text[s_start:growth.start]))
            p_start = p_end = None
            if period is not None:
                # without a year (meta or title) a relative period such as 1-11月 stays undated
                p = normalize_period(period.text, year)
                p_start = p.start.isoformat() if p.start else None
                p_end = p.end.isoformat() if p.end else None
            elif year is not None:
                p_start, p_end = f"{year}-01-01", f"{year}-12-31"
            ends = [s.end for s in (head, value, growth) if s is not None]
            facts.append(Fact(
                metric=_one_line(head.text), metric_label=head.label,
                value=fields.get("value"), unit=fields.get("unit"), currency=fields.get("currency"),
                approx=bool(fields.get("approx") or g.get("approx")), value_text=value.text if value else None,
                growth=g.get("value"), growth_kind=g.get("kind") or (g.get("unit") if g else None),
                direction=direction, growth_text=growth.text if growth else None,
                period_start=p_start, period_end=p_end, period_text=period.text if period else None,
                org=org, sentence=text[s_start:s_end], start=min(head.start, *(s.start for s in (value, growth) if s)),
                end=max(ends)))
    return facts
