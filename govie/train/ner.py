"""Fine-tune the ``govie_ner_v1`` tagger on schema records: token BIO targets, windows, early stopping."""
from __future__ import annotations

import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..schema import Record, Span


@dataclass
class NerTrainConfig:
    """Settings of one fine-tuning run."""

    epochs: int = 10
    lr: float = 5e-5
    batch_size: int = 8
    patience: int = 3
    seed: int = 42
    weight_decay: float = 0.01
    warmup: float = 0.1
    calibrate: bool = False


def token_targets(tagger, record: Record) -> tuple[list[int], list[int], list[int]]:
    """Return ``(input_ids, tag_ids, type_ids)`` of a record: B-/I- for tokens inside a span, O elsewhere;
    hint type ids as the tagger computes them at inference (zeros without features)."""
    ids, offsets = tagger._encode(record.text)
    types = tagger.type_ids(record.text, offsets) or [0] * len(ids)
    index = {t: i for i, t in enumerate(tagger.cfg["labels"])}
    tags = [index["O"]] * len(ids)
    spans = sorted(record.spans)
    j = 0
    for i, (start, end) in enumerate(offsets):
        while j < len(spans) and spans[j].end <= start:
            j += 1
        if j < len(spans) and end > start and spans[j].start < end and start < spans[j].end:
            prefix = "B" if start <= spans[j].start else "I"
            tags[i] = index[f"{prefix}-{spans[j].label}"]
    return ids, tags, types


def _chunks(targets, size: int, rng: random.Random | None = None):
    """Yield ``(ids, tags, types)`` windows of at most ``size`` tokens; ``rng`` shifts the window grid
    (augmentation)."""
    for ids, tags, types in targets:
        phase = rng.randrange(size) if rng is not None and len(ids) > size else 0
        cuts = [0] + list(range(phase or size, len(ids), size)) + [len(ids)]
        for a, z in zip(cuts, cuts[1:]):
            if z > a:
                yield ids[a:z], tags[a:z], types[a:z]


