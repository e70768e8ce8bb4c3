import csv
import io
import json

import pytest
from typer.testing import CliRunner

from govie.cli import app

runner = CliRunner()
REPORT = "2023年工作总结\n1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%，居全区第1。"


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.txt").write_text("\ufeff税收收入下降2.1%。", encoding="utf-8")
    return folder


def test_cli_help_on_every_command():
    for args in ([], ["extract"], ["evaluate"], ["annotate"], ["corpus"], ["corpus", "validate"], ["corpus", "stats"],
                 ["corpus", "build"], ["corpus", "agreement"], ["corpus", "import"], ["corpus", "export"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_cli_extract_jsonl(reports):
    result = runner.invoke(app, ["extract", str(reports / "a.txt"), "--model", "rules"])
    assert result.exit_code == 0
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["id"] == "a" and record["text"] == REPORT
    assert {"label": "AMOUNT", "text": "3.2亿元", "start": 28, "end": 33} in record["spans"]
    [fact] = record["facts"]
    assert (fact["value"], fact["period_start"], fact["period_end"]) == (320000000, "2023-01-01", "2023-11-30")


def test_cli_extract_csv_directory_with_year(reports, tmp_path):
    out = tmp_path / "facts.csv"
    result = runner.invoke(app, ["extract", str(reports), "--model", "rules", "--format", "csv", "-o", str(out),
                                 "--year", "2022"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["doc_id"], r["metric"]) for r in rows] == [("a", "规上营利性服务业营收"), ("b", "税收收入")]
    assert rows[1]["direction"] == "-1" and rows[1]["period_start"] == "2022-01-01"


def test_cli_extract_table(reports):
    result = runner.invoke(app, ["extract", str(reports / "a.txt"), "--model", "rules", "--format", "table"])
    assert result.exit_code == 0 and "规上营利性服务业营收" in result.stdout and "320000000" in result.stdout


def test_cli_extract_bad_files_named_and_good_files_kept(reports):
    (reports / "empty.txt").write_text("  \n", encoding="utf-8")
    (reports / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(app, ["extract", str(reports), "--model", "rules"])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.stderr
    assert "bin.txt: binary file" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b"]


def test_cli_extract_usage_errors(reports, tmp_path):
    assert runner.invoke(app, ["extract", str(reports), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["extract", str(tmp_path / "none")]).exit_code == 1
    result = runner.invoke(app, ["extract", str(reports), "--model", "nope"])
    assert result.exit_code == 2 and "E030" in result.stderr


def test_cli_evaluate_pred_and_model(write_jsonl, guide_record):
    gold = write_jsonl("gold.jsonl", [guide_record])
    result = runner.invoke(app, ["evaluate", str(gold), "--pred", str(gold), "--json"])
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    assert scores["entities"]["micro"]["f"] == 1.0 and scores["relations"]["micro"]["f"] == 1.0
    result = runner.invoke(app, ["evaluate", str(gold), "--model", "rules"])
    assert result.exit_code == 0 and "RATE" in result.stdout and "growth" in result.stdout
    assert runner.invoke(app, ["evaluate", str(gold), "--model", "rules", "--pred", str(gold)]).exit_code == 2


def test_cli_corpus_validate_and_stats(write_jsonl, guide_record):
    good = write_jsonl("good.jsonl", [guide_record])
    assert runner.invoke(app, ["corpus", "validate", str(good)]).exit_code == 0
    guide_record["spans"][0]["text"] = "1-12月"
    bad = write_jsonl("bad.jsonl", [guide_record])
    result = runner.invoke(app, ["corpus", "validate", str(bad)])
    assert result.exit_code == 1 and "bad.jsonl:1: [example] offset 0: [E010]" in result.stdout
    result = runner.invoke(app, ["corpus", "stats", str(good), "--json"])
    stats = json.loads(result.stdout)
    assert stats["total"]["spans"] == 4 and stats["total"]["relation_labels"]["growth"] == 1


def test_cli_extract_two_processes_matches_one(reports):
    # a separate interpreter: worker processes forked from the test process would leave it unsafe to fork again
    import subprocess
    import sys

    def run(*extra):
        out = subprocess.run([sys.executable, "-m", "govie", "extract", str(reports), "--model", "rules",
                              "--format", "jsonl", *extra], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    rows = run("--n-process", "2")
    assert rows == run()
    assert rows[0]["relations"] and rows[0]["facts"][0]["value"] == 320000000
