"""``govie_facts_v1``: fact rows in ``doc._.facts`` from ``doc.ents``, ``doc._.relations`` and ``doc._.meta``."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..facts import assemble_facts
from . import extensions  # noqa: F401
from ._serialize import cfg_from_disk, cfg_to_disk
from .entities import doc_spans


@Language.factory("govie_facts_v1", requires=["doc.ents", "doc._.relations"], assigns=["doc._.facts"],
                  default_config={})
def make_fact_assembler(nlp: Language, name: str) -> "FactAssembler":
    """Create the fact assembler component."""
    return FactAssembler(nlp, name)


class FactAssembler:
    """Turn entities and relations into normalized fact rows (govie.facts.Fact)."""

    def __init__(self, nlp: Language, name: str = "govie_facts") -> None:
        self.name = name
        self.cfg: dict = {}

    def __call__(self, doc: Doc) -> Doc:
        doc._.facts = assemble_facts(doc.text, doc_spans(doc), doc._.relations, doc._.meta)
        return doc

    def to_disk(self, path, *, exclude=tuple()) -> None:
        cfg_to_disk(self, path, exclude)

    def from_disk(self, path, *, exclude=tuple()) -> "FactAssembler":
        return cfg_from_disk(self, path, exclude)
