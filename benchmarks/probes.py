"""A fixed probe list: one clause, the label asked for, and the value a reader expects.

Expected values are written by hand from corpus/GUIDE.md section 4 (not computed by govie); every
probe dates relative periods with the year 2023. A signed probe asks for the direction of a change
too (下降0.5个百分点 -> -0.005).
"""
from __future__ import annotations

from typing import Any

from .values import same_value

YEAR = 2023

PROBES: tuple[dict[str, Any], ...] = (
    {"id": "1-11月", "text": "1-11月，完成营收3.2亿元。", "label": "PERIOD", "expected": ["2023-01-01", "2023-11-30"]},
    {"id": "41024.72万元", "text": "完成投资41024.72万元。", "label": "AMOUNT", "expected": 410247200},
    {"id": "3.2亿元", "text": "完成规上营利性服务业营收3.2亿元。", "label": "AMOUNT", "expected": 320000000},
    {"id": "同比增长123.3%", "text": "营收同比增长123.3%。", "label": "RATE", "expected": 1.233, "signed": True},
    {"id": "下降0.5个百分点", "text": "城镇登记失业率下降0.5个百分点。", "label": "RATE", "expected": -0.005,
     "signed": True},
    {"id": "一季度", "text": "一季度，地区生产总值增长5%。", "label": "PERIOD", "expected": ["2023-01-01", "2023-03-31"]},
    {"id": "截至10月底", "text": "截至10月底，新增企业120家。", "label": "PERIOD",
     "expected": ["2023-01-01", "2023-10-31"]},
    {"id": "2023年1月至10月", "text": "2023年1月至10月，税收收入2亿元。", "label": "PERIOD",
     "expected": ["2023-01-01", "2023-10-31"]},
    {"id": "两成", "text": "研发投入占比提高两成。", "label": "RATE", "expected": 0.2},
    {"id": "一千二百万元", "text": "安排资金一千二百万元。", "label": "AMOUNT", "expected": 12000000},
    {"id": "1.5倍", "text": "出口额是2015年的1.5倍。", "label": "RATE", "expected": 1.5},
    {"id": "430万美元", "text": "实际利用外资430万美元。", "label": "AMOUNT", "expected": 4300000},
)


def _signed(found: dict[str, Any]) -> Any:
    value = found.get("value")
    if isinstance(value, (int, float)) and found.get("direction") == -1 and value > 0:
        return -value
    return value


def judge(probe: dict[str, Any], found: list[dict[str, Any]], labels: list[str]) -> dict[str, Any]:
    """Return ``{ok, text, value}`` for one probe from a tool's spans (``ok`` None when it lacks the label).

    >>> judge(PROBES[1], [{"label": "AMOUNT", "text": "41024.72万元", "value": 410247200.0}], ["AMOUNT"])["ok"]
    True
    """
    if probe["label"] not in labels:
        return {"ok": None, "text": None, "value": None}
    candidates = [f for f in found if f["label"] == probe["label"]]
    for f in candidates:
        value = _signed(f) if probe.get("signed") else f.get("value")
        if same_value(value, probe["expected"]):
            return {"ok": True, "text": f["text"], "value": value}
    if not candidates:
        return {"ok": False, "text": None, "value": None}
    first = candidates[0]
    return {"ok": False, "text": first["text"], "value": _signed(first) if probe.get("signed") else first.get("value")}
