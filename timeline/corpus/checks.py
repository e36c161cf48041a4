"""What every reader of the corpus shares: the Reject row, the hashes, the
byte-level checks (size, binary, encoding), the repair of invalid Unicode,
paths that leave the corpus, and :func:`finish`, the last step every article
goes through (empty text, size limit, date, id, duplicate ids).

A reader (one module per format, listed in :mod:`timeline.corpus.registry`)
only turns its format into :class:`~timeline.article.Article` objects and
yields them through :func:`finish`; everything checked the same way for all
formats lives here.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator, Optional, Union

from ..article import Article

#: files larger than this are not read as a whole (manifest line ranges, feeds, pages, exports)
MAX_FILE_BYTES = 256 * 1024 * 1024

_SURROGATE = re.compile("[\ud800-\udfff]")

#: deepest nesting of XML elements a feed may have (checked before parsing); a TimeML file
#: is checked against it only when its parse runs out of recursion
MAX_XML_DEPTH = 256


class CorpusError(Exception):
    """The corpus as a whole cannot be read (the path does not exist ...).

    Its message is one line, meant for the user as it is.
    """


@dataclass
class Reject:
    """One input skipped or altered, as a row of rejects.csv.

    input: the file (relative to the corpus folder) or URL the problem is in.
    doc_id: the article concerned, or "" when none could be named.
    reason: one line saying what is wrong (with the line number where there is one).
    action: what was done ("skipped", "kept without a date", "repaired" ...).
    """

    input: str
    doc_id: str
    reason: str
    action: str

    def __post_init__(self) -> None:
        # a reason may quote the input: a lone surrogate in it would make rejects.csv unwritable
        for name in ("input", "doc_id", "reason", "action"):
            value = getattr(self, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                setattr(self, name, _SURROGATE.sub("\ufffd", value))


Item = Union[Article, Reject]


# --- hashes ---------------------------------------------------------------------


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` line ends as ``\\n``."""
    return text.replace("\r\n", "\n") if "\r\n" in text else text


def content_hash(text: str) -> str:
    """SHA-256 (hex) of an article's text.

    The text is hashed as the loader gives it, whose only normalisation is of
    line ends and byte-order marks (``\\r\\n`` → ``\\n``): any other change,
    even of white space, moves character offsets, so it must count as a
    change for the store.  (Near-copies are :class:`DuplicateIndex`'s job.)
    """
    return hashlib.sha256(normalise_newlines(text).encode("utf-8", "surrogatepass")).hexdigest()


def article_hash(article: Article) -> str:
    """SHA-256 of everything the loader sets on an article (id, text, date,
    source, title, url, duplicate_of): equal hashes mean equal document rows."""
    parts = [article.doc_id, content_hash(article.text),
             article.published.isoformat() if article.published else "",
             "1" if article.published_inferred else "0",
             article.source, article.title, article.url, article.duplicate_of]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def derived_id(source: str, text: str) -> str:
    """The id of an item that comes without one: its source (a file's stem)
    and the first 12 hex digits of its text's hash, e.g. ``news-3f1c0a9b2e4d``.

    It never depends on the item's position, so the same item gets the same
    id in every run, and two items with different texts never share one.
    """
    return f"{source}-{content_hash(text)[:12]}"


# --- ids that would break a table or a terminal -----------------------------------

#: the separator of list-valued cells (doc_ids, mention_ids ...), see timeline.tables.LIST_SEP
LIST_SEP = "; "


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in "\u2028\u2029\x85"


def clean_id(doc_id: str) -> tuple[str, str]:
    """``(usable id, problem)``: an id holding a control character (line
    breaks, tabs, escape codes, U+2028 ...) or the list separator ``"; "``
    would be ambiguous in the tables and could forge lines on a terminal.
    Each control character becomes ``_`` and the white space after a ``;``
    is dropped (``"a; b"`` → ``"a;b"``); ``problem`` says what was found
    ("" when the id was fine)."""
    problems = []
    if any(_is_control(c) for c in doc_id):
        problems.append("control characters")
        doc_id = "".join("_" if _is_control(c) else c for c in doc_id)
    if LIST_SEP in doc_id:
        problems.append(f"the list separator {LIST_SEP!r}")
        doc_id = re.sub(r";\s+", ";", doc_id)
    return doc_id, " and ".join(problems)


