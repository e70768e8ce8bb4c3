"""How often a gold span edge falls strictly inside a token, for one or more encoder tokenizers.

Each record's text goes through ``tokenizer(text, add_special_tokens=False,
return_offsets_mapping=True)``, exactly as govie's NER does.  An edge x (a span's start or end)
is *inside* when a < x < b for some token offset (a, b).  Two counts are given:

* ``raw``: the offsets as the tokenizer returns them (what govie's BIO alignment sees);
* ``trimmed``: each token's range with leading/trailing whitespace removed first (the measure of
  E5_REPORT.md, where a Metaspace piece such as ``\u2581(`` also covers the preceding newline).

Also printed: tokens per character, tokens wider than one character, characters that become
several tokens (NFKC expansions such as ``\u2026`` -> ``...``), and ``<unk>`` tokens.

Usage (from the repo root)::

    python training/encoders/span_edges.py training/encoders/e5-l4-h384 \\
        --corpus corpus/train.jsonl corpus/dev.jsonl [--json out.json]
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path


def read_records(paths):
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def measure(tokenizer, records) -> dict:
    per_label: dict[str, Counter] = {}
    totals = Counter()
    for rec in records:
        text = rec["text"]
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        offsets = [tuple(o) for o in enc["offset_mapping"]]
        ids = enc["input_ids"]
        totals["chars"] += len(text)
        totals["tokens"] += len(ids)
        totals["wide_tokens"] += sum(b - a > 1 for a, b in offsets)
        totals["unk"] += sum(i == tokenizer.unk_token_id for i in ids)
        per_char = Counter(o for o in offsets if o[1] - o[0] == 1)
        totals["chars_split_into_several_tokens"] += sum(n > 1 for n in per_char.values())
        trimmed = []
        for a, b in offsets:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            trimmed.append((a, b))
        raw_inner = {x for a, b in offsets for x in range(a + 1, b)}
        trim_inner = {x for a, b in trimmed for x in range(a + 1, b)}
        for span in rec["spans"]:
            c = per_label.setdefault(span["label"], Counter())
            c["spans"] += 1
            c["edges"] += 2
            for name, inner in (("raw", raw_inner), ("trimmed", trim_inner)):
                hits = (span["start"] in inner) + (span["end"] in inner)
                c[f"{name}_inside"] += hits
                c[f"{name}_spans_hit"] += hits > 0
    all_c = sum(per_label.values(), Counter())
    rows = {lab: dict(c) for lab, c in sorted(per_label.items())}
    rows["ALL"] = dict(all_c)
    for c in rows.values():
        c["raw_rate"] = c.get("raw_inside", 0) / c["edges"]
        c["trimmed_rate"] = c.get("trimmed_inside", 0) / c["edges"]
    totals = dict(totals)
    totals["tokens_per_char"] = totals["tokens"] / max(totals["chars"], 1)
    return {"labels": rows, "totals": totals}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tokenizers", nargs="+", help="directories loadable with AutoTokenizer")
    ap.add_argument("--corpus", nargs="+", default=["corpus/train.jsonl", "corpus/dev.jsonl"])
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    from transformers import AutoTokenizer

    records = list(read_records(args.corpus))
    out = {"corpus": args.corpus, "records": len(records), "tokenizers": {}}
    for path in args.tokenizers:
        tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
        res = measure(tok, records)
        out["tokenizers"][path] = res
        t = res["totals"]
        print(f"\n{path}: {len(records)} records, {t['chars']:,} chars, {t['tokens']:,} tokens, "
              f"{t['tokens_per_char']:.4f} tokens/char, {t['wide_tokens']:,} tokens wider than one "
              f"char, {t['chars_split_into_several_tokens']} chars split into several tokens, "
              f"{t['unk']} <unk>")
        print(f"{'label':8s} {'spans':>6s} {'edges':>6s} {'raw inside':>16s} {'trimmed inside':>16s}")
        for lab, c in res["labels"].items():
            print(f"{lab:8s} {c['spans']:6d} {c['edges']:6d} "
                  f"{c.get('raw_inside', 0):6d} ({c['raw_rate']:6.2%}) "
                  f"{c.get('trimmed_inside', 0):6d} ({c['trimmed_rate']:6.2%})")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
