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


@pytest.mark.parametrize("text,expected", [
    ("营收3 .2亿元", [("AMOUNT", "3 .2亿元")]),
    ("营收3. 2 亿元", [("AMOUNT", "3. 2 亿元")]),
    ("营收3 . 2亿元", [("AMOUNT", "3 . 2亿元")]),
    ("营收41 024.72万元", [("AMOUNT", "41 024.72万元")]),
    ("营收41\u2009024.72万元", [("AMOUNT", "41\u2009024.72万元")]),     # thin space
    ("营收41\u202f024.72万元", [("AMOUNT", "41\u202f024.72万元")]),     # narrow no-break space
    ("营收41\u3000024.72万元", [("AMOUNT", "41\u3000024.72万元")]),     # ideographic space
    ("人口1 234 567人", [("AMOUNT", "1 234 567人")]),
    ("营收3.2 亿元", [("AMOUNT", "3.2 亿元")]),
    ("增长１２３．５ ％", [("RATE", "１２３．５ ％")]),
    ("增长１２３．５\u3000％", [("RATE", "１２３．５\u3000％")]),
    ("增长１２３．５％", [("RATE", "１２３．５％")]),
    ("营收１２３．５万元", [("AMOUNT", "１２３．５万元")]),
    ("增长1·8%", [("RATE", "1·8%")]),
    ("增长2.2 个百分点", [("RATE", "2.2 个百分点")]),
    ("投入一千二百万元", [("AMOUNT", "一千二百万元")]),
    ("占比近三成", [("RATE", "近三成")]),
])
def test_rules_spaces_and_width_inside_figures(text, expected):
    found = [x for x in _labels(text) if x[0] in ("AMOUNT", "RATE")]
    assert found == expected
    assert all(text[s.start:s.end] == s.text for s in find_entities(text))


@pytest.mark.parametrize("text,expected", [
    ("增长5% 10个项目", [("RATE", "5%"), ("AMOUNT", "10个")]),
    ("增长5%\u300010个项目", [("RATE", "5%"), ("AMOUNT", "10个")]),
    ("分别为6.8 123.5%", [("RATE", "123.5%")]),          # a decimal then a number: no thousands group
    ("共1 2个", [("AMOUNT", "2个")]),                      # a group needs three digits
    ("共12 3456个", [("AMOUNT", "3456个")]),
    ("\n3. 10个项目开工", [("AMOUNT", "10个")]),           # a list number, not 3.10个
    ("3. 10个项目开工", [("AMOUNT", "10个")]),
    ("营收3.2\n\n亿元", []),                                # a blank line never joins
    ("增长5%\n10个项目", [("RATE", "5%"), ("AMOUNT", "10个")]),
])
def test_rules_separate_numbers_stay_apart(text, expected):
    assert [x for x in _labels(text) if x[0] in ("AMOUNT", "RATE")] == expected


@pytest.mark.parametrize("text,period", [
    ("1 - 11月，完成", "1 - 11月"), ("1－11月，完成", "1－11月"), ("2022年 3月，完成", "2022年 3月"),
    ("２０２３年，完成", "２０２３年"), ("二〇二三年，完成", "二〇二三年"), ("二零二三年，完成", "二零二三年"),
    ("2021 - 2025年，累计", "2021 - 2025年"), ("截至2023\n年10月底，累计", "截至2023\n年10月底"),
])
def test_rules_periods_with_spaces_and_numerals(text, period):
    assert ("PERIOD", period) in _labels(text)


def _relations(text):
    spans, relations = extract(text)
    assert all(text[s.start:s.end] == s.text for s in spans)
    by_key = {s.key: s.text for s in spans}
    return sorted((by_key[r.head], by_key[r.child], r.label) for r in relations)


@pytest.mark.parametrize("text,expected", [
    ("1-11月，完成规上营利性服务业营收3.2\n亿元，同比增\n长123.3%。", [
        ("规上营利性服务业营收", "1-11月", "period"), ("规上营利性服务业营收", "123.3%", "growth"),
        ("规上营利性服务业营收", "3.2\n亿元", "value")]),
    ("1-11月，完成规上营利性服\n务业营收3.2亿元，同比增长\n123.3%，居全区第1；完成限\n上商业销售额23.2亿元。", [
        ("规上营利性服\n务业营收", "1-11月", "period"), ("规上营利性服\n务业营收", "123.3%", "growth"),
        ("规上营利性服\n务业营收", "3.2亿元", "value"), ("限\n上商业销售额", "1-11月", "period"),
        ("限\n上商业销售额", "23.2亿元", "value")]),
    ("营收3.\n2亿元。", [("营收", "3.\n2亿元", "value")]),
])
def test_rules_read_through_soft_wraps(text, expected):
    assert _relations(text) == expected


def test_rules_hard_line_break_still_ends_the_sentence():
    assert ("税收收入", "5%", "growth") not in _relations("税收收入3亿元\n\n同比增长5%。")
    assert ("税收收入", "5%", "growth") not in _relations("税收收入3亿元\n同比增长5%。")  # no wrap evidence


@pytest.mark.parametrize("text,metrics", [
    ("0元 <", []),  # no noun after the figure: a symbol is not a metric
    ("新增3个“专精特新”企业", ["“专精特新”企业"]),
    ("新增4家 企业", ["企业"]),  # the space before the noun is not part of it
    ("，  营收3.2亿元", ["营收"]),
])
def test_rules_metrics_never_start_on_whitespace(text, metrics):
    spans, _ = extract(text)
    assert [s.text for s in spans if s.label == "METRIC"] == metrics
    assert all(s.text == s.text.strip() for s in spans)
