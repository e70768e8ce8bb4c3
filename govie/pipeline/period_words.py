"""The words a PERIOD span takes or leaves at its edges (GUIDE sections 2 and 7), applied after decoding.

The guide puts leading and trailing time words inside a PERIOD (截至去年底, 自5月份, 有记录以来,
“十四五”末) and the verb of a record outside it (创有记录以来最好水平 → 有记录以来). The tagger gets these
edges wrong mostly where the segmenter fuses the verb with the window (创有) or splits the time word off,
and it sometimes takes in the predicate before a record window (为建市以来) or the mark after a listed year
(2018、), or tags the base of a comparison (约为2016年的5倍) or a plan name qualifying a list (入选“十四五”首批)
as a PERIOD.
Each rule holds without an exception over the PERIOD spans of the train and dev gold (3,551 when the rules were
counted; the counts are next to each rule and in ``corpus/README.md``); ``tests/test_period_words.py`` checks
that every gold PERIOD of the corpus is left as it is.
"""
from __future__ import annotations

import re
from typing import Collection, Optional, Sequence

import numpy

from ..schema import Span

# Taken in before a PERIOD: 截至去年底, 截止6月底 (8 inside, 0 outside in train and dev).
LEADING_WORDS = ("截止到", "截至", "截止")
# Taken in before a month or quarter only: 自5月份, 从10月 (GUIDE section 7; before a year they stay out).
MONTH_LEADING_WORDS = ("自", "从")
_MONTH_OR_QUARTER = re.compile(r"(月|月份|季度)$")
# Taken in after a PERIOD: 2007年以来, “十四五”末, 去年底, 年初, “十三五”期间 (229 inside, 0 outside).
TRAILING_WORDS = ("以来", "期间", "时期", "末", "底", "初")
# Left out of a PERIOD: the verb of a record and what comes before it, 创有记录以来 → 有记录以来 (0 inside,
# 74 outside); a leading predicate or particle, 为建市以来 → 建市以来 (0 inside; outside: 为 56, 的 43, 在 29,
# 是 29, 成为 7, 于 6, 达 2, with 达到 taken as one word); a trailing particle, 去年是 → 去年 (no gold PERIOD
# ends in 的 or 是).
RECORD_VERB = "创"
LEADING_PREDICATES = ("成为", "达到", "为", "是", "在", "于", "达", "的")
TRAILING_PARTICLES = ("的", "是")
# Never at the end of a gold PERIOD: a list or range mark (2018、 → 2018; 2021— → 2021), or a Chinese numeral
# right after an Arabic year, which the segmenter fuses with the next name (2024四川省 → 2024).
_TRAILING_MARKS = re.compile(r"(?:[、，,；;—–\-－~～]+|(?<=[0-9])[一二三四五六七八九十两])$")
# The base of a comparison is not a PERIOD (GUIDE section 2): a time right before 的N倍, 水平 or 同期
# (约为2016年的5倍, 超过2019年水平, 2019年同期; 71 such years in train and dev, none a PERIOD). A record window keeps
# its 同期 (2007年以来同期最好水平).
_AFTER_BASE = re.compile(r"的[约近超逾]?[0-9.一二三四五六七八九十两百]+倍|(?:同期)?的?水平|同期")
# A bare count of years right before a verb of change or accumulation is the window of an accumulated figure, a
# PERIOD (GUIDE section 7): 五年累计完成投资, 高新技术企业5年增加2万多家, 三年翻番 (62 PERIOD, 1 no span in train and dev).
_ACCUMULATION_WINDOW = re.compile(
    r"(?<![0-9.一二三四五六七八九十两连续近过去前后来这每第])(?:[1-9]|1[0-9]|[一二三四五六七八九十两]{1,2})年"
    r"(?=累计|增加|新增|净增|翻了?一番|翻番|共|合计|减少|下降|提高|增长)")
# A five-year-plan name qualifying a plan, goal or list is not a span (GUIDE section 7): “十四五”规划, 入选“十四五”首批
# (bare plan names before 规划 100, 目标 9, 首批 7, 重大 3, 主要 2 in train and dev, none a PERIOD).
_PLAN_NAME = re.compile(r"[“\"]?十[一二三四五六七八九]五[”\"]?")
_PLAN_QUALIFIES = ("规划", "目标", "首批", "重大", "主要")


