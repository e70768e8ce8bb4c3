import json

import pytest

from govie.errors import RecordError
from govie.schema import Record, Relation, Span, atomic_write, read_jsonl, record_from_dict, write_jsonl


def test_schema_round_trip(tmp_path, guide_record):
    record = record_from_dict(guide_record)
    assert record.spans[1] == Span(8, 18, "METRIC", "规上营利性服务业营收")
    assert record.relations[0] == Relation((8, 18), (18, 23), "value")
    path = tmp_path / "out.jsonl"
    assert write_jsonl(path, [record]) == 1
    assert json.loads(path.read_text(encoding="utf-8")) == guide_record
    assert read_jsonl(path)[0] == record


def test_schema_read_reports_file_and_line(write_jsonl, guide_record):
    path = write_jsonl("bad.jsonl", [guide_record, "{not json"])
    with pytest.raises(RecordError, match=r"bad\.jsonl:2: invalid JSON"):
        read_jsonl(path)


def test_schema_rejects_record_without_text(write_jsonl):
    path = write_jsonl("bad.jsonl", [{"id": "x"}])
    with pytest.raises(RecordError, match=r"bad\.jsonl:1: .*'text'"):
        read_jsonl(path)


def test_schema_rejects_bad_relation_offsets(write_jsonl, guide_record):
    guide_record["relations"][0]["head"] = [8]
    path = write_jsonl("bad.jsonl", [guide_record])
    with pytest.raises(RecordError, match=r"relations\[0\]\.head"):
        read_jsonl(path)


def test_schema_missing_file_is_clear(tmp_path):
    with pytest.raises(RecordError, match="nope.jsonl"):
        read_jsonl(tmp_path / "nope.jsonl")


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as handle:
            handle.write("half")
            raise RuntimeError("crash")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_record_extra_fields_are_kept(guide_record):
    guide_record["facts"] = [{"metric": "x"}]
    record = record_from_dict(guide_record)
    assert record.to_dict()["facts"] == [{"metric": "x"}]
    assert isinstance(record, Record)
