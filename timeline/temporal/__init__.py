"""Temporal expressions: find them cheaply, then resolve them.

Two stages around the spaCy parse (see :mod:`timeline.article`):

* :func:`find` tries the patterns of ``resources/temporal/patterns.toml``
  (regular expressions compiled once, tried only near trigger words) and
  keeps the longest non-overlapping matches as candidate :class:`Mention` s;
  it marks the sentences holding one so that only those get parsed.
* :func:`resolve` gives each candidate its TIMEX3 type and value and the
  interval it denotes, anchored on the publication date (or on the date
  named just before, for "the following day"), choosing past or future by
  the tense of the clause.  It drops candidates that are not temporal after
  all ("May" the modal verb, "2000 people").

The rules are data (``resources/temporal/*.toml``: vocabulary, patterns,
resolution); this package only applies them.  The machine's clock is never
read: without a publication date, relative expressions stay unresolved
(values with "X", anchor "none").

Modules: :mod:`.rules` (loading), :mod:`.values` (calendar granules and
their values), :mod:`.tense`, :mod:`.resolvers` (one per pattern kind).
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import re
from datetime import date
from typing import Optional

from .. import sentences as sentences_mod
from ..article import Article, Mention
from .resolvers import RESOLVERS, Context, Result, is_spurious
from .rules import Rules, fold, norm, rules
from .tense import tense
from .values import Point, duration_value, parse_number, parse_year

__all__ = ["find", "resolve", "tag", "infer_publication_date", "rules", "tense", "Point",
           "parse_number", "parse_year", "duration_value", "Rules"]

#: Confidence kept for a mention anchored on an inferred publication date.
INFERRED_FACTOR = 0.6

#: No expression reaches further than this many characters from its trigger
#: word ("each of the past three years" starts 22 characters before "years").
_WINDOW = 48


# --- find --------------------------------------------------------------------------


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged stretches of text around the trigger words: the only places
    where the patterns are tried."""
    out: list[list[int]] = []
    for t in rules().trigger.finditer(text):
        s, e = max(0, t.start() - _WINDOW), min(len(text), t.end() + _WINDOW)
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _matches(text: str, everywhere: bool = False) -> list[tuple[int, re.Match]]:
    """(pattern index, match) of every pattern near a trigger (``everywhere``:
    over the whole text, for checking the triggers), then the longest
    non-overlapping ones (equal length: the one with more context, then the
    pattern listed first)."""
    r = rules()
    found = []
    for ws, we in [(0, len(text))] if everywhere else _windows(text):
        # a pattern runs only where the words it needs are (Pattern.needs);
        # a match lies within the window, so the window holds them
        held = None if everywhere else r.held(fold(text[ws:we]))
        for i, pat in enumerate(r.patterns):
            if held is not None and not pat.needs <= held:
                continue
            for m in pat.regex.finditer(text, ws, we):
                if m.end() == we and we < len(text):     # may be cut short: match again
                    m = pat.regex.match(text, m.start())
                    if m is None:
                        continue
                if pat.requires and not any(m.group(k) for k in pat.requires):
                    continue
                s, e = m.span("span") if m.groupdict().get("span") is not None else m.span()
                found.append((s - e, m.start() - m.end(), i, s, e, m))
    found.sort(key=lambda t: t[:4])
    taken: list[tuple[int, int]] = []          # sorted, non-overlapping spans
    kept = []
    for _, _, i, s, e, m in found:
        k = bisect.bisect_left(taken, (s, e))
        if (k > 0 and taken[k - 1][1] > s) or (k < len(taken) and taken[k][0] < e):
            continue
        taken.insert(k, (s, e))
        kept.append((i, m))
    return kept


