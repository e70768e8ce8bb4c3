"""Build schema records from span lists: spans written as text, in order, with no offsets.

Format (UTF-8, one item a line)::

    #id street_x_2023
    #meta {"org": "...", "year": 2023}
    PERIOD 1-11月
    METRIC 规上营利性服务业营收
    SKIP 营收                      (move past an occurrence without making a span)
    R value 2 3                    (relation label, head and child span numbers, 1-based)

Each span is searched for from the end of the previous one, so listing spans in order pins
each to its occurrence. This is the format of ``../shared/tools/spanlist.py``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import Errors, GovieError
from ..labels import ENTITY_LABELS
from ..schema import Record, Relation, Span


def parse_spanlist(text: str, lines: list[str], source: str = "<spans>") -> Record:
    """Return the record that span-list ``lines`` describe over ``text``; raise ``GovieError`` naming the line."""
    doc_id, meta, spans, pending, cursor = None, {}, [], [], 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        where = f"{source}:{number}"
        if not line.strip():
            continue
        if line.startswith("#id "):
            doc_id = line[4:].strip()
            continue
        if line.startswith("#meta "):
            try:
                meta = json.loads(line[6:])
            except json.JSONDecodeError as err:
                raise GovieError(Errors.E062.format(where=where, reason=err.msg)) from None
            continue
        if line.startswith("#"):
            continue
        label, _, rest = line.partition(" ")
        if label == "R":
            parts = rest.split()
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                raise GovieError(Errors.E063.format(where=where, line=line))
            pending.append((where, parts[0], int(parts[1]), int(parts[2])))
            continue
        if label not in ENTITY_LABELS and label != "SKIP":
            raise GovieError(Errors.E064.format(where=where, label=label))
        pos = text.find(rest, cursor)
        if not rest or pos < 0:
            raise GovieError(Errors.E065.format(where=where, label=label, text=rest, offset=cursor,
                                                 context=text[cursor:cursor + 40]))
        cursor = pos + len(rest)
        if label != "SKIP":
            spans.append(Span(pos, pos + len(rest), label, rest))
    relations = []
    for where, label, head, child in pending:
        if not (1 <= head <= len(spans) and 1 <= child <= len(spans)):
            raise GovieError(Errors.E066.format(where=where, number=max(head, child), count=len(spans)))
        relations.append(Relation(spans[head - 1].key, spans[child - 1].key, label))
    return Record(doc_id or Path(source).stem, text, meta, spans, relations)


def build_from_files(text_path: str | os.PathLike, spans_path: str | os.PathLike,
                     meta: dict[str, Any] | None = None) -> Record:
    """Build a record from a text file and its span list; ``meta`` is merged over the list's #meta."""
    text = Path(text_path).read_text(encoding="utf-8")
    lines = Path(spans_path).read_text(encoding="utf-8").splitlines()
    record = parse_spanlist(text, lines, str(spans_path))
    if meta:
        record.meta = {**record.meta, **meta}
    return record


def to_spanlist(record: Record) -> str:
    """Write a record as a span list (SKIP lines are added where a span text occurs earlier)."""
    out = [f"#id {record.id}"]
    if record.meta:
        out.append("#meta " + json.dumps(record.meta, ensure_ascii=False))
    cursor = 0
    spans = sorted(record.spans)
    for span in spans:
        while True:
            pos = record.text.find(span.text, cursor)
            if pos == span.start:
                break
            if pos < 0 or pos > span.start:
                raise GovieError(Errors.E010.format(start=span.start, end=span.end, found=span.text,
                                                    expected=record.text[span.start:span.end]))
            out.append(f"SKIP {span.text}")
            cursor = pos + len(span.text)
        out.append(f"{span.label} {span.text}")
        cursor = span.end
    index = {s.key: i + 1 for i, s in enumerate(spans)}
    for rel in record.relations:
        out.append(f"R {rel.label} {index[tuple(rel.head)]} {index[tuple(rel.child)]}")
    return "\n".join(out) + "\n"
