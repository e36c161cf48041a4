"""Near-duplicates: the same article received twice with small differences.

:class:`DuplicateIndex` is run by the pipeline over the stream of articles;
the corpus readers only catch repeated doc_ids (:func:`~timeline.corpus.checks.finish`).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from typing import Iterable, Union

from ..article import Article


_WORD = re.compile(r"\w+")


def _shingle_hash(words: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "big")


_MASK = (1 << 64) - 1
#: distinct words whose hashes an index keeps (then it forgets them and starts again)
_WORD_MEMO = 1 << 20


class DuplicateIndex:
    """Streaming near-duplicate detection: is a new article (almost) wholly
    contained in one seen before?

    Each article is reduced to the hashes of its word ``shingle``-grams
    (lower-cased ``\\w+`` words, so punctuation, spacing and quotes do not
    matter).  A new article duplicates an earlier one when at least
    ``threshold`` of its shingles occur in the earlier one (containment of
    the new in the old).  The measure is deliberately one-sided: a
    duplicate goes no further in the pipeline, so it must add almost
    nothing to its original: a copy with a title line on top is a
    duplicate, but a longer, updated version of an earlier short brief is
    not (its new paragraphs would be lost).

    Only originals are indexed (a third copy points to the first), and only
    hashes are kept, never texts: per article a compact array of its
    shingle hashes (8 bytes each), and an inverted index of a deterministic
    1-in-``sample`` subset of them that finds the candidates (measured: 16 MB
    for the 2,452 TempEval-3 silver articles, 1,600 characters on average).
    Texts with fewer than ``min_shingles`` shingles are compared by their
    exact word sequence only.

    A shingle found in ``common`` originals is boilerplate (a feed's footer,
    a template's fixed words): its posting stops growing and proposes no
    candidates, so that the check of each article costs the same however
    many articles share it (every original sharing one would otherwise be
    counted for every new article: quadratic).  A duplicate is found by its
    other shingles; a text made of boilerplate alone is still found when it
    is an exact copy.
    """

    def __init__(self, threshold: float = 0.8, shingle: int = 5, sample: int = 4,
                 min_shingles: int = 3, max_candidates: int = 20, common: int = 128):
        self.threshold = threshold
        self.common = common
        self.shingle = shingle
        self.sample = sample
        self.min_shingles = min_shingles
        self.max_candidates = max_candidates
        self._postings: dict[int, Union[int, list[int]]] = {}
        self._shingles: list[array] = []
        self._ids: list[str] = []
        self._exact: dict[int, int] = {}
        self._word_hashes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def shingles(self, text: str) -> tuple[int, set[int]]:
        """(hash of the whole word sequence, set of shingle hashes) of a text."""
        words = _WORD.findall(text.lower())
        # each distinct word hashed once (blake2b: the same in every process and
        # run), a shingle by the hash of the tuple of its words' hashes (of ints,
        # so not salted per process as the hash of a string is)
        memo = self._word_hashes
        if len(memo) > _WORD_MEMO:
            memo.clear()
        ids = [memo.get(w) or memo.setdefault(w, _shingle_hash([w]) | 1) for w in words]
        n = self.shingle
        grams = {hash(gram) & _MASK for gram in zip(*(ids[k:] for k in range(n)))}
        # a text with no words at all is compared as it is
        return _shingle_hash(words if words else ["\x00", text.strip()]), grams

    def containment(self, text: str, doc_id: str) -> float:
        """Share of the shingles of ``text`` found in the indexed article ``doc_id``."""
        _, grams = self.shingles(text)
        i = self._ids.index(doc_id)
        return sum(1 for h in self._shingles[i] if h in grams) / len(grams) if grams else 0.0

    def check(self, article: Article) -> str:
        """The doc_id of an earlier article that ``article`` duplicates, or
        "" (then ``article`` is indexed as an original)."""
        exact, grams = self.shingles(article.text)
        if exact in self._exact:
            return self._ids[self._exact[exact]]
        if len(grams) >= self.min_shingles:
            hits: Counter = Counter()
            for h in grams:
                if h % self.sample:
                    continue
                posting = self._postings.get(h)
                if isinstance(posting, list):
                    if len(posting) >= self.common:
                        continue              # boilerplate: proposes no candidate
                    hits.update(posting)      # (counted in C)
                elif posting is not None:
                    hits[posting] += 1
            # the most hits first, then the earliest (a stable sort keeps the
            # order of the first sort among equal counts; both sorts run in C)
            candidates = sorted(sorted(hits), key=hits.__getitem__,
                                reverse=True)[:self.max_candidates]
            best, best_score = -1, 0.0
            for i in candidates:
                # (an article's shingle hashes are distinct: the size of the
                # intersection counts those found in ``grams``)
                score = len(grams.intersection(self._shingles[i])) / len(grams)
                if score > best_score or (score == best_score and i < best):
                    best, best_score = i, score
            if best >= 0 and best_score >= self.threshold:
                return self._ids[best]
        self._add(article.doc_id, exact, grams)
        return ""

    def _add(self, doc_id: str, exact: int, grams: set[int]) -> None:
        number = len(self._ids)
        self._ids.append(doc_id)
        self._exact.setdefault(exact, number)
        self._shingles.append(array("Q", grams))
        for h in grams:
            if h % self.sample:
                continue
            posting = self._postings.get(h)
            if posting is None:
                self._postings[h] = number
            elif isinstance(posting, list):
                if len(posting) < self.common:
                    posting.append(number)
            else:
                self._postings[h] = [posting, number]


def find_duplicates(articles: Iterable[Article], **options) -> dict[str, str]:
    """``{doc_id of a duplicate: doc_id of its original}`` over articles in
    order (the first seen is the original); options as :class:`DuplicateIndex`.
    The articles are not changed."""
    index = DuplicateIndex(**options)
    found = {}
    for article in articles:
        original = index.check(article)
        if original:
            found[article.doc_id] = original
    return found
