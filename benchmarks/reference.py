"""The "what a standard fine-tune would cost" reference: a randomly initialised bert-base-chinese-sized
``BertForTokenClassification`` (built locally from ``BertConfig``, nothing downloaded) over 512-token windows."""
from __future__ import annotations

from typing import Any, Iterator

from .timing import timed

BERT_BASE_CHINESE = {"vocab_size": 21128, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                     "intermediate_size": 3072, "max_position_embeddings": 512}


def reference_job(adapter, payload: dict[str, Any], params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """(child) Time the model on the first ``params['chars']`` characters, one token per character, in
    non-overlapping windows of 510 characters plus [CLS] and [SEP], ``params['batch_size']`` windows a pass."""
    import time

    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    torch.set_num_threads(params["threads"])
    start = time.perf_counter()
    config = BertConfig(**BERT_BASE_CHINESE, num_labels=params.get("num_labels", 13))
    model = BertForTokenClassification(config).eval()
    build_s = time.perf_counter() - start
    text = payload["text"][:params["chars"]]
    ids = [1000 + ord(c) % (config.vocab_size - 1000) for c in text]  # content does not change the cost
    windows = [ids[i:i + 510] for i in range(0, len(ids), 510)]
    size = params["batch_size"]

    def run() -> None:
        with torch.inference_mode():
            for b in range(0, len(windows), size):
                batch = windows[b:b + size]
                width = max(len(w) for w in batch) + 2
                input_ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, w in enumerate(batch):
                    input_ids[row, :len(w) + 2] = torch.tensor([101] + w + [102])
                    mask[row, :len(w) + 2] = 1
                model(input_ids=input_ids, attention_mask=mask)

    with torch.inference_mode():  # warm-up: one short window
        model(input_ids=torch.tensor([[101] + ids[:62] + [102]]))
    seconds = timed(run, params["repeats"], warmup=0)
    yield {"tool": {"tool": "reference-bert-base", "config": {**BERT_BASE_CHINESE, "num_labels": config.num_labels},
                     "parameters": sum(p.numel() for p in model.parameters()), "torch": torch.__version__,
                     "threads": params["threads"]},
            "build_s": build_s, "chars": len(text), "windows": len(windows), "batch_size": size,
            "seconds": seconds, "chars_per_s": len(text) / seconds["median"],
           "cpu_per_wall": seconds["cpu_median"] / seconds["median"]}
