"""Inference speed of encoder candidates, measured the same way for each, in one run.

Characters per second of the encoder alone (``AutoModel``, no head, fp32 compute even when the
weights are stored in fp16) over report text: the ``text`` fields of ``--corpus`` (default
``corpus/dev.jsonl``), in file order, cut to the first ``--chars`` characters.  Each text is
tokenized as govie's NER does (``add_special_tokens=False``) and cut into non-overlapping windows
of ``--window`` positions (window - 2 text tokens plus the tokenizer's CLS/SEP); windows are run
in batches of ``--batch`` (padded to the longest window of the batch).  Tokenization is done
before timing.  After one untimed warm-up pass per encoder, ``--repeats`` timed passes are made
round-robin over the encoders (so a change in machine load hits every candidate alike) and the
median wall-clock pass time is reported: chars/s = characters of text covered / median seconds.
The process CPU seconds of each pass are reported too (all threads; on a machine shared with
other jobs the wall clock depends on how much CPU the scheduler grants, the CPU time much less).

Usage (from the repo root; the machine may be shared, so compare candidates from one run)::

    nice -n 19 python training/encoders/measure_speed.py \\
        --encoders training/encoders/char-l4-h256 training/encoders/e5-l4-h384 \\
        --chars 17587 --threads 2 [--json speed.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path


def read_texts(path: Path, max_chars: int | None) -> list[str]:
    texts, total = [], 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            text = json.loads(line)["text"]
            if max_chars is not None:
                text = text[:max_chars - total]
            if text:
                texts.append(text)
                total += len(text)
            if max_chars is not None and total >= max_chars:
                break
    return texts


def make_batches(tokenizer, texts: list[str], window: int, batch: int):
    """Padded (input_ids, attention_mask) batches of windows over ``texts``; and the token count."""
    import torch

    body = window - 2
    cls_id, sep_id, pad_id = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    windows = []
    for text in texts:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        windows += [[cls_id] + ids[i:i + body] + [sep_id] for i in range(0, len(ids), body)]
    batches = []
    for b in range(0, len(windows), batch):
        group = windows[b:b + batch]
        width = max(map(len, group))
        input_ids = torch.full((len(group), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(group), width), dtype=torch.long)
        for row, w in enumerate(group):
            input_ids[row, :len(w)] = torch.tensor(w)
            mask[row, :len(w)] = 1
        batches.append((input_ids, mask))
    n_tokens = sum(len(w) - 2 for w in windows)
    return batches, len(windows), n_tokens


def run_pass(model, batches) -> tuple[float, float]:
    """Wall-clock and process CPU seconds of one pass over ``batches``."""
    import torch

    t0, c0 = time.perf_counter(), time.process_time()
    with torch.inference_mode():
        for input_ids, mask in batches:
            model(input_ids=input_ids, attention_mask=mask)
    return time.perf_counter() - t0, time.process_time() - c0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--encoders", nargs="+", required=True, metavar="DIR",
                    help="encoder directories (save_pretrained format)")
    ap.add_argument("--corpus", type=Path, default=Path("corpus/dev.jsonl"),
                    help="JSON lines with a 'text' field (default corpus/dev.jsonl)")
    ap.add_argument("--chars", type=int, default=None,
                    help="use the first N characters of the corpus texts (default: all)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    ap.add_argument("--window", type=int, default=256, help="positions per window incl. CLS/SEP")
    ap.add_argument("--batch", type=int, default=8, help="windows per forward pass")
    ap.add_argument("--repeats", type=int, default=3, help="timed passes per encoder (median)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)

    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    texts = read_texts(args.corpus, args.chars)
    n_chars = sum(map(len, texts))

    runs = []
    for path in args.encoders:
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32,
                                          add_pooling_layer=False).eval()
        batches, n_windows, n_tokens = make_batches(tok, texts, args.window, args.batch)
        cfg = model.config
        runs.append(dict(encoder=path, model=model, batches=batches, windows=n_windows,
                         tokens=n_tokens, layers=cfg.num_hidden_layers, hidden=cfg.hidden_size,
                         params=sum(p.numel() for p in model.parameters()), times=[], cpu=[]))

    load_before = os.getloadavg()
    for r in runs:                                            # warm-up, untimed
        run_pass(r["model"], r["batches"])
    for _ in range(args.repeats):                             # round-robin timed passes
        for r in runs:
            wall, cpu = run_pass(r["model"], r["batches"])
            r["times"].append(wall)
            r["cpu"].append(cpu)
    load_after = os.getloadavg()

    results = []
    print(f"{n_chars:,} characters of {args.corpus} ({len(texts)} texts), windows of {args.window}, "
          f"batch {args.batch}, fp32, {args.threads} threads, median of {args.repeats}; "
          f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}")
    for r in runs:
        med = statistics.median(r["times"])
        med_cpu = statistics.median(r["cpu"])
        row = dict(encoder=r["encoder"], layers=r["layers"], hidden=r["hidden"], params=r["params"],
                   chars=n_chars, tokens=r["tokens"], windows=r["windows"],
                   tokens_per_char=r["tokens"] / n_chars, seconds=[round(t, 3) for t in r["times"]],
                   median_seconds=round(med, 3), chars_per_second=round(n_chars / med),
                   tokens_per_second=round(r["tokens"] / med),
                   cpu_seconds=[round(t, 3) for t in r["cpu"]], median_cpu_seconds=round(med_cpu, 3),
                   chars_per_cpu_second=round(n_chars / med_cpu))
        results.append(row)
        print(f"  {r['encoder']}: {row['chars_per_second']:,} chars/s "
              f"({row['tokens_per_second']:,} tokens/s, {r['tokens']:,} tokens in {r['windows']} "
              f"windows, passes {row['seconds']} s; CPU {row['cpu_seconds']} s, "
              f"{row['chars_per_cpu_second']:,} chars per CPU-second)")
    base = results[0]["chars_per_second"]
    for row in results[1:]:
        print(f"  {results[0]['encoder']} / {row['encoder']}: {base / row['chars_per_second']:.2f}x "
              f"wall clock, {results[0]['chars_per_cpu_second'] / row['chars_per_cpu_second']:.2f}x "
              f"CPU time")
    if args.json:
        meta = dict(corpus=str(args.corpus), chars=n_chars, texts=len(texts), window=args.window,
                    batch=args.batch, threads=args.threads, repeats=args.repeats,
                    load_average_before=load_before, load_average_after=load_after,
                    torch=torch.__version__, transformers=transformers.__version__,
                    cpu=platform.processor() or platform.machine(),
                    time=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        args.json.write_text(json.dumps(dict(meta, results=results), indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
