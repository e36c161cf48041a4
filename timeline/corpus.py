"""Read a corpus into :class:`~timeline.article.Article` objects, one at a time.

A corpus is one of:

* a **folder** of ``.txt`` files with an optional ``manifest.csv`` (columns
  ``doc_id, file, start_line, end_line, published, source, title[, url]``;
  1-based inclusive line ranges, empty ``end_line`` = to the end of the file;
  the article's text is those lines joined with ``"\\n"``).  A ``.txt`` file
  no manifest row names is one article whose id is the file name without
  extension.  ``.jsonl``, ``.csv`` (other than the manifest), ``.rss``,
  ``.atom``, ``.xml`` and ``.tml`` files in the folder (and its sub-folders)
  are read by their kind; other files (README.md ...) and hidden files are
  ignored.  Nothing outside the folder is ever read: every path, symbolic
  links included, is resolved and checked first.
* a **.jsonl** file, one article per line: ``id``, ``text``, optional
  ``published`` (ISO date or date-time), ``title``, ``source``, ``url``;
* a **.csv** file with the same columns;
* an **RSS or Atom feed** file (``.rss``, ``.atom``, ``.xml``); the text is the
  entry's content (or summary) with the markup removed;
* a **TimeML** file (``.tml``, the TempEval data): the TEXT element, dated by
  its document creation time;
* a single ``.txt`` file: one article.

:func:`iter_corpus` streams: it yields each Article as soon as it is read and
keeps only the id and a hash of each (about 200 bytes an article), never
their texts, so memory stays small whatever the corpus size.
Every input it cannot take as it is yields a :class:`Reject` (one line: what
was wrong, and what was done) and the rest of the corpus is read as usual.

Decisions:

* Lines end at ``\\n`` or ``\\r\\n`` (as ``wc -l`` and ``sed -n`` count
  them; U+2028, form feeds and lone ``\\r`` are characters of a line); a
  final line break does not start an extra empty line; a UTF-8 byte-order
  mark is dropped; a UTF-16 file with a byte-order mark is decoded.  An
  empty ``start_line`` means line 1.
* A ``.txt`` file with a NUL byte or many control bytes is binary and
  skipped.  Files of records (manifest, CSV, JSONL) tolerate a few odd
  bytes: one bad character must not cost the other records.  FIFOs and
  other special files are never opened.
* Text that is not valid UTF-8 is decoded with U+FFFD replacement characters
  and the article kept, with a Reject saying how many lines were affected.
* A publication date is an ISO date, an ISO date-time (its date as written,
  not converted to UTC: "on Thursday" is relative to the publisher's
  calendar) or, for feeds and CSV exports of feeds, an RFC 822 date.
* ``default_published`` dates the articles that come with **no** date.  An
  article whose date is **invalid** (``2025-13-45``) is kept without a date
  and a Reject says so; the default is not applied to it, because a broken
  date is an error in the input that a run-wide default would hide (issue
  6: "keep the article without a date and say so").  Articles given the default
  have ``published_inferred = True``.
* An enormous document (more than ``max_chars`` characters) is truncated at
  the last line break (or space) before the limit, not skipped: the start of
  the text is kept and a Reject says so.  A text file is never read beyond
  what that needs; a JSONL line longer than ``12 * max_chars`` bytes plus
  64 KiB cannot be cut (it would not be JSON) and is skipped.
* A doc_id seen before in the same corpus: an identical article (same text
  and metadata) is skipped; a different one is kept under ``<id>~2``
  (``~3`` ...), so nothing is lost and ids stay stable across runs.
* Every record-level reason names where it is: ``line 12:`` (manifest,
  JSONL, CSV: the physical line where the record starts) or ``entry 3:``.

Near-duplicates (the same article received twice with small differences)
are found by :class:`DuplicateIndex`, which the pipeline runs over the
stream; :func:`iter_corpus` itself only catches repeated doc_ids.
"""

from __future__ import annotations

import codecs
import csv
import email.utils
import hashlib
import html
import io
import json
import os
import re
from array import array
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .article import Article

__all__ = ["CorpusError", "Reject", "iter_corpus", "load", "content_hash", "article_hash",
           "DuplicateIndex", "find_duplicates", "parse_published", "html_to_text"]

