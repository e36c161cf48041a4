"""Merging across articles: one row per real-world event.

:func:`merge` works on plain tables (``mentions.csv`` and ``documents.csv``):
mentions from any articles that report the same event share one
``event_id``, and ``events.csv`` gets one row per event.
:func:`candidate_pairs` finds the pairs of mentions that report one event,
``_Clusters`` joins them while their dates agree.
"""

from __future__ import annotations

import hashlib
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import date
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy as np
import pandas as pd

from .. import tables
from .lexicon import lexicon, merge_settings


_WORD = re.compile(r"[a-z][a-z’'\-]*[a-z]|[a-z]")


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A crude stem: enough to meet "talks"/"talk", "agreed"/"agree"."""
    word = word.replace("’", "'").split("'")[0]
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


@lru_cache(maxsize=1)
def _stop_words() -> frozenset:
    return frozenset(merge_settings()["stop_words"]["words"])


def content_words(text: str) -> list[str]:
    """Lower-cased stems of the content words of ``text`` (no dates)."""
    stops = _stop_words()
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in stops and len(w) > 1]


def predicate_key(trigger: str, object_text: str = "") -> str:
    """The synonym set of a predicate; a light verb ("hold talks") is keyed
    by its object's head noun when that noun is known."""
    lex = lexicon()
    trigger = (trigger or "").lower()
    if trigger in lex.light and object_text:
        words = [w for w in _WORD.findall(object_text.lower())
                 if w not in ("the", "a", "an", "full", "new")]
        for word in words[:3]:
            for form in (word, _stem(word)):
                if form in lex.synonyms:
                    return lex.synonyms[form]
    return lex.synonyms.get(trigger, trigger)


def _lemma_forms(word: str) -> tuple[str, ...]:
    stem = _stem(word)
    return (word, stem, stem + "e", stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem)


def predicate_keys(trigger: str, object_text: str = "", summary: str = "",
                   actors: str = "") -> frozenset:
    """The synonym sets a mention's predicate belongs to: its trigger's, and
    those of the first words of its summary after the actors, so that
    "Kiev confirmed receiving ..." (trigger receive) also counts as confirm."""
    lex = lexicon()
    keys = {predicate_key(trigger, object_text)}
    text = summary or ""
    for name in sorted(_split(actors), key=len, reverse=True):
        text = text.replace(name, " ")
    words = [w for w in _WORD.findall(text.lower()) if w not in _stop_words()
             or w in lex.synonyms]
    for word in words[:3]:
        for form in _lemma_forms(word):
            if form in lex.synonyms:
                keys.add(lex.synonyms[form])
                break
    return frozenset(keys)


_POSSESSIVE = re.compile(r"['’]s?$")


def looks_like_person(name: str) -> bool:
    """Whether an actor name looks like a personal name: 2-3 capitalised
    words (initials allowed, no acronyms), none an organisation word, a
    generic head noun or an event noun ("Marco Rubio", "Hu Jintao"; not
    "Beijing Summit", "Foreign Ministry", "EU ministers")."""
    lex = lexicon()
    words = _POSSESSIVE.sub("", name).split()
    if not 2 <= len(words) <= 3:
        return False
    for word in words:
        bare = word.strip(".,")
        if not bare[:1].isupper() or (len(bare) > 1 and bare.isupper()):
            return False
        low = bare.lower()
        if low in lex.organisation_words or low in lex.generic_heads \
                or low in lex.event_nouns or low in lex.roles:
            return False
    return True


def _distinctive_words(words: list[str]) -> list[str]:
    """The lower-cased capitalised words of a name that may identify it: not
    a generic head noun ("summit", "ministry") nor a stop word."""
    lex = lexicon()
    stops = _stop_words()
    out = []
    for word in words:
        low = word.strip(".,").lower()
        if word[:1].isupper() and low not in lex.generic_heads and low not in stops \
                and len(low) > 1:
            out.append(low)
    return out


def _name_keys(cell: str) -> set[str]:
    """Comparable keys of the actors in one cell: each whole name; for a
    personal name (:func:`looks_like_person`) its last word ("Rubio" meets
    "Marco Rubio"); for any other proper name its distinctive words
    (:func:`_distinctive_words`: "US" meets "US government", while "Beijing
    Summit" and "Chinese Private Enterprise Summit" do not meet on
    "Summit"; "EU ministers" does not meet "Arab ministers")."""
    keys = set()
    for name in _split(cell):
        words = _POSSESSIVE.sub("", name).split()
        if not words:
            continue
        keys.add(" ".join(words).lower())
        if len(words) == 1:
            continue
        if looks_like_person(name):
            keys.add(words[-1].lower())
        elif len(words) <= 4:
            keys.update(_distinctive_words(words))
    return keys


@lru_cache(maxsize=1 << 16)
def actor_keys(cell: str) -> frozenset:
    """The keys :func:`actors_meet` compares: :func:`_name_keys`, plus
    ``"=word"`` for a lone capitalised name and ``"+word"`` for the other
    words of a personal name, so that a bare surname written first ("Hu")
    meets the full name ("Hu Jintao") without two people sharing a first
    name ("Vladimir Putin", "Vladimir Zelensky") meeting."""
    keys = set(_name_keys(cell))
    for name in _split(cell):
        words = _POSSESSIVE.sub("", name).split()
        if len(words) == 1 and words[0][:1].isupper():
            keys.add("=" + words[0].lower())
        elif looks_like_person(name):
            keys.update("+" + w.strip(".,").lower() for w in words[:-1])
    return frozenset(keys)


def actors_meet(a: frozenset, b: frozenset) -> bool:
    """Whether two mentions' :func:`actor_keys` name a common actor: a
    whole name or distinctive word in both, or a lone name (``"=hu"``) in
    one that is the first word of a personal name (``"+hu"``) in the
    other."""
    if not a or not b:
        return False
    plain_a, lone_a, first_a = _meeting_parts(a)
    plain_b, lone_b, first_b = _meeting_parts(b)
    return not plain_a.isdisjoint(plain_b) or not lone_a.isdisjoint(first_b) \
        or not lone_b.isdisjoint(first_a)


#: the parts of each set of actor keys seen (:func:`_meeting_parts`); the
#: sets are few (one per distinct actors cell), the tests of pairs many
_PARTS: dict = {}


def _meeting_parts(keys: frozenset) -> tuple[frozenset, frozenset, frozenset]:
    """The keys of :func:`actor_keys` in three sets, for
    :func:`actors_meet` to compare with set operations alone: the plain
    keys, the words of ``"="`` keys and the words of ``"+"`` keys."""
    parts = _PARTS.get(keys)
    if parts is None:
        if len(_PARTS) >= 1 << 16:
            _PARTS.clear()
        parts = _PARTS[keys] = (
            frozenset(k for k in keys if k[:1] not in ("=", "+")),
            frozenset(k[1:] for k in keys if k[:1] == "="),
            frozenset(k[1:] for k in keys if k[:1] == "+"))
    return parts


def _split(cell) -> list[str]:
    if not isinstance(cell, str) or not cell:
        return []
    return [part.strip() for part in cell.split(tables.LIST_SEP.strip()) if part.strip()]


def _parse_day(value) -> Optional[date]:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class _Clusters:
    """Union-find of mentions keeping each cluster's common date interval.

    With ``agree`` (mention positions i, j -> bool), a union that would
    narrow a coarse mention (an interval longer than a week) to a finer date
    is refused unless that mention agrees with a mention of the other group
    that gives the finer date (see :func:`_agreement`)."""

    def __init__(self, starts: list[int], ends: list[int], agree=None):
        self.parent = list(range(len(starts)))
        self.start = list(starts)
        self.end = list(ends)
        self.first_start = list(starts)
        self.first_end = list(ends)
        self.agree = agree
        self.members = [[i] for i in range(len(starts))]
        # how many members of each group are coarse (longer than a week)
        self.coarse = [int(e - s > 7) for s, e in zip(starts, ends)]

    def _narrowing_agreed(self, a: int, b: int, start: int, end: int) -> bool:
        for side, other in ((a, b), (b, a)):
            if not self.coarse[side]:
                continue        # nothing of this group can be narrowed
            # the members of the other group that give the finer date
            finer = [o for o in self.members[other]
                     if start <= self.first_start[o] and self.first_end[o] <= end] \
                or self.members[other]
            for m in self.members[side]:
                if self.first_end[m] - self.first_start[m] <= 7 or (
                        self.first_start[m] == start and self.first_end[m] == end):
                    continue        # not coarse, or not narrowed
                if not any(self.agree(m, o) for o in finer):
                    return False
        return True

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        start, end = max(self.start[a], self.start[b]), min(self.end[a], self.end[b])
        if start > end:     # the two groups' dates do not agree
            return False
        if self.agree is not None and not self._narrowing_agreed(a, b, start, end):
            return False
        if b < a:
            a, b = b, a
        self.parent[b] = a
        self.start[a], self.end[a] = start, end
        self.members[a] += self.members[b]
        self.members[b] = []
        self.coarse[a] += self.coarse[b]
        self.coarse[b] = 0
        return True


