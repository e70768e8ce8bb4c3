"""``govie_rel_v1``: scores (head, child) entity pairs inside a sentence as value, growth, period or none.

Pair features: the encoder states of both spans (from ``doc.tensor``, written by ``govie_ner_v1``),
their product, the words between them (order, distance, entities between, clause breaks, change
words), distance ranks, and the label the rule baseline gives the pair (``govie.pipeline.hints``). Candidate pairs come from one registered function, ``govie.rel_candidates.v1``,
used by training, inference and scoring alike.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy
import srsly
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from ..errors import Errors, GovieError
from ..labels import RELATION_LABELS, allowed_relations
from ..schema import Relation, Span
from ..sentences import SentenceIndex
from . import extensions  # noqa: F401
from .entities import doc_spans
from .hints import rule_hints, rule_relation_label

Candidates = Callable[[str, Sequence[Span]], list[tuple[Span, Span]]]
_CHANGE = re.compile(r"增长|下降|增加|减少|提高|降低|回落|上升|同比|比上年|分别")
_BREAK = re.compile(r"[，,；;：:]")
_CLASSES = ("none",) + RELATION_LABELS


@registry.misc("govie.rel_candidates.v1")
def make_candidates(max_chars: int = 200) -> Candidates:
    """Return the candidate generator: pairs in one sentence that the schema allows, within ``max_chars``."""

    def candidates(text: str, spans: Sequence[Span]) -> list[tuple[Span, Span]]:
        index = SentenceIndex(text)
        sentence = {}  # span -> its sentence; spans crossing a sentence boundary have none
        by_sentence: dict[int, list[Span]] = {}
        for span in spans:
            i = index.sentence_of(span.start)
            if i >= 0 and index.sentence_of(span.end - 1) == i:
                sentence[span] = i
                by_sentence.setdefault(i, []).append(span)
        out = []
        for head in spans:
            if head.label not in ("METRIC", "PROJECT") or head not in sentence:
                continue
            for child in by_sentence[sentence[head]]:
                if child is head or not allowed_relations(head.label, child.label):
                    continue
                if max(child.start - head.end, head.start - child.end) <= max_chars:
                    out.append((head, child))
        return out

    return candidates


class SpanCounter:
    """Count the spans (all, per label, heads) lying wholly inside a character range, by bisection."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self._all = self._index(spans)
        self._heads = self._index([s for s in spans if s.label in ("METRIC", "PROJECT")])
        self._by_label = {label: self._index([s for s in spans if s.label == label])
                          for label in {s.label for s in spans}}

    @staticmethod
    def _index(spans: Sequence[Span]) -> tuple[list[int], list[int]]:
        return sorted(s.start for s in spans), sorted(s.end for s in spans)

    @staticmethod
    def _count(index: tuple[list[int], list[int]], a: int, b: int) -> int:
        starts, ends = index
        # spans with start >= a, minus those of them that end after b (for non-overlapping spans,
        # every span ending after b that starts at or after a)
        return max(0, (len(starts) - bisect_left(starts, a)) - (len(ends) - bisect_right(ends, b)))

    def inside(self, a: int, b: int, label: str | None = None, heads: bool = False) -> int:
        """Return how many spans (of ``label``, or heads only) lie inside ``[a, b)``."""
        if heads:
            return self._count(self._heads, a, b)
        if label is not None:
            return self._count(self._by_label.get(label, ([], [])), a, b)
        return self._count(self._all, a, b)


def pair_features(text: str, spans: Sequence[Span] | SpanCounter, head: Span, child: Span) -> list[float]:
    """Surface features of a pair: order, distance, what lies between, the two labels."""
    counter = spans if isinstance(spans, SpanCounter) else SpanCounter(spans)
    a, b = (head.end, child.start) if head.start < child.start else (child.end, head.start)
    between = text[a:b] if b > a else ""
    n_between = counter.inside(a, b) if b > a else 0
    same_between = counter.inside(a, b, label=child.label) if b > a else 0
    heads_between = counter.inside(a, b, heads=True) if b > a else 0
    feats = [1.0 if child.start >= head.end else 0.0, min(len(between), 100) / 100, min(n_between, 10) / 10,
             min(same_between, 5) / 5, min(heads_between, 5) / 5, len(_BREAK.findall(between)) / 5,
             1.0 if _CHANGE.search(between) else 0.0, 1.0 if _CHANGE.search(text[max(0, child.start - 6):child.start]) else 0.0]
    feats += [1.0 if head.label == label else 0.0 for label in ("METRIC", "PROJECT")]
    feats += [1.0 if child.label == label else 0.0 for label in ("AMOUNT", "RATE", "PERIOD")]
    return feats


