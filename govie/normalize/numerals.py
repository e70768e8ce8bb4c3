"""Read numbers written in Arabic or Chinese numerals, full- or half-width, exactly (Decimal)."""
from __future__ import annotations

import re
import warnings
from decimal import Decimal, InvalidOperation

from ..errors import Errors, GovieError

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％‰－＋／～：", "0123456789.,%‰-+/~:")
# source quirks: a middle dot or ideographic full stop used as a decimal point (1·8%)
_DECIMAL_QUIRKS = str.maketrans({"·": ".", "•": ".", "∙": "."})
_DASHES = str.maketrans({"—": "-", "–": "-", "−": "-", "～": "-", "~": "-", "―": "-", "－": "-"})

CHINESE_DIGITS = "〇零一二两三四五六七八九"
CHINESE_UNITS = "十百千万亿"
CHINESE_NUMERAL_CHARS = CHINESE_DIGITS + CHINESE_UNITS + "点"
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

ARABIC_NUMBER = r"[+\-]?\d[\d,]*(?:\.\d+)?"
CHINESE_NUMBER = f"[{CHINESE_DIGITS}十百千万亿][{CHINESE_NUMERAL_CHARS}]*"
_ARABIC_RE = re.compile(ARABIC_NUMBER)
_DIGIT_YEAR = str.maketrans("〇零一二三四五六七八九", "00123456789")
_SPACES = re.compile(r"\s+")


def fold_width(text: str) -> str:
    """Map full-width digits and signs to ASCII, decimal-point quirks to '.', dashes to '-'.

    >>> fold_width("１２３．５％")
    '123.5%'
    """
    return text.translate(_FULLWIDTH).translate(_DECIMAL_QUIRKS).translate(_DASHES)


def drop_spaces(text: str) -> str:
    """Remove all whitespace: stray or thousands-separating spaces and line wraps inside a figure.

    >>> drop_spaces("41\\u2009024.72\\n万元")
    '41024.72万元'
    """
    return _SPACES.sub("", text)


def _chinese_to_decimal(text: str) -> Decimal:
    import cn2an  # imported lazily: it loads its config at import time

    if all(c in "〇零一二三四五六七八九点" for c in text) and "点" not in text and len(text) > 1:
        # digit-by-digit form (二〇二三)
        return Decimal(text.translate(_DIGIT_YEAR))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cn2an.cn2an(text, "normal")
    return Decimal(str(value))


def parse_number(text: str) -> Decimal:
    """Return the exact value of a number in Arabic or Chinese numerals, with 万/亿 multipliers.

    >>> parse_number("3.2亿")
    Decimal('320000000.0')
    >>> parse_number("一千二百万")
    Decimal('12000000')
    """
    raw = drop_spaces(fold_width(text))
    if not raw:
        raise GovieError(Errors.E040.format(text=text))
    match = _ARABIC_RE.match(raw)
    try:
        if match:
            value = Decimal(match.group().replace(",", ""))
            rest = raw[match.end():]
            for char in rest:
                if char not in MULTIPLIERS:
                    raise GovieError(Errors.E040.format(text=text))
                value *= MULTIPLIERS[char]
            return value
        if all(c in CHINESE_NUMERAL_CHARS for c in raw):
            return _chinese_to_decimal(raw)
    except (InvalidOperation, ValueError, KeyError):
        pass
    raise GovieError(Errors.E040.format(text=text))


def to_plain_number(value: Decimal) -> int | float:
    """Return ``value`` as an ``int`` when it is whole, else as a ``float``."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
