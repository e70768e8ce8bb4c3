from govie.validate import check_record, validate_file, validate_files
from govie.schema import record_from_dict


def _messages(record):
    return [m for _, m in check_record(record_from_dict(record))]


def test_validate_clean_record(guide_record):
    assert _messages(guide_record) == []


def test_validate_offset_text_mismatch(guide_record):
    guide_record["spans"][2]["text"] = "3.3亿元"
    messages = _messages(guide_record)
    assert len(messages) == 1 and "E010" in messages[0]


def test_validate_overlap_and_unknown_label(guide_record):
    guide_record["spans"].append({"start": 20, "end": 23, "label": "MONEY", "text": "亿元"[0:0] + guide_record["text"][20:23]})
    messages = _messages(guide_record)
    assert any("E012" in m for m in messages)
    assert any("E013" in m and "MONEY" in m for m in messages)


def test_validate_relation_to_missing_span(guide_record):
    guide_record["relations"].append({"head": [8, 18], "child": [30, 34], "label": "value"})
    messages = _messages(guide_record)
    assert len(messages) == 1 and "E014" in messages[0]


def test_validate_relation_across_sentences():
    record = {"id": "x", "text": "营收3亿元。增长5%。",
              "spans": [{"start": 0, "end": 2, "label": "METRIC", "text": "营收"},
                        {"start": 2, "end": 5, "label": "AMOUNT", "text": "3亿元"},
                        {"start": 8, "end": 10, "label": "RATE", "text": "5%"}],
              "relations": [{"head": [0, 2], "child": [8, 10], "label": "growth"}]}
    messages = _messages(record)
    assert len(messages) == 1 and "E015" in messages[0]


def test_validate_disallowed_head_child(guide_record):
    guide_record["relations"].append({"head": [0, 5], "child": [18, 23], "label": "value"})
    messages = _messages(guide_record)
    assert len(messages) == 1 and "E016" in messages[0] and "PERIOD" in messages[0]


def test_validate_whitespace_edge_and_duplicate_relation():
    record = {"id": "x", "text": "营收 3亿元",
              "spans": [{"start": 0, "end": 3, "label": "METRIC", "text": "营收 "},
                        {"start": 3, "end": 6, "label": "AMOUNT", "text": "3亿元"}],
              "relations": [{"head": [0, 3], "child": [3, 6], "label": "value"}] * 2}
    messages = _messages(record)
    assert sum("E018" in m for m in messages) == 1
    assert sum("E020" in m for m in messages) == 1


def test_validate_file_reports_path_line_offset(write_jsonl, guide_record):
    bad = dict(guide_record, id="b")
    bad["spans"] = [dict(bad["spans"][0], text="1-12月")] + bad["spans"][1:]
    path = write_jsonl("c.jsonl", [guide_record, "{broken", bad])
    problems = validate_file(path)
    assert [(p.line, p.offset) for p in problems] == [(2, None), (3, 0)]
    assert str(problems[1]).startswith(f"{path}:3: [b] offset 0: [E010]")


def test_validate_duplicate_ids_across_files(write_jsonl, guide_record):
    a = write_jsonl("a.jsonl", [guide_record])
    b = write_jsonl("b.jsonl", [guide_record])
    problems = validate_files([a, b])
    assert len(problems) == 1 and "E021" in problems[0].message


def test_validate_relation_across_a_soft_wrap_but_not_a_blank_line():
    def record(text):
        return {"id": "x", "text": text,
                "spans": [{"start": 0, "end": 2, "label": "METRIC", "text": "营收"},
                          {"start": 2, "end": len(text) - 1, "label": "AMOUNT", "text": text[2:-1]}],
                "relations": [{"head": [0, 2], "child": [2, len(text) - 1], "label": "value"}]}
    assert _messages(record("营收3.2\n亿元。")) == []
    messages = _messages(record("营收3.2\n\n亿元。"))
    assert len(messages) == 1 and "E015" in messages[0]
