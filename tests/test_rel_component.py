"""govie_rel_v1: candidates, features, tiny overfit on gold entities, full pipeline save/load."""
import pytest
import spacy

import govie
from govie.pipeline.rel_component import make_candidates, pair_features
from govie.schema import Span, record_from_dict
from govie.scoring import relation_scores
from govie.train.ner import NerTrainConfig, train_tagger
from govie.train.rel import RelTrainConfig, gold_doc, train_relations

LABELS = ["METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG"]


def test_rel_candidates_follow_schema_and_sentences():
    text = "营收3亿元，增长5%。税收2亿元。"
    spans = [Span(0, 2, "METRIC", "营收"), Span(2, 5, "AMOUNT", "3亿元"), Span(8, 10, "RATE", "5%"),
             Span(11, 13, "METRIC", "税收"), Span(13, 16, "AMOUNT", "2亿元")]
    pairs = make_candidates(200)(text, spans)
    assert [(h.text, c.text) for h, c in pairs] == [("营收", "3亿元"), ("营收", "5%"), ("税收", "2亿元")]
    assert make_candidates(2)(text, spans) == pairs[:1] + pairs[2:]


def test_rel_pair_features():
    text = "营收3亿元，同比增长5%。"
    spans = [Span(0, 2, "METRIC", "营收"), Span(2, 5, "AMOUNT", "3亿元"), Span(10, 12, "RATE", "5%")]
    f = pair_features(text, spans, spans[0], spans[2])
    assert f[0] == 1.0 and f[2] == 1 / 10 and f[5] == 1 / 5 and f[6] == 1.0 and f[-2] == 1.0


@pytest.fixture(scope="module")
def trained_pipeline(tiny_encoder, ner_examples):
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", name="govie_ner", config={"window": 32, "stride": 8})
    tagger.load_model(tiny_encoder, labels=LABELS)
    rel = nlp.add_pipe("govie_rel_v1", name="govie_rel", config={"hidden": 32})
    nlp.add_pipe("govie_facts_v1", name="govie_facts")
    records = [record_from_dict(r) for r in ner_examples]
    train_tagger(tagger, records, None, NerTrainConfig(epochs=150, lr=3e-3, patience=150))
    history = train_relations(nlp, tagger, rel, records, None, RelTrainConfig(epochs=300, lr=1e-2, patience=300))
    assert history[-1]["loss"] < 0.05
    return nlp, records


def test_rel_overfits_on_gold_entities(trained_pipeline):
    nlp, records = trained_pipeline
    rel, tagger = nlp.get_pipe("govie_rel"), nlp.get_pipe("govie_ner")
    pred = [govie.Record(r.id, r.text, {}, r.spans, rel.predict(gold_doc(nlp, tagger, r))) for r in records]
    assert relation_scores(records, pred)["micro"]["f"] == 1.0


def test_rel_full_pipeline_round_trip(trained_pipeline, tmp_path):
    nlp, records = trained_pipeline
    docs = [nlp(r.text) for r in records]
    assert docs[0]._.facts and docs[0]._.facts[0].metric == "营收"
    nlp.to_disk(tmp_path / "m")
    for loaded in (govie.load(tmp_path / "m"), spacy.load(tmp_path / "m")):
        again = [loaded(r.text) for r in records]
        assert [d._.relations for d in again] == [d._.relations for d in docs]
        assert [d._.facts for d in again] == [d._.facts for d in docs]


def test_rel_without_model_is_a_clear_error():
    nlp = govie.blank()
    nlp.add_pipe("govie_rules_v1")
    nlp.add_pipe("govie_rel_v1")
    with pytest.raises(govie.GovieError, match="E035"):
        nlp("营收3亿元。")
