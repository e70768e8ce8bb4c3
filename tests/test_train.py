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
    assert govie.load(out).pipe_names == ["govie_ner", "govie_rel", "govie_facts"]
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
