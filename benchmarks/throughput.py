"""Throughput at scale: ``govie extract DIR --n-process N -o OUT`` over the report files, per N."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any


def _link(files: list[Path], folder: Path) -> None:
    folder.mkdir()
    for f in files:
        try:
            os.symlink(f.resolve(), folder / f.name)
        except OSError:
            shutil.copyfile(f, folder / f.name)


def _count(output: Path) -> dict[str, int]:
    docs = chars = facts = 0
    with open(output, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                docs += 1
                chars += len(record["text"])
                facts += len(record.get("facts", []))
    return {"documents": docs, "chars": chars, "facts": facts}


def run_throughput(files: list[Path], n_processes: list[int], model: str | None, timeout: float,
                   log=print, sample_every: int = 0) -> dict[str, Any]:
    """Run ``govie extract`` on links to ``files`` in a temporary folder once per process count.

    Each time is the whole command: interpreter start, model load, reading, extraction, writing JSONL.
    After a successful run, a later run is stopped at 4 times its duration (at least 30 s), so a hung
    worker pool costs little. With ``sample_every`` K > 1, every K-th file is also run with 1 and 2
    processes (``sample``): the speed-up of a sample, where a full 1-process run is not affordable.
    """
    out = _runs(files, n_processes, model, timeout, log)
    if sample_every > 1:
        sample = files[::sample_every]
        log(f"throughput: speed-up sample, every {sample_every}th file")
        out["sample"] = {"every": sample_every, **_runs(sample, [1, 2], model, timeout, log)}
    return out


def _runs(files: list[Path], n_processes: list[int], model: str | None, timeout: float, log) -> dict[str, Any]:
    from .proc import run

    out: dict[str, Any] = {"files": len(files), "input_bytes": sum(f.stat().st_size for f in files), "runs": []}
    with tempfile.TemporaryDirectory(prefix="govie-throughput-") as tmp:
        folder = Path(tmp) / "reports"
        _link(files, folder)
        limit = timeout
        for n in n_processes:
            target = Path(tmp) / f"out-{n}.jsonl"
            cmd = [sys.executable, "-m", "govie", "extract", str(folder), "--n-process", str(n), "-o", str(target)]
            if model not in (None, "default"):
                cmd += ["--model", model]
            log(f"throughput: govie extract, {len(files)} files, --n-process {n}")
            done = run(cmd, timeout=limit)
            row: dict[str, Any] = {"n_process": n, "command": " ".join(["govie"] + cmd[3:]).replace(tmp, "TMP"),
                                   "exit_code": done.returncode, "seconds": done.seconds,
                                   "cpu_seconds": done.cpu_seconds, "peak_rss_mb": done.peak_rss_mb,
                                   "peak_rss_sum_mb": done.peak_rss_sum_mb}
            reason = done.failure()
            if done.returncode == 1 and target.is_file():
                reason = None  # some file could not be read; the others were processed (named on stderr)
                row["stderr_tail"] = done.stderr[-1500:]
            if reason or not target.is_file():
                row["error"] = reason or "wrote no output"
                row["stderr_tail"] = done.stderr[-1500:]
            else:
                row.update(_count(target))
                row["chars_per_s"] = row["chars"] / done.seconds
                limit = min(limit, max(30.0, 4 * done.seconds))
            out["runs"].append(row)
    ok = {r["n_process"]: r for r in out["runs"] if "chars_per_s" in r}
    if 1 in ok:
        out["speedup"] = {str(n): ok[1]["seconds"] / r["seconds"] for n, r in ok.items()}
    return out
