import pytest
import spacy

import govie
from govie.pipeline.entities import align_tokens, doc_spans, set_entities
from govie.schema import Span


def test_pipeline_factories_registered(rules_nlp):
    assert rules_nlp.pipe_names == ["govie_rules", "govie_facts"]
    assert rules_nlp.get_pipe_meta("govie_rules").factory == "govie_rules_v1"
    assert rules_nlp.config["nlp"]["tokenizer"]["segmenter"] == "pkuseg"


def test_pipeline_entities_have_exact_offsets(rules_nlp):
    text = "1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3 %，居全区第1。"
    doc = rules_nlp(text)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (0, 5, "PERIOD"), (8, 18, "METRIC"), (18, 23, "AMOUNT"), (28, 35, "RATE")]
    assert all(text[e.start_char:e.end_char] == e.text for e in doc.ents)


def test_pipeline_splits_a_word_an_entity_edge_falls_inside(rules_nlp):
    doc = rules_nlp.make_doc("营收3.2亿元")
    words = [t.text for t in doc]
    assert "3.2亿" in words  # pkuseg keeps the number and 亿 together, 元 apart
    doc = set_entities(doc, [Span(2, 5, "AMOUNT", "3.2")])
    assert [t.text for t in doc] == ["营收", "3.2", "亿", "元"]
    assert [(e.text, e.label_) for e in doc.ents] == [("3.2", "AMOUNT")]
    assert doc.text == "营收3.2亿元"


def test_pipeline_align_tokens_noop_when_aligned(rules_nlp):
    doc = rules_nlp.make_doc("同比增长")
    before = [t.text for t in doc]
    assert align_tokens(doc, [Span(0, 2, "METRIC", "同比")]) is doc
    assert [t.text for t in doc] == before


def test_pipeline_align_tokens_rebuild_keeps_text_spaces_and_user_data(rules_nlp):
    doc = rules_nlp.make_doc("营收3.2亿元 增长5%\n合计")
    doc.user_data["k"] = 1
    aligned = align_tokens(doc, [Span(2, 5, "AMOUNT", "3.2"), Span(9, 11, "RATE", "5%")])
    assert aligned.text == doc.text and aligned.user_data["k"] == 1
    assert {2, 5, 9, 11} <= {t.idx for t in aligned} | {t.idx + len(t) for t in aligned}


def test_pipeline_align_tokens_splits_in_place_when_tokens_are_annotated(rules_nlp):
    doc = rules_nlp.make_doc("营收3.2亿元")
    for token in doc:
        token.tag_ = "X"
    assert align_tokens(doc, [Span(2, 5, "AMOUNT", "3.2")]) is doc
    assert [t.text for t in doc] == ["营收", "3.2", "亿", "元"] and doc[1].tag_ == "X"


def test_pipeline_align_tokens_rebuilds_long_docs_with_many_splits(rules_nlp):
    text = "营收3.2亿元，" * 2000
    doc = rules_nlp.make_doc(text)
    spans = [Span(i + 2, i + 5, "AMOUNT", "3.2") for i in range(0, len(text), 8)]
    aligned = align_tokens(doc, spans)
    assert aligned is not doc and len(aligned) == len(doc) + len(spans)
    assert all(aligned.char_span(s.start, s.end) is not None for s in spans[::97])


@pytest.mark.parametrize("text", ["", " ", "\n\n", "　"])
def test_pipeline_empty_and_whitespace_docs(rules_nlp, text):
    doc = rules_nlp(text)
    assert doc.text == text and list(doc.ents) == [] and doc._.relations == [] and doc._.facts == []


def test_pipeline_extensions_are_per_doc(rules_nlp):
    a = rules_nlp("营收3亿元。")
    b = rules_nlp("无数字。")
    assert len(a._.relations) == 1 and b._.relations == []


def test_pipeline_to_disk_round_trip(rules_nlp, tmp_path):
    text = (govie.loading.PACKAGE_DIR / "data" / "samples" / "street_haibin_2023.txt").read_text(encoding="utf-8")
    rules_nlp.to_disk(tmp_path / "m")
    for loaded in (govie.load(tmp_path / "m"), spacy.load(tmp_path / "m")):
        a, b = rules_nlp(text), loaded(text)
        assert doc_spans(a) == doc_spans(b)
        assert a._.relations == b._.relations
        assert a._.facts == b._.facts
        assert [t.text for t in a] == [t.text for t in b]


def test_pipeline_rules_label_subset(tmp_path):
    nlp = govie.blank()
    nlp.add_pipe("govie_rules_v1", name="govie_rules", config={"labels": ["AMOUNT"]})
    doc = nlp("营收3亿元，增长5%。")
    assert [(e.label_, e.text) for e in doc.ents] == [("AMOUNT", "3亿元")]
    assert doc._.relations == []


def test_pipeline_rules_unknown_label():
    nlp = govie.blank()
    with pytest.raises(ValueError, match="E033"):
        nlp.add_pipe("govie_rules_v1", config={"labels": ["MONEY"]})
