import json
from pathlib import Path

import pytest

import govie
from govie.pipeline.period_words import add_accumulation_windows, attach_period_words
from govie.schema import Span

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _corpus_records(*splits: str):
    """Yield ``(split, record dict)`` for every document of the named corpus splits."""
    for split in splits:
        for line in (CORPUS / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            yield split, json.loads(line)


def _period(text: str, piece: str, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(start, start + len(piece), "PERIOD", piece)


@pytest.mark.parametrize("text,predicted,expected", [
    ("截至去年底全市10个贫困县全部脱贫", "去年底", "截至去年底"),
    ("截止6月底，共办结诉求377条", "6月底", "截止6月底"),
    ("产量自5月份连续保持增长", "5月份", "自5月份"),
    ("从10月起升至全省第一", "10月", "从10月"),
    ("空气质量创有记录以来最好水平", "创有记录以来", "有记录以来"),
    ("为“十四五”末建成千座公园城市打下基础", "“十四五”", "“十四五”末"),
    ("2007年以来累计投资3亿元", "2007年", "2007年以来"),
    ("“十三五”期间，完成投资3亿元", "“十三五”", "“十三五”期间"),
    ("优良天数创有记录以来的最好水平", "优良天数创有记录以来", "有记录以来"),
    ("地方税比为建市以来最好水平", "为建市以来", "建市以来"),
    ("水环境质量均达到监测以来最好水平", "达到监测以来", "监测以来"),
    ("但是，去年是近年来项目最多的一年", "去年是", "去年"),
    ("获2018、2019年度考核一等奖", "2018、", "2018"),
    ("入选2024四川省消费新场景", "2024四", "2024"),
])
def test_period_words_follow_the_guide(text, predicted, expected):
    assert [s.text for s in attach_period_words([_period(text, predicted)], text)] == [expected]


@pytest.mark.parametrize("text,predicted", [
    ("地区生产总值从2017年开始触底反弹", "2017年"),  # 从 and 自 join a month or quarter, not a year
    ("2023年全市完成投资3亿元", "2023年"),
    ("今年以来，营收3.2亿元", "今年以来"),
])
def test_period_words_leave_settled_spans_alone(text, predicted):
    span = _period(text, predicted)
    assert attach_period_words([span], text) == [span]


@pytest.mark.parametrize("text,predicted", [
    ("高新技术企业突破360家，约为2016年的5倍", "2016年"),
    ("旅游收入1800亿元，均超过2019年水平", "2019年"),
    ("旅游经济全面超过2019年同期水平", "2019年"),
    ("入选“十四五”首批国家物流枢纽建设城市", "“十四五”"),
    ("纳入“十四五”规划", "“十四五”"),
])
def test_period_words_drop_comparison_bases_and_plan_names_that_qualify_a_list(text, predicted):
    assert attach_period_words([_period(text, predicted)], text) == []


@pytest.mark.parametrize("text,predicted", [
    ("空气优良率达到2007年以来同期最好水平", "2007年以来"),  # a record window keeps its 同期
    ("实现“十四五”良好开局", "“十四五”"),
    ("2019年同比增长8%", "2019年"),
    ("第三产业占比五年间提高了7.3个百分点", "五年间"),
])
def test_period_words_keep_times_that_are_no_comparison_base(text, predicted):
    span = _period(text, predicted)
    assert attach_period_words([span], text) == [span]


def test_period_words_take_a_trailing_word_only_at_a_word_edge():
    text = "2023年初步核算，全市生产总值3亿元"
    span = _period(text, "2023年")
    assert [s.text for s in attach_period_words([span], text, word_edges={0, 5, 7, 9})] == ["2023年"]
    assert [s.text for s in attach_period_words([span], text, word_edges={0, 5, 6})] == ["2023年初"]


def test_period_words_never_grow_into_another_span_and_keep_other_labels():
    text = "截至去年底贷款余额3亿元"
    spans = [Span(0, 2, "METRIC", "截至"), _period(text, "去年底"), Span(9, 12, "AMOUNT", "3亿元")]
    assert attach_period_words(spans, text) == spans


def test_period_words_drop_a_single_character_period():
    text = "月最低工资标准提高至2100元"
    assert attach_period_words([_period(text, "月"), Span(10, 15, "AMOUNT", "2100元")], text) == [
        Span(10, 15, "AMOUNT", "2100元")]


@pytest.mark.parametrize("period_words,expected", [(True, ["截至去年底"]), (False, ["去年底"])])
def test_period_words_setting_of_the_tagger(period_words, expected):
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", config={"period_words": period_words})
    text = "截至去年底全市脱贫"
    offsets = [(i, i + 1) for i in range(len(text))]
    tags = ["O", "O", "B-PERIOD", "I-PERIOD", "I-PERIOD", "O", "O", "O", "O"]
    assert [s.text for s in tagger._spans(tags, offsets, nlp.make_doc(text))] == expected
    assert tagger.cfg["period_words"] is period_words


def test_period_words_run_after_label_shapes_in_the_tagger():
    """A leading word tagged as a PERIOD of its own has no time word: it is dropped, then taken in."""
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1")
    text = "截至去年底全市脱贫"
    offsets = [(i, i + 1) for i in range(len(text))]
    tags = ["B-PERIOD", "I-PERIOD", "B-PERIOD", "I-PERIOD", "I-PERIOD", "O", "O", "O", "O"]
    assert [(s.text, s.label) for s in tagger._spans(tags, offsets, nlp.make_doc(text))] == [("截至去年底", "PERIOD")]


def test_period_words_leave_every_corpus_period_as_annotated():
    """The rules restate the guide: every gold PERIOD of the corpus is already as they want it."""
    from govie.pipeline.bio import word_edges

    nlp = govie.blank()
    checked = 0
    for split, record in _corpus_records("train", "dev", "test"):
        text = record["text"]
        for s in record["spans"]:
            if s["label"] != "PERIOD":
                continue
            lo, hi = max(0, s["start"] - 12), min(len(text), s["end"] + 12)
            window = text[lo:hi]
            span = Span(s["start"] - lo, s["end"] - lo, "PERIOD", text[s["start"]:s["end"]])
            neighbours = [Span(max(0, o["start"] - lo), min(len(window), o["end"] - lo), o["label"], "")
                          for o in record["spans"] if o is not s and o["end"] > lo and o["start"] < hi]
            kept = attach_period_words([span] + neighbours, window, word_edges(nlp.make_doc(window)))
            assert kept[0] == span, (split, record["id"], span.text, kept[0].text)
            checked += 1
    assert checked >= 4126


@pytest.mark.parametrize("text,spans,expected", [
    ("五年累计完成投资1.2万亿元", [], [("五年", "PERIOD")]),
    ("违法犯罪警情5年累计下降43.1%", [Span(6, 8, "AMOUNT", "5年")], [("5年", "PERIOD")]),
    ("高新技术企业三年翻一番", [], [("三年", "PERIOD")]),
    ("连续三年增长15%以上", [], []),  # a streak before a figure stays out (GUIDE section 7)
    ("过去五年累计完成投资", [Span(0, 4, "PERIOD", "过去五年")], [("过去五年", "PERIOD")]),
    ("比2015年增加961亿元", [], []),  # a calendar year is no count of years
    ("受教育年限从13.5年提高到14年", [], []),
    ("两年平均增长6%", [], []),
])
def test_accumulation_windows_mark_a_count_of_years_before_an_accumulated_figure(text, spans, expected):
    assert [(s.text, s.label) for s in add_accumulation_windows(spans, text)] == expected


def test_accumulation_windows_agree_with_the_train_and_dev_gold():
    """62 counts of years before a verb of accumulation are gold PERIODs; one (一年翻番) has no span."""
    agree, disagree = 0, []
    for _, record in _corpus_records("train", "dev"):
        gold = {(s["start"], s["end"]) for s in record["spans"] if s["label"] == "PERIOD"}
        others = [Span(s["start"], s["end"], s["label"], "") for s in record["spans"] if s["label"] != "PERIOD"]
        for span in add_accumulation_windows(others, record["text"]):
            if span.label == "PERIOD":
                if (span.start, span.end) in gold:
                    agree += 1
                else:
                    disagree.append((record["id"], span.text))
    assert agree >= 62 and len(disagree) <= 1, disagree


@pytest.mark.parametrize("accumulation_windows,expected", [(True, [("五年", "PERIOD")]), (False, [("五年", "AMOUNT")])])
def test_accumulation_windows_setting_of_the_tagger(accumulation_windows, expected):
    nlp = govie.blank()
    tagger = nlp.add_pipe("govie_ner_v1", config={"accumulation_windows": accumulation_windows})
    text = "五年累计完成投资"
    offsets = [(i, i + 1) for i in range(len(text))]
    tags = ["B-AMOUNT", "I-AMOUNT"] + ["O"] * 6
    assert [(s.text, s.label) for s in tagger._spans(tags, offsets, nlp.make_doc(text))] == expected
    assert tagger.cfg["accumulation_windows"] is accumulation_windows
