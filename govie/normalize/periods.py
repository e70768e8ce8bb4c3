"""Normalize PERIOD spans to ISO start and end dates, using the document year."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .numerals import drop_spaces, fold_width, parse_number

_CN_SMALL = "〇零一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
_YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
_RANGE = r"(?:-|至|到|—|~)"
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_FIVE_YEAR_PLANS = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "全年": 0, "年内": 0, "本年度": 0,
                   "去年": -1, "上年": -1, "上一年": -1, "前年": -2, "明年": 1, "下一年": 1}


@dataclass(frozen=True)
class Period:
    """A normalized period: inclusive ISO dates; ``None`` where the text leaves one open."""

    start: date | None
    end: date | None


def _int(text: str) -> int:
    return int(parse_number(text))


def _year(text: str) -> int:
    return int(parse_number(text)) if text[0].isdigit() else int(text.translate(str.maketrans("〇零一二三四五六七八九", "00123456789")))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span_years(first: int, last: int) -> Period:
    return Period(date(first, 1, 1), date(last, 12, 31))


def _quarter(year: int, q_first: int, q_last: int) -> Period:
    return Period(date(year, 3 * q_first - 2, 1), _month_end(year, 3 * q_last))


def normalize_period(text: str, year: int | None) -> Period:
    """Return the dates a PERIOD span covers; ``year`` is the document year for year-less periods.

    >>> normalize_period("1-11月", 2023)
    Period(start=datetime.date(2023, 1, 1), end=datetime.date(2023, 11, 30))
    >>> normalize_period("截至10月底", 2023)
    Period(start=datetime.date(2023, 1, 1), end=datetime.date(2023, 10, 31))
    """
    t = fold_width(text).strip().strip("“”\"'")
    t = t.replace("“", "").replace("”", "")
    try:
        iso = _h_iso_date(t, t, year, year, True)
    except ValueError:
        return Period(None, None)
    if iso:
        return iso
    t = drop_spaces(t)
    explicit = re.match(rf"^({_YEAR})年(?:度)?", t)
    y = _year(explicit.group(1)) if explicit else year
    rest = t[explicit.end():] if explicit else t
    rest = re.sub(r"^(?:的|)", "", rest)
    for handler in _HANDLERS:
        try:
            result = handler(t, rest, y, year, explicit is not None)
        except ValueError:  # an impossible date such as 2月30日
            return Period(None, None)
        if result is not None:
            return result
    return Period(None, None)


def _h_iso_date(t, rest, y, doc_year, explicit):
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$", t)
    if m:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return Period(d, d)
    return None


def _h_year_range(t, rest, y, doc_year, explicit):
    m = re.match(rf"^({_YEAR})(?:年)?{_RANGE}({_YEAR})年(?:间|期间)?$", t)
    if m:
        return _span_years(_year(m.group(1)), _year(m.group(2)))
    return None


def _h_five_year_plan(t, rest, y, doc_year, explicit):
    for name, first in _FIVE_YEAR_PLANS.items():
        if t.startswith(name) and re.match(r"^(?:时期|期间|以来|规划期|末)?$", t[len(name):]):
            if t.endswith("末"):
                return Period(date(first + 4, 12, 31), date(first + 4, 12, 31))
            if t.endswith("以来"):
                return Period(date(first, 1, 1), date(doc_year, 12, 31) if doc_year else None)
            return _span_years(first, first + 4)
    return None


def _h_since(t, rest, y, doc_year, explicit):
    m = re.match(rf"^(?:自)?({_YEAR})年(?:(\d{{1,2}})月)?以来$", t)
    if m:
        start = date(_year(m.group(1)), int(m.group(2) or 1), 1)
        return Period(start, date(doc_year, 12, 31) if doc_year else None)
    m = re.match(rf"^(?:过去|近)?({_NUM})年(?:来|以来)?$", t)
    if m and (t.startswith(("过去", "近")) or t.endswith("来")) and doc_year:
        n = _int(m.group(1))
        return _span_years(doc_year - n + 1, doc_year)
    if re.match(r"^(?:过去)?一年(?:来|以来)?$", t) or t in ("过去一年", "这一年", "一年来"):
        return _span_years(doc_year, doc_year) if doc_year else Period(None, None)
    return None


_UNTIL_WORDS = "截止到|截至到|截至|截止|到|至"
_UNTIL = re.compile(rf"^(?:{_UNTIL_WORDS})")
_FROM_MONTH = re.compile(rf"^(?:自|从)({_NUM})月(?:份)?(?:以来|起|开始)?$")


def _h_until(t, rest, y, doc_year, explicit):
    m = re.match(rf"^(?:{_UNTIL_WORDS})(?:({_YEAR})年)?(?:({_NUM})月)?(?:份)?(?:({_NUM})日)?(底|末|末期)?$", t)
    if not m or not (m.group(1) or m.group(2) or m.group(4)):
        lead = _UNTIL.match(t)
        if lead and len(t) > lead.end() and not _UNTIL.match(t[lead.end():]):
            # 截至去年底: from the start of the year the remaining period ends in, to its end
            end = normalize_period(t[lead.end():], doc_year).end
            if end is not None:
                return Period(date(end.year, 1, 1), end)
        return None
    year_ = _year(m.group(1)) if m.group(1) else doc_year
    if year_ is None:
        return Period(None, None)
    if m.group(2):
        month = _int(m.group(2))
        end = date(year_, month, _int(m.group(3))) if m.group(3) else _month_end(year_, month)
    else:
        end = date(year_, 12, 31)
    return Period(date(year_, 1, 1), end)


def _h_from_month(t, rest, y, doc_year, explicit):
    m = _FROM_MONTH.match(rest)
    if m and y and 1 <= _int(m.group(1)) <= 12:  # 自5月份, 从10月起: from that month to the year's end
        return Period(date(y, _int(m.group(1)), 1), date(y, 12, 31))
    return None


def _h_month_range(t, rest, y, doc_year, explicit):
    m = re.match(rf"^({_NUM})(?:月份?)?{_RANGE}({_NUM})月(?:份)?(?:底|末)?(?:以来)?$", rest)
    if m and y:
        first, last = _int(m.group(1)), _int(m.group(2))
        if 1 <= first <= last <= 12:
            return Period(date(y, first, 1), _month_end(y, last))
    m = re.match(rf"^({_NUM})月(?:份)?{_RANGE}({_YEAR})年({_NUM})月(?:份)?$", rest)
    if m and y:
        y2 = _year(m.group(2))
        return Period(date(y, _int(m.group(1)), 1), _month_end(y2, _int(m.group(3))))
    return None


def _h_day(t, rest, y, doc_year, explicit):
    m = re.match(rf"^({_NUM})月({_NUM})日$", rest)
    if m and y:
        d = date(y, _int(m.group(1)), _int(m.group(2)))
        return Period(d, d)
    m = re.match(rf"^({_NUM})月(?:份)?(底|末|初|上旬|中旬|下旬)?$", rest)
    if m and y:
        month = _int(m.group(1))
        if not 1 <= month <= 12:
            return None
        if m.group(2) in ("底", "末"):
            return Period(_month_end(y, month), _month_end(y, month))
        thirds = {"上旬": (1, 10), "中旬": (11, 20)}
        if m.group(2) in thirds:
            first, last = thirds[m.group(2)]
            return Period(date(y, month, first), date(y, month, last))
        if m.group(2) == "下旬":
            return Period(date(y, month, 21), _month_end(y, month))
        return Period(date(y, month, 1), _month_end(y, month))
    return None


def _h_quarter(t, rest, y, doc_year, explicit):
    core = re.sub(r"^(?:今年|本年|全年)", "", rest)
    m = re.match(r"^(?:前|1-|一至|1至)([一二三四1234])(?:个)?季度$", core)
    if m and y:
        return _quarter(y, 1, _QUARTERS[m.group(1)])
    m = re.match(r"^(?:第)?([一二三四1234])季度(?:末)?$", core)
    if m and y:
        q = _QUARTERS[m.group(1)]
        if core.endswith("末"):
            end = _month_end(y, 3 * q)
            return Period(end, end)
        return _quarter(y, q, q)
    m = re.match(r"^([一二三四1234])(?:-|至|、)([一二三四1234])季度$", core)
    if m and y:
        return _quarter(y, _QUARTERS[m.group(1)], _QUARTERS[m.group(2)])
    if core in ("上半年", "前半年") and y:
        return Period(date(y, 1, 1), date(y, 6, 30))
    if core == "下半年" and y:
        return Period(date(y, 7, 1), date(y, 12, 31))
    return None


def _h_year(t, rest, y, doc_year, explicit):
    core = rest
    if explicit and core in ("", "全年", "以来", "内", "度", "年度"):
        if core == "以来":
            return Period(date(y, 1, 1), date(doc_year, 12, 31) if doc_year else None)
        return _span_years(y, y)
    if explicit and core in ("底", "末", "年底", "年末", "末期"):
        return Period(date(y, 12, 31), date(y, 12, 31))
    for word, shift in _RELATIVE_YEARS.items():
        if core.startswith(word) and doc_year:
            tail = core[len(word):]
            target = doc_year + shift
            if tail in ("", "以来", "来", "内", "度"):
                return _span_years(target, target)
            if tail in ("底", "末", "年底", "年末"):
                return Period(date(target, 12, 31), date(target, 12, 31))
            sub = normalize_period(tail, target)
            if sub.start is not None:
                return sub
    m = re.match(rf"^(?:今后|未来)({_NUM})年$", core)
    if m and doc_year:
        return _span_years(doc_year + 1, doc_year + _int(m.group(1)))
    congress = {"十八大": date(2012, 11, 8), "十九大": date(2017, 10, 18), "二十大": date(2022, 10, 16)}
    m = re.match(r"^(?:党的)?(十八大|十九大|二十大)以来$", core)
    if m:
        return Period(congress[m.group(1)], date(doc_year, 12, 31) if doc_year else None)
    if explicit and core == "至今":
        return Period(date(y, 1, 1), date(doc_year, 12, 31) if doc_year else None)
    if core in ("年末", "年底", "末") and y:
        return Period(date(y, 12, 31), date(y, 12, 31))
    if core in ("截至目前", "目前为止", "截至当前") and y:
        return Period(date(y, 1, 1), None)
    return None


_HANDLERS = (_h_year_range, _h_five_year_plan, _h_since, _h_until, _h_from_month, _h_month_range, _h_day,
             _h_quarter, _h_year)
