"""Find and read input files for ``govie extract`` and ``govie annotate``.

Plain text is decoded from UTF-8 (with or without BOM), UTF-16/32 (with BOM), or the encoding
charset-normalizer detects (GBK/GB2312 are read as their superset GB18030). HTML pages are reduced
to their main text (navigation and boilerplate such as 【关闭窗口】 removed, BeautifulSoup);
``.docx`` paragraphs (python-docx) and ``.pdf`` text layers (pypdf) are read when those packages
are installed (``pip install govie[formats]``). A ``.jsonl`` file named explicitly is a set of
documents in the corpus format: one input per record, with its id, text and meta (gold spans are
ignored); directories are not searched for ``.jsonl``, so earlier outputs are never read back.
The text returned is the text analysed: every offset govie writes refers to it. A file that cannot
be read gives an ``InputFailure`` with the reason, never an exception.
"""
from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
DOCX_SUFFIXES = (".docx",)
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES + PDF_SUFFIXES
RECORD_SUFFIXES = (".jsonl",)

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz"}
_BOILERPLATE = re.compile(
    r"^\s*(?:【?(?:关闭窗口|打印本页|打印|关闭|返回顶部|收藏|纠错)】?|上一篇[:：].*|下一篇[:：].*|分享到[:：]?.*|"
    r"扫一扫.*|当前位置[:：].*|您现在的位置[:：].*|首页\s*[>＞].*|字号[:：].*|【字体[:：].*|责任编辑[:：].*|"
    r"浏览次数[:：].*|网站地图|联系我们|版权所有.*|主办单位[:：].*|技术支持[:：].*|ICP备.*)\s*$")
_MAIN_HINT = re.compile(r"content|article|TRS_Editor|zoom|detail|main|text|zw|news_con", re.I)


class InputText(NamedTuple):
    """A readable input: its path, document id, the exact text analysed, how it was read, and the
    record's own meta (``.jsonl`` inputs only)."""

    path: Path
    doc_id: str
    text: str
    encoding: str | None = None
    source_format: str = "text"
    note: str | None = None
    meta: dict | None = None


class InputFailure(NamedTuple):
    """An input that could not be read, with the reason."""

    path: Path
    reason: str


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Return the files named by ``paths``; directories are searched recursively for supported files."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUPPORTED_SUFFIXES
                              and not f.name.startswith(".")))
        else:
            out.append(p)
    return out


def decode_bytes(raw: bytes) -> tuple[str, str, str | None]:
    """Return ``(text, encoding, note)`` for text bytes; raise ``ValueError`` with the reason if not text."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw.decode(name), name, None
    if b"\x00" in raw[:4096]:
        raise ValueError("binary file")
    try:
        return raw.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(raw) - 3:
            text = raw[:err.start].decode("utf-8")
            return text, "utf-8", f"truncated UTF-8 sequence at byte {err.start} dropped"
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise ValueError("not text in a known encoding")
    encoding = best.encoding.lower().replace("_", "")
    if encoding in _GB_FAMILY or encoding.startswith("gb"):
        try:
            return raw.decode("gb18030"), "gb18030", None
        except UnicodeDecodeError as err:
            raise ValueError(f"not readable as GB18030 (byte {err.start})") from None
    return str(best), best.encoding, None


def html_main_text(html: str) -> str:
    """Return the main text of an HTML page: the largest content block, boilerplate lines removed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]):
        tag.decompose()
    candidates = [el for el in soup.find_all(["article", "div", "td", "section"])
                  if _MAIN_HINT.search(" ".join(el.get("class", [])) + " " + (el.get("id") or ""))]
    root = max(candidates, key=lambda el: len(el.get_text(strip=True)), default=None) or soup.body or soup
    lines = []
    for line in root.get_text("\n").splitlines():
        line = line.strip()
        if line and not _BOILERPLATE.match(line):
            lines.append(line)
    return "\n".join(lines)


def _read_docx(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs if p.text.strip())


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join((page.extract_text() or "") for page in PdfReader(str(path)).pages).strip()


def read_input(path: Path) -> InputText | InputFailure:
    """Read one input file of any supported kind; return a failure, never raise, on bad input."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return InputFailure(path, "no such file")
    except IsADirectoryError:
        return InputFailure(path, "is a directory")
    except PermissionError:
        return InputFailure(path, "permission denied")
    except OSError as err:
        return InputFailure(path, err.strerror or str(err))
    suffix = path.suffix.lower()
    try:
        if suffix in DOCX_SUFFIXES or suffix in PDF_SUFFIXES:
            reader, fmt = (_read_docx, "docx") if suffix in DOCX_SUFFIXES else (_read_pdf, "pdf")
            try:
                text = reader(path)
            except ImportError as err:
                return InputFailure(path, f"reading {fmt} needs {err.name}: pip install 'govie[formats]'")
            encoding, note = None, None
            if not text.strip():
                return InputFailure(path, f"no text in the {fmt} file" + (" (no text layer)" if fmt == "pdf" else ""))
        else:
            text, encoding, note = decode_bytes(raw)
            fmt = "text"
            if suffix in HTML_SUFFIXES or re.match(r"\s*<(?:!doctype\s+html|html)", text[:200], re.I):
                try:
                    text, fmt = html_main_text(text), "html"
                except ImportError:
                    return InputFailure(path, "reading HTML needs beautifulsoup4: pip install 'govie[formats]'")
    except ValueError as err:
        return InputFailure(path, str(err))
    except Exception as err:  # a corrupt docx/pdf raises library-specific errors
        return InputFailure(path, f"cannot read {suffix or 'file'}: {type(err).__name__}: {err}")
    if not text.strip():
        return InputFailure(path, "empty file" if not raw.strip() else "no text (whitespace only)")
    return InputText(path, path.stem, text, encoding, fmt, note)


def read_records(path: Path) -> Iterator[InputText | InputFailure]:
    """Read a JSONL corpus file: one input per record, one failure (naming the line) per bad line."""
    from .errors import RecordError
    from .schema import iter_jsonl, record_from_dict

    failures: list[InputFailure] = []
    lines = 0
    try:
        for line, data in iter_jsonl(path, on_error=lambda _, err: failures.append(InputFailure(path, str(err)))):
            lines += 1
            yield from failures
            failures.clear()
            try:
                record = record_from_dict(data, str(path), line)
            except RecordError as err:
                yield InputFailure(path, str(err))
                continue
            yield InputText(path, record.id, record.text, "utf-8", "jsonl", None, dict(record.meta))
        yield from failures
        if not lines and not failures:
            yield InputFailure(path, "no records (empty JSONL file)")
    except RecordError as err:  # unreadable file or not UTF-8
        yield InputFailure(path, str(err))


def read_inputs(paths: Iterable[Path]) -> Iterator[InputText | InputFailure]:
    """Read each path in order; a ``.jsonl`` path gives one input per record."""
    for path in paths:
        if path.suffix.lower() in RECORD_SUFFIXES:
            yield from read_records(path)
        else:
            yield read_input(path)
