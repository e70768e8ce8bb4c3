"""The annotated corpus: statistics, span-list building, exchange formats and loading for training."""
