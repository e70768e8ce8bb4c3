"""Every normalization case of corpus/GUIDE.md section 4, plus property tests of the numeral parser."""
from datetime import date
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings, strategies as st

from govie.errors import GovieError
from govie.normalize import (direction_before, drop_spaces, fold_width, normalize_amount, normalize_period,
                             normalize_rate, parse_number)


@pytest.mark.parametrize("text,value,unit,currency,approx", [
    ("3.2亿元", 320000000, "元", "CNY", False),
    ("41024.72万元", 410247200, "元", "CNY", False),
    ("430万美元", 4300000, "美元", "USD", False),
    ("一千二百万元", 12000000, "元", "CNY", False),
    ("近60万元", 600000, "元", "CNY", True),
    ("2300余个", 2300, "个", None, True),
    ("27229平方米", 27229, "平方米", None, False),
    ("１２３．５万元", 1235000, "元", "CNY", False),
    ("约800平方米", 800, "平方米", None, True),
    ("1194条", 1194, "条", None, False),
    ("6人", 6, "人", None, False),
    ("13次", 13, "次", None, False),
    ("10余万元", 100000, "元", "CNY", True),
    ("1.2万亿元", 1200000000000, "元", "CNY", False),
    ("5万千瓦", 50000, "千瓦", None, False),
    ("100万元以上", 1000000, "元", "CNY", True),
    ("两处", 2, "处", None, False),
    ("三千余人", 3000, "人", None, True),
])
def test_normalize_amount_cases(text, value, unit, currency, approx):
    amount = normalize_amount(text)
    assert (amount.value, amount.unit, amount.currency, amount.approx) == (value, unit, currency, approx)


@pytest.mark.parametrize("text", ["", "亿元", "第1", "12.5", "abc"])
def test_normalize_amount_rejects(text):
    with pytest.raises(GovieError, match="E041"):
        normalize_amount(text)


@pytest.mark.parametrize("text,value,kind,approx", [
    ("123.3%", 1.233, "percent", False),
    ("-6.2%", -0.062, "percent", False),
    ("9.06%", 0.0906, "percent", False),
    ("6.39‰", 0.00639, "per-mille", False),
    ("99.16%", 0.9916, "percent", False),
    ("1.5倍", 1.5, "multiple", False),
    ("3个百分点", 0.03, "points", False),
    ("两成", 0.2, "percent", False),
    ("123.3 %", 1.233, "percent", False),
    ("1·8%", 0.018, "percent", False),
    ("１２３．５％", 1.235, "percent", False),
    ("百分之九点零六", 0.0906, "percent", False),
    ("8%左右", 0.08, "percent", True),
    ("1/4", 0.25, "fraction", False),
    ("近三成", 0.3, "percent", True),
])
def test_normalize_rate_cases(text, value, kind, approx):
    rate = normalize_rate(text)
    assert (rate.value, rate.kind, rate.approx) == (value, kind, approx)


def test_normalize_rate_written_sign():
    assert normalize_rate("-6.2%").sign == -1
    assert normalize_rate("6.2%").sign is None


@pytest.mark.parametrize("context,direction", [
    ("同比增长", 1), ("比上年下降", -1), ("上涨", 1), ("减低", -1), ("多增", 1), ("同比减少", -1),
    ("回落", -1), ("降低", -1), ("下滑", -1), ("提高", 1), ("新增", 1), ("与上年持平", 0),
    ("增速比2021年减低", -1), ("规上工业增加值", None), ("城镇和农村居民人均可支配收入分别增长7.8%、", 1),
    ("增长5%，一般公共预算收入", None),
])
def test_direction_before(context, direction):
    assert direction_before(context) == direction


@pytest.mark.parametrize("text,start,end", [
    ("2023年", date(2023, 1, 1), date(2023, 12, 31)),
    ("1-11月", date(2023, 1, 1), date(2023, 11, 30)),
    ("1—11月", date(2023, 1, 1), date(2023, 11, 30)),
    ("截至10月底", date(2023, 1, 1), date(2023, 10, 31)),
    ("今年以来", date(2023, 1, 1), date(2023, 12, 31)),
    ("今年来", date(2023, 1, 1), date(2023, 12, 31)),
    ("全年", date(2023, 1, 1), date(2023, 12, 31)),
    ("上半年", date(2023, 1, 1), date(2023, 6, 30)),
    ("四季度", date(2023, 10, 1), date(2023, 12, 31)),
    ("前三季度", date(2023, 1, 1), date(2023, 9, 30)),
    ("2023年1月至10月", date(2023, 1, 1), date(2023, 10, 31)),
    ("2023年1-10月", date(2023, 1, 1), date(2023, 10, 31)),
    ("12月22日", date(2023, 12, 22), date(2023, 12, 22)),
    ("年末", date(2023, 12, 31), date(2023, 12, 31)),
    ("2024年上半年", date(2024, 1, 1), date(2024, 6, 30)),
    ("3月份", date(2023, 3, 1), date(2023, 3, 31)),
    ("2007年以来", date(2007, 1, 1), date(2023, 12, 31)),
    ("二〇二二年", date(2022, 1, 1), date(2022, 12, 31)),
    ("“十四五”时期", date(2021, 1, 1), date(2025, 12, 31)),
    ("2021-2025年", date(2021, 1, 1), date(2025, 12, 31)),
    ("截至2022年底", date(2022, 1, 1), date(2022, 12, 31)),
    ("过去五年", date(2019, 1, 1), date(2023, 12, 31)),
    ("2024-02-01", date(2024, 2, 1), date(2024, 2, 1)),
    # leading words the guide keeps inside the span (section 7)
    ("截至去年底", date(2022, 1, 1), date(2022, 12, 31)),
    ("截止上年末", date(2022, 1, 1), date(2022, 12, 31)),
    ("自5月份", date(2023, 5, 1), date(2023, 12, 31)),
    ("从10月起", date(2023, 10, 1), date(2023, 12, 31)),
    ("自8月以来", date(2023, 8, 1), date(2023, 12, 31)),
    ("从13月", None, None),
    ("截至去年底前", None, None),
])
def test_normalize_period_cases(text, start, end):
    period = normalize_period(text, 2023)
    assert (period.start, period.end) == (start, end)


