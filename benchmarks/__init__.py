"""Benchmarks of govie against the rule tools and NER a user would pick instead (see README.md)."""
