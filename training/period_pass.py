"""Apply the settled time-expression rules of GUIDE.md section 7 to span lists (the PERIOD consistency passes).

Each rule finds a spot where a span list departs from a rule the guide settled by counting the corpus, and
says how to fix it: add a PERIOD, drop one, relabel it, or move its start. Relations follow a moved span;
those of a dropped or relabelled span are dropped. Without ``--apply`` it only lists the spots, so on a
consistent corpus it prints nothing (``tests/test_period_pass.py`` checks that ``corpus/src`` is).

Usage:
    python training/period_pass.py corpus/src                 # list the spots
    python training/period_pass.py corpus/src --apply         # rewrite the span lists (atomically)
    python training/period_pass.py corpus/src --ids ids.txt   # only these documents
"""
from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path
from typing import Iterator, NamedTuple

from govie.corpus.spanlist import build_from_files, to_spanlist
from govie.schema import Record, Relation, Span, atomic_write

_NUMBER = "[0-9一二两三四五六七八九十几多]"
_PLAN = re.compile(r"“?十[一二三四五六七八九]五”?")
_STAGE = "签约|开工|投产|立项|建设|竣工|并网|招商|谋划|建成|达产|见效|完工|落地|开业|运营|入统|纳统|申报|基本完工|基本建成"
_RECORD = "最好|最优|最高|最低|最快|最多|最大|新高|新低|之最|最火|次优|最佳|纪录"
_WINDOW = re.compile(
    r"(有[^，。；、\n的]{1,8}以来|有史以来|监测(?:数据|记录)?以来|近" + _NUMBER + r"*年来?|近年"
    r"|(?:撤地|[\u4e00-\u9fff]{2})?建[市州]以来|(?<=创)[^，。；、\n]{1,12}以来|(?<=创)" + _NUMBER + r"+年来?)(?=的?[^，。；\n]{0,3}(" + _RECORD + "))")
_EVENT = re.compile(r"大会|博览会|展览|展会|交易会|节|指数|峰会|论坛|之城|运动会|年会|赛|榜")
_NOT_EVENT = re.compile(r"计划|规划|行动|工程|议程|可持续发展|版")


class Fix(NamedTuple):
    """One departure from a rule: ``old`` becomes ``new`` (either may be None)."""

    rule: str
    old: Span | None
    new: Span | None


def find_fixes(record: Record) -> list[Fix]:
    """Return the fixes the settled rules ask for in ``record``, in a deterministic order."""
    text, spans = record.text, list(record.spans)
    fixes: list[Fix] = []

    def free(start: int, end: int) -> bool:
        return all(not (s.start < end and start < s.end) for s in spans)

    def add(rule: str, start: int, end: int) -> None:
        if free(start, end):
            span = Span(start, end, "PERIOD", text[start:end])
            spans.append(span)
            fixes.append(Fix(rule, None, span))

    for span in sorted(s for s in record.spans if s.label == "PERIOD"):
        after = re.match(r"[^，。；、！？\n]{0,14}", text[span.end:]).group()
        new: Span | None = span
        rule = ""
        if _PLAN.fullmatch(span.text) and ("规划" in after or re.match(r"首批|第[一二三四五]批", after)):
            new, rule = None, "a five-year plan qualifying a plan is no span"
        elif span.text in ("全年", "年度") and re.match(r"(主要)?(目标)?(任务|计划)", after):
            new, rule = None, "全年/年度 qualifying a task or plan is no span"
        elif (re.match(r"任务" + _NUMBER + r"+年完成", after)
              or (re.search(_NUMBER + r"+年任务$", text[max(0, span.start - 6):span.start]) and after.startswith("完成"))):
            new, rule = None, "a slogan such as 五年任务三年完成 has no span"
        elif re.fullmatch(r"[两二三]年", span.text) and text.startswith("平均", span.end):
            new, rule = None, "N年平均 qualifies a growth figure: no span"
        elif (re.fullmatch(r"[一二两三四五六七八九十]年", span.text) and text[span.start - 1:span.start] == "的"
              and "过去" not in text[max(0, span.start - 5):span.start] and text[span.end:span.end + 1] in set("。，；、！")):
            new, rule = None, "a predicate characterizing years is no span"
        elif (text[max(0, span.start - 2):span.start] == "连续" and re.fullmatch(_NUMBER + r"+个?(年|月|季度)", span.text)
              and "累计" not in re.match(r"[^。；！？\n]*", text[span.end:]).group()):
            new, rule = span._replace(label="AMOUNT"), "a streak is an AMOUNT unless the figure is accumulated"
        elif m := re.fullmatch(r"(刚刚)?过去的(\d{4}年)", span.text):
            start = span.start + m.start(2)
            new, rule = Span(start, span.end, "PERIOD", text[start:span.end]), "a calendar year is its own span"
        elif (span.start > 0 and text[span.start - 1] in "从自" and re.fullmatch(r"\d{1,2}月份?|[一二三四]季度", span.text)
              and all(not (s.start < span.start and span.start - 1 < s.end) for s in spans)):
            new = Span(span.start - 1, span.end, "PERIOD", text[span.start - 1:span.end])
            rule = "从/自 belong to the period"
        if rule:
            spans.remove(span)
            if new is not None:
                spans.append(new)
            fixes.append(Fix(rule, span, new))
    for m in re.finditer(r"“十[一二三四五六七八九]五”(?=实现|迈好|开好局|良好开局|圆满收官|胜利收官|的?(?:开局|收官|起步)之年)", text):
        add("a five-year plan as a time is a PERIOD", *m.span())
    for m in _WINDOW.finditer(text):
        add("the window of a record is a PERIOD", *m.span())
    for m in re.finditer(r"当年(?=" + _STAGE + r")(?![^，。；、\n]{0,8}率)", text):
        add("当年 before a project stage is a PERIOD", *m.span())
    for m in re.finditer(r"(?<=(?:划|要|志)[（(])\d{4}\s*[—\-–－~～]\s*\d{4}年?(?=[）)])|\d{4}年(?=远景目标)", text):
        add("the years a plan covers are a PERIOD", *m.span())
    for m in re.finditer(r"(?<![0-9０-９〔（(—\-–－~～、.．/])20[0-3][0-9](年度)?(?![0-9年\-—–－~～〕)）、．.%])", text):
        tail = re.match(r"[^，。；、\n”]{0,14}", text[m.end():]).group()
        if (re.match(r"[\u4e00-\u9fff“·A-Za-z]", text[m.end():m.end() + 1]) and _EVENT.search(tail)
                and not _NOT_EVENT.search(tail)):
            add("a year naming an event, award or ranking is a PERIOD", *m.span())
    return fixes


