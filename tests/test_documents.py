import spacy
from spacy.language import Language

from govie.documents import _share_threads, process


class _Threaded:
    def __init__(self, threads: int):
        self.cfg = {"threads": threads}

    def __call__(self, doc):
        doc.user_data["threads_seen"] = self.cfg["threads"]
        return doc


@Language.factory("test_threaded_v1", default_config={"threads": 2})
def _make_threaded(nlp, name, threads):
    return _Threaded(threads)


def _nlp(threads=2):
    nlp = spacy.blank("zh")
    nlp.add_pipe("test_threaded_v1", config={"threads": threads})
    return nlp


def test_documents_share_threads_gives_each_worker_its_share(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1}, raising=False)
    nlp = _nlp(2)
    old = _share_threads(nlp, 2)
    assert nlp.get_pipe("test_threaded_v1").cfg["threads"] == 1 and [t for _, t in old] == [2]
    nlp = _nlp(2)
    _share_threads(nlp, 1)
    assert nlp.get_pipe("test_threaded_v1").cfg["threads"] == 2
    nlp = _nlp(1)
    _share_threads(nlp, 8)
    assert nlp.get_pipe("test_threaded_v1").cfg["threads"] == 1


def test_documents_process_restores_threads_and_keeps_meta(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1}, raising=False)
    nlp = _nlp(2)
    docs = list(process(nlp, [("营收3.2亿元", {"year": 2023})], n_process=1))
    assert docs[0]._.meta == {"year": 2023} and docs[0].user_data["threads_seen"] == 2
    assert nlp.get_pipe("test_threaded_v1").cfg["threads"] == 2
