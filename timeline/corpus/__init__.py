"""Read a corpus into :class:`~timeline.article.Article` objects, one at a time.

A corpus is a file or a folder; each file is read by the reader of its
kind, listed in ONE table, :data:`timeline.corpus.registry.READERS`:

* a folder: files of the kinds below, and a ``manifest.csv`` (:mod:`.folder`, :mod:`.manifest`);
* ``.txt``: one article, or a list of URLs (:mod:`.text`);
* ``.jsonl``: one article per line (:mod:`.jsonl`);
* ``.csv``: one article per row (:mod:`.csvfile`);
* ``.json``: an export of articles, as news APIs write them (:mod:`.jsonexport`);
* ``.rss``, ``.atom``, ``.xml``: an RSS or Atom feed, or TimeML (:mod:`.feed`);
* ``.html``, ``.htm``: a saved web page, read with trafilatura (:mod:`.webpage`);
* ``.urls``: one URL per line, fetched politely and cached (:mod:`.urls`);
* ``.tml``: TimeML, the TempEval data (:mod:`.tml`).

What all readers share (sizes, encodings, invalid Unicode, paths leaving
the corpus, duplicate ids, the Reject rows, ids) is in :mod:`.checks`;
field names of records in :mod:`.fields` (and the resource
``resources/corpus/fields.toml``); publication dates in :mod:`.dates`.

:func:`iter_corpus` streams: it yields each Article as soon as it is read and
keeps only the id and a hash of each (about 200 bytes an article), never
their texts, so memory stays small whatever the corpus size.
Every input it cannot take as it is yields a :class:`Reject` (one line: what
was wrong, and what was done) and the rest of the corpus is read as usual;
a failure inside a reader costs the record (or file) it happened in, never
the run.

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
  Lone surrogates (``"\\ud800"`` in JSON, ``&#xD800;`` in markup), which no
  UTF-8 can hold, are replaced by U+FFFD with a Reject (action "repaired").
* ``default_published`` dates the articles that come with **no** date.  An
  article whose date is **invalid** (``2025-13-45``) is kept without a date
  and a Reject says so; the default is not applied to it, because a broken
  date is an error in the input that a run-wide default would hide.
  Articles given the default have ``published_inferred = True``.
* An enormous document (more than ``max_chars`` characters) is truncated at
  the last line break (or space) before the limit, not skipped.
* Ids never depend on an item's position: a record or feed entry without an
  id takes its URL, else its file's stem and a hash of its text
  (:func:`~.checks.derived_id`).  Two identical items in one file: the second
  is "the same text again" and skipped.  A doc_id seen before with a
  different article is kept under ``<id>~2`` (``~3`` ...).  An id holding
  control characters or the list separator ``"; "`` is cleaned
  (:func:`~.checks.clean_id`) with a Reject.
* Every record-level reason names where it is: ``line 12:`` (manifest,
  JSONL, CSV: the physical line where the record starts) or ``entry 3:``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Optional

from ..article import Article
from .checks import (MAX_FILE_BYTES, Context, CorpusError, Item, Reject, article_hash,
                     clean_id, content_hash, derived_id, inside)
from .dates import DATE_ORDERS, parse_published
from .datelines import dateline_date, infer_from_dateline
from .duplicates import DuplicateIndex, find_duplicates
from .feed import html_to_text
from .fields import FieldMap, parse_field_options
from .folder import UNREADABLE, is_run_output, read_file
from .manifest import MANIFEST, is_manifest
from .registry import READERS

__all__ = ["CorpusError", "Reject", "iter_corpus", "load", "content_hash", "article_hash",
           "derived_id", "DuplicateIndex", "find_duplicates", "parse_published", "html_to_text",
           "READERS", "DATE_ORDERS", "parse_field_options", "infer_from_dateline",
           "dateline_date", "nothing_read", "check_out_folder", "undated_note"]


def iter_corpus(path: str | Path | None, default_published: date | None = None,
                max_chars: int = 2_000_000, *, fields: Mapping[str, str] | Iterable[str] | None = None,
                date_order: Optional[str] = None, urls: Iterable[str] = (),
                fetch: Optional[dict] = None, exclude: Iterable[str | Path] = ()
                ) -> Iterator[Article | Reject]:
    """Stream the articles of a corpus (see the module docstring for the kinds
    of corpus), each as soon as it is read, with a :class:`Reject` for every
    input skipped or altered.

    path: a file or folder; may be None when ``urls`` are given.
    default_published: date given to articles that come with none (not to
        those whose date is invalid); they get ``published_inferred = True``.
    max_chars: longer texts are truncated to this many characters (at a line end).
    fields: field names of records, ``{"text": "content"}`` or ``["text=content"]``
        (tried before the synonyms of ``resources/corpus/fields.toml``).
    date_order: "DMY", "MDY" or "YMD" for all-numeric publication dates
        other than ISO; None refuses them (with a Reject naming --date-order).
    urls: web pages to fetch and read, after the corpus.
    fetch: options of the :class:`~.urls.Fetcher` (cache_dir, delay, timeout ...).
    exclude: paths inside the corpus folder never read (the run's outputs, store, cache).

    Raises :class:`CorpusError` if the corpus path does not exist or is not
    a readable file or folder, and ValueError for a bad ``fields`` or ``date_order``.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    options = dict(default_published=default_published, max_chars=max_chars,
                   fields=FieldMap(parse_field_options(fields)), date_order=date_order,
                   fetch_options=dict(fetch or {}),
                   exclude={Path(p).resolve() for p in exclude})
    urls = list(urls or ())
    if path is None or path == "":
        if not urls:
            raise CorpusError("no corpus and no URL given")
        ctx = Context(Path.cwd(), **options)
    else:
        ctx = yield from _corpus(Path(path), options)
    if urls:
        from .urls import read_urls
        yield from read_urls(urls, "--url", ctx, numbered=False)


def _corpus(source: Path, options: dict):
    if not source.exists():
        raise CorpusError(f"corpus not found: {source}")
    try:
        root = source.resolve()
    except (OSError, RuntimeError) as error:
        raise CorpusError(f"corpus cannot be opened: {source} ({error})") from None
    if root.is_dir():
        if not os.access(root, os.R_OK | os.X_OK):
            raise CorpusError(f"corpus folder cannot be read: {source}")
        from . import folder
        ctx = Context(root, **options)
        yield from folder.read(root, ctx)
        return ctx
    if not root.is_file():
        raise CorpusError(f"corpus is neither a file nor a folder: {source}")
    if not os.access(root, os.R_OK):
        raise CorpusError(f"corpus file cannot be read: {source}")
    ctx = Context(root.parent, **options)
    if root.name == MANIFEST or (root.suffix.lower() == ".csv" and is_manifest(root)):
        from . import folder  # a manifest given directly: its folder is the corpus
        yield from folder.read(root.parent, ctx)
        return ctx
    from . import text
    yield from read_file(root, READERS.get(root.suffix.lower(), text.read), ctx)
    return ctx


def load(path: str | Path | None, **kwargs) -> tuple[list[Article], list[Reject]]:
    """The whole corpus at once: ``(articles, rejects)``; same arguments as
    :func:`iter_corpus`.  For small corpora and notebooks."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in iter_corpus(path, **kwargs):
        (rejects if isinstance(item, Reject) else articles).append(item)
    return articles, rejects


# --- what the command line says about a corpus ---------------------------------------


def nothing_read(reasons: Iterable[str]) -> str:
    """What a run that read no article found instead, from the reasons of
    its rejects: e.g. "2 files of kinds it cannot read (.pdf, .docx); 1
    other input rejected (see rejects.csv)"."""
    import re

    kinds: dict[str, int] = {}
    others = 0
    for reason in reasons:
        match = re.match(re.escape(UNREADABLE) + r" \((.*)\)$", str(reason))
        if match:
            kinds[match.group(1)] = kinds.get(match.group(1), 0) + 1
        else:
            others += 1
    parts = []
    if kinds:
        count = sum(kinds.values())
        parts.append(f"{count} file{'s' if count > 1 else ''} of kinds it cannot read "
                     f"({', '.join(sorted(kinds, key=lambda k: (-kinds[k], k)))})")
    if others:
        parts.append(f"{others} {'other ' if kinds else ''}input{'s' if others > 1 else ''} "
                     "rejected (see rejects.csv)")
    if not parts:
        parts.append("no file of a kind it reads (" + ", ".join(sorted(READERS)) + ")")
    return "; ".join(parts)


def check_out_folder(corpus: str | Path | None, out: str | Path) -> None:
    """Raise CorpusError (one line) when the output folder ``out`` is the
    corpus folder or inside it: each run would read the previous run's
    tables as articles."""
    if corpus is None or corpus == "":
        return
    root = Path(corpus).resolve()
    if not root.is_dir():
        root = root.parent if root.name == MANIFEST or is_manifest(root) else None
        if root is None:
            return
    target = Path(out).resolve()
    if target == root or target.is_relative_to(root):
        raise CorpusError(f"the output folder {out} is inside the corpus folder {corpus}: "
                          "choose an --out outside it")


def undated_note(undated: int, unresolved: int) -> str:
    """What the summary line says about articles with no publication date
    ("" when there are none)."""
    if not undated:
        return ""
    return (f"{undated} article{'s' if undated != 1 else ''} without a publication date, "
            f"{unresolved} expression{'s' if unresolved != 1 else ''} unresolved "
            "(give --default-published DATE or --infer-dates)")
