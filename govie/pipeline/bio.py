"""BIO tag sets and decoding: the best valid tag path (Viterbi) and tags to character spans."""
from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy

from ..schema import Span


def bio_labels(entity_labels: Iterable[str]) -> list[str]:
    """Return the tag set ``O, B-X, I-X, ...`` for entity labels."""
    return ["O"] + [f"{p}-{label}" for label in entity_labels for p in ("B", "I")]


def decode_bio(tags: list[str], offsets: list[tuple[int, int]], text: str) -> list[Span]:
    """Turn per-token BIO tags into character spans; an I- tag that does not continue opens a span.

    Tokens that share characters with the previous token (a tokenizer normalizer can expand one
    character, e.g. NFKC "Ⅲ" -> "III") follow the previous token's decision, so spans never overlap.
    """
    spans, current, previous_end = [], None, 0
    for tag, (start, end) in zip(list(tags) + ["O"], list(offsets) + [(len(text), len(text))]):
        if start < previous_end:
            if current is not None:
                current[1] = max(current[1], end)
            previous_end = max(previous_end, end)
            continue
        previous_end = max(previous_end, end)
        label = tag[2:] if tag != "O" else None
        if current and (tag.startswith("B-") or label != current[2] or tag == "O"):
            s, e, lab = current
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append(Span(s, e, lab, text[s:e]))
            current = None
        if label and end > start:
            if current is None:
                current = [start, end, label]
            else:
                current[1] = end
    return spans