def apply_fixes(record: Record, fixes: list[Fix]) -> Record:
    """Return ``record`` with ``fixes`` applied; relations follow moved spans and leave dropped or relabelled ones."""
    replaced = {f.old for f in fixes}
    spans = [s for s in record.spans if s not in replaced] + [f.new for f in fixes if f.new]
    moved = {(f.old.start, f.old.end): (f.new.start, f.new.end) if f.new and f.new.label == f.old.label else None
             for f in fixes if f.old}
    relations = []
    for rel in record.relations:
        head, child = (moved.get(tuple(key), tuple(key)) for key in (rel.head, rel.child))
        if head is not None and child is not None:
            relations.append(Relation(head, child, rel.label))
    return dataclasses.replace(record, spans=sorted(spans), relations=relations)


def iter_fixes(src: Path, ids: list[str]) -> Iterator[tuple[str, Record, list[Fix]]]:
    """Yield ``(doc_id, record, fixes)`` for every listed document with at least one fix.

    The record is the span list alone (its own ``#meta`` line, not ``meta.json``), so it writes back as it was.
    """
    for doc_id in ids:
        record = build_from_files(src / f"{doc_id}.txt", src / f"{doc_id}.spans")
        fixes = find_fixes(record)
        if fixes:
            yield doc_id, record, fixes


def write_spanlist(src: Path, doc_id: str, record: Record) -> None:
    """Rewrite ``<id>.spans`` from ``record`` (as read by :func:`iter_fixes`) atomically."""
    with atomic_write(src / f"{doc_id}.spans") as handle:
        handle.write(to_spanlist(record))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="the corpus/src directory")
    parser.add_argument("--ids", type=Path, help="file listing the document ids to check (default: all)")
    parser.add_argument("--apply", action="store_true", help="rewrite the span lists")
    args = parser.parse_args(argv)
    ids = args.ids.read_text(encoding="utf-8").split() if args.ids else sorted(p.stem for p in args.src.glob("*.spans"))
    count = 0
    for doc_id, record, fixes in iter_fixes(args.src, ids):
        for fix in fixes:
            span = fix.new or fix.old
            before = record.text[max(0, span.start - 10):span.start].replace("\n", "⏎")
            old = f"{fix.old.label} {fix.old.text}" if fix.old else "-"
            new = f"{fix.new.label} {fix.new.text}" if fix.new else "-"
            print(f"{doc_id}\t{fix.rule}\t{old} -> {new}\t…{before}[{record.text[span.start:span.end]}]")
        count += len(fixes)
        if args.apply:
            write_spanlist(args.src, doc_id, apply_fixes(record, fixes))
    print(f"{count} fixes{' applied' if args.apply else ''}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