#: files larger than this are not read as a whole (manifest line ranges, feeds)
MAX_FILE_BYTES = 256 * 1024 * 1024

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
KIND_BY_SUFFIX = {".txt": "text", ".jsonl": "jsonl", ".csv": "csv", ".tml": "timeml",
                  **{s: "feed" for s in FEED_SUFFIXES}}
MANIFEST = "manifest.csv"


class CorpusError(Exception):
    """The corpus as a whole cannot be read (the path does not exist ...).

    Its message is one line, meant for the user as it is.
    """


@dataclass
class Reject:
    """One input skipped or altered, as a row of rejects.csv.

    input: the file (relative to the corpus folder) the problem is in.
    doc_id: the article concerned, or "" when none could be named.
    reason: one line saying what is wrong (with the line number where there is one).
    action: what was done ("skipped", "kept without a date", ...).
    """

    input: str
    doc_id: str
    reason: str
    action: str


Item = Union[Article, Reject]


# --- hashes ---------------------------------------------------------------------


def content_hash(text: str) -> str:
    """SHA-256 (hex) of an article's text.

    The text is hashed as the loader gives it, whose only normalisation is of
    line ends and byte-order marks (``\\r\\n`` → ``\\n``): any other change,
    even of white space, moves character offsets, so it must count as a
    change for the store.  (Near-copies are :class:`DuplicateIndex`'s job.)
    """
    return hashlib.sha256(_normalise_newlines(text).encode("utf-8", "surrogatepass")).hexdigest()


def article_hash(article: Article) -> str:
    """SHA-256 of everything the loader sets on an article (id, text, date,
    source, title, url, duplicate_of): equal hashes mean equal document rows."""
    parts = [article.doc_id, content_hash(article.text),
             article.published.isoformat() if article.published else "",
             "1" if article.published_inferred else "0",
             article.source, article.title, article.url, article.duplicate_of]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r\n" in text else text


# --- dates ----------------------------------------------------------------------


def parse_published(value) -> tuple[Optional[date], str]:
    """Parse a publication date: ``(date, "")``, ``(None, "")`` for no
    date, or ``(None, reason)`` for a value that is not a date.

    Accepts ISO dates (``2025-11-21``), ISO date-times (the date as written,
    whatever the time zone) and RFC 822 dates (``Fri, 21 Nov 2025 10:00:00 +0000``).
    """
    if value is None:
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    if not isinstance(value, str):
        return None, f"publication date {value!r} is not a string"
    text = value.strip()
    if not text:
        return None, ""
    if len(text) > 64:
        return None, f"publication date {text[:30]!r}... is not a date"
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date(), ""
    except ValueError:
        pass
    if re.search(r"[A-Za-z]{3}", text):  # RFC 822: "Fri, 21 Nov 2025 ..."
        try:
            parsed = email.utils.parsedate_to_datetime(text)
            if parsed is not None:
                return parsed.date(), ""
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return None, f"publication date {text!r} is not a valid date"


# --- reading bytes ----------------------------------------------------------------

_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32)).replace(b"\x1b", b"")


def _looks_binary(sample: bytes, tolerant: bool = False) -> bool:
    """True for data that is not text: NUL bytes, many control bytes, or
    mostly undecodable bytes.  ``tolerant`` (files of records, where one odd
    character must not cost the other records) allows up to 10% of NUL and
    control bytes."""
    if not sample:
        return False
    if b"\x00" in sample and not tolerant:
        return True
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    if controls > len(sample) * (0.10 if tolerant else 0.05):
        return True
    decoded = sample.decode("utf-8", errors="replace")
    return decoded.count("\ufffd") > max(8, len(decoded) * 0.3)


def _utf16_to_utf8(data: bytes) -> bytes:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


