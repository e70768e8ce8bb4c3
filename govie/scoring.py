"""Strict entity scores (seqeval, IOB2 over characters) and relation scores over all gold relations."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from .errors import Errors, GovieError
from .labels import ENTITY_LABELS, RELATION_LABELS
from .schema import Record, Span


def spans_to_iob2(length: int, spans: Iterable[Span]) -> list[str]:
    """Return one IOB2 tag per character of a text of ``length`` characters.

    >>> spans_to_iob2(4, [Span(1, 3, "RATE", "5%")])
    ['O', 'B-RATE', 'I-RATE', 'O']
    """
    tags = ["O"] * length
    for span in spans:
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def iob2_to_spans(text: str, tags: Sequence[str]) -> list[Span]:
    """Return the spans of IOB2 ``tags`` over ``text`` with exclusive ends (seqeval's are inclusive).

    >>> iob2_to_spans("增长5%", ["O", "O", "B-RATE", "I-RATE"])
    [Span(start=2, end=4, label='RATE', text='5%')]
    """
    from seqeval.metrics.sequence_labeling import get_entities

    return [Span(s, e + 1, label, text[s:e + 1]) for label, s, e in get_entities(list(tags))]


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "support": n_gold}


def entity_scores(gold: Sequence[Record], pred: Sequence[Record]) -> dict[str, Any]:
    """Return strict per-label and micro P/R/F of predicted spans (seqeval, IOB2 strict mode)."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    y_true, y_pred = [], []
    for g, p in _pairs(gold, pred):
        y_true.append(spans_to_iob2(len(g.text), g.spans))
        y_pred.append(spans_to_iob2(len(g.text), p.spans))
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True,
                                   zero_division=0)
    per_label = {}
    for label in ENTITY_LABELS:
        row = report.get(label)
        n_pred = sum(1 for p in pred for s in p.spans if s.label == label)
        if row is None:
            per_label[label] = {"p": 0.0, "r": 0.0, "f": 0.0, "support": 0, "predicted": n_pred}
        else:
            per_label[label] = {"p": row["precision"], "r": row["recall"], "f": row["f1-score"],
                                "support": int(row["support"]), "predicted": n_pred}
    micro = report.get("micro avg", {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
    return {"per_label": per_label,
            "micro": {"p": micro["precision"], "r": micro["recall"], "f": micro["f1-score"],
                      "support": int(micro["support"])}}


def relation_scores(gold: Sequence[Record], pred: Sequence[Record]) -> dict[str, Any]:
    """Return per-label and micro P/R/F of relations; a gold relation never predicted is a miss.

    A predicted relation is right only when its label and both spans' offsets and labels match gold.
    """
    tp, n_pred, n_gold = Counter(), Counter(), Counter()
    for g, p in _pairs(gold, pred):
        g_labels = {s.key: s.label for s in g.spans}
        p_labels = {s.key: s.label for s in p.spans}
        g_set = {(tuple(r.head), g_labels.get(tuple(r.head)), tuple(r.child), g_labels.get(tuple(r.child)), r.label)
                 for r in g.relations}
        p_set = {(tuple(r.head), p_labels.get(tuple(r.head)), tuple(r.child), p_labels.get(tuple(r.child)), r.label)
                 for r in p.relations}
        for item in g_set:
            n_gold[item[-1]] += 1
        for item in p_set:
            n_pred[item[-1]] += 1
            if item in g_set:
                tp[item[-1]] += 1
    per_label = {label: _prf(tp[label], n_pred[label], n_gold[label]) for label in RELATION_LABELS}
    micro = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return {"per_label": per_label, "micro": micro}


_FACT_KEY = ("metric", "start", "end", "value", "unit", "currency", "growth", "growth_kind", "direction",
             "period_start", "period_end")


def fact_scores(gold: Sequence[Record], pred: Sequence[Record]) -> dict[str, Any]:
    """Return exact-match P/R/F of fact rows and ``accuracy``, the share of gold rows reproduced exactly.

    Both sides are assembled with :func:`govie.facts.assemble_facts` from the gold record's meta; a row
    matches when its metric, offsets, normalized value, unit, growth, direction and period all agree.
    """
    from .facts import assemble_facts

    tp = n_pred = n_gold = 0
    for g, p in _pairs(gold, pred):
        g_rows = Counter(tuple(getattr(f, k) for k in _FACT_KEY)
                         for f in assemble_facts(g.text, g.spans, g.relations, g.meta))
        p_rows = Counter(tuple(getattr(f, k) for k in _FACT_KEY)
                         for f in assemble_facts(p.text, p.spans, p.relations, g.meta))
        tp += sum((g_rows & p_rows).values())
        n_gold += sum(g_rows.values())
        n_pred += sum(p_rows.values())
    scores = _prf(tp, n_pred, n_gold)
    scores.update({"accuracy": scores["r"], "correct": tp, "predicted": n_pred})
    return scores


def _pairs(gold: Sequence[Record], pred: Sequence[Record]):
    by_id = {p.id: p for p in pred}
    for g in gold:
        p = by_id.get(g.id)
        if p is None:
            raise GovieError(Errors.E051.format(id=g.id, reason="has no prediction"))
        if p.text != g.text:
            raise GovieError(Errors.E051.format(id=g.id, reason="has a different text"))
        yield g, p


def score(gold: Sequence[Record], pred: Sequence[Record]) -> dict[str, Any]:
    """Return entity and relation scores of ``pred`` against ``gold``, matched by document id."""
    return {"documents": len(gold), "entities": entity_scores(gold, pred),
            "relations": relation_scores(gold, pred), "facts": fact_scores(gold, pred)}
