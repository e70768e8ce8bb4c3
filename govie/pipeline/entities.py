"""Put character-offset spans on a Doc as ``doc.ents``, splitting tokens an entity edge falls inside."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable

from spacy.tokens import Doc, Span as SpacySpan

from ..schema import Span


def _split_points(doc: Doc, offsets: set[int]) -> dict[int, list[int]]:
    ordered = sorted(offsets)
    points: dict[int, list[int]] = {}
    for token in doc:
        lo = bisect_right(ordered, token.idx)
        hi = bisect_left(ordered, token.idx + len(token.text))
        if lo < hi:
            points[token.i] = ordered[lo:hi]
    return points


def align_tokens(doc: Doc, spans: Iterable[Span]) -> Doc:
    """Split tokens so that every span edge falls on a token boundary (retokenize in place)."""
    offsets = {edge for span in spans for edge in (span.start, span.end)}
    points = _split_points(doc, offsets)
    if not points:
        return doc
    with doc.retokenize() as retokenizer:
        for i, cuts in points.items():
            token = doc[i]
            local = [0] + [c - token.idx for c in cuts] + [len(token.text)]
            orths = [token.text[a:b] for a, b in zip(local, local[1:])]
            heads = [(token, 0)] * len(orths)
            retokenizer.split(token, orths, heads=heads)
    return doc


def set_entities(doc: Doc, spans: Iterable[Span]) -> list[SpacySpan]:
    """Set ``doc.ents`` from govie spans with exact character offsets; return the spaCy spans."""
    spans = sorted(spans)
    align_tokens(doc, spans)
    ents = []
    for span in spans:
        ent = doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
        if ent is not None:
            ents.append(ent)
    doc.ents = ents
    return ents


def doc_spans(doc: Doc) -> list[Span]:
    """Return ``doc.ents`` as govie spans."""
    return [Span(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