def test_normalize_period_needs_year_for_relative_periods():
    assert normalize_period("1-11月", None).start is None
    assert normalize_period("2022年", None).start == date(2022, 1, 1)


def test_fold_width():
    assert fold_width("１２３．５％") == "123.5%"
    assert fold_width("1·8%") == "1.8%"


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_reads_chinese_numerals(n):
    assert parse_number(cn2an.an2cn(n)) == n


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([("", 1), ("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]))
def test_parse_number_arabic_with_multiplier_is_exact(value, multiplier):
    suffix, factor = multiplier
    assert parse_number(f"{value}{suffix}") == Decimal(str(value)) * factor


@settings(max_examples=200)
@given(st.decimals(min_value=0, max_value=10**5, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["万元", "亿元", "个", "平方米", "万美元"]))
def test_normalize_amount_round_trip(value, unit):
    amount = normalize_amount(f"{value}{unit}")
    factor = {"万元": 10**4, "亿元": 10**8, "万美元": 10**4}.get(unit, 1)
    assert Decimal(str(amount.value)) == Decimal(str(value)) * factor


@given(st.text(max_size=30))
def test_parse_number_fails_cleanly(text):
    try:
        parse_number(text)
    except GovieError as err:
        assert "E040" in str(err)


@pytest.mark.parametrize("text", ["2月30日", "13月", "2023-13-45", "", "abc"])
def test_normalize_period_impossible_dates_give_open_period(text):
    period = normalize_period(text, 2023)
    assert (period.start, period.end) == (None, None)


@pytest.mark.parametrize("text,start,end", [
    ("明年", date(2024, 1, 1), date(2024, 12, 31)),
    ("今后五年", date(2024, 1, 1), date(2028, 12, 31)),
    ("党的十八大以来", date(2012, 11, 8), date(2023, 12, 31)),
    ("3月下旬", date(2023, 3, 21), date(2023, 3, 31)),
    ("2020年至今", date(2020, 1, 1), date(2023, 12, 31)),
    ("“十四五”末", date(2025, 12, 31), date(2025, 12, 31)),
])
def test_normalize_period_more_forms(text, start, end):
    period = normalize_period(text, 2023)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text,value,unit", [
    ("3.2\n亿元", 320000000, "元"),
    ("3.\n2亿元", 320000000, "元"),
    ("3 .2亿元", 320000000, "元"),
    ("3. 2 亿元", 320000000, "元"),
    ("41 024.72万元", 410247200, "元"),
    ("41\u2009024.72万元", 410247200, "元"),
    ("41\u202f024.72万元", 410247200, "元"),
    ("41\u3000024.72万元", 410247200, "元"),
    ("41\u00a0024.72 万元", 410247200, "元"),
    ("1 234 567人", 1234567, "人"),
    ("１２３．５\n万元", 1235000, "元"),
    ("两千零二十三万元", 20230000, "元"),
    ("一千零五十个", 1050, "个"),
])
def test_normalize_amount_ignores_whitespace(text, value, unit):
    amount = normalize_amount(text)
    assert (amount.value, amount.unit) == (value, unit)


@pytest.mark.parametrize("text,value,kind", [
    ("１２３．５ ％", 1.235, "percent"),
    ("１２３．５\u3000％", 1.235, "percent"),
    ("123.3\n%", 1.233, "percent"),
    ("12\n3.3%", 1.233, "percent"),
    ("1·8 %", 0.018, "percent"),
    ("－６．２％", -0.062, "percent"),
    ("2.2 个百分点", 0.022, "points"),
    ("百分之十二", 0.12, "percent"),
])
def test_normalize_rate_ignores_whitespace(text, value, kind):
    rate = normalize_rate(text)
    assert (rate.value, rate.kind) == (value, kind)


@pytest.mark.parametrize("text,start,end", [
    ("1 - 11月", date(2023, 1, 1), date(2023, 11, 30)),
    ("1－11月", date(2023, 1, 1), date(2023, 11, 30)),
    ("2022年 3月", date(2022, 3, 1), date(2022, 3, 31)),
    ("截至2023\n年10月底", date(2023, 1, 1), date(2023, 10, 31)),
    ("２０２２年", date(2022, 1, 1), date(2022, 12, 31)),
    ("二零二二年", date(2022, 1, 1), date(2022, 12, 31)),
    ("二〇二二年十一月", date(2022, 11, 1), date(2022, 11, 30)),
    ("2021 - 2025年", date(2021, 1, 1), date(2025, 12, 31)),
    ("2024-02-01 16:40", date(2024, 2, 1), date(2024, 2, 1)),
])
def test_normalize_period_ignores_whitespace_and_reads_numerals(text, start, end):
    period = normalize_period(text, 2023)
    assert (period.start, period.end) == (start, end)


def test_drop_spaces():
    assert drop_spaces("41\u2009024.72\n万元 ") == "41024.72万元"
    assert parse_number("3. 2\n亿") == Decimal("320000000")
