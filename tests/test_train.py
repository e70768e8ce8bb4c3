"""govie train ner|rel|all: config, corpus errors before training, atomic output that loads."""
import json

import pytest
from typer.testing import CliRunner

import govie
from govie.cli import app
from govie.train.run import read_config


runner = CliRunner()
CONFIG = """[corpus]
dir = "corpus"
train = "train"
dev = "dev"

[model]
labels = ["METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG"]
window = 16
stride = 4
batch_size = 4

[training]
epochs = 2
lr = 0.001
batch_size = 4
patience = 2
seed = 1
"""


@pytest.fixture
def corpus(tmp_path, ner_examples):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("train", "dev"):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ner_examples),
                                              encoding="utf-8")
    (tmp_path / "ner.cfg").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def test_train_config_parses(corpus):
    cfg = read_config(corpus / "ner.cfg")
    assert cfg["model"]["window"] == 16 and cfg["training"]["lr"] == 0.001


def test_train_ner_writes_a_loadable_pipeline(corpus, tiny_encoder, ner_examples):
    out = corpus / "model"
    result = runner.invoke(app, ["train", "ner", "-c", str(corpus / "ner.cfg"), "--base-model", str(tiny_encoder),
                                 "-o", str(out), "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout.splitlines()[-1])["history"]) == 2
    nlp = govie.load(out)
    assert nlp.pipe_names == ["govie_ner", "govie_facts"]
    assert nlp(ner_examples[0]["text"]).text == ner_examples[0]["text"]


def test_train_bad_corpus_stops_before_training_and_keeps_old_model(corpus, tiny_encoder):
    out = corpus / "model"
    out.mkdir()
    (out / "keep.txt").write_text("good model", encoding="utf-8")
    (corpus / "corpus" / "dev.jsonl").write_text('{"id": "x", "text": "ok"}\n{broken\n', encoding="utf-8")
    result = runner.invoke(app, ["train", "ner", "-c", str(corpus / "ner.cfg"), "--base-model", str(tiny_encoder),
                                 "-o", str(out), "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 1 and "dev.jsonl:2: invalid JSON" in result.stderr
    assert (out / "keep.txt").read_text(encoding="utf-8") == "good model"


REL_CONFIG = """[corpus]
dir = "corpus"
train = "train"
dev = "dev"

[model]
hidden = 16
threshold = 0.5
max_chars = 100

[training]
epochs = 3
lr = 0.01
batch_size = 8
patience = 3
seed = 1
"""


def test_train_rel_extends_the_ner_pipeline(corpus, tiny_encoder):
    ner_dir, full_dir = corpus / "ner", corpus / "full"
    (corpus / "rel.cfg").write_text(REL_CONFIG, encoding="utf-8")
    args = ["--corpus", str(corpus / "corpus")]
    assert runner.invoke(app, ["train", "ner", "-c", str(corpus / "ner.cfg"), "--base-model", str(tiny_encoder),
                               "-o", str(ner_dir), *args]).exit_code == 0
    result = runner.invoke(app, ["train", "rel", "-c", str(corpus / "rel.cfg"), "--ner", str(ner_dir),
                                 "-o", str(full_dir), *args])
    assert result.exit_code == 0, result.output
    assert govie.load(full_dir).pipe_names == ["govie_ner", "govie_rel", "govie_facts"]
    assert runner.invoke(app, ["train", "rel", "-o", str(full_dir)]).exit_code == 2


def test_train_all_writes_ner_and_rel_and_no_stage_left(corpus, tiny_encoder):
    (corpus / "rel.cfg").write_text(REL_CONFIG, encoding="utf-8")
    out = corpus / "full"
    result = runner.invoke(app, ["train", "all", "-c", str(corpus / "ner.cfg"), "--rel-config", str(corpus / "rel.cfg"),
                                 "--base-model", str(tiny_encoder), "-o", str(out), "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert len(summary["ner"]["history"]) == 2 and summary["rel"]["history"]
    nlp = govie.load(out)
    assert nlp.pipe_names == ["govie_ner", "govie_rel", "govie_facts"]
    assert nlp.meta["name"] == "full" and len(nlp.meta["training"]["history"]) == 2
    assert len(nlp.meta["training"]["rel"]["history"]) == len(summary["rel"]["history"])
    assert nlp.meta["training"]["documents"] == {"train": 2, "dev": 2}
    assert sorted(p.name for p in corpus.iterdir() if p.name.startswith("full")) == ["full"]


def test_train_ner_without_base_model_names_the_config(corpus):
    result = runner.invoke(app, ["train", "ner", "-c", str(corpus / "ner.cfg"), "-o", str(corpus / "m"),
                                 "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 1 and "no base model" in result.stderr


class _Interrupt(Exception):
    pass


def test_train_ner_resumes_an_interrupted_run_to_the_same_weights(corpus, tiny_encoder):
    import torch

    from govie.train.run import checkpoint_path, train_ner

    cfg = CONFIG.replace("epochs = 2", "epochs = 4").replace("patience = 2", "patience = 4")
    (corpus / "ner4.cfg").write_text(cfg, encoding="utf-8")
    args = (corpus / "ner4.cfg", tiny_encoder)
    whole = train_ner(*args, corpus / "whole", corpus / "corpus")
    assert not checkpoint_path(corpus / "whole").exists()  # removed once the pipeline is written

    def stop_after_two(row):
        if row["epoch"] == 2:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        train_ner(*args, corpus / "cut", corpus / "corpus", on_epoch=stop_after_two)
    assert checkpoint_path(corpus / "cut").is_file() and not (corpus / "cut").exists()
    resumed = train_ner(*args, corpus / "cut", corpus / "corpus", resume=True)
    assert [r["epoch"] for r in resumed["history"]] == [1, 2, 3, 4]
    assert [r["loss"] for r in resumed["history"]] == [r["loss"] for r in whole["history"]]
    a = govie.load(corpus / "whole").get_pipe("govie_ner").model.state_dict()
    b = govie.load(corpus / "cut").get_pipe("govie_ner").model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_train_ner_resume_names_a_missing_or_foreign_checkpoint(corpus, tiny_encoder):
    from govie.train.run import checkpoint_path, train_ner

    with pytest.raises(govie.GovieError, match="E037"):
        train_ner(corpus / "ner.cfg", tiny_encoder, corpus / "m", corpus / "corpus", resume=True)

    def stop(row):
        raise _Interrupt

    with pytest.raises(_Interrupt):
        train_ner(corpus / "ner.cfg", tiny_encoder, corpus / "m", corpus / "corpus", on_epoch=stop)
    (corpus / "ner.cfg").write_text(CONFIG.replace("lr = 0.001", "lr = 0.002"), encoding="utf-8")
    with pytest.raises(govie.GovieError, match="E038"):
        train_ner(corpus / "ner.cfg", tiny_encoder, corpus / "m", corpus / "corpus", resume=True)
    assert checkpoint_path(corpus / "m").is_file()


class _ScoredTagger:
    """Stands in for a tagger whose decoded spans and confidences are known."""

    def __init__(self, scored):
        self.scored = scored

    def _make_doc(self, text):
        return text

    def predict_states(self, text, doc):
        return None, None, None

    def scored_spans(self, logits, offsets, doc):
        return self.scored[doc]


def test_calibrate_confidence_drops_only_where_dev_f1_rises():
    from govie.schema import Record, Span
    from govie.train.ner import calibrate_confidence

    right = [Span(0, 2, "ORG", "甲乙"), Span(3, 5, "ORG", "丙丁"), Span(6, 8, "RATE", "5%")]
    wrong = [Span(9, 11, "ORG", "戊己"), Span(12, 14, "RATE", "6%")]
    text = "甲乙，丙丁，5%，戊己，6%"
    tagger = _ScoredTagger({text: [(right[0], 0.95), (right[1], 0.9), (right[2], 0.99),
                                   (wrong[0], 0.55), (wrong[1], 0.99)]})
    result = calibrate_confidence(tagger, [Record("d", text, {}, right)], grid=(0.5, 0.6, 0.7))
    # ORG: 2 of 3 right (F1 0.8); above 0.6 only the right two remain (F1 1.0). RATE: no threshold helps.
    assert result["min_confidence"] == {"ORG": 0.6}
    assert result["labels"]["ORG"] == {"threshold": 0.6, "f_before": 0.8, "f_after": 1.0, "dropped": 1}
    assert result["labels"]["RATE"]["threshold"] == 0.0 and result["labels"]["RATE"]["dropped"] == 0


def test_train_ner_calibrates_min_confidence_into_the_saved_model(corpus, tiny_encoder, ner_examples):
    (corpus / "ner.cfg").write_text(CONFIG + "calibrate = true\n", encoding="utf-8")
    out = corpus / "calibrated"
    result = runner.invoke(app, ["train", "ner", "-c", str(corpus / "ner.cfg"), "--base-model", str(tiny_encoder),
                                 "-o", str(out), "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 0, result.output
    nlp = govie.load(out)
    calibration = nlp.meta["training"]["calibration"]
    assert set(calibration["labels"]) >= {s["label"] for r in ner_examples for s in r["spans"]}
    assert nlp.get_pipe("govie_ner").cfg["min_confidence"] == calibration["min_confidence"]


@pytest.mark.parametrize("name", ["ner.cfg", "ner_char.cfg"])
def test_shipped_ner_configs_parse_and_name_a_committed_encoder(name):
    from pathlib import Path

    from govie.train.ner import NerTrainConfig

    root = Path(__file__).resolve().parents[1]
    cfg = read_config(root / "configs" / name)
    assert NerTrainConfig(**cfg["training"]).epochs > 0
    assert (root / cfg["model"]["base_model"] / "config.json").is_file()
    assert (root / cfg["model"]["base_model"] / "tokenizer.json").is_file()


def test_tagger_settings_pass_every_factory_setting_and_require_the_window():
    from govie.train.run import tagger_settings  # govie_ner_v1 is registered by the module's import of govie

    model = {"base_model": "enc", "labels": ["ORG"], "window": 16, "stride": 4, "batch_size": 4,
             "features": "rules", "word_edge_penalty": 2.0, "balanced_marks": False}
    assert tagger_settings(model) == {"window": 16, "stride": 4, "batch_size": 4, "features": "rules",
                                      "word_edge_penalty": 2.0, "balanced_marks": False}
    with pytest.raises(KeyError, match="batch_size"):
        tagger_settings({"window": 16, "stride": 4})


def test_train_ner_continues_from_a_trained_tagger_with_its_head(corpus, tiny_encoder, ner_examples):
    import numpy

    first = corpus / "first"
    result = runner.invoke(app, ["train", "ner", "-c", str(corpus / "ner.cfg"), "--base-model", str(tiny_encoder),
                                 "-o", str(first), "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 0, result.output
    # a learning rate too small to move a weight: the continued tagger must be the first one, head included
    (corpus / "continue.cfg").write_text(CONFIG.replace("epochs = 2", "epochs = 1").replace("lr = 0.001", "lr = 1e-12"),
                                         encoding="utf-8")
    second = corpus / "second"
    result = runner.invoke(app, ["train", "ner", "-c", str(corpus / "continue.cfg"),
                                 "--base-model", str(first / "govie_ner" / "model"),
                                 "-o", str(second), "--corpus", str(corpus / "corpus")])
    assert result.exit_code == 0, result.output
    text = ner_examples[0]["text"]
    logits = [govie.load(path).get_pipe("govie_ner").predict_states(text)[0] for path in (first, second)]
    assert numpy.allclose(logits[0], logits[1], atol=1e-4)


def test_shipped_continue_config_keeps_the_default_tagger_settings():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    first, again = (read_config(root / "configs" / name) for name in ("ner.cfg", "ner_continue.cfg"))
    assert again["model"]["base_model"] == ""  # the trained tagger is passed with --base-model
    assert {k: v for k, v in again["model"].items() if k != "base_model"} == \
        {k: v for k, v in first["model"].items() if k != "base_model"}
    assert again["training"]["lr"] < first["training"]["lr"]
