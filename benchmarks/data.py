"""The benchmark inputs: corpus documents with their year, a typical document, texts of set lengths,
and the report files in MANIFEST.tsv order."""
from __future__ import annotations

import csv
import statistics
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEST_SPLIT = ROOT / "corpus" / "test.jsonl"
REPORTS = ROOT.parent / "shared" / "reports" / "raw"


def load_split(path: Path = TEST_SPLIT, limit: int | None = None) -> tuple[list[Any], list[dict[str, Any]]]:
    """Return ``(gold records, docs)`` of a corpus file; a doc is ``{id, text, year}``.

    The year is ``meta.year`` when given, else the one govie infers from the text (as its fact rows do).
    """
    from govie.facts import infer_year
    from govie.schema import read_jsonl

    gold = read_jsonl(path)[:limit] if limit else read_jsonl(path)
    docs = []
    for record in gold:
        year = record.meta.get("year")
        if not isinstance(year, int):
            year = infer_year(record.text, record.spans)
        docs.append({"id": record.id, "text": record.text, "year": year})
    return gold, docs


def typical(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the document of median length (the lower median for an even count)."""
    median = statistics.median_low(len(d["text"]) for d in docs)
    return next(d for d in docs if len(d["text"]) == median)


def text_of_length(docs: list[dict[str, Any]], chars: int) -> str:
    """Return exactly ``chars`` characters: the documents joined by line breaks, repeated as needed, cut."""
    joined = "\n".join(d["text"] for d in docs)
    repeats = chars // (len(joined) + 1) + 1
    return "\n".join([joined] * repeats)[:chars]


def report_files(reports: Path = REPORTS, limit: int | None = None) -> list[Path]:
    """Return the report files listed in ``MANIFEST.tsv`` (its order), the first ``limit`` when given."""
    with open(reports / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        names = [row["file"] for row in csv.DictReader(handle, delimiter="\t")]
    files = [reports / name for name in names]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} files of {reports / 'MANIFEST.tsv'} are missing, e.g. {missing[0]}")
    return files[:limit] if limit else files
