"""JioNLP: ``extract_money`` -> AMOUNT, ``extract_time`` -> PERIOD, each with JioNLP's own parse."""
from __future__ import annotations

import time

from .base import Adapter, Found, day_range


def _money_value(detail) -> float | None:
    num = (detail or {}).get("num")
    return float(num) if isinstance(num, str) else None  # a range gives a list: no single value


def _time_value(detail) -> list[str] | None:
    span = (detail or {}).get("time")
    if isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) for t in span):
        return day_range(span[0], span[1])
    return None  # periodic times and deltas have no calendar span


class JioNLP(Adapter):
    """Money and time extraction over the whole document; ``time_base`` is noon on 31 December of the year."""

    name = "jionlp"
    distribution = "jionlp"
    labels = ("AMOUNT", "PERIOD")
    values = ("AMOUNT", "PERIOD")

    def load(self) -> None:
        import jionlp

        self.jio = jionlp

    def predict(self, text: str, year: int | None) -> list[Found]:
        base = time.mktime((year, 12, 31, 12, 0, 0, 0, 0, -1)) if year else None
        out = []
        for item in self.jio.ner.extract_money(text, with_parsing=True):
            s, e = item["offset"]
            out.append(Found(s, e, "AMOUNT", text[s:e], _money_value(item.get("detail"))))
        for item in self.jio.ner.extract_time(text, time_base=base, with_parsing=True):
            s, e = item["offset"]
            out.append(Found(s, e, "PERIOD", text[s:e], _time_value(item.get("detail"))))
        return out
