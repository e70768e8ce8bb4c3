"""Train ``govie_rel_v1`` on gold entities: shared encoder states from ``govie_ner_v1``, candidate pairs."""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Sequence

import numpy

from ..pipeline.entities import set_entities
from ..pipeline.ner_component import _token_states
from ..pipeline.rel_component import build_pair_matrix, decode_relations, relation_targets
from ..schema import Record


@dataclass
class RelTrainConfig:
    """Settings of one relation training run."""

    epochs: int = 30
    lr: float = 1e-3
    batch_size: int = 64
    patience: int = 5
    seed: int = 42


def gold_doc(nlp, tagger, record: Record):
    """A Doc of ``record`` with its gold entities and the tagger's encoder states in ``doc.tensor``."""
    doc = nlp.make_doc(record.text)
    _, states, offsets = tagger.predict_states(record.text, doc)
    doc = set_entities(doc, record.spans)
    doc.tensor = _token_states(doc, states, offsets)
    return doc


def pair_data(nlp, tagger, rel, records: Sequence[Record]):
    """Stack the pair matrix and class targets of all records (gold entities); also return each record's
    ``(pairs, gold relations)`` in row order."""
    xs, ys, groups = [], [], []
    for record in records:
        doc = gold_doc(nlp, tagger, record)
        spans = sorted(record.spans)
        pairs = rel.candidates(doc.text, spans)
        groups.append((pairs, record.relations))
        if pairs:
            xs.append(build_pair_matrix(doc, pairs, spans))
            ys.extend(relation_targets(pairs, record.relations))
    if not xs:
        return numpy.zeros((0, 0), dtype="float32"), numpy.zeros((0,), dtype="int64"), groups
    return numpy.concatenate(xs), numpy.array(ys, dtype="int64"), groups


def train_relations(nlp, tagger, rel, train: Sequence[Record], dev: Sequence[Record] | None,
                    config: RelTrainConfig) -> list[dict]:
    """Fit ``rel.model`` on gold-entity pairs; keep the epoch with the best dev accuracy on positive pairs."""
    import torch

    torch.manual_seed(config.seed)
    x, y, _ = pair_data(nlp, tagger, rel, train)
    if rel.model is None:
        rel.initialize_model(x.shape[1], seed=config.seed)
    dev_xy = pair_data(nlp, tagger, rel, dev) if dev else None
    optimizer = torch.optim.AdamW(rel.model.parameters(), lr=config.lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    order = list(range(len(y)))
    rng = random.Random(config.seed)
    best, best_state, stale, history = -1.0, None, 0, []
    for epoch in range(1, config.epochs + 1):
        rel.model.train()
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), config.batch_size):
            idx = torch.tensor(order[b:b + config.batch_size])
            loss = torch.nn.functional.cross_entropy(rel.model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            total += loss.item() * len(idx)
        rel.model.eval()
        score = decoded_f1(rel, *dev_xy) if dev_xy is not None and len(dev_xy[1]) else -total
        history.append({"epoch": epoch, "loss": total / max(1, len(order)), "dev": score})
        if score > best:
            best, best_state, stale = score, copy.deepcopy(rel.model.state_dict()), 0
        else:
            stale += 1
            if stale >= config.patience:
                break
    if best_state is not None:
        rel.model.load_state_dict(best_state)
    rel.model.eval()
    return history


def decoded_f1(rel, x, y, groups) -> float:
    """Micro F1 of the relations ``rel`` decodes from the pair rows against all gold relations."""
    import torch

    with torch.no_grad():
        probs = torch.softmax(rel.model(torch.from_numpy(x)), -1).numpy()
    tp = n_pred = n_gold = 0
    row = 0
    for pairs, gold in groups:
        found = decode_relations(pairs, probs[row:row + len(pairs)], rel.cfg["threshold"]) if pairs else []
        row += len(pairs)
        gold_keys = {(tuple(r.head), tuple(r.child), r.label) for r in gold}
        tp += sum(1 for r in found if (r.head, r.child, r.label) in gold_keys)
        n_pred += len(found)
        n_gold += len(gold_keys)
    if not tp:
        return 0.0
    p, r = tp / n_pred, tp / n_gold
    return 2 * p * r / (p + r)
