"""Saving and loading a component's ``cfg`` as JSON, for components with no weights."""
from __future__ import annotations

from pathlib import Path

import srsly
from spacy import util


def cfg_to_disk(component, path, exclude=tuple()) -> None:
    util.to_disk(path, {"cfg": lambda p: srsly.write_json(p, component.cfg)}, exclude)


def cfg_from_disk(component, path, exclude=tuple()):
    def load(p: Path) -> None:
        component.cfg.update(srsly.read_json(p))

    util.from_disk(path, {"cfg": load}, exclude)
    return component
