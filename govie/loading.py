"""Build and load govie pipelines: the rule baseline, the shipped default, or a saved directory."""
from __future__ import annotations

import os
from pathlib import Path

import spacy
from spacy.language import Language

from . import pipeline  # noqa: F401  (registers the factories)
from .errors import Errors, GovieError

PACKAGE_DIR = Path(__file__).parent
SEGMENTER_DIR = PACKAGE_DIR / "data" / "segmenter"
DEFAULT_MODEL_DIR = PACKAGE_DIR / "models" / "default"
_SEGMENTER_FILES = ("features.msgpack", "weights.npz")
_PIPELINE_FILES = ("config.cfg", "meta.json")


def blank(segmenter_dir: str | os.PathLike = SEGMENTER_DIR) -> Language:
    """Return an empty Chinese pipeline whose tokenizer segments words with govie's pkuseg model.

    segmenter_dir (Path): A spacy-pkuseg model directory (features.msgpack, weights.npz).
    """
    seg = Path(segmenter_dir)
    for name in _SEGMENTER_FILES:
        if not (seg / name).is_file():
            raise GovieError(Errors.E032.format(path=seg / name))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    nlp.tokenizer.initialize(pkuseg_model=str(seg))
    return nlp


def rules_pipeline(segmenter_dir: str | os.PathLike = SEGMENTER_DIR) -> Language:
    """Return the rule baseline: pkuseg segmentation, ``govie_rules_v1``, ``govie_facts_v1``."""
    nlp = blank(segmenter_dir)
    nlp.add_pipe("govie_rules_v1", name="govie_rules")
    nlp.add_pipe("govie_facts_v1", name="govie_facts")
    nlp.meta.update({"name": "rules", "version": _version(), "description": "govie rule baseline"})
    return nlp


def _version() -> str:
    from . import __version__

    return __version__


def _load_dir(path: Path, **kwargs) -> Language:
    for name in _PIPELINE_FILES:
        if not (path / name).is_file():
            raise GovieError(Errors.E031.format(path=path, missing=name))
    return spacy.load(path, **kwargs)


def load(name_or_path: str | os.PathLike | None = None, **kwargs) -> Language:
    """Return a govie pipeline.

    name_or_path (str | Path | None): ``None`` for the default model (the trained pipeline shipped
        in the package, else the rule baseline), ``"rules"`` for the rule baseline, or a directory
        written by ``nlp.to_disk``.
    RETURNS (Language): The pipeline; ``nlp(text)`` sets ``doc.ents``, ``doc._.relations``, ``doc._.facts``.
    """
    if name_or_path is None or name_or_path == "default":
        if (DEFAULT_MODEL_DIR / "config.cfg").is_file():
            return _load_dir(DEFAULT_MODEL_DIR, **kwargs)
        return rules_pipeline()
    if name_or_path == "rules":
        return rules_pipeline()
    path = Path(name_or_path)
    if path.is_dir():
        return _load_dir(path, **kwargs)
    raise GovieError(Errors.E030.format(name=name_or_path))