def _parts(m: re.Match) -> list[tuple[tuple[int, int], dict, str]]:
    """The expressions of one match: one, or two for a range ("from 19 to
    20 December": p1 takes the plain groups, p2 those ending in 2, both
    share the rest)."""
    groups = {k: v for k, v in m.groupdict().items() if v is not None}
    if "p1" in groups and "p2" in groups:
        shared = {k: v for k, v in groups.items() if not k.endswith("2") and k not in ("p1", "p2")}
        second = dict(shared)
        second.update({k[:-1]: v for k, v in groups.items() if k.endswith("2") and k != "p2"})
        first = {k: v for k, v in shared.items()
                 if not (k == "day" and m.start("day") >= m.end("p1"))}
        return [(m.span("p1"), first, "1"), (m.span("p2"), second, "2")]
    if "span" in groups:
        return [(m.span("span"), groups, "")]
    return [(m.span(), groups, "")]


def find(article: Article, mark_parse: bool = True) -> Article:
    """Append candidate mentions (regex only, no parse) and, with
    ``mark_parse``, mark ``needs_parse`` the sentences where a parse can
    matter to a temporal result (a trial resolution: the pipeline, which
    parses every sentence for its events, skips it).

    Requires ``article.sentences`` (:func:`timeline.sentences.split`).  The
    candidates carry ``rule``, ``sentence`` and, in ``extra``, the captured
    ``groups`` and the pattern ``kind``.  Returns the same article.
    """
    text = article.text
    pats = rules().patterns
    starts = [s.start for s in article.sentences]
    new = []
    for i, m in _matches(text):
        for (s, e), groups, part in _parts(m):
            k = max(bisect.bisect_right(starts, s) - 1, 0) if starts else -1
            new.append(Mention(start=s, end=e, text=text[s:e], rule=pats[i].name, sentence=k,
                               extra={"groups": groups, "kind": pats[i].kind, "part": part}))
    article.mentions = sorted(article.mentions + new, key=lambda x: x.start)
    if mark_parse:
        for k in _sentences_to_parse(article, new):
            article.sentences[k].needs_parse = True
    return article


def _sentences_to_parse(article: Article, candidates: list[Mention]) -> set[int]:
    """The sentences whose parse can change a result: those holding a
    candidate that, resolved from the words alone, is dropped (the parse may
    keep it: "may", "March") or is a DATE/TIME with a date, even a partial
    one such as XXXX-12-19 (the parse gives its tense, and the events stage
    its predicate).  Sentences holding only
    durations, sets and undated references ("now", "recent years") are not
    parsed: on news this spares about a fifth of the parsing."""
    if not candidates or not article.sentences:
        return set()
    trial = copy.copy(article)
    trial.mentions = [dataclasses.replace(m, extra=dict(m.extra)) for m in article.mentions]
    resolve(trial)
    resolved = {(m.start, m.end): m for m in trial.mentions}
    wanted = set()
    for m in candidates:
        r = resolved.get((m.start, m.end))
        if r is None or (r.type in ("DATE", "TIME")
                         and (r.date_start is not None or any(c.isdigit() for c in r.value))):
            wanted.add(m.sentence)
    return wanted


# --- resolve -----------------------------------------------------------------------


def resolve(article: Article) -> Article:
    """Fill type, value, interval, granularity, mod, anchor and confidence of
    every candidate, in text order; drop those that are not temporal.

    Uses ``article.published`` (may be None) and each sentence's parse when
    there is one (``sentence.doc``; otherwise lexical tense cues).  Mentions
    already resolved by another stage are kept as they are.  Returns the
    article.
    """
    ctx = Context(article)
    kept: list[Mention] = []
    for m in article.mentions:
        if "kind" not in m.extra:
            kept.append(m)
            continue
        if is_spurious(article, m):
            continue
        ctx.start(m)
        result = RESOLVERS[m.extra["kind"]](m, m.extra.get("groups", {}), ctx)
        if result is None:
            continue
        _apply(m, result)
        m.extra["tense"] = ctx.known_tense()
        if article.published_inferred and m.anchor == "publication":
            m.confidence = round(m.confidence * INFERRED_FACTOR, 3)
        kept.append(m)
        if result.point is not None and result.point.year is not None \
                and m.type in ("DATE", "TIME") and not m.anchor.startswith("mention") \
                and m.rule != "overnight" \
                and not _BOUND_BEFORE.search(article.text, max(0, m.start - 16), m.start):
            ctx.history.append((len(kept) - 1, result.point))
            ctx.sentence_of[len(kept) - 1] = m.sentence
    article.mentions = kept
    return article


