"""Find and read input files for ``govie extract`` and ``govie annotate``."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

TEXT_SUFFIXES = (".txt",)


class InputText(NamedTuple):
    """A readable input: its path, document id and exact text."""

    path: Path
    doc_id: str
    text: str


class InputFailure(NamedTuple):
    """An input that could not be read, with the reason."""

    path: Path
    reason: str


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Return the files named by ``paths``; directories are searched recursively for text files."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES))
        else:
            out.append(p)
    return out


def read_text(path: Path) -> InputText | InputFailure:
    """Read a UTF-8 text file (a BOM is dropped); return a failure, never raise, on bad input."""
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
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputFailure(path, "binary file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return InputFailure(path, f"not UTF-8 text (byte {err.start})")
    if not text.strip():
        return InputFailure(path, "empty file")
    return InputText(path, path.stem, text)


def read_inputs(paths: Iterable[Path]) -> Iterator[InputText | InputFailure]:
    """Read each path in order."""
    for path in paths:
        yield read_text(path)