# --- invalid Unicode ------------------------------------------------------------

#: character references to surrogates (&#xD800; &#55296;), which no XML or HTML allows
_SURROGATE_REF = re.compile(r"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*5[5-7]\d{3});")


def repair_surrogates(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate (``"\\ud800"``, which no UTF-8 can
    hold) replaced by U+FFFD, and how many there were.  One character for
    one, so offsets do not move."""
    if not _SURROGATE.search(text):
        return text, 0
    return _SURROGATE.subn("\ufffd", text)


def repair_surrogate_refs(markup: str) -> tuple[str, int]:
    """Markup with character references to surrogates (``&#xD800;``, which
    XML parsers refuse and HTML parsers turn into lone surrogates or drop)
    replaced by ``&#xFFFD;``, and how many there were."""
    if "&#" not in markup:
        return markup, 0
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        ref = match.group(0)
        number = int(ref[3:-1], 16) if ref[2] in "xX" else int(ref[2:-1])
        if 0xD800 <= number <= 0xDFFF:
            count += 1
            return "&#xFFFD;"
        return ref

    return _SURROGATE_REF.sub(fix, markup), count


def repaired_reason(count: int, where: str = "") -> str:
    at = f"{where}: " if where else ""
    return (f"{at}invalid Unicode ({count} lone surrogate{'s' if count > 1 else ''}, "
            "e.g. \\ud800 or &#xD800;)")


REPAIRED = "repaired (replaced with U+FFFD)"


# --- reading bytes ----------------------------------------------------------------

_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32)).replace(b"\x1b", b"")


def looks_binary(sample: bytes, tolerant: bool = False) -> bool:
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


def utf16_to_utf8(data: bytes) -> bytes:
    """A UTF-16 file with a byte-order mark, as UTF-8; other data unchanged."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


def decode_lines(data: bytes) -> tuple[list[str], list[int]]:
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


def decode_text(data: bytes) -> tuple[str, bool]:
    """Bytes as text (UTF-8, a byte-order mark dropped, UTF-16 with a mark
    decoded), and whether replacement characters were needed."""
    data = utf16_to_utf8(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def replacement_reason(damaged: list[int], first_line: int = 1) -> str:
    lines = len(damaged)
    return (f"not valid UTF-8 ({lines} line{'s' if lines > 1 else ''}, the first is line "
            f"{damaged[0] + first_line - 1})")


def read_head(path: Path, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of a file, and whether there was more."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return data[:limit], len(data) > limit


def whole_characters(data: bytes) -> bytes:
    """``data`` without an incomplete UTF-8 sequence at its end."""
    end = len(data)
    while end > 0 and len(data) - end < 4 and (data[end - 1] & 0xC0) == 0x80:
        end -= 1
    if end > 0 and data[end - 1] >= 0xC0:
        return data[:end - 1]
    return data


def read_whole(path: Path, label: str, doc_id: str = "", what: str = "file"
               ) -> tuple[Optional[bytes], Optional[Reject]]:
    """The bytes of a file read as a whole (a page, a feed, an export), or
    the Reject of an empty, over-large or binary one."""
    size = path.stat().st_size
    if not size:
        return None, Reject(label, doc_id, "the file is empty", "skipped")
    if size > MAX_FILE_BYTES:
        return None, Reject(label, doc_id, f"the {what} is {size / 2**20:.0f} MB, over the "
                            f"{MAX_FILE_BYTES // 2**20} MB limit for one file", "skipped")
    data = path.read_bytes()
    if looks_binary(data[:8192]) and not data.startswith((codecs.BOM_UTF16_LE,
                                                           codecs.BOM_UTF16_BE)):
        return None, Reject(label, doc_id, f"the file is binary, not a {what}", "skipped")
    return data, None


def xml_depth_problem(markup: str | bytes, limit: int = MAX_XML_DEPTH) -> str:
    """"" if the elements of an XML document nest at most ``limit`` deep, else
    a one-line reason.  Counted with a streaming parser, so a hostile file
    costs no recursion; a document that does not parse is left to the
    caller's parser (its reason is better)."""
    import xml.etree.ElementTree as ET

    parser = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    data = markup.encode("utf-8", "surrogatepass") if isinstance(markup, str) else markup
    try:
        for start in range(0, len(data), 1 << 16):
            parser.feed(data[start:start + (1 << 16)])
            for event, _ in parser.read_events():
                depth += 1 if event == "start" else -1
                if depth > limit:
                    return f"elements nested more than {limit} deep"
    except ET.ParseError:
        return ""
    return ""


