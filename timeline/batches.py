"""The per-article stages over batches of articles, in this process or in
worker processes.

:func:`process_batch` runs the stages on a batch (sentences.split,
temporal.find, nlp.parse of every sentence in one ``nlp.pipe`` stream,
temporal.resolve, events.anchor, events.detect.find_events,
events.describe_events, events.date_events), every stage of every article
inside a guard: an article on which one fails loses only its mentions, never
its batch.
:func:`rows_of_batch` keeps only the rows of a processed batch (the parses
are dropped), and :func:`map_batches` runs batches here or in ``workers``
worker processes (a :class:`concurrent.futures.ProcessPoolExecutor`),
yielding results in corpus order.  A worker that dies (kill -9, the OOM
killer) stops the run with :class:`WorkerDied`, naming the batch, instead of
waiting for it for ever.

Both :mod:`timeline.pipeline` (local runs) and :mod:`timeline.scale` (Dask)
use this module; it imports neither.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from . import corpus as corpus_mod
from . import events, nlp as nlp_mod, sentences, tables, temporal
from .article import Article
from .events import detect

if TYPE_CHECKING:
    from concurrent.futures import Future

#: what a processed article gives: its documents.csv row and the rows of each
#: per-article table (:data:`timeline.tables.PER_ARTICLE`)
ArticleRows = tuple[dict, dict[str, list[dict]]]


@dataclass
class Options:
    """Switches of the extraction (all off by default)."""

    #: infer a missing publication date from a dateline in the text
    infer_dates: bool = False
    #: keep the main event of sentences with no temporal expression
    undated: bool = False


class WorkerDied(RuntimeError):
    """A worker process ended without returning its batch (killed, out of
    memory).  ``str()`` is one line naming the batch."""


def _one_line(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text.splitlines()[0] if text else ''}"


def process_batch(articles: list[Article], nlp=None, options: Options | None = None) -> list[Article]:
    """Run the per-article stages over a batch; parses are made in one
    ``nlp.pipe`` stream for the whole batch.

    An article on which a stage fails keeps its text and loses only its
    mentions: the failure is noted in ``article.error`` (one line) and the
    rest of the batch goes on.  This holds for the parse too: if the
    batch's stream fails, each article is parsed alone, so only the one that
    breaks the parser is marked.  Duplicates (``duplicate_of`` set) are
    passed through untouched.
    """
    options = options or Options()
    todo = [a for a in articles if not a.duplicate_of]

    def guarded(article: Article, stage) -> None:
        if article.error:
            return
        try:
            stage(article)
        except Exception as error:  # one article's failure must not stop the corpus
            article.error = _one_line(error)
            article.mentions = []
            article.event_mentions = []
            for sent in article.sentences:
                sent.needs_parse = False
                sent.doc = None

    def prepare(article: Article) -> None:
        sentences.split(article)
        if options.infer_dates and article.published is None:
            # a full dateline first ("Published: 21 Nov 2025"), then a day and month
            # whose year comes from the text
            if not corpus_mod.infer_from_dateline(article):
                temporal.infer_publication_date(article)
        temporal.find(article, mark_parse=False)
        # every sentence is parsed: its event mentions need their participants
        # (the dependency parse, the named entities of coreference) and their
        # dates (the tense of their clause)
        for sent in article.sentences:
            sent.needs_parse = True

    for article in todo:
        guarded(article, prepare)
    try:
        nlp_mod.parse(todo, nlp)
    except Exception:  # one article broke the stream: parse each alone
        for article in todo:
            guarded(article, lambda a: nlp_mod.parse([a], nlp))
    for article in todo:
        guarded(article, temporal.resolve)
        guarded(article, lambda a: events.anchor(a, undated=options.undated))
        guarded(article, detect.find_events)          # every event mention
        guarded(article, events.describe_events)      # actors, object, summary of each
        guarded(article, events.date_events)          # a date and date_source for each
    return articles


def article_rows(article: Article) -> ArticleRows:
    """The documents.csv row of a processed article and the rows of its
    per-article tables (``{table name: rows}``, see
    :data:`timeline.tables.PER_ARTICLE`).  A failed article's row carries its
    one-line reason under ``_error``, and a note of what a stage altered
    (a sentence cut for length) under ``_notes``."""
    row = tables.document_rows(article, corpus_mod.content_hash(article.text))
    notes = list(getattr(article, "notes", None) or [])
    if notes:
        row["_notes"] = notes
    if article.error:
        row["_error"] = article.error
        return row, {}
    if article.duplicate_of:
        return row, {}
    return row, tables.article_tables(article)


def rows_of_batch(articles: list[Article], nlp=None,
                  options: Options | None = None) -> list[ArticleRows]:
    """Process a batch and keep only its rows (the parses are dropped)."""
    return [article_rows(a) for a in process_batch(articles, nlp, options)]


# --- worker processes ----------------------------------------------------------

_WORKER: dict = {}

#: one BLAS/OpenMP thread per worker process: N workers on N cores, not N x N threads
SINGLE_THREAD_ENV = {name: "1" for name in (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")}


def _worker_init(model: Optional[str], options: Options) -> None:
    # Ctrl-C reaches the whole process group: the main process alone handles
    # it (and stops the workers), so a worker prints no traceback; a forked
    # worker ends on SIGTERM as a process does, not with the main process's
    # handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _one_blas_thread()
    _WORKER["nlp"] = nlp_mod.load(model)  # a forked worker has it if the main process had it
    _WORKER["options"] = options
    # what the worker holds now (the model, the modules, and what a forked one
    # inherited) lives as long as it does: out of the garbage collector's way, so
    # that its full collections go through the objects of its batches only
    # (measured: 0.6 s of a worker's 16 s on 500 articles, 0.17 s so)
    gc.freeze()


def _one_blas_thread() -> None:
    """One BLAS thread in this process, as :data:`SINGLE_THREAD_ENV` gives a
    process that starts anew: a forked worker inherits the main process's
    BLAS library already set up, whatever its environment says now.  Best
    effort: the OpenBLAS loaded by numpy is found among the libraries of the
    process and asked by name; nothing happens if there is none."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as handle:
            paths = {line.split()[-1] for line in handle
                     if "openblas" in line.lower() and ".so" in line.split()[-1]}
    except OSError:
        return
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
                     "openblas_set_num_threads", "scipy_openblas_set_num_threads"):
            setter = getattr(library, name, None)
            if setter is not None:
                setter(1)
                break


