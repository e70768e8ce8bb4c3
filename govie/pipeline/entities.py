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


_TOKEN_ANNOTATIONS = ("TAG", "POS", "MORPH", "LEMMA", "DEP", "ENT_IOB", "SENT_START")


def align_tokens(doc: Doc, spans: Iterable[Span]) -> Doc:
    """Return a Doc whose token boundaries include every span edge.

    ``doc`` itself when no token needs splitting; otherwise a new Doc with the same text and
    ``user_data`` built in one pass (linear in the length of the text), or ``doc`` split in place
    when its tokens already carry annotations a rebuild would drop.
    """
    offsets = {edge for span in spans for edge in (span.start, span.end)}
    points = _split_points(doc, offsets)
    if not points:
        return doc
    if any(doc.has_annotation(attr) for attr in _TOKEN_ANNOTATIONS) or doc.has_vector:
        return _split_in_place(doc, points)
    words, spaces = [], []
    for token in doc:
        cuts = points.get(token.i)
        if cuts is None:
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
            continue
        pieces = _pieces(token, cuts)
        words.extend(pieces)
        spaces.extend([False] * (len(pieces) - 1) + [bool(token.whitespace_)])
    rebuilt = Doc(doc.vocab, words=words, spaces=spaces)
    rebuilt.user_data.update(doc.user_data)
    return rebuilt


def _split_in_place(doc: Doc, points: dict[int, list[int]]) -> Doc:
    with doc.retokenize() as retokenizer:
        for i, cuts in points.items():
            token = doc[i]
            orths = _pieces(token, cuts)
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    return doc


def _pieces(token, cuts: list[int]) -> list[str]:
    """The texts of ``token`` cut at the character offsets ``cuts`` (inside the token)."""
    local = [0] + [c - token.idx for c in cuts] + [len(token.text)]
    return [token.text[a:b] for a, b in zip(local, local[1:])]


def set_entities(doc: Doc, spans: Iterable[Span]) -> Doc:
    """Return ``doc`` (or its token-aligned rebuild, see :func:`align_tokens`) with ``doc.ents`` set
    from govie spans at exact character offsets."""
    spans = sorted(spans)
    doc = align_tokens(doc, spans)
    starts = {t.idx: t.i for t in doc}
    ends = {t.idx + len(t.text): t.i + 1 for t in doc}
    ents = []
    for span in spans:
        if span.start in starts and span.end in ends:
            ents.append(SpacySpan(doc, starts[span.start], ends[span.end], label=span.label))
    doc.ents = ents
    return doc


def doc_spans(doc: Doc) -> list[Span]:
    """Return ``doc.ents`` as govie spans."""
    return [Span(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
