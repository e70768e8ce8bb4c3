"""Entity and relation labels of annotation schema v1 (corpus/GUIDE.md)."""
from __future__ import annotations

ENTITY_LABELS: tuple[str, ...] = ("METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG")
RELATION_LABELS: tuple[str, ...] = ("value", "growth", "period")

# relation label -> (allowed head labels, allowed child labels)
RELATION_SCHEMA: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "value": (frozenset({"METRIC", "PROJECT"}), frozenset({"AMOUNT", "RATE"})),
    "growth": (frozenset({"METRIC"}), frozenset({"RATE", "AMOUNT"})),
    "period": (frozenset({"METRIC", "PROJECT"}), frozenset({"PERIOD"})),
}

HEAD_LABELS = frozenset({"METRIC", "PROJECT"})
CHILD_LABELS = frozenset({"AMOUNT", "RATE", "PERIOD"})


def allowed_relations(head_label: str, child_label: str) -> list[str]:
    """Return the relation labels the schema allows from ``head_label`` to ``child_label``.

    >>> allowed_relations("METRIC", "RATE")
    ['value', 'growth']
    """
    return [rel for rel, (heads, children) in RELATION_SCHEMA.items()
            if head_label in heads and child_label in children]
