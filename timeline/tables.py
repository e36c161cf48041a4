"""Tidy tables: one row per document, sentence, mention, event or reject.

The stages work on :class:`~timeline.article.Article` objects; this module
turns them into pandas DataFrames with fixed, documented columns, and writes
them as CSV safely (atomic rename, no spreadsheet formulas, every cell
holding a line end quoted), and an output folder as a whole
(:func:`staged_folder`).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from .article import Article

DOCUMENT_COLUMNS = ["doc_id", "source", "title", "url", "published", "published_inferred",
                    "duplicate_of", "content_hash", "n_words", "text"]
MENTION_COLUMNS = ["mention_id", "doc_id", "start", "end", "text", "type", "value",
                   "date_start", "date_end", "granularity", "mod", "anchor", "confidence",
                   "sentence", "sentence_index", "sentence_start", "sentence_end", "event_id", "trigger",
                   "trigger_start", "trigger_end", "actor", "actors", "object", "summary",
                   "no_event", "entities", "rule"]
EVENT_COLUMNS = ["event_id", "date_start", "date_end", "granularity", "summary", "trigger",
                 "actors", "object", "doc_ids", "sources", "n_docs", "mention_ids", "texts",
                 "sentence", "confidence"]
#: columns events.csv has after the merging of event mentions
#: (:func:`timeline.events.merge_event_mentions`): distinct outlets, and how
#: the date of its best-dated mention was obtained
EVENT_SOURCE_COLUMNS = ["n_sources", "date_source"]
REJECT_COLUMNS = ["input", "doc_id", "reason", "action"]
#: sentences.csv: each sentence of an article once (mentions point to it by index)
SENTENCE_COLUMNS = ["doc_id", "sentence_index", "start", "end", "text"]

#: event_mentions.csv: one row per event mention (see
#: :class:`timeline.article.EventMention`); other tools read these by name
EVENT_MENTION_COLUMNS = [
    "event_mention_id", "doc_id", "trigger", "text", "trigger_start", "trigger_end", "class",
    "pos", "tense", "aspect", "polarity", "modality", "no_event", "actors", "object", "summary",
    "sentence", "sentence_index", "sentence_start", "sentence_end", "date_start", "date_end",
    "granularity", "date_source", "mention_id", "event_id", "confidence"]

#: entity_mentions.csv: one row per name, pronoun or description resolved to
#: an entity by in-document coreference (:mod:`timeline.events.coref`)
ENTITY_MENTION_COLUMNS = ["doc_id", "start", "end", "text", "entity", "label", "kind"]

#: the tables made per article, keyed by doc_id, with their columns: the
#: store keeps one stored table per entry and the pipeline one CSV file each
#: (``<name>.csv``).  A new per-article table is one line here plus its rows
#: in :func:`article_tables`.
PER_ARTICLE: dict[str, list[str]] = {
    "mentions": MENTION_COLUMNS,
    "sentences": SENTENCE_COLUMNS,
    "event_mentions": EVENT_MENTION_COLUMNS,
    "entity_mentions": ENTITY_MENTION_COLUMNS,
}

#: separator used inside one cell for list-valued columns (actors, doc_ids ...)
LIST_SEP = "; "


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def document_rows(article: Article, content_hash: str = "") -> dict:
    """The documents.csv row of one article."""
    return {
        "doc_id": article.doc_id, "source": article.source, "title": article.title,
        "url": article.url, "published": _iso(article.published),
        "published_inferred": bool(article.published_inferred),
        "duplicate_of": article.duplicate_of, "content_hash": content_hash,
        "n_words": len(article.text.split()), "text": article.text,
    }


def mention_rows(article: Article) -> list[dict]:
    """The mentions.csv rows of one article (event_id left empty: set by merging)."""
    rows = []
    for i, m in enumerate(article.mentions):
        sent = article.sentences[m.sentence] if 0 <= m.sentence < len(article.sentences) else None
        rows.append({
            "mention_id": f"{article.doc_id}:m{i}", "doc_id": article.doc_id,
            "start": m.start, "end": m.end, "text": m.text, "type": m.type, "value": m.value,
            "date_start": _iso(m.date_start), "date_end": _iso(m.date_end),
            "granularity": m.granularity, "mod": m.mod, "anchor": m.anchor,
            "confidence": round(float(m.confidence), 3),
            "sentence": article.text[sent.start:sent.end] if sent else "",
            "sentence_index": m.sentence,
            "sentence_start": sent.start if sent else -1,
            "sentence_end": sent.end if sent else -1,
            "event_id": "", "trigger": m.trigger, "trigger_start": m.trigger_start,
            "trigger_end": m.trigger_end, "actor": m.actors[0] if m.actors else "",
            "actors": LIST_SEP.join(m.actors), "object": m.object, "summary": m.summary,
            # why a dated mention makes no event: "negated", "hypothetical", "generic"
            "no_event": m.extra.get("no_event", ""),
            "entities": LIST_SEP.join(m.entities), "rule": m.rule,
        })
    return rows


def sentence_rows(article: Article) -> list[dict]:
    """The sentences.csv rows of one article: only the sentences that a
    mention points into (the others hold nothing the tables refer to)."""
    used = sorted({m.sentence for m in article.mentions
                   if 0 <= m.sentence < len(article.sentences)})
    rows = []
    for index in used:
        sent = article.sentences[index]
        rows.append({"doc_id": article.doc_id, "sentence_index": index, "start": sent.start,
                     "end": sent.end, "text": article.text[sent.start:sent.end]})
    return rows


def article_tables(article: Article) -> dict[str, list[dict]]:
    """The rows of every per-article table (:data:`PER_ARTICLE`) of one article."""
    return {"mentions": mention_rows(article), "sentences": sentence_rows(article),
            "event_mentions": event_mention_rows(article),
            "entity_mentions": entity_mention_rows(article)}
def event_mention_rows(article: Article) -> list[dict]:
    """The event_mentions.csv rows of one article (event_id left empty: set
    after merging).  ``mention_id`` is the id in mentions.csv of the temporal
    expression that dates the event, or ""."""
    rows = []
    for i, e in enumerate(article.event_mentions):
        sent = article.sentences[e.sentence] if 0 <= e.sentence < len(article.sentences) else None
        rows.append({
            "event_mention_id": f"{article.doc_id}:e{i}", "doc_id": article.doc_id,
            "trigger": e.trigger, "text": e.text, "trigger_start": e.start,
            "trigger_end": e.end, "class": e.event_class, "pos": e.pos, "tense": e.tense,
            "aspect": e.aspect, "polarity": e.polarity, "modality": e.modality,
            "no_event": e.no_event, "actors": LIST_SEP.join(e.actors), "object": e.object,
            "summary": e.summary,
            "sentence": article.text[sent.start:sent.end] if sent else "",
            "sentence_index": e.sentence,
            "sentence_start": sent.start if sent else -1,
            "sentence_end": sent.end if sent else -1,
            "date_start": _iso(e.date_start), "date_end": _iso(e.date_end),
            "granularity": e.granularity, "date_source": e.date_source,
            "mention_id": f"{article.doc_id}:m{e.mention}" if e.mention >= 0 else "",
            "event_id": "", "confidence": round(float(e.confidence), 3),
        })
    return rows


def entity_mention_rows(article: Article) -> list[dict]:
    """The entity_mentions rows of one parsed article: every named entity,
    pronoun or description resolved by in-document coreference
    (:class:`timeline.events.coref.Coreference`), with its canonical name."""
    from .events.coref import coreference_of
    if not any(s.doc is not None for s in article.sentences):
        return []
    return coreference_of(article).rows()


def records(df: pd.DataFrame) -> list[dict]:
    """The rows of ``df`` as dicts of Python values: what
    ``df.to_dict("records")`` gives, about four times faster (one
    ``tolist`` per column instead of a boxing per cell)."""
    columns = list(df.columns)
    if not columns or df.columns.has_duplicates:
        return df.to_dict("records")
    return [dict(zip(columns, values)) for values in zip(*(df[c].tolist() for c in columns))]


def frame(rows: Iterable[dict], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (missing ones empty), in that order."""
    return with_columns(pd.DataFrame(list(rows)), columns)


