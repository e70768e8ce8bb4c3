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
