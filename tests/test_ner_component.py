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
    history = train_tagger(tagger, records, None, NerTrainConfig(epochs=150, lr=6e-3, batch_size=8, patience=150, warmup=0.0))
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


def test_ner_viterbi_keeps_entities_to_word_edges():
    import numpy

    from govie.pipeline.bio import inside_word, viterbi_tags

    labels = ["O", "B-ORG", "I-ORG"]
    # the model ends the ORG after token 1, inside a word made of tokens 0-2
    scores = numpy.log(numpy.array([[.1, .8, .1], [.1, .1, .8], [.6, .1, .3], [.9, .05, .05]]))
    assert viterbi_tags(scores, labels) == ["B-ORG", "I-ORG", "O", "O"]
    assert viterbi_tags(scores, labels, [False, True, True, False]) == ["B-ORG", "I-ORG", "I-ORG", "O"]
    doc = govie.blank().make_doc("北港新材料公司")
    within = inside_word(doc, [(i, i + 1) for i in range(len(doc.text))])
    assert within == [i not in {t.idx for t in doc} for i in range(len(doc.text))]


def test_ner_inside_word_never_cuts_a_numeral_from_its_unit():
    from spacy.tokens import Doc

    from govie.pipeline.bio import inside_word

    nlp = govie.blank()
    # the segmenter's words split 两|年 and 12|%, and end a word at 2|024人才
    doc = Doc(nlp.vocab, words=["从", "两", "年", "平均", "看", "12", "%", "2024", "人才"], spaces=[False] * 9)
    within = inside_word(doc, [(i, i + 1) for i in range(len(doc.text))])
    # 年 and % join their numerals; the other inside tokens are the segmenter's own (均, 2, 024, 才)
    assert [doc.text[i] for i, inside in enumerate(within) if inside] == ["年", "均", "2", "%", "0", "2", "4", "才"]
    assert within[2] and within[8] and not within[13]  # 年 after 两, % after 12, but 2024|人 stays an edge


@pytest.mark.parametrize("label_shapes,expected", [(True, ["12月", "3亿元"]), (False, ["3", "12月", "年", "3亿元"])])
def test_ner_label_shapes_drop_spans_without_what_their_label_needs(label_shapes, expected):
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", config={"label_shapes": label_shapes, "period_words": False})
    text = "表3，12月，年增3亿元"
    offsets = [(i, i + 1) for i in range(len(text))]
    tags = ["O", "B-PERIOD", "O", "B-PERIOD", "I-PERIOD", "I-PERIOD", "O", "B-AMOUNT", "O",
            "B-AMOUNT", "I-AMOUNT", "I-AMOUNT"]
    assert [s.text for s in tagger._spans(tags, offsets, nlp.make_doc(text))] == expected


def test_ner_viterbi_word_edge_penalty_prices_an_edge_inside_a_word():
    import numpy

    from govie.pipeline.bio import viterbi_tags

    labels = ["O", "B-ORG", "I-ORG"]
    # the model is sure the ORG ends after token 1, inside a word made of tokens 0-2
    scores = numpy.log(numpy.array([[.01, .98, .01], [.01, .01, .98], [.98, .01, .01], [.98, .01, .01]]))
    within = [False, True, True, False]
    assert viterbi_tags(scores, labels, within) == ["B-ORG", "I-ORG", "I-ORG", "O"]
    assert viterbi_tags(scores, labels, within, edge_penalty=1.0) == ["B-ORG", "I-ORG", "O", "O"]
    assert viterbi_tags(scores, labels, within, edge_penalty=20.0) == ["B-ORG", "I-ORG", "I-ORG", "O"]
    # the penalty never admits an invalid transition (I- after O)
    assert viterbi_tags(numpy.log(numpy.array([[.98, .01, .01], [.01, .01, .98]])), labels,
                        [False, True], edge_penalty=0.0) == ["O", "O"]


@pytest.mark.parametrize("text,span,expected", [
    ("纳入“十四五”规划", (2, 6, "“十四五"), (2, 7, "“十四五”")),     # takes the closing quote after it
    ("纳入“十四五”规划", (3, 7, "十四五”"), (2, 7, "“十四五”")),     # takes the opening quote before it
    ("纳入“十四五规划", (2, 6, "“十四五"), (3, 6, "十四五")),        # no closing quote: drops the opening one
    ("建成《规划》项目", (2, 5, "《规划"), (2, 6, "《规划》")),
    ("“十四五”时期", (0, 7, "“十四五”时期"), (0, 7, "“十四五”时期")),  # balanced: unchanged
])
def test_ner_balance_marks(text, span, expected):
    from govie.pipeline.bio import balance_marks

    start, end, surface = span
    assert text[start:end] == surface
    (got,) = balance_marks([Span(start, end, "PERIOD", surface)], text)
    assert (got.start, got.end, got.text) == expected


def test_ner_balance_marks_never_grows_into_another_span():
    from govie.pipeline.bio import balance_marks

    text = "“甲”乙"
    spans = [Span(0, 2, "ORG", "“甲"), Span(2, 4, "ORG", "”乙")]
    assert balance_marks(spans, text) == [Span(1, 2, "ORG", "甲"), Span(2, 4, "ORG", "”乙")]


