"""training/select_passages.py: extending a corpus with train or dev passages from unused regions."""
import importlib.util
import json
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "select_passages", Path(__file__).resolve().parents[1] / "training" / "select_passages.py")
select_passages = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(select_passages)

PARAGRAPH = "1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%，新增企业12家，实际利用外资430万美元。\n"
REGIONS = ["甲市", "乙市", "丙市", "丁市", "戊市"]


def _pool(tmp_path):
    reports = tmp_path / "raw"
    reports.mkdir()
    rows = ["file\tsource_repo\tsource_path\tlevel\tregion\tyear\tchars\tlicense"]
    for i, region in enumerate(REGIONS):
        name = f"city_r{i}_2022_001.txt"
        (reports / name).write_text(PARAGRAPH * 40, encoding="utf-8")
        rows.append(f"{name}\trepo\tpath/{region}/2022.md\tcity\t{region}\t2022\t0\tunknown")
    (reports / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "src"
    out.mkdir()
    (out / "city_r0_2022_001.meta.json").write_text(json.dumps({"region": "甲市", "split": "test"}), encoding="utf-8")
    (out / "city_r0_2022_001.txt").write_text("kept", encoding="utf-8")
    return reports, out


def test_add_dev_takes_regions_no_split_uses_and_keeps_existing_files(tmp_path):
    reports, out = _pool(tmp_path)
    assert select_passages.main(["--reports", str(reports), "--out", str(out), "--add-dev", "2",
                                 "--chars", "300", "--seed", "7"]) == 0
    metas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.meta.json")}
    new = [m for name, m in metas.items() if name != "city_r0_2022_001.meta.json"]
    assert len(new) == 2 and {m["split"] for m in new} == {"dev"}
    assert not {m["region"] for m in new} & {"甲市"}
    assert (out / "city_r0_2022_001.txt").read_text(encoding="utf-8") == "kept"
    for meta in new:
        start, end = meta["source_offset"]
        assert (out / meta["source_file"]).read_text(encoding="utf-8") == (reports / meta["source_file"]).read_text(
            encoding="utf-8")[start:end]


def test_add_train_and_dev_together_use_distinct_regions(tmp_path):
    reports, out = _pool(tmp_path)
    assert select_passages.main(["--reports", str(reports), "--out", str(out), "--add-dev", "1", "--add-train", "2",
                                 "--chars", "300", "--seed", "7"]) == 0
    new = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.meta.json")
           if p.name != "city_r0_2022_001.meta.json"]
    assert sorted(m["split"] for m in new) == ["dev", "train", "train"]
    regions = [m["region"] for m in new]
    assert len(set(regions)) == 3 and "甲市" not in regions


def test_reuse_train_regions_adds_second_reports_of_train_only_regions(tmp_path):
    reports, out = _pool(tmp_path)
    manifest = (reports / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    for i, region in enumerate(REGIONS):
        name = f"city_r{i}_2023_001.txt"
        (reports / name).write_text(PARAGRAPH * 40, encoding="utf-8")
        manifest.append(f"{name}\trepo\tpath/{region}/2023.md\tcity\t{region}\t2023\t0\tunknown")
    (reports / "MANIFEST.tsv").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    for i, (region, split) in enumerate([("乙市", "train"), ("丙市", "dev")], start=1):
        (out / f"city_r{i}_2022_001.meta.json").write_text(json.dumps(
            {"region": region, "split": split, "source_file": f"city_r{i}_2022_001.txt"}), encoding="utf-8")

    assert select_passages.main(["--reports", str(reports), "--out", str(out), "--add-train", "6",
                                 "--chars", "300", "--seed", "7", "--reuse-train-regions"]) == 0
    new = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.meta.json")
           if json.loads(p.read_text(encoding="utf-8")).get("source_offset")]
    # the two unused regions first, then the train-only region's other report; test and dev regions never
    assert sorted(m["region"] for m in new) == ["丁市", "乙市", "戊市"]
    assert [m["source_file"] for m in new if m["region"] == "乙市"] == ["city_r1_2023_001.txt"]
    assert {m["split"] for m in new} == {"train"}


def test_reuse_train_regions_refuses_dev(tmp_path):
    reports, out = _pool(tmp_path)
    with pytest.raises(SystemExit, match="--add-train only"):
        select_passages.main(["--reports", str(reports), "--out", str(out), "--add-dev", "1",
                              "--reuse-train-regions"])


def test_time_expressions_prefer_the_window_with_periods():
    figures = "完成投资12亿元，增长8%。\n" * 10
    timed = "截至去年底，“十四五”以来完成投资12亿元，上半年增长8%。\n" * 10
    text = figures + timed
    start_plain = select_passages._best_window(text, 150, dense=True)[1]
    start_timed = select_passages._best_window(text, 150, dense=True, time_weight=1.0)[1]
    assert text[start_plain:start_plain + 4] == "完成投资"
    assert text[start_timed:start_timed + 4] == "截至去年"


def test_time_weight_is_recorded_in_the_meta_of_new_passages(tmp_path):
    reports, out = _pool(tmp_path)
    for name in ("city_r1_2022_001.txt", "city_r2_2022_001.txt"):  # figures first, time expressions later
        (reports / name).write_text("完成投资12亿元，增长8%。\n" * 30 + "截至去年底，“十四五”以来上半年增长8%。\n" * 30,
                                    encoding="utf-8")
    assert select_passages.main(["--reports", str(reports), "--out", str(out), "--add-train", "4",
                                 "--chars", "300", "--seed", "7", "--time-weight", "2"]) == 0
    new = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.meta.json")
           if p.name != "city_r0_2022_001.meta.json"}
    assert len(new) == 4 and {m["time_weight"] for m in new.values()} == {2.0}
    for name in ("city_r1_2022_001.meta.json", "city_r2_2022_001.meta.json"):
        text = (out / new[name]["source_file"]).read_text(encoding="utf-8")
        assert "截至去年底" in text  # the window with time expressions won


def test_no_time_weight_key_without_the_option(tmp_path):
    reports, out = _pool(tmp_path)
    assert select_passages.main(["--reports", str(reports), "--out", str(out), "--add-train", "2",
                                 "--chars", "300", "--seed", "7"]) == 0
    new = [json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.meta.json")
           if p.name != "city_r0_2022_001.meta.json"]
    assert len(new) == 2 and not any("time_weight" in m for m in new)
