"""govie: structured facts from Chinese government reports, as a spaCy pipeline."""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import Errors, GovieError, RecordError
from .facts import Fact, assemble_facts
from .labels import ENTITY_LABELS, RELATION_LABELS
from .loading import blank, load, rules_pipeline
from .normalize import normalize_amount, normalize_period, normalize_rate
from .schema import Record, Relation, Span, read_jsonl, write_jsonl
from .scoring import score
from .validate import validate_files

__all__ = [
    "ENTITY_LABELS", "Errors", "Fact", "GovieError", "RELATION_LABELS", "Record", "RecordError", "Relation",
    "Span", "__version__", "assemble_facts", "blank", "load", "normalize_amount", "normalize_period",
    "normalize_rate", "read_jsonl", "rules_pipeline", "score", "validate_files", "write_jsonl",
]
