"""govie_ner_v1: factory, windows, BIO decoding, tiny-model overfitting, save/load, long documents."""
import pytest
import spacy

import govie
from govie.pipeline.ner_component import bio_labels, decode_bio
from govie.pipeline.windows import make_windows
from govie.schema import Span, record_from_dict
from govie.scoring import entity_scores
from govie.train.ner import NerTrainConfig, spans_of, token_targets, train_tagger

@pytest.fixture(scope="session")
def trained_nlp(tiny_encoder, ner_examples):
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", name="govie_ner", config={"window": 16, "stride": 4})
    tagger.load_model(tiny_encoder, labels=["METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG"])
    nlp.add_pipe("govie_facts_v1", name="govie_facts")
    records = [record_from_dict(r) for r in ner_examples]
    history = train_tagger(tagger, records, None, NerTrainConfig(epochs=150, lr=3e-3, batch_size=8, patience=150))
    assert history[-1]["loss"] < 0.05
    return nlp


def test_ner_windows_cover_each_token_once():
    windows = make_windows(1000, 254, 64)
    kept = [i for w in windows for i in range(w.keep_start, w.keep_end)]
    assert kept == list(range(1000))
    with pytest.raises(ValueError):
        make_windows(10, 4, 4)


def test_ner_decode_bio_repairs_and_trims():
    text = "营收 3亿元"
    offsets = [(i, i + 1) for i in range(len(text))]
    tags = ["B-METRIC", "I-METRIC", "I-METRIC", "I-AMOUNT", "I-AMOUNT", "I-AMOUNT"]
    assert decode_bio(tags, offsets, text) == [Span(0, 2, "METRIC", "营收"), Span(3, 6, "AMOUNT", "3亿元")]


def test_ner_token_targets(trained_nlp, ner_examples):
    tagger = trained_nlp.get_pipe("govie_ner")
    ids, tags = token_targets(tagger, record_from_dict(ner_examples[0]))
    labels = tagger.cfg["labels"]
    assert len(ids) == len(ner_examples[0]["text"])
    assert [labels[t] for t in tags[:7]] == ["B-PERIOD", "I-PERIOD", "I-PERIOD", "I-PERIOD", "I-PERIOD", "O",
                                             "B-METRIC"]
    assert labels == bio_labels(["METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG"])


def test_ner_overfits_and_round_trips(trained_nlp, tmp_path, ner_examples):
    gold = [record_from_dict(r) for r in ner_examples]
    docs = [trained_nlp(r.text) for r in gold]
    pred = [govie.Record(r.id, r.text, {}, [Span(e.start_char, e.end_char, e.label_, e.text) for e in d.ents])
            for r, d in zip(gold, docs)]
    assert entity_scores(gold, pred)["micro"]["f"] == 1.0
    assert docs[0].tensor.shape == (len(docs[0]), 32)
    trained_nlp.to_disk(tmp_path / "m")
    for loaded in (govie.load(tmp_path / "m"), spacy.load(tmp_path / "m")):
        again = [loaded(r.text) for r in gold]
        assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in again] == \
               [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs]
        assert (again[0].tensor == docs[0].tensor).all()


@pytest.mark.parametrize("text", ["", " ", "\n\n"])
def test_ner_empty_and_whitespace(trained_nlp, text):
    doc = trained_nlp(text)
    assert doc.text == text and list(doc.ents) == []


def test_ner_long_document_windows_match_short(trained_nlp, ner_examples):
    tagger = trained_nlp.get_pipe("govie_ner")
    unit = ner_examples[0]["text"]
    long_text = unit * (100_000 // len(unit) + 1)
    spans = spans_of(tagger, long_text)
    assert len(long_text) >= 100_000
    # the first window is the same as the short text's, so its kept tokens predict the same
    first = [(s.label, s.text) for s in spans if s.end <= 10]
    assert first == [(s["label"], s["text"]) for s in ner_examples[0]["spans"] if s["end"] <= 10]
    assert all(long_text[s.start:s.end] == s.text for s in spans)
    assert len(spans) > 1000


def test_ner_without_model_is_a_clear_error():
    nlp = govie.blank()
    nlp.add_pipe("govie_ner_v1")
    with pytest.raises(govie.GovieError, match="E035"):
        nlp("营收3亿元")


def test_ner_partial_model_directory_names_the_missing_part(trained_nlp, tmp_path):
    import shutil

    trained_nlp.to_disk(tmp_path / "m")
    shutil.rmtree(tmp_path / "m" / "govie_ner" / "model")
    with pytest.raises(govie.GovieError, match=r"E031.*model/"):
        govie.load(tmp_path / "m")
