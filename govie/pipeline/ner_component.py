"""``govie_ner_v1``: a fine-tuned BERT token classifier (BIO over tokens) setting ``doc.ents``.

Long documents are tagged in overlapping windows (``cfg['window']`` tokens, ``cfg['stride']``
overlap), one transformer pass per window; the last hidden states are averaged per spaCy token
into ``doc.tensor`` for the relation component to reuse.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import numpy
import srsly
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, GovieError
from . import extensions  # noqa: F401
from .bio import (balance_marks, bio_labels, decode_bio, has_label_shape, inside_word, span_confidences,
                  token_bounds, viterbi_tags, word_edges)
from .entities import set_entities
from .hints import N_TYPE_IDS, char_type_ids, token_type_ids
from .period_words import add_accumulation_windows, attach_period_words
from .windows import make_windows


@Language.factory(
    "govie_ner_v1",
    assigns=["doc.ents", "doc.tensor"],
    default_config={"window": 256, "stride": 64, "batch_size": 8, "threads": 2, "features": "none",
                    "save_dtype": "float32", "precision": "float32", "word_boundaries": True,
                    "word_edge_penalty": 4.0, "balanced_marks": True, "label_shapes": True,
                    "period_words": True, "accumulation_windows": True, "min_confidence": {}},
)
def make_transformer_tagger(nlp: Language, name: str, window: int, stride: int, batch_size: int,
                            threads: int, features: str, save_dtype: str, precision: str,
                            word_boundaries: bool, word_edge_penalty: Optional[float], balanced_marks: bool,
                            label_shapes: bool, period_words: bool, accumulation_windows: bool,
                            min_confidence: dict[str, float]) -> "TransformerTagger":
    """Create the tagger; its weights come from ``from_disk`` or ``TransformerTagger.load_model``.

    features: ``none``, or ``rules`` to feed word starts and rule-baseline tags as token type ids
    (``govie.pipeline.hints``). save_dtype: ``float32``, or ``float16`` to halve the saved weights
    (``to_disk`` then rounds the live weights to fp16 too, so saved and live predictions stay identical).
    precision: ``float32``; ``bfloat16`` to tag under bf16 autocast where the CPU has native bf16
    (about twice as fast; float32 elsewhere); ``int8`` to run the encoder's linear layers in int8 where
    the CPU has VNNI or AMX (``_int8``; float32 elsewhere); ``auto`` for bf16 where native, else int8
    where supported, else float32 (``TransformerTagger.compute_precision`` tells which one runs).
    word_boundaries: entities start and end only where a segmenter word does (decoding constraint; gold
    edges fall inside a word for under 0.5% of the corpus spans). word_edge_penalty: the log-probability
    an entity edge inside a word costs under word_boundaries (null: such edges are ruled out).
    balanced_marks: spans keep quotes, book-title marks and brackets in pairs (``bio.balance_marks``).
    label_shapes: drop spans without what their label needs, e.g. a PERIOD without a time word or an
    AMOUNT without a numeral (``bio.has_label_shape``). period_words: a PERIOD takes the leading and
    trailing time words the guide puts inside it and leaves out the verb 创
    (``period_words.attach_period_words``). accumulation_windows: a count of years right before a verb of
    change or accumulation on untagged characters becomes a PERIOD (五年累计完成投资 → 五年;
    ``period_words.add_accumulation_windows``). min_confidence: per entity label, the lowest mean tag
    probability a decoded span needs to be kept (``govie train ner`` calibrates it
    on dev; empty keeps every span).
    """
    return TransformerTagger(nlp, name, window=window, stride=stride, batch_size=batch_size, threads=threads,
                             features=features, save_dtype=save_dtype, precision=precision,
                             word_boundaries=word_boundaries, word_edge_penalty=word_edge_penalty,
                             balanced_marks=balanced_marks, label_shapes=label_shapes,
                             period_words=period_words, accumulation_windows=accumulation_windows,
                             min_confidence=min_confidence)


class TransformerTagger:
    """Tag entities with a Hugging Face token classifier over overlapping windows."""

    def __init__(self, nlp: Language, name: str = "govie_ner", *, window: int = 256, stride: int = 64,
                 batch_size: int = 8, threads: int = 2, features: str = "none",
                 save_dtype: str = "float32", precision: str = "float32", word_boundaries: bool = True,
                 word_edge_penalty: float | None = 4.0, balanced_marks: bool = True, label_shapes: bool = True,
                 period_words: bool = True, accumulation_windows: bool = True,
                 min_confidence: dict[str, float] | None = None) -> None:
        min_confidence = dict(min_confidence) if isinstance(min_confidence, dict) else (min_confidence or {})
        self.name = name
        self._make_doc = nlp.make_doc
        self.cfg: dict[str, Any] = {"window": window, "stride": stride, "batch_size": batch_size,
                                    "threads": threads, "features": features, "save_dtype": save_dtype,
                                    "precision": precision, "word_boundaries": word_boundaries,
                                    "word_edge_penalty": word_edge_penalty, "balanced_marks": balanced_marks,
                                    "label_shapes": label_shapes, "period_words": period_words,
                                    "accumulation_windows": accumulation_windows,
                                    "min_confidence": min_confidence, "labels": []}
        _check_settings(self.name, self.cfg)
        self.model = None
        self.tokenizer = None
        self._int8 = None  # (weights version, int8 copy of the model), made on first use

    def load_model(self, path: str | Path, labels: list[str] | None = None) -> "TransformerTagger":
        """Load weights and tokenizer from a local directory (a trained tagger, or a base encoder with ``labels``)."""
        from ..encoders import load_encoder

        tags = bio_labels(labels) if labels else None
        self.tokenizer, self.model = load_encoder(path, task="token-classification",
                                                  num_labels=len(tags) if tags else None)
        if tags:
            self.model.config.id2label = dict(enumerate(tags))
            self.model.config.label2id = {t: i for i, t in enumerate(tags)}
        if self.cfg["features"] == "rules":
            _widen_token_types(self.model, N_TYPE_IDS)
        self.cfg["labels"] = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.tokenizer.model_max_length = 10**9  # windows, not the tokenizer, bound the model input
        self.model.eval()
        return self

    def _encode(self, text: str):
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return enc["input_ids"], [tuple(o) for o in enc["offset_mapping"]]

    def type_ids(self, text: str, offsets, doc: Doc | None = None) -> list[int] | None:
        """Return the hint type id of each token (``None`` without features); ``doc`` gives the words."""
        if self.cfg["features"] != "rules":
            return None
        return token_type_ids(char_type_ids(doc if doc is not None else self._make_doc(text)), offsets)

    def predict_states(self, text: str, doc: Doc | None = None):
        """Return ``(logits, hidden_states, offsets)`` for every token of ``text`` (numpy arrays).

        doc (Doc): The Doc of ``text`` when there is one (its words and cached rule hints are reused).
        """
        import torch

        if self.model is None:
            raise GovieError(Errors.E035.format(name=self.name))
        threads = torch.get_num_threads()
        torch.set_num_threads(self.cfg["threads"])
        try:
            return self._predict_states(text, doc)
        finally:
            torch.set_num_threads(threads)

    def _predict_states(self, text: str, doc: Doc | None):
        import torch

        ids, offsets = self._encode(text)
        types = self.type_ids(text, offsets, doc)
        n = len(ids)
        hidden_size = self.model.config.hidden_size
        logits = numpy.zeros((n, self.model.config.num_labels), dtype="float32")
        states = numpy.zeros((n, hidden_size), dtype="float32")
        if n == 0:
            return logits, states, offsets
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        precision = self.compute_precision
        model = self._int8_model() if precision == "int8" else self.model
        windows = make_windows(n, self.cfg["window"] - 2, min(self.cfg["stride"], self.cfg["window"] - 3))
        for b in range(0, len(windows), self.cfg["batch_size"]):
            batch = windows[b:b + self.cfg["batch_size"]]
            width = max(w.end - w.start for w in batch) + 2
            input_ids = torch.full((len(batch), width), self.tokenizer.pad_token_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            type_ids = torch.zeros((len(batch), width), dtype=torch.long)
            for row, w in enumerate(batch):
                piece = [cls_id] + ids[w.start:w.end] + [sep_id]
                input_ids[row, :len(piece)] = torch.tensor(piece)
                mask[row, :len(piece)] = 1
                if types is not None:
                    type_ids[row, 1:len(piece) - 1] = torch.tensor(types[w.start:w.end])
            with torch.inference_mode(), _autocast(precision):
                out_logits, out_states = self._forward(model, input_ids, mask, type_ids)
            for row, w in enumerate(batch):
                a, z = w.keep_start - w.start + 1, w.keep_end - w.start + 1
                logits[w.keep_start:w.keep_end] = out_logits[row, a:z].float().numpy()
                states[w.keep_start:w.keep_end] = out_states[row, a:z].float().numpy()
        return logits, states, offsets

    @property
    def compute_precision(self) -> str:
        """The precision tagging runs in on this CPU: ``float32``, ``bfloat16`` or ``int8`` (see ``precision``)."""
        from ._int8 import int8_supported

        asked = self.cfg.get("precision", "float32")
        if asked in ("bfloat16", "auto") and _native_bf16():
            return "bfloat16"
        if asked in ("int8", "auto") and int8_supported():
            return "int8"
        return "float32"

    def _int8_model(self):
        """The int8 copy of the model, rebuilt when the weights have changed since it was made."""
        from ._int8 import int8_copy, weights_version

        version = weights_version(self.model)
        if self._int8 is None or self._int8[0] != version:
            self._int8 = (version, int8_copy(self.model))
        return self._int8[1]

    @staticmethod
    def _forward(model, input_ids, mask, type_ids):
        """Return ``(logits, last hidden states)`` of one padded batch."""
        from ._bert import BertTokenClassifier

        if isinstance(model, BertTokenClassifier):
            return model(input_ids, mask, type_ids)
        out = model(input_ids=input_ids, attention_mask=mask, token_type_ids=type_ids, output_hidden_states=True)
        return out.logits, out.hidden_states[-1]

    def load_saved(self, path: str | Path) -> "TransformerTagger":
        """Load a trained tagger for inference: plain BERT checkpoints run on govie's own forward pass
        (``govie.pipeline._bert``, no transformers import), anything else through transformers."""
        from . import _bert

        if not _bert.supports(path):
            return self.load_model(path)
        self.model = _bert.BertTokenClassifier.from_dir(path)
        self.tokenizer = _bert.FastTokenizer(Path(path))
        self.cfg["labels"] = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        return self

    def _best_tags(self, logits: numpy.ndarray, offsets, doc: Doc) -> list[str]:
        """The best valid tag path, held to ``doc``'s word edges (``word_boundaries``, ``word_edge_penalty``)."""
        within = inside_word(doc, offsets) if self.cfg.get("word_boundaries", True) else None
        return viterbi_tags(logits, self.cfg["labels"], within, self.cfg.get("word_edge_penalty"))

    def _spans(self, tags: list[str], offsets, doc: Doc) -> list:
        text = doc.text
        spans = decode_bio(tags, offsets, text)
        if self.cfg.get("balanced_marks"):
            spans = balance_marks(spans, text)
        if self.cfg.get("label_shapes"):
            spans = [s for s in spans if has_label_shape(s)]
        if self.cfg.get("period_words"):  # after the shapes: a dropped 截至 must not block 截至去年底
            spans = attach_period_words(spans, text, word_edges(doc))
        if self.cfg.get("accumulation_windows"):
            spans = add_accumulation_windows(spans, text)
        return spans

    def scored_spans(self, logits: numpy.ndarray, offsets, doc: Doc) -> list[tuple]:
        """Return ``(span, confidence)`` for the spans of the best tag path; confidence is the span's mean
        tag probability."""
        tags = self._best_tags(logits, offsets, doc)
        spans = self._spans(tags, offsets, doc)
        return list(zip(spans, span_confidences(logits, self.cfg["labels"], tags, offsets, spans)))

    def decode(self, logits: numpy.ndarray, offsets, doc: Doc) -> list:
        """Return the spans of the best tag path whose confidence reaches ``cfg['min_confidence']`` of their
        label (confidences are computed only when a threshold is set)."""
        thresholds = self.cfg.get("min_confidence")
        if not thresholds:
            return self._spans(self._best_tags(logits, offsets, doc), offsets, doc)
        return [s for s, c in self.scored_spans(logits, offsets, doc) if c >= thresholds.get(s.label, 0.0)]

    def __call__(self, doc: Doc) -> Doc:
        logits, states, offsets = self.predict_states(doc.text, doc)
        doc = set_entities(doc, self.decode(logits, offsets, doc))
        doc.tensor = _token_states(doc, states, offsets)
        return doc

    def pipe(self, docs, batch_size: int = 8):
        for doc in docs:
            yield self(doc)

    def to_disk(self, path, *, exclude=tuple()) -> None:
        if self.model is None:
            raise GovieError(Errors.E035.format(name=self.name))

        def save_model(p: Path) -> None:
            import torch

            from ._bert import BertTokenClassifier

            p.mkdir(parents=True, exist_ok=True)
            if self.cfg.get("save_dtype") == "float16":
                self.model.to(torch.float16)
            try:
                if isinstance(self.model, BertTokenClassifier):
                    self.model.save_pretrained(p)
                else:
                    self.model.save_pretrained(p, safe_serialization=True)
            finally:
                self.model.to(torch.float32)  # fp16-rounded when saved as fp16: live == loaded
                self._int8 = None  # a dtype round trip keeps the parameters' versions: rebuild from the rounded weights
            self.tokenizer.save_pretrained(p)

        util.to_disk(path, {"cfg": lambda p: srsly.write_json(p, self.cfg), "model": save_model}, exclude)

    def from_disk(self, path, *, exclude=tuple()) -> "TransformerTagger":
        def load_cfg(p: Path) -> None:
            self.cfg.update(srsly.read_json(p))
            _check_settings(self.name, self.cfg)

        def load_model(p: Path) -> None:
            if not p.is_dir():
                raise GovieError(Errors.E031.format(path=Path(path), missing="model/"))
            self.load_saved(p)

        util.from_disk(path, {"cfg": load_cfg, "model": load_model}, exclude)
        return self


