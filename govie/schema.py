"""Typed records of the JSONL format (corpus/GUIDE.md section 1) and their reading and writing."""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from .errors import Errors, RecordError


class Span(NamedTuple):
    """A labelled character range ``text[start:end]`` (msgpack-safe, so it can live in ``doc.user_data``)."""

    start: int
    end: int
    label: str
    text: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text}


class Relation(NamedTuple):
    """A typed link from a head span (METRIC/PROJECT) to a child span, named by ``(start, end)`` offsets."""

    head: tuple[int, int]
    child: tuple[int, int]
    label: str
    score: float = 1.0

    @property
    def key(self) -> tuple[tuple[int, int], tuple[int, int], str]:
        return (tuple(self.head), tuple(self.child), self.label)

    def to_dict(self) -> dict[str, Any]:
        return {"head": list(self.head), "child": list(self.child), "label": self.label}


@dataclass
class Record:
    """One document: its exact text, metadata, spans and relations."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def span_at(self, key: tuple[int, int]) -> Span | None:
        for span in self.spans:
            if span.key == tuple(key):
                return span
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text, "meta": self.meta,
                               "spans": [s.to_dict() for s in self.spans],
                               "relations": [r.to_dict() for r in self.relations]}
        out.update(self.extra)
        return out


def _require_int_pair(value: Any, field_name: str, where: tuple[str, int]) -> tuple[int, int]:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise RecordError(Errors.E003.format(path=where[0], line=where[1], field=field_name,
                                             reason=f"must be [start, end] integers, found {value!r}"))
    return (value[0], value[1])


def record_from_dict(data: Any, path: str = "<input>", line: int = 1) -> Record:
    """Build a :class:`Record` from a parsed JSON object, raising ``RecordError`` with file:line."""
    where = (path, line)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        found = type(data).__name__ if not isinstance(data, dict) else f"keys {sorted(data)}"
        raise RecordError(Errors.E002.format(path=path, line=line, found=found))
    doc_id = data.get("id", f"line{line}")
    if not isinstance(doc_id, (str, int)):
        raise RecordError(Errors.E003.format(path=path, line=line, field="id", reason="must be a string"))
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise RecordError(Errors.E003.format(path=path, line=line, field="meta", reason="must be an object"))
    spans = []
    for i, raw in enumerate(data.get("spans") or []):
        if not isinstance(raw, dict):
            raise RecordError(Errors.E003.format(path=path, line=line, field=f"spans[{i}]", reason="must be an object"))
        start, end = _require_int_pair([raw.get("start"), raw.get("end")], f"spans[{i}].start/end", where)
        label = raw.get("label")
        if not isinstance(label, str):
            raise RecordError(Errors.E003.format(path=path, line=line, field=f"spans[{i}].label", reason="must be a string"))
        text = raw.get("text")
        spans.append(Span(start, end, label, text if isinstance(text, str) else data["text"][start:end]))
    relations = []
    for i, raw in enumerate(data.get("relations") or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("label"), str):
            raise RecordError(Errors.E003.format(path=path, line=line, field=f"relations[{i}]",
                                                 reason="must be an object with head, child and label"))
        head = _require_int_pair(raw.get("head"), f"relations[{i}].head", where)
        child = _require_int_pair(raw.get("child"), f"relations[{i}].child", where)
        relations.append(Relation(head, child, raw["label"], float(raw.get("score", 1.0))))
    extra = {k: v for k, v in data.items() if k not in {"id", "text", "meta", "spans", "relations"}}
    return Record(str(doc_id), data["text"], dict(meta), spans, relations, extra)


def iter_jsonl(path: str | os.PathLike, on_error: Callable[[int, RecordError], None] | None = None
               ) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, parsed_json)`` for the non-blank lines of a JSONL file.

    on_error (callable): called with (line, error) for a line that is not JSON, and reading
        goes on; without it the first bad line raises ``RecordError``.
    """
    p = Path(path)
    try:
        handle = p.open(encoding="utf-8")
    except OSError as err:
        raise RecordError(Errors.E004.format(path=p, reason=err.strerror or err)) from None
    with handle:
        try:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    yield number, json.loads(raw)
                except json.JSONDecodeError as err:
                    error = RecordError(Errors.E001.format(path=p, line=number, reason=err.msg))
                    if on_error is None:
                        raise error from None
                    on_error(number, error)
        except UnicodeDecodeError as err:
            raise RecordError(Errors.E004.format(path=p, reason=f"not UTF-8 ({err.reason})")) from None


def read_jsonl(path: str | os.PathLike) -> list[Record]:
    """Read every record of a JSONL file; raise ``RecordError`` naming file and line on bad input."""
    return [record_from_dict(data, str(path), line) for line, data in iter_jsonl(path)]


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None):
    """Open a temporary file beside ``path`` and move it over ``path`` only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None,
                       **({"newline": newline} if "b" not in mode else {})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def dumps_record(record: Record | dict[str, Any]) -> str:
    """Serialize one record as a JSONL line (UTF-8 characters kept, no trailing newline)."""
    data = record.to_dict() if isinstance(record, Record) else record
    return json.dumps(data, ensure_ascii=False)


def write_jsonl(path: str | os.PathLike, records: Iterable[Record | dict[str, Any]]) -> int:
    """Write records atomically as JSONL; return how many were written."""
    n = 0
    with atomic_write(path) as handle:
        for record in records:
            handle.write(dumps_record(record) + "\n")
            n += 1
    return n
