"""Speed and cost on the test split: chars/s and peak RSS per tool (batch and one typical document),
load time, govie's stages (segmentation and each pipe component), and ratios against govie rules."""
from __future__ import annotations

import statistics
from typing import Any, Iterator

from .timing import Clock, timed


def stage_times(adapter, docs: list[dict[str, Any]], repeats: int, warmup: int = 1) -> dict[str, Any]:
    """(child) Time segmentation (``nlp.make_doc``) and then each pipe component over ``docs``.

    RETURNS (dict): ``stages`` (one row per stage: median wall and CPU seconds), ``total`` and
        ``cpu_total`` (medians of the per-run sums).
    """
    runs: list[list[tuple[float, float]]] = []
    names = [("tokenizer", "segmentation")] + [(name, stage) for name, stage, _ in adapter.stages()]
    for i in range(warmup + max(1, repeats)):
        times = []
        clock = Clock()
        made = [adapter.make_doc(d["text"], d["year"]) for d in docs]
        times.append(clock.read())
        for _, _, proc in adapter.stages():
            clock = Clock()
            made = list(proc.pipe(made)) if hasattr(proc, "pipe") else [proc(doc) for doc in made]
            times.append(clock.read())
        if i >= warmup:
            runs.append(times)
    chars = sum(len(d["text"]) for d in docs)
    stages = []
    for j, (name, stage) in enumerate(names):
        seconds = statistics.median(r[j][0] for r in runs)
        stages.append({"component": name, "stage": stage, "seconds": seconds,
                       "cpu_seconds": statistics.median(r[j][1] for r in runs),
                       "chars_per_s": chars / seconds if seconds else None})
    return {"stages": stages, "total": statistics.median(sum(w for w, _ in r) for r in runs),
            "cpu_total": statistics.median(sum(c for _, c in r) for r in runs), "runs": len(runs)}


def speed_job(adapter, payload: dict[str, Any], params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """(child) Time the tool on all documents (batch), on the typical document (single), and per stage."""
    docs = payload["docs"]
    single = next(d for d in docs if d["id"] == payload["typical"])
    chars = sum(len(d["text"]) for d in docs)
    batch = timed(lambda: adapter.predict_many(docs), params["repeats"], warmup=params["warmup"])
    yield {"batch": {"documents": len(docs), "chars": chars, "seconds": batch, "chars_per_s": chars / batch["median"],
                     "cpu_per_wall": batch["cpu_median"] / batch["median"]}}
    one = timed(lambda: adapter.predict(single["text"], single["year"]), params["single_repeats"], warmup=1)
    yield {"single": {"id": single["id"], "chars": len(single["text"]), "seconds": one,
                      "chars_per_s": len(single["text"]) / one["median"],
                      "cpu_per_wall": one["cpu_median"] / one["median"]}}
    if hasattr(adapter, "stages"):
        yield {"stages": {"batch": stage_times(adapter, docs, params["repeats"], warmup=0),
                          "single": stage_times(adapter, [single], params["single_repeats"], warmup=1)}}


def run_speed(tools: list[str], docs: list[dict[str, Any]], typical_id: str, model: str | None,
              params: dict[str, Any], reference: dict[str, Any] | None, timeout: float, log=print) -> dict[str, Any]:
    """Measure every tool in its own process, the reference encoder, and the ratios against govie rules."""
    from .worker import call

    chars = sum(len(d["text"]) for d in docs)
    out: dict[str, Any] = {"split": {"documents": len(docs), "characters": chars, "typical": typical_id},
                           "params": params, "tools": {}}
    for tool in tools:
        log(f"speed: {tool}")
        out["tools"][tool] = call("speed", tool, {"docs": docs, "typical": typical_id}, params,
                                  model=model if tool == "govie-default" else None, timeout=timeout)
    if reference is not None:
        log("speed: reference BERT-base token classifier")
        text = "\n".join(d["text"] for d in docs)
        ref = call("reference", None, {"text": text}, reference, timeout=timeout)
        if "chars_per_s" in ref:
            ref["extrapolated_split_seconds"] = chars / ref["chars_per_s"]
        out["reference"] = ref
    out["ratios_vs_rules"] = ratios(out)
    return out


def ratios(out: dict[str, Any]) -> dict[str, Any]:
    """Return chars/s and peak-RSS ratios of each tool (and the reference) to govie rules in the same run."""
    base = out["tools"].get("govie-rules", {})
    if "batch" not in base:
        return {}
    rows = dict(out["tools"])
    if "chars_per_s" in out.get("reference", {}):
        rows["reference-bert-base"] = {"batch": {"chars_per_s": out["reference"]["chars_per_s"]},
                                       "peak_rss_mb": out["reference"]["peak_rss_mb"]}
    result = {}
    for tool, row in rows.items():
        if "batch" in row:
            result[tool] = {"batch_chars_per_s": row["batch"]["chars_per_s"] / base["batch"]["chars_per_s"],
                            "peak_rss": row["peak_rss_mb"] / base["peak_rss_mb"]}
            if "single" in row and "single" in base:
                result[tool]["single_chars_per_s"] = row["single"]["chars_per_s"] / base["single"]["chars_per_s"]
    return result
