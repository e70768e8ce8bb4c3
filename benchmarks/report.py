"""RESULTS.md (Markdown tables) and the PNG plots, rebuilt from the section JSON files in a results folder."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .outputs import write_text

SECTIONS = ("quality", "speed", "scaling", "throughput")
LABELS = ("METRIC", "AMOUNT", "RATE", "PERIOD", "PROJECT", "ORG")
DASH = "–"


def _f3(x: Any) -> str:
    return DASH if x is None else f"{x:.3f}"


def _f2(x: Any) -> str:
    return DASH if x is None else f"{x:.2f}"


def _int(x: Any) -> str:
    return DASH if x is None else f"{x:,.0f}"


def _secs(x: Any) -> str:
    if x is None:
        return DASH
    return f"{x:.3g}" if x < 100 else f"{x:,.0f}"


def _ratio(x: Any) -> str:
    return DASH if x is None else (f"{x:.2f}×" if x < 10 else f"{x:.3g}×")


def _ratios(wall: Any, cpu: Any) -> str:
    return _ratio(wall) if cpu is None else f"{_ratio(wall)} (CPU {_ratio(cpu)})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _tool_cell(tool: str, row: dict[str, Any]) -> str:
    pipeline = (row.get("tool") or {}).get("pipeline")
    if pipeline:
        return f"{tool} (`{pipeline['name']}`: {', '.join(pipeline['pipe_names'])})"
    version = (row.get("tool") or {}).get("version")
    return f"{tool} {version}" if version else tool


def _run_line(section: dict[str, Any]) -> str:
    run = section["run"]
    return f"Measured {run['env']['date']} ({run['mode']} mode) with `{run['command']}`."


def _unavailable(tools: dict[str, Any]) -> list[str]:
    lines = []
    for tool, row in tools.items():
        reason = row.get("unavailable") or row.get("error")
        if reason:
            kind = "not installed" if row.get("unavailable") else "stopped (the parts measured are shown)"
            lines.append(f"- {tool}: {kind}: `{reason}`")
    return ["", "Not measured or incomplete:"] + lines if lines else []


def headline(sections: dict[str, Any]) -> list[str]:
    """Return the summary table: one row per tool with F1, probes, speed and memory (what a README quotes)."""
    quality = sections.get("quality", {}).get("tools", {})
    speed = sections.get("speed", {}).get("tools", {})
    rows = []
    for tool in dict.fromkeys(list(quality) + list(speed)):
        q, s = quality.get(tool, {}), speed.get(tool, {})
        if "entities" not in q and "batch" not in s:
            continue
        per = q.get("entities", {}).get("per_label", {})
        probes = [p["ok"] for p in q.get("probes", []) if p["ok"] is not None]
        rows.append([_tool_cell(tool, q or s), _f3(q.get("entities", {}).get("micro", {}).get("f")),
                     *[_f3(per[label]["f"]) if label in per else DASH for label in LABELS],
                     f"{sum(probes)}/{len(probes)}" if probes else DASH,
                     _int(s.get("batch", {}).get("chars_per_s")), _int(_per_cpu_s(s.get("batch"))),
                     _int(s.get("peak_rss_mb"))])
    ref = sections.get("speed", {}).get("reference", {})
    if "chars_per_s" in ref:
        rows.append(["reference: random BERT-base token classifier", DASH, *[DASH] * len(LABELS), DASH,
                     _int(ref["chars_per_s"]), _int(_per_cpu_s(ref)), _int(ref["peak_rss_mb"])])
    if not rows:
        return []
    return ["## Headline", "", *_table(["tool", "F1 (micro, its labels)", *LABELS, "probes right",
                                        "chars/s", "chars/CPU-s", "peak RSS MB"], rows),
            "", "F1: strict span F1 on the corpus test split, each tool only on the labels it has; probes: "
            "normalized values right in the fixed probe list below; chars/s and chars per CPU-second: batch "
            "over the test split.", ""]


def _per_cpu_s(batch: dict[str, Any] | None) -> float | None:
    """Return characters per CPU-second of a batch (or reference) measurement, if it has CPU time."""
    cpu = ((batch or {}).get("seconds") or {}).get("cpu_median")
    return batch["chars"] / cpu if cpu else None


def quality_section(q: dict[str, Any]) -> list[str]:
    """Return the quality tables: F1 per label, P/R detail, relations, normalized values, probes."""
    tools = q["tools"]
    scored = {t: r for t, r in tools.items() if "entities" in r}
    out = ["## Quality", "", _run_line(q) + f" Corpus test split: {q['split']['documents']} documents, "
           f"{q['split']['characters']:,} characters. Strict span F1 (govie.scoring.entity_scores: seqeval, "
           "IOB2, strict mode); each tool is scored only on the labels it has (– = no such label).", ""]
    out += _table(["tool", *LABELS, "micro"],
                  [[_tool_cell(t, r), *[_f3(r["entities"]["per_label"][lab]["f"]) if lab in r["labels"] else DASH
                                        for lab in LABELS], _f3(r["entities"]["micro"]["f"])]
                   for t, r in scored.items()])
    detail = [[t, lab, _f3(row["p"]), _f3(row["r"]), _f3(row["f"]), str(row["support"]), str(row["predicted"])]
              for t, r in scored.items() for lab, row in r["entities"]["per_label"].items()]
    out += ["", "<details><summary>precision and recall</summary>", "", *_table(
        ["tool", "label", "P", "R", "F1", "gold", "predicted"], detail), "", "</details>", ""]
    dropped = {t: r["overlapping_spans_dropped"] for t, r in scored.items() if r["overlapping_spans_dropped"]}
    if dropped:
        out += ["Overlapping predicted spans dropped before scoring (IOB2 holds no overlaps; the longest is kept): "
                + ", ".join(f"{t} {n}" for t, n in dropped.items()) + ".", ""]
    rel = {t: r["relations"] for t, r in scored.items() if "relations" in r}
    if rel:
        out += ["Relations (govie only; a gold relation whose spans were not predicted counts as missed):", ""]
        labels = list(next(iter(rel.values()))["per_label"])
        out += _table(["tool", *labels, "micro"], [[t, *[_f3(r["per_label"][lab]["f"]) for lab in labels],
                                                     _f3(r["micro"]["f"])] for t, r in rel.items()]) + [""]
    out += ["Normalized values: among gold spans found with exact boundaries, the share whose value equals the "
            "gold value (correct/found); and correct/all gold spans with a value. The gold value is govie's "
            "normalizer applied to the gold span text (govie.normalize; the corpus stores no values), so govie's "
            "own score here is 1.000 by construction wherever its span text matches: the probes below, with "
            "hand-written answers, are the independent check.", ""]
    vrows = []
    for t, r in scored.items():
        cells = []
        for lab in ("AMOUNT", "RATE", "PERIOD"):
            v = r["values"].get(lab)
            if v is None:
                cells.append(DASH if lab not in r["labels"] else "no values")
            else:
                cells.append(f"{_f3(v['accuracy_on_found'])} ({v['correct']}/{v['found_exact']}); "
                             f"{_f3(v['recovered'])} of {v['gold_with_value']}")
        vrows.append([t, *cells])
    out += _table(["tool", "AMOUNT", "RATE", "PERIOD"], vrows) + [""]
    out += [f"Probes (year {q['probe_year']}): ✓ right value, ✗ wrong or missing (the span and value the tool "
            "gave), – no such label. Signed probes need the direction (下降 → negative).", ""]
    prow = []
    for i, probe in enumerate(q["probes"]):
        cells = []
        for r in scored.values():
            p = r["probes"][i] if "probes" in r else {"ok": None}
            if p["ok"] is None:
                cells.append(DASH)
            elif p["ok"]:
                cells.append("✓")
            else:
                value = _value(p["value"]) if p["value"] is not None else "no value"
                cells.append("✗ " + (f"{p['text']} → {value}" if p["text"] else "not found"))
        prow.append([f"{probe['id']} ({probe['label']})", _value(probe["expected"]), *cells])
    out += _table(["probe", "expected", *scored], prow)
    return out + _unavailable(tools) + [""]


def _value(v: Any) -> str:
    if isinstance(v, list):
        return "..".join(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return DASH if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def _busy(s: dict[str, Any], threshold: float = 0.8) -> float | None:
    """Return the median CPU/wall of the tools' batch runs when it is below ``threshold``, else None."""
    shares = sorted(row["batch"]["cpu_per_wall"] for row in s["tools"].values()
                    if "cpu_per_wall" in row.get("batch", {}))
    if not shares:
        return None
    median = shares[len(shares) // 2]
    return median if median < threshold else None


def speed_section(s: dict[str, Any]) -> list[str]:
    """Return the speed tables: per tool, the reference encoder, and govie's stages."""
    split = s["split"]
    out = ["## Speed and cost", "", _run_line(s) + f" Test split: {split['documents']} documents, "
           f"{split['characters']:,} characters; single document: `{split['typical']}` (median length). "
           f"Median of {s['params']['repeats']} batch and {s['params']['single_repeats']} single runs after a "
           "warm-up; each tool in its own process (load time includes importing the tool; peak RSS is that "
           "process's maximum). CPU/wall is the process's CPU seconds over wall seconds in the batch runs: "
           "well below 1 for a single-threaded tool means it waited for a core (a busy machine) and its "
           "wall times are inflated; torch tools can reach 2 on 2 threads. chars/CPU-s does not depend on "
           "waiting (for a multi-threaded tool it counts every thread's time).", ""]
    ratios = s.get("ratios_vs_rules", {})
    rows = []
    for tool, row in s["tools"].items():
        if "batch" not in row:
            continue
        r = ratios.get(tool, {})
        rows.append([_tool_cell(tool, row), _secs(row["load_s"]), _int(row["batch"]["chars_per_s"]),
                     _int(row.get("single", {}).get("chars_per_s")), _int(_per_cpu_s(row["batch"])),
                     _f2(row["batch"].get("cpu_per_wall")),
                     _int(row["rss_after_load_mb"]), _int(row["peak_rss_mb"]),
                     _ratio(r.get("batch_chars_per_s")), _ratio(r.get("peak_rss"))])
    ref = s.get("reference", {})
    if "chars_per_s" in ref:
        r = ratios.get("reference-bert-base", {})
        rows.append([f"reference: random BERT-base token classifier ({ref['tool']['parameters'] / 1e6:.0f}M params)",
                     _secs(ref["build_s"]), _int(ref["chars_per_s"]), DASH,
                     _int(_per_cpu_s(ref)),
                     _f2(ref.get("cpu_per_wall")), DASH,
                     _int(ref["peak_rss_mb"]),
                     _ratio(r.get("batch_chars_per_s")), _ratio(r.get("peak_rss"))])
    out += _table(["tool", "load s", "chars/s batch", "chars/s single doc", "chars/CPU-s batch", "CPU/wall",
                   "RSS after load MB",
                   "peak RSS MB", "speed × rules", "memory × rules"], rows)
    busy = _busy(s)
    if busy is not None:
        out += ["", f"**The machine was busy**: the tools' processes got a median {busy:.2f} of a core while timed "
                "(CPU/wall); wall-clock figures are inflated, compare chars per CPU-second instead."]
    if "chars_per_s" in ref:
        out += ["", f"Reference: 12 layers, hidden 768, 12 heads, vocabulary 21,128, built from BertConfig with "
                f"random weights, {ref['tool']['threads']} torch threads, one token per character in "
                f"non-overlapping 512-token windows, {ref['batch_size']} windows a pass; timed on the first "
                f"{ref['chars']:,} characters ({ref['windows']} windows) and extrapolated: "
                f"{_secs(ref['extrapolated_split_seconds'])} s for the test split."]
    for tool, row in s["tools"].items():
        if "stages" not in row:
            continue
        batch, single = row["stages"]["batch"], row["stages"]["single"]
        out += ["", f"Stages of {tool} (each pipe component timed over already-processed output of the previous "
                f"one; batch total {_secs(batch['total'])} s, single-document total "
                f"{_secs(single['total'] * 1000)} ms):", ""]
        out += _table(["stage", "component", "batch s", "chars/s", "share", "single doc ms"],
                      [[b["stage"], b["component"], _secs(b["seconds"]), _int(b["chars_per_s"]),
                        f"{b['seconds'] / batch['total']:.0%}", _secs(o["seconds"] * 1000)]
                       for b, o in zip(batch["stages"], single["stages"])])
    return out + _unavailable(s["tools"]) + [""]


def scaling_section(sc: dict[str, Any], plot: bool) -> list[str]:
    """Return the scaling table (seconds per document by length, growth ratios) and the plot link."""
    lengths = sc["lengths"]
    out = ["## Scaling with document length", "", _run_line(sc) + " One document of each length, built by "
           "joining the test texts (repeated as needed) and cutting; median of "
           f"{sc['params']['repeats']} run(s); a length is skipped when its projected time exceeds "
           f"{sc['params']['budget_s']:.0f} s. Linear scaling gives a ratio of 10 per tenfold length; the ratio of "
           "CPU seconds (in brackets) is the one to trust on a busy machine.", ""]
    keys = [f"{b}/{a}" for a, b in zip(lengths, lengths[1:])]
    rows = []
    for tool, result in sc["tools"].items():
        if "rows" not in result:
            continue
        by_len = {r["chars"]: r for r in result["rows"]}
        rows.append([f"**{tool}**", *[_secs(by_len.get(n, {}).get("seconds")) for n in lengths],
                     *[_ratios(result["ratios"].get(k), result.get("cpu_ratios", {}).get(k)) for k in keys]])
        first = next((r for r in result["rows"] if "stages" in r), None)
        for i, stage in enumerate(first["stages"] if first else []):
            rows.append([f"{tool}: {stage['stage']}",
                         *[_secs(by_len[n]["stages"][i]["seconds"]) if "stages" in by_len.get(n, {}) else DASH
                           for n in lengths],
                         *[_ratios(result["stage_ratios"][stage["component"]].get(k),
                                   result.get("stage_cpu_ratios", {}).get(stage["component"], {}).get(k))
                           for k in keys]])
    out += _table(["tool / stage", *[f"{n:,} chars (s)" for n in lengths], *[f"t({k.replace('/', ')/t(')})"
                                                                          for k in keys]], rows)
    skipped = [f"{t} at {r['chars']:,} ({r['skipped']})" for t, res in sc["tools"].items()
               for r in res.get("rows", []) if "skipped" in r]
    if skipped:
        out += ["", "Skipped: " + "; ".join(skipped) + "."]
    if plot:
        out += ["", "![seconds per document against length, log-log](scaling.png)"]
    return out + _unavailable(sc["tools"]) + [""]


def throughput_section(t: dict[str, Any]) -> list[str]:
    """Return the throughput table of ``govie extract`` per process count."""
    out = ["## Throughput at scale", "", _run_line(t) + f" `govie extract` over {t['files']:,} report files "
           f"({t['input_bytes'] / 1e6:.1f} MB) from MANIFEST.tsv order; each time is the whole command "
           "(start, model load, reading, extraction, writing JSONL).", ""]
    out += _throughput_table(t)
    if "sample" in t:
        sample = t["sample"]
        out += ["", f"Speed-up sample: every {sample['every']}th of those files ({sample['files']:,} files, "
                f"{sample['input_bytes'] / 1e6:.1f} MB), run with 1 and 2 processes:", ""]
        out += _throughput_table(sample)
    return out + [""]


def _throughput_table(t: dict[str, Any]) -> list[str]:
    speedup = t.get("speedup", {})
    rows = [[str(r["n_process"]), _int(r.get("documents")), _int(r.get("chars")), _int(r.get("facts")),
             _secs(r["seconds"]), _secs(r["cpu_seconds"]), _int(r.get("chars_per_s")), _int(r["peak_rss_mb"]),
             _int(r["peak_rss_sum_mb"]), _ratio(speedup.get(str(r["n_process"]))), r.get("error", "")]
            for r in t["runs"]]
    return _table(["--n-process", "documents", "chars", "facts", "wall s", "CPU s", "chars/s",
                   "peak RSS MB (largest process)", "peak RSS MB (sum of processes)", "speed-up", "error"], rows)


def build_report(out_dir: Path, log=print) -> Path:
    """Read the section JSON files in ``out_dir``, draw the plots, and write RESULTS.md there."""
    sections = {name: json.loads((out_dir / f"{name}.json").read_text(encoding="utf-8"))
                for name in SECTIONS if (out_dir / f"{name}.json").is_file()}
    plotted = set()
    try:
        from . import plots

        if "scaling" in sections:
            plots.scaling_plot(sections["scaling"], out_dir / "scaling.png")
            plotted.add("scaling")
        if "speed" in sections:
            plots.speed_plot(sections["speed"], out_dir / "speed.png")
            plotted.add("speed")
    except ImportError as err:
        log(f"report: no plots ({err}); pip install -e '.[bench]'")
    latest = max((s["run"] for s in sections.values()), key=lambda r: r["env"]["date"], default=None)
    lines = ["# govie benchmarks", ""]
    if latest:
        env = latest["env"]
        m, v = env["machine"], env["versions"]
        lines += [f"- date: {env['date']}",
                  f"- machine: {m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB; load average at start "
                  f"{', '.join(f'{x:.2f}' for x in m['load_average'])} (1/5/15 min)",
                  f"- versions: Python {v['python']}, torch {v['torch']}, spaCy {v['spacy']}, transformers "
                  f"{v['transformers']}, govie {v['govie']} (commit {env['git']['commit']}, "
                  f"{env['git']['uncommitted_changes']} uncommitted changes)",
                  f"- command: `{latest['command']}`"]
        busy = _busy(sections["speed"]) if "speed" in sections else None
        if busy is not None:
            lines.append(f"- **busy machine**: timed processes got a median {busy:.2f} of a core; wall-clock "
                         "speeds are inflated (see chars/CPU-s)")
        lines.append("")
    lines += headline(sections)
    if "quality" in sections:
        lines += quality_section(sections["quality"])
    if "speed" in sections:
        lines += speed_section(sections["speed"])
        if "speed" in plotted:
            lines += ["![characters per second](speed.png)", ""]
    if "scaling" in sections:
        lines += scaling_section(sections["scaling"], "scaling" in plotted)
    if "throughput" in sections:
        lines += throughput_section(sections["throughput"])
    path = out_dir / "RESULTS.md"
    write_text(path, "\n".join(lines).rstrip() + "\n")
    return path
