"""The Doc extensions govie sets: ``doc._.relations``, ``doc._.facts`` and ``doc._.meta``."""
from __future__ import annotations

from spacy.tokens import Doc


def install_extensions() -> None:
    """Register govie's Doc extensions once (mutable defaults are copied per Doc by spaCy)."""
    for name, default in (("relations", []), ("facts", []), ("meta", {})):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


install_extensions()
