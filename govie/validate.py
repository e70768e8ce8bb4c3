"""Check records against schema v1 and report every problem with file, line and offset."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

from .errors import Errors, RecordError
from .labels import ENTITY_LABELS, RELATION_LABELS, RELATION_SCHEMA
from .schema import Record, iter_jsonl, record_from_dict
from .sentences import SentenceIndex


@dataclass(frozen=True)
class Problem:
    """One schema violation, located by file, line, document and character offset."""

    path: str
    line: int
    doc_id: str
    offset: int | None
    message: str

    def __str__(self) -> str:
        at = f" offset {self.offset}" if self.offset is not None else ""
        return f"{self.path}:{self.line}: [{self.doc_id}]{at}: {self.message}"


def check_record(record: Record) -> list[tuple[int | None, str]]:
    """Return ``(offset, message)`` for every schema problem of one record."""
    text, problems = record.text, []
    labels = ", ".join(ENTITY_LABELS)
    good: dict[tuple[int, int], str] = {}
    for span in record.spans:
        s, e = span.start, span.end
        if not 0 <= s <= len(text) or not 0 <= e <= len(text):
            problems.append((s, Errors.E011.format(start=s, end=e, length=len(text))))
            continue
        if e <= s:
            problems.append((s, Errors.E019.format(start=s, end=e)))
            continue
        if text[s:e] != span.text:
            problems.append((s, Errors.E010.format(start=s, end=e, found=span.text, expected=text[s:e])))
        if text[s].isspace() or text[e - 1].isspace():
            problems.append((s, Errors.E018.format(start=s, end=e)))
        if span.label not in ENTITY_LABELS:
            problems.append((s, Errors.E013.format(start=s, end=e, label=span.label, labels=labels)))
        good[(s, e)] = span.label
    ordered = sorted(good.items())
    for (a, b) in zip(ordered, ordered[1:]):
        (s1, e1), l1 = a
        (s2, e2), l2 = b
        if s2 < e1:
            problems.append((s2, Errors.E012.format(start=s2, end=e2, label=l2, other_start=s1,
                                                    other_end=e1, other_label=l1)))
    sentences = SentenceIndex(text)
    seen = set()
    for rel in record.relations:
        if rel.label not in RELATION_LABELS:
            problems.append((rel.head[0], Errors.E017.format(label=rel.label, labels=", ".join(RELATION_LABELS))))
            continue
        missing = [k for k in (rel.head, rel.child) if tuple(k) not in good]
        for k in missing:
            problems.append((k[0], Errors.E014.format(label=rel.label, start=k[0], end=k[1])))
        if missing:
            continue
        key = (rel.head, rel.child, rel.label)
        if key in seen:
            problems.append((rel.head[0], Errors.E020.format(label=rel.label, head_start=rel.head[0],
                            head_end=rel.head[1], child_start=rel.child[0], child_end=rel.child[1])))
        seen.add(key)
        heads, children = RELATION_SCHEMA[rel.label]
        hl, cl = good[tuple(rel.head)], good[tuple(rel.child)]
        if hl not in heads or cl not in children:
            allowed = f"{'/'.join(sorted(heads))} -> {'/'.join(sorted(children))}"
            problems.append((rel.head[0], Errors.E016.format(label=rel.label, head_label=hl, child_label=cl,
                                                              allowed=allowed)))
        if not sentences.same_sentence(rel.head, rel.child):
            problems.append((rel.head[0], Errors.E015.format(label=rel.label, head_start=rel.head[0],
                            head_end=rel.head[1], child_start=rel.child[0], child_end=rel.child[1])))
    return problems


def validate_file(path: str | os.PathLike, seen_ids: dict[str, str] | None = None) -> list[Problem]:
    """Validate every record of a JSONL file; return all problems found (empty when clean).

    seen_ids (dict): ids seen in earlier files, to report duplicates across files.
    """
    seen_ids = {} if seen_ids is None else seen_ids
    problems: list[Problem] = []
    name = str(path)
    def bad_line(line: int, err: RecordError) -> None:
        problems.append(Problem(name, line, "?", None, str(err)))

    try:
        for line, data in iter_jsonl(path, on_error=bad_line):
            try:
                record = record_from_dict(data, name, line)
            except RecordError as err:
                problems.append(Problem(name, line, str(data.get("id", "?")) if isinstance(data, dict) else "?",
                                        None, str(err)))
                continue
            if record.id in seen_ids:
                problems.append(Problem(name, line, record.id, None,
                                        Errors.E021.format(id=record.id, first=seen_ids[record.id])))
            else:
                seen_ids[record.id] = f"{name}:{line}"
            for offset, message in check_record(record):
                problems.append(Problem(name, line, record.id, offset, message))
    except RecordError as err:
        problems.append(Problem(name, 0, "?", None, str(err)))
    return problems


def validate_files(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """Validate several JSONL files, reporting duplicate ids across them."""
    seen: dict[str, str] = {}
    out: list[Problem] = []
    for path in paths:
        out.extend(validate_file(path, seen))
    return out