def _decode_lines(data: bytes) -> tuple[list[str], list[int]]:
    """Split bytes into lines (``\\n`` or ``\\r\\n``) and decode each as UTF-8;
    also return the 1-based numbers of the lines that needed replacement."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"" and len(raw_lines) > 1:
        raw_lines.pop()
    lines: list[str] = []
    damaged: list[int] = []
    for number, raw in enumerate(raw_lines, 1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("utf-8", errors="replace"))
            damaged.append(number)
    return lines, damaged


def _replacement_reason(damaged: list[int], first_line: int = 1) -> str:
    lines = len(damaged)
    return (f"not valid UTF-8 ({lines} line{'s' if lines > 1 else ''}, the first is line "
            f"{damaged[0] + first_line - 1})")


class _Context:
    """What one pass over a corpus shares: its root, options and the ids seen."""

    def __init__(self, root: Path, default_published: Optional[date], max_chars: int):
        self.root = root
        self.default_published = default_published
        self.max_chars = max_chars
        self.ids: dict[str, tuple[str, str]] = {}  # doc_id -> (article_hash, input)

    def label(self, path: Path) -> str:
        """How a file is named in rejects: relative to the corpus folder."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    @property
    def read_limit(self) -> int:
        """Bytes enough for ``max_chars`` characters of UTF-8, plus a margin."""
        return 4 * self.max_chars + 8

    @property
    def record_limit(self) -> int:
        """Longest JSONL line read (longer ones cannot be truncated, only
        skipped): ``max_chars`` characters escaped as JSON (up to 12 bytes
        each, ``\\ud83d\\ude00``), plus 64 KiB of other fields."""
        return 12 * self.max_chars + 65536


