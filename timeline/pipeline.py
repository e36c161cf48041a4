"""The whole extraction: corpus in, tidy tables out.

Follow one article through it::

    corpus.iter_corpus     -> Article (text, publication date, source, title)
    corpus.DuplicateIndex  -> a second copy of an article is kept as a row of
                              documents.csv naming the first, and goes no further
    process_batch          -> sentences.split, temporal.find, nlp.parse (the
                              sentences holding a candidate; the others are only
                              tagged), temporal.resolve, events.anchor (the
                              predicate each date dates), events.detect.find_events
                              (every event mention)
    tables.document_rows / tables.mention_rows / tables.event_mention_rows
                           -> one row per document, per temporal expression and
                              per event mention
    events.merge           -> over the whole corpus: one row per real-world event

:func:`extract` does all of it and returns a :class:`Tables`;
:func:`write_tables` writes the CSV files.  Articles are streamed in batches
and their parses dropped once their rows are made, so memory stays bounded
whatever the corpus size.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional

import pandas as pd

from . import corpus as corpus_mod
from . import events, nlp as nlp_mod, sentences, tables, temporal
from .events import detect
from .article import Article


@dataclass
class Options:
    """Switches of the extraction (all off by default)."""

    #: infer a missing publication date from a dateline in the text
    infer_dates: bool = False
    #: keep the main event of sentences with no temporal expression
    undated: bool = False


@dataclass
class Tables:
    """The result of an extraction: five tidy tables and a summary."""

    documents: pd.DataFrame
    mentions: pd.DataFrame
    events: pd.DataFrame
    rejects: pd.DataFrame
    summary: dict = field(default_factory=dict)
    #: one row per event mention (:data:`timeline.tables.EVENT_MENTION_COLUMNS`)
    event_mentions: pd.DataFrame = field(
        default_factory=lambda: tables.frame([], tables.EVENT_MENTION_COLUMNS))
    #: one row per name, pronoun or description resolved to an entity
    #: (:data:`timeline.events.ENTITY_MENTION_COLUMNS`)
    entity_mentions: pd.DataFrame = field(
        default_factory=lambda: tables.frame([], events.ENTITY_MENTION_COLUMNS))
    #: one row per entity across documents (:data:`timeline.events.ENTITY_COLUMNS`)
    entities: pd.DataFrame = field(
        default_factory=lambda: tables.frame([], events.ENTITY_COLUMNS))

    def summary_line(self) -> str:
        """One line: articles read, rejected and duplicate, mentions, events, seconds."""
        s = self.summary
        return (f"{s.get('articles', 0)} articles read, {s.get('rejected', 0)} rejected, "
                f"{s.get('duplicates', 0)} duplicate, {s.get('mentions', 0)} mentions, "
                f"{s.get('events', 0)} events, {s.get('seconds', 0):.1f} s")


# --- one batch of articles ---------------------------------------------------


def process_batch(articles: list[Article], nlp=None, options: Options | None = None) -> list[Article]:
    """Run the per-article stages over a batch; parses are made in one
    ``nlp.pipe`` stream for the whole batch.

    An article on which a stage fails keeps its text and loses only its
    mentions: the failure is noted in ``article.error`` (one line) and the
    rest of the batch goes on.
    """
    options = options or Options()

    def guarded(article: Article, stage) -> None:
        if article.error:
            return
        try:
            stage(article)
        except Exception as error:  # one article's failure must not stop the corpus
            article.error = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            article.mentions = []
            article.event_mentions = []
            for sent in article.sentences:
                sent.needs_parse = False

    def prepare(article: Article) -> None:
        sentences.split(article)
        if options.infer_dates and article.published is None:
            temporal.infer_publication_date(article)
        temporal.find(article)
        if options.undated:
            for sent in article.sentences:
                sent.needs_parse = True

    for article in articles:
        guarded(article, prepare)
    # the sentences a temporal candidate needs are parsed in full; every other
    # sentence is tagged only (enough to find its event mentions)
    nlp_mod.parse(articles, nlp, tag_rest=True)
    for article in articles:
        guarded(article, temporal.resolve)
        guarded(article, lambda a: events.anchor(a, undated=options.undated))
        guarded(article, detect.find_events)
        guarded(article, events.describe_events)    # actors, object, summary of each
        guarded(article, events.date_events)        # a date and date_source for each
    return articles


def article_rows(article: Article) -> tuple[dict, list[dict], list[dict]]:
    """The documents.csv row, mentions.csv rows and event_mentions.csv rows
    of a processed article.  A failed article's row carries its one-line
    reason under ``_error``."""
    row = tables.document_rows(article, corpus_mod.content_hash(article.text))
    if article.error:
        row["_error"] = article.error
        return row, [], []
    # the article's entity mentions ride with its document row (popped by
    # the collector) so that the rows' shape stays (document, mentions, events)
    row["_entity_mentions"] = tables.entity_mention_rows(article)
    return row, tables.mention_rows(article), tables.event_mention_rows(article)


def rows_of_batch(articles: list[Article], nlp=None,
                  options: Options | None = None) -> list[tuple[dict, list[dict], list[dict]]]:
    """Process a batch and keep only its rows (the parses are dropped)."""
    return [article_rows(a) for a in process_batch(articles, nlp, options)]


# --- worker processes ----------------------------------------------------------

_WORKER: dict = {}


#: one BLAS/OpenMP thread per worker process: N workers on N cores, not N x N threads
SINGLE_THREAD_ENV = {name: "1" for name in (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")}


def _worker_init(model: Optional[str], options: Options) -> None:
    _WORKER["nlp"] = nlp_mod.load(model)
    _WORKER["options"] = options


def _worker_batch(articles: list[Article]) -> list[tuple[dict, list[dict], list[dict]]]:
    return rows_of_batch(articles, _WORKER["nlp"], _WORKER["options"])


def map_batches(batches: Iterable[list[Article]], options: Options, model: Optional[str] = None,
                workers: int = 1) -> Iterator[list[tuple[dict, list[dict], list[dict]]]]:
    """Process batches on this machine, in order: in this process, or in
    ``workers`` processes that each load the model once."""
    if workers > 1:
        import multiprocessing as mp
        from collections import deque

        ctx = mp.get_context("spawn")
        saved = {name: os.environ.get(name) for name in SINGLE_THREAD_ENV}
        os.environ.update(SINGLE_THREAD_ENV)  # inherited by the spawned workers only
        try:
            pool = ctx.Pool(workers, initializer=_worker_init, initargs=(model, options))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        with pool:
            in_flight: deque = deque()  # bounded: never more than 2 batches per worker
            for batch in batches:
                in_flight.append(pool.apply_async(_worker_batch, (batch,)))
                if len(in_flight) >= 2 * workers:
                    yield in_flight.popleft().get()
            while in_flight:
                yield in_flight.popleft().get()
    else:
        nlp = nlp_mod.load(model)
        for batch in batches:
            yield rows_of_batch(batch, nlp, options)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the corpus ----------------------------------------------------------------


def _parse_date(value) -> Optional[date]:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _show_progress(progress: Optional[bool]) -> bool:
    """Progress on a terminal by default; quiet in a notebook kernel (its
    stderr is no terminal) and in logs, unless asked."""
    if progress is not None:
        return progress
    return sys.stderr.isatty()


def extract(corpus: str | Path, *, default_published: date | str | None = None,
            infer_dates: bool = False, undated: bool = False, store: str | Path | None = None,
            workers: int = 1, engine: str = "local", scheduler: Optional[str] = None,
            batch_size: int = 32, model: Optional[str] = None,
            progress: Optional[bool] = None, max_chars: int = 2_000_000) -> Tables:
    """Extract documents, temporal expressions and events from a corpus.

    corpus: a folder of .txt files (with optional manifest.csv), a .jsonl or
        .csv file, an RSS/Atom feed file, or TimeML .tml files.
    default_published: publication date given to articles that have none.
    infer_dates: infer a missing publication date from a dateline in the text.
    undated: also keep the main event of sentences with no temporal expression.
    store: path of a DuckDB file; only new or changed articles are processed
        and the returned tables are the whole store's.
    workers: number of processes for the per-article stages.
    engine: "local" (this machine, ``workers`` processes) or "dask" (a Dask
        cluster: ``scheduler`` is the address of a running one, else a local
        cluster of ``workers`` processes is started); see :mod:`timeline.scale`.
    """
    started = time.perf_counter()
    options = Options(infer_dates=infer_dates, undated=undated)
    default_published = _parse_date(default_published)
    rejects: list[corpus_mod.Reject] = []
    doc_rows: list[dict] = []
    mention_rows: list[dict] = []
    event_mention_rows: list[dict] = []
    entity_mention_rows: list[dict] = []
    counts = {"articles": 0, "duplicates": 0, "skipped_known": 0}
    db = None
    if store:
        from .store import Store, code_fingerprint
        # rows made by other code or other options are processed again
        db = Store(store, fingerprint=code_fingerprint(
            {"infer_dates": infer_dates, "undated": undated, "model": model or ""}))
        db.start_run()
    duplicates = corpus_mod.DuplicateIndex()

    def articles_to_process() -> Iterator[Article]:
        for item in corpus_mod.iter_corpus(corpus, default_published=default_published,
                                           max_chars=max_chars):
            if isinstance(item, corpus_mod.Reject):
                rejects.append(item)
                continue
            counts["articles"] += 1
            original = duplicates.check(item)
            if original:
                item.duplicate_of = original
                counts["duplicates"] += 1
                collect(tables.document_rows(item, corpus_mod.content_hash(item.text)), [], [])
                continue
            if db is not None:
                digest = corpus_mod.content_hash(item.text)
                if db.has(digest, tables.document_rows(item, digest)):
                    counts["skipped_known"] += 1
                    continue
            yield item

    def collect(doc_row: dict, rows: list[dict], event_rows: list[dict]) -> None:
        error = doc_row.pop("_error", "")
        entity_rows = doc_row.pop("_entity_mentions", [])
        if error:
            rejects.append(corpus_mod.Reject(doc_row["doc_id"], doc_row["doc_id"],
                                             f"could not be processed ({error})",
                                             "kept without mentions"))
        if db is not None:
            db.add(doc_row, rows)
            # (in a transaction of their own: see the NOTE of helper i12b)
            db.put_rows("event_mentions", [(doc_row["doc_id"], event_rows)])
            db.put_rows("entity_mentions", [(doc_row["doc_id"], entity_rows)])
        else:
            event_mention_rows.extend(event_rows)
            entity_mention_rows.extend(entity_rows)
            doc_rows.append(doc_row)
            mention_rows.extend(rows)

    bar = None
    if _show_progress(progress):
        from tqdm import tqdm
        bar = tqdm(desc="articles", unit="art")
    batches = _batched(articles_to_process(), batch_size)
    if engine == "dask":
        from . import scale
        results = scale.map_batches(batches, options, model=model, scheduler=scheduler,
                                    workers=workers)
    else:
        results = map_batches(batches, options, model=model, workers=workers)
    try:
        for batch_rows in results:
            for doc_row, rows, event_rows in batch_rows:
                collect(doc_row, rows, event_rows)
            if bar is not None:
                bar.update(len(batch_rows))
    finally:
        if bar is not None:
            bar.close()

    if db is not None:
        documents = db.documents()
        mentions = db.mentions()
        event_mention_rows = db.get_rows("event_mentions")
        entity_mention_rows = db.get_rows("entity_mentions")
    else:
        documents = tables.frame(doc_rows, tables.DOCUMENT_COLUMNS)
        mentions = tables.frame(mention_rows, tables.MENTION_COLUMNS)
    mentions, event_table = events.merge(mentions, documents)
    event_mentions, event_table, mentions = events.merge_event_mentions(
        tables.frame(event_mention_rows, tables.EVENT_MENTION_COLUMNS), mentions,
        event_table, documents)
    entity_mentions = tables.frame(entity_mention_rows, events.ENTITY_MENTION_COLUMNS)
    entity_table = events.entity_table(entity_mentions)
    reject_table = tables.frame(
        ({"input": r.input, "doc_id": r.doc_id, "reason": r.reason, "action": r.action}
         for r in rejects), tables.REJECT_COLUMNS)
    summary = {
        "articles": counts["articles"], "rejected": len(reject_table),
        "duplicates": counts["duplicates"], "unchanged": counts["skipped_known"],
        "documents": len(documents), "mentions": len(mentions), "events": len(event_table),
        "event_mentions": len(event_mentions), "entities": len(entity_table),
        "seconds": round(time.perf_counter() - started, 2),
    }
    if db is not None:
        db.replace_events(event_table)
        db.finish_run(summary)
        db.close()
    return Tables(documents, mentions, event_table, reject_table, summary, event_mentions,
                  entity_mentions, entity_table)


def with_event_ids(event_mentions: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """``event_mentions`` with ``event_id`` taken from the merged mention that
    dates each (by ``mention_id``); "" for the others."""
    event_mentions = event_mentions.copy()
    if event_mentions.empty:
        return event_mentions
    ids = dict(zip(mentions["mention_id"].astype(str), mentions["event_id"].fillna("").astype(str)))
    event_mentions["event_id"] = [ids.get(str(m), "") if m else ""
                                  for m in event_mentions["mention_id"].fillna("")]
    return event_mentions


def entity_timelines(result: Tables, names) -> pd.DataFrame:
    """The timelines of the entities ``names`` ("Kiev; Dmitry Peskov" or a
    list) over an extraction's tables (see
    :func:`timeline.events.entity_timelines`)."""
    return events.entity_timelines(result.events, result.event_mentions, result.entities, names)


def write_tables(result: Tables, out: str | Path, raw: bool = False,
                 entities=None) -> Path:
    """Write documents.csv, mentions.csv, event_mentions.csv, events.csv,
    entity_mentions.csv, entities.csv, rejects.csv and summary.json into
    ``out`` (each file atomically); with ``entities`` (names, "Kiev; Dmitry
    Peskov" or a list) also entity_timelines.csv."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables.write_csv(result.documents, out / "documents.csv", raw=raw)
    tables.write_csv(result.mentions, out / "mentions.csv", raw=raw)
    tables.write_csv(result.event_mentions, out / "event_mentions.csv", raw=raw)
    tables.write_csv(result.entity_mentions, out / "entity_mentions.csv", raw=raw)
    tables.write_csv(result.entities, out / "entities.csv", raw=raw)
    if entities:
        tables.write_csv(entity_timelines(result, entities), out / "entity_timelines.csv",
                         raw=raw)
    tables.write_csv(result.events, out / "events.csv", raw=raw)
    tables.write_csv(result.rejects, out / "rejects.csv", raw=raw)
    tables.write_text(json.dumps(result.summary, indent=2) + "\n", out / "summary.json")
    return out
