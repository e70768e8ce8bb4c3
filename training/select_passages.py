"""Pick annotation passages from the report pool, stratified by level, split by document.

Each chosen document contributes one passage: a run of whole paragraphs
(no tab-separated table rows) of about ``--chars`` characters, the densest in
figures, or, for a few documents, a passage with few figures so models learn
when not to fire. Test documents come from regions that never appear in
train or dev, so no region-and-year (indeed no region) is shared.

Usage:
    python training/select_passages.py --reports ../shared/reports/raw --out corpus/src
    python training/select_passages.py --reports ../shared/reports/raw --out corpus/src --add-train 36
    python training/select_passages.py --reports ../shared/reports/raw --out corpus/src --add-dev 30

``--time-weight W`` ranks windows by figures plus W times their time expressions (截至…, …以来,
上半年, “十四五”时期, 当年 …), for a batch aimed at the PERIOD label; the document choice is unchanged.

``--add-train N`` / ``--add-dev N`` extend an existing corpus: N more train or dev passages, one
per city or province region that no document in ``--out`` uses yet (so no region is shared
between splits); existing files are never touched. With ``--reuse-train-regions`` an
``--add-train`` run that has used up the unused regions goes on with another report (a different
file, usually another year) of a region that only train uses, so dev and test regions still
never appear in train.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
from pathlib import Path

_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|‰|倍|个百分点|亿|万|元|个|家|人|项|平方米|公里|吨|户)")
# cues of the time expressions GUIDE section 7 makes PERIOD spans (not comparison bases such as 同期, 上年)
_TIME = re.compile(
    r"截至|截止|以来|期间|时期|年底|年末|年初|月底|[上下]半年|[一二三四1-4]季度|\d+[-—～至]\d+月"
    r"|“十[二三四五]五”|近[一二三四五两\d]年|过去[的这]?[一二三四五两\d]?年|[这那]一年|当年|全年|今年|去年|明年|\d{4}年")


def _paragraphs(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _windows(text: str, size: int):
    paras = [(s, l) for s, l in _paragraphs(text)]
    for i, (start, line) in enumerate(paras):
        if not line.strip() or "\t" in line:
            continue
        end = start + len(line)
        j = i + 1
        while end - start < size and j < len(paras):
            s2, l2 = paras[j]
            if "\t" in l2 or l2.lstrip().startswith("#"):
                break
            end = s2 + len(l2)
            j += 1
        if size * 0.6 <= end - start <= size * 1.5:
            yield start, end


def _best_window(text: str, size: int, dense: bool, time_weight: float = 0.0):
    best = None
    for start, end in _windows(text, size):
        chunk = text[start:end]
        cues = len(_FIGURE.findall(chunk)) + time_weight * len(_TIME.findall(chunk))
        density = cues / max(1, len(chunk))
        key = density if dense else -density
        if best is None or key > best[0]:
            best = (key, start, end)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--chars", type=int, default=1650)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--train", type=int, default=66)
    parser.add_argument("--dev", type=int, default=11)
    parser.add_argument("--test", type=int, default=20)
    parser.add_argument("--sparse", type=int, default=6, help="passages chosen for few figures")
    parser.add_argument("--add-train", type=int, default=0, metavar="N",
                        help="add N train passages from regions --out does not use yet")
    parser.add_argument("--add-dev", type=int, default=0, metavar="N",
                        help="add N dev passages from regions --out does not use yet")
    parser.add_argument("--reuse-train-regions", action="store_true",
                        help="with --add-train: once no unused region is left, also take another report "
                             "of a region only train uses (dev and test regions stay out of train)")
    parser.add_argument("--time-weight", type=float, default=0.0, metavar="W",
                        help="rank windows by figures plus W times their time expressions (a batch aimed at PERIOD)")
    args = parser.parse_args(argv)

    with (args.reports / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    rng = random.Random(args.seed)
    regions = sorted({r["region"] for r in rows})
    rng.shuffle(regions)
    by_region = {}
    for r in rows:
        by_region.setdefault(r["region"], []).append(r)

    # Test regions first: whole regions are held out.
    plan = {"test": args.test, "dev": args.dev, "train": args.train}
    level_quota = {"city": 0.72, "province": 0.2, "other": 0.08}
    chosen = []
    used_regions = set()
    reusable = {}
    if args.add_train or args.add_dev:
        existing = [json.loads(p.read_text(encoding="utf-8")) for p in args.out.glob("*.meta.json")]
        used_regions = {m["region"] for m in existing}
        if args.reuse_train_regions:
            if args.add_dev:
                raise SystemExit("--reuse-train-regions applies to --add-train only")
            held_out = {m["region"] for m in existing if m["split"] != "train"}
            used_files = {m.get("source_file") for m in existing}
            for region in regions:
                if region in used_regions and region not in held_out:
                    files = [r for r in by_region[region] if r["file"] not in used_files]
                    if files:
                        reusable[region] = files
        plan = {split: n for split, n in (("dev", args.add_dev), ("train", args.add_train)) if n}
        shares = {"city": 0.75, "province": 0.25}
        open_levels = {by_region[g][0]["level"] for g in regions if g not in used_regions or g in reusable}
        # levels with no unused region left hand their share to the others
        total = sum(v for k, v in shares.items() if k in open_levels) or 1.0
        level_quota = {k: v / total for k, v in shares.items() if k in open_levels}
        args.sparse = 0
    other_docs = sorted((r for r in rows if r["level"] == "other"), key=lambda r: r["file"])
    rng.shuffle(other_docs)
    for split, n in plan.items():
        for level, share in level_quota.items():
            want = max(1, round(n * share))
            if level == "other":
                # two national series (State Council, national bulletin): each file is its
                # own region-and-year, so these are split by document
                for _ in range(want):
                    if other_docs:
                        chosen.append((split, other_docs.pop()))
                continue
            pool = [g for g in regions if g not in used_regions and by_region[g][0]["level"] == level]
            # second reports of train-only regions come after every unused region
            pool += [g for g in regions if g in reusable and by_region[g][0]["level"] == level]
            for region in pool[:want]:
                used_regions.add(region)
                files = reusable.pop(region, None) or by_region[region]
                chosen.append((split, rng.choice(sorted(files, key=lambda r: r["file"]))))
    args.out.mkdir(parents=True, exist_ok=True)
    sparse_left = args.sparse
    index = []
    for split, doc in chosen:
        text = (args.reports / doc["file"]).read_text(encoding="utf-8")
        dense = not (split == "train" and sparse_left > 0 and rng.random() < 0.15)
        best = _best_window(text, args.chars, dense, args.time_weight)
        if best is None:
            continue
        if not dense:
            sparse_left -= 1
        _, start, end = best
        passage = text[start:end]
        doc_id = Path(doc["file"]).stem
        if (args.out / f"{doc_id}.txt").exists():
            raise SystemExit(f"{args.out / doc_id}.txt exists; refusing to overwrite")
        report_year = int(doc["year"])
        is_bulletin = "统计公报" in doc["region"] or "gongbao" in doc_id
        year = report_year if is_bulletin else report_year - 1
        org = "国家统计局" if is_bulletin else (
            "国务院" if doc["region"] == "国务院" else doc["region"] + "人民政府")
        meta = {
            "org": org, "year": year, "level": doc["level"], "region": doc["region"],
            "source": f'{doc["source_repo"]}:{doc["source_path"]}', "source_file": doc["file"],
            "source_offset": [start, end], "split": split, "dense": dense,
            **({"time_weight": args.time_weight} if args.time_weight else {}),
            "year_note": "year covered" if is_bulletin else f"report delivered in {report_year}; review part covers {year}",
        }
        (args.out / f"{doc_id}.txt").write_text(passage, encoding="utf-8")
        (args.out / f"{doc_id}.meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        index.append((split, doc_id, len(passage), dense))
    for split in plan:
        docs = [i for i in index if i[0] == split]
        print(split, len(docs), sum(i[2] for i in docs), "chars")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