def _read_head(path: Path, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of a file, and whether there was more."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return data[:limit], len(data) > limit


# --- the finishing step every article goes through -----------------------------


def _truncate(text: str, limit: int) -> str:
    """The start of ``text``, at most ``limit`` characters, cut at a line
    end (or a space) in the second half of the limit where there is one."""
    cut = text.rfind("\n", 0, limit + 1)
    if cut < limit // 2:
        space = max(text.rfind(" ", 0, limit + 1), text.rfind("\t", 0, limit + 1))
        cut = space if space >= limit // 2 else limit
    kept = text[:cut].rstrip()
    return kept if kept.strip() else text[:limit].rstrip()


def _finish(article: Article, input_: str, ctx: _Context, date_error: str = "",
            longer: bool = False, where: str = "") -> Iterator[Item]:
    """Check an article that was read: empty text, size, date, doc_id; yield
    the Rejects it earns and then the Article itself (unless skipped).
    ``where`` ("line 12") starts the reasons of records read from a line."""
    at = f"{where}: " if where else ""
    article.doc_id = article.doc_id.strip()
    if not article.text.strip():
        yield Reject(input_, article.doc_id, f"{at}the article has no text", "skipped")
        return
    if longer or len(article.text) > ctx.max_chars:
        size = f"more than {ctx.max_chars:,}" if longer else f"{len(article.text):,}"
        article.text = _truncate(article.text, ctx.max_chars)
        if not article.text.strip():
            yield Reject(input_, article.doc_id, f"{at}the text has {size} characters, over the "
                         f"limit of {ctx.max_chars:,}, and the first {ctx.max_chars:,} are blank",
                         "skipped")
            return
        yield Reject(input_, article.doc_id,
                     f"{at}the text has {size} characters, over the limit of {ctx.max_chars:,}",
                     f"truncated to the first {len(article.text):,} characters")
    if date_error:
        article.published = None
        yield Reject(input_, article.doc_id, date_error, "kept without a date")
    elif article.published is None and ctx.default_published is not None:
        article.published = ctx.default_published
        article.published_inferred = True
    key = article_hash(article)
    seen = ctx.ids.get(article.doc_id)
    if seen is not None:
        if seen[0] == key:
            yield Reject(input_, article.doc_id,
                         f"{at}doc_id {article.doc_id!r} appears again with the same text "
                         f"(first in {seen[1]})", "skipped")
            return
        n = 2
        while f"{article.doc_id}~{n}" in ctx.ids:
            n += 1
        new_id = f"{article.doc_id}~{n}"
        yield Reject(input_, article.doc_id,
                     f"{at}doc_id {article.doc_id!r} is already used by another article "
                     f"(in {seen[1]})", f"kept as {new_id}")
        article.doc_id = new_id
        key = article_hash(article)
    ctx.ids[article.doc_id] = (key, input_)
    yield article


# --- plain text files and the manifest -------------------------------------------


def _text_file(path: Path, ctx: _Context) -> Iterator[Item]:
    """A .txt file with no manifest row: one article, id = file stem."""
    label = ctx.label(path)
    data, longer = _read_head(path, ctx.read_limit)
    data = _utf16_to_utf8(data)
    if not data.strip():
        yield Reject(label, path.stem, "the file is empty", "skipped")
        return
    if _looks_binary(data[:8192]):
        yield Reject(label, path.stem, "the file is binary, not text", "skipped")
        return
    if longer:  # cut at a line end, or at least not inside a character
        cut = data.rfind(b"\n")
        data = data[:cut] if cut > 0 else _whole_characters(data)
    lines, damaged = _decode_lines(data)
    if damaged:
        yield Reject(label, path.stem, _replacement_reason(damaged),
                     "decoded with replacement characters")
    yield from _finish(Article(doc_id=path.stem, text="\n".join(lines)), label, ctx,
                       longer=longer)


def _whole_characters(data: bytes) -> bytes:
    """``data`` without an incomplete UTF-8 sequence at its end."""
    end = len(data)
    while end > 0 and len(data) - end < 4 and (data[end - 1] & 0xC0) == 0x80:
        end -= 1
    if end > 0 and data[end - 1] >= 0xC0:
        return data[:end - 1]
    return data


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
        data = _utf16_to_utf8(path.read_bytes())
        if not data.strip():
            return f"{path.name} is empty", [], []
        if _looks_binary(data[:8192]):
            return f"{path.name} is binary, not text", [], []
        lines, damaged = _decode_lines(data)
        return "", lines, damaged


def _inside(path: Path, root: Path) -> Optional[Path]:
    """The resolved path if it lies inside ``root`` (symlinks followed), else None."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # symlink loops
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


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


def _manifest(root: Path, ctx: _Context, covered: set[Path]) -> Iterator[Item]:
    """The articles named by ``root/manifest.csv``; adds the files it names to ``covered``."""
    path = root / MANIFEST
    label = MANIFEST
    data = _utf16_to_utf8(path.read_bytes()) if path.stat().st_size <= MAX_FILE_BYTES else b""
    if not data.strip():
        yield Reject(label, "", "the manifest is empty or too large to read",
                     "ignored the manifest")
        return
    if _looks_binary(data[:8192], tolerant=True):
        yield Reject(label, "", "the manifest is binary, not text", "ignored the manifest")
        return
    lines, damaged = _decode_lines(data)
    if damaged:
        yield Reject(label, "", _replacement_reason(damaged), "decoded with replacement characters")
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
    for record in _csv_records(rows, label):
        if isinstance(record, Reject):
            yield record
            continue
        _where, first, values = record
        yield from _manifest_row(first, header, values, root, ctx, cache, covered)


def _csv_records(rows, label: str) -> Iterator:
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


def _manifest_row(line: int, header: list[str], values: list[str], root: Path, ctx: _Context,
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
        doc_id = Path(file_name).stem + (f"-{row['start_line'].strip()}"
                                         if row.get("start_line", "").strip() else "")
        yield Reject(label, doc_id, f"line {line}: no doc_id", f"kept as {doc_id}")
    if Path(file_name).is_absolute() or "\x00" in file_name:
        yield Reject(label, doc_id, f"line {line}: path {file_name!r} leaves the corpus folder",
                     "skipped")
        return
    target = _inside(root / file_name, root)
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
        yield Reject(ctx.label(target), doc_id, _replacement_reason(hurt),
                     "decoded with replacement characters")
    published, date_error = parse_published(row.get("published", ""))
    if date_error:
        date_error = f"line {line}: {date_error}"
    article = Article(doc_id=doc_id, text="\n".join(lines[start - 1:last]), published=published,
                      source=row.get("source", "").strip(), title=row.get("title", "").strip(),
                      url=row.get("url", "").strip())
    yield from _finish(article, label, ctx, date_error, where=f"line {line}")


# --- JSONL and CSV ------------------------------------------------------------------


def _field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, bool)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _kind(value) -> str:
    """How a JSON value is named in a reason."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _record(record: dict, where: str, label: str, fallback_id: str,
            ctx: _Context) -> Iterator[Item]:
    """One JSONL object or CSV row (keys lower-cased) to an Article."""
    raw_id = record.get("id", record.get("doc_id"))
    doc_id = _field(raw_id)
    text = record.get("text")
    if not isinstance(text, str):
        what = "no 'text' field" if text is None else f"'text' is {_kind(text)}, not a string"
        yield Reject(label, doc_id, f"{where}: {what}", "skipped")
        return
    if not doc_id:
        doc_id = fallback_id
        yield Reject(label, doc_id, f"{where}: no 'id'", f"kept as {doc_id}")
    published, date_error = parse_published(record.get("published"))
    article = Article(doc_id=doc_id, text=_normalise_newlines(text), published=published,
                      source=_field(record.get("source")), title=_field(record.get("title")),
                      url=_field(record.get("url")))
    yield from _finish(article, label, ctx, f"{where}: {date_error}" if date_error else "",
                       where=where)


