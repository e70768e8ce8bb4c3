"""Load corpus splits as Hugging Face ``datasets`` for training and evaluation (one shared loader)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import Errors, GovieError
from ..schema import read_jsonl
from ..scoring import spans_to_iob2

SPLITS = ("train", "dev", "test")


def default_corpus_dir() -> Path:
    """Return ``$GOVIE_CORPUS`` or the ``corpus/`` folder of a source checkout."""
    env = os.environ.get("GOVIE_CORPUS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "corpus"


def load_corpus(split: str, corpus_dir: str | os.PathLike | None = None):
    """Return one split as a ``datasets.Dataset``.

    Columns: ``id``, ``text``, ``meta`` (JSON string), ``spans`` and ``relations`` (as in the JSONL),
    ``chars`` (one item per character) and ``ner_tags`` (IOB2 tag per character).
    split (str): ``train``, ``dev`` or ``test``.
    corpus_dir (Path): Folder holding ``<split>.jsonl`` (default: ``default_corpus_dir()``).
    """
    import datasets

    if split not in SPLITS:
        raise GovieError(Errors.E060.format(split=split, splits=", ".join(SPLITS)))
    path = Path(corpus_dir or default_corpus_dir()) / f"{split}.jsonl"
    if not path.is_file():
        raise GovieError(Errors.E061.format(path=path))
    records = read_jsonl(path)
    rows = {
        "id": [r.id for r in records],
        "text": [r.text for r in records],
        "meta": [json.dumps(r.meta, ensure_ascii=False) for r in records],
        "spans": [[s.to_dict() for s in r.spans] for r in records],
        "relations": [[x.to_dict() for x in r.relations] for r in records],
        "chars": [list(r.text) for r in records],
        "ner_tags": [spans_to_iob2(len(r.text), r.spans) for r in records],
    }
    return datasets.Dataset.from_dict(rows, split=split)


def records_from_dataset(dataset) -> list:
    """Return the schema records of a split loaded with :func:`load_corpus` (the trainers' input)."""
    from ..schema import record_from_dict

    return [record_from_dict({"id": row["id"], "text": row["text"], "meta": json.loads(row["meta"]),
                              "spans": row["spans"], "relations": row["relations"]}) for row in dataset]
