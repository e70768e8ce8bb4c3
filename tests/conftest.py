"""Shared fixtures: the rule pipeline (built once) and the worked example of the guide."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "govie" / "data" / "samples" / "street_haibin_2023.txt"


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="run slow tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="needs --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def rules_nlp():
    import govie

    return govie.load("rules")


@pytest.fixture
def write_jsonl(tmp_path):
    def write(name: str, rows) -> Path:
        path = tmp_path / name
        path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                                for r in rows), encoding="utf-8")
        return path

    return write


GUIDE_RECORD = {
    "id": "example",
    "text": "1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%，居全区第1。",
    "meta": {"org": "海滨街道办事处", "year": 2023},
    "spans": [
        {"start": 0, "end": 5, "label": "PERIOD", "text": "1-11月"},
        {"start": 8, "end": 18, "label": "METRIC", "text": "规上营利性服务业营收"},
        {"start": 18, "end": 23, "label": "AMOUNT", "text": "3.2亿元"},
        {"start": 28, "end": 34, "label": "RATE", "text": "123.3%"},
    ],
    "relations": [
        {"head": [8, 18], "child": [18, 23], "label": "value"},
        {"head": [8, 18], "child": [28, 34], "label": "growth"},
        {"head": [8, 18], "child": [0, 5], "label": "period"},
    ],
}


@pytest.fixture
def guide_record():
    return json.loads(json.dumps(GUIDE_RECORD, ensure_ascii=False))


NER_EXAMPLES = [
    {"id": "a", "text": "1-11月，营收3.2亿元，同比增长12.3%。",
     "spans": [{"start": 0, "end": 5, "label": "PERIOD", "text": "1-11月"},
               {"start": 6, "end": 8, "label": "METRIC", "text": "营收"},
               {"start": 8, "end": 13, "label": "AMOUNT", "text": "3.2亿元"},
               {"start": 18, "end": 23, "label": "RATE", "text": "12.3%"}],
     "relations": [{"head": [6, 8], "child": [8, 13], "label": "value"},
                   {"head": [6, 8], "child": [18, 23], "label": "growth"},
                   {"head": [6, 8], "child": [0, 5], "label": "period"}]},
    {"id": "b", "text": "税收收入下降2.1%，营收5亿元。",
     "spans": [{"start": 0, "end": 4, "label": "METRIC", "text": "税收收入"},
               {"start": 6, "end": 10, "label": "RATE", "text": "2.1%"},
               {"start": 11, "end": 13, "label": "METRIC", "text": "营收"},
               {"start": 13, "end": 16, "label": "AMOUNT", "text": "5亿元"}],
     "relations": [{"head": [0, 4], "child": [6, 10], "label": "growth"},
                   {"head": [11, 13], "child": [13, 16], "label": "value"}]},
]


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory):
    import torch
    from transformers import BertConfig, BertModel

    from govie.tokenization import build_vocab, char_tokenizer

    path = tmp_path_factory.mktemp("tiny")
    vocab = build_vocab([r["text"] for r in NER_EXAMPLES], min_count=1)
    char_tokenizer(vocab).save_pretrained(path)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(path)
    return path




@pytest.fixture(scope="session")
def ner_examples():
    return json.loads(json.dumps(NER_EXAMPLES, ensure_ascii=False))