def _binary_lines(handle, limit: int) -> Iterator[tuple[int, Optional[bytes]]]:
    """(line number, bytes) of a binary file; None for a line over ``limit``
    bytes, which is skipped without being held in memory."""
    number = 0
    while True:
        raw = handle.readline(limit)
        if not raw:
            return
        number += 1
        if len(raw) >= limit and not raw.endswith(b"\n"):
            while True:  # drain the rest of the long line
                more = handle.readline(limit)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, raw


def _jsonl_file(path: Path, ctx: _Context) -> Iterator[Item]:
    label = ctx.label(path)
    if not path.stat().st_size:
        yield Reject(label, "", "the file is empty", "skipped")
        return
    with open(path, "rb") as handle:
        head = handle.read(8192)
        if _looks_binary(head, tolerant=True):
            yield Reject(label, "", "the file is binary, not text", "skipped")
            return
        handle.seek(0)
        for number, raw in _binary_lines(handle, ctx.record_limit):
            where = f"line {number}"
            if raw is None:
                yield Reject(label, "", f"{where}: longer than {ctx.record_limit:,} bytes",
                             "skipped")
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
                damaged = False
            except UnicodeDecodeError:
                line = raw.decode("utf-8", errors="replace")
                damaged = True
            try:
                record = json.loads(line.rstrip("\r\n"))
            except (json.JSONDecodeError, RecursionError) as error:
                detail = f"{error.msg} at character {error.pos + 1}" \
                    if isinstance(error, json.JSONDecodeError) else "nested too deeply"
                yield Reject(label, "", f"{where}: not valid JSON ({detail})", "skipped")
                continue
            if not isinstance(record, dict):
                yield Reject(label, "", f"{where}: {_kind(record)} where an object was "
                             "expected", "skipped")
                continue
            record = {str(k).lower(): v for k, v in record.items()}
            items = list(_record(record, where, label, f"{path.stem}-{number}", ctx))
            if damaged and items:
                yield Reject(label, _field(record.get("id", record.get("doc_id"))),
                             f"{where}: not valid UTF-8", "decoded with replacement characters")
            yield from items


