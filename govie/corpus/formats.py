"""Exchange with annotation tools: Label Studio JSON and doccano JSONL exports (spans and relations).

Label Studio: a JSON list of tasks ``{"data": {"text", "id", "meta"}, "annotations": [{"result": [...]}]}``
whose results are ``labels`` regions (``value.start/end/labels``) and ``relation`` items
(``from_id``, ``to_id``, ``labels``). doccano: one JSON object per line with ``text``,
``entities`` (``id``, ``label``, ``start_offset``, ``end_offset``) and ``relations``
(``from_id``, ``to_id``, ``type``); the plain sequence-labelling export
(``"label": [[start, end, LABEL], ...]``) is read too.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from ..errors import Errors, GovieError
from ..schema import Record, Relation, Span, atomic_write

FORMATS = ("labelstudio", "doccano")


def _span(text: str, start: Any, end: Any, label: Any, where: str) -> Span:
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
        raise GovieError(Errors.E068.format(where=where, start=start, end=end, label=label))
    if not 0 <= start < end <= len(text):
        raise GovieError(Errors.E069.format(where=where, start=start, end=end, length=len(text)))
    return Span(start, end, label, text[start:end])


def to_labelstudio(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Return Label Studio tasks holding each record's spans and relations as one annotation."""
    tasks = []
    for n, record in enumerate(records, 1):
        ids = {s.key: f"s{i}" for i, s in enumerate(sorted(record.spans))}
        result: list[dict[str, Any]] = [
            {"id": ids[s.key], "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]}}
            for s in sorted(record.spans)]
        result += [{"from_id": ids[tuple(r.head)], "to_id": ids[tuple(r.child)], "type": "relation",
                    "direction": "right", "labels": [r.label]} for r in record.relations]
        tasks.append({"id": n, "data": {"text": record.text, "id": record.id, "meta": record.meta},
                      "annotations": [{"result": result}]})
    return tasks


def from_labelstudio(tasks: Any, source: str = "<labelstudio>") -> list[Record]:
    """Read Label Studio tasks; the last annotation of each task is taken."""
    if not isinstance(tasks, list):
        raise GovieError(Errors.E070.format(where=source))
    records = []
    for n, task in enumerate(tasks):
        where = f"{source}: task {n}"
        data = task.get("data", {}) if isinstance(task, dict) else {}
        text = data.get("text")
        if not isinstance(text, str):
            raise GovieError(Errors.E071.format(where=where, field="data.text"))
        annotations = task.get("annotations") or task.get("completions") or []
        result = annotations[-1].get("result", []) if annotations else []
        by_id: dict[str, Span] = {}
        spans, relations = [], []
        for item in result:
            if item.get("type") == "labels":
                value = item.get("value", {})
                labels = value.get("labels") or [None]
                span = _span(text, value.get("start"), value.get("end"), labels[0], where)
                by_id[item.get("id")] = span
                spans.append(span)
        for item in result:
            if item.get("type") == "relation":
                head, child = by_id.get(item.get("from_id")), by_id.get(item.get("to_id"))
                labels = item.get("labels") or []
                if head is None or child is None or not labels:
                    raise GovieError(Errors.E072.format(where=where,
                                                         relation=f"{item.get('from_id')}->{item.get('to_id')}"))
                relations.append(Relation(head.key, child.key, labels[0]))
        doc_id = str(data.get("id", task.get("id", n)))
        records.append(Record(doc_id, text, dict(data.get("meta") or {}), sorted(spans), relations))
    return records


def to_doccano(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Return doccano relation-extraction JSONL objects."""
    out = []
    for record in records:
        spans = sorted(record.spans)
        ids = {s.key: i for i, s in enumerate(spans)}
        out.append({"id": record.id, "text": record.text, "meta": record.meta,
                    "entities": [{"id": ids[s.key], "label": s.label, "start_offset": s.start, "end_offset": s.end}
                                 for s in spans],
                    "relations": [{"id": i, "from_id": ids[tuple(r.head)], "to_id": ids[tuple(r.child)],
                                   "type": r.label} for i, r in enumerate(record.relations)]})
    return out


def from_doccano(lines: Iterable[str], source: str = "<doccano>") -> list[Record]:
    """Read doccano JSONL (relation export, or the plain ``label`` sequence-labelling export)."""
    records = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as err:
            raise GovieError(Errors.E001.format(path=source, line=number, reason=err.msg)) from None
        text = obj.get("text") if isinstance(obj, dict) else None
        if not isinstance(text, str):
            raise GovieError(Errors.E071.format(where=where, field="'text'"))
        by_id, spans, relations = {}, [], []
        for ent in obj.get("entities", []):
            span = _span(text, ent.get("start_offset"), ent.get("end_offset"), ent.get("label"), where)
            by_id[ent.get("id")] = span
            spans.append(span)
        for triple in obj.get("label", []):
            if not isinstance(triple, list) or len(triple) != 3:
                raise GovieError(Errors.E073.format(where=where, found=triple))
            spans.append(_span(text, *triple, where))
        for rel in obj.get("relations", []):
            head, child = by_id.get(rel.get("from_id")), by_id.get(rel.get("to_id"))
            if head is None or child is None or not isinstance(rel.get("type"), str):
                raise GovieError(Errors.E072.format(where=where, relation=rel.get("id")))
            relations.append(Relation(head.key, child.key, rel["type"]))
        records.append(Record(str(obj.get("id", number)), text, dict(obj.get("meta") or {}), sorted(spans),
                              relations))
    return records


def import_file(path: str | os.PathLike, fmt: str) -> list[Record]:
    """Read an annotation tool export file as records."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GovieError(Errors.E004.format(path=p, reason=err)) from None
    if fmt == "labelstudio":
        try:
            return from_labelstudio(json.loads(raw), str(p))
        except json.JSONDecodeError as err:
            raise GovieError(Errors.E001.format(path=p, line=err.lineno, reason=err.msg)) from None
    if fmt == "doccano":
        return from_doccano(raw.splitlines(), str(p))
    raise GovieError(Errors.E074.format(fmt=fmt, formats=", ".join(FORMATS)))


def export_file(records: list[Record], path: str | os.PathLike, fmt: str) -> None:
    """Write records atomically in an annotation tool's import format."""
    if fmt == "labelstudio":
        with atomic_write(path) as handle:
            json.dump(to_labelstudio(records), handle, ensure_ascii=False, indent=1)
    elif fmt == "doccano":
        with atomic_write(path) as handle:
            for obj in to_doccano(records):
                handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        raise GovieError(Errors.E074.format(fmt=fmt, formats=", ".join(FORMATS)))
