import pytest

from govie.errors import GovieError
from govie.schema import Record, Relation, Span
from govie.scoring import entity_scores, iob2_to_spans, relation_scores, spans_to_iob2

TEXT = "营收3亿元，增长5%。"
GOLD = Record("d", TEXT, {}, [Span(0, 2, "METRIC", "营收"), Span(2, 5, "AMOUNT", "3亿元"), Span(8, 10, "RATE", "5%")],
              [Relation((0, 2), (2, 5), "value"), Relation((0, 2), (8, 10), "growth")])


def test_scoring_iob2_round_trip():
    tags = spans_to_iob2(len(TEXT), GOLD.spans)
    assert tags[:5] == ["B-METRIC", "I-METRIC", "B-AMOUNT", "I-AMOUNT", "I-AMOUNT"]
    assert iob2_to_spans(TEXT, tags) == GOLD.spans


def test_scoring_strict_boundaries():
    pred = Record("d", TEXT, {}, [Span(0, 2, "METRIC", "营收"), Span(2, 4, "AMOUNT", "3亿"), Span(8, 10, "RATE", "5%")], [])
    scores = entity_scores([GOLD], [pred])
    assert scores["per_label"]["AMOUNT"]["f"] == 0.0
    assert scores["micro"]["p"] == 2 / 3 and scores["micro"]["r"] == 2 / 3


def test_scoring_relations_count_missed_candidates():
    pred = Record("d", TEXT, {}, [Span(0, 2, "METRIC", "营收"), Span(2, 5, "AMOUNT", "3亿元")],
                  [Relation((0, 2), (2, 5), "value")])
    scores = relation_scores([GOLD], [pred])
    assert scores["micro"]["p"] == 1.0
    assert scores["micro"]["r"] == 1 / 2
    assert scores["per_label"]["growth"]["r"] == 0.0


def test_scoring_relation_needs_matching_span_labels():
    pred = Record("d", TEXT, {}, [Span(0, 2, "PROJECT", "营收"), Span(2, 5, "AMOUNT", "3亿元")],
                  [Relation((0, 2), (2, 5), "value")])
    assert relation_scores([GOLD], [pred])["micro"]["p"] == 0.0


def test_scoring_mismatched_documents():
    with pytest.raises(GovieError, match="E051"):
        entity_scores([GOLD], [Record("other", TEXT)])
    with pytest.raises(GovieError, match="different text"):
        entity_scores([GOLD], [Record("d", TEXT + "。")])