def _decoded_lines(handle, damaged: list[int]) -> Iterator[str]:
    """Text lines (line ends kept, as csv wants them) of a binary file."""
    for number, raw in enumerate(handle, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            damaged.append(number)
            yield raw.decode("utf-8", errors="replace")


def _csv_file(path: Path, ctx: _Context) -> Iterator[Item]:
    label = ctx.label(path)
    if not path.stat().st_size:
        yield Reject(label, "", "the file is empty", "skipped")
        return
    if csv.field_size_limit() < ctx.read_limit:
        csv.field_size_limit(ctx.read_limit)  # a whole article can be one field
    with open(path, "rb") as handle:
        if _looks_binary(handle.read(8192), tolerant=True):
            yield Reject(label, "", "the file is binary, not text", "skipped")
            return
        handle.seek(0)
        damaged: list[int] = []
        rows = csv.reader(_decoded_lines(handle, damaged), strict=True)
        try:
            header = [h.strip().lower() for h in next(rows)]
        except StopIteration:
            yield Reject(label, "", "the file is empty", "skipped")
            return
        except csv.Error as error:
            yield Reject(label, "", f"line 1: the header is not valid CSV ({error})", "skipped")
            return
        if "text" not in header:
            yield Reject(label, "", "no 'text' column in the header", "skipped")
            return
        reported = 0
        for record in _csv_records(rows, label):
            if isinstance(record, Reject):
                yield record
                continue
            where, first, values = record
            if len(values) != len(header):
                yield Reject(label, "", f"{where}: {len(values)} fields where the header has "
                             f"{len(header)}", "skipped")
                continue
            record = dict(zip(header, values))
            items = list(_record(record, where, label, f"{path.stem}-{first}", ctx))
            if len(damaged) > reported and items:
                yield Reject(label, record.get("id", record.get("doc_id", "")),
                             f"{where}: not valid UTF-8", "decoded with replacement characters")
                reported = len(damaged)
            yield from items


# --- feeds ----------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """Plain text of an HTML fragment: block elements become line breaks,
    scripts and styles are dropped, entities decoded."""

    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote", "pre", "tr", "table", "section", "article", "header", "footer",
              "figure", "figcaption", "hr", "dd", "dt"}
    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: one paragraph per line, spaces collapsed."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\f\v\r\u00a0]+", " ", line).strip()
             for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _xml_problem(error) -> str:
    """The first line of a parser's complaint, without its "<unknown>:" prefix."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return re.sub(r"^<unknown>:(\d+):(\d+): ", r"line \1, column \2: ", text)


def _entry_text(entry) -> str:
    for detail in list(entry.get("content") or []) + [entry.get("summary_detail") or {}]:
        value = detail.get("value") or ""
        if not value.strip():
            continue
        if detail.get("type") == "text/plain":
            return _normalise_newlines(value).strip()
        return html_to_text(value)
    summary = entry.get("summary") or ""
    return html_to_text(summary) if summary.strip() else ""


def _feed_file(path: Path, ctx: _Context) -> Iterator[Item]:
    import feedparser

    label = ctx.label(path)
    size = path.stat().st_size
    if not size:
        yield Reject(label, "", "the file is empty", "skipped")
        return
    if size > MAX_FILE_BYTES:
        yield Reject(label, "", f"the feed is {size / 2**20:.0f} MB, over the "
                     f"{MAX_FILE_BYTES // 2**20} MB limit for one file", "skipped")
        return
    data = path.read_bytes()
    if _looks_binary(data[:8192]) and not data.startswith((codecs.BOM_UTF16_LE,
                                                            codecs.BOM_UTF16_BE)):
        yield Reject(label, "", "the file is binary, not a feed", "skipped")
        return
    if b"<TimeML" in data[:4096]:
        yield from _timeml_file(path, ctx)
        return
    # a stream, never a string: feedparser would fetch a string that looks like a URL
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({_xml_problem(problem)})" if problem else ""
        yield Reject(label, "", f"not an RSS or Atom feed, or one with no entries{detail}",
                     "skipped")
        return
    malformed = parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"),
                                                      feedparser.CharacterEncodingOverride)
    problem = _xml_problem(parsed.get("bozo_exception")) if malformed else ""
    if malformed and not any(_entry_text(e) for e in entries):
        yield Reject(label, "", f"the feed does not parse ({problem})", "skipped")
        return
    if malformed:
        yield Reject(label, "", f"the feed is not well-formed ({problem})",
                     f"read {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} "
                     "with the lenient parser")
    source = html.unescape(parsed.get("feed", {}).get("title", "") or "").strip()
    for number, entry in enumerate(entries, 1):
        title = html_to_text(entry.get("title", "") or "")
        text = _entry_text(entry) or title
        doc_id = (entry.get("id") or entry.get("link") or f"{path.stem}-{number}").strip()
        raw_date = entry.get("published") or entry.get("updated") or ""
        published, date_error = parse_published(raw_date)
        if published is None and not date_error:
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            if stamp:
                published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
        elif date_error and (entry.get("published_parsed") or entry.get("updated_parsed")):
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            published, date_error = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday), ""
        article = Article(doc_id=doc_id, text=text, published=published, source=source,
                          title=title, url=(entry.get("link") or "").strip())
        yield from _finish(article, label, ctx,
                           f"entry {number}: {date_error}" if date_error else "",
                           where=f"entry {number}")


# --- TimeML ---------------------------------------------------------------------------


def _timeml_file(path: Path, ctx: _Context) -> Iterator[Item]:
    from xml.etree.ElementTree import ParseError

    from . import timeml

    label = ctx.label(path)
    if not path.stat().st_size:
        yield Reject(label, path.stem, "the file is empty", "skipped")
        return
    if path.stat().st_size > MAX_FILE_BYTES:
        yield Reject(label, path.stem, "the file is over the size limit", "skipped")
        return
    data = path.read_bytes()
    if _looks_binary(data[:8192]):
        yield Reject(label, path.stem, "the file is binary, not text", "skipped")
        return
    try:
        text, damaged = data.decode("utf-8"), False
    except UnicodeDecodeError:
        text, damaged = data.decode("utf-8", errors="replace"), True
    try:
        doc = timeml.parse_string(text, name=path.name)
    except (ParseError, ValueError) as error:
        yield Reject(label, path.stem, f"not well-formed TimeML ({_xml_problem(error)})",
                     "skipped")
        return
    if damaged:
        yield Reject(label, path.stem, "not valid UTF-8", "decoded with replacement characters")
    yield from _finish(Article(doc_id=path.stem, text=doc.text, published=doc.dct), label, ctx)


