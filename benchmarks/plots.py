"""PNG plots of the results (matplotlib, Agg backend): scaling.png and speed.png."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .outputs import save_figure

_STAGE_MARKERS = ("s", "^", "v", "D", "x")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def scaling_plot(scaling: dict[str, Any], path: Path) -> None:
    """Seconds per document against document length, log-log, wall seconds (left) and CPU seconds
    (right): one line per tool and per govie stage, and a dotted slope-1 (linear) reference through
    the first point of govie rules."""
    if not any(r.get("seconds") for result in scaling["tools"].values() for r in result.get("rows", [])):
        return
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5), sharey=True)
    for ax, key, title in ((axes[0], "seconds", "wall seconds"), (axes[1], "cpu_seconds", "CPU seconds")):
        _scaling_lines(ax, scaling, key)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("document length (characters)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds per document")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.12))
    fig.suptitle("Time per document against length")
    save_figure(fig, path)
    plt.close(fig)


def _scaling_lines(ax, scaling: dict[str, Any], key: str) -> None:
    anchor = None
    for tool, result in scaling["tools"].items():
        rows = [r for r in result.get("rows", []) if r.get(key)]
        if not rows:
            continue
        xs = [r["chars"] for r in rows]
        line, = ax.plot(xs, [r[key] for r in rows], marker="o", linewidth=2, label=f"{tool} (whole)")
        if tool == "govie-rules" or anchor is None:
            anchor = (xs[0], rows[0][key])
        for i, stage in enumerate(rows[0].get("stages", [])):
            ys = [r["stages"][i].get(key) for r in rows]
            if all(ys):
                ax.plot(xs, ys, linestyle="--", marker=_STAGE_MARKERS[i % len(_STAGE_MARKERS)], markersize=4,
                        linewidth=1, color=line.get_color(), alpha=0.6, label=f"{tool}: {stage['stage']}")
    if anchor is not None:
        ends = [min(scaling["lengths"]), max(scaling["lengths"])]
        ax.plot(ends, [anchor[1] * n / anchor[0] for n in ends], linestyle=":", color="black",
                label="linear reference (slope 1)")


def speed_plot(speed: dict[str, Any], path: Path) -> None:
    """Characters per second on the test split (batch and one typical document), log scale."""
    plt = _pyplot()
    names, batch, single = [], [], []
    for tool, row in speed["tools"].items():
        if "batch" in row:
            names.append(tool)
            batch.append(row["batch"]["chars_per_s"])
            single.append(row.get("single", {}).get("chars_per_s"))
    if "chars_per_s" in speed.get("reference", {}):
        names.append("reference BERT-base")
        batch.append(speed["reference"]["chars_per_s"])
        single.append(None)
    if not names:
        return
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(names) + 1.5))
    ys = range(len(names))
    ax.barh([y + 0.2 for y in ys], batch, height=0.4, label="batch (all documents)")
    ax.barh([y - 0.2 for y, s in zip(ys, single) if s], [s for s in single if s], height=0.4,
            label="one typical document")
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("characters per second")
    ax.grid(True, axis="x", which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save_figure(fig, path)
    plt.close(fig)