def xml_problem(error) -> str:
    """The first line of a parser's complaint, without its "<unknown>:" prefix."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return re.sub(r"^<unknown>:(\d+):(\d+): ", r"line \1, column \2: ", text)


def failure(error: BaseException) -> str:
    """An unexpected exception as one line: its type and the first line of its message."""
    message = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# --- paths ----------------------------------------------------------------------


def inside(path: Path, root: Path) -> Optional[Path]:
    """The resolved path if it lies inside ``root`` (symlinks followed), else None."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # symlink loops
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


# --- what one pass over a corpus shares ---------------------------------------------


@dataclass
class Context:
    """The options of one pass over a corpus and the ids seen so far.

    root: the corpus folder (a file's folder when one file is the corpus).
    default_published: the date given to articles that come with none.
    max_chars: longer texts are truncated.
    fields: the field names of records (see :mod:`timeline.corpus.fields`).
    date_order: "DMY", "MDY", "YMD" or None (all-numeric dates other than ISO refused).
    fetcher: fetches the pages of URL lists (see :mod:`timeline.corpus.urls`); made on first use.
    exclude: resolved paths the folder reader never enters (the run's outputs, store, cache).
    """

    root: Path
    default_published: Optional[date] = None
    max_chars: int = 2_000_000
    fields: object = None
    date_order: Optional[str] = None
    fetch_options: dict = field(default_factory=dict)
    exclude: set = field(default_factory=set)
    ids: dict = field(default_factory=dict)  # doc_id -> (article_hash, input)
    _fetcher: object = None

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

    @property
    def fetcher(self):
        """The polite, caching fetcher of this pass (made on first use)."""
        if self._fetcher is None:
            from .urls import Fetcher
            self._fetcher = Fetcher(**self.fetch_options)
        return self._fetcher


# --- the finishing step every article goes through -----------------------------


def truncate(text: str, limit: int) -> str:
    """The start of ``text``, at most ``limit`` characters, cut at a line
    end (or a space) in the second half of the limit where there is one."""
    cut = text.rfind("\n", 0, limit + 1)
    if cut < limit // 2:
        space = max(text.rfind(" ", 0, limit + 1), text.rfind("\t", 0, limit + 1))
        cut = space if space >= limit // 2 else limit
    kept = text[:cut].rstrip()
    return kept if kept.strip() else text[:limit].rstrip()


def _repair_fields(article: Article) -> int:
    total = 0
    for name in ("doc_id", "text", "title", "source", "url"):
        value, count = repair_surrogates(getattr(article, name))
        if count:
            setattr(article, name, value)
            total += count
    return total


def finish(article: Article, input_: str, ctx: Context, date_error: str = "",
           longer: bool = False, where: str = "", repaired: int = 0) -> Iterator[Item]:
    """Check an article that was read: invalid Unicode, empty text, size,
    date, doc_id; yield the Rejects it earns and then the Article itself
    (unless skipped).  ``where`` ("line 12") starts the reasons of records
    read from a line; ``repaired`` counts surrogates the reader already
    replaced in the markup."""
    at = f"{where}: " if where else ""
    article.doc_id = article.doc_id.strip()
    repaired += _repair_fields(article)
    if repaired:
        yield Reject(input_, article.doc_id, repaired_reason(repaired, where), REPAIRED)
    article.doc_id, problem = clean_id(article.doc_id)
    if problem:
        yield Reject(input_, article.doc_id, f"{at}the doc_id holds {problem}",
                     f"kept as {article.doc_id}")
    if not article.text.strip():
        yield Reject(input_, article.doc_id, f"{at}the article has no text", "skipped")
        return
    if longer or len(article.text) > ctx.max_chars:
        size = f"more than {ctx.max_chars:,}" if longer else f"{len(article.text):,}"
        article.text = truncate(article.text, ctx.max_chars)
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
