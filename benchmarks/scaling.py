"""Scaling with document length: seconds for one document of 1k, 10k and 100k characters per tool
(and per govie stage), and the time ratio between consecutive lengths (10 when linear)."""
from __future__ import annotations

from typing import Any, Iterator

from .timing import timed


def scaling_job(adapter, payload: dict[str, Any], params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """(child) Time each text, shortest first, yielding the rows so far after each length; skip a length
    whose projected time exceeds the budget.

    One untimed pass over ``payload['warmup']`` (the source documents joined once) comes first, so
    first-use costs (lazy imports, regex compilation) fall outside every timed length.
    """
    from .speed import stage_times

    year, budget, repeats = payload["year"], params["budget_s"], params["repeats"]
    adapter.predict(payload["warmup"], year)
    rows, last = [], None
    for item in sorted(payload["texts"], key=lambda t: t["chars"]):
        if last is not None:
            projected = last["seconds"] * item["chars"] / last["chars"]
            if projected > budget:
                rows.append({"chars": item["chars"], "skipped": f"projected {projected:.0f} s > budget {budget:.0f} s"})
                yield {"rows": rows}
                continue
        doc = {"text": item["text"], "year": year}
        if hasattr(adapter, "stages"):
            measured = stage_times(adapter, [doc], repeats, warmup=0)
            row = {"chars": item["chars"], "seconds": measured["total"], "cpu_seconds": measured["cpu_total"],
                   "stages": measured["stages"]}
        else:
            measured = timed(lambda: adapter.predict(doc["text"], year), repeats, warmup=0)
            row = {"chars": item["chars"], "seconds": measured["median"], "cpu_seconds": measured["cpu_median"]}
        rows.append(row)
        last = row
        yield {"rows": rows}


def growth_ratios(rows: list[dict[str, Any]], key=lambda r: r.get("seconds")) -> dict[str, float]:
    """Return ``time(longer) / time(shorter)`` for consecutive measured lengths, keyed ``"10000/1000"``.

    >>> growth_ratios([{"chars": 1000, "seconds": 0.1}, {"chars": 10000, "seconds": 1.0}])
    {'10000/1000': 10.0}
    """
    measured = [r for r in rows if key(r)]
    return {f"{b['chars']}/{a['chars']}": key(b) / key(a) for a, b in zip(measured, measured[1:])}


def run_scaling(tools: list[str], docs: list[dict[str, Any]], lengths: list[int], model: str | None,
                params: dict[str, Any], timeout: float, log=print) -> dict[str, Any]:
    """Build texts of each length from the documents (joined, repeated, cut) and time every tool on them."""
    from .data import text_of_length
    from .worker import call

    payload = {"year": docs[0]["year"], "warmup": "\n".join(d["text"] for d in docs),
               "texts": [{"chars": n, "text": text_of_length(docs, n)} for n in lengths]}
    out: dict[str, Any] = {"lengths": lengths, "params": params, "tools": {}}
    for tool in tools:
        log(f"scaling: {tool}")
        result = call("scaling", tool, payload, params, model=model if tool == "govie-default" else None,
                      timeout=timeout)
        if "rows" in result:
            result["ratios"] = growth_ratios(result["rows"])
            result["cpu_ratios"] = growth_ratios(result["rows"], key=lambda r: r.get("cpu_seconds"))
            stage_names = [s["component"] for s in next((r["stages"] for r in result["rows"] if "stages" in r), [])]
            result["stage_ratios"] = {
                name: growth_ratios(result["rows"], key=lambda r, i=i: r["stages"][i]["seconds"] if "stages" in r
                                    else None)
                for i, name in enumerate(stage_names)}
            result["stage_cpu_ratios"] = {
                name: growth_ratios(result["rows"], key=lambda r, i=i: r["stages"][i]["cpu_seconds"]
                                    if "stages" in r else None)
                for i, name in enumerate(stage_names)}
        out["tools"][tool] = result
    return out
