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
    """Run ``nlp`` over ``(text, meta)`` pairs, in order; each Doc carries its meta for fact assembly.

    With ``n_process`` > 1 (-1: one per core) the pipeline is saved to a temporary directory and
    loaded by that many fresh worker processes (``spawn``: a forked copy of a process that has run
    torch can hang in its thread pool), each with an equal share of the cores as torch threads;
    every document (segmentation included) is processed in a worker and comes back as Doc bytes.
    """
    if n_process == 1:
        yield from nlp.pipe(make_docs(nlp, items), batch_size=batch_size)
        return
    import multiprocessing
    import tempfile

    workers = _cores() if n_process == -1 else n_process
    threads = max(1, _cores() // workers)
    with tempfile.TemporaryDirectory(prefix="govie-workers-") as tmp:
        nlp.to_disk(tmp)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(tmp, threads)) as pool:
            for data in pool.imap(_process_one, ((text, dict(meta or {})) for text, meta in items)):
                yield Doc(nlp.vocab).from_bytes(data)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


_WORKER_NLP: Language | None = None


def _init_worker(path: str, threads: int) -> None:
    """Load the pipeline in a worker process and give its torch components ``threads`` threads."""
    global _WORKER_NLP
    from .loading import load

    _WORKER_NLP = load(path)
    for _, component in _WORKER_NLP.pipeline:
        cfg = getattr(component, "cfg", None)
        if isinstance(cfg, dict) and "threads" in cfg:
            cfg["threads"] = max(1, min(cfg["threads"], threads))


def _process_one(item: tuple[str, dict[str, Any]]) -> bytes:
    doc = next(make_docs(_WORKER_NLP, [item]))
    return _WORKER_NLP(doc).to_bytes(exclude=["tensor"])


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
