"""Soft line wraps (govie.wraps) and the sentence bounds that read through them."""
import pytest
from hypothesis import given, strategies as st

from govie.sentences import SentenceIndex, sentence_bounds
from govie.wraps import Unwrapped, soft_breaks

from wrapping import wrap

PARAGRAPH = ("1-11月，服务业和外资指标全区领先；完成规上营利性服务业营收3.2亿元，同比增长123.3%，居全区第1；"
             "完成限上商业销售额23.2亿元，同比增长3.8%，全区第6，完成限上商业零售额16亿元，同比增长0.1%，全区第4。")


@pytest.mark.parametrize("text,expected", [
    ("营收3.2\n亿元。", ["\n"]),                       # a number and its unit
    ("营收3.\n2亿元。", ["\n"]),                       # a decimal point and its digits
    ("营收3\n.2亿元。", ["\n"]),
    ("截至2023\n年10月底", ["\n"]),                    # a year and 年
    ("增长123.3\n%。", ["\n"]),
    ("营收3.2\r\n亿元。", ["\r\n"]),
    ("营收3.2  \n亿元。", ["  \n"]),                   # trailing spaces go with the break
    ("完成营收3.2\n亿元，同比增\n长123.3%。", ["\n", "\n"]),  # a continued line is no heading
])
def test_soft_breaks_inside_a_figure(text, expected):
    assert [text[a:b] for a, b in soft_breaks(text)] == expected


@pytest.mark.parametrize("text", [
    "营收3.2\n\n亿元。",                 # a blank line is always hard
    "营收3.2\n　　亿元。",               # an indent opens a paragraph
    "营收3.2亿元。\n增长5%。",           # sentence end
    "营收3.2亿元；\n增长5%。",           # clause end
    "主要指标如下：\n营收3.2亿元。",
    "“营收3.2亿元。”\n增长5%。",         # closing quote after the end mark
    "营收3.2\n一、增长5%。",             # a list marker opens the next line
    "营收3.2\n（二）增长5%。",
    "营收3.2\n2. 增长5%。",
    "产量6.8\n7.1万吨",                  # two numbers on two short lines: no width evidence
    "一、经济指标\n营收3.2亿元。",       # a heading
    "海滨街道2023年工作总结\n营收3.2亿元，同比增长5%，居全区第1。",
    "过去一年，我们拼经济增长，在提质提效中迈上新的台阶\n农业稳大盘。" + PARAGRAPH + "\n" + PARAGRAPH,
])
def test_hard_breaks(text):
    assert soft_breaks(text) == []


def test_regular_width_wrap_is_soft_and_headings_stay_hard():
    body = wrap(PARAGRAPH, 36)
    text = "一、经济指标\n" + body + "\n" + wrap(PARAGRAPH, 36)
    soft = soft_breaks(text)
    assert len(soft) == 2 * body.count("\n")
    assert all(text[a:b] == "\n" for a, b in soft)
    assert not any(text[:a].endswith(("经济指标", "全区第4。")) for a, _ in soft)


def test_a_full_line_ending_in_a_comma_continues_before_a_marker_lookalike():
    text = wrap("初步预计，全区地区生产总值增长4.2%左右，一、二、三产业增加值分别增长4%、5.3%、3.4%，"
                "外贸进出口总额增长9.4%，一般公共预算收入增长3%，粮食产量280.76亿斤。", 40)
    assert "\n一、二、三产业" in text
    assert len(soft_breaks(text)) == text.count("\n")


def test_paragraph_per_line_text_has_no_soft_break():
    text = "\n".join(["2023年工作总结", PARAGRAPH, "（一）服务业", PARAGRAPH, "坚持项目为王，经济发展稳中有进", PARAGRAPH])
    assert soft_breaks(text) == []


def test_sentence_bounds_keep_a_soft_wrap_inside():
    text = "营收3.2\n亿元，同比增\n长5%。\n二、下一步"
    assert [text[a:b] for a, b in sentence_bounds(text)] == ["营收3.2\n亿元，同比增\n长5%。", "二、下一步"]
    assert [text[a:b] for a, b in sentence_bounds(text, soft=[])] == ["营收3.2", "亿元，同比增", "长5%。", "二、下一步"]
    assert SentenceIndex(text).same_sentence((0, 2), (14, 16))


def test_unwrapped_maps_offsets_back():
    text = "完成营收3.2\n亿元，同比增 \n长5%。"
    view = Unwrapped(text)
    assert view.text == "完成营收3.2亿元，同比增长5%。"
    start = view.text.index("3.2亿元")
    assert view.original_range(start, start + 5) == (4, 10) and text[4:10] == "3.2\n亿元"


def test_unwrapped_keeps_one_space_only_between_ascii_words():
    assert Unwrapped("时间:2024-02-01\n 16:40", soft=[(13, 15)]).text == "时间:2024-02-01 16:40"
    assert Unwrapped("营收3.2  \n亿元。", soft=[(5, 8)]).text == "营收3.2亿元。"


@pytest.mark.parametrize("text", [
    "化学纤维\t万吨\t6697.8\t-0.2\n成品糖\t万吨\t1486.8\t2.6\n卷烟\t亿支\t24321.5\t0.6",   # a table
    "个人住房贷款\n-25.4\n个人按揭贷款\n亿元\n23815\n-26.5",                              # cells, one a line
])
def test_tables_are_never_wrapped(text):
    assert soft_breaks(text) == []


@given(st.text(alphabet="营收增长亿元3.2５%，。、；一（）　 \n\r", max_size=120))
def test_unwrapped_is_the_text_without_its_soft_breaks(text):
    soft = soft_breaks(text)
    view = Unwrapped(text, soft)
    assert len(view.text) == len(text) - sum(b - a for a, b in soft)
    assert all(text[view.original(i)] == char for i, char in enumerate(view.text))
    assert all("\n" in text[a:b] and not text[a:b].strip() for a, b in soft)
