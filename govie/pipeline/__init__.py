"""govie's spaCy components; importing this module registers their factories."""
from .entities import align_tokens, doc_spans, set_entities
from .extensions import install_extensions
from .facts_component import FactAssembler
from .ner_component import TransformerTagger
from .rel_component import RelationExtractor
from .rules_component import RuleExtractor

__all__ = ["FactAssembler", "RelationExtractor", "RuleExtractor", "TransformerTagger", "align_tokens", "doc_spans", "install_extensions", "set_entities"]