def with_columns(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``df`` with ``columns`` first, in that order (missing ones added
    empty), then its other columns (as :func:`frame` orders them)."""
    for col in columns:
        if col not in df.columns:
            df[col] = pd.Series(dtype="object")
    extra = [c for c in df.columns if c not in columns]
    return df[columns + extra]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the first characters of the cells :func:`neutralise` may change
_FIRST_CHARACTERS = frozenset(FORMULA_START + ("'",))


def neutralise(value):
    """Prefix a cell that a spreadsheet would run as a formula with a quote.

    A cell that already starts with a quote followed by a formula character
    (or a second quote) is quoted too, so that :func:`restore` can undo the
    escaping exactly: offsets into ``documents.csv``'s text stay valid.
    """
    if isinstance(value, str) and (
            value.startswith(FORMULA_START)
            or (value.startswith("'") and value[1:2] in FORMULA_START + ("'",) and value[1:2])):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralise`."""
    if (isinstance(value, str) and value.startswith("'") and value[1:2]
            and value[1:2] in FORMULA_START + ("'",)):
        return value[1:]
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class WriteError(OSError):
    """A file of the outputs could not be written (full disk, no permission).
    Its message is one line naming the file."""


def _write_error(path: Path, error: OSError) -> WriteError:
    reason = error.strerror or (str(error).splitlines() or [type(error).__name__])[0]
    failure = WriteError(f"cannot write {path} ({reason})")
    failure.errno = error.errno or errno.EIO
    return failure


@contextmanager
def atomic_open(path: str | Path, newline: str | None = None):
    """Open a temporary file beside ``path`` for writing; on success it is
    renamed over ``path`` (readers never see half a file), on failure removed.
    The file gets the usual permissions (0666 less the umask).  An OSError
    while writing (a full disk ...) becomes a :class:`WriteError` naming ``path``."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except WriteError:
        _remove(tmp)
        raise
    except OSError as error:
        _remove(tmp)
        raise _write_error(path, error) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp) -> None:
    if tmp is not None and os.path.exists(tmp):
        try:
            os.unlink(tmp)
        except OSError:
            pass


#: what :func:`_joined` puts between two cells
_CELL_SEP = "\x00"


def _joined(values: list) -> str:
    """The text cells of a column joined by :data:`_CELL_SEP` (one string to
    search in C instead of a Python loop over the cells)."""
    try:
        return _CELL_SEP.join(values)
    except TypeError:  # not only text: NaN, None, numbers
        return _CELL_SEP.join([v for v in values if isinstance(v, str)])


def _may_start_with(joined: str, characters) -> bool:
    """Might a cell of :func:`_joined` text start with one of ``characters``?
    (Never a wrong no; a yes may come from a separator inside a cell, and
    then the exact test of each cell follows.)"""
    if joined[:1] in characters:
        return True
    pattern = _STARTS.get(frozenset(characters))
    if pattern is None:
        pattern = _STARTS[frozenset(characters)] = re.compile(
            re.escape(_CELL_SEP) + "[" + "".join(re.escape(c) for c in sorted(characters)) + "]")
    return pattern.search(joined) is not None


#: compiled patterns of :func:`_may_start_with`, by set of characters
_STARTS: dict = {}


def _neutralised(values: list) -> list:
    """:func:`neutralise` over a column's values (a fast test of the first
    character before the full one)."""
    first = _FIRST_CHARACTERS
    return [neutralise(v) if isinstance(v, str) and v[:1] in first else v for v in values]


def write_csv(df: pd.DataFrame, path: str | Path, raw: bool = False) -> Path:
    """Write ``df`` as UTF-8 CSV atomically (temp file then rename).

    Text cells that would start a spreadsheet formula (=, +, -, @) are
    prefixed with ``'`` unless ``raw`` is true.  Numbers are left alone.
    """
    # does any text cell hold a carriage return?  (Python's csv module, which
    # pandas uses, quotes a cell holding "\n" but not one holding a bare "\r",
    # which every reader takes for a line end)
    line_end = False
    if not raw:
        df = df.copy()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            values = df[col].tolist()
            joined = _joined(values)
            # (the quote neutralise adds is no carriage return: tested before it)
            line_end = line_end or "\r" in joined
            if not raw and _may_start_with(joined, _FIRST_CHARACTERS):
                df[col] = pd.Series(_neutralised(values), index=df.index, dtype=df[col].dtype)
    # a table holding a carriage return is written with every text cell
    # quoted (numbers stay bare); read back the same by any CSV reader
    quoting = csv.QUOTE_NONNUMERIC if line_end else csv.QUOTE_MINIMAL
    with atomic_open(path, newline="") as handle:
        df.to_csv(handle, index=False, quoting=quoting, lineterminator="\n")
    return Path(path)


def write_text(text: str, path: str | Path) -> Path:
    """Write a text file atomically."""
    with atomic_open(path) as handle:
        handle.write(text)
    return Path(path)


#: columns read back as whole numbers by :func:`read_csv` (when every cell is one)
INTEGER_COLUMNS = ("start", "end", "sentence_index", "sentence_start", "sentence_end",
                   "trigger_start", "trigger_end", "n_docs", "n_words", "n_sources",
                   "n_mentions")


def read_csv(path: str | Path, raw: bool = False) -> pd.DataFrame:
    """Read a table written by :func:`write_csv`: text columns as str with
    no NaN (empty cells are ""), offsets and counts as integers, and the
    formula escaping undone (unless ``raw``)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if not raw:
        for col in df.columns:
            df[col] = df[col].map(restore)
    for col in INTEGER_COLUMNS:
        if col in df.columns and len(df) and df[col].str.fullmatch(r"-?\d+").all():
            df[col] = df[col].astype("int64")
    return df


