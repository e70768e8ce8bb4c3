"""Offline loading of a local BERT checkpoint with govie's character tokenizer (a tiny model built here)."""
import pytest
import torch

from govie.encoders import load_encoder
from govie.errors import GovieError
from govie.tokenization import SPACE, build_vocab, char_tokenizer

TEXT = "1-11月，营收3.2亿元，同比增长123.3 %。"


@pytest.fixture(scope="module")
def tiny_bert_dir(tmp_path_factory):
    from transformers import BertConfig, BertForMaskedLM

    path = tmp_path_factory.mktemp("tiny-bert")
    vocab = build_vocab([TEXT] * 3, min_count=1)
    char_tokenizer(vocab).save_pretrained(path)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    torch.manual_seed(0)
    BertForMaskedLM(config).save_pretrained(path)
    return path


def test_char_tokenizer_one_token_per_character(tiny_bert_dir):
    tokenizer, _ = load_encoder(tiny_bert_dir)
    enc = tokenizer("１２３．３％ 增长", return_offsets_mapping=True, add_special_tokens=False)
    assert enc["offset_mapping"] == [(i, i + 1) for i in range(9)]
    tokens = tokenizer.convert_ids_to_tokens(enc["input_ids"])
    assert tokens[:6] == ["1", "2", "3", ".", "3", "%"] and tokens[6] == SPACE


def test_load_encoder_offline_all_heads(tiny_bert_dir):
    tokenizer, model = load_encoder(tiny_bert_dir)
    inputs = tokenizer(TEXT, return_tensors="pt")
    assert inputs["input_ids"].shape[1] == len(TEXT) + 2
    assert model(**inputs).last_hidden_state.shape == (1, len(TEXT) + 2, 32)
    _, tagger = load_encoder(tiny_bert_dir, task="token-classification", num_labels=13)
    assert tagger(**inputs).logits.shape == (1, len(TEXT) + 2, 13)
    _, mlm = load_encoder(tiny_bert_dir, task="masked-lm")
    assert mlm(**inputs).logits.shape[-1] == tokenizer.vocab_size


def test_load_encoder_names_missing_files(tmp_path, tiny_bert_dir):
    with pytest.raises(GovieError, match="E034"):
        load_encoder(tmp_path / "bert-base-chinese")
    (tmp_path / "config.json").write_text((tiny_bert_dir / "config.json").read_text())
    with pytest.raises(GovieError, match=r"E031.*model\.safetensors"):
        load_encoder(tmp_path)
