import pytest

from govie.facts import assemble_facts, infer_year
from govie.schema import record_from_dict, Relation, Span


def test_facts_guide_example(guide_record):
    r = record_from_dict(guide_record)
    [fact] = assemble_facts(r.text, r.spans, r.relations, r.meta)
    assert (fact.metric, fact.value, fact.unit, fact.currency) == ("规上营利性服务业营收", 320000000, "元", "CNY")
    assert (fact.growth, fact.growth_kind, fact.direction) == (1.233, "percent", 1)
    assert (fact.period_start, fact.period_end) == ("2023-01-01", "2023-11-30")
    assert fact.org == "海滨街道办事处"
    assert (fact.start, fact.end) == (8, 34)
    assert fact.sentence == r.text


def test_facts_respectively_pairs_in_order():
    text = "一季度、二季度营收分别为3亿元、4亿元。"
    spans = [Span(0, 3, "PERIOD", "一季度"), Span(4, 7, "PERIOD", "二季度"), Span(7, 9, "METRIC", "营收"),
             Span(12, 15, "AMOUNT", "3亿元"), Span(16, 19, "AMOUNT", "4亿元")]
    rels = [Relation((7, 9), (12, 15), "value"), Relation((7, 9), (16, 19), "value"),
            Relation((7, 9), (0, 3), "period"), Relation((7, 9), (4, 7), "period")]
    facts = assemble_facts(text, spans, rels, {"year": 2023})
    assert [(f.value, f.period_start, f.period_end) for f in facts] == [
        (300000000, "2023-01-01", "2023-03-31"), (400000000, "2023-04-01", "2023-06-30")]


def test_facts_default_period_is_document_year_and_written_sign_wins():
    text = "一般公共预算收入2亿元，同比增长-19.3%。"
    spans = [Span(0, 8, "METRIC", "一般公共预算收入"), Span(8, 11, "AMOUNT", "2亿元"), Span(16, 22, "RATE", "-19.3%")]
    rels = [Relation((0, 8), (8, 11), "value"), Relation((0, 8), (16, 22), "growth")]
    [fact] = assemble_facts(text, spans, rels, {"year": 2022})
    assert (fact.period_start, fact.period_end, fact.period_text) == ("2022-01-01", "2022-12-31", None)
    assert (fact.growth, fact.direction) == (-0.193, -1)


def test_facts_decline_word_gives_negative_direction():
    text = "税收收入下降2.1%。"
    spans = [Span(0, 4, "METRIC", "税收收入"), Span(6, 10, "RATE", "2.1%")]
    [fact] = assemble_facts(text, spans, [Relation((0, 4), (6, 10), "growth")], {"year": 2023})
    assert (fact.value, fact.growth, fact.direction) == (None, 0.021, -1)


def test_facts_without_year_leave_relative_period_undated():
    text = "1-11月，营收3亿元。"
    spans = [Span(0, 5, "PERIOD", "1-11月"), Span(6, 8, "METRIC", "营收"), Span(8, 11, "AMOUNT", "3亿元")]
    rels = [Relation((6, 8), (8, 11), "value"), Relation((6, 8), (0, 5), "period")]
    [fact] = assemble_facts(text, spans, rels, {})
    assert (fact.period_start, fact.period_end, fact.period_text) == (None, None, "1-11月")


@pytest.mark.parametrize("text,year", [("海滨街道2023年工作总结\n2022年", 2023), ("无年份", None)])
def test_facts_infer_year(text, year):
    assert infer_year(text) == year


def test_facts_read_a_change_word_split_by_a_soft_wrap():
    from govie.rules import extract

    text = "1-11月，完成规上营利性服务业营收3.2\n亿元，同比下\n降12.5%，限上商业销\n售额4亿元。"
    spans, rels = extract(text)
    first, second = assemble_facts(text, spans, rels, {"year": 2023})
    assert (first.metric, first.value, first.value_text) == ("规上营利性服务业营收", 320000000, "3.2\n亿元")
    assert (first.growth, first.direction) == (0.125, -1)
    assert (first.period_start, first.period_end) == ("2023-01-01", "2023-11-30")
    assert first.sentence == text
    assert (second.metric, second.value) == ("限上商业销售额", 400000000)  # a name reads as one line
