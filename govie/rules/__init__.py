"""The rule baseline: patterns for figures and times, a METRIC heuristic, proximity relations."""
from .extractor import extract, find_entities

__all__ = ["extract", "find_entities"]
