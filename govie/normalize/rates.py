"""Normalize RATE spans to a fraction with its kind, and read the direction of a change."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Errors, GovieError
from .numerals import ARABIC_NUMBER, CHINESE_NUMBER, drop_spaces, fold_width, parse_number, to_plain_number

UP_WORDS = ("增长", "增加", "提高", "上升", "上涨", "多增", "新增", "提升", "增至", "扩大", "攀升", "增")
DOWN_WORDS = ("下降", "减少", "回落", "降低", "减低", "下滑", "下跌", "收窄", "缩小", "缩减", "负增长", "压缩", "缩短",
              "精简", "压减",
              "少增", "减", "降")
FLAT_WORDS = ("持平",)
# 增加值 (value added) and 增速/增幅 (growth rate) name quantities, not a change
_DIRECTION_RE = re.compile("|".join(
    re.escape(w) + ("(?!加值|速|幅)" if len(w) == 1 else "(?!值)" if w == "增加" else "")
    for w in sorted(UP_WORDS + DOWN_WORDS + FLAT_WORDS, key=len, reverse=True)))
# a direction is read back to the clause start, but through 、 and 分别 so lists share it
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")

_PREFIXES = ("将近", "接近", "大约", "超过", "近", "约", "逾", "超", "不到", "不足")
_SUFFIXES = ("以上", "左右", "上下", "多", "余")
_RATE_RE = re.compile(
    rf"^(?P<pre>{'|'.join(_PREFIXES)})?"
    rf"(?:百分之(?P<pct_cn>{CHINESE_NUMBER})"
    rf"|千分之(?P<pm_cn>{CHINESE_NUMBER})"
    rf"|(?P<num>{ARABIC_NUMBER}|{CHINESE_NUMBER})(?P<mid>余|多)?"
    r"(?P<unit>%|‰|倍|成|个百分点|百分点|/(?P<den>\d+)))"
    rf"(?P<post>{'|'.join(_SUFFIXES)})?$")


@dataclass(frozen=True)
class Rate:
    """A normalized rate: ``value`` as a fraction (or factor for ``multiple``)."""

    value: int | float
    kind: str  # percent, per-mille, multiple, points, fraction
    approx: bool
    sign: int | None  # +1/-1 when the span carries a written sign


def normalize_rate(text: str) -> Rate:
    """Normalize a RATE span's text.

    >>> normalize_rate("123.3 %")
    Rate(value=1.233, kind='percent', approx=False, sign=None)
    >>> normalize_rate("两成")
    Rate(value=0.2, kind='percent', approx=False, sign=None)
    """
    folded = drop_spaces(fold_width(text))
    match = _RATE_RE.match(folded)
    if not match:
        raise GovieError(Errors.E042.format(text=text))
    approx = bool(match.group("pre") or match.group("post") or match.group("mid"))
    if match.group("pct_cn"):
        number, kind, scale = parse_number(match.group("pct_cn")), "percent", Decimal(100)
    elif match.group("pm_cn"):
        number, kind, scale = parse_number(match.group("pm_cn")), "per-mille", Decimal(1000)
    else:
        number = parse_number(match.group("num"))
        unit = match.group("unit")
        if unit == "%":
            kind, scale = "percent", Decimal(100)
        elif unit == "‰":
            kind, scale = "per-mille", Decimal(1000)
        elif unit == "倍":
            kind, scale = "multiple", Decimal(1)
        elif unit == "成":
            kind, scale = "percent", Decimal(10)
        elif unit.endswith("百分点"):
            kind, scale = "points", Decimal(100)
        else:
            kind, scale = "fraction", Decimal(match.group("den"))
            if scale == 0:
                raise GovieError(Errors.E042.format(text=text))
    sign = None
    raw_num = match.group("num") or ""
    if raw_num and raw_num[0] in "+-":
        sign = -1 if raw_num[0] == "-" else 1
    return Rate(to_plain_number(number / scale), kind, approx, sign)


def direction_before(context: str) -> int | None:
    """Return +1, -1 or 0 from the last change word in the clause that ends ``context``, else None.

    ``context`` is the text just before a figure.

    >>> direction_before("一般公共预算收入同比下降")
    -1
    >>> direction_before("城镇和农村居民人均可支配收入分别增长7.8%、")
    1
    """
    clause = _CLAUSE_BREAK.split(context)[-1]
    # a previous figure's own text (7.8%、) stays in the clause, so lists share the word before them
    words = _DIRECTION_RE.findall(clause)
    if not words:
        return None
    last = words[-1]
    if last in FLAT_WORDS:
        return 0
    return 1 if last in UP_WORDS else -1