def viterbi_tags(logits: numpy.ndarray, labels: Sequence[str],
                 inside_word: Sequence[bool] | None = None, edge_penalty: float | None = None) -> list[str]:
    """Return the highest-scoring tag path in which every ``I-X`` follows ``B-X`` or ``I-X``.

    logits (ndarray): One row of tag scores per token (log-softmax is applied here).
    inside_word: Per token, whether it continues a word of the segmenter; such a token keeps the
        previous token's decision (``O`` after ``O``, ``I-X`` after ``B-X``/``I-X``), so no
        entity starts or ends inside a word.
    edge_penalty: With ``inside_word``, the log-probability an entity edge inside a word costs
        instead of being ruled out (``None``: ruled out).

    >>> import numpy
    >>> labels = ["O", "B-RATE", "I-RATE"]
    >>> viterbi_tags(numpy.log(numpy.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])), labels)
    ['B-RATE', 'I-RATE']
    """
    n = len(logits)
    if n == 0:
        return []
    scores = logits - numpy.logaddexp.reduce(logits, axis=1, keepdims=True)
    k = len(labels)
    allowed = numpy.ones((k, k), dtype=bool)  # allowed[prev, cur]
    start_ok = numpy.ones(k, dtype=bool)
    for j, tag in enumerate(labels):
        if tag.startswith("I-"):
            start_ok[j] = False
            allowed[:, j] = [labels[i] in (f"B-{tag[2:]}", tag) for i in range(k)]
    penalty = numpy.where(allowed, 0.0, -1e9)
    within = numpy.zeros((k, k), dtype=bool)  # transitions allowed inside a word
    for j, tag in enumerate(labels):
        within[:, j] = [(tag == "O" and labels[i] == "O") or
                        (tag.startswith("I-") and labels[i] in (f"B-{tag[2:]}", tag)) for i in range(k)]
    outside_cost = -1e9 if edge_penalty is None else -float(edge_penalty)
    penalty_within = numpy.where(within, 0.0, numpy.where(allowed, outside_cost, -1e9))
    best = numpy.where(start_ok, scores[0], -1e9)
    back = numpy.zeros((n, k), dtype=numpy.int32)
    for t in range(1, n):
        total = best[:, None] + (penalty_within if inside_word is not None and inside_word[t] else penalty)
        back[t] = total.argmax(0)
        best = total.max(0) + scores[t]
    path = [int(best.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [labels[i] for i in reversed(path)]


_MARK_PAIRS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "「": "」", "『": "』"}


def balance_marks(spans: Sequence[Span], text: str) -> list[Span]:
    """Return ``spans`` with paired marks (quotes, book-title marks, brackets) balanced.

    A span that opens a mark without closing it takes the closing mark right after it (or, failing
    that, drops a leading opening mark); one that closes a mark it did not open takes the opening mark
    right before it (or drops a trailing closing mark). A span never grows into a character another
    span covers. Gold spans of the corpus always hold their marks in pairs.

    >>> text = "纳入“十四五”规划"
    >>> balance_marks([Span(2, 6, "PERIOD", "“十四五")], text)
    [Span(start=2, end=7, label='PERIOD', text='“十四五”')]
    """
    covered = numpy.zeros(len(text) + 1, dtype=numpy.int32)
    for span in spans:
        covered[span.start:span.end] += 1
    result = []
    for span in spans:
        start, end = span.start, span.end
        for opening, closing in _MARK_PAIRS.items():
            inner = text[start:end]
            excess = inner.count(opening) - inner.count(closing)
            if excess > 0 and end < len(text) and text[end] == closing and not covered[end]:
                covered[end] += 1
                end += 1
            elif excess < 0 and start > 0 and text[start - 1] == opening and not covered[start - 1]:
                covered[start - 1] += 1
                start -= 1
            elif excess > 0 and inner.startswith(opening):
                start += 1
            elif excess < 0 and inner.endswith(closing):
                end -= 1
        if (start, end) == (span.start, span.end):
            result.append(span)
        elif end > start:
            result.append(Span(start, end, span.label, text[start:end]))
    return result


def span_confidences(logits: numpy.ndarray, labels: Sequence[str], tags: Sequence[str],
                     offsets: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[float]:
    """Return, per span, the mean probability (softmax of ``logits``) of the decoded tag over its tokens.

    >>> import numpy
    >>> labels = ["O", "B-RATE", "I-RATE"]
    >>> logits = numpy.log(numpy.array([[0.2, 0.6, 0.2], [0.1, 0.1, 0.8], [0.9, 0.05, 0.05]]))
    >>> tags = ["B-RATE", "I-RATE", "O"]
    >>> [round(c, 2) for c in span_confidences(logits, labels, tags, [(0, 1), (1, 2), (2, 3)],
    ...                                        [Span(0, 2, "RATE", "5%")])]
    [0.7]
    """
    if not spans:
        return []
    probs = numpy.exp(logits - numpy.logaddexp.reduce(logits, axis=1, keepdims=True))
    index = {tag: i for i, tag in enumerate(labels)}
    chosen = probs[numpy.arange(len(tags)), [index[t] for t in tags]]
    starts = numpy.array([start for start, _ in offsets])
    ends = numpy.array([end for _, end in offsets])
    result = []
    for span in spans:
        lo, hi = numpy.searchsorted(starts, span.start, "left"), numpy.searchsorted(starts, span.end, "left")
        inside = [i for i in range(lo, hi) if ends[i] <= span.end and ends[i] > starts[i]]
        result.append(float(chosen[inside].mean()) if inside else 1.0)
    return result


# A figure is never cut from its unit: no span edge falls between a numeral and one of these characters
# (none of the 127,324 span edges of the train and dev corpus does), so 五|年 counts as one word.
NUMERALS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十两百千零〇")
NUMERAL_UNITS = frozenset("年月日季周天旬个项家亿万%％‰倍")


# What a span of a label must contain (GUIDE section 2): a PERIOD a time word, a year or a plan period; an
# AMOUNT or RATE a numeral (翻番 and 翻倍 are RATEs). Every corpus span has its shape but one (五一).
_QUANTITY = r"[0-9０-９一二三四五六七八九十两百千万亿零〇半双几数]"
_SHAPES = {
    "PERIOD": re.compile(r"[年月日季度期间来内末底初前后旬春夏秋冬时今去当届节午晚早周天]|(?:19|20)\d\d|十[一二三四五六七八九]五|五一"),
    "AMOUNT": re.compile(_QUANTITY),
    "RATE": re.compile(_QUANTITY + r"|翻番|翻倍"),
}


def has_label_shape(span: Span) -> bool:
    """Return whether ``span`` contains what its label needs (labels without a shape always do).

    >>> has_label_shape(Span(0, 1, "PERIOD", "3")), has_label_shape(Span(0, 5, "PERIOD", "1-11月"))
    (False, True)
    """
    shape = _SHAPES.get(span.label)
    return shape is None or shape.search(span.text) is not None


def token_bounds(doc) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Return the start and end character offsets of the tokens of ``doc`` (two int64 arrays)."""
    from spacy.attrs import IDX, LENGTH

    if not len(doc):
        return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.int64)
    bounds = doc.to_array([IDX, LENGTH]).astype(numpy.int64)
    return bounds[:, 0], bounds[:, 0] + bounds[:, 1]


def word_edges(doc) -> set[int]:
    """Return the character offsets where a word of ``doc`` starts or ends."""
    starts, ends = token_bounds(doc)
    return set(starts.tolist()) | set(ends.tolist())


def inside_word(doc, offsets: Sequence[tuple[int, int]]) -> list[bool]:
    """Return, per token offset, whether it starts inside a word of ``doc`` (no word edge at its start).

    A unit character right after a numeral (五年, 3季度, 12%) is inside a word even where the segmenter
    splits them.
    """
    edges = word_edges(doc)
    text = doc.text
    return [start not in edges or (0 < start < len(text) and text[start] in NUMERAL_UNITS
                                   and text[start - 1] in NUMERALS)
            for start, _ in offsets]


__all__ = ["balance_marks", "bio_labels", "decode_bio", "has_label_shape", "inside_word", "span_confidences",
           "token_bounds", "viterbi_tags", "word_edges"]
