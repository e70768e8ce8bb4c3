"""Input hints for the trained components: word starts from the segmenter and the rule baseline's output.

``govie_ner_v1`` with ``features = "rules"`` feeds each token a type id through BERT's token type
embeddings: ``2 * rule_tag + word_start``, where ``rule_tag`` is the token's BIO tag in the rule
baseline's spans (``O``, ``B-METRIC``, ``I-METRIC``, ...) and ``word_start`` says whether a segmenter
word starts at the token. The model learns when to trust the rules; the hints are computed once per
Doc and shared with ``govie_rel_v1``, which reads the rule relations as pair features.
"""
from __future__ import annotations

from typing import Sequence

import numpy
from spacy.tokens import Doc

from ..labels import ENTITY_LABELS
from ..schema import Relation, Span
from .bio import token_bounds

HINT_TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{label}" for label in ENTITY_LABELS for p in ("B", "I"))
N_TYPE_IDS = 2 * len(HINT_TAGS)
_KEY = "govie.rule_hints"


def rule_hints(doc: Doc) -> tuple[list[Span], list[Relation]]:
    """Return the rule baseline's ``(spans, relations)`` for ``doc``, computed once and kept in ``doc.user_data``."""
    if _KEY not in doc.user_data:
        from ..rules import extract

        spans, relations = extract(doc.text)
        doc.user_data[_KEY] = ([tuple(s) for s in spans], [tuple(r) for r in relations])
    spans, relations = doc.user_data[_KEY]
    return [Span(*s) for s in spans], [Relation(*r) for r in relations]


def char_type_ids(doc: Doc) -> numpy.ndarray:
    """Return one type id per character of ``doc.text`` (see the module docstring)."""
    n = len(doc.text)
    word_start = numpy.zeros(n, dtype="int64")
    starts, _ = token_bounds(doc)
    word_start[starts[starts < n]] = 1
    tags = numpy.zeros(n, dtype="int64")
    index = {tag: i for i, tag in enumerate(HINT_TAGS)}
    for span in rule_hints(doc)[0]:
        tags[span.start:span.end] = index[f"I-{span.label}"]
        tags[span.start] = index[f"B-{span.label}"]
    return 2 * tags + word_start


def token_type_ids(char_types: numpy.ndarray, offsets: Sequence[tuple[int, int]]) -> list[int]:
    """Map per-character type ids to the tokenizer's pieces (a piece takes its first character's id)."""
    n = len(char_types)
    return [int(char_types[start]) if start < n else 0 for start, _ in offsets]


def rule_relation_label(relations: Sequence[Relation]) -> dict[tuple[tuple[int, int], tuple[int, int]], str]:
    """Index rule relations by ``(head offsets, child offsets)``."""
    return {(tuple(r.head), tuple(r.child)): r.label for r in relations}


__all__ = ["HINT_TAGS", "N_TYPE_IDS", "char_type_ids", "rule_hints", "rule_relation_label", "token_type_ids"]
