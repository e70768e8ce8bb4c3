"""govie.pipeline.hints: word starts and rule tags as token type ids, rule relations shared per Doc."""
import govie
from govie.pipeline.hints import HINT_TAGS, char_type_ids, rule_hints, rule_relation_label, token_type_ids


def test_hints_type_ids_mark_rule_tags_and_word_starts():
    nlp = govie.blank()
    doc = nlp.make_doc("1-11月，营收3.2亿元。")
    types = char_type_ids(doc)
    assert len(types) == len(doc.text)
    assert types[0] == 2 * HINT_TAGS.index("B-PERIOD") + 1
    assert types[2] // 2 == HINT_TAGS.index("I-PERIOD")
    amount = doc.text.index("3.2")
    assert types[amount] // 2 == HINT_TAGS.index("B-AMOUNT")
    assert types[doc.text.index("，")] // 2 == 0
    starts = {t.idx for t in doc}
    assert [int(t) % 2 for t in types] == [int(i in starts) for i in range(len(doc.text))]
    # a piece takes its first character's id
    assert token_type_ids(types, [(0, 2), (5, 6)]) == [int(types[0]), int(types[5])]


def test_hints_are_computed_once_and_index_relations():
    doc = govie.blank().make_doc("1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%。")
    spans, relations = rule_hints(doc)
    doc.user_data["govie.rule_hints"] = ([], [])
    assert rule_hints(doc) == ([], [])
    index = rule_relation_label(relations)
    metric = next(s for s in spans if s.label == "METRIC")
    amount = next(s for s in spans if s.label == "AMOUNT")
    assert index[(metric.key, amount.key)] == "value"
