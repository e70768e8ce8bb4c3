"""Distil pkuseg's bundled default model into a compact spacy-pkuseg model.

The default model of the ``pkuseg==0.0.25`` sdist (184 MB installed) segments
report sentences; ``spacy_pkuseg.train`` then learns a small CRF from that
output, with rare features trimmed. Only this build step needs ``pkuseg``
(install the ``segmenter`` extra); govie ships the compact result.

Usage:
    python training/build_segmenter.py --reports ../shared/reports/raw \
        --out govie/data/segmenter --train-chars 1500000 --iterations 10
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

_SENTENCE_END = re.compile(r"(?<=[。！？；])|\n")


def _sentences(text: str):
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if 4 <= len(piece) <= 300 and "\t" not in piece:
            yield piece


def _pick_documents(report_dir: Path, seed: int):
    files = sorted(p for p in report_dir.glob("*.txt"))
    rng = random.Random(seed)
    rng.shuffle(files)
    return files


def _write_segmented(seg, sentences, path: Path) -> int:
    words = 0
    with path.open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            tokens = [w for w in seg.cut(sentence) if w.strip()]
            words += len(tokens)
            handle.write(" ".join(tokens) + "\n")
    return words


def _collect(files, budget: int):
    taken, used = [], 0
    for path in files:
        for sentence in _sentences(path.read_text(encoding="utf-8")):
            taken.append(sentence)
            used += len(sentence)
            if used >= budget:
                return taken, used
    return taken, used


def _spans(words):
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def agreement(reference, candidate, sentences):
    """Return word-level P/R/F1 of ``candidate`` against ``reference`` segmentations."""
    tp = n_ref = n_cand = 0
    for sentence in sentences:
        ref = _spans(w for w in reference.cut(sentence) if w)
        cand = _spans(w for w in candidate.cut(sentence) if w)
        tp += len(ref & cand)
        n_ref += len(ref)
        n_cand += len(cand)
    p, r = tp / n_cand, tp / n_ref
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r), "words": n_ref}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--train-chars", type=int, default=1_500_000)
    parser.add_argument("--test-chars", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--feature-trim", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)

    try:
        import pkuseg  # build-time only
    except ImportError:
        sys.exit("build_segmenter needs pkuseg==0.0.25: pip install numpy cython && "
                 "pip install --no-build-isolation pkuseg==0.0.25")
    import spacy_pkuseg
    pkuseg_config = sys.modules["spacy_pkuseg.config"]

    files = _pick_documents(args.reports, args.seed)
    n_test_docs = max(1, len(files) // 10)
    test_files, train_files = files[:n_test_docs], files[n_test_docs:]
    train_sents, train_used = _collect(train_files, args.train_chars)
    test_sents, test_used = _collect(test_files, args.test_chars)

    teacher = pkuseg.pkuseg()
    work = Path(tempfile.mkdtemp(prefix="govie-seg-"))
    try:
        start = time.time()
        _write_segmented(teacher, train_sents, work / "train.txt")
        _write_segmented(teacher, test_sents[:2000], work / "dev.txt")
        pkuseg_config.config.featureTrim = args.feature_trim
        model_tmp = work / "model"
        spacy_pkuseg.train(str(work / "train.txt"), str(work / "dev.txt"), str(model_tmp),
                           train_iter=args.iterations)
        train_seconds = time.time() - start
        student = spacy_pkuseg.pkuseg(model_name=str(model_tmp))
        scores = agreement(teacher, student, test_sents)
        size = sum(p.stat().st_size for p in model_tmp.rglob("*") if p.is_file())
        card = {
            "teacher": "pkuseg==0.0.25 default model",
            "train_chars": train_used, "test_chars": test_used,
            "held_out_documents": [p.name for p in test_files][:5] + ["..."],
            "iterations": args.iterations, "feature_trim": args.feature_trim,
            "agreement_with_teacher": scores, "size_bytes": size,
            "build_seconds": round(train_seconds, 1), "seed": args.seed,
        }
        (model_tmp / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
        final = args.out
        staging = final.with_name(final.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(model_tmp, staging)
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
        print(json.dumps(card, ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
