"""The shipped corpus: valid, split by document, reproducible from its span lists, big enough."""
import json
from pathlib import Path

import pytest

from govie.corpus.build import build_corpus
from govie.corpus.stats import corpus_statistics
from govie.validate import validate_files

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SPLIT_FILES = [CORPUS / f"{name}.jsonl" for name in ("train", "dev", "test")]


def test_corpus_validates():
    assert [str(p) for p in validate_files(SPLIT_FILES)] == []


def test_corpus_is_built_from_span_lists(tmp_path):
    build_corpus(CORPUS / "src", tmp_path)
    for path in SPLIT_FILES + [CORPUS / "splits.json"]:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_corpus_splits_by_document_and_region_year():
    splits = json.loads((CORPUS / "splits.json").read_text(encoding="utf-8"))
    ids = [i for name in splits for i in splits[name]]
    assert len(ids) == len(set(ids))
    meta = {i: json.loads((CORPUS / "src" / f"{i}.meta.json").read_text(encoding="utf-8")) for i in ids}
    region_year = {name: {(meta[i]["region"], meta[i]["year"]) for i in splits[name]} for name in splits}
    assert not region_year["test"] & region_year["train"]
    assert not region_year["test"] & region_year["dev"]
    assert all(meta[i]["annotation"] == "manual" for i in ids)


def test_corpus_size_floors():
    stats = corpus_statistics(SPLIT_FILES)
    total = stats["total"]
    assert total["characters"] >= 150_000 and total["spans"] >= 5_000 and total["relations"] >= 2_500
    assert total["documents"] >= 80
    assert total["span_labels"]["ORG"] >= 300 and total["span_labels"]["PROJECT"] >= 150
    assert all(n > 0 for n in total["relation_labels"].values())
    assert stats["files"]["test.jsonl"]["characters"] >= 30_000
    assert stats["files"]["dev.jsonl"]["characters"] >= 15_000


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_corpus_loads_as_dataset(split):
    from govie.corpus import load_corpus

    data = load_corpus(split, CORPUS)
    assert data.num_rows == len(json.loads((CORPUS / "splits.json").read_text(encoding="utf-8"))[split])
    row = data[0]
    assert len(row["ner_tags"]) == len(row["text"])
