"""The annotated corpus: building from span lists, statistics, exchange formats, loading for training."""
from .dataset import load_corpus

__all__ = ["load_corpus"]
