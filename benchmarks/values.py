"""govie's normalized value of a span text (the gold value in the benchmarks) and value equality."""
from __future__ import annotations

import math
from typing import Any

NORMALIZED_LABELS = ("AMOUNT", "RATE", "PERIOD")


def normalized_value(label: str, text: str, year: int | None) -> Any:
    """Return govie's normalization of a span: a number (AMOUNT, RATE), ``[first, last]`` (PERIOD) or None.

    label (str): AMOUNT, RATE or PERIOD (others give None).
    text (str): The span text.
    year (int): The document year, for relative periods.

    >>> normalized_value("AMOUNT", "3.2亿元", None)
    320000000
    >>> normalized_value("PERIOD", "1-11月", 2023)
    ['2023-01-01', '2023-11-30']
    """
    from govie.errors import GovieError
    from govie.normalize import normalize_amount, normalize_period, normalize_rate

    try:
        if label == "AMOUNT":
            return normalize_amount(text).value
        if label == "RATE":
            return normalize_rate(text).value
    except GovieError:
        return None
    if label == "PERIOD":
        p = normalize_period(text, year)
        if p.start is None or p.end is None:
            return None
        return [p.start.isoformat(), p.end.isoformat()]
    return None


def same_value(a: Any, b: Any) -> bool:
    """Return whether two normalized values are equal (numbers to 1e-9 relative, periods exactly).

    >>> same_value(1.233, 1.2330000000001), same_value(["2023-01-01", "2023-11-30"], ("2023-01-01", "2023-11-30"))
    (True, True)
    """
    if a is None or b is None:
        return False
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and list(a) == list(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
