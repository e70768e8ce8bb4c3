"""training/pretrain.py: MLM masking and the continuation of an existing encoder with its own tokenizer."""
import importlib.util
import json
from pathlib import Path

import pytest
import torch

_SPEC = importlib.util.spec_from_file_location(
    "pretrain", Path(__file__).resolve().parents[1] / "training" / "pretrain.py")
pretrain = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(pretrain)

TEXTS = ["1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%。" * 4,
         "全年地区生产总值增长6.5%，一般公共预算收入12.3亿元。" * 4,
         "新增市场主体8.3万户，总量达43.6万户。" * 4]


@pytest.fixture()
def e5_style_encoder(tmp_path):
    """A tiny BertModel without MLM head whose tokenizer uses <s>/</s>/<pad>/<unk>/<mask> (as encoder B)."""
    from tokenizers import Regex, Tokenizer, pre_tokenizers
    from tokenizers.models import WordLevel
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    chars = sorted(set("".join(TEXTS)))
    vocab = {t: i for i, t in enumerate(specials + chars + ["<mask>"])}
    tok = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), "isolated")
    path = tmp_path / "encoder"
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", cls_token="<s>", eos_token="</s>",
                            sep_token="</s>", pad_token="<pad>", unk_token="<unk>",
                            mask_token="<mask>").save_pretrained(path)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, pad_token_id=1),
              add_pooling_layer=False).save_pretrained(path)
    reports = tmp_path / "reports"
    reports.mkdir()
    for i, text in enumerate(TEXTS * 12):
        (reports / f"r{i:02d}.txt").write_text(text, encoding="utf-8")
    return path, reports


def test_mask_skips_special_tokens_and_swaps_in_ordinary_ones():
    ordinary = torch.tensor([5, 6, 7, 8])
    ids = torch.tensor([[0] + [5, 6, 7, 8] * 50 + [2]])
    masked, labels = pretrain._mask(ids, ordinary, mask_id=9, rng=torch.Generator().manual_seed(0), prob=0.5)
    assert masked[0, 0] == 0 and masked[0, -1] == 2
    assert labels[0, 0] == -100 and labels[0, -1] == -100
    chosen = labels != -100
    assert 60 < int(chosen.sum()) < 140
    assert torch.equal(labels[chosen], ids[chosen])
    assert set(masked[0].tolist()) <= {0, 2, 5, 6, 7, 8, 9}
    assert int((masked == 9).sum()) > 0


def _weights(path):
    from safetensors.torch import load_file

    return load_file(Path(path) / "model.safetensors")


def test_continuation_trains_the_new_head_first_then_the_encoder(e5_style_encoder, tmp_path):
    encoder, reports = e5_style_encoder
    out = tmp_path / "out"
    args = ["--reports", str(reports), "--corpus", str(tmp_path), "--out", str(out), "--init-from", str(encoder),
            "--seq-len", "16", "--batch", "2", "--lr", "1e-3", "--head-lr", "1e-2", "--head-warmup", "2",
            "--warmup", "1", "--max-steps", "2", "--save-every", "1", "--eval-every", "100", "--threads", "1"]
    assert pretrain.main(args) == 0
    start = _weights(encoder)
    after_head = _weights(out / "checkpoint")
    assert all(torch.equal(after_head[f"bert.{k}"], v) for k, v in start.items())
    assert after_head["cls.predictions.transform.dense.weight"].abs().sum() > 0

    args[args.index("--max-steps") + 1] = "4"
    assert pretrain.main(args + ["--resume"]) == 0
    state = torch.load(out / "checkpoint" / "trainer_state.pt", weights_only=False)
    assert state["step"] == 4
    trained = _weights(out / "checkpoint")
    assert not torch.equal(trained["bert.encoder.layer.0.attention.self.query.weight"],
                           start["encoder.layer.0.attention.self.query.weight"])

    exported = tmp_path / "exported"
    assert pretrain.main(args + ["--resume", "--export", str(exported)]) == 0
    card = json.loads((exported / "card.json").read_text(encoding="utf-8"))
    assert card["steps"] == 4 and "continued by govie" in card["architecture"]
    assert card["lr"] == 1e-3 and card["head_lr"] == 1e-2 and card["head_warmup"] == 2  # the training run's
    assert (exported / "tokenizer.json").read_bytes() == (encoder / "tokenizer.json").read_bytes()