# --- an output folder as a whole ---------------------------------------------------

#: the list of files an output folder got from its last run (for the next swap)
OUTPUTS_LIST = ".timeline-outputs.json"


def _stage_names(out: Path) -> tuple[str, str]:
    return f".{out.name}.staging-", f".{out.name}.old-"


def run_name(folder: str | Path) -> str:
    """The name of an output folder, also while :func:`staged_folder` has a
    run write into its staging folder (".seeds.staging-k2x_9a" -> "seeds")."""
    name = Path(folder).name
    found = re.fullmatch(r"\.(.+)\.staging-\w+", name)
    return found.group(1) if found else name


def clean_stale(out: str | Path) -> list[Path]:
    """Remove what a killed run left beside and inside ``out``: staging and
    old folders of an unfinished swap, and ``.<name>.*.tmp`` files of an
    unfinished atomic write.  A swap killed between its two renames left no
    ``out`` but its old folder: that one is put back.  Returns what was removed."""
    out = Path(out)
    staging, old = _stage_names(out)
    removed = []
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        return removed
    olds = sorted(p for p in parent.iterdir() if p.name.startswith(old) and p.is_dir())
    if not out.exists() and olds:
        os.replace(olds[-1], out)
        olds = olds[:-1]
    for path in olds:
        if out.is_dir():
            _carry_over(path, out)
    for path in olds + [p for p in parent.iterdir() if p.name.startswith(staging)]:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    if out.is_dir():
        for path in out.iterdir():
            if path.name.startswith(".") and path.name.endswith(".tmp") and path.is_file():
                _remove(path)
                removed.append(path)
    return removed


