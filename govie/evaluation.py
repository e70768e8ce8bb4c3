"""Evaluate a pipeline or a prediction file against gold JSONL (what ``govie evaluate`` runs)."""
from __future__ import annotations

import os
from typing import Any

from .schema import Record, read_jsonl
from .scoring import score


def predict_records(nlp, gold: list[Record]) -> list[Record]:
    """Run ``nlp`` on the texts of ``gold`` (with their meta) and return prediction records."""
    from .documents import doc_to_record, process

    docs = process(nlp, ((g.text, g.meta) for g in gold))
    return [doc_to_record(doc, g.id, with_facts=False) for g, doc in zip(gold, docs)]


def evaluate(gold_path: str | os.PathLike, model: str | None = None, pred: str | os.PathLike | None = None,
             nlp=None) -> dict[str, Any]:
    """Return entity and relation scores for predictions against the gold file.

    gold_path (Path): Gold JSONL.
    model (str): Pipeline name or directory to run (default model when neither model nor pred is given).
    pred (Path): A predictions JSONL file to score instead of running a model.
    nlp (Language): An already loaded pipeline to run instead of ``model``.
    """
    gold = read_jsonl(gold_path)
    if pred is not None:
        predictions = read_jsonl(pred)
        source = str(pred)
    else:
        if nlp is None:
            from .loading import load

            nlp = load(model)
        predictions = predict_records(nlp, gold)
        source = f"model {model or 'default'}"
    scores = score(gold, predictions)
    scores["gold"] = str(gold_path)
    scores["predictions"] = source
    return scores


def format_scores(scores: dict[str, Any]) -> str:
    """Render scores as an aligned text table."""
    lines = [f"{scores.get('gold', '')}  vs  {scores.get('predictions', '')}  ({scores['documents']} documents)",
             "", f"{'entities':10s} {'P':>7s} {'R':>7s} {'F1':>7s} {'gold':>6s}"]
    for label, row in scores["entities"]["per_label"].items():
        lines.append(f"{label:10s} {row['p']:7.3f} {row['r']:7.3f} {row['f']:7.3f} {row['support']:6d}")
    m = scores["entities"]["micro"]
    lines.append(f"{'micro':10s} {m['p']:7.3f} {m['r']:7.3f} {m['f']:7.3f} {m['support']:6d}")
    lines += ["", f"{'relations':10s} {'P':>7s} {'R':>7s} {'F1':>7s} {'gold':>6s}"]
    for label, row in scores["relations"]["per_label"].items():
        lines.append(f"{label:10s} {row['p']:7.3f} {row['r']:7.3f} {row['f']:7.3f} {row['support']:6d}")
    m = scores["relations"]["micro"]
    lines.append(f"{'micro':10s} {m['p']:7.3f} {m['r']:7.3f} {m['f']:7.3f} {m['support']:6d}")
    f = scores["facts"]
    lines += ["", f"{'fact rows':10s} {f['p']:7.3f} {f['r']:7.3f} {f['f']:7.3f} {f['support']:6d}",
              f"fact-row accuracy {f['accuracy']:.3f} ({f['correct']} of {f['support']} gold rows exact)"]
    return "\n".join(lines)