N_PAIR_FEATURES = 19


def distance_ranks(pairs: Sequence[tuple[Span, Span]]) -> list[tuple[float, float]]:
    """Per pair: the rank by distance of the child among the head's candidates of its label, and of the head
    among the child's candidate heads (0 = nearest; scaled to [0, 1], capped at 5)."""

    def gap(head: Span, child: Span) -> int:
        return max(child.start - head.end, head.start - child.end, 0)

    by_head: dict = {}
    by_child: dict = {}
    for head, child in pairs:
        by_head.setdefault((head, child.label), []).append(gap(head, child))
        by_child.setdefault(child, []).append(gap(head, child))
    out = []
    for head, child in pairs:
        d = gap(head, child)
        child_rank = sum(1 for x in by_head[(head, child.label)] if x < d)
        head_rank = sum(1 for x in by_child[child] if x < d)
        out.append((min(child_rank, 5) / 5, min(head_rank, 5) / 5))
    return out


def span_vectors(doc: Doc, spans: Sequence[Span]) -> numpy.ndarray:
    """Mean encoder state over the characters of each span (token states weighted by token length)."""
    width = doc.tensor.shape[1] if doc.tensor is not None and doc.tensor.ndim == 2 and len(doc) else 0
    out = numpy.zeros((len(spans), width), dtype="float32")
    if not width:
        return out
    lengths = numpy.array([len(t.text) for t in doc], dtype="float32")
    for i, span in enumerate(spans):
        sp = doc.char_span(span.start, span.end, alignment_mode="expand")
        if sp is None or not len(sp):
            continue
        w = lengths[sp.start:sp.end]
        out[i] = (doc.tensor[sp.start:sp.end] * w[:, None]).sum(0) / max(1.0, w.sum())
    return out


def build_pair_matrix(doc: Doc, pairs: Sequence[tuple[Span, Span]], spans: Sequence[Span]) -> numpy.ndarray:
    """Return one row per pair: [head state, child state, product, surface features]."""
    if not pairs:
        width = doc.tensor.shape[1] if doc.tensor is not None and doc.tensor.ndim == 2 and len(doc) else 0
        return numpy.zeros((0, 3 * width + N_PAIR_FEATURES), dtype="float32")
    unique = sorted({s for pair in pairs for s in pair})
    vectors = dict(zip(unique, span_vectors(doc, unique)))
    by_rules = rule_relation_label(rule_hints(doc)[1])
    counter = SpanCounter(spans)
    text = doc.text  # built from the tokens on every access
    rows = []
    for (head, child), ranks in zip(pairs, distance_ranks(pairs)):
        h, c = vectors[head], vectors[child]
        rule = by_rules.get((head.key, child.key), "none")
        surface = pair_features(text, counter, head, child) + list(ranks) + [float(rule == k) for k in _CLASSES]
        rows.append(numpy.concatenate([h, c, h * c, numpy.array(surface, dtype="float32")]))
    return numpy.stack(rows).astype("float32")


@Language.factory(
    "govie_rel_v1",
    requires=["doc.ents", "doc.tensor"],
    assigns=["doc._.relations"],
    default_config={"candidates": {"@misc": "govie.rel_candidates.v1", "max_chars": 200}, "hidden": 128,
                    "threshold": 0.5},
)
def make_relation_extractor(nlp: Language, name: str, candidates: Candidates, hidden: int,
                            threshold: float) -> "RelationExtractor":
    """Create the relation component (weights from ``from_disk`` or ``initialize_model`` + training)."""
    return RelationExtractor(nlp, name, candidates=candidates, hidden=hidden, threshold=threshold)


