"""Run a pipeline over texts with their metadata and turn the Docs into JSONL records."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .pipeline.entities import doc_spans
from .facts import Fact
from .schema import Record, Relation


def make_docs(nlp: Language, items: Iterable[tuple[str, dict[str, Any]]]) -> Iterator[Doc]:
    """Yield unprocessed Docs for ``(text, meta)`` pairs, with ``doc._.meta`` set."""
    for text, meta in items:
        doc = nlp.make_doc(text)
        doc._.meta = dict(meta or {})
        yield doc


def process(nlp: Language, items: Iterable[tuple[str, dict[str, Any]]], batch_size: int = 8,
            n_process: int = 1) -> Iterator[Doc]:
    """Run ``nlp`` over ``(text, meta)`` pairs; each Doc carries its meta for fact assembly."""
    yield from nlp.pipe(make_docs(nlp, items), batch_size=batch_size, n_process=n_process)


def doc_to_record(doc: Doc, doc_id: str, with_facts: bool = True) -> Record:
    """Return the schema record of a processed Doc (plus ``facts`` when asked).

    Docs from ``nlp.pipe(..., n_process=N)`` come back through ``Doc.to_bytes``, which turns the
    named tuples in ``doc._.relations`` and ``doc._.facts`` into lists; they are rebuilt here.
    """
    relations = [Relation(tuple(r[0]), tuple(r[1]), *r[2:]) for r in doc._.relations]
    record = Record(doc_id, doc.text, dict(doc._.meta), doc_spans(doc), relations)
    if with_facts:
        record.extra["facts"] = [Fact(*f).to_dict() for f in doc._.facts]
    return record
