"""Quality on the corpus test split: strict span P/R/F1 per label (govie's own seqeval scoring) on the
labels each tool has, normalized-value accuracy for AMOUNT, RATE and PERIOD, and the probe list."""
from __future__ import annotations

from typing import Any, Iterator

from .probes import PROBES, YEAR, judge
from .values import NORMALIZED_LABELS, normalized_value, same_value


def predict_job(adapter, payload: dict[str, Any], params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """(child) Yield the spans (and govie's relations) of every document, then those of every probe."""
    docs = []
    for doc in payload["docs"]:
        found, relations = adapter.predict_full(doc["text"], doc["year"])
        docs.append({"id": doc["id"], "spans": [f.to_dict() for f in found], "relations": relations})
    yield {"docs": docs}
    yield {"probes": [[f.to_dict() for f in adapter.predict(p["text"], YEAR)] for p in payload["probes"]]}


def non_overlapping(spans: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Keep the longest of overlapping spans (then the earliest), since IOB2 tags cannot hold overlaps.

    RETURNS (tuple): The kept spans in text order, and how many were dropped.

    >>> kept, dropped = non_overlapping([{"start": 0, "end": 2}, {"start": 1, "end": 5}, {"start": 5, "end": 6}])
    >>> [(s["start"], s["end"]) for s in kept], dropped
    ([(1, 5), (5, 6)], 1)
    """
    kept: list[dict[str, Any]] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s["start"] - s["end"], s["start"])):
        chars = set(range(span["start"], span["end"]))
        if chars & taken or not chars:
            continue
        kept.append(span)
        taken |= chars
    return sorted(kept, key=lambda s: s["start"]), len(spans) - len(kept)


def score_tool(gold: list[Any], docs: list[dict[str, Any]], output: dict[str, Any]) -> dict[str, Any]:
    """Score one tool's ``predict`` output against gold records on the labels the tool has."""
    from govie.schema import Record, Relation, Span
    from govie.scoring import entity_scores, relation_scores

    labels = output["tool"]["labels"]
    by_id = {d["id"]: d for d in output["docs"]}
    years = {d["id"]: d["year"] for d in docs}
    gold_f, pred, dropped = [], [], 0
    values = {label: {"gold_with_value": 0, "found_exact": 0, "tool_gave_value": 0, "correct": 0}
              for label in NORMALIZED_LABELS if label in output["tool"]["values"]}
    for g in gold:
        spans, n = non_overlapping(by_id[g.id]["spans"])
        dropped += n
        gold_f.append(Record(g.id, g.text, g.meta, [s for s in g.spans if s.label in labels]))
        pred.append(Record(g.id, g.text, g.meta, [Span(s["start"], s["end"], s["label"], s["text"]) for s in spans]))
        found = {(s["start"], s["end"], s["label"]): s for s in by_id[g.id]["spans"]}
        for s in g.spans:
            if s.label not in values:
                continue
            expected = normalized_value(s.label, s.text, years[g.id])
            if expected is None:
                continue
            row = values[s.label]
            row["gold_with_value"] += 1
            hit = found.get((s.start, s.end, s.label))
            if hit is None:
                continue
            row["found_exact"] += 1
            row["tool_gave_value"] += hit["value"] is not None
            row["correct"] += same_value(hit["value"], expected)
    for row in values.values():
        row["accuracy_on_found"] = row["correct"] / row["found_exact"] if row["found_exact"] else None
        row["recovered"] = row["correct"] / row["gold_with_value"] if row["gold_with_value"] else None
    entities = entity_scores(gold_f, pred)
    result = {"labels": labels, "entities": {"per_label": {k: v for k, v in entities["per_label"].items()
                                                           if k in labels}, "micro": entities["micro"]},
              "values": values, "overlapping_spans_dropped": dropped}
    if all(by_id[g.id]["relations"] is not None for g in gold):
        for g, p in zip(gold, pred):
            p.relations = [Relation((r[0], r[1]), (r[2], r[3]), r[4]) for r in by_id[g.id]["relations"]]
        result["relations"] = relation_scores(gold, pred)
    return result


def run_quality(tools: list[str], gold: list[Any], docs: list[dict[str, Any]], model: str | None,
                timeout: float, log=print) -> dict[str, Any]:
    """Run every tool on the documents and the probes in its own process and score it."""
    from .worker import call

    payload = {"docs": docs, "probes": [{"text": p["text"]} for p in PROBES]}
    out: dict[str, Any] = {"split": {"documents": len(docs), "characters": sum(len(d["text"]) for d in docs)},
                           "probes": [dict(p) for p in PROBES], "probe_year": YEAR, "tools": {}}
    for tool in tools:
        log(f"quality: {tool}")
        result = call("predict", tool, payload, model=model if tool == "govie-default" else None, timeout=timeout)
        row: dict[str, Any] = {k: result.get(k) for k in ("tool", "load_s", "process", "unavailable", "error")
                               if result.get(k) is not None}
        if "docs" in result:
            row.update(score_tool(gold, docs, result))
        if "probes" in result:
            row["probes"] = [judge(p, found, result["tool"]["labels"])
                             for p, found in zip(PROBES, result["probes"])]
        out["tools"][tool] = row
    return out