class RelationExtractor:
    """Classify candidate pairs with a small feed-forward network over shared encoder states."""

    def __init__(self, nlp: Language, name: str = "govie_rel", *, candidates: Candidates, hidden: int = 128,
                 threshold: float = 0.5) -> None:
        self.name = name
        self.candidates = candidates
        self.cfg: dict[str, Any] = {"hidden": hidden, "threshold": threshold, "input_width": None}
        self.model = None

    def initialize_model(self, input_width: int, seed: int = 0):
        """Create fresh weights for inputs of ``input_width`` values."""
        import torch

        torch.manual_seed(seed)
        self.cfg["input_width"] = input_width
        self.model = torch.nn.Sequential(torch.nn.Linear(input_width, self.cfg["hidden"]), torch.nn.ReLU(),
                                         torch.nn.Linear(self.cfg["hidden"], len(_CLASSES)))
        return self.model

    def predict(self, doc: Doc) -> list[Relation]:
        """Return the relations of a Doc whose entities and tensor are set."""
        import torch

        if self.model is None:
            raise GovieError(Errors.E035.format(name=self.name))
        spans = doc_spans(doc)
        pairs = self.candidates(doc.text, spans)
        if not pairs:
            return []
        x = torch.from_numpy(build_pair_matrix(doc, pairs, spans))
        if x.shape[1] != self.cfg["input_width"]:
            raise GovieError(Errors.E044.format(name=self.name, found=x.shape[1], expected=self.cfg["input_width"]))
        with torch.no_grad():
            probs = torch.softmax(self.model(x), -1).numpy()
        return decode_relations(pairs, probs, self.cfg["threshold"])

    def __call__(self, doc: Doc) -> Doc:
        doc._.relations = self.predict(doc)
        return doc

    def to_disk(self, path, *, exclude=tuple()) -> None:
        import torch

        if self.model is None:
            raise GovieError(Errors.E035.format(name=self.name))
        util.to_disk(path, {"cfg": lambda p: srsly.write_json(p, self.cfg),
                            "model.pt": lambda p: torch.save(self.model.state_dict(), p)}, exclude)

    def from_disk(self, path, *, exclude=tuple()) -> "RelationExtractor":
        import torch

        def load_cfg(p: Path) -> None:
            self.cfg.update(srsly.read_json(p))

        def load_model(p: Path) -> None:
            if not p.is_file():
                raise GovieError(Errors.E031.format(path=Path(path), missing="model.pt"))
            self.initialize_model(self.cfg["input_width"])
            self.model.load_state_dict(torch.load(p, weights_only=True))
            self.model.eval()

        util.from_disk(path, {"cfg": load_cfg, "model.pt": load_model}, exclude)
        return self


def decode_relations(pairs: Sequence[tuple[Span, Span]], probs: numpy.ndarray, threshold: float) -> list[Relation]:
    """Pick relations from pair probabilities under the schema's shape: a value or growth child has one head,
    a head has one period; each pair takes its best allowed label if that beats ``none`` and ``threshold``."""
    best: dict = {}
    for (head, child), p in zip(pairs, probs):
        label = max(allowed_relations(head.label, child.label), key=lambda lab: p[_CLASSES.index(lab)])
        score = float(p[_CLASSES.index(label)])
        if score < threshold or score <= p[0]:
            continue
        slot = (head.key, "period") if label == "period" else (child.key, "child")
        if slot not in best or score > best[slot].score:
            best[slot] = Relation(head.key, child.key, label, score)
    return sorted(best.values(), key=lambda r: (r.head, r.child))


def relation_targets(pairs: Sequence[tuple[Span, Span]], gold: Sequence[Relation]) -> list[int]:
    """Class index per candidate pair: the gold label, or ``none``."""
    index = {(tuple(r.head), tuple(r.child)): r.label for r in gold}
    return [_CLASSES.index(index.get((h.key, c.key), "none")) for h, c in pairs]


__all__ = ["RelationExtractor", "build_pair_matrix", "decode_relations", "make_candidates", "relation_targets"]