def train_tagger(tagger, train: Sequence[Record], dev: Sequence[Record] | None, config: NerTrainConfig,
                 evaluate: Callable[[Sequence[Record]], float] | None = None,
                 progress: Callable | None = None, on_epoch: Callable[[dict], None] | None = None,
                 checkpoint: str | os.PathLike | None = None, resume: bool = False) -> list[dict]:
    """Fine-tune ``tagger.model`` in place; keep the weights of the best dev score. Return the history.

    progress: wraps each epoch's batches (e.g. a tqdm bar); on_epoch: called with each history row.
    checkpoint: file rewritten atomically after every epoch (weights, optimizer, schedule, random
    states, history); with ``resume`` the run continues from it and ends as the uninterrupted run would.
    """
    import copy
    import time

    import torch

    started = time.time()
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    model, tok = tagger.model, tagger.tokenizer
    targets = [token_targets(tagger, record) for record in train]
    size = tagger.cfg["window"] - 2
    steps_per_epoch = -(-len(list(_chunks(targets, size))) // config.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    total_steps = max(1, steps_per_epoch * config.epochs)
    warmup = max(1, int(config.warmup * total_steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / (total_steps - warmup + 1))))
    best, best_state, history, stale = -1.0, None, [], 0
    fingerprint = {"config": asdict(config), "documents": [r.id for r in train], "window": tagger.cfg["window"]}
    first_epoch = 1
    if resume:
        state = _read_checkpoint(checkpoint, fingerprint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        rng.setstate(state["python_rng"])
        torch.set_rng_state(state["torch_rng"])
        best, best_state, history, stale = state["best"], state["best_state"], state["history"], state["stale"]
        first_epoch = history[-1]["epoch"] + 1 if history else 1
        if stale >= config.patience:
            first_epoch = config.epochs + 1  # the run had stopped early
    spent = history[-1].get("seconds", 0) if history else 0  # seconds of the run before a resume
    for epoch in range(first_epoch, config.epochs + 1):
        model.train()
        chunks = list(_chunks(targets, size, rng))
        rng.shuffle(chunks)
        total = 0.0
        batches = range(0, len(chunks), config.batch_size)
        for b in (progress(batches, desc=f"epoch {epoch}") if progress else batches):
            batch = chunks[b:b + config.batch_size]
            width = max(len(ids) for ids, _, _ in batch) + 2
            input_ids = torch.full((len(batch), width), tok.pad_token_id, dtype=torch.long)
            labels = torch.full((len(batch), width), -100, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            type_ids = torch.zeros((len(batch), width), dtype=torch.long)
            for row, (ids, tags, types) in enumerate(batch):
                input_ids[row, :len(ids) + 2] = torch.tensor([tok.cls_token_id] + ids + [tok.sep_token_id])
                labels[row, 1:len(tags) + 1] = torch.tensor(tags)
                type_ids[row, 1:len(types) + 1] = torch.tensor(types)
                mask[row, :len(ids) + 2] = 1
            loss = model(input_ids=input_ids, attention_mask=mask, token_type_ids=type_ids, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            total += loss.item()
        model.eval()
        score = evaluate(dev) if (evaluate and dev) else -total
        history.append({"epoch": epoch, "loss": total / max(1, len(range(0, len(chunks), config.batch_size))),
                        "dev": score, "seconds": round(spent + time.time() - started)})
        if score > best:
            best, best_state, stale = score, copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
        if checkpoint is not None:
            _write_checkpoint(checkpoint, {
                "fingerprint": fingerprint, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "python_rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                "best": best, "best_state": best_state, "history": history, "stale": stale})
        if on_epoch:
            on_epoch(history[-1])
        if stale >= config.patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


def _write_checkpoint(path: str | os.PathLike, state: dict) -> None:
    import torch

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def _read_checkpoint(path: str | os.PathLike | None, fingerprint: dict) -> dict:
    import torch

    from ..errors import Errors, GovieError

    if path is None or not Path(path).is_file():
        raise GovieError(Errors.E037.format(path=path))
    state = torch.load(path, weights_only=False)
    if state.get("fingerprint") != fingerprint:
        raise GovieError(Errors.E038.format(path=path))
    return state


def calibrate_confidence(tagger, dev: Sequence[Record], grid: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9),
                         min_gain: float = 0.005) -> dict[str, Any]:
    """Choose, per label, the ``min_confidence`` in ``grid`` that raises the label's strict F1 on ``dev`` the
    most, by at least ``min_gain`` (else none). Return ``{"min_confidence": {...}, "labels": {label: {"threshold",
    "f_before", "f_after", "dropped"}}}``; the tagger is not changed."""
    from ..scoring import entity_scores

    scored = [tagger.scored_spans(*_tag(tagger, record.text)) for record in dev]

    def f1_per_label(threshold: float) -> dict[str, float]:  # one threshold for every label: labels score apart
        pred = [Record(r.id, r.text, {}, [s for s, c in pairs if c >= threshold]) for r, pairs in zip(dev, scored)]
        return {label: float(row["f"]) for label, row in entity_scores(dev, pred)["per_label"].items()}

    f1_at = {threshold: f1_per_label(threshold) for threshold in (0.0, *grid)}
    thresholds, report = {}, {}
    for label, before in f1_at[0.0].items():
        best = max(grid, key=lambda t: (f1_at[t][label], -t))
        if f1_at[best][label] - before >= min_gain:
            thresholds[label] = best
        chosen = thresholds.get(label, 0.0)
        report[label] = {"threshold": chosen, "f_before": round(before, 4), "f_after": round(f1_at[chosen][label], 4),
                         "dropped": sum(1 for pairs in scored for s, c in pairs if s.label == label and c < chosen)}
    return {"min_confidence": thresholds, "labels": report}


def _tag(tagger, text: str):
    """Return ``(logits, offsets, doc)`` of one text, the arguments of the tagger's decoders."""
    doc = tagger._make_doc(text)
    logits, _, offsets = tagger.predict_states(text, doc)
    return logits, offsets, doc


def spans_of(tagger, text: str) -> list[Span]:
    """Predict the spans of one text with the tagger (no spaCy Doc needed)."""
    return tagger.decode(*_tag(tagger, text))
