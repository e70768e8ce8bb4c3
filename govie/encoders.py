"""Load a local Hugging Face encoder directory (govie's own candidates, or bert-base-chinese and
chinese-roberta-wwm-ext checkpoints a user already has) strictly offline."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import Errors, GovieError

_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json",
                 "pytorch_model.bin.index.json")


def check_encoder_dir(path: str | os.PathLike) -> Path:
    """Return ``path`` if it holds a config, weights and a tokenizer; else raise naming what is missing."""
    p = Path(path)
    if not p.is_dir():
        raise GovieError(Errors.E034.format(path=p))
    if not (p / "config.json").is_file():
        raise GovieError(Errors.E031.format(path=p, missing="config.json"))
    if not any((p / name).is_file() for name in _WEIGHT_FILES):
        raise GovieError(Errors.E031.format(path=p, missing=" or ".join(_WEIGHT_FILES[:2])))
    if not any((p / name).is_file() for name in ("tokenizer.json", "vocab.txt")):
        raise GovieError(Errors.E031.format(path=p, missing="tokenizer.json or vocab.txt"))
    return p


def load_encoder(path: str | os.PathLike, task: str = "base", num_labels: int | None = None):
    """Return ``(tokenizer, model)`` from a local checkpoint directory, never touching a model hub.

    path (Path): A directory written by ``save_pretrained`` (config, weights, tokenizer).
    task (str): ``base`` (AutoModel), ``token-classification`` or ``masked-lm``.
    num_labels (int): Labels of a token-classification head (a new head is initialized).
    """
    from transformers import (AutoModel, AutoModelForMaskedLM, AutoModelForTokenClassification,
                              AutoTokenizer)

    from transformers.utils import logging as hf_logging

    p = check_encoder_dir(path)
    # a new classification head is expected here: keep transformers' load report and bars quiet
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        return _load(p, task, num_labels, AutoTokenizer, AutoModel, AutoModelForMaskedLM,
                     AutoModelForTokenClassification)
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()


def _load(p, task, num_labels, AutoTokenizer, AutoModel, AutoModelForMaskedLM, AutoModelForTokenClassification):
    import torch

    tokenizer = AutoTokenizer.from_pretrained(p, local_files_only=True)
    # weights may be stored in fp16 to save space; CPU kernels want float32 (fp16 matmuls are ~50x slower)
    common = {"local_files_only": True, "dtype": torch.float32}
    if task == "base":
        model = AutoModel.from_pretrained(p, **common)
    elif task == "masked-lm":
        model = AutoModelForMaskedLM.from_pretrained(p, **common)
    elif task == "token-classification":
        kwargs = {"num_labels": num_labels} if num_labels else {}
        model = AutoModelForTokenClassification.from_pretrained(p, **common, **kwargs)
    else:
        raise GovieError(Errors.E084.format(task=task))
    return tokenizer, model
