"""One coded table of govie's error and warning messages, in spaCy's style."""
from __future__ import annotations


class _ErrorsWithCodes(type):
    def __getattribute__(cls, code: str) -> str:
        msg = super().__getattribute__(code)
        if code.startswith("__"):
            return msg
        return f"[{code}] {msg}"


class Warnings(metaclass=_ErrorsWithCodes):
    W001 = "Skipped {path}: {reason}"


class Errors(metaclass=_ErrorsWithCodes):
    # records and files
    E001 = "{path}:{line}: invalid JSON ({reason})."
    E002 = "{path}:{line}: a record must be a JSON object with 'text' (string); found {found}."
    E003 = "{path}:{line}: field '{field}' {reason}."
    E004 = "Cannot read '{path}': {reason}."
    E005 = "'{path}' holds no record."
    # validation problems (reported, not raised, by the validator)
    E010 = "span [{start}, {end}) text {found!r} does not match the document text {expected!r}"
    E011 = "span [{start}, {end}) is out of range for a text of {length} characters"
    E012 = "span [{start}, {end}) {label} overlaps span [{other_start}, {other_end}) {other_label}"
    E013 = "span [{start}, {end}) has unknown label '{label}' (expected one of {labels})"
    E014 = "relation {label} names a span [{start}, {end}) that is not in 'spans'"
    E015 = "relation {label} crosses a sentence boundary between [{head_start}, {head_end}) and [{child_start}, {child_end})"
    E016 = "relation {label} does not allow head {head_label} -> child {child_label} (allowed: {allowed})"
    E017 = "relation has unknown label '{label}' (expected one of {labels})"
    E018 = "span [{start}, {end}) starts or ends on whitespace"
    E019 = "span [{start}, {end}) is empty or reversed"
    E020 = "duplicate relation {label} [{head_start}, {head_end}) -> [{child_start}, {child_end})"
    E021 = "duplicate document id '{id}' (first seen at {first})"
    # models and pipelines
    E030 = ("No model named '{name}'. Use 'rules', a path to a saved govie pipeline directory, "
            "or leave it empty for the default model.")
    E031 = "Model directory '{path}' is incomplete: missing '{missing}'. Re-save it with nlp.to_disk()."
    E032 = ("The segmenter model shipped with govie is missing at '{path}'. Reinstall govie or rebuild it "
            "with: python training/build_segmenter.py --reports REPORTS --out govie/data/segmenter")
    E033 = "Unknown span label '{label}' in component '{name}' (expected one of {labels})."
    E034 = ("No encoder directory at '{path}'. Pass a local Hugging Face checkpoint directory "
            "(config.json, weights, tokenizer); govie never downloads from a model hub.")
    E035 = ("Component '{name}' has no model: load a saved pipeline (govie.load(DIR)) or call "
            "load_model(DIR, labels) with a local encoder directory.")
    E036 = "Model file '{path}' does not fit its config.json: {reason}."
    E037 = "Nothing to resume: no training checkpoint at '{path}'. Start the run without --resume."
    E038 = ("The training checkpoint '{path}' belongs to another run (different settings or training "
            "documents). Delete it, or resume with the settings and corpus it was written with.")
    E039 = "Component '{name}': setting '{setting}' must be {expected}, found {found!r}."
    E044 = ("Component '{name}': pair inputs have {found} values, the model expects {expected}: the encoder "
            "of govie_ner differs from the one it was trained with.")
    # normalization
    E040 = "Cannot read a number from {text!r}."
    E041 = "Not an amount: {text!r} (expected a number followed by a unit, e.g. '3.2亿元')."
    E042 = "Not a rate: {text!r} (expected a number with %, ‰, 倍, 成 or 个百分点)."
    E043 = "Not a period: {text!r}."
    # corpus sources and annotation imports
    E060 = "Unknown split '{split}' (expected one of {splits})."
    E061 = ("No corpus split at '{path}': set GOVIE_CORPUS or pass corpus_dir, or build it with "
            "'govie corpus build corpus/src -o corpus'.")
    E062 = "{where}: #meta is not JSON ({reason})."
    E063 = "{where}: a relation line is 'R label head child', found {line!r}."
    E064 = "{where}: unknown label {label!r}."
    E065 = "{where}: {label} {text!r} not found after offset {offset} (text there: {context!r})."
    E066 = "{where}: relation names span {number} of {count}."
    E067 = "{path}: meta.split must be one of {splits}, found {split!r}."
    E068 = "{where}: a region needs integer start/end and a label, found {start!r}, {end!r}, {label!r}."
    E069 = "{where}: region [{start}, {end}) is outside a text of {length} characters."
    E070 = "{where}: a Label Studio export is a JSON list of tasks."
    E071 = "{where}: {field} is missing."
    E072 = "{where}: relation {relation} names a missing region or entity, or has no label."
    E073 = "{where}: a label is [start, end, LABEL], found {found!r}."
    E074 = "Unknown annotation format '{fmt}' (expected one of {formats})."
    # training
    E080 = "No training config at '{path}'."
    E081 = "{path}: cannot parse the config ({reason})."
    E082 = "{path}: no base model: pass --base-model DIR or set model.base_model."
    E083 = "'{path}' has no govie_ner component: train it first with 'govie train ner'."
    E084 = "Unknown encoder task '{task}' (expected base, token-classification or masked-lm)."
    # command line
    E050 = "Give --model or --pred, not both."
    E051 = "Gold and predicted files differ: document '{id}' {reason}."
    E052 = "Unknown output format '{fmt}' (expected one of {formats})."
    E053 = "No input file found under {paths}."


class GovieError(ValueError):
    """A govie input or configuration error; the message carries its code."""


class RecordError(GovieError):
    """A JSONL record that cannot be read, naming its file and line."""
