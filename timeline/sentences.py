"""Split an article into sentences, cheaply and without a model.

Sentences are the unit the rest of the pipeline works on: only those holding
a temporal candidate are parsed by spaCy.  The splitter breaks at line ends
and after ``.``, ``!`` or ``?`` followed by white space and an upper-case
letter, a digit or an opening quote, unless the word before the dot is a
known abbreviation (``resources/abbreviations.txt``) or a single initial.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .article import Article, Sentence

_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """The abbreviations that do not end a sentence (lower case, no final dot)."""
    text = resources.files("timeline.resources").joinpath("abbreviations.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def _ends_sentence(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return True
    match = _WORD_BEFORE.search(text, 0, dot)
    if not match:
        return True
    word = match.group(1).lower().rstrip(".")
    if len(word) == 1:  # an initial: "John F. Kennedy"
        return False
    return word not in abbreviations()


def split_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, white space trimmed."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for boundary in _BOUNDARY.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, boundary.start()):
                spans.append((start, boundary.end()))
                start = boundary.end()
        spans.append((start, line.end()))
    trimmed = []
    for start, end in spans:
        chunk = text[start:end]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            trimmed.append((start + left, start + right))
    return trimmed


def split(article: Article) -> Article:
    """Fill ``article.sentences``; returns the same article."""
    article.sentences = [Sentence(index=i, start=s, end=e)
                         for i, (s, e) in enumerate(split_spans(article.text))]
    return article
