import json

import pytest
from typer.testing import CliRunner

from govie.cli import app
from govie.corpus import load_corpus
from govie.corpus.build import agreement, build_corpus
from govie.corpus.formats import from_doccano, from_labelstudio, to_doccano, to_labelstudio
from govie.corpus.spanlist import parse_spanlist, to_spanlist
from govie.errors import GovieError
from govie.schema import record_from_dict

runner = CliRunner()
SPANLIST = """#id example
PERIOD 1-11月
METRIC 规上营利性服务业营收
AMOUNT 3.2亿元
RATE 123.3%
R value 2 3
R growth 2 4
R period 2 1
"""


def test_spanlist_builds_the_guide_record(guide_record):
    record = parse_spanlist(guide_record["text"], SPANLIST.splitlines())
    expected = record_from_dict(guide_record)
    assert record.spans == expected.spans and record.relations == expected.relations


def test_spanlist_skip_and_round_trip():
    text = "营收增长，营收3亿元。"
    record = parse_spanlist(text, ["SKIP 营收", "METRIC 营收", "AMOUNT 3亿元", "R value 1 2"])
    assert record.spans[0].start == 5
    again = parse_spanlist(text, to_spanlist(record).splitlines())
    assert again.spans == record.spans and again.relations == record.relations


@pytest.mark.parametrize("lines,match", [
    (["AMOUNT 4亿元"], r"\[E065\] x.spans:1: AMOUNT '4亿元' not found after offset 0 \(text there: '营收3亿元。'\)"),
    (["MONEY 3亿元"], r"\[E064\] x.spans:1: unknown label 'MONEY'"),
    (["AMOUNT 3亿元", "R value 1 2"], r"\[E066\] x.spans:2: relation names span 2 of 1"),
    (["AMOUNT 3亿元", "R value one 2"], r"\[E063\] x.spans:2: a relation line is 'R label head child'"),
    (["#meta {year: 2023}"], r"\[E062\] x.spans:1: #meta is not JSON"),
])
def test_spanlist_errors_name_the_line(lines, match):
    with pytest.raises(GovieError, match=match):
        parse_spanlist("营收3亿元。", lines, "x.spans")


def test_labelstudio_round_trip(guide_record):
    record = record_from_dict(guide_record)
    tasks = json.loads(json.dumps(to_labelstudio([record]), ensure_ascii=False))
    assert tasks[0]["annotations"][0]["result"][2]["value"]["labels"] == ["AMOUNT"]
    [back] = from_labelstudio(tasks)
    assert (back.id, back.text, back.meta, back.spans, sorted(back.relations)) == (
        record.id, record.text, record.meta, record.spans, sorted(record.relations))


def test_doccano_round_trip_and_plain_labels(guide_record):
    record = record_from_dict(guide_record)
    lines = [json.dumps(o, ensure_ascii=False) for o in to_doccano([record])]
    [back] = from_doccano(lines)
    assert back.spans == record.spans and sorted(back.relations) == sorted(record.relations)
    [plain] = from_doccano(['{"text": "营收3亿元", "label": [[2, 5, "AMOUNT"]]}'])
    assert [(s.label, s.text) for s in plain.spans] == [("AMOUNT", "3亿元")]


def test_import_errors_name_the_place():
    with pytest.raises(GovieError, match=r"\[E069\] t.jsonl:1: region \[2, 9\) is outside"):
        from_doccano(['{"text": "营收3亿元", "label": [[2, 9, "AMOUNT"]]}'], "t.jsonl")
    with pytest.raises(GovieError, match=r"\[E072\] <labelstudio>: task 0: relation a->b names a missing region"):
        from_labelstudio([{"data": {"text": "x"}, "annotations": [{"result": [
            {"type": "relation", "from_id": "a", "to_id": "b", "labels": ["value"]}]}]}])


def test_cli_import_export(tmp_path, write_jsonl, guide_record):
    src = write_jsonl("gold.jsonl", [guide_record])
    for fmt in ("labelstudio", "doccano"):
        exported = tmp_path / f"out.{fmt}"
        assert runner.invoke(app, ["corpus", "export", str(src), "--to", fmt, "-o", str(exported)]).exit_code == 0
        back = tmp_path / f"back.{fmt}.jsonl"
        result = runner.invoke(app, ["corpus", "import", str(exported), "--from", fmt, "-o", str(back)])
        assert result.exit_code == 0
        assert json.loads(back.read_text(encoding="utf-8"))["spans"] == guide_record["spans"]


def test_cli_annotate(tmp_path):
    raw = tmp_path / "r.txt"
    raw.write_text("税收收入下降2.1%。", encoding="utf-8")
    out = tmp_path / "pre.jsonl"
    assert runner.invoke(app, ["annotate", str(raw), "-o", str(out)]).exit_code == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["meta"]["annotation"] == "pre-annotated:rules"
    assert [s["text"] for s in record["spans"]] == ["税收收入", "2.1%"]


def _source(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for doc_id, split in (("a", "train"), ("b", "test")):
        (src / f"{doc_id}.txt").write_text("营收3亿元，增长5%。", encoding="utf-8")
        (src / f"{doc_id}.meta.json").write_text(json.dumps({"split": split, "year": 2023}), encoding="utf-8")
        (src / f"{doc_id}.spans").write_text("METRIC 营收\nAMOUNT 3亿元\nRATE 5%\nR value 1 2\nR growth 1 3\n",
                                             encoding="utf-8")
    return src


def test_build_corpus_and_load_for_training(tmp_path):
    src = _source(tmp_path)
    (src / "c.txt").write_text("无标注。", encoding="utf-8")
    summary = build_corpus(src, tmp_path)
    assert summary == {"splits": {"train": 1, "dev": 0, "test": 1}, "pending": ["c"]}
    assert json.loads((tmp_path / "splits.json").read_text(encoding="utf-8"))["test"] == ["b"]
    train = load_corpus("train", tmp_path)
    assert train.num_rows == 1 and train[0]["id"] == "a"
    assert train[0]["ner_tags"][:5] == ["B-METRIC", "I-METRIC", "B-AMOUNT", "I-AMOUNT", "I-AMOUNT"]
    assert len(train[0]["chars"]) == len(train[0]["text"])
    from govie.corpus.dataset import records_from_dataset
    from govie.schema import read_jsonl

    assert records_from_dataset(train) == read_jsonl(tmp_path / "train.jsonl")
    with pytest.raises(GovieError, match="dev"):
        load_corpus("validation", tmp_path)


def test_agreement_counts_disagreements(tmp_path):
    src = _source(tmp_path)
    second = tmp_path / "second"
    second.mkdir()
    (second / "a.spans").write_text("METRIC 营收\nAMOUNT 3亿元\nR value 1 2\n", encoding="utf-8")
    result = agreement(src, src, second)
    assert result["entities"]["micro"]["r"] == 2 / 3 and result["entities"]["micro"]["p"] == 1.0
    assert result["relations"]["micro"]["f"] == 2 * (1 * 0.5) / 1.5
