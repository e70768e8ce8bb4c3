"""``govie train ner|rel``: read a config, fine-tune on the corpus, write the pipeline directory atomically."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from spacy.util import fix_random_seed

from ..errors import Errors, GovieError
from .ner import NerTrainConfig, calibrate_confidence, spans_of, train_tagger


def read_config(path: str | Path) -> dict[str, Any]:
    """Parse a ``.cfg`` training config (thinc/spaCy syntax)."""
    from thinc.api import Config

    p = Path(path)
    if not p.is_file():
        raise GovieError(Errors.E080.format(path=p))
    try:
        return dict(Config().from_disk(p))
    except Exception as err:  # thinc raises several parse error types
        raise GovieError(Errors.E081.format(path=p, reason=err)) from None


def tagger_settings(model: dict[str, Any]) -> dict[str, Any]:
    """Return the ``govie_ner_v1`` settings of a config's ``[model]`` section: window, stride and batch_size
    are required; any other setting the factory takes is optional and falls back to the factory default."""
    from spacy.language import Language

    settings = {k: model[k] for k in ("window", "stride", "batch_size")}
    factory_settings = Language.get_factory_meta("govie_ner_v1").default_config
    settings.update({k: v for k, v in model.items() if k in factory_settings})
    return settings


def _config_and_corpus(config_path, corpus_dir) -> tuple[dict[str, Any], list, list]:
    """Read the config, then the corpus splits through ``datasets`` (bad JSONL stops with file:line before
    any training)."""
    from ..corpus.dataset import load_corpus, records_from_dataset

    cfg = read_config(config_path)
    corpus = Path(corpus_dir or cfg["corpus"]["dir"])
    train, dev = (records_from_dataset(load_corpus(cfg["corpus"][key], corpus)) for key in ("train", "dev"))
    return cfg, train, dev


def write_pipeline_atomically(nlp, out: Path) -> None:
    """Save ``nlp`` to ``out`` so that a failure leaves any earlier model there untouched."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    old = out.with_name(out.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def checkpoint_path(output: str | Path) -> Path:
    """Return where NER training for ``output`` keeps its per-epoch checkpoint."""
    out = Path(output)
    return out.with_name(out.name + ".checkpoint.pt")


def train_ner(config_path: str | Path, base_model: str | Path | None, output: str | Path,
              corpus_dir: str | Path | None = None, progress=None, on_epoch=None,
              resume: bool = False) -> dict[str, Any]:
    """Fine-tune ``govie_ner_v1`` from ``base_model`` (default: the config's ``model.base_model``) and save a
    pipeline (segmenter, NER, facts) to ``output``.

    After every epoch the run is checkpointed next to ``output`` (:func:`checkpoint_path`); ``resume``
    continues an interrupted run from there. The checkpoint is removed once the pipeline is written.
    """
    from ..loading import blank
    from ..scoring import entity_scores
    from ..schema import Record

    cfg, train, dev = _config_and_corpus(config_path, corpus_dir)
    nlp = blank()
    m = cfg["model"]
    base_model = base_model or m.get("base_model")
    if not base_model:
        raise GovieError(Errors.E082.format(path=config_path))
    tagger = nlp.add_pipe("govie_ner_v1", name="govie_ner", config=tagger_settings(m))
    train_config = NerTrainConfig(**cfg["training"])
    fix_random_seed(train_config.seed)  # the new classification head is drawn from the seeded generator
    tagger.load_model(base_model, labels=list(m["labels"]))
    nlp.add_pipe("govie_facts_v1", name="govie_facts")

    def dev_f1(records):
        pred = [Record(r.id, r.text, {}, spans_of(tagger, r.text)) for r in records]
        return entity_scores(records, pred)["micro"]["f"]

    start = time.time()
    checkpoint = checkpoint_path(output)
    history = train_tagger(tagger, train, dev, train_config, evaluate=dev_f1,
                           progress=progress, on_epoch=on_epoch, checkpoint=checkpoint, resume=resume)
    seconds = history[-1]["seconds"] if history else round(time.time() - start)
    training = {"config": str(config_path), "documents": {"train": len(train), "dev": len(dev or [])},
                "history": history, "seconds": seconds}
    if train_config.calibrate and dev:
        training["calibration"] = calibrate_confidence(tagger, dev)
        tagger.cfg["min_confidence"] = training["calibration"]["min_confidence"]
    nlp.meta.update({"name": Path(output).name, "description": "govie trained pipeline",
                     "base_model": str(base_model), "training": training})
    write_pipeline_atomically(nlp, Path(output))
    checkpoint.unlink(missing_ok=True)
    return {"output": str(output), "history": history, "seconds": seconds}


def train_rel(config_path: str | Path, ner_pipeline: str | Path, output: str | Path,
              corpus_dir: str | Path | None = None) -> dict[str, Any]:
    """Add a trained ``govie_rel_v1`` to the NER pipeline at ``ner_pipeline`` and save it to ``output``."""
    from ..loading import load
    from .rel import RelTrainConfig, train_relations

    cfg, train, dev = _config_and_corpus(config_path, corpus_dir)
    nlp = load(ner_pipeline)
    if "govie_ner" not in nlp.pipe_names:
        raise GovieError(Errors.E083.format(path=ner_pipeline))
    if "govie_rel" in nlp.pipe_names:
        nlp.remove_pipe("govie_rel")
    m = cfg["model"]
    rel = nlp.add_pipe("govie_rel_v1", name="govie_rel", before="govie_facts" if "govie_facts" in nlp.pipe_names
                       else None, config={"hidden": m["hidden"], "threshold": m["threshold"],
                                          "candidates": {"@misc": "govie.rel_candidates.v1",
                                                         "max_chars": m["max_chars"]}})
    start = time.time()
    history = train_relations(nlp, nlp.get_pipe("govie_ner"), rel, train, dev, RelTrainConfig(**cfg["training"]))
    seconds = round(time.time() - start)
    nlp.meta["name"] = Path(output).name
    nlp.meta.setdefault("training", {})["rel"] = {"config": str(config_path), "history": history, "seconds": seconds}
    write_pipeline_atomically(nlp, Path(output))
    return {"output": str(output), "history": history, "seconds": seconds}


def train_all(ner_config: str | Path, rel_config: str | Path, base_model: str | Path | None, output: str | Path,
              corpus_dir: str | Path | None = None, progress=None, on_epoch=None,
              resume: bool = False) -> dict[str, Any]:
    """Train NER, then relations on top of it, and write the full pipeline to ``output`` atomically.

    ``resume`` continues interrupted NER training from its checkpoint (see :func:`train_ner`).
    """
    out = Path(output)
    stage = out.with_name(out.name + ".ner-stage")
    try:
        ner = train_ner(ner_config, base_model, stage, corpus_dir, progress=progress, on_epoch=on_epoch,
                        resume=resume)
        rel = train_rel(rel_config, stage, out, corpus_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return {"output": str(out), "ner": ner, "rel": rel}
