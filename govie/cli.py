"""The ``govie`` command line: extract, evaluate, corpus tools."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import Errors, GovieError

app = typer.Typer(help="Extract structured facts from Chinese government reports.", no_args_is_help=True,
                  add_completion=False)
corpus_app = typer.Typer(help="Check and summarize annotated corpus files.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

FORMATS = ("jsonl", "csv", "table")
CSV_FIELDS = ("doc_id", "org", "metric", "value", "unit", "currency", "approx", "growth", "growth_kind",
              "direction", "period_start", "period_end", "period_text", "sentence", "start", "end")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _progress(items, total: int, label: str):
    if total <= 1:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=label, unit="file", file=sys.stderr)


@app.command()
def extract(
    paths: List[Path] = typer.Argument(..., help="Report files, directories of them, or JSONL corpus files "
                                                 "(one document per record)."),
    model: str = typer.Option("default", "--model", "-m", help="'default', 'rules' or a pipeline directory."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or table."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here (atomically) instead of stdout."),
    year: Optional[int] = typer.Option(None, "--year", help="Year the reports are about (default: a JSONL "
                                                            "record's meta, else inferred)."),
    org: Optional[str] = typer.Option(None, "--org", help="Publishing body (default: a JSONL record's meta, "
                                                          "else from the text)."),
    n_process: int = typer.Option(1, "--n-process", help="Worker processes."),
) -> None:
    """Extract spans, relations and fact rows from report files (.txt in any common encoding, .html,
    .docx, .pdf) or from the records of JSONL corpus files (their id and meta are kept).

    Exit code 0 when every file was processed, 1 when some file could not be read (each named on
    stderr; the others are still processed), 2 on a usage error.
    """
    from .documents import doc_to_record, process
    from .loading import load
    from .schema import atomic_write

    if fmt not in FORMATS:
        _fail(Errors.E052.format(fmt=fmt, formats=", ".join(FORMATS)))
    good, failures = _read_paths(paths)
    try:
        nlp = load(None if model == "default" else model)
    except GovieError as err:
        _fail(str(err))
    meta = {k: v for k, v in (("year", year), ("org", org)) if v is not None}
    docs = process(nlp, ((item.text, {**(item.meta or {}), **meta, **_file_meta(item)}) for item in good),
                   n_process=n_process)
    records = [doc_to_record(doc, item.doc_id)
               for item, doc in zip(good, _progress(docs, len(good), "extract"))]
    text = _render(records, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        with atomic_write(output, newline="") as handle:
            handle.write(text)
    raise typer.Exit(1 if failures else 0)


def _read_paths(paths) -> tuple[list, int]:
    """Read every input file; name each unreadable one on stderr. Return (readable inputs, failures)."""
    from .inputs import InputFailure, expand_paths, read_inputs

    files = expand_paths(paths)
    if not files:
        _fail(Errors.E053.format(paths=", ".join(map(str, paths))))
    good, failures = [], 0
    for item in read_inputs(files):
        if isinstance(item, InputFailure):
            failures += 1
            typer.echo(f"govie: skipped {item.path}: {item.reason}", err=True)
        else:
            good.append(item)
            if item.note:
                typer.echo(f"govie: {item.path}: {item.note}", err=True)
    return good, failures


def _file_meta(item) -> dict:
    out = {"source_file": item.path.name, "source_format": item.source_format}
    if item.encoding:
        out["encoding"] = item.encoding
    return out


def _render(records, fmt: str) -> str:
    from .schema import dumps_record

    if fmt == "jsonl":
        return "".join(dumps_record(r) + "\n" for r in records)
    rows = [{"doc_id": r.id, **fact} for r in records for fact in r.extra.get("facts", [])]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    return _table(rows)


def _table(rows) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} facts", show_lines=False)
    for column in ("doc_id", "metric", "value", "unit", "growth", "period"):
        table.add_column(column, overflow="fold")
    for r in rows:
        growth = "" if r["growth"] is None else f"{'-' if r['direction'] == -1 else '+' if r['direction'] == 1 else ''}{r['growth_text']}"
        period = f"{r['period_start'] or ''}..{r['period_end'] or ''}" if r["period_start"] or r["period_end"] else ""
        table.add_row(r["doc_id"], r["metric"], "" if r["value"] is None else str(r["value"]), r["unit"] or "",
                      growth, period)
    console = Console(file=io.StringIO(), width=140, force_terminal=False)
    console.print(table)
    return console.file.getvalue()


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="Gold JSONL file."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Pipeline to run on the gold texts."),
    pred: Optional[Path] = typer.Option(None, "--pred", help="Predictions JSONL (same ids and texts)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score entities (seqeval strict IOB2) and relations against gold; default model if neither option."""
    from .evaluation import evaluate as run_evaluation, format_scores

    if model is not None and pred is not None:
        _fail(Errors.E050)
    try:
        scores = run_evaluation(gold, model=model, pred=pred)
    except GovieError as err:
        _fail(str(err))
    typer.echo(json.dumps(scores, ensure_ascii=False, indent=2) if as_json else format_scores(scores))


