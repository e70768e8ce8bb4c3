import pytest

import govie
from govie.errors import GovieError


def test_load_rules_and_default():
    assert govie.load("rules").meta["name"] == "rules"
    assert "govie_facts" in govie.load().pipe_names


def test_load_unknown_name():
    with pytest.raises(GovieError, match="E030"):
        govie.load("no-such-model")


def test_load_incomplete_directory(tmp_path):
    (tmp_path / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    with pytest.raises(GovieError, match=r"E031.*meta\.json"):
        govie.load(tmp_path)


def test_blank_missing_segmenter(tmp_path):
    with pytest.raises(GovieError, match=r"E032.*features\.msgpack"):
        govie.blank(tmp_path)


def test_shipped_default_is_the_trained_pipeline_within_budget():
    from govie.loading import DEFAULT_MODEL_DIR

    nlp = govie.load()
    assert nlp.pipe_names == ["govie_ner", "govie_rel", "govie_facts"]
    assert sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()) < 40 * 2**20
    doc = nlp("1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%。")
    assert [(e.text, e.label_) for e in doc.ents] == [("1-11月", "PERIOD"), ("规上营利性服务业营收", "METRIC"),
                                                     ("3.2亿元", "AMOUNT"), ("123.3%", "RATE")]
    assert sorted((r.head, r.child, r.label) for r in doc._.relations) == [
        ((8, 18), (0, 5), "period"), ((8, 18), (18, 23), "value"), ((8, 18), (28, 34), "growth")]
    fact = doc._.facts[0]
    assert (fact.value, fact.unit, fact.growth, fact.direction) == (320000000, "元", 1.233, 1)
