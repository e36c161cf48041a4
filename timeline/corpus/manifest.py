"""The ``manifest.csv`` of a folder: ``doc_id, file, start_line, end_line,
published, source, title[, url]``, 1-based inclusive line ranges (an empty
``end_line`` is the end of the file); the article's text is those lines
joined with ``"\\n"``.  Nothing outside the folder is ever read."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator, Optional

from ..article import Article
from .checks import (MAX_FILE_BYTES, Context, Item, Reject, decode_lines, finish, inside,
                     looks_binary, replacement_reason, utf16_to_utf8)
from .dates import parse_published

MANIFEST = "manifest.csv"


class _LineCache:
    """The decoded lines of the last file a manifest row named (manifest rows
    usually come grouped by file, so each file is read about once)."""

    def __init__(self) -> None:
        self.path: Optional[Path] = None
        self.value: tuple = ()

    def get(self, path: Path) -> tuple[str, list[str], list[int]]:
        """(problem, lines, damaged line numbers); problem is "" or why the
        file cannot be used at all."""
        if path != self.path:
            self.path = path
            self.value = self._read(path)
        return self.value

    @staticmethod
    def _read(path: Path) -> tuple[str, list[str], list[int]]:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"{path.name} is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB " \
                   "limit for one file", [], []
        data = utf16_to_utf8(path.read_bytes())
        if not data.strip():
            return f"{path.name} is empty", [], []
        if looks_binary(data[:8192]):
            return f"{path.name} is binary, not text", [], []
        lines, damaged = decode_lines(data)
        return "", lines, damaged


def _line_number(value: str, name: str) -> tuple[Optional[int], str]:
    value = (value or "").strip()
    if not value:
        return None, ""
    if not re.fullmatch(r"\+?\d{1,12}", value):
        return None, f"{name} {value!r} is not a line number"
    number = int(value)
    if number < 1:
        return None, f"{name} {number} is not a line number (lines count from 1)"
    return number, ""


def is_manifest(path: Path) -> bool:
    """A CSV whose header has a 'file' column and no 'text' column."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            header = [h.strip().lower() for h in next(csv.reader(handle), [])]
    except (OSError, csv.Error):
        return False
    return "file" in header and "text" not in header


def csv_records(rows, label: str) -> Iterator:
    """The non-blank records after the header of a ``csv.reader``: ``(where,
    first line, values)``, or a Reject for a record that is not valid CSV."""
    while True:
        first = rows.line_num + 1
        try:
            values = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            yield Reject(label, "", f"line {first}: not valid CSV ({error})", "skipped")
            continue
        if any(v.strip() for v in values):
            where = f"line {first}" if rows.line_num == first else f"lines {first}-{rows.line_num}"
            yield where, first, values


def read(root: Path, ctx: Context, covered: set[Path]) -> Iterator[Item]:
    """The articles named by ``root/manifest.csv``; adds the files it names to ``covered``."""
    from .records import guarded

    path = root / MANIFEST
    label = MANIFEST
    data = utf16_to_utf8(path.read_bytes()) if path.stat().st_size <= MAX_FILE_BYTES else b""
    if not data.strip():
        yield Reject(label, "", "the manifest is empty or too large to read",
                     "ignored the manifest")
        return
    if looks_binary(data[:8192], tolerant=True):
        yield Reject(label, "", "the manifest is binary, not text", "ignored the manifest")
        return
    lines, damaged = decode_lines(data)
    if damaged:
        yield Reject(label, "", replacement_reason(damaged), "decoded with replacement characters")
    rows = csv.reader([line + "\n" for line in lines])
    try:
        header = [h.strip().lower() for h in next(rows)]
    except (csv.Error, StopIteration) as error:
        yield Reject(label, "", f"the manifest header cannot be read ({error})",
                     "ignored the manifest")
        return
    if "file" not in header:
        yield Reject(label, "", "the manifest has no 'file' column", "ignored the manifest")
        return
    cache = _LineCache()
    for record in csv_records(rows, label):
        if isinstance(record, Reject):
            yield record
            continue
        _where, first, values = record
        yield from guarded(_row(first, header, values, root, ctx, cache, covered), label,
                           f"line {first}")


def _row(line: int, header: list[str], values: list[str], root: Path, ctx: Context,
         cache: _LineCache, covered: set[Path]) -> Iterator[Item]:
    label = MANIFEST
    row = dict(zip(header, values))
    file_name = row.get("file", "").strip()
    doc_id = row.get("doc_id", "").strip()
    if len(values) > len(header):
        yield Reject(label, doc_id, f"line {line}: {len(values)} fields where the header has "
                     f"{len(header)}", "skipped")
        return
    if not file_name:
        yield Reject(label, doc_id, f"line {line}: no file named", "skipped")
        return
    if not doc_id:
        # a manifest row is addressed by its file and first line, which the row itself names
        doc_id = Path(file_name).stem + (f"-{row['start_line'].strip()}"
                                         if row.get("start_line", "").strip() else "")
        yield Reject(label, doc_id, f"line {line}: no doc_id", f"kept as {doc_id}")
    if Path(file_name).is_absolute() or "\x00" in file_name:
        yield Reject(label, doc_id, f"line {line}: path {file_name!r} leaves the corpus folder",
                     "skipped")
        return
    target = inside(root / file_name, root)
    if target is None:
        yield Reject(label, doc_id, f"line {line}: path {file_name!r} leaves the corpus folder",
                     "skipped")
        return
    if not target.exists():
        yield Reject(label, doc_id, f"line {line}: file {file_name!r} not found", "skipped")
        return
    if not target.is_file():
        yield Reject(label, doc_id, f"line {line}: {file_name!r} is not a regular file",
                     "skipped")
        return
    covered.add(target)
    start, problem = _line_number(row.get("start_line", ""), "start_line")
    end, problem2 = _line_number(row.get("end_line", ""), "end_line")
    if problem or problem2:
        yield Reject(label, doc_id, f"line {line}: {problem or problem2}", "skipped")
        return
    try:
        problem, lines, damaged = cache.get(target)
    except OSError as error:
        yield Reject(label, doc_id, f"line {line}: {file_name!r} cannot be read "
                     f"({error.strerror or error})", "skipped")
        return
    if problem:
        yield Reject(label, doc_id, f"line {line}: {problem}", "skipped")
        return
    start = start or 1
    last = end if end is not None else len(lines)
    if start > len(lines) or last > len(lines) or last < start:
        shown = f"{start}-{end}" if end is not None else f"{start}-(end)"
        where = "is empty" if last < start else f"is outside the file ({len(lines)} lines)"
        yield Reject(label, doc_id, f"line {line}: line range {shown} of {file_name!r} {where}",
                     "skipped")
        return
    hurt = [n for n in damaged if start <= n <= last]
    if hurt:
        yield Reject(ctx.label(target), doc_id, replacement_reason(hurt),
                     "decoded with replacement characters")
    published, date_error = parse_published(row.get("published", ""), ctx.date_order)
    if date_error:
        date_error = f"line {line}: {date_error}"
    article = Article(doc_id=doc_id, text="\n".join(lines[start - 1:last]), published=published,
                      source=row.get("source", "").strip(), title=row.get("title", "").strip(),
                      url=row.get("url", "").strip())
    yield from finish(article, label, ctx, date_error, where=f"line {line}")