# --- folders and the entry point --------------------------------------------------------

_READERS = {"text": _text_file, "jsonl": _jsonl_file, "csv": _csv_file, "feed": _feed_file,
            "timeml": _timeml_file}


def _walk(root: Path) -> Iterator[Path]:
    """Every non-hidden file under ``root``, sorted, without following
    symlinked folders (symlinked files are listed and checked by the caller)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _folder(root: Path, ctx: _Context) -> Iterator[Item]:
    covered: set[Path] = set()
    if (root / MANIFEST).is_file():
        yield from _manifest(root, ctx, covered)
    for path in _walk(root):
        if path.parent == root and path.name == MANIFEST:
            continue
        kind = KIND_BY_SUFFIX.get(path.suffix.lower())
        if kind is None:
            continue
        target = _inside(path, root)
        if target is None:
            yield Reject(ctx.label(path), path.stem, "a link to a file outside the corpus "
                         "folder", "skipped")
            continue
        if target in covered:
            continue
        if target.exists() and not target.is_file():  # a FIFO or device would block or never end
            yield Reject(ctx.label(path), path.stem, "not a regular file", "skipped")
            continue
        yield from _read_file(target, kind, ctx, label_path=path)


def _read_file(path: Path, kind: str, ctx: _Context, label_path: Optional[Path] = None
               ) -> Iterator[Item]:
    try:
        yield from _READERS[kind](path, ctx)
    except OSError as error:
        yield Reject(ctx.label(label_path or path), "",
                     f"cannot be read ({error.strerror or error})", "skipped")


def iter_corpus(path: str | Path, default_published: date | None = None,
                max_chars: int = 2_000_000) -> Iterator[Article | Reject]:
    """Stream the articles of a corpus (see the module docstring for the kinds
    of corpus), each as soon as it is read, with a :class:`Reject` for every
    input skipped or altered.

    default_published: date given to articles that come with none (not to
        those whose date is invalid); they get ``published_inferred = True``.
    max_chars: longer texts are truncated to this many characters (at a line end).

    Raises :class:`CorpusError` if the corpus path does not exist or is not
    a readable file or folder.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    source = Path(path)
    if not source.exists():
        raise CorpusError(f"corpus not found: {source}")
    try:
        root = source.resolve()
    except (OSError, RuntimeError) as error:
        raise CorpusError(f"corpus cannot be opened: {source} ({error})") from None
    if root.is_dir():
        if not os.access(root, os.R_OK | os.X_OK):
            raise CorpusError(f"corpus folder cannot be read: {source}")
        yield from _folder(root, _Context(root, default_published, max_chars))
        return
    if not root.is_file():
        raise CorpusError(f"corpus is neither a file nor a folder: {source}")
    if not os.access(root, os.R_OK):
        raise CorpusError(f"corpus file cannot be read: {source}")
    ctx = _Context(root.parent, default_published, max_chars)
    if root.name == MANIFEST or (root.suffix.lower() == ".csv" and _is_manifest(root)):
        ctx.root = root.parent  # a manifest given directly: its folder is the corpus
        yield from _folder(root.parent, ctx)
        return
    kind = KIND_BY_SUFFIX.get(root.suffix.lower(), "text")
    yield from _read_file(root, kind, ctx)


def _is_manifest(path: Path) -> bool:
    """A CSV whose header has a 'file' column and no 'text' column."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            header = [h.strip().lower() for h in next(csv.reader(handle), [])]
    except (OSError, csv.Error):
        return False
    return "file" in header and "text" not in header


def load(path: str | Path, **kwargs) -> tuple[list[Article], list[Reject]]:
    """The whole corpus at once: ``(articles, rejects)``; same arguments as
    :func:`iter_corpus`.  For small corpora and notebooks."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in iter_corpus(path, **kwargs):
        (rejects if isinstance(item, Reject) else articles).append(item)
    return articles, rejects


