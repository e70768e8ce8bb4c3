"""Normalize AMOUNT spans: value in base units, unit, currency and approximation flag."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import Errors, GovieError
from .numerals import (ARABIC_NUMBER, CHINESE_NUMBER, MULTIPLIERS, drop_spaces, fold_width, parse_number,
                       to_plain_number)

APPROX_PREFIXES = ("将近", "接近", "大约", "超过", "近", "约", "逾", "超")
APPROX_SUFFIXES = ("以上", "左右", "上下", "多", "余")
CURRENCIES = {"美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY",
              "英镑": "GBP", "澳元": "AUD", "人民币": "CNY", "元": "CNY"}
# a 千 or 百 that opens one of these is part of the unit, not a multiplier (千瓦, 千米, 千克)
_UNIT_OPENERS = set("瓦米克伏帕卡焦")

_AMOUNT_RE = re.compile(
    rf"^(?P<pre>{'|'.join(APPROX_PREFIXES)})?"
    rf"(?P<num>{ARABIC_NUMBER}|{CHINESE_NUMBER})"
    r"(?P<rest>.*)$", re.S)


@dataclass(frozen=True)
class Amount:
    """A normalized amount: ``value`` in base ``unit`` (元, 美元, 平方米, 个 …)."""

    value: int | float
    unit: str
    currency: str | None
    approx: bool


def normalize_amount(text: str) -> Amount:
    """Normalize an AMOUNT span's text.

    >>> normalize_amount("3.2亿元")
    Amount(value=320000000, unit='元', currency='CNY', approx=False)
    >>> normalize_amount("2300余个")
    Amount(value=2300, unit='个', currency=None, approx=True)
    """
    folded = drop_spaces(fold_width(text))
    match = _AMOUNT_RE.match(folded)
    if not match:
        raise GovieError(Errors.E041.format(text=text))
    approx = bool(match.group("pre"))
    number = match.group("num")
    rest = match.group("rest")
    if number[0] not in "+-0123456789":
        # Chinese numerals: the numeral run may have swallowed a unit opener (五千瓦)
        while number and number[-1] in "千百" and rest[:1] in _UNIT_OPENERS:
            rest = number[-1] + rest
            number = number[:-1]
    multiplier_text = ""
    i = 0
    while i < len(rest):
        char = rest[i]
        if char in "余多" and i + 1 < len(rest) and rest[i + 1] in MULTIPLIERS:
            approx = True
        elif char in MULTIPLIERS and not (char in "千百" and rest[i + 1:i + 2] in _UNIT_OPENERS):
            multiplier_text += char
        else:
            break
        i += 1
    unit = rest[i:]
    if unit[:1] in ("余", "多"):
        approx = True
        unit = unit[1:]
    for suffix in APPROX_SUFFIXES:
        if unit.endswith(suffix) and len(unit) > len(suffix):
            approx = True
            unit = unit[: -len(suffix)]
            break
    if not unit or any(c.isdigit() for c in unit):
        raise GovieError(Errors.E041.format(text=text))
    try:
        value = parse_number(number + multiplier_text)
    except GovieError:
        raise GovieError(Errors.E041.format(text=text)) from None
    currency = None
    for name, code in CURRENCIES.items():
        if unit.endswith(name):
            currency = code
            break
    return Amount(to_plain_number(value), unit, currency, approx)
