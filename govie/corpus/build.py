"""Assemble the corpus JSONL splits from span lists (``corpus/src``) and measure agreement."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import Errors, GovieError
from ..schema import Record, atomic_write, write_jsonl
from ..scoring import score
from .spanlist import build_from_files

SPLITS = ("train", "dev", "test")


def load_source(src_dir: str | os.PathLike, doc_id: str, spans_dir: str | os.PathLike | None = None) -> Record:
    """Build one document from ``<id>.txt``, ``<id>.meta.json`` and ``<id>.spans``."""
    src = Path(src_dir)
    meta_path = src / f"{doc_id}.meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    spans_path = Path(spans_dir or src) / f"{doc_id}.spans"
    return build_from_files(src / f"{doc_id}.txt", spans_path, meta)


def build_corpus(src_dir: str | os.PathLike, out_dir: str | os.PathLike) -> dict[str, Any]:
    """Write ``train/dev/test.jsonl`` and ``splits.json`` from every annotated document in ``src_dir``.

    The split of a document is ``meta.split``; documents without a span list are listed as pending.
    """
    src, out = Path(src_dir), Path(out_dir)
    by_split: dict[str, list[Record]] = {name: [] for name in SPLITS}
    pending = []
    for text_path in sorted(src.glob("*.txt")):
        doc_id = text_path.stem
        if not (src / f"{doc_id}.spans").is_file():
            pending.append(doc_id)
            continue
        record = load_source(src, doc_id)
        split = record.meta.get("split")
        if split not in by_split:
            raise GovieError(Errors.E067.format(path=src / f"{doc_id}.meta.json", splits=SPLITS, split=split))
        by_split[split].append(record)
    for name, records in by_split.items():
        write_jsonl(out / f"{name}.jsonl", records)
    splits = {name: [r.id for r in records] for name, records in by_split.items()}
    with atomic_write(out / "splits.json") as handle:
        json.dump(splits, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return {"splits": {k: len(v) for k, v in splits.items()}, "pending": pending}


def agreement(src_dir: str | os.PathLike, first_dir: str | os.PathLike, second_dir: str | os.PathLike
              ) -> dict[str, Any]:
    """Score the second pass of each document against the first (texts from ``src_dir``).

    F1 is symmetric, so this is the inter-annotator F1 per label and for relations.
    """
    first, second = [], []
    for spans_path in sorted(Path(second_dir).glob("*.spans")):
        doc_id = spans_path.stem
        first.append(load_source(src_dir, doc_id, spans_dir=first_dir))
        second.append(load_source(src_dir, doc_id, spans_dir=second_dir))
    result = score(first, second)
    result["characters"] = sum(len(r.text) for r in first)
    result["document_ids"] = [r.id for r in first]
    return result