def test_ner_token_targets(trained_nlp, ner_examples):
    tagger = trained_nlp.get_pipe("govie_ner")
    ids, tags, types = token_targets(tagger, record_from_dict(ner_examples[0]))
    labels = tagger.cfg["labels"]
    assert len(ids) == len(ner_examples[0]["text"]) and types == [0] * len(ids)
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


def test_ner_rule_features_widen_types_train_and_round_trip(tiny_encoder, ner_examples, tmp_path):
    from govie.pipeline.hints import HINT_TAGS, N_TYPE_IDS

    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", name="govie_ner", config={"window": 16, "stride": 4, "features": "rules"})
    tagger.load_model(tiny_encoder, labels=["METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG"])
    assert tagger.model.config.type_vocab_size == N_TYPE_IDS == 26
    record = record_from_dict(ner_examples[0])
    _, _, types = token_targets(tagger, record)
    # "1-11月" is a rule PERIOD starting a word: B-PERIOD with the word-start bit, then I-PERIOD
    assert types[0] == 2 * HINT_TAGS.index("B-PERIOD") + 1 and types[1] // 2 == HINT_TAGS.index("I-PERIOD")
    records = [record_from_dict(r) for r in ner_examples]
    train_tagger(tagger, records, None, NerTrainConfig(epochs=40, lr=3e-3, batch_size=8, patience=40))
    docs = [nlp(r.text) for r in records]
    nlp.to_disk(tmp_path / "m")
    loaded = govie.load(tmp_path / "m")
    assert loaded.get_pipe("govie_ner").cfg["features"] == "rules"
    again = [loaded(r.text) for r in records]
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in again] == \
           [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs]


def test_ner_float16_save_keeps_live_and_loaded_predictions_identical(trained_nlp, ner_examples, tmp_path):
    import copy

    nlp = copy.deepcopy(trained_nlp)
    nlp.get_pipe("govie_ner").cfg["save_dtype"] = "float16"
    nlp.to_disk(tmp_path / "half")
    weights = tmp_path / "half" / "govie_ner" / "model" / "model.safetensors"
    full = trained_nlp.get_pipe("govie_ner")
    full.model.save_pretrained(tmp_path / "full")
    assert weights.stat().st_size < 0.6 * (tmp_path / "full" / "model.safetensors").stat().st_size
    loaded = govie.load(tmp_path / "half")
    for text in (r["text"] for r in ner_examples):
        assert (loaded(text).tensor == nlp(text).tensor).all()


