import spacy
from spacy.language import Language

import govie
import govie.documents as documents
from govie.documents import doc_to_record, process


class _Threaded:
    def __init__(self, threads: int):
        self.cfg = {"threads": threads}

    def __call__(self, doc):
        return doc


@Language.factory("test_threaded_v1", default_config={"threads": 2})
def _make_threaded(nlp, name, threads):
    return _Threaded(threads)


TEXTS = [("1-11月，完成规上营利性服务业营收3.2亿元，同比增长123.3%。", {"year": 2023}),
         ("", {"year": 2023}),
         ("全年地区生产总值增长5.2%，固定资产投资下降1.5%。", {"year": 2022, "org": "某市人民政府"})]


def _records(docs):
    return [doc_to_record(doc, str(i)).to_dict() for i, doc in enumerate(docs)]


def test_documents_process_keeps_order_and_meta():
    nlp = govie.load("rules")
    docs = list(process(nlp, TEXTS))
    assert [d.text for d in docs] == [t for t, _ in TEXTS]
    assert docs[2]._.meta == {"year": 2022, "org": "某市人民政府"}
    assert [f.metric for f in docs[0]._.facts] == ["规上营利性服务业营收"]


def test_documents_process_in_worker_processes_gives_the_same_records():
    nlp = govie.load("rules")
    assert _records(process(nlp, TEXTS, n_process=2)) == _records(process(nlp, TEXTS))


def test_documents_worker_gets_its_share_of_threads(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("test_threaded_v1", config={"threads": 2})
    nlp.to_disk(tmp_path)
    documents._init_worker(str(tmp_path), 1)
    assert documents._WORKER_NLP.get_pipe("test_threaded_v1").cfg["threads"] == 1
    documents._init_worker(str(tmp_path), 4)
    assert documents._WORKER_NLP.get_pipe("test_threaded_v1").cfg["threads"] == 2