def attach_period_words(spans: Sequence[Span], text: str,
                        word_edges: Optional[Collection[int]] = None) -> list[Span]:
    """Return ``spans`` with each PERIOD's edge words set as the guide has them.

    A span never grows into a character another span covers. A trailing word is taken only where it
    ends at one of ``word_edges`` (when given), so 2023年 stays whole in 2023年初步核算. A PERIOD left
    with a single character (a lone 月) is dropped: no gold PERIOD has one; so are the base of a
    comparison (2016年的5倍, 2019年水平) and a plan name that names a plan or list (“十四五”首批).

    >>> text = "截至去年底全市脱贫，空气质量创有记录以来最好水平"
    >>> [s.text for s in attach_period_words([Span(2, 5, "PERIOD", "去年底"),
    ...                                       Span(14, 20, "PERIOD", "创有记录以来")], text)]
    ['截至去年底', '有记录以来']
    """
    covered = numpy.zeros(len(text) + 1, dtype=bool)
    for span in spans:
        covered[span.start:span.end] = True

    def free(start: int, end: int) -> bool:
        return start >= 0 and end <= len(text) and not covered[start:end].any()

    def word_before(start: int, words: Sequence[str]) -> str:
        """The first of ``words`` written right before ``start`` on free characters, or ''."""
        return next((w for w in words if text.startswith(w, start - len(w)) and free(start - len(w), start)), "")

    result = []
    for span in spans:
        if span.label != "PERIOD":
            result.append(span)
            continue
        start, end = span.start, span.end
        verb = text.rfind(RECORD_VERB, start, end)
        if verb >= 0:
            start = verb + len(RECORD_VERB)
        start += next((len(w) for w in LEADING_PREDICATES if text.startswith(w, start)), 0)
        end -= next((len(w) for w in TRAILING_PARTICLES if text.endswith(w, start, end)), 0)
        mark = _TRAILING_MARKS.search(text, start, end)
        if mark:
            end = mark.start()
        leading = word_before(start, LEADING_WORDS)
        if not leading and _MONTH_OR_QUARTER.search(text, start, end):
            leading = word_before(start, MONTH_LEADING_WORDS)
        start -= len(leading)
        for word in TRAILING_WORDS:
            after = end + len(word)
            if (text.startswith(word, end) and free(end, after)
                    and (word_edges is None or after in word_edges)):
                end = after
                break
        if end - start < 2 or _comparison_base(text, start, end) or _qualifies_a_plan(text, start, end):
            continue
        if (start, end) == (span.start, span.end):
            result.append(span)
        else:
            covered[start:end] = True
            result.append(Span(start, end, span.label, text[start:end]))
    return result


def _comparison_base(text: str, start: int, end: int) -> bool:
    """Whether the time at ``[start, end)`` is the base of a comparison rather than a PERIOD."""
    return not text.endswith("以来", start, end) and _AFTER_BASE.match(text, end) is not None


def _qualifies_a_plan(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` is a bare plan name (“十四五”) that names a plan, goal or list after it."""
    return _PLAN_NAME.fullmatch(text, start, end) is not None and text.startswith(_PLAN_QUALIFIES, end)


def add_accumulation_windows(spans: Sequence[Span], text: str) -> list[Span]:
    """Return ``spans`` (sorted) with each count of years that opens an accumulated figure as a PERIOD: added
    on characters no span covers, relabelled where it was tagged an AMOUNT (no gold AMOUNT is one).

    >>> [(s.text, s.label) for s in add_accumulation_windows([Span(6, 8, "AMOUNT", "5年")], "违法犯罪警情5年累计下降")]
    [('5年', 'PERIOD')]
    >>> [s.text for s in add_accumulation_windows([], "高新技术企业5年增加2万多家，连续三年增长")]
    ['5年']
    """
    covered = numpy.zeros(len(text) + 1, dtype=bool)
    for span in spans:
        covered[span.start:span.end] = True
    windows = {m.span(): m.group() for m in _ACCUMULATION_WINDOW.finditer(text)}
    if not windows:
        return list(spans)
    result = [Span(s.start, s.end, "PERIOD", s.text) if s.label == "AMOUNT" and (s.start, s.end) in windows else s
              for s in spans]
    result += [Span(start, end, "PERIOD", word) for (start, end), word in windows.items()
               if not covered[start:end].any()]
    return sorted(result)
