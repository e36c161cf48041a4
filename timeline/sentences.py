"""Split an article into sentences, cheaply and without a model.

Sentences are the unit the rest of the pipeline works on: only those holding
a temporal candidate are parsed by spaCy.  The splitter breaks at line ends
and after ``.``, ``!`` or ``?`` followed by white space and an upper-case
letter, a digit or an opening quote, unless the word before the dot is a
known abbreviation (``resources/abbreviations.txt``) or a single initial.

A sentence longer than :data:`MAX_SENTENCE_CHARS` (a table flattened into
one line, a text with no punctuation) is cut into pieces of at most that
many characters, each ending at white space or punctuation where there is
some, so that parsing, event anchoring and the stored sentence text cost
time linear in the article whatever its shape.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .article import Article, Sentence

_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")

#: longest sentence handed to the parser; longer ones are cut into pieces
MAX_SENTENCE_CHARS = 2000


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """The abbreviations that do not end a sentence (lower case, no final dot)."""
    text = resources.files("timeline.resources").joinpath("abbreviations.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def _ends_sentence(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return True
    # only the word just before the dot: a window keeps this constant-time
    match = _WORD_BEFORE.search(text, max(0, dot - 64), dot)
    if not match:
        return True
    word = match.group(1).lower().rstrip(".")
    if len(word) == 1:  # an initial: "John F. Kennedy"
        return False
    return word not in abbreviations()


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, each
    cut after the last punctuation-and-space, else the last white space, of
    its window (a hard cut where there is neither)."""
    pieces = []
    while end - start > limit:
        window = text[start:start + limit]
        cut = -1
        for match in re.finditer(r"[,;:.!?)\]]\s", window[limit // 2:]):
            cut = limit // 2 + match.end()
        if cut < 0:
            cut = max(window.rfind(" "), window.rfind("\t"), window.rfind("\u00a0"))
            cut = cut + 1 if cut > 0 else limit
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, end))
    return pieces


def split_spans(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, white space trimmed;
    none longer than ``max_chars`` characters."""
    return _split(text, max_chars)[0]


def _split(text: str, max_chars: int) -> tuple[list[tuple[int, int]], int]:
    """The sentence spans, and the length of the longest one cut (0 if none)."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for boundary in _BOUNDARY.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, boundary.start()):
                spans.append((start, boundary.end()))
                start = boundary.end()
        spans.append((start, line.end()))
    longest = max((e - s for s, e in spans if e - s > max_chars), default=0)
    if longest:
        spans = [piece for s, e in spans for piece in
                 (_cut(text, s, e, max_chars) if e - s > max_chars else [(s, e)])]
    trimmed = []
    for start, end in spans:
        chunk = text[start:end]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            trimmed.append((start + left, start + right))
    return trimmed, longest


def split(article: Article, max_chars: int = MAX_SENTENCE_CHARS) -> Article:
    """Fill ``article.sentences``; returns the same article.  Sentences cut
    for length are noted in ``article.notes`` (one line for the article)."""
    spans, longest = _split(article.text, max_chars)
    article.sentences = [Sentence(index=i, start=s, end=e) for i, (s, e) in enumerate(spans)]
    if longest:
        article.notes.append(f"a sentence of {longest:,} characters was cut into pieces of at "
                             f"most {max_chars:,} for the parser")
    return article