def test_ner_bfloat16_precision_keeps_offsets_and_round_trips(trained_nlp, ner_examples, tmp_path):
    import copy

    nlp = copy.deepcopy(trained_nlp)
    nlp.get_pipe("govie_ner").cfg["precision"] = "bfloat16"
    text = ner_examples[0]["text"]
    doc = nlp(text)
    assert all(text[e.start_char:e.end_char] == e.text for e in doc.ents)
    nlp.to_disk(tmp_path / "bf16")
    loaded = govie.load(tmp_path / "bf16")
    assert loaded.get_pipe("govie_ner").cfg["precision"] == "bfloat16"
    assert [(e.start_char, e.end_char, e.label_) for e in loaded(text).ents] == \
           [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def test_ner_decode_bio_tokens_sharing_a_character_never_overlap():
    # NFKC turns "Ⅲ" into "III": three tokens with the offsets of one character
    text = "Ⅲ类水体比例"
    offsets = [(0, 1), (0, 1), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    tags = ["B-METRIC", "O", "B-METRIC", "I-METRIC", "I-METRIC", "I-METRIC", "I-METRIC", "I-METRIC"]
    assert decode_bio(tags, offsets, text) == [Span(0, 6, "METRIC", "Ⅲ类水体比例")]
    tags = ["O", "B-METRIC", "B-METRIC", "B-METRIC", "I-METRIC", "I-METRIC", "I-METRIC", "I-METRIC"]
    assert decode_bio(tags, offsets, text) == [Span(1, 6, "METRIC", "类水体比例")]


def test_ner_min_confidence_drops_unsure_spans_and_round_trips(trained_nlp, ner_examples, tmp_path):
    tagger = trained_nlp.get_pipe("govie_ner")
    text = ner_examples[0]["text"]
    doc = tagger._make_doc(text)
    logits, _, offsets = tagger.predict_states(text, doc)
    scored = tagger.scored_spans(logits, offsets, doc)
    assert [s for s, _ in scored] == spans_of(tagger, text)
    assert all(0.0 < c <= 1.0 for _, c in scored)
    span, lowest = min(scored, key=lambda sc: sc[1])
    threshold = round(round(lowest, 3) + 0.001, 3)  # a short decimal: the saved cfg is JSON
    try:
        tagger.cfg["min_confidence"] = {span.label: threshold}
        kept = spans_of(tagger, text)
        assert span not in kept
        assert kept == [s for s, c in scored if s.label != span.label or c >= threshold]
        trained_nlp.to_disk(tmp_path / "m")
        loaded = govie.load(tmp_path / "m")
        assert loaded.get_pipe("govie_ner").cfg["min_confidence"] == {span.label: threshold}
        assert [(e.start_char, e.end_char, e.label_) for e in loaded(text).ents] == \
               [(s.start, s.end, s.label) for s in kept]
    finally:
        tagger.cfg["min_confidence"] = {}


@pytest.mark.parametrize("setting,value", [
    ("features", "words"), ("save_dtype", "int8"), ("precision", "float8"), ("precision", "int4"), ("stride", 256),
    ("word_edge_penalty", -1.0), ("min_confidence", {"ORG": 1.5}), ("min_confidence", {"ORG": -0.1}),
])
def test_ner_settings_out_of_range_are_coded_errors(setting, value):
    with pytest.raises(govie.GovieError, match=rf"E039.*'{setting}'"):
        govie.blank().add_pipe("govie_ner_v1", config={setting: value})


def test_ner_from_disk_checks_a_hand_edited_cfg(trained_nlp, tmp_path):
    import srsly

    trained_nlp.to_disk(tmp_path / "nlp")
    cfg_path = tmp_path / "nlp" / "govie_ner" / "cfg"
    srsly.write_json(cfg_path, {**srsly.read_json(cfg_path), "precision": "float8"})
    with pytest.raises(govie.GovieError, match=r"E039.*govie_ner.*'precision'.*'float8'"):
        govie.load(tmp_path / "nlp")


@pytest.mark.parametrize("avx512_bf16,amx,native", [(False, False, False), (True, False, True), (False, True, True)])
def test_ner_bfloat16_only_where_the_cpu_has_it_natively(monkeypatch, avx512_bf16, amx, native):
    """oneDNN reports bf16 on plain AVX-512 too, where it is emulated and slower than float32."""
    import platform

    import torch

    from govie.pipeline import ner_component

    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx)
    assert ner_component._native_bf16() is native


@pytest.mark.parametrize("asked,bf16,int8,runs", [
    ("float32", True, True, "float32"),
    ("bfloat16", True, True, "bfloat16"), ("bfloat16", False, True, "float32"),
    ("int8", True, True, "int8"), ("int8", True, False, "float32"),
    ("auto", True, True, "bfloat16"), ("auto", False, True, "int8"), ("auto", False, False, "float32"),
])
def test_ner_compute_precision_follows_the_cpu(monkeypatch, asked, bf16, int8, runs):
    import contextlib

    from govie.pipeline import _int8, ner_component

    monkeypatch.setattr(ner_component, "_native_bf16", lambda: bf16)
    monkeypatch.setattr(_int8, "int8_supported", lambda: int8)
    tagger = govie.blank().add_pipe("govie_ner_v1", config={"precision": asked})
    assert tagger.compute_precision == runs
    assert isinstance(ner_component._autocast(runs), contextlib.nullcontext) is (runs != "bfloat16")


@pytest.mark.skipif(not __import__("govie.pipeline._int8", fromlist=["x"]).int8_supported(),
                    reason="the CPU has no VNNI or AMX")
def test_ner_int8_tags_with_a_quantized_copy_and_keeps_the_weights(trained_nlp, ner_examples, tmp_path):
    import copy

    import torch

    from govie.pipeline._int8 import Int8Linear

    nlp = copy.deepcopy(trained_nlp)
    tagger = nlp.get_pipe("govie_ner")
    text = ner_examples[0]["text"]
    floats = nlp(text)
    tagger.cfg["precision"] = "int8"
    doc = nlp(text)
    quantized = tagger._int8[1]
    assert any(isinstance(m, Int8Linear) for m in quantized.modules())
    assert type(tagger.model.classifier) is torch.nn.Linear and not any(
        isinstance(m, Int8Linear) for m in tagger.model.modules())
    assert all(text[e.start_char:e.end_char] == e.text for e in doc.ents)
    assert doc.tensor.shape == floats.tensor.shape and not (doc.tensor == floats.tensor).all()
    assert float(abs(doc.tensor - floats.tensor).max()) < 0.5  # int8 rounding, not another model
    nlp(text)
    assert tagger._int8[1] is quantized  # reused while the weights stay as they are
    with torch.no_grad():
        tagger.model.classifier.bias += 1.0  # an optimizer step changes weights in place
    nlp(text)
    assert tagger._int8[1] is not quantized
    nlp.to_disk(tmp_path / "int8")
    loaded = govie.load(tmp_path / "int8")
    assert loaded.get_pipe("govie_ner").cfg["precision"] == "int8"
    assert (loaded(text).tensor == nlp(text).tensor).all()
    tagger.cfg["save_dtype"] = "float16"  # saving rounds the live weights: the int8 copy follows them
    nlp.to_disk(tmp_path / "int8-half")
    assert (govie.load(tmp_path / "int8-half")(text).tensor == nlp(text).tensor).all()