# --- near-duplicates ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _shingle_hash(words: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big")


class DuplicateIndex:
    """Streaming near-duplicate detection: is a new article (almost) wholly
    contained in one seen before?

    Each article is reduced to the hashes of its word ``shingle``-grams
    (lower-cased ``\\w+`` words, so punctuation, spacing and quotes do not
    matter).  A new article duplicates an earlier one when at least
    ``threshold`` of its shingles occur in the earlier one (containment of
    the new in the old).  The measure is deliberately one-sided: a
    duplicate goes no further in the pipeline, so it must add almost
    nothing to its original: a copy with a title line on top is a
    duplicate, but a longer, updated version of an earlier short brief is
    not (its new paragraphs would be lost).

    Only originals are indexed (a third copy points to the first), and only
    hashes are kept, never texts: per article a compact array of its
    shingle hashes (8 bytes each), and an inverted index of a deterministic
    1-in-``sample`` subset of them that finds the candidates (measured: 16 MB
    for the 2,452 TempEval-3 silver articles, 1,600 characters on average).
    Texts with fewer than ``min_shingles`` shingles are compared by their
    exact word sequence only.
    """

    def __init__(self, threshold: float = 0.8, shingle: int = 5, sample: int = 4,
                 min_shingles: int = 3, max_candidates: int = 20):
        self.threshold = threshold
        self.shingle = shingle
        self.sample = sample
        self.min_shingles = min_shingles
        self.max_candidates = max_candidates
        self._postings: dict[int, Union[int, list[int]]] = {}
        self._shingles: list[array] = []
        self._ids: list[str] = []
        self._exact: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def shingles(self, text: str) -> tuple[int, set[int]]:
        """(hash of the whole word sequence, set of shingle hashes) of a text."""
        words = _WORD.findall(text.lower())
        n = self.shingle
        grams = {_shingle_hash(words[i:i + n]) for i in range(max(0, len(words) - n + 1))}
        # a text with no words at all is compared as it is
        return _shingle_hash(words if words else ["\x00", text.strip()]), grams

    def containment(self, text: str, doc_id: str) -> float:
        """Share of the shingles of ``text`` found in the indexed article ``doc_id``."""
        _, grams = self.shingles(text)
        i = self._ids.index(doc_id)
        return sum(1 for h in self._shingles[i] if h in grams) / len(grams) if grams else 0.0

    def check(self, article: Article) -> str:
        """The doc_id of an earlier article that ``article`` duplicates, or
        "" (then ``article`` is indexed as an original)."""
        exact, grams = self.shingles(article.text)
        if exact in self._exact:
            return self._ids[self._exact[exact]]
        if len(grams) >= self.min_shingles:
            hits: dict[int, int] = {}
            for h in grams:
                if h % self.sample:
                    continue
                posting = self._postings.get(h)
                for i in (() if posting is None else
                          posting if isinstance(posting, list) else (posting,)):
                    hits[i] = hits.get(i, 0) + 1
            candidates = sorted(hits, key=lambda i: (-hits[i], i))[:self.max_candidates]
            best, best_score = -1, 0.0
            for i in candidates:
                score = sum(1 for h in self._shingles[i] if h in grams) / len(grams)
                if score > best_score or (score == best_score and i < best):
                    best, best_score = i, score
            if best >= 0 and best_score >= self.threshold:
                return self._ids[best]
        self._add(article.doc_id, exact, grams)
        return ""

    def _add(self, doc_id: str, exact: int, grams: set[int]) -> None:
        number = len(self._ids)
        self._ids.append(doc_id)
        self._exact.setdefault(exact, number)
        self._shingles.append(array("Q", grams))
        for h in grams:
            if h % self.sample:
                continue
            posting = self._postings.get(h)
            if posting is None:
                self._postings[h] = number
            elif isinstance(posting, list):
                posting.append(number)
            else:
                self._postings[h] = [posting, number]


def find_duplicates(articles: Iterable[Article], **options) -> dict[str, str]:
    """``{doc_id of a duplicate: doc_id of its original}`` over articles in
    order (the first seen is the original); options as :class:`DuplicateIndex`.
    The articles are not changed."""
    index = DuplicateIndex(**options)
    found = {}
    for article in articles:
        original = index.check(article)
        if original:
            found[article.doc_id] = original
    return found
