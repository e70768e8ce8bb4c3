"""``govie_ner_v1``: a fine-tuned BERT token classifier (BIO over tokens) setting ``doc.ents``.

Long documents are tagged in overlapping windows (``cfg['window']`` tokens, ``cfg['stride']``
overlap), one transformer pass per window; the last hidden states are averaged per spaCy token
into ``doc.tensor`` for the relation component to reuse.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import numpy
import srsly
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, GovieError
from ..schema import Span
from . import extensions  # noqa: F401
from .entities import set_entities
from .windows import make_windows


@Language.factory(
    "govie_ner_v1",
    assigns=["doc.ents", "doc.tensor"],
    default_config={"window": 256, "stride": 64, "batch_size": 8, "threads": 2},
)
def make_transformer_tagger(nlp: Language, name: str, window: int, stride: int, batch_size: int,
                            threads: int) -> "TransformerTagger":
    """Create the tagger; its weights come from ``from_disk`` or ``TransformerTagger.load_model``."""
    return TransformerTagger(nlp, name, window=window, stride=stride, batch_size=batch_size, threads=threads)


def bio_labels(entity_labels: Iterable[str]) -> list[str]:
    """Return the tag set ``O, B-X, I-X, ...`` for entity labels."""
    return ["O"] + [f"{p}-{label}" for label in entity_labels for p in ("B", "I")]


def decode_bio(tags: list[str], offsets: list[tuple[int, int]], text: str) -> list[Span]:
    """Turn per-token BIO tags into character spans; an I- tag that does not continue opens a span."""
    spans, current = [], None
    for tag, (start, end) in zip(list(tags) + ["O"], list(offsets) + [(len(text), len(text))]):
        label = tag[2:] if tag != "O" else None
        if current and (tag.startswith("B-") or label != current[2] or tag == "O"):
            s, e, lab = current
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append(Span(s, e, lab, text[s:e]))
            current = None
        if label and end > start:
            if current is None:
                current = [start, end, label]
            else:
                current[1] = end
    return spans


class TransformerTagger:
    """Tag entities with a Hugging Face token classifier over overlapping windows."""

    def __init__(self, nlp: Language, name: str = "govie_ner", *, window: int = 256, stride: int = 64,
                 batch_size: int = 8, threads: int = 2) -> None:
        if not 0 <= stride < window:
            raise GovieError(f"govie_ner: need 0 <= stride < window, found stride={stride}, window={window}")
        self.name = name
        self.cfg: dict[str, Any] = {"window": window, "stride": stride, "batch_size": batch_size,
                                    "threads": threads, "labels": []}
        self.model = None
        self.tokenizer = None

    def load_model(self, path: str | Path, labels: list[str] | None = None) -> "TransformerTagger":
        """Load weights and tokenizer from a local directory (a trained tagger, or a base encoder with ``labels``)."""
        from ..encoders import load_encoder

        tags = bio_labels(labels) if labels else None
        self.tokenizer, self.model = load_encoder(path, task="token-classification",
                                                  num_labels=len(tags) if tags else None)
        if tags:
            self.model.config.id2label = dict(enumerate(tags))
            self.model.config.label2id = {t: i for i, t in enumerate(tags)}
        self.cfg["labels"] = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.tokenizer.model_max_length = 10**9  # windows, not the tokenizer, bound the model input
        self.model.eval()
        return self

    def _encode(self, text: str):
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return enc["input_ids"], [tuple(o) for o in enc["offset_mapping"]]

    def predict_states(self, text: str):
        """Return ``(logits, hidden_states, offsets)`` for every token of ``text`` (numpy arrays)."""
        import torch

        if self.model is None:
            raise GovieError(Errors.E035.format(name=self.name))
        torch.set_num_threads(self.cfg["threads"])
        ids, offsets = self._encode(text)
        n = len(ids)
        hidden_size = self.model.config.hidden_size
        logits = numpy.zeros((n, self.model.config.num_labels), dtype="float32")
        states = numpy.zeros((n, hidden_size), dtype="float32")
        if n == 0:
            return logits, states, offsets
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        windows = make_windows(n, self.cfg["window"] - 2, min(self.cfg["stride"], self.cfg["window"] - 3))
        for b in range(0, len(windows), self.cfg["batch_size"]):
            batch = windows[b:b + self.cfg["batch_size"]]
            width = max(w.end - w.start for w in batch) + 2
            input_ids = torch.full((len(batch), width), self.tokenizer.pad_token_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, w in enumerate(batch):
                piece = [cls_id] + ids[w.start:w.end] + [sep_id]
                input_ids[row, :len(piece)] = torch.tensor(piece)
                mask[row, :len(piece)] = 1
            with torch.no_grad():
                out = self.model(input_ids=input_ids, attention_mask=mask, output_hidden_states=True)
            for row, w in enumerate(batch):
                a, z = w.keep_start - w.start + 1, w.keep_end - w.start + 1
                logits[w.keep_start:w.keep_end] = out.logits[row, a:z].float().numpy()
                states[w.keep_start:w.keep_end] = out.hidden_states[-1][row, a:z].float().numpy()
        return logits, states, offsets

    def __call__(self, doc: Doc) -> Doc:
        logits, states, offsets = self.predict_states(doc.text)
        labels = self.cfg["labels"]
        tags = [labels[i] for i in logits.argmax(-1)] if len(logits) else []
        set_entities(doc, decode_bio(tags, offsets, doc.text))
        doc.tensor = _token_states(doc, states, offsets)
        return doc

    def pipe(self, docs, batch_size: int = 8):
        for doc in docs:
            yield self(doc)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        if self.model is None:
            raise GovieError(Errors.E035.format(name=self.name))

        def save_model(p: Path) -> None:
            p.mkdir(parents=True, exist_ok=True)
            self.model.save_pretrained(p, safe_serialization=True)
            self.tokenizer.save_pretrained(p)

        util.to_disk(path, {"cfg": lambda p: srsly.write_json(p, self.cfg), "model": save_model}, exclude)

    def from_disk(self, path, *, exclude=tuple()) -> "TransformerTagger":
        def load_cfg(p: Path) -> None:
            self.cfg.update(srsly.read_json(p))

        def load_model(p: Path) -> None:
            if not p.is_dir():
                raise GovieError(Errors.E031.format(path=Path(path), missing="model/"))
            self.load_model(p)

        util.from_disk(path, {"cfg": load_cfg, "model": load_model}, exclude)
        return self


def _token_states(doc: Doc, states: numpy.ndarray, offsets: list[tuple[int, int]]) -> numpy.ndarray:
    """Average the encoder states of the pieces overlapping each spaCy token (zeros where none)."""
    width = states.shape[1] if states.ndim == 2 else 0
    out = numpy.zeros((len(doc), width), dtype="float32")
    if not len(offsets):
        return out
    starts = numpy.array([o[0] for o in offsets])
    ends = numpy.array([o[1] for o in offsets])
    for token in doc:
        a, z = token.idx, token.idx + len(token.text)
        lo = int(numpy.searchsorted(ends, a, side="right"))
        hi = int(numpy.searchsorted(starts, z, side="left"))
        if hi > lo:
            out[token.i] = states[lo:hi].mean(axis=0)
    return out