#: a date right after "since" only bounds a comparison ("the lowest since
#: Sept. 25"): later anaphora ("earlier in the day") do not point back to
#: it; nor to "overnight", a night next to the day of the story
_BOUND_BEFORE = re.compile(r"\bsince\s+$", re.IGNORECASE)


def _apply(m: Mention, r: Result) -> None:
    pat = rules().by_name.get(m.rule)
    m.type = (pat.type if pat is not None and pat.type else "") or r.type
    m.mod, m.anchor, m.confidence = r.mod, r.anchor, r.confidence
    m.date_start = m.date_end = None
    m.granularity = ""
    if r.point is not None:
        m.value = r.value or r.point.value()
        m.granularity = r.point.granularity()
        if r.point.year is not None:
            m.date_start, m.date_end = r.point.start(), r.point.end()
    else:
        m.value = r.value
        if m.type != "SET":
            m.date_start, m.date_end = r.start, r.end
    if not m.value or m.date_start is None and m.type in ("DATE", "TIME") and "X" in m.value:
        m.anchor = "none" if not m.anchor.startswith("mention") else m.anchor
        m.confidence = min(m.confidence, 0.5)


# --- convenience -------------------------------------------------------------------


def tag(text: str, published: Optional[date | str], nlp=None, doc_id: str = "") -> Article:
    """Tag one text: split, find, parse (with ``nlp``, else the installed
    model if any; ``nlp=False`` skips the parse), resolve.  ``published`` is
    a date, an ISO date string ("2025-11-21") or None.  Returns the Article
    with its mentions."""
    from .. import nlp as nlp_mod

    if isinstance(published, str):
        published = date.fromisoformat(published[:10]) if published else None
    article = Article(doc_id=doc_id, text=text, published=published)
    sentences_mod.split(article)
    find(article)
    if nlp is None:
        try:
            nlp = nlp_mod.load()
        except nlp_mod.ModelNotFound:       # lexical tense cues only
            nlp = False
    if nlp is not False:
        nlp_mod.parse([article], nlp)
    return resolve(article)


_MONTHS = (r"January|February|March|April|May|June|July|August|September|October|November|"
           r"December")
_DATELINE_DM = re.compile(r"(?<!\d)(?P<day>3[01]|[12]\d|0?[1-9])\s*(?P<month>" + _MONTHS + r")"
                          r"(?:,?\s*(?P<year>(?:19|20)\d\d))?(?![a-z])")
_DATELINE_MD = re.compile(r"(?P<month>" + _MONTHS + r")\s*(?P<day>3[01]|[12]\d|0?[1-9])(?!\d)"
                          r"(?:,?\s*(?P<year>(?:19|20)\d\d))?")
_YEAR = re.compile(r"(?<![\d$.,])((?:19|20)\d\d)(?![\d%])")


def infer_publication_date(article: Article, lines: int = 4) -> Article:
    """When ``published`` is None, take it from a dateline in the first
    lines ("Viewsnow21 November" run together in a scraped page).

    A dateline without a year takes it from the text itself: the latest
    year written in a sentence that does not look ahead ("will", "next"
    ...); with no year in the text the date stays unknown.  Sets
    ``published_inferred``; mentions resolved against the inferred date get
    lower confidence (:data:`INFERRED_FACTOR`).  Returns the article.
    """
    if article.published is not None:
        return article
    head = "\n".join(article.text.splitlines()[:lines])
    match = _DATELINE_DM.search(head) or _DATELINE_MD.search(head)
    if not match:
        return article
    month = rules().vocab["months"][norm(match.group("month"))]
    day = int(match.group("day"))
    year = int(match.group("year")) if match.group("year") else _year_from_text(article.text)
    if year is None:
        return article
    try:
        article.published = date(year, month, day)
    except ValueError:
        return article
    article.published_inferred = True
    return article


def _year_from_text(text: str) -> Optional[int]:
    future = rules().resolution["tense"]["lexical_future"]
    years = []
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if not future.search(sentence):
                years += [int(y) for y in _YEAR.findall(sentence)]
    return max(years) if years else None
