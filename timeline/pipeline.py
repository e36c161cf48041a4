"""The whole extraction: corpus in, tidy tables out.

Follow one article through it::

    corpus.iter_corpus     -> Article (text, publication date, source, title)
    corpus.DuplicateIndex  -> a second copy of an article is kept as a row of
                              documents.csv naming the first, and goes no further
    batches.process_batch  -> sentences.split, temporal.find, nlp.parse (every
                              sentence), temporal.resolve, events.anchor (the
                              predicate each date dates), events.detect.find_events
                              (every event mention), events.describe_events (its
                              actors and object), events.date_events (its date
                              and date_source)
    tables.document_rows / tables.article_tables
                           -> one row per document, and the rows of each
                              per-article table (mentions, sentences,
                              event_mentions, entity_mentions)
    events.merge, events.merge_event_mentions
                           -> over the whole corpus: one row per real-world event
    events.entity_table    -> one row per entity across documents

:func:`extract` does all of it and returns a :class:`Tables`;
:func:`write_tables` writes the CSV files.  Articles are streamed in batches
and their parses dropped once their rows are made, so memory stays bounded
whatever the corpus size.  Rows reach the tables (and the store) in input
order whatever the number of workers, duplicates included.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional

import pandas as pd

from . import batches
from . import corpus as corpus_mod
from . import events, incremental, tables
from .article import Article
from .batches import Options


@dataclass
class Tables:
    """The result of an extraction: the tidy tables and a summary.

    ``per_article`` holds every per-article table
    (:data:`timeline.tables.PER_ARTICLE`) by name, ``mentions`` among them
    (as merged: with their event_id); ``mentions`` and ``sentences`` are
    short-cuts to two of them.
    """

    documents: pd.DataFrame
    mentions: pd.DataFrame
    events: pd.DataFrame
    rejects: pd.DataFrame
    summary: dict = field(default_factory=dict)
    per_article: dict = field(default_factory=dict)
    #: one row per entity across documents (:data:`timeline.events.ENTITY_COLUMNS`)
    entities: pd.DataFrame = field(
        default_factory=lambda: tables.frame([], events.ENTITY_COLUMNS))

    def _table(self, name: str) -> pd.DataFrame:
        found = self.per_article.get(name)
        return found if found is not None else tables.frame([], tables.PER_ARTICLE[name])

    @property
    def sentences(self) -> pd.DataFrame:
        """Each sentence a mention points into, once (doc_id, sentence_index, start, end, text)."""
        return self._table("sentences")

    @property
    def event_mentions(self) -> pd.DataFrame:
        """One row per event mention (:data:`timeline.tables.EVENT_MENTION_COLUMNS`),
        with the event_id of its merged event."""
        return self._table("event_mentions")

    @property
    def entity_mentions(self) -> pd.DataFrame:
        """One row per name, pronoun or description resolved to an entity."""
        return self._table("entity_mentions")

    def summary_line(self) -> str:
        """One line: articles read (with a store: how many were new, changed
        or unchanged), rejected and duplicate, mentions, events, seconds."""
        s = self.summary
        stored = (f" ({s.get('new', 0)} new, {s.get('changed', 0)} changed, "
                  f"{s.get('unchanged', 0)} unchanged)" if "new" in s else "")
        line = (f"{s.get('articles', 0)} articles read{stored}, {s.get('rejected', 0)} rejected, "
                f"{s.get('duplicates', 0)} duplicate, {s.get('mentions', 0)} mentions, "
                f"{s.get('events', 0)} events, {s.get('seconds', 0):.1f} s")
        note = corpus_mod.undated_note(s.get("undated_articles", 0),
                                       s.get("unresolved_mentions", 0))
        return f"{line}; {note}" if note else line


# --- one batch of articles (timeline/batches.py) ------------------------------------

# the per-article stages live in timeline/batches.py, used by this module and
# by timeline/scale.py; these names stay importable from here
process_batch = batches.process_batch
article_rows = batches.article_rows
rows_of_batch = batches.rows_of_batch
map_batches = batches.map_batches
SINGLE_THREAD_ENV = batches.SINGLE_THREAD_ENV
WorkerDied = batches.WorkerDied
_batched = batches.batched


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


def _seed_duplicates(duplicates: "corpus_mod.DuplicateIndex", db) -> dict:
    """Index the originals the store holds, in their order, so that an
    article back under a new id is found to be a duplicate of its stored
    copy even after that copy left the corpus.  Returns ``{doc_id: content
    hash}`` of those indexed (each is then the first indexed with its word
    sequence): the same text under the same id would be checked to be its
    own original, so the corpus loop need not check it again."""
    owners = {}
    for doc_id, text, digest in db.original_texts():
        if not duplicates.check(Article(doc_id=doc_id, text=text)):
            owners[doc_id] = digest
    return owners


def extract(corpus: str | Path, *, default_published: date | str | None = None,
            infer_dates: bool = False, undated: bool = False, store: str | Path | None = None,
            workers: int = 1, engine: str = "local", scheduler: Optional[str] = None,
            batch_size: int = 32, model: Optional[str] = None,
            progress: Optional[bool] = None, max_chars: int = 2_000_000,
            fields: dict | list | None = None, date_order: Optional[str] = None,
            urls: Iterable[str] = (), fetch_cache: str | Path | None = None,
            fetch_delay: float = 1.0, fetch_timeout: float = 20.0,
            exclude: Iterable[str | Path] = (), out: str | Path | None = None,
            rebuild: bool = False) -> Tables:
    """Extract documents, temporal expressions and events from a corpus.

    corpus: a folder or a file of a kind :mod:`timeline.corpus` reads (.txt
        with an optional manifest.csv, .jsonl, .csv, .json exports, RSS/Atom
        feeds, saved .html pages, .urls lists, TimeML .tml); None with ``urls``.
    default_published: publication date given to articles that have none.
    infer_dates: infer a missing publication date from a dateline in the text.
    undated: also keep the main event of sentences with no temporal expression.
    store: path of a DuckDB file; only new or changed articles are processed
        and the returned tables are the whole store's.  An article whose id
        is stored with other text replaces it, with a reject row saying so
        (action ``replaced``); an article that duplicates a stored one (even
        one no longer in the corpus) is a duplicate.
    rebuild: with ``store``, move the old store file aside (``<store>.old``)
        and build a new one from the corpus.
    workers: number of processes for the per-article stages.
    engine: "local" (this machine, ``workers`` processes) or "dask" (a Dask
        cluster: ``scheduler`` is the address of a running one, else a local
        cluster of ``workers`` processes is started); see :mod:`timeline.scale`.
    fields: field names of records, ``{"text": "content", "published": "date"}``
        or ``["text=content"]`` (the ``--field`` option); tried before the
        synonyms of ``resources/corpus/fields.toml``.
    date_order: "DMY", "MDY" or "YMD" for all-numeric publication dates
        other than ISO (``--date-order``); None refuses them with a reject.
    urls: web pages to fetch and read besides the corpus (``--url``); the
        corpus may then be None.
    fetch_cache, fetch_delay, fetch_timeout: the folder keeping fetched
        pages (default ``~/.cache/timeline/pages``), the seconds between two
        requests to one host, and the seconds to wait for an answer.
    exclude: paths inside the corpus never read (the run's output folder ...);
        the store and the fetch cache are always excluded.
    out: the folder the tables will be written to, if known: one inside the
        corpus folder raises :class:`~timeline.corpus.CorpusError` before any
        work (each run would read the last one's tables as articles).
    """
    if out is not None:
        corpus_mod.check_out_folder(corpus, out)
        exclude = [*exclude, out]
    started = time.perf_counter()
    options = Options(infer_dates=infer_dates, undated=undated)
    default_published = _parse_date(default_published)
    rejects: list[corpus_mod.Reject] = []
    doc_rows: list[dict] = []
    table_rows: dict[str, list[dict]] = {name: [] for name in tables.PER_ARTICLE}
    counts = {"articles": 0, "duplicates": 0, "skipped_known": 0, "replaced": 0,
              "new": 0, "changed": 0}
    db = None
    skip = list(exclude) + ([store, f"{store}.wal"] if store else []) \
        + ([fetch_cache] if fetch_cache else [])
    fetch = {"cache_dir": fetch_cache, "delay": fetch_delay, "timeout": fetch_timeout}
    results = None
    pool: Optional[batches.Workers] = None
    bar = None
    # what this run stored, and what the changed articles had: the seeds of
    # an incremental merge (timeline/incremental.py)
    touched: set = set()
    old_ranges: list = []
    old_keys: set = set()
    old_rows: list = []
    merge_state = False
    try:
        if store:
            from .store import Store, code_fingerprint
            # rows made by other code or other options are processed again
            db = Store(store, rebuild=rebuild, fingerprint=code_fingerprint(
                {"infer_dates": infer_dates, "undated": undated, "model": model or ""}))
            db.start_run()
            # the store's merge is usable for an incremental merge only if no run
            # stored articles since it was made: forgotten before this run adds
            # any (a run stopped before its merge leaves none), made again at its end
            merge_state = db.merged_by() == db.fingerprint
        duplicates = corpus_mod.DuplicateIndex()
        owners = _seed_duplicates(duplicates, db) if db is not None else {}

        def articles_to_process() -> Iterator[Article]:
            for item in corpus_mod.iter_corpus(corpus, default_published=default_published,
                                               max_chars=max_chars, fields=fields,
                                               date_order=date_order, urls=urls, fetch=fetch,
                                               exclude=skip):
                if isinstance(item, corpus_mod.Reject):
                    rejects.append(item)
                    continue
                counts["articles"] += 1
                digest = corpus_mod.content_hash(item.text) if db is not None else None
                # a stored original, unchanged, is its own original: what
                # duplicates.check would find, without shingling it again
                original = item.doc_id if digest is not None and owners.get(item.doc_id) \
                    == digest else duplicates.check(item)
                if original and original != item.doc_id:
                    # goes down the batch stream unprocessed, to keep its place
                    item.duplicate_of = original
                    counts["duplicates"] += 1
                if db is not None:
                    if db.has(digest, tables.document_rows(item, digest)):
                        counts["skipped_known"] += 1
                        continue
                    before = db.stored_hash(item.doc_id)
                    counts["changed" if before is not None else "new"] += 1
                    if before is not None and before != digest:
                        counts["replaced"] += 1
                        rejects.append(corpus_mod.Reject(
                            item.doc_id, item.doc_id,
                            f"the store held another text under this id (content hash "
                            f"{before[:12]}, now {digest[:12]})", "replaced"))
                yield item

        def collect(doc_row: dict, rows: dict) -> None:
            error = doc_row.pop("_error", "")
            doc_id = doc_row["doc_id"]
            for note in doc_row.pop("_notes", []):
                rejects.append(corpus_mod.Reject(doc_id, doc_id, note, "split"))
            if error:
                rejects.append(corpus_mod.Reject(doc_id, doc_id,
                                                 f"could not be processed ({error})",
                                                 "kept without mentions"))
            if db is None:
                doc_rows.append(doc_row)
                for name, found in rows.items():
                    table_rows[name].extend(found)

        if _show_progress(progress):
            from tqdm import tqdm
            bar = tqdm(desc="articles", unit="art")
        stream = batches.batched(articles_to_process(), batch_size)
        if engine == "dask":
            from . import scale
            results = scale.map_batches(stream, options, model=model, scheduler=scheduler,
                                        workers=workers)
        else:  # the workers stay for the merge (see below)
            pool = batches.Workers(options, model=model, workers=workers)
            results = pool.map(stream)
        for batch_rows in results:
            for doc_row, rows in batch_rows:
                collect(doc_row, rows)
            if db is not None:  # one transaction per batch, each article whole
                _note_replaced(db, [row["doc_id"] for row, _ in batch_rows], old_ranges,
                               old_keys, old_rows)
                if not touched:
                    db.forget_merge()
                db.add_many(batch_rows)
                touched.update(row["doc_id"] for row, _ in batch_rows)
            if bar is not None:
                bar.update(len(batch_rows))
        if bar is not None:
            bar.close()
            bar = None

        merged = None
        if db is not None:
            merged = _merge_incrementally(db, touched, old_ranges, old_keys, old_rows) \
                if merge_state else None
        if merged is not None:
            documents, per_article, event_table, counts["merged_rows"] = merged
            mentions, event_mentions = per_article["mentions"], per_article["event_mentions"]
            entity_table = events.entity_table(per_article["entity_mentions"])
        else:
            with _collector_paused():
                def table(name: str) -> pd.DataFrame:
                    if db is not None:
                        return db.table(name)
                    return tables.frame(table_rows[name], tables.PER_ARTICLE[name])

                documents = db.documents() if db is not None \
                    else tables.frame(doc_rows, tables.DOCUMENT_COLUMNS)
                # the mentions' merge and the entities in the workers (if there are
                # workers), while this process finds the pairs of event mentions and
                # makes the events that merge cannot reach (which need neither), then
                # the other tables
                # (with no workers, Dask's runs included, they run here in turn)
                submit = (pool or batches.Workers(options)).submit
                per_article = {"mentions": table("mentions")}
                merging = submit(_merge_mentions, per_article["mentions"], documents,
                                 db is not None)
                per_article["entity_mentions"] = table("entity_mentions")
                entities = submit(events.entity_table, per_article["entity_mentions"])
                per_article["event_mentions"] = table("event_mentions")
                pairs = events.event_mention_pairs(per_article["event_mentions"], documents)
                events.settle_unanchored(pairs)
                per_article = {name: per_article[name] if name in per_article else table(name)
                               for name in tables.PER_ARTICLE}
                mentions, event_table, words = merging.result()
                entity_table = entities.result()
                if pool is not None:
                    pool.close()
                # every event mention joins the events: the dated ones through their
                # temporal expression, the others by their predicate and participants
                event_mentions, event_table, mentions = events.merge_event_mentions(
                    per_article["event_mentions"], mentions, event_table, documents,
                    pairs=pairs)
                per_article["mentions"] = mentions
                per_article["event_mentions"] = event_mentions
                if db is not None:  # the merge's state, for the next run's incremental merge
                    db.replace_merge(event_table,
                                     incremental.event_id_rows(mentions, event_mentions),
                                     pd.DataFrame(words, columns=["mention_id", "undated", "words"]))
                    counts["merged_rows"] = len(mentions) + len(event_mentions)
        reject_table = tables.frame(
            ({"input": r.input, "doc_id": r.doc_id, "reason": r.reason, "action": r.action}
             for r in rejects), tables.REJECT_COLUMNS)
        summary = {
            "articles": counts["articles"], "rejected": len(reject_table),
            "duplicates": counts["duplicates"], "unchanged": counts["skipped_known"],
            "documents": len(documents), "mentions": len(mentions), "events": len(event_table),
            "event_mentions": len(event_mentions), "entities": len(entity_table),
            "seconds": round(time.perf_counter() - started, 2),
            **undated_counts(documents, mentions),
        }
        if counts["articles"] == 0 and len(documents) == 0:
            summary["nothing_read"] = corpus_mod.nothing_read(reject_table["reason"])
        if counts["replaced"]:
            summary["replaced"] = counts["replaced"]
        if db is not None:
            # how many mention and event mention rows were merged again: all of
            # them, or the part the new and changed articles touch
            summary.update(new=counts["new"], changed=counts["changed"],
                           merged_rows=counts.get("merged_rows", 0))
            db.finish_run(summary)
        return Tables(documents, mentions, event_table, reject_table, summary,
                      per_article=per_article, entities=entity_table)
    finally:
        # on any way out (an error, Ctrl-C, a dead worker): workers stopped,
        # the store closed (its lock released), whole batches kept
        if results is not None and hasattr(results, "close"):
            results.close()
        if pool is not None:
            pool.close(clean=False)
        if bar is not None:
            bar.close()
        if db is not None:
            db.close()


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for a while: the merges make
    hundreds of thousands of short-lived objects (freed as they go, by
    reference counting) beside the rows of the whole corpus, and each full
    collection would go through all of them (measured: 0.6 s of the merges
    of 1,000 articles).  Back on at the end, whatever happens."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _merge_mentions(mentions: pd.DataFrame, documents: pd.DataFrame,
                    keep_words: bool) -> tuple[pd.DataFrame, pd.DataFrame, Optional[list]]:
    """:func:`events.merge` of the mentions, as a worker runs it: (mentions
    with event_id, events, the words of each mention if ``keep_words``, for
    the store's incremental merge)."""
    words: Optional[list] = [] if keep_words else None
    mentions, event_table = events.merge(mentions, documents, words_out=words)
    return mentions, event_table, words


def _note_replaced(db, doc_ids: list, ranges: list, keys: set, rows: list) -> None:
    """Before a batch replaces stored articles: note the date ranges, undated
    blocks and (kind, row id) of the rows they had (the seeds of an
    incremental merge, with the rows that will be gone)."""
    stored = [d for d in doc_ids if db.stored_hash(d) is not None]
    if not stored:
        return
    for kind, row_id, _doc, start, end, trigger, obj, _ts, _m in db.interval_rows(doc_ids=stored):
        rows.append((kind, row_id))
        if start:
            ranges.append((start, end or start))
        elif kind == "event_mention":
            keys.add(events.event_block("", "", trigger or "", obj or "")[0])


def _merge_incrementally(db, touched: set, old_ranges: list, old_keys: set, old_rows: list):
    """The store's tables with only the part of the merge the new or changed
    articles touch made again (:mod:`timeline.incremental`): (documents,
    per-article tables, events, rows merged again), the merge state updated
    in the store; None when the store holds no events, or the part is most
    of the store (the whole is then merged: same tables).  Called only when
    the store's merge was made by this code after every stored article."""
    stored = db.counts()
    if not stored["events"]:
        return None
    limit = int(incremental.WHOLE_SHARE * (stored["mentions"] + stored["event_mentions"]))
    part = incremental.closed_part(db, touched, old_ranges, old_keys, limit=limit)
    if part.whole:
        return None
    size = part.dated_size() + len(part.undated_ids)
    rows = [("mention", i) for i in part.mention_ids] \
        + [("event_mention", i) for i in part.event_mention_ids | part.undated_ids] \
        + list(old_rows)
    stale = db.event_ids_of(rows)
    dropped_mentions = {i for k, i in old_rows if k == "mention"}
    if size:
        mentions, event_mentions, event_table, words = incremental.merge_part(
            db, part, dropped_mentions)
    else:
        mentions = event_mentions = None
        event_table = tables.frame([], tables.EVENT_COLUMNS + tables.EVENT_SOURCE_COLUMNS)
        words = incremental.merge_words(None, None)
    db.update_merge(stale, event_table, rows, incremental.event_id_rows(mentions, event_mentions),
                    words)
    documents = db.documents()
    per_article = {name: db.table(name) for name in tables.PER_ARTICLE}
    per_article["mentions"] = incremental.with_event_ids(
        per_article["mentions"], db.event_ids("mention"), "mention_id")
    per_article["event_mentions"] = incremental.with_event_ids(
        per_article["event_mentions"], db.event_ids("event_mention"), "event_mention_id")
    return documents, per_article, incremental.sorted_events(db.events()), size


def undated_counts(documents: pd.DataFrame, mentions: pd.DataFrame) -> dict:
    """``undated_articles``: documents (duplicates aside) with no publication
    date; ``unresolved_mentions``: dates and times with no interval, which
    is what relative expressions of undated articles become."""
    def blank(table: pd.DataFrame, column: str) -> pd.Series:
        if column not in table.columns:
            return pd.Series(True, index=table.index)
        return table[column].fillna("").astype(str).str.strip().eq("")

    undated = int((blank(documents, "published") & blank(documents, "duplicate_of")).sum()) \
        if len(documents) else 0
    unresolved = 0
    if len(mentions) and "type" in mentions.columns:
        dated_kinds = mentions["type"].isin(["DATE", "TIME"])
        unresolved = int((dated_kinds & blank(mentions, "date_start")).sum())
    return {"undated_articles": undated, "unresolved_mentions": unresolved}


def entity_timelines(result: Tables, names) -> pd.DataFrame:
    """The timelines of the entities ``names`` ("Kiev; Dmitry Peskov" or a
    list) over an extraction's tables (see
    :func:`timeline.events.entity_timelines`)."""
    return events.entity_timelines(result.events, result.event_mentions, result.entities, names)


def write_tables(result: Tables, out: str | Path, raw: bool = False, entities=None) -> Path:
    """Write documents.csv, one CSV per per-article table (mentions.csv,
    sentences.csv, event_mentions.csv, entity_mentions.csv), events.csv,
    entities.csv, rejects.csv and summary.json into ``out`` (each file
    atomically; see :func:`timeline.tables.staged_folder` to replace a folder
    as a whole); with ``entities`` (names, "Kiev; Dmitry Peskov" or a list)
    also entity_timelines.csv."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables.write_csv(result.documents, out / "documents.csv", raw=raw)
    per_article = dict(result.per_article or {})
    per_article["mentions"] = result.mentions
    for name in tables.PER_ARTICLE:
        frame = per_article.get(name)
        if frame is None:
            frame = tables.frame([], tables.PER_ARTICLE[name])
        tables.write_csv(frame, out / f"{name}.csv", raw=raw)
    tables.write_csv(result.events, out / "events.csv", raw=raw)
    tables.write_csv(result.entities, out / "entities.csv", raw=raw)
    if entities:
        tables.write_csv(entity_timelines(result, entities), out / "entity_timelines.csv",
                         raw=raw)
    tables.write_csv(result.rejects, out / "rejects.csv", raw=raw)
    tables.write_text(json.dumps(result.summary, indent=2) + "\n", out / "summary.json")
    return out