def _tfidf_rows(word_lists: list[list[str]], idf: dict) -> list[dict]:
    rows = []
    for words in word_lists:
        counts = Counter(words)
        vec = {w: (1 + math.log(c)) * idf.get(w, 1.0) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        rows.append({w: v / norm for w, v in vec.items()})
    return rows


def _cosine(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


#: blocks up to this size get an exact dense cosine matrix; larger ones (e.g.
#: thousands of undated sentences of one publication day) go through an
#: inverted index of each sentence's strongest words
DENSE_BLOCK = 1500


def similar_pairs(rows: list[dict], threshold: float, top_words: int = 8,
                  max_postings: int = 400, max_per_row: Optional[int] = None
                  ) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine), i < j, of sparse unit vectors with a cosine of
    at least ``threshold``.

    Small blocks are compared exhaustively (numpy); in large ones a pair is
    only considered when the two share one of their ``top_words`` strongest
    words, a word held by more than ``max_postings`` rows not counting.
    With ``max_per_row``, each row keeps at most that many partners j > i
    (the first ones), and in large blocks a row meets only the next
    ``max_per_row`` rows of each of its words' postings: the number of
    pairs is then at most ``max_per_row`` times the number of rows.
    """
    if len(rows) < 2:
        return []
    if len(rows) <= DENSE_BLOCK:
        vocab: dict = {}
        for row in rows:
            for w in row:
                vocab.setdefault(w, len(vocab))
        mat = np.zeros((len(rows), max(1, len(vocab))), dtype=np.float32)
        for i, row in enumerate(rows):
            for w, v in row.items():
                mat[i, vocab[w]] = v
        sims = np.triu(mat @ mat.T, 1)
        found = np.nonzero(sims >= threshold)
        if max_per_row is None:
            return [(int(i), int(j), float(sims[i, j])) for i, j in zip(*found)]
        out, per_row = [], Counter()
        for i, j in zip(*found):     # row-major: the first partners of each row
            if per_row[i] < max_per_row:
                per_row[i] += 1
                out.append((int(i), int(j), float(sims[i, j])))
        return out
    postings: dict = defaultdict(list)
    for i, row in enumerate(rows):
        for w, _ in sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))[:top_words]:
            postings[w].append(i)
    candidates: set = set()
    window = max_per_row if max_per_row is not None else max_postings
    for members in postings.values():
        if len(members) > max_postings:
            continue
        for a in range(len(members)):
            for b in range(a + 1, min(len(members), a + 1 + window)):
                candidates.add((members[a], members[b]))
    out = []
    for i, j in sorted(candidates):
        sim = _cosine(rows[i], rows[j])
        if sim >= threshold:
            out.append((i, j, sim))
    return out


def max_pairs_per_mention() -> int:
    """The cap on the partners a mention is compared with in one block
    (``[blocking] max_pairs_per_mention`` of merge.toml)."""
    return int(merge_settings().get("blocking", {}).get("max_pairs_per_mention", 24))


#: the predicate key every mention naming a deadline carries
DEADLINE_KEY = "deadline"


def candidate_pairs(frame: pd.DataFrame, vectors: list[dict]) -> list[tuple[float, int, int]]:
    """Pairs of mention rows (positions in ``frame``) that report one event,
    each with a score (higher first when clusters are built).

    ``frame`` holds the columns: doc_id, trigger_start, day_start, day_end
    (day ordinals), keys (predicate synonym sets, converse pairs such as
    "submit~receive", and ``DEADLINE_KEY``), actor_keys (:func:`actor_keys`,
    compared by :func:`actors_meet`), object_words,
    reporting, coarse, and optionally party_keys (names of a deadline's
    parties), numbers (:func:`sentence_numbers`), named_actor_words (words of
    the actors that are named entities), sentence_words (the sentence's
    lower-cased words) and sentence_keys (the predicate sets of a reporting
    sentence's words).

    Same or synonymous predicates from two articles never pair when their
    sentences give conflicting figures or both have named actors that differ
    (no word in common, and neither named in the other's sentence).  Sentences close in meaning (same
    interval) pair only when their predicates are related (a shared key, or
    a reporting sentence naming the other's predicate) or their actors meet,
    never when both have named actors that differ, nor conflicting figures.
    """
    settings = merge_settings()["similarity"]
    cap = max_pairs_per_mention()
    same_event, supporting = float(settings["same_event"]), float(settings["supporting"])
    reported = float(settings.get("reported_without_actor", supporting))
    pairs: list[tuple[float, int, int]] = []
    starts = frame["day_start"].to_numpy()
    ends = frame["day_end"].to_numpy()
    docs = frame["doc_id"].to_numpy()
    trig_starts = frame["trigger_start"].to_numpy()
    keys = frame["keys"].to_list()
    actor_keys = frame["actor_keys"].to_list()
    object_words = frame["object_words"].to_list()
    reporting = frame["reporting"].to_numpy()
    coarse = frame["coarse"].to_numpy()
    numbers = _optional(frame, "numbers", frozenset())
    named = _optional(frame, "named_actor_words", frozenset())
    sentence_words = _optional(frame, "sentence_words", frozenset())

    def other_named_actors(i: int, j: int) -> bool:
        # both name their actors, with no word in common, and neither
        # sentence names the other's ("Beijing warned ... anti-China" /
        # "China warned" may be one actor; "Hu" is "Hu Jintao")
        return bool(named[i]) and bool(named[j]) and not (
            named[i] & named[j] or named[i] & sentence_words[j]
            or named[j] & sentence_words[i])

    # 1. one predicate in one article dated twice ("on Thursday, Nov. 20")
    by_trigger: dict = defaultdict(list)
    for i in range(len(frame)):
        by_trigger[(docs[i], trig_starts[i])].append(i)
    for group in by_trigger.values():
        for a in group[1:]:
            pairs.append((3.0, group[0], a))

    # 2. same or synonymous predicate, nested dates, overlapping actors/objects
    by_key: dict = defaultdict(list)
    for i in range(len(frame)):
        for key in keys[i]:
            by_key[key].append(i)
    party_keys = frame["party_keys"].to_list() if "party_keys" in frame.columns \
        else [set()] * len(frame)
    seen: set = set()
    for key, members in by_key.items():
        if len(members) < 2:
            continue
        kind = "deadline" if key == DEADLINE_KEY else "converse" if "~" in key else "same"
        members.sort(key=lambda i: (starts[i], ends[i], i))
        m_starts = [starts[i] for i in members]
        for p, i in enumerate(members):
            hi = bisect_right(m_starts, ends[i])
            # the mentions after i that start inside i's interval, at most
            # `cap` of them (the next in the block's order): the cost stays
            # linear however large the block
            for j in members[p + 1:min(hi, p + 1 + cap)]:
                # j starts inside i: nested when it also ends inside i, or
                # when both start on the same day (then i is inside j)
                if j == i or not (ends[j] <= ends[i] or starts[j] == starts[i]):
                    continue
                pair = (min(i, j), max(i, j))
                if (kind, pair) in seen:
                    continue
                seen.add((kind, pair))
                objects = len(object_words[i] & object_words[j]) >= 2 or bool(
                    object_words[i] and object_words[i] == object_words[j])
                if kind != "same":
                    # a converse transfer: the objects must meet (giver and
                    # receiver differ); a deadline: a party or the objects
                    if kind == "converse" and not objects or kind == "deadline" and not (
                            objects or party_keys[i] & party_keys[j]):
                        continue
                    cos = _cosine(vectors[i], vectors[j])
                    if (coarse[i] or coarse[j]) and cos < supporting:
                        continue
                    pairs.append((1.0 + cos, pair[0], pair[1]))
                    continue
                meet = actors_meet(actor_keys[i], actor_keys[j])
                overlap = meet or objects
                # within one article, a predicate told twice with no actor
                # against it is one event
                same_doc = docs[i] == docs[j] and (
                    not actor_keys[i] or not actor_keys[j] or overlap)
                if not overlap and not same_doc:
                    continue
                cos = _cosine(vectors[i], vectors[j])
                if (reporting[i] or reporting[j] or coarse[i] or coarse[j] or not overlap) \
                        and cos < supporting:
                    continue
                if (reporting[i] or reporting[j]) and not meet and cos < reported:
                    continue
                if docs[i] != docs[j] and (conflicting_numbers(numbers[i], numbers[j])
                                           or other_named_actors(i, j)):
                    continue    # "totaled 1.96 billion" / "48.89 billion"; "John
                    #             Howard condemned the attacks" / "Iraq condemned"
                pairs.append((1.0 + cos, pair[0], pair[1]))

    # 3. sentences close in meaning, same date interval, related predicates
    #    or the same actors, no conflicting figures or named actors
    sentence_keys = _optional(frame, "sentence_keys", frozenset())
    by_interval: dict = defaultdict(list)
    for i in range(len(frame)):
        by_interval[(starts[i], ends[i])].append(i)
    for members in by_interval.values():
        if len(members) < 2:
            continue
        for r, c, sim in similar_pairs([vectors[i] for i in members], same_event,
                                       max_per_row=cap):
            i, j = members[r], members[c]
            meet = actors_meet(actor_keys[i], actor_keys[j])
            related = bool(keys[i] & keys[j]) \
                or reporting[i] and bool(sentence_keys[i] & keys[j]) \
                or reporting[j] and bool(sentence_keys[j] & keys[i])
            if not (related or meet):
                continue
            if not meet and other_named_actors(i, j):
                continue        # "John Howard condemned" / "Iraq condemned"
            if conflicting_numbers(numbers[i], numbers[j]):
                continue        # "475 million" / "197 million"
            pairs.append((sim, min(i, j), max(i, j)))
    return pairs


def _optional(frame: pd.DataFrame, name: str, default) -> list:
    return frame[name].to_list() if name in frame.columns else [default] * len(frame)


def conflicting_numbers(a: frozenset, b: frozenset) -> bool:
    """Whether two sentences' figures (:func:`sentence_numbers`) disagree:
    both give some and neither set holds the other."""
    return bool(a) and bool(b) and not (a <= b or b <= a)


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def sentence_numbers(text: str) -> frozenset:
    """The figures of a sentence ("475 million" -> "475", "1,200" ->
    "1200"), years (1000-2199) left out: dates are compared on their own."""
    out = set()
    for match in _NUMBER.finditer(text):
        raw = match.group().rstrip(",")
        value = raw.replace(",", "")
        if raw.isdigit() and len(raw) == 4 and 1000 <= int(raw) <= 2199:
            continue
        out.add(value)
    return frozenset(out)


def _agreement(frame: pd.DataFrame):
    """agree(i, j) for mention positions of ``frame``: from one article, or
    a shared predicate key with actors, objects or a deadline's parties in
    common.  A coarse date is only narrowed by a mention it agrees with."""
    docs = frame["doc_id"].astype(str).to_list()
    keys = frame["keys"].to_list()
    actor_keys = frame["actor_keys"].to_list()
    objs = frame["object_words"].to_list()
    parties = _optional(frame, "party_keys", set())

    def agree(i: int, j: int) -> bool:
        if docs[i] == docs[j]:
            return True
        if not keys[i] & keys[j]:
            return False
        return actors_meet(actor_keys[i], actor_keys[j]) or len(objs[i] & objs[j]) >= 2 or bool(
            objs[i] and objs[i] == objs[j]) or bool(parties[i] & parties[j])
    return agree


def _event_id(mention_ids: Iterable[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(mention_ids)).encode("utf-8")).hexdigest()
    return "ev-" + digest[:12]


def _confidence(base: float, n_sources: int, n_docs: int, undated: bool) -> float:
    """Event confidence: the mentions' confidence times a corroboration that
    grows with each independent source (and less with each further article
    of a source already counted)."""
    conf = merge_settings()["confidence"]
    if base <= 0:
        base = float(conf["default_base"])
    doubt = (1 - float(conf["single_source"])) \
        * float(conf["per_source"]) ** max(0, n_sources - 1) \
        * float(conf["per_document"]) ** max(0, n_docs - n_sources)
    value = base * (1 - doubt)
    if undated:
        value = min(value, float(conf["undated_cap"]))
    return round(value, 3)


GRANULARITY_ORDER = ["time", "day", "week", "month", "quarter", "season", "year", "decade",
                     "century"]


def merge(mentions: pd.DataFrame, documents: pd.DataFrame, word_counts: Optional[dict] = None,
          words_out: Optional[list] = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give mentions that report the same real-world event one ``event_id``.

    mentions, documents: tables shaped like mentions.csv and documents.csv
    (list cells joined by ``tables.LIST_SEP``, dates as ISO strings).

    A DATE or TIME mention with a date and a trigger takes part.  Two such
    mentions (from any articles, or the same one) are one event when their
    dates are compatible (one interval inside the other, which includes the
    same day) and either their predicates are the same or synonymous with
    overlapping actors or objects, or their sentences are close in meaning
    (same interval only) with related predicates or the same actors, and no
    conflicting figures or different named actors (see
    :func:`candidate_pairs`).  Two further cases (merge.toml): converse
    predicates of one transfer ("submit" / "receive") with overlapping
    objects, and mentions naming one deadline ("sign by next Thursday",
    "Trump's deadline -- set for Thursday") sharing a party or an object.
    Mentions of articles that duplicate another are left out.  Clusters never join when their intervals do not intersect,
    nor when that would narrow a coarse mention (longer than a week) to a
    finer date of another article whose predicate and actors or objects do
    not agree with it.  Undated mentions (rule "undated", granularity
    "reported") only merge with one another, weighted apart: with or
    without them the dated events are the same.

    word_counts: the word weights of a larger corpus than ``mentions`` (see
        :func:`merge_word_counts`), ``{undated: (rows, {word: rows holding
        it})}`` for the dated (False) and undated (True) mentions: an
        incremental run merges a closed part of the corpus with the weights
        of the whole (None: the weights of ``mentions`` themselves).
    words_out: a list to which (mention_id, undated, words) of each mention
        taking part is appended, as :func:`merge_words` gives them (so that a
        store keeps them without a second pass).

    Returns (mentions with ``event_id`` filled, events table with
    ``tables.EVENT_COLUMNS``), both independent of the order of the rows.
    """
    mentions = mentions.copy()
    for col in tables.MENTION_COLUMNS:
        if col not in mentions.columns:
            mentions[col] = ""
    mentions["event_id"] = ""
    if mentions.empty:
        return mentions, tables.frame([], tables.EVENT_COLUMNS)
    frame, doc_text, doc_source = _merge_candidates(mentions, documents)
    if frame.empty:
        return mentions, tables.frame([], tables.EVENT_COLUMNS)
    pairs = []
    # undated pseudo-mentions (rule "undated") only ever meet each other, with
    # their own word weights, so that they add events and change no dated one
    undated = (frame["rule"].astype(str).eq("undated")
               | frame["granularity"].astype(str).eq("reported")).to_numpy()
    for kind, part in ((False, np.flatnonzero(~undated)), (True, np.flatnonzero(undated))):
        if len(part) < 2 and words_out is None:
            continue
        sub = frame.iloc[part]
        lists = _word_lists(sub, doc_text)
        if words_out is not None:
            words_out += [(m, kind, " ".join(sorted(set(w))))
                          for m, w in zip(sub["mention_id"].astype(str), lists)]
        if len(part) < 2:
            continue
        counts = None if word_counts is None else word_counts.get(kind, (0, {}))
        pairs += [(score, int(part[i]), int(part[j])) for score, i, j in
                  candidate_pairs(sub, _vectors(sub, doc_text, counts, lists))]
    # canonical order: strongest pairs first, ties by mention ids
    mention_ids = frame["mention_id"].to_list()
    pairs.sort(key=lambda p: (-round(p[0], 6), mention_ids[p[1]], mention_ids[p[2]]))
    clusters = _Clusters(frame["day_start"].to_list(), frame["day_end"].to_list(),
                         _agreement(frame))
    for _, i, j in pairs:
        clusters.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(frame)):
        groups[clusters.find(i)].append(i)

    records = tables.records(frame)
    event_rows = []
    event_ids = [""] * len(frame)
    for root, members in groups.items():
        row = _event_row([records[i] for i in members], clusters.start[root],
                         clusters.end[root], doc_text, doc_source)
        event_rows.append(row)
        for i in members:
            event_ids[i] = row["event_id"]
    mentions.loc[frame.index, "event_id"] = event_ids
    # (n_sources and date_source are added by merge_event_mentions)
    events = tables.frame(event_rows, tables.EVENT_COLUMNS)[tables.EVENT_COLUMNS]
    events = events.sort_values(["date_start", "date_end", "event_id"], kind="stable")
    return mentions, events.reset_index(drop=True)


@lru_cache(maxsize=1)
def _converse_lemmas() -> dict:
    """lemma -> the names of the converse pairs it belongs to ("handover" ->
    {"submit~receive"})."""
    out: dict = defaultdict(set)
    for pair in merge_settings().get("converse", {}).get("pairs", []):
        name = "~".join(words[0] for words in pair)
        for words in pair:
            for word in words:
                out[word].add(name)
    return dict(out)


def converse_keys(trigger: str, summary: str = "", actors: str = "") -> set[str]:
    """The converse pairs (merge.toml) of a mention's predicate: its
    trigger's, and those of the first words of its summary after the actors
    ("Kiev confirmed receiving ..." -> "submit~receive")."""
    table = _converse_lemmas()
    keys = set(table.get((trigger or "").lower(), ()))
    text = summary or ""
    for name in sorted(_split(actors), key=len, reverse=True):
        text = text.replace(name, " ")
    words = [w for w in _WORD.findall(text.lower()) if w not in _stop_words()]
    for word in words[:3]:
        for form in _lemma_forms(word):
            if form in table:
                keys |= table[form]
                break
    return keys


@lru_cache(maxsize=1)
def _deadline_patterns() -> tuple:
    settings = merge_settings().get("deadline", {})
    preps = sorted(settings.get("prepositions", []), key=len, reverse=True)
    before = re.compile(r"(?:^|[^\w])(?:" + "|".join(re.escape(p) for p in preps)
                        + r")\s+(?:the\s+)?$", re.IGNORECASE) if preps else None
    nouns = frozenset(n.lower() for n in settings.get("nouns", []))
    grans = frozenset(settings.get("preposition_granularities", []))
    return before, nouns, int(settings.get("window", 4)), grans


_WORD_OR_NAME = re.compile(r"[\w’'\-]+")


def is_deadline(text: str, start: int, end: int, sentence_start: int, sentence_end: int,
                future: bool = True, granularity: str = "") -> bool:
    """Whether the expression at ``text[start:end]`` names a deadline: it
    follows a deadline preposition ("by next Thursday"; only when ``future``,
    the date not before the publication day, and for a date no coarser than
    a month: "cut emissions by 2030" is a target), or a deadline noun is
    within a few words of it ("Trump's deadline -- set for Thursday"); see
    the ``[deadline]`` settings of merge.toml."""
    if not (0 <= sentence_start <= start <= end <= sentence_end <= len(text)):
        return False
    before_re, nouns, window, grans = _deadline_patterns()
    left = text[sentence_start:start]
    fine = not granularity or not grans or granularity in grans
    if future and fine and before_re is not None and before_re.search(left[-40:]):
        return True
    left_words = [w.lower().replace("’", "'").split("'")[0]
                  for w in _WORD_OR_NAME.findall(left)][-window:]
    right_words = [w.lower().replace("’", "'").split("'")[0]
                   for w in _WORD_OR_NAME.findall(text[end:sentence_end])][:window]
    return any(w in nouns for w in left_words + right_words)


@lru_cache(maxsize=1 << 16)
def object_words(object_text: str) -> frozenset[str]:
    """The content words of an object compared in merging, less the words
    that name a predicate ("talks" in "for talks", "visit"): two objects
    that share only those share no participant or thing."""
    lex = lexicon()
    return frozenset(w for w in content_words(object_text)
                     if not any(f in lex.synonyms or f in lex.event_nouns
                                for f in _lemma_forms(w)))


def _party_keys(actors: str, entities: str, summary: str, object_text: str) -> set[str]:
    """The actors' keys and those of the sentence's entities named in the
    summary or the object: the parties of a deadline."""
    keys = _name_keys(actors)
    described = f"{summary} {object_text}"
    for name in _split(entities):
        if name and name in described:
            keys |= _name_keys(name)
    return keys


def _merge_candidates(mentions: pd.DataFrame, documents: Optional[pd.DataFrame]
                      ) -> tuple[pd.DataFrame, dict, dict]:
    """What :func:`merge` and :func:`merge_words` start from: the candidate
    frame (:func:`_candidates`) of ``mentions`` given their documents, and
    the documents' texts and sources by doc_id."""
    docs = documents if documents is not None else pd.DataFrame(columns=["doc_id"])
    ids = [str(d) for d in docs.get("doc_id", [])]

    def column(name: str) -> list[str]:
        values = docs[name] if name in docs.columns else [""] * len(ids)
        return [v if isinstance(v, str) else "" for v in values]
    doc_text = dict(zip(ids, column("text")))
    doc_source = dict(zip(ids, column("source")))
    duplicates = {d for d, dup in zip(ids, column("duplicate_of")) if dup}
    published = {d: p for d, p in zip(ids, map(_parse_day, column("published")))
                 if p is not None}
    frame = _candidates(mentions.astype(object).where(mentions.notna(), ""), duplicates,
                        published, doc_text)
    return frame, doc_text, doc_source


def _candidates(mentions: pd.DataFrame, duplicates: set,
                published: Optional[dict] = None, doc_text: Optional[dict] = None
                ) -> pd.DataFrame:
    """The mentions taking part in merging (DATE/TIME with a date and a
    trigger, not from a duplicate article), sorted by mention id, with the
    columns merging needs added."""
    lex = lexicon()
    published = published or {}
    doc_text = doc_text or {}
    starts = mentions["date_start"].map(_parse_day)
    ends = mentions["date_end"].map(_parse_day)
    keep = (mentions["type"].isin(["DATE", "TIME"]) & starts.notna()
            & (mentions["trigger"].astype(str) != "")
            & ~mentions["doc_id"].isin(duplicates))
    frame = mentions[keep].copy()
    if frame.empty:
        return frame
    frame["mention_id"] = frame["mention_id"].astype(str)
    frame["day_start"] = [d.toordinal() for d in starts[keep]]
    frame["day_end"] = [(e if e is not None and e >= s else s).toordinal()
                        for s, e in zip(starts[keep], ends[keep])]
    frame["trigger_start"] = pd.to_numeric(frame["trigger_start"], errors="coerce").fillna(-1)
    keys = [predicate_keys(t, o, su, a) for t, o, su, a in zip(
        frame["trigger"].astype(str), frame["object"].astype(str),
        frame["summary"].astype(str), frame["actors"].astype(str))]
    deadline = []
    for row, day in zip(tables.records(frame), frame["day_start"]):
        pub = published.get(str(row["doc_id"]))
        deadline.append(is_deadline(
            doc_text.get(str(row["doc_id"]), ""), int(_number(row.get("start"), -1)),
            int(_number(row.get("end"), -1)), int(_number(row.get("sentence_start"), -1)),
            int(_number(row.get("sentence_end"), -1)),
            future=pub is None or day >= pub.toordinal(),
            granularity=str(row.get("granularity", "") or "")))
    frame["deadline"] = deadline
    frame["keys"] = [k | converse_keys(t, su, a) | ({DEADLINE_KEY} if dl else set())
                     for k, t, su, a, dl in zip(
                         keys, frame["trigger"].astype(str), frame["summary"].astype(str),
                         frame["actors"].astype(str), deadline)]
    frame["party_keys"] = [
        _party_keys(a, e, su, o) if dl else set() for a, e, su, o, dl in zip(
            frame["actors"].astype(str), frame["entities"].astype(str),
            frame["summary"].astype(str), frame["object"].astype(str), deadline)]
    frame["actor_keys"] = [actor_keys(a) for a in frame["actors"].astype(str)]
    frame["object_words"] = [object_words(o) for o in frame["object"].astype(str)]
    frame["reporting"] = frame["trigger"].astype(str).str.lower().isin(lex.reporting)
    frame["coarse"] = ((frame["day_end"] - frame["day_start"]) > 7) \
        | frame["granularity"].astype(str).eq("reported")
    records = tables.records(frame)
    frame["numbers"] = [sentence_numbers(_sentence_text(r, doc_text, blank_mention=True))
                        for r in records]
    frame["named_actor_words"] = [_named_actor_words(a, e) for a, e in zip(
        frame["actors"].astype(str), frame["entities"].astype(str))]
    frame["sentence_words"] = [frozenset(_LETTERS.findall(_sentence_text(r, doc_text).lower()))
                               for r in records]
    frame["sentence_keys"] = [
        _word_keys(_sentence_text(r, doc_text)) if rep else frozenset()
        for r, rep in zip(records, frame["reporting"])]
    return frame.sort_values("mention_id", kind="stable")


_LETTERS = re.compile(r"[a-z]+")


def _named_actor_words(actors: str, entities: str) -> frozenset:
    """The lower-cased words (stop words left out) of the actors that are
    named entities of their sentence ("John Howard" -> {"john", "howard"})."""
    entity_keys = _name_keys(entities)
    stops = _stop_words() | lexicon().generic_heads     # "summit" is no shared name
    return frozenset(w for name in _split(actors) if _name_keys(name) & entity_keys
                     for w in _LETTERS.findall(_POSSESSIVE.sub("", name).lower())
                     if w not in stops and len(w) > 1)


def _word_keys(text: str) -> frozenset:
    """The predicate synonym sets of any word of ``text``: what a reporting
    sentence reports ("said its forces had captured Kupyansk" -> capture)."""
    lex = lexicon()
    out = set()
    for word in _WORD.findall(text.lower()):
        for form in _lemma_forms(word):
            if form in lex.synonyms:
                out.add(lex.synonyms[form])
                break
    return frozenset(out)


def _sentence_text(row: dict, doc_text: dict, blank_mention: bool = False) -> str:
    """The sentence of a mention row (else its summary and text); with
    ``blank_mention`` the date expression itself is left out."""
    text = doc_text.get(str(row.get("doc_id")), "")
    try:
        start, end = int(row.get("sentence_start")), int(row.get("sentence_end"))
    except (TypeError, ValueError):
        start = end = -1
    if 0 <= start < end <= len(text):
        if blank_mention:
            m_start = int(_number(row.get("start"), -1))
            m_end = int(_number(row.get("end"), -1))
            if start <= m_start < m_end <= end and row.get("rule") != "undated":
                return text[start:m_start] + " " + text[m_end:end]
        return text[start:end]
    if blank_mention:
        return str(row.get("summary", ""))
    return f"{row.get('summary', '')} {row.get('text', '')}"


def _word_lists(frame: pd.DataFrame, doc_text: dict) -> list[list[str]]:
    return [content_words(_sentence_text(row, doc_text)) for row in tables.records(frame)]


def _vectors(frame: pd.DataFrame, doc_text: dict, counts: Optional[tuple] = None,
             word_lists: Optional[list] = None) -> list[dict]:
    """TF-IDF vectors of the rows' sentences (``word_lists``: their content
    words, if known); the document frequencies are the rows' own, or
    ``counts`` = (rows, {word: rows holding it}) of a corpus the rows
    belong to."""
    if word_lists is None:
        word_lists = _word_lists(frame, doc_text)
    if counts is None:
        df = Counter(w for words in word_lists for w in set(words))
        n = len(word_lists)
    else:
        n, df = counts
    idf = {w: math.log((n + 1) / (df.get(w, 0) + 1)) + 1 for words in word_lists
           for w in words}
    return _tfidf_rows(word_lists, idf)


def merge_words(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The words :func:`merge` weighs, per mention taking part: columns
    mention_id, undated (bool: the undated pseudo-mentions are weighed
    apart) and words (the distinct content words of its sentence, joined by
    a space).  Summed over a corpus by :func:`merge_word_counts`, they give
    the word weights of the whole corpus to a merge of part of it."""
    out = pd.DataFrame({"mention_id": pd.Series(dtype=object),
                        "undated": pd.Series(dtype=bool), "words": pd.Series(dtype=object)})
    if mentions is None or mentions.empty:
        return out
    mentions = mentions.copy()
    for col in tables.MENTION_COLUMNS:
        if col not in mentions.columns:
            mentions[col] = ""
    frame, doc_text, _sources = _merge_candidates(mentions, documents)
    if frame.empty:
        return out
    undated = (frame["rule"].astype(str).eq("undated")
               | frame["granularity"].astype(str).eq("reported")).to_list()
    words = [" ".join(sorted(set(w))) for w in _word_lists(frame, doc_text)]
    return pd.DataFrame({"mention_id": frame["mention_id"].astype(str).to_list(),
                         "undated": undated, "words": words})


def merge_word_counts(word_rows: Iterable[tuple[bool, str]]) -> dict:
    """``{undated: (rows, {word: rows holding it})}`` from (undated, words)
    pairs as :func:`merge_words` gives them: the ``word_counts`` of
    :func:`merge`."""
    counts: dict = {False: [0, Counter()], True: [0, Counter()]}
    for undated, words in word_rows:
        entry = counts[bool(undated)]
        entry[0] += 1
        entry[1].update(str(words or "").split())
    return {k: (n, df) for k, (n, df) in counts.items()}


def _number(value, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _event_row(rows: list[dict], start: int, end: int, doc_text: dict,
               doc_source: dict) -> dict:
    """The events.csv row of one group of mention records."""
    rows = sorted(rows, key=lambda r: str(r["mention_id"]))
    mention_ids = [str(r["mention_id"]) for r in rows]

    def quality(r: dict) -> tuple:
        summary = str(r.get("summary", "") or "")
        return (bool(r.get("actors")), bool(r.get("object")), _number(r.get("confidence")),
                -len(summary) if len(summary) > 90 else 0, str(r["mention_id"]))
    best = max(rows, key=quality)
    triggers = Counter(str(r.get("trigger", "")) for r in rows)
    trigger = max(triggers.items(),
                  key=lambda kv: (kv[1], kv[0] == best.get("trigger"), kv[0]))[0]
    actors = _union_names(str(r.get("actors", "") or "") for r in rows)
    doc_ids = sorted({str(r["doc_id"]) for r in rows})
    sources = sorted({doc_source.get(d, "") for d in doc_ids} - {""})
    n_sources = len({doc_source.get(d, "") or d for d in doc_ids})
    texts = list(dict.fromkeys(str(r.get("text", "")) for r in rows))
    grans = [str(r.get("granularity", "") or "") for r in rows]
    grans = [g for g in grans if g]
    confidences = [c for c in (_number(r.get("confidence")) for r in rows) if c > 0] or [0.0]
    return {
        "event_id": _event_id(mention_ids),
        "date_start": date.fromordinal(start).isoformat(),
        "date_end": date.fromordinal(end).isoformat(),
        "granularity": _granularity(rows, start, end, grans),
        "summary": best.get("summary") or best.get("text", ""),
        "trigger": trigger,
        "actors": tables.LIST_SEP.join(actors),
        "object": best.get("object", "") or "",
        "doc_ids": tables.LIST_SEP.join(doc_ids),
        "sources": tables.LIST_SEP.join(sources),
        "n_docs": len(doc_ids),
        "mention_ids": tables.LIST_SEP.join(mention_ids),
        "texts": tables.LIST_SEP.join(texts),
        "sentence": _sentence_text(best, doc_text),
        "confidence": _confidence(sum(confidences) / len(confidences), n_sources,
                                  len(doc_ids), bool(grans) and all(
                                      g == "reported" for g in grans)),
        "n_sources": n_sources,
        "date_source": "reported" if grans and all(g == "reported" for g in grans)
        else "explicit",
    }


def _granularity(rows: list[dict], start: int, end: int, grans: list[str]) -> str:
    """The granularity of the mention whose interval is the event's, else
    the finest one."""
    for r in rows:
        if r["day_start"] == start and r["day_end"] == end and r.get("granularity"):
            return str(r["granularity"])
    known = [g for g in grans if g in GRANULARITY_ORDER]
    if known:
        return min(known, key=GRANULARITY_ORDER.index)
    return grans[0] if grans else ""


def _union_names(cells: Iterable[str]) -> list[str]:
    """All actor names, most frequent first; a bare surname is dropped when
    a fuller name ending with it is there ("Rubio" within "Marco Rubio"), or
    a personal name starting with it ("Hu" within "Hu Jintao")."""
    counts: Counter = Counter()
    first: dict = {}
    for cell in cells:
        for name in _split(cell):
            counts[name] += 1
            first.setdefault(name, len(first))
    names = sorted(counts, key=lambda n: (-counts[n], first[n]))
    out = []
    for name in names:
        if any(other != name and (other.endswith(" " + name) or " " not in name
                                  and other.startswith(name + " ") and looks_like_person(other))
               for other in names):
            continue
        out.append(name)
    return out


@lru_cache(maxsize=1 << 16)
def _actors_of_one(cell: str) -> str:
    """:func:`_union_names` of one actors cell, joined (the actors of an
    event of one mention, :func:`_event_mention_row`; the same cells come
    back often)."""
    return tables.LIST_SEP.join(_union_names([cell]))


# --- every event mention -------------------------------------------------------------------

#: how a date was obtained, most confident first (as timeline.article.DATE_SOURCES)
DATE_SOURCE_ORDER = ("explicit", "inherited", "narrative", "reported", "none")


def event_block(date_start: str, date_end: str, trigger: str, object_text: str = "") -> tuple:
    """The block an event mention is merged in: its predicate's synonym set
    (:func:`predicate_key`) and the year its date starts in ("" when it has
    no date).  Only mentions of one block are compared, so a block holds
    the mentions of one predicate in one year, and an incremental run
    re-merges the blocks its new mentions touch."""
    return (predicate_key(trigger, object_text), str(date_start or "")[:4])


def event_blocks(event_mentions: pd.DataFrame) -> set:
    """The blocks (:func:`event_block`) the rows of ``event_mentions`` touch:
    what an incremental run re-merges (``merge_event_mentions(...,
    only_blocks=event_blocks(new_rows))``)."""
    if event_mentions is None or event_mentions.empty:
        return set()
    frame = event_mentions.astype(object).where(event_mentions.notna(), "")
    return {event_block(s, e, t, o) for s, e, t, o in zip(
        frame["date_start"], frame["date_end"], frame["trigger"].astype(str),
        frame["object"].astype(str))}


def _pair_ok(columns: dict, i: int, j: int, min_objects: int) -> bool:
    """Whether rows ``i`` and ``j`` (of one block, with compatible dates) may
    report one event (see :func:`_event_mention_pairs`).  Each test is made
    only when the answer still depends on it (hundreds of thousands of pairs
    per corpus)."""
    akeys = columns["_actor_keys"]
    ai, aj = akeys[i], akeys[j]
    meet = bool(ai) and bool(aj) and actors_meet(ai, aj)
    if ai and aj and not meet:
        return False
    objs = columns["_object_words"]
    oi, oj = objs[i], objs[j]
    weak, report = columns["_weak"], columns["_reporting"]
    strict = report[i] or report[j] or weak[i] or weak[j]
    if not strict:
        starts, ends = columns["_start"], columns["_end"]
        si, sj = starts[i], starts[j]
        # a coarse date (longer than a week) narrowed to the other's finer one
        # needs what was done to be the same too: "Apple released a laptop in
        # 2011" is not "Apple released the text of the email on January 17"
        strict = si is not None and sj is not None and (si, ends[i]) != (sj, ends[j]) \
            and max(ends[i] - si, ends[j] - sj) > 7
    if strict:
        return meet and (len(oi & oj) >= min_objects or bool(oi and oi == oj))
    return meet or len(oi & oj) >= min_objects or bool(oi and oi == oj) or (
        columns["doc_id"][i] == columns["doc_id"][j] and not ai and not aj and not oi
        and not oj)


#: the signature of every row when objects need share no word (``min_object_words``
#: 0 in merge.toml): it meets every other
_ANY = frozenset({("any",)})


def _pair_signatures(columns: dict, min_objects: int) -> list:
    """For each row, the words one of its pairs must share with it
    (:func:`_pair_ok` holds only if two rows' signatures meet): the words of
    its actor keys and of its object, or, with neither, its document.  Most
    pairs of a block share none, and are set aside by one set operation."""
    if min_objects < 1:
        return [_ANY] * len(columns["doc_id"])
    found = columns.get("_signature")
    if found is None:
        found = columns["_signature"] = []
        for keys, objects, doc_id in zip(columns["_actor_keys"], columns["_object_words"],
                                         columns["doc_id"]):
            if not keys and not objects:
                found.append(frozenset({("document", doc_id)}))
                continue
            plain, lone, first = _meeting_parts(keys) if keys else ((), (), ())
            found.append(frozenset(objects).union(plain, lone, first))
    return found


def _event_mention_pairs(columns: dict, members: list[int], cap: int,
                         min_objects: int) -> list[tuple[int, int]]:
    """Pairs of rows of one block (sorted by date) that may report one
    event: for each row, the next rows whose date starts inside its
    interval, at most ``cap`` of them (so the pairs are at most ``cap`` per
    row), with actors that meet or objects that share ``min_objects``
    content words (or are equal).  Both having named actors that differ
    keeps them apart; reporting verbs, mentions dated only as "reported"
    or not at all, and a coarse date (longer than a week) that the other's
    would narrow, need both a shared actor and a shared object (in one
    article too: "Apple announced" twice is two announcements unless what
    was announced is the same)."""
    starts, ends = columns["_start"], columns["_end"]
    signatures = _pair_signatures(columns, min_objects)
    out = []
    for p, i in enumerate(members):
        start, end, signature = starts[i], ends[i], signatures[i]
        for j in members[p + 1:p + 1 + cap]:
            if start is not None and starts[j] is not None and starts[j] > end:
                break       # sorted by start: no later row overlaps i
            if not signature.isdisjoint(signatures[j]) and _pair_ok(columns, i, j, min_objects):
                out.append((i, j))
    return out


def _reported_pairs(columns: dict, members: list[int], open_start: list[bool], cap: int,
                    min_objects: int) -> list[tuple[int, int]]:
    """Pairs of a reported mention (``open_start``: on or before its
    publication, :func:`_reported_before`) with the mentions of its block
    dated on or before its publication: the ``cap`` latest dated ones, and
    the ``cap`` reported ones published just before it (the rows of
    ``members`` are sorted by date)."""
    starts, ends = columns["_start"], columns["_end"]
    dated = [i for i in members if starts[i] is not None and not open_start[i]]
    dated_starts = [starts[i] for i in dated]
    reports = [i for i in members if starts[i] is not None and open_start[i]]
    signatures = _pair_signatures(columns, min_objects)
    out = []
    for k, r in enumerate(reports):
        upto = bisect_right(dated_starts, ends[r])
        signature = signatures[r]
        for j in reversed(dated[max(0, upto - cap):upto]):
            if not signature.isdisjoint(signatures[j]) and _pair_ok(columns, j, r, min_objects):
                out.append((j, r))
        for j in reversed(reports[max(0, k - cap):k]):
            if ends[j] != ends[r] and not signature.isdisjoint(signatures[j]) \
                    and _pair_ok(columns, j, r, min_objects):
                out.append((j, r))
    return out


@dataclass
class EventMentionPairs:
    """What :func:`merge_event_mentions` finds from the event mentions alone
    (before the events of :func:`merge` are known): the rows' columns it
    reads, and the pairs of rows of each block that may report one event,
    block by block, in the order they are joined."""

    em: pd.DataFrame
    frame: pd.DataFrame
    doc_source: dict
    keep: list
    active: list
    day_starts: list
    open_start: list
    starts: list
    ends: list
    date_sources: list
    mention_ids: list
    ids: list
    pairs: list = field(default_factory=list)
    #: set by :func:`settle_unanchored`: the union-find of the rows, the rows
    #: whose event it made (row -> event_id), and those events' rows
    clusters: Optional["_Clusters"] = None
    settled: dict = field(default_factory=dict)
    settled_rows: list = field(default_factory=list)
    records: Optional[list] = None


def event_mention_pairs(event_mentions: pd.DataFrame, documents: pd.DataFrame,
                        only_blocks: Optional[set] = None) -> EventMentionPairs:
    """The first step of :func:`merge_event_mentions`: the pairs of
    asserted event mentions that may report one event (within a block, with
    compatible dates, :func:`_event_mention_pairs` and
    :func:`_reported_pairs`).  Reads neither the mentions nor the events of
    :func:`merge`."""
    em = event_mentions.copy()
    if "event_id" not in em.columns:
        em["event_id"] = ""
    frame = em.astype(object).where(em.notna(), "")
    docs = documents if documents is not None else pd.DataFrame(columns=["doc_id"])
    doc_source = {str(d): (s if isinstance(s, str) else "") for d, s in zip(
        docs.get("doc_id", []), docs["source"] if "source" in docs.columns
        else [""] * len(docs))}
    duplicates = set()
    if "duplicate_of" in docs.columns:
        duplicates = {str(d) for d, dup in zip(docs["doc_id"], docs["duplicate_of"])
                      if isinstance(dup, str) and dup}
    n = len(frame)
    # the columns read below, as lists (iterating a Series boxes every cell)
    col = {name: frame[name].to_list() if name in frame.columns else [""] * n
           for name in ("trigger", "no_event", "doc_id", "date_start", "date_end", "object",
                        "actors", "date_source", "mention_id", "tense", "aspect")}
    triggers = [str(t) for t in col["trigger"]]
    objects_text = [str(o) for o in col["object"]]
    date_sources = [str(s) for s in col["date_source"]]
    keep = [bool(t) and not str(ne) and str(d) not in duplicates
            for t, ne, d in zip(triggers, col["no_event"], col["doc_id"])]
    blocks = [event_block(s, e, t, o) for s, e, t, o in zip(
        col["date_start"], col["date_end"], triggers, objects_text)]
    active = [k and (only_blocks is None or b in only_blocks) for k, b in zip(keep, blocks)]
    lex = lexicon()
    day_starts = [_parse_day(v) for v in col["date_start"]]
    day_ends = [_parse_day(v) for v in col["date_end"]]
    # a mention placed at the publication date with no time in the text (date_source
    # "reported", a past or perfect clause) happened on or before that date: its interval
    # opens at the start of its block's year, so that it joins a dated mention of the same
    # event on or before its publication (its block keeps it in that year)
    open_start = [_reported_before(src, tense, aspect) for src, tense, aspect in zip(
        date_sources, col["tense"], col["aspect"])]
    pair_columns = {
        "doc_id": col["doc_id"],
        "_start": [d.toordinal() if d else None for d in day_starts],
        "_end": [(e if e and s and e >= s else s).toordinal() if s else None
                 for s, e in zip(day_starts, day_ends)],
        "_actor_keys": [actor_keys(str(a)) if act else frozenset()
                        for a, act in zip(col["actors"], active)],
        "_object_words": [object_words(o) if act else frozenset()
                          for o, act in zip(objects_text, active)],
        "_weak": [s in ("reported", "none", "") for s in date_sources],
        "_reporting": [t.lower() in lex.reporting for t in triggers],
    }
    mention_ids = [str(m) for m in col["mention_id"]]
    doc_ids = [str(d) for d in col["doc_id"]]
    big = date.max.toordinal()
    starts = [s if s is not None else 0 for s in pair_columns["_start"]]
    ends = [e if e is not None else big for e in pair_columns["_end"]]
    by_block: dict = defaultdict(list)
    ids = frame["event_mention_id"].astype(str).to_list()
    for i in range(n):
        if active[i]:
            by_block[blocks[i]].append(i)
    settings = merge_settings()
    min_objects = int(settings.get("event_mentions", {}).get("min_object_words", 2))
    cap = max_pairs_per_mention()
    found = []
    for members in by_block.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (starts[i], ends[i], doc_ids[i], ids[i]))
        pairs = _event_mention_pairs(pair_columns, members, cap, min_objects)
        pairs += _reported_pairs(pair_columns, members, open_start, cap, min_objects)
        # reported mentions join dated ones first: two reports of different days
        # joined first would narrow each other to the earlier day
        found.append(sorted(pairs, key=lambda p: open_start[p[0]] and open_start[p[1]]))
    return EventMentionPairs(em, frame, doc_source, keep, active, day_starts, open_start,
                             starts, ends, date_sources, mention_ids, ids, found)


def _new_clusters(p: EventMentionPairs) -> "_Clusters":
    """The union-find of :func:`merge_event_mentions` before any union: each
    row's own interval, a reported one's opened to the start of its year."""
    return _Clusters([date(day.year, 1, 1).toordinal() if before and day else s
                      for s, day, before in zip(p.starts, p.day_starts, p.open_start)], p.ends)


def _row_records(p: EventMentionPairs) -> list:
    """The records the row builders read (:data:`_ROW_COLUMNS` only), made once."""
    if p.records is None:
        p.records = tables.records(p.frame[[c for c in _ROW_COLUMNS if c in p.frame.columns]])
    return p.records


def _groups(clusters: "_Clusters", rows: Iterable[int], open_start: list,
            starts: list) -> dict:
    """The groups of the union-find over ``rows`` (root -> members, in row
    order); a group of reported mentions alone is placed at the earliest
    publication (on or before each of them)."""
    groups: dict = defaultdict(list)
    for i in rows:
        groups[clusters.find(i)].append(i)
    for root, members in groups.items():
        if all(open_start[i] for i in members if starts[i]) and any(open_start[i] for i in members):
            clusters.start[root] = clusters.end[root]
    return groups


def settle_unanchored(pairs: EventMentionPairs) -> None:
    """Make, ahead of :func:`merge_event_mentions`, the events of the event
    mentions that no event of :func:`merge` can reach: those joined by
    ``pairs`` to no mention dated by its own temporal expression (date_source
    ``explicit``), which is most of them.  Their events depend on the pairs
    alone (the events of :func:`merge` only join explicit mentions), so they
    can be made while :func:`merge` runs elsewhere; ``merge_event_mentions(...,
    pairs=pairs)`` then makes the others and gives the same tables as
    without this step.  Records what it made in ``pairs`` (``settled``,
    ``settled_rows``, ``clusters``; the pairs left are the others'): a
    ``pairs`` serves one merge.  Not for a merge of ``only_blocks``."""
    p = pairs
    n = len(p.frame)
    # the rows the pairs connect (dates aside): a component holding a row dated by
    # its own expression may be joined to the events of merge(), the others not
    component = list(range(n))

    def root(i: int) -> int:
        while component[i] != i:
            component[i] = component[component[i]]
            i = component[i]
        return i

    for block_pairs in p.pairs:
        for i, j in block_pairs:
            a, b = root(i), root(j)
            if a != b:
                component[max(a, b)] = min(a, b)
    reachable = {root(i) for i in range(n) if p.active[i] and p.date_sources[i] == "explicit"}
    settled = [p.active[i] and root(i) not in reachable for i in range(n)]
    clusters = p.clusters if p.clusters is not None else _new_clusters(p)
    later = []
    for block_pairs in p.pairs:
        # (the components are disjoint: joining these before or after the
        # others' pairs and merge()'s groups gives the same groups)
        for i, j in block_pairs:
            if settled[i]:
                clusters.union(i, j)
        later.append([pair for pair in block_pairs if not settled[pair[0]]])
    records = _row_records(p)
    groups = _groups(clusters, (i for i in range(n) if settled[i]), p.open_start, p.starts)
    for root_row, members in groups.items():
        ev = _event_id([p.ids[i] for i in members])
        for i in members:
            p.settled[i] = ev
        p.settled_rows.append(_event_mention_row(ev, [records[i] for i in members],
                                                 clusters.start[root_row],
                                                 clusters.end[root_row], p.doc_source))
    p.clusters = clusters
    p.pairs = [block for block in later if block]


def merge_event_mentions(event_mentions: pd.DataFrame, mentions: pd.DataFrame,
                         events: pd.DataFrame, documents: pd.DataFrame,
                         only_blocks: Optional[set] = None,
                         pairs: Optional["EventMentionPairs"] = None
                         ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Give every asserted event mention an ``event_id``, and events.csv one
    row per event.

    event_mentions: event_mentions.csv rows; mentions, events: the output of
    :func:`merge` (mentions.csv with event_id, events.csv); documents:
    documents.csv (source, for ``n_sources``).

    * A mention dated by its own expression ("explicit") starts in the event
      of that expression (:func:`merge`: the seeds' cross-article merges).
    * Every asserted mention (``no_event`` empty, a trigger) is then merged
      within its block (:func:`event_block`: same predicate synonym set,
      same year) with the mentions whose dates are compatible (one interval
      meets the other) by :func:`_event_mention_pairs`, each compared with
      at most ``[blocking] max_pairs_per_mention`` others, so the cost is
      linear.  A group's date is the intersection of its mentions' dates; a
      union that would leave it empty is refused.  Undated mentions only
      merge with undated ones.  Two events of :func:`merge` that join keep
      the smaller id.
    * A mention left alone is an event of its own.

    With ``only_blocks`` (a set from :func:`event_blocks`), only the rows
    of those blocks are merged again; the others keep the event_id they
    have (an incremental run: re-merge the blocks new mentions touch; pass
    the previous events table as ``events``).

    pairs: what :func:`event_mention_pairs` gave for these ``event_mentions``,
    ``documents`` and ``only_blocks`` (made here if None): the pairs need
    neither ``mentions`` nor ``events``, so they can be found while
    :func:`merge` runs elsewhere.

    Returns (event_mentions with event_id; events with ``n_sources``
    (distinct outlets) and ``date_source`` (of the best-dated mention);
    mentions with the event_id of events that joined updated).
    """
    if pairs is None:
        pairs = event_mention_pairs(event_mentions, documents, only_blocks)
    p = pairs
    if len(p.frame) != len(event_mentions):
        raise ValueError("the pairs were found in another table of event mentions")
    columns = tables.EVENT_COLUMNS + tables.EVENT_SOURCE_COLUMNS
    em, frame, doc_source, keep, active = p.em, p.frame, p.doc_source, p.keep, p.active
    open_start, starts, ends, ids = p.open_start, p.starts, p.ends, p.ids
    n = len(frame)
    explicit_of = {}
    if mentions is not None and not mentions.empty and "event_id" in mentions.columns:
        explicit_of = {str(m): str(e) for m, e in zip(mentions["mention_id"],
                                                      mentions["event_id"].fillna(""))
                       if isinstance(e, str) and e}
    own = [explicit_of.get(m, "") if act and src == "explicit" else ""
           for m, src, act in zip(p.mention_ids, p.date_sources, active)]
    settled = p.settled  # the rows settle_unanchored gave an event, if it ran
    if settled and only_blocks is not None:
        raise ValueError("settle_unanchored is for a whole merge, not one of only_blocks")
    clusters = p.clusters if p.clusters is not None else _new_clusters(p)
    # mentions of one event of merge() are one group
    first_of: dict = {}
    for i in range(n):
        if own[i]:
            clusters.union(first_of.setdefault(own[i], i), i)
    # then the pairs of each block (those settle_unanchored did not join)
    for block_pairs in p.pairs:
        for i, j in block_pairs:
            clusters.union(i, j)
    groups = _groups(clusters, (i for i in range(n) if active[i] and i not in settled),
                     open_start, starts)
    previous = frame["event_id"].astype(str).to_list()
    event_ids = list(previous) if only_blocks is not None else [""] * n
    for i in range(n):
        if not keep[i]:
            event_ids[i] = ""
    for i, ev in settled.items():
        event_ids[i] = ev
    old_events = {} if events is None or events.empty else {
        str(r["event_id"]): r for r in tables.records(events)}
    # the records of the row builders (:func:`_event_mention_row`,
    # :func:`_joined_event_row`): only the columns they read
    records = _row_records(p)
    rows_of: dict = {}
    remap: dict = {}
    for root, members in groups.items():
        explicit = sorted({own[i] for i in members if own[i]})
        ev = explicit[0] if explicit and explicit[0] not in rows_of \
            else _event_id([ids[i] for i in members])
        for other in explicit[1:]:
            remap[other] = ev
        for i in members:
            event_ids[i] = ev
        rows_of[ev] = ([records[i] for i in members], explicit, clusters.start[root],
                       clusters.end[root])
    em["event_id"] = event_ids
    stale = set(remap) | (set() if only_blocks is None else (
        {previous[i] for i in range(n) if active[i] and previous[i]} - set(rows_of)))
    out_rows = []
    for ev, row in old_events.items():
        if ev in stale:
            continue
        if ev in rows_of:
            rows, explicit, start, end = rows_of.pop(ev)
            if str(row.get("date_source", "")) in ("", "explicit", "reported") \
                    and "mention_ids" in row:
                joined = [old_events[e] for e in explicit if e in old_events]
                out_rows.append(_joined_event_row(row, rows, joined, start, end, doc_source))
            else:
                out_rows.append(_event_mention_row(ev, rows, start, end, doc_source))
        else:
            out_rows.append(row if only_blocks is not None and "n_sources" in row
                            else _joined_event_row(row, [], [], None, None, doc_source))
    for ev, (rows, _, start, end) in rows_of.items():
        out_rows.append(_event_mention_row(ev, rows, start, end, doc_source))
    out_rows += p.settled_rows
    table = tables.frame(out_rows, columns)
    table = table.sort_values(["date_start", "date_end", "event_id"], kind="stable",
                              na_position="last")
    if mentions is not None and remap and "event_id" in mentions.columns:
        mentions = mentions.copy()
        mentions["event_id"] = [remap.get(e, e) if isinstance(e, str) else e
                                for e in mentions["event_id"]]
    return em, table.reset_index(drop=True), mentions


def _interval(start: Optional[int], end: Optional[int]) -> tuple[str, str]:
    big = date.max.toordinal()
    if start is None or start <= 0 or end is None or end >= big:
        return "", ""
    return date.fromordinal(start).isoformat(), date.fromordinal(end).isoformat()


def _outlets(doc_ids: Iterable[str], doc_source: dict) -> list[str]:
    return sorted({doc_source.get(d, "") or d for d in doc_ids})


def _best_source(rows: list[dict]) -> str:
    sources = [str(r.get("date_source", "") or "none") for r in rows]
    known = [s for s in sources if s in DATE_SOURCE_ORDER]
    return min(known, key=DATE_SOURCE_ORDER.index) if known else "none"


def _joined_event_row(row: dict, rows: list[dict], joined: list[dict],
                      start: Optional[int], end: Optional[int], doc_source: dict) -> dict:
    """An events.csv row of :func:`merge`, with the documents of the event
    mentions (and the other events of :func:`merge`) that joined it, the
    group's date, and its n_sources and date_source."""
    row = dict(row)
    doc_ids = set(_split(row.get("doc_ids", ""))) | {str(r["doc_id"]) for r in rows}
    mention_ids = set(_split(row.get("mention_ids", "")))
    for other in joined:
        doc_ids |= set(_split(other.get("doc_ids", "")))
        mention_ids |= set(_split(other.get("mention_ids", "")))
    row["doc_ids"] = tables.LIST_SEP.join(sorted(doc_ids))
    row["mention_ids"] = tables.LIST_SEP.join(sorted(mention_ids))
    row["sources"] = tables.LIST_SEP.join(
        sorted({doc_source.get(d, "") for d in doc_ids} - {""}))
    row["n_docs"] = len(doc_ids)
    row["n_sources"] = len(_outlets(doc_ids, doc_source))
    first, last = _interval(start, end)
    if first and (first, last) != (row.get("date_start"), row.get("date_end")):
        row["date_start"], row["date_end"] = first, last
    own = "reported" if row.get("granularity") == "reported" else "explicit"
    row["date_source"] = _best_source([*rows, {"date_source": own}])
    return row


def _reported_before(date_source: str, tense, aspect) -> bool:
    """A mention dated only by its publication ("reported") in a past or perfect
    clause: it happened on or before the publication date (a state in the simple
    present holds at it)."""
    if date_source != "reported":
        return False
    return str(tense).upper() != "PRESENT" or str(aspect).upper() == "PERFECTIVE"


#: the columns of event_mentions.csv that :func:`_event_mention_row` and
#: :func:`_joined_event_row` read
_ROW_COLUMNS = ("event_mention_id", "doc_id", "trigger", "text", "summary", "actors", "object",
                "sentence", "date_start", "date_end", "granularity", "date_source",
                "confidence")


def _single_event_row(event_id: str, row: dict, start: Optional[int], end: Optional[int],
                      doc_source: dict) -> dict:
    """:func:`_event_mention_row` of a group of one record (most events), made
    without the choices a group needs: the same row."""
    doc_id = str(row["doc_id"])
    source = row.get("date_source")
    if source not in DATE_SOURCE_ORDER:
        source = "none"
    first, last = _interval(start, end)
    confidence = _number(row.get("confidence"))
    return {
        "event_id": event_id,
        "date_start": first,
        "date_end": last,
        "granularity": row.get("granularity", "") or "",
        "summary": row.get("summary") or row.get("text", ""),
        "trigger": str(row.get("trigger", "")),
        "actors": _actors_of_one(str(row.get("actors", "") or "")),
        "object": row.get("object", "") or "",
        "doc_ids": doc_id,
        "sources": doc_source.get(doc_id, ""),
        "n_docs": 1,
        "mention_ids": "",
        "texts": str(row.get("text", "")),
        "sentence": row.get("sentence", "") or "",
        "confidence": 0.0 if source == "none" else _confidence(
            confidence if confidence > 0 else 0.0, 1, 1, source == "reported"),
        "n_sources": 1,
        "date_source": source,
    }


def _event_mention_row(event_id: str, rows: list[dict], start: Optional[int],
                       end: Optional[int], doc_source: dict) -> dict:
    """The events.csv row of a group of event mention records that no
    temporal expression of their own dates."""
    def quality(r: dict) -> tuple:
        summary = str(r.get("summary", "") or "")
        return (DATE_SOURCE_ORDER.index(r.get("date_source")) * -1
                if r.get("date_source") in DATE_SOURCE_ORDER else -9,
                bool(r.get("actors")), bool(r.get("object")),
                len(summary.split()) > 2, _number(r.get("confidence")),
                str(r.get("event_mention_id")))
    if len(rows) == 1:  # most events: one mention, no choice to make
        return _single_event_row(event_id, rows[0], start, end, doc_source)
    best = max(rows, key=quality)
    triggers = Counter(str(r.get("trigger", "")) for r in rows)
    trigger = max(triggers.items(), key=lambda kv: (kv[1], kv[0] == best.get("trigger"),
                                                     kv[0]))[0]
    doc_ids = sorted({str(r["doc_id"]) for r in rows})
    actors = tables.LIST_SEP.join(_union_names(str(r.get("actors", "") or "") for r in rows))
    texts = tables.LIST_SEP.join(dict.fromkeys(str(r.get("text", "")) for r in rows))
    n_sources = len(_outlets(doc_ids, doc_source))
    source = _best_source(rows)
    confidences = [c for c in (_number(r.get("confidence")) for r in rows) if c > 0] or [0.0]
    base = sum(confidences) / len(confidences)
    first, last = _interval(start, end)
    exact = [r for r in rows if (r.get("date_start"), r.get("date_end")) == (first, last)]
    return {
        "event_id": event_id,
        "date_start": first,
        "date_end": last,
        "granularity": (exact[0] if exact else best).get("granularity", "") or "",
        "summary": best.get("summary") or best.get("text", ""),
        "trigger": trigger,
        "actors": actors,
        "object": best.get("object", "") or "",
        "doc_ids": tables.LIST_SEP.join(doc_ids),
        "sources": tables.LIST_SEP.join(sorted({doc_source.get(d, "") for d in doc_ids} - {""})),
        "n_docs": len(doc_ids),
        # (no temporal expression of its own: those dating it by inheritance
        # or narrative are in event_mentions.csv's mention_id)
        "mention_ids": "",
        "texts": texts,
        "sentence": best.get("sentence", "") or "",
        "confidence": 0.0 if source == "none" else _confidence(
            base, n_sources, len(doc_ids), source == "reported"),
        "n_sources": n_sources,
        "date_source": source,
    }