def _check_settings(name: str, cfg: dict[str, Any]) -> None:
    """Raise E039 for the first setting of ``cfg`` out of its range (at creation and after ``from_disk``)."""

    def fail(setting: str, expected: str) -> None:
        raise GovieError(Errors.E039.format(name=name, setting=setting, expected=expected, found=cfg.get(setting)))

    def is_number(value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    window, stride = cfg.get("window"), cfg.get("stride")
    if not (isinstance(window, int) and isinstance(stride, int) and 0 <= stride < window):
        fail("stride", f"an integer with 0 <= stride < window (window={window!r})")
    for setting, choices in (("features", ("none", "rules")), ("save_dtype", ("float32", "float16")),
                             ("precision", ("float32", "bfloat16", "int8", "auto"))):
        if cfg.get(setting) not in choices:
            fail(setting, " or ".join(repr(c) for c in choices))
    penalty = cfg.get("word_edge_penalty")
    if penalty is not None and not (is_number(penalty) and penalty >= 0):
        fail("word_edge_penalty", "null or a number >= 0")
    thresholds = cfg.get("min_confidence") or {}
    if not isinstance(thresholds, dict) or not all(is_number(v) and 0 <= v <= 1 for v in thresholds.values()):
        fail("min_confidence", "a mapping of entity labels to numbers in [0, 1]")


def _autocast(precision: str):
    """bf16 autocast for the compute precision ``bfloat16``; otherwise a no-op context."""
    import contextlib

    import torch

    if precision == "bfloat16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _native_bf16() -> bool:
    """Whether the CPU computes bf16 in hardware. On x86 that takes AVX512-BF16 or AMX: oneDNN also reports bf16
    on plain AVX-512, where it is emulated and tags at about half the float32 speed (2,228 vs 4,555 chars/s
    on a 2-core Xeon without AVX512-BF16)."""
    import platform

    import torch

    cpu = getattr(torch, "cpu", None)
    if platform.machine().lower() in ("x86_64", "amd64") and hasattr(cpu, "_is_avx512_bf16_supported"):
        amx = getattr(cpu, "_is_amx_tile_supported", lambda: False)
        return bool(cpu._is_avx512_bf16_supported() or amx())
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def _widen_token_types(model, n: int) -> None:
    """Give ``model`` ``n`` token type embeddings; new rows start as copies of type 0 (no hint = no change)."""
    import torch

    old = model.base_model.embeddings.token_type_embeddings
    if old.num_embeddings >= n:
        return
    new = torch.nn.Embedding(n, old.embedding_dim)
    with torch.no_grad():
        new.weight[:] = old.weight[0]
        new.weight[:old.num_embeddings] = old.weight
    model.base_model.embeddings.token_type_embeddings = new
    model.config.type_vocab_size = n


def _token_states(doc: Doc, states: numpy.ndarray, offsets: list[tuple[int, int]]) -> numpy.ndarray:
    """Average the encoder states of the pieces overlapping each spaCy token (zeros where none)."""
    width = states.shape[1] if states.ndim == 2 else 0
    out = numpy.zeros((len(doc), width), dtype="float32")
    if not len(offsets) or not len(doc):
        return out
    starts = numpy.array([o[0] for o in offsets])
    ends = numpy.array([o[1] for o in offsets])
    token_starts, token_ends = token_bounds(doc)
    lo = numpy.searchsorted(ends, token_starts, side="right")
    hi = numpy.searchsorted(starts, token_ends, side="left")
    counts = hi - lo
    for k in numpy.unique(counts[counts > 0]):  # tokens of k pieces: their rows summed in order, as mean() does
        rows = numpy.flatnonzero(counts == k)
        total = states[lo[rows]].copy()
        for j in range(1, k):
            total += states[lo[rows] + j]
        out[rows] = total / numpy.float64(k)
    return out