def _start_method() -> str:
    """How worker processes start: forked on Linux (they begin at once with
    the modules this process has imported, and the model and temporal rules
    if it has loaded them: no import or model load of their own), spawned
    elsewhere (forking is not safe on macOS)."""
    import multiprocessing as mp
    import sys

    if sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods():
        return "fork"
    return "spawn"


def _worker_batch(articles: list[Article]) -> list[ArticleRows]:
    return rows_of_batch(articles, _WORKER["nlp"], _WORKER["options"])


def _label(number: int, batch: list[Article]) -> str:
    first, last = batch[0].doc_id, batch[-1].doc_id
    ids = first if first == last else f"{first} .. {last}"
    return f"batch {number} ({len(batch)} articles: {ids!r})"


def _stop(executor) -> None:
    """Stop a pool at once: queued batches cancelled, workers ended."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


#: articles to process holding fewer characters of text than this (and fewer
#: than :data:`IN_PROCESS_ARTICLES`) are processed in this process whatever
#: ``workers`` says.  A worker costs a start-up of its own (spawned: Python,
#: spaCy and the model loaded, the temporal rules compiled, measured 2 s of
#: CPU and 200 MB; forked, less, but its memory grows as it works), and one
#: process parses about 15,000 characters of news a second (measured on
#: te3-silver): below this much text (about 3 s of work, 9,000
#: words) two workers would not finish much sooner, and take more memory
IN_PROCESS_CHARS = 50_000
#: ... but this many articles go to the workers whatever their length (each
#: article has costs of its own beyond its characters)
IN_PROCESS_ARTICLES = 500


def _look_ahead(batches: Iterator[list[Article]]) -> tuple[list, bool]:
    """The first batches, read until there is work enough for workers (at
    least two batches, and :data:`IN_PROCESS_CHARS` characters or
    :data:`IN_PROCESS_ARTICLES` articles): (those batches, is it enough?)."""
    ahead: list = []
    chars = articles = 0
    for batch in batches:
        ahead.append(batch)
        chars += sum(len(a.text or "") for a in batch)
        articles += len(batch)
        if len(ahead) >= 2 and (chars >= IN_PROCESS_CHARS or articles >= IN_PROCESS_ARTICLES):
            return ahead, True
    return ahead, False


class Workers:
    """The worker processes of a run: they process its batches
    (:meth:`map`), then stay for work that needs all of them, such as the
    cross-document merge (:meth:`submit`), until :meth:`close` (or the end of
    a ``with`` block).

    ``workers`` processes (forked on Linux, see :func:`_start_method`) each
    with the model loaded once, at most two batches per worker in flight.
    Little work (one batch, or less than :data:`IN_PROCESS_CHARS` characters
    of text in all, e.g. the few new articles of a store run) is processed
    in this process whatever ``workers`` says: starting workers would cost
    more than it saves; :meth:`submit` then runs its function here too.
    """

    def __init__(self, options: Options, model: Optional[str] = None, workers: int = 1) -> None:
        self.options = options
        self.model = model
        self.workers = workers
        self._executor = None
        self._broken = False

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, kind, _error, _trace) -> None:
        self.close(clean=kind is None)

    def _start(self) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        saved = {name: os.environ.get(name) for name in SINGLE_THREAD_ENV}
        os.environ.update(SINGLE_THREAD_ENV)  # read by a spawned worker's BLAS as it starts
        try:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=mp.get_context(_start_method()),
                initializer=_worker_init, initargs=(self.model, self.options))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def map(self, batches: Iterable[list[Article]]) -> Iterator[list[ArticleRows]]:
        """Process batches, in order (see the class).  Raises
        :class:`WorkerDied` if a worker ends without returning its batch
        (the workers are then stopped)."""
        batches = iter(batches)
        ahead, enough = _look_ahead(batches)
        batches = itertools.chain(ahead, batches)
        if self.workers <= 1 or not enough:
            nlp = nlp_mod.load(self.model)
            # what exists before the run (the model, the modules, a notebook's
            # objects) out of the garbage collector's way while it lasts (see
            # _worker_init); given back to it at the end
            gc.freeze()
            try:
                for batch in batches:
                    yield rows_of_batch(batch, nlp, self.options)
            finally:
                gc.unfreeze()
            return

        from concurrent.futures.process import BrokenProcessPool

        if self._executor is None:
            self._start()
        executor = self._executor
        in_flight: deque = deque()  # (number, batch, future)

        def result_of(number: int, batch: list[Article], future):
            try:
                return future.result()
            except BrokenProcessPool:
                raise WorkerDied(f"a worker process died (killed or out of memory) while "
                                 f"{_label(number, batch)} was being processed; nothing of it "
                                 f"was kept: run again to resume") from None

        clean = False
        try:
            for number, batch in enumerate(batches):
                try:
                    future = executor.submit(_worker_batch, batch)
                except BrokenProcessPool:
                    # the pool broke before: the oldest batch in flight names it
                    if in_flight:
                        result_of(*in_flight.popleft())
                    raise WorkerDied(f"a worker process died before {_label(number, batch)}"
                                     " was sent; run again to resume") from None
                in_flight.append((number, batch, future))
                if len(in_flight) >= 2 * self.workers:
                    yield result_of(*in_flight.popleft())
            while in_flight:
                yield result_of(*in_flight.popleft())
            clean = True
        finally:
            if not clean:
                self.close(clean=False)

    def submit(self, function, *args) -> "Future":
        """Run ``function(*args)`` in a worker if there are workers (its
        arguments and result are pickled: pass tables, not parses), here
        otherwise; returns a future (``.result()`` waits for it).  If the
        worker dies, the function is run here instead: nothing is lost."""
        from concurrent.futures import Future

        if self._executor is not None and not self._broken:
            try:
                return _Resubmitted(self._executor.submit(function, *args), function, args)
            except Exception:  # a broken pool: run it here
                self._broken = True
        done: Future = Future()
        try:
            done.set_result(function(*args))
        except Exception as error:
            done.set_exception(error)
        return done

    def close(self, clean: bool = True) -> None:
        """End the workers: at once if not ``clean`` (queued work cancelled)."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if clean:
            executor.shutdown(wait=True)
        else:
            _stop(executor)


class _Resubmitted:
    """A worker's future whose function is run here if the worker dies."""

    def __init__(self, future, function, args) -> None:
        self._future, self._function, self._args = future, function, args

    def result(self):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._future.result()
        except BrokenProcessPool:
            return self._function(*self._args)


def map_batches(batches: Iterable[list[Article]], options: Options, model: Optional[str] = None,
                workers: int = 1) -> Iterator[list[ArticleRows]]:
    """Process batches on this machine, in order, in this process or in
    ``workers`` processes (see :class:`Workers`, which also keeps them for
    work after the batches)."""
    with Workers(options, model, workers) as pool:
        yield from pool.map(batches)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter)."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
