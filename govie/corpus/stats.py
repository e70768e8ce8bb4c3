"""Corpus statistics: documents, characters, spans and relations per label, per file and level."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from ..labels import ENTITY_LABELS, RELATION_LABELS
from ..schema import Record, read_jsonl


def record_statistics(records: Iterable[Record]) -> dict[str, Any]:
    """Count documents, characters, spans per label and relations per label."""
    spans, rels = Counter(), Counter()
    docs = chars = 0
    for r in records:
        docs += 1
        chars += len(r.text)
        spans.update(s.label for s in r.spans)
        rels.update(x.label for x in r.relations)
    return {"documents": docs, "characters": chars, "spans": sum(spans.values()),
            "relations": sum(rels.values()),
            "span_labels": {label: spans.get(label, 0) for label in ENTITY_LABELS},
            "relation_labels": {label: rels.get(label, 0) for label in RELATION_LABELS}}


def corpus_statistics(paths: Iterable[str | os.PathLike]) -> dict[str, Any]:
    """Return statistics per file, per source level (``meta.level``) and in total."""
    per_file, all_records = {}, []
    for path in paths:
        records = read_jsonl(path)
        per_file[Path(path).name] = record_statistics(records)
        all_records.extend(records)
    levels: dict[str, list[Record]] = {}
    for r in all_records:
        levels.setdefault(str(r.meta.get("level", "unknown")), []).append(r)
    return {"files": per_file, "levels": {k: record_statistics(v) for k, v in sorted(levels.items())},
            "total": record_statistics(all_records)}


def format_statistics(stats: dict[str, Any]) -> str:
    """Render statistics as a Markdown table (one row per file, per level, and the total)."""
    head = ["", "docs", "chars", "spans", *ENTITY_LABELS, "relations", *RELATION_LABELS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(name: str, s: dict[str, Any]) -> str:
        cells = [name, s["documents"], s["characters"], s["spans"], *s["span_labels"].values(), s["relations"],
                 *s["relation_labels"].values()]
        return "| " + " | ".join(str(c) for c in cells) + " |"

    for name, s in stats["files"].items():
        lines.append(row(name, s))
    for name, s in stats["levels"].items():
        lines.append(row(f"level: {name}", s))
    lines.append(row("**total**", stats["total"]))
    return "\n".join(lines)
