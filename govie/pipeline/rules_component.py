"""``govie_rules_v1``: the rule baseline as a spaCy component (doc.ents and doc._.relations)."""
from __future__ import annotations

from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, GovieError
from ..labels import ENTITY_LABELS
from ..rules import extract
from . import extensions  # noqa: F401  (registers the Doc extensions)
from ._serialize import cfg_from_disk, cfg_to_disk
from .entities import set_entities


@Language.factory(
    "govie_rules_v1",
    assigns=["doc.ents", "doc._.relations"],
    default_config={"labels": list(ENTITY_LABELS)},
)
def make_rule_extractor(nlp: Language, name: str, labels: list[str]) -> "RuleExtractor":
    """Create the rule extractor component."""
    return RuleExtractor(nlp, name, labels=labels)


class RuleExtractor:
    """Find AMOUNT, RATE, PERIOD, ORG, PROJECT and METRIC spans and their relations by rule.

    nlp (Language): The pipeline.
    name (str): The component name.
    labels (list[str]): The entity labels to keep; relations to dropped spans are dropped too.
    """

    def __init__(self, nlp: Language, name: str = "govie_rules", *, labels: Iterable[str] = ENTITY_LABELS) -> None:
        labels = list(labels)
        for label in labels:
            if label not in ENTITY_LABELS:
                raise GovieError(Errors.E033.format(label=label, name=name, labels=", ".join(ENTITY_LABELS)))
        self.name = name
        self.cfg = {"labels": labels}

    def __call__(self, doc: Doc) -> Doc:
        spans, relations = extract(doc.text)
        keep = set(self.cfg["labels"])
        doc = set_entities(doc, [s for s in spans if s.label in keep])
        keys = {(e.start_char, e.end_char) for e in doc.ents}  # spans set_entities could not place are out too
        doc._.relations = [r for r in relations if r.head in keys and r.child in keys]
        return doc

    def to_disk(self, path, *, exclude=tuple()) -> None:
        cfg_to_disk(self, path, exclude)

    def from_disk(self, path, *, exclude=tuple()) -> "RuleExtractor":
        return cfg_from_disk(self, path, exclude)
