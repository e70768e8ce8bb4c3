"""Microsoft Recognizers-Text (Culture.Chinese): currency and dimension -> AMOUNT, percentage -> RATE,
date and daterange -> PERIOD, each with the recognizer's own resolution."""
from __future__ import annotations

import datetime

from .base import Adapter, Found, day_range, split_units


def _number(value) -> float | None:
    try:
        return float(str(value).rstrip("%")) / (100 if str(value).endswith("%") else 1)
    except (TypeError, ValueError):
        return None


def _period(resolution) -> list[str] | None:
    values = (resolution or {}).get("values") or []
    if not values:
        return None
    first = values[0]  # the first reading (the past one for a year-less date)
    if first.get("type") == "daterange":
        return day_range(first.get("start"), first.get("end"), last_exclusive=True)
    if first.get("type") == "date":
        return day_range(first.get("value"), first.get("value"))
    return None


class Recognizers(Adapter):
    """Run per sentence (。！？；and line breaks), as for the chat utterances the library is built for;
    the reference date for relative dates is noon on 31 December of the document year."""

    name = "ms-recognizers-text-suite"
    distribution = "ms-recognizers-text-suite"
    labels = ("AMOUNT", "RATE", "PERIOD")
    values = ("AMOUNT", "RATE", "PERIOD")
    feeds = "sentence"

    def load(self) -> None:
        from ms_recognizers_suite import (Culture, recognize_currency, recognize_datetime, recognize_dimension,
                                          recognize_percentage)

        self.culture = Culture.Chinese
        self.amount = (recognize_currency, recognize_dimension)
        self.percentage = recognize_percentage
        self.datetime = recognize_datetime

    def predict(self, text: str, year: int | None) -> list[Found]:
        ref = datetime.datetime(year, 12, 31, 12) if year else None
        out = []
        for offset, sentence in split_units(text, "。！？；\n"):
            for recognize in self.amount:
                for r in recognize(sentence, self.culture):
                    out.append(self._found(offset, sentence, r, "AMOUNT",
                                           _number((r.resolution or {}).get("value"))))
            for r in self.percentage(sentence, self.culture):
                out.append(self._found(offset, sentence, r, "RATE", _number((r.resolution or {}).get("value"))))
            for r in self.datetime(sentence, self.culture, reference=ref):
                if r.type_name in ("datetimeV2.date", "datetimeV2.daterange"):
                    out.append(self._found(offset, sentence, r, "PERIOD", _period(r.resolution)))
        return out

    @staticmethod
    def _found(offset: int, sentence: str, result, label: str, value) -> Found:
        # result.end is inclusive
        s, e = offset + result.start, offset + result.end + 1
        return Found(s, e, label, sentence[result.start:result.end + 1], value)
