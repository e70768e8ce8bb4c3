"""Run one tool in a fresh process: ``python -m benchmarks.worker JOB --tool T --input IN --output OUT``.

One process per tool and job keeps peak memory per tool and keeps a crashing peer from stopping the
run. A job yields its results part by part and the output file is rewritten after each part, so a
time-out keeps what was measured. A tool that is not installed writes ``{"unavailable": "<the
ImportError>"}``. ``call()`` is the parent's side.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from .data import ROOT

# job -> "module:function(adapter or None, payload, params)" under benchmarks, yielding dicts to merge
JOBS = {"predict": "quality:predict_job", "speed": "speed:speed_job", "scaling": "scaling:scaling_job",
        "reference": "reference:reference_job"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job", choices=sorted(JOBS))
    parser.add_argument("--tool", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--params", default="{}")
    args = parser.parse_args(argv)
    from .outputs import write_json
    from .timing import peak_rss_mb, rss_mb

    output = Path(args.output)
    payload = json.loads(Path(args.input).read_text(encoding="utf-8"))
    params = json.loads(args.params)
    module_name, func_name = JOBS[args.job].split(":")
    job = getattr(import_module(f"benchmarks.{module_name}"), func_name)
    result: dict[str, Any] = {"rss_start_mb": rss_mb()}
    adapter = None
    if args.tool is not None:
        from .adapters import make

        adapter = make(args.tool, args.model)
        start = time.perf_counter()
        try:
            adapter.load()
        except ImportError as err:
            write_json(output, {"tool": adapter.describe(), "unavailable": f"{type(err).__name__}: {err}"})
            return 0
        result["load_s"] = time.perf_counter() - start
        result["rss_after_load_mb"] = rss_mb()
        result["tool"] = adapter.describe()
        write_json(output, result)
    for part in job(adapter, payload, params):
        result.update(part)
        result["peak_rss_mb"] = peak_rss_mb()
        write_json(output, result)
    return 0


def call(job: str, tool: str | None, payload: dict[str, Any], params: dict[str, Any] | None = None,
         model: str | None = None, timeout: float = 600) -> dict[str, Any]:
    """Run a job in a child process and return its result.

    When the child fails or times out, the result holds ``error`` (the reason), ``stderr_tail`` and
    whatever parts the child had written. It always gains ``process``: the child's wall and CPU
    seconds, start and load included.
    """
    from .proc import run

    with tempfile.TemporaryDirectory(prefix="govie-bench-") as tmp:
        src, dst = Path(tmp) / "input.json", Path(tmp) / "output.json"
        src.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        cmd = [sys.executable, "-m", "benchmarks.worker", job, "--input", str(src), "--output", str(dst),
               "--params", json.dumps(params or {})]
        if tool is not None:
            cmd += ["--tool", tool]
        if model is not None:
            cmd += ["--model", model]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        done = run(cmd, timeout=timeout, env=env, cwd=str(ROOT))
        reason = done.failure()
        if reason is None and not dst.is_file():
            reason = "wrote no result"
        result = json.loads(dst.read_text(encoding="utf-8")) if dst.is_file() else {}
        if reason:
            result.update(error=reason, stderr_tail=done.stderr[-1500:])
    result["process"] = {"seconds": done.seconds, "cpu_seconds": done.cpu_seconds}
    return result


if __name__ == "__main__":
    sys.exit(main())
