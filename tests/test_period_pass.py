"""training/period_pass.py: the settled time-expression rules of GUIDE section 7, found and applied."""
import importlib.util
from pathlib import Path

import pytest

from govie.corpus.build import load_source
from govie.corpus.spanlist import parse_spanlist

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("period_pass", ROOT / "training" / "period_pass.py")
period_pass = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(period_pass)


def _record(text, *lines):
    return parse_spanlist(text, ["#id doc", *lines])


def _fixes(record):
    return [(f.old and (f.old.label, f.old.text), f.new and (f.new.label, f.new.text))
            for f in period_pass.find_fixes(record)]


@pytest.mark.parametrize("text,lines,expected", [
    ("粮食产量连续5年保持100%。", ["METRIC 粮食产量", "PERIOD 5年", "RATE 100%", "R value 1 3", "R period 1 2"],
     [(("PERIOD", "5年"), ("AMOUNT", "5年"))]),
    ("地下水位连续7年累计回升10.1米。", ["METRIC 地下水位", "PERIOD 7年", "AMOUNT 10.1米"], []),
    ("连续三年举办创业大赛，累计签约项目14个。", ["PERIOD 三年", "METRIC 签约项目", "AMOUNT 14个"], []),
    ("刚刚过去的2024年，全市完成投资10亿元。", ["PERIOD 刚刚过去的2024年"],
     [(("PERIOD", "刚刚过去的2024年"), ("PERIOD", "2024年"))]),
    ("刚刚过去的一年，我们砥砺前行。", ["PERIOD 刚刚过去的一年"], []),
    ("工业增加值从5月份开始由负转正。", ["METRIC 工业增加值", "PERIOD 5月份"], [(("PERIOD", "5月份"), ("PERIOD", "从5月份"))]),
    ("项目实现当年开工、当年投产。", [], [(None, ("PERIOD", "当年")), (None, ("PERIOD", "当年"))]),
    ("新招引项目当年开工率40.6%。", ["METRIC 新招引项目当年开工率", "RATE 40.6%"], []),
    ("招商引资当年签约项目开工率全省第一。", [], []),
    ("空气质量为近五年来最好水平。", ["METRIC 空气质量"], [(None, ("PERIOD", "近五年来"))]),
    ("空气质量创有监测记录以来最好水平。", ["METRIC 空气质量"], [(None, ("PERIOD", "有监测记录以来"))]),
    ("粮食产量创历史新高。", ["METRIC 粮食产量"], []),
    ("《城市总体规划（2021—2035年）》获批。", [], [(None, ("PERIOD", "2021—2035年"))]),
    ("编制“十四五”规划和2035年远景目标纲要。", [], [(None, ("PERIOD", "2035年"))]),
    ("编制“十四五”规划纲要。", ["PERIOD “十四五”"], [(("PERIOD", "“十四五”"), None)]),
    ("确保“十四五”开好局。", [], [(None, ("PERIOD", "“十四五”"))]),
    ("2020年是“十三五”的收官之年。", ["PERIOD 2020年"], [(None, ("PERIOD", "“十三五”"))]),
    ("也是“十四五”开局之年。", [], [(None, ("PERIOD", "“十四五”"))]),
    ("打赢“十四五”收官战。", [], []),
    ("成功承办2025智慧农业博览会。", [], [(None, ("PERIOD", "2025"))]),
    ("实施“2030启航计划”。", [], []),
    ("投资两年平均增长8%。", ["METRIC 投资", "PERIOD 两年", "RATE 8%"], [(("PERIOD", "两年"), None)]),
    ("圆满完成全年主要目标任务。", ["PERIOD 全年"], [(("PERIOD", "全年"), None)]),
    ("全年地区生产总值增长5%。", ["PERIOD 全年", "METRIC 地区生产总值", "RATE 5%"], []),
    ("搬迁总量居全省首位，五年任务三年完成。", ["PERIOD 三年"], [(("PERIOD", "三年"), None)]),
    ("粮食产量创多年新高。", ["METRIC 粮食产量"], [(None, ("PERIOD", "多年"))]),
    ("利润创近10年最高。", [], [(None, ("PERIOD", "近10年"))]),
])
def test_find_fixes(text, lines, expected):
    assert _fixes(_record(text, *lines)) == expected


def test_apply_fixes_moves_and_drops_relations():
    record = _record("刚刚过去的2024年，粮食产量连续5年保持100%。",
                     "PERIOD 刚刚过去的2024年", "METRIC 粮食产量", "PERIOD 5年", "RATE 100%",
                     "R period 2 1", "R period 2 3", "R value 2 4")
    fixed = period_pass.apply_fixes(record, period_pass.find_fixes(record))
    assert [(s.label, s.text) for s in fixed.spans] == [
        ("PERIOD", "2024年"), ("METRIC", "粮食产量"), ("AMOUNT", "5年"), ("RATE", "100%")]
    assert sorted((r.label, record.text[slice(*r.child)]) for r in fixed.relations) == [
        ("period", "2024年"), ("value", "100%")]
    assert period_pass.find_fixes(fixed) == []


def test_main_applies_atomically_and_keeps_inline_meta(tmp_path, capsys):
    text = "空气质量为近五年来最好水平，连续3年增长5%。"
    (tmp_path / "d1.txt").write_text(text, encoding="utf-8")
    spans = "#id d1\n#meta {\"year\": 2023}\nMETRIC 空气质量\nPERIOD 3年\nRATE 5%\nR growth 1 3\nR period 1 2\n"
    (tmp_path / "d1.spans").write_text(spans, encoding="utf-8")
    assert period_pass.main([str(tmp_path)]) == 0
    listed = capsys.readouterr()
    assert "2 fixes" in listed.err and "近五年来" in listed.out
    assert (tmp_path / "d1.spans").read_text(encoding="utf-8") == spans
    assert period_pass.main([str(tmp_path), "--apply"]) == 0
    assert (tmp_path / "d1.spans").read_text(encoding="utf-8") == (
        "#id d1\n#meta {\"year\": 2023}\nMETRIC 空气质量\nPERIOD 近五年来\nAMOUNT 3年\nRATE 5%\nR growth 1 4\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert period_pass.find_fixes(load_source(tmp_path, "d1")) == []


def test_corpus_follows_the_settled_rules():
    src = ROOT / "corpus" / "src"
    ids = sorted(p.stem for p in src.glob("*.spans"))
    assert len(ids) > 700
    assert [(doc_id, fixes) for doc_id, _, fixes in period_pass.iter_fixes(src, ids)] == []
