"""govie.pipeline._bert: transformers-free inference of saved BERT token classifiers."""
import json
import shutil
import subprocess
import sys

import pytest
import torch

import govie
from govie.pipeline import _bert

LABELS = {0: "O", 1: "B-AMOUNT", 2: "I-AMOUNT"}


@pytest.fixture(scope="module")
def classifier_dir(tiny_encoder, tmp_path_factory):
    from transformers import BertForTokenClassification

    path = tmp_path_factory.mktemp("classifier")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tiny_encoder / name, path / name)
    torch.manual_seed(1)
    model = BertForTokenClassification.from_pretrained(tiny_encoder, num_labels=3, id2label=LABELS,
                                                       label2id={v: k for k, v in LABELS.items()})
    model.classifier.bias.data.normal_()  # a head that is not all zeros
    model.save_pretrained(path)
    return path


def _batch(tokenizer, texts):
    rows = [[tokenizer.cls_token_id] + tokenizer(t)["input_ids"] + [tokenizer.sep_token_id] for t in texts]
    width = max(map(len, rows))
    ids = torch.full((len(rows), width), tokenizer.pad_token_id)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    return ids, mask, torch.zeros_like(ids)


def test_bert_matches_transformers(classifier_dir):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    fast = _bert.BertTokenClassifier.from_dir(classifier_dir)
    tokenizer = _bert.FastTokenizer(classifier_dir)
    reference = AutoModelForTokenClassification.from_pretrained(classifier_dir).eval()
    hf_tokenizer = AutoTokenizer.from_pretrained(classifier_dir)
    text = "营收5亿元，增长3%。"
    assert tokenizer(text)["input_ids"] == hf_tokenizer(text, add_special_tokens=False)["input_ids"]
    assert [tuple(o) for o in tokenizer(text)["offset_mapping"]] == \
           [tuple(o) for o in hf_tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]]
    ids, mask, types = _batch(tokenizer, [text, "营收"])  # the second row is padded
    with torch.inference_mode():
        logits, states = fast(ids, mask, types)
        out = reference(input_ids=ids, attention_mask=mask, token_type_ids=types, output_hidden_states=True)
    keep = mask.bool()
    assert torch.allclose(logits[keep], out.logits[keep], atol=1e-5)
    assert torch.allclose(states[keep], out.hidden_states[-1][keep], atol=1e-5)
    assert fast.config.id2label == LABELS and fast.config.num_labels == 3


def test_bert_saves_what_transformers_reads(classifier_dir, tmp_path):
    from transformers import AutoModelForTokenClassification

    import copy

    fast = _bert.BertTokenClassifier.from_dir(classifier_dir)
    copy.deepcopy(fast).half().save_pretrained(tmp_path)
    _bert.FastTokenizer(classifier_dir).save_pretrained(tmp_path)
    assert (tmp_path / "tokenizer.json").read_bytes() == (classifier_dir / "tokenizer.json").read_bytes()
    assert json.loads((tmp_path / "config.json").read_text())["dtype"] == "float16"
    again = AutoModelForTokenClassification.from_pretrained(tmp_path, dtype=torch.float32)
    reread = _bert.BertTokenClassifier.from_dir(tmp_path)
    for name, value in reread.state_dict().items():
        assert torch.equal(value, again.state_dict()[name]), name
        assert torch.equal(value, fast.state_dict()[name].half().float()), name


def test_bert_supports_only_plain_bert_classifiers(classifier_dir, tiny_encoder, tmp_path):
    assert _bert.supports(classifier_dir)
    assert not _bert.supports(tiny_encoder)  # a BertModel without a token-classification head
    shutil.copytree(classifier_dir, tmp_path / "rel", dirs_exist_ok=True)
    config = json.loads((tmp_path / "rel" / "config.json").read_text())
    config["position_embedding_type"] = "relative_key"
    (tmp_path / "rel" / "config.json").write_text(json.dumps(config))
    assert not _bert.supports(tmp_path / "rel")


def test_bert_names_a_weight_file_that_does_not_fit(classifier_dir, tmp_path):
    from safetensors.torch import load_file, save_file

    shutil.copytree(classifier_dir, tmp_path / "m", dirs_exist_ok=True)
    state = load_file(classifier_dir / "model.safetensors")
    state.pop("classifier.weight")
    save_file(state, tmp_path / "m" / "model.safetensors", metadata={"format": "pt"})
    with pytest.raises(govie.GovieError, match=r"E036.*model.safetensors.*classifier.weight"):
        _bert.BertTokenClassifier.from_dir(tmp_path / "m")


def test_bert_loading_a_saved_pipeline_skips_transformers(classifier_dir, tmp_path):
    nlp = govie.blank()
    nlp.add_pipe("govie_ner_v1", name="govie_ner").load_saved(classifier_dir)
    nlp.to_disk(tmp_path / "p")
    code = ("import sys, govie; nlp = govie.load(sys.argv[1]); doc = nlp('营收5亿元。'); "
            "print(type(nlp.get_pipe('govie_ner').model).__name__, 'transformers' in sys.modules, doc.tensor.shape == (len(doc), 32))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["BertTokenClassifier", "False", "True"]


def test_bert_float16_save_rounds_the_live_weights_too(classifier_dir, tmp_path):
    """A pipeline loaded from float32 weights and saved as float16 predicts the same before and after."""
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", name="govie_ner", config={"save_dtype": "float16"})
    tagger.load_saved(classifier_dir)
    assert next(tagger.model.parameters()).dtype == torch.float32
    nlp.to_disk(tmp_path / "half")
    assert next(tagger.model.parameters()).dtype == torch.float32
    loaded = govie.load(tmp_path / "half")
    text = "营收5亿元，增长3%。"
    assert (loaded(text).tensor == nlp(text).tensor).all()