@corpus_app.command("validate")
def corpus_validate(files: List[Path] = typer.Argument(..., help="JSONL files to check.")) -> None:
    """Report every schema problem with file, line and offset; exit 1 if there is any."""
    from .validate import validate_files

    problems = validate_files(files)
    for problem in problems:
        typer.echo(str(problem))
    typer.echo(f"{len(problems)} problem(s) in {len(files)} file(s)", err=True)
    raise typer.Exit(1 if problems else 0)


@corpus_app.command("stats")
def corpus_stats(
    files: List[Path] = typer.Argument(..., help="JSONL files."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Count documents, characters, spans per label and relations per label, per file."""
    from .corpus.stats import corpus_statistics, format_statistics

    try:
        stats = corpus_statistics(files)
    except GovieError as err:
        _fail(str(err))
    typer.echo(json.dumps(stats, ensure_ascii=False, indent=2) if as_json else format_statistics(stats))


@corpus_app.command("build")
def corpus_build(
    src: Path = typer.Argument(Path("corpus/src"), help="Folder of <id>.txt, <id>.meta.json and <id>.spans."),
    out: Path = typer.Option(Path("corpus"), "--out", "-o", help="Where train/dev/test.jsonl go."),
) -> None:
    """Build the corpus splits (train/dev/test.jsonl, splits.json) from span lists."""
    from .corpus.build import build_corpus

    try:
        summary = build_corpus(src, out)
    except GovieError as err:
        _fail(str(err), 1)
    typer.echo(json.dumps(summary, ensure_ascii=False))


@corpus_app.command("agreement")
def corpus_agreement(
    first: Path = typer.Argument(..., help="Folder with the first pass (<id>.spans)."),
    second: Path = typer.Argument(..., help="Folder with the independent second pass (<id>.spans)."),
    src: Path = typer.Option(Path("corpus/src"), "--src", help="Folder with <id>.txt and <id>.meta.json."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Inter-annotator F1 per label and for relations over the doubly annotated documents."""
    from .corpus.build import agreement
    from .evaluation import format_scores

    try:
        result = agreement(src, first, second)
    except GovieError as err:
        _fail(str(err), 1)
    result["gold"], result["predictions"] = f"first pass ({result['characters']} chars)", "second pass"
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else format_scores(result))


@corpus_app.command("import")
def corpus_import(
    source: Path = typer.Argument(..., help="An export file of the annotation tool."),
    fmt: str = typer.Option(..., "--from", help="labelstudio or doccano."),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL to write (atomically)."),
) -> None:
    """Convert a Label Studio or doccano export (spans and relations) to govie JSONL."""
    from .corpus.formats import import_file
    from .schema import write_jsonl
    from .validate import check_record

    try:
        records = import_file(source, fmt)
    except GovieError as err:
        _fail(str(err), 1)
    problems = [f"{source}: [{r.id}] offset {off}: {msg}" for r in records for off, msg in check_record(r)]
    for problem in problems:
        typer.echo(problem, err=True)
    write_jsonl(output, records)
    typer.echo(f"{len(records)} document(s) written to {output}; {len(problems)} schema problem(s)", err=True)
    raise typer.Exit(1 if problems else 0)


@corpus_app.command("export")
def corpus_export(
    source: Path = typer.Argument(..., help="govie JSONL."),
    fmt: str = typer.Option(..., "--to", help="labelstudio or doccano."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (atomically)."),
) -> None:
    """Convert govie JSONL to a Label Studio (JSON) or doccano (JSONL) import file."""
    from .corpus.formats import export_file
    from .schema import read_jsonl

    try:
        export_file(read_jsonl(source), output, fmt)
    except GovieError as err:
        _fail(str(err), 1)


@app.command()
def annotate(
    paths: List[Path] = typer.Argument(..., help="Raw text files or directories of .txt files."),
    model: str = typer.Option("rules", "--model", "-m", help="'rules' or a pipeline directory."),
    output: Path = typer.Option(..., "--output", "-o", help="JSONL of pre-annotations (written atomically)."),
    year: Optional[int] = typer.Option(None, "--year", help="Year the reports are about."),
) -> None:
    """Pre-annotate raw text for review: JSONL records with spans and relations, marked as pre-annotated."""
    from .documents import doc_to_record, process
    from .loading import load
    from .schema import write_jsonl

    good, failures = _read_paths(paths)
    try:
        nlp = load(model)
    except GovieError as err:
        _fail(str(err))
    meta = {"annotation": f"pre-annotated:{model}", **({"year": year} if year else {})}
    docs = process(nlp, ((item.text, {**(item.meta or {}), **meta}) for item in good))
    records = [doc_to_record(doc, item.doc_id, with_facts=False)
               for item, doc in zip(good, _progress(docs, len(good), "annotate"))]
    write_jsonl(output, records)
    raise typer.Exit(1 if failures else 0)


@app.command()
def train(
    component: str = typer.Argument(..., help="ner, rel or all (ner then rel)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c",
                                          help="Training config (default configs/<component>.cfg; all: the ner one)."),
    rel_config: Path = typer.Option(Path("configs/rel.cfg"), "--rel-config", help="all: the relation config."),
    base_model: Optional[Path] = typer.Option(None, "--base-model",
                                              help="ner/all: local Hugging Face encoder directory, or a trained "
                                                   "pipeline's govie_ner/model to continue from (same labels; "
                                                   "default: the config's model.base_model)."),
    ner: Optional[Path] = typer.Option(None, "--ner", help="rel: the trained NER pipeline to extend."),
    output: Path = typer.Option(..., "--output", "-o", help="Pipeline directory to write (atomically)."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Folder with train/dev JSONL (default: config)."),
    resume: bool = typer.Option(False, "--resume",
                                help="ner/all: continue an interrupted run from its checkpoint "
                                     "(OUTPUT.checkpoint.pt, or OUTPUT.ner-stage.checkpoint.pt for all)."),
) -> None:
    """Fine-tune components on the corpus and write a loadable pipeline directory.

    NER training is checkpointed after every epoch; rerun the same command with --resume to continue it.
    """
    from tqdm import tqdm

    from .train.run import train_all, train_ner, train_rel

    if component not in ("ner", "rel", "all"):
        _fail(f"Unknown component '{component}' (available: ner, rel, all)")
    config = config or Path(f"configs/{'ner' if component == 'all' else component}.cfg")
    if component == "rel" and ner is None:
        _fail("govie train rel needs --ner DIR (a pipeline trained with 'govie train ner')")
    bars = {"progress": lambda it, desc: tqdm(it, desc=desc, file=sys.stderr, leave=False),
            "on_epoch": lambda row: typer.echo(json.dumps(row), err=True)}
    try:
        if component == "ner":
            result = train_ner(config, base_model, output, corpus, **bars, resume=resume)
        elif component == "rel":
            result = train_rel(config, ner, output, corpus)
        else:
            result = train_all(config, rel_config, base_model, output, corpus, **bars, resume=resume)
    except GovieError as err:
        _fail(str(err), 1)
    typer.echo(json.dumps(result, ensure_ascii=False))


def main() -> None:
    """Entry point of the ``govie`` console script."""
    app()