def _carry_over(old: Path, new: Path) -> None:
    """Move into ``new`` the entries of ``old`` that its run did not write
    (a store file, a researcher's notes) and that ``new`` does not have."""
    ours = set(_written(old)) | {OUTPUTS_LIST}
    for entry in old.iterdir():
        if entry.name not in ours and not (new / entry.name).exists() \
                and not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
            os.replace(entry, new / entry.name)


def _written(folder: Path) -> list[str]:
    """Names of the entries of ``folder`` that its run wrote (by its list)."""
    try:
        return list(json.loads((folder / OUTPUTS_LIST).read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return []


@contextmanager
def staged_folder(out: str | Path) -> Iterator[Path]:
    """Write a run's outputs into a fresh sibling folder, then swap it for
    ``out`` as a whole, so that ``out`` never mixes files of two runs.

    Yields the staging folder.  On success: the entries of the old ``out``
    that its own run did not write (a store file, a researcher's notes) are
    moved into the new folder, the old folder goes, and the new one takes its
    name (two renames; :func:`clean_stale` repairs a swap killed between
    them).  On failure the staging folder is removed and ``out`` is left as
    it was.  What a killed run left is cleaned first.  When ``out`` is the
    current folder or holds it, it cannot be swapped: ``out`` itself is
    yielded and each file is only replaced atomically.
    """
    out = Path(out).resolve()
    cwd = Path.cwd().resolve()
    if cwd == out or out in cwd.parents:
        out.mkdir(parents=True, exist_ok=True)
        yield out
        return
    clean_stale(out)
    staging_prefix, old_prefix = _stage_names(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=staging_prefix, dir=out.parent))
        os.chmod(stage, 0o777 & ~_umask())
    except OSError as error:
        raise _write_error(out, error) from None
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    try:
        names = sorted(p.name for p in stage.iterdir() if p.name != OUTPUTS_LIST)
        write_text(json.dumps(names, indent=1) + "\n", stage / OUTPUTS_LIST)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=old_prefix, dir=out.parent))
            os.rmdir(old)
            os.replace(out, old)
            os.replace(stage, out)
            _carry_over(old, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, out)
    except OSError as error:
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(error, WriteError):
            raise
        raise _write_error(out, error) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
