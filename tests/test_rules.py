import pytest

from govie.rules import extract, find_entities


def _labels(text):
    return [(s.label, s.text) for s in find_entities(text)]


@pytest.mark.parametrize("text,expected", [
    ("完成营收3.2亿元，同比增长123.3 %。", [("AMOUNT", "3.2亿元"), ("RATE", "123.3 %")]),
    ("实际利用外资430万美元", [("AMOUNT", "430万美元")]),
    ("投入近60万元", [("AMOUNT", "近60万元")]),
    ("服务2300余个", [("AMOUNT", "2300余个")]),
    ("打造约800平方米的中心", [("AMOUNT", "约800平方米")]),
    ("增速比上年减低2.2个百分点", [("RATE", "2.2个百分点")]),
    ("占比达到两成", [("RATE", "两成")]),
    ("出生率6.39‰", [("RATE", "6.39‰")]),
    ("增长1.5倍", [("RATE", "1.5倍")]),
    ("同比分别-6.2%、-19.3%", [("RATE", "-6.2%"), ("RATE", "-19.3%")]),
])
def test_rules_figures(text, expected):
    assert [x for x in _labels(text) if x[0] in ("AMOUNT", "RATE")] == expected


@pytest.mark.parametrize("text", [
    "居全区第1。", "聚力落实区委“1345”总体思路", "推出“纾困27条”等政策", "三次产业结构为9.2:51:39.8",
    "20亿元以上项目数", "排全区第2位",
])
def test_rules_not_figures(text):
    assert [x for x in _labels(text) if x[0] in ("AMOUNT", "RATE")] == []


@pytest.mark.parametrize("text,period", [
    ("1-11月，完成", "1-11月"), ("截至10月底，累计", "截至10月底"), ("今年以来，全市", "今年以来"),
    ("2023年1月至10月，全市", "2023年1月至10月"), ("于12月22日揭牌", "12月22日"), ("2024年上半年完成", "2024年上半年"),
    ("四季度完成", "四季度"), ("“十四五”时期，", "“十四五”时期"),
])
def test_rules_periods(text, period):
    assert ("PERIOD", period) in _labels(text)


@pytest.mark.parametrize("text", ["比上年增长5%", "与去年持平", "较2021年下降", "一抓到底"])
def test_rules_comparison_bases_are_not_periods(text):
    assert [x for x in _labels(text) if x[0] == "PERIOD"] == []


def test_rules_guide_example_relations():
    text = "1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%，居全区第1。"
    spans, relations = extract(text)
    by_key = {s.key: s.text for s in spans}
    assert sorted((by_key[r.head], by_key[r.child], r.label) for r in relations) == [
        ("规上营利性服务业营收", "1-11月", "period"),
        ("规上营利性服务业营收", "123.3%", "growth"),
        ("规上营利性服务业营收", "3.2亿元", "value"),
    ]


def test_rules_respectively_links_in_order():
    text = "地区生产总值60.3亿元，一般公共预算收入2亿元，同比分别-6.2%、-19.3%。"
    spans, relations = extract(text)
    by_key = {s.key: s.text for s in spans}
    growth = sorted((by_key[r.head], by_key[r.child]) for r in relations if r.label == "growth")
    assert growth == [("一般公共预算收入", "-19.3%"), ("地区生产总值", "-6.2%")]


def test_rules_number_before_noun():
    spans, relations = extract("引进5家企业，加快推进。")
    by_key = {s.key: (s.label, s.text) for s in spans}
    assert [(by_key[r.head], by_key[r.child], r.label) for r in relations] == [
        (("METRIC", "企业"), ("AMOUNT", "5家"), "value")]


def test_rules_growth_verb_makes_growth_relation():
    spans, relations = extract("全市地区生产总值增长6%。")
    by_key = {s.key: s.text for s in spans}
    assert [(by_key[r.head], by_key[r.child], r.label) for r in relations] == [("地区生产总值", "6%", "growth")]


def test_rules_relations_stay_in_sentence():
    spans, relations = extract("税收收入3亿元。同比增长5%。")
    assert all(r.label != "growth" for r in relations)


def test_rules_spans_match_text_and_never_overlap():
    text = "2022年，全市实现地区生产总值1830.87亿元，增长4%；城乡居民人均可支配收入分别为55784元和28470元，增长4.7%、7.9%。"
    spans, _ = extract(text)
    assert all(text[s.start:s.end] == s.text for s in spans)
    ordered = sorted(spans)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:]))
