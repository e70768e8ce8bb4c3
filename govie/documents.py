"""Run a pipeline over texts with their metadata and turn the Docs into JSONL records."""
from __future__ import annotations

import os
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
    """Run ``nlp`` over ``(text, meta)`` pairs; each Doc carries its meta for fact assembly.

    With ``n_process`` > 1 each worker's components that set a torch thread count (``cfg["threads"]``)
    get an equal share of this process's cores for the run, so workers do not oversubscribe the CPU.
    Segmentation runs in this process (spaCy builds the Docs here), the other components in the workers.
    """
    shared = _share_threads(nlp, n_process) if n_process != 1 else []
    try:
        yield from nlp.pipe(make_docs(nlp, items), batch_size=batch_size, n_process=n_process)
    finally:
        for cfg, threads in shared:
            cfg["threads"] = threads


def _share_threads(nlp: Language, n_process: int) -> list[tuple[dict, int]]:
    """Set each threaded component's ``cfg["threads"]`` to its share of the cores; return (cfg, old value) pairs."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = cores if n_process == -1 else n_process
    old = []
    for _, component in nlp.pipeline:
        cfg = getattr(component, "cfg", None)
        if isinstance(cfg, dict) and "threads" in cfg:
            old.append((cfg, cfg["threads"]))
            cfg["threads"] = max(1, min(cfg["threads"], cores // max(1, workers)))
    return old


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
