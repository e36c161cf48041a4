"""Temporal expressions: find them cheaply, then resolve them.

Two stages around the spaCy parse (see :mod:`timeline.article`):

* :func:`find` runs the patterns of ``resources/temporal/patterns.toml`` (regular
  expressions over the whole text, compiled once) and keeps the longest
  non-overlapping matches as candidate :class:`Mention` s; it marks the
  sentences holding one so that only those are parsed.
* :func:`resolve` gives each candidate its TIMEX3 type and value and the
  interval it denotes, anchored on the publication date (or on the date
  mentioned just before, for "the following day"), choosing past or future
  by the tense of the clause.  It drops candidates that are not temporal
  after all ("May" the modal verb, "2000 people").

The rules are data (``resources/temporal/*.toml``); this module only applies
them.  The machine's clock is never read: without a publication date,
relative expressions stay unresolved (values with ``X``, anchor ``"none"``).
"""

from __future__ import annotations

import bisect
import calendar as _cal
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Optional

from . import sentences as sentences_mod
from .article import Article, Mention

RESOURCES = "timeline.resources.temporal"

# --- the rules, loaded once ---------------------------------------------------


@dataclass
class Pattern:
    """One rule of patterns.toml, compiled."""

    name: str
    kind: str
    regex: re.Pattern
    type: str = ""
    value: str = ""
    examples: tuple = ()
    requires: tuple = ()


@dataclass
class Rules:
    vocab: dict          # table name -> {normalised word: meaning}
    patterns: list       # of Pattern, in priority order
    by_name: dict


_CASE_SENSITIVE = {"months", "weekdays", "holidays"}
_MACRO_TABLES = {
    "MONTH": "months", "WEEKDAY": "weekdays", "SEASON": "seasons", "PART": "parts_of_day",
    "NUMWORD": "numbers", "VAGUE": "vague_numbers", "ORDWORD": "ordinals",
    "DECADEWORD": "decade_words", "UNIT": "units", "HOLIDAY": "holidays",
    "QMOD": "quantity_modifiers", "PMOD": "position_modifiers", "REL": "relative_words",
    "ANAPHOR": "anaphoric_words", "DEICTIC": "deictic_days",
}
_SPACE = r"[^\S\n]+"
_OPT_SPACE = r"[^\S\n]*"


def norm(word: str) -> str:
    """Lookup key of a word: lower case, single spaces, no final dot, ’ -> '."""
    return re.sub(r"\s+", " ", word.strip().lower().replace("’", "'")).rstrip(".")


def _word_regex(word: str) -> str:
    body = re.escape(word.rstrip("."))
    body = body.replace(r"\ ", _SPACE).replace(" ", _SPACE).replace("'", "['’]")
    return body + (r"\.?" if word.endswith(".") else "")


def _table_regex(name: str, table: dict) -> str:
    words = sorted(table, key=len, reverse=True)
    alts = [_word_regex(w) for w in words]
    if name in _CASE_SENSITIVE:
        alts += [_word_regex(w.upper()) for w in words if not w.endswith(".")]
        return "(?-i:" + "|".join(alts) + ")"
    return "(?:" + "|".join(alts) + ")"


def _spaces(regex: str) -> str:
    """A literal space is white space (not a line break); " ?" is optional."""
    return re.sub(r" (\?|\*)?", lambda m: _OPT_SPACE if m.group(1) else _SPACE, regex)


def _expand(regex: str, macros: dict) -> str:
    for _ in range(6):
        new = re.sub(r"\{([A-Z][A-Z_0-9]*)\}", lambda m: macros[m.group(1)], regex)
        if new == regex:
            break
        regex = new
    return regex


def _read_toml(name: str) -> dict:
    return tomllib.loads(resources.files(RESOURCES).joinpath(name).read_text("utf-8"))


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The vocabulary and the compiled patterns (loaded once per process)."""
    raw_vocab = _read_toml("vocabulary.toml")
    spec = _read_toml("patterns.toml")
    vocab = {name: {norm(k): v for k, v in table.items()} for name, table in raw_vocab.items()}
    macros = {macro: _table_regex(table, raw_vocab[table]) for macro, table in _MACRO_TABLES.items()}
    macros.update({k: _spaces(v) for k, v in spec.get("macros", {}).items()})
    patterns = []
    for item in spec["pattern"]:
        body = _expand(_spaces(item["regex"]), macros)
        regex = re.compile(r"(?<![\w-])(?:" + body + r")(?![\w]|-\w)", re.IGNORECASE)
        patterns.append(Pattern(item["name"], item["kind"], regex, item.get("type", ""),
                                item.get("value", ""), tuple(item.get("examples", ())),
                                tuple(item.get("requires", ()))))
    return Rules(vocab, patterns, {p.name: p for p in patterns})


# --- the value model ------------------------------------------------------------

_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
_SEASON_ORDER = ["WI", "SP", "SU", "FA"]
_GRAN_RANK = {"time": 0, "part": 1, "day": 2, "weekend": 3, "week": 4, "month": 5, "season": 6,
              "quarter": 6, "half": 7, "year": 8, "decade": 9, "century": 10}


def _season_of(d: date) -> tuple[int, str]:
    m = d.month
    if m == 12:
        return d.year, "WI"
    if m <= 2:
        return d.year - 1, "WI"
    return d.year, ("SP" if m <= 5 else "SU" if m <= 8 else "FA")


def _month_add(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _clamp_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _cal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Point:
    """A calendar granule: a day, a week, a month, a quarter, a year ...

    ``year`` None means the year is unknown (value "XXXX-..."); for weeks,
    ``year``/``week`` are ISO.  ``day`` is the start date for granularities
    day/part/time/week/weekend.
    """

    gran: str
    year: Optional[int] = None
    month: int = 0
    dom: int = 0            # day of month
    week: int = 0
    quarter: int = 0
    half: int = 0
    season: str = ""
    part: str = ""          # MO AF EV NI
    hour: int = -1
    minute: int = -1

    # construction
    @staticmethod
    def of_day(d: date, gran: str = "day") -> "Point":
        if gran == "day":
            return Point("day", d.year, d.month, d.day)
        if gran in ("week", "weekend"):
            iso = d.isocalendar()
            return Point(gran, iso[0], week=iso[1])
        if gran == "month":
            return Point("month", d.year, d.month)
        if gran == "quarter":
            return Point("quarter", d.year, quarter=(d.month - 1) // 3 + 1)
        if gran == "half":
            return Point("half", d.year, half=1 if d.month <= 6 else 2)
        if gran == "season":
            y, s = _season_of(d)
            return Point("season", y, season=s)
        if gran == "year":
            return Point("year", d.year)
        if gran == "decade":
            return Point("decade", d.year // 10 * 10)
        if gran == "century":
            return Point("century", d.year // 100 * 100)
        raise ValueError(gran)

    def start(self) -> Optional[date]:
        """First day of the granule (None when the year is unknown)."""
        y = self.year
        if y is None or y < 1 or y > 9999:
            return None
        try:
            if self.gran in ("day", "part", "time"):
                return date(y, self.month, self.dom)
            if self.gran == "week":
                return date.fromisocalendar(y, self.week, 1)
            if self.gran == "weekend":
                return date.fromisocalendar(y, self.week, 6)
            if self.gran == "month":
                return date(y, self.month, 1)
            if self.gran == "quarter":
                return date(y, 3 * self.quarter - 2, 1)
            if self.gran == "half":
                return date(y, 1 if self.half == 1 else 7, 1)
            if self.gran == "season":
                return date(y, _SEASON_MONTHS[self.season][0], 1)
            return date(y, 1, 1)
        except ValueError:
            return None

    def end(self) -> Optional[date]:
        """Last day of the granule (inclusive)."""
        s = self.start()
        if s is None:
            return None
        g = self.gran
        try:
            if g in ("day", "part", "time"):
                return s
            if g == "week":
                return s + timedelta(days=6)
            if g == "weekend":
                return s + timedelta(days=1)
            if g in ("month", "quarter", "half", "season"):
                months = {"month": 1, "quarter": 3, "half": 6, "season": 3}[g]
                y, m = _month_add(s.year, s.month, months)
                return date(y, m, 1) - timedelta(days=1)
            span = {"year": 1, "decade": 10, "century": 100}[g]
            return date(min(s.year + span - 1, 9999), 12, 31)
        except ValueError:
            return None

    def value(self) -> str:
        y = "XXXX" if self.year is None else f"{self.year:04d}"
        g = self.gran
        if g == "century":
            return "XX" if self.year is None else f"{self.year // 100:02d}"
        if g == "decade":
            return "XXX" if self.year is None else f"{self.year // 10:03d}"
        if g == "year":
            return y
        if g == "half":
            return f"{y}-H{self.half}"
        if g == "quarter":
            return f"{y}-Q{self.quarter}" if self.quarter else f"{y}-QX"
        if g == "season":
            return f"{y}-{self.season}"
        if g == "month":
            return f"{y}-{self.month:02d}" if self.month else f"{y}-XX"
        if g in ("week", "weekend"):
            w = f"{y}-W{self.week:02d}" if self.week else f"{y}-WXX"
            return w + ("-WE" if g == "weekend" else "")
        mm = f"{self.month:02d}" if self.month else "XX"
        dd = f"{self.dom:02d}" if self.dom else "XX"
        day = f"{y}-{mm}-{dd}"
        if g == "part":
            return f"{day}T{self.part}"
        if g == "time":
            if self.hour == 24:
                return f"{day}T24:00"
            return f"{day}T{self.hour:02d}:{max(self.minute, 0):02d}"
        return day

    def granularity(self) -> str:
        return {"part": "time", "weekend": "week", "half": "half"}.get(self.gran, self.gran)

    def coarsen(self, gran: str) -> "Point":
        """The granule of ``gran`` holding this one (itself if not coarser)."""
        if _GRAN_RANK.get(gran, 99) <= _GRAN_RANK.get(self.gran, 99):
            return self
        s = self.start()
        if s is None:
            if gran == "year":
                return Point("year", None)
            if gran == "month" and self.month:
                return Point("month", None, self.month)
            return replace(self, gran=gran)
        return Point.of_day(s, gran)

    def day_point(self) -> Optional["Point"]:
        s = self.start()
        return Point.of_day(s) if s and self.gran in ("day", "part", "time") else None

    def shift(self, n: int, unit: str) -> "Point":
        """Move by ``n`` units ("day", "week", "month", "quarter", "year" ...)."""
        if self.year is None or n == 0:
            return self
        if unit in ("decade", "century"):
            n, unit = n * (10 if unit == "decade" else 100), "year"
        if unit == "half":
            n, unit = n * 6, "month"
        if unit == "season":
            n, unit = n * 3, "month"
        g = self.gran
        s = self.start()
        if s is None:
            return self
        if unit in ("day", "week", "weekend"):
            days = n * (7 if unit in ("week", "weekend") else 1)
            moved = Point.of_day(s + timedelta(days=days), "day" if g in ("part", "time") else
                                 ("week" if g == "weekend" else g) if g not in ("decade", "century") else g)
            if g == "weekend":
                moved = replace(moved, gran="weekend")
            if g in ("part", "time"):
                moved = replace(self, year=moved.year, month=moved.month, dom=moved.dom)
            return moved
        months = n * {"month": 1, "quarter": 3, "year": 12}.get(unit, 12)
        if g in ("week", "weekend"):
            y, m = _month_add(s.year, s.month, months)
            moved = Point.of_day(_clamp_day(y, m, s.day), "week")
            return replace(moved, gran=g)
        if g == "season":
            y, m = _month_add(s.year, s.month, months)
            return replace(self, year=y if self.season != "WI" or m == 12 else y - 1)
        y, m = _month_add(s.year, s.month, months)
        d = _clamp_day(y, m, s.day)
        if g in ("day", "part", "time"):
            return replace(self, year=d.year, month=d.month, dom=d.day)
        return Point.of_day(d, g) if g not in ("decade", "century") else replace(self, year=y)


# --- find -----------------------------------------------------------------------


def _sentence_index(starts: list[int], char: int) -> int:
    return max(bisect.bisect_right(starts, char) - 1, 0)


def find(article: Article) -> Article:
    """Append candidate mentions (regex only) and mark their sentences.

    Requires ``article.sentences``.  Overlapping matches: the longest wins,
    then the pattern listed first.  Returns the same article.
    """
    text = article.text
    pats = rules().patterns
    matches = []
    for i, pat in enumerate(pats):
        for m in pat.regex.finditer(text):
            if pat.requires and not any(m.group(k) for k in pat.requires):
                continue
            matches.append((m.start() - m.end(), i, m))
    matches.sort(key=lambda t: (t[0], t[1], t[2].start()))
    taken: list[tuple[int, int]] = []           # sorted, non-overlapping
    kept = []
    for _, i, m in matches:
        s, e = m.span()
        k = bisect.bisect_left(taken, (s, e))
        if k > 0 and taken[k - 1][1] > s:
            continue
        if k < len(taken) and taken[k][0] < e:
            continue
        taken.insert(k, (s, e))
        kept.append((i, m))
    starts = [s.start for s in article.sentences]
    new = []
    for i, m in kept:
        pat = pats[i]
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        if "p1" in groups and "p2" in groups:
            shared = {k: v for k, v in groups.items() if not k.endswith("2") and k not in ("p1", "p2")}
            second = dict(shared)
            second.update({k[:-1]: v for k, v in groups.items() if k.endswith("2") and k != "p2"})
            first = {k: v for k, v in shared.items()
                     if not (k == "day" and m.start("day") >= m.end("p1"))}
            parts = [(m.span("p1"), first, "1"), (m.span("p2"), second, "2")]
        elif "span" in groups:
            parts = [(m.span("span"), groups, "")]
        else:
            parts = [(m.span(), groups, "")]
        for (s, e), g, part in parts:
            mention = Mention(start=s, end=e, text=text[s:e], rule=pat.name,
                              sentence=_sentence_index(starts, s) if starts else -1,
                              extra={"groups": g, "kind": pat.kind, "part": part})
            new.append(mention)
            if starts:
                article.sentences[mention.sentence].needs_parse = True
    article.mentions = sorted(article.mentions + new, key=lambda x: x.start)
    return article


# --- tense ----------------------------------------------------------------------

_FUTURE_AUX = {"will", "'ll", "ll", "shall", "wo", "would", "going", "gon"}
#: Verbs whose object or adjunct lies ahead even in the past tense
#: ("has scheduled a news conference Thursday").
_FUTURE_VERBS = {"schedule", "reschedule", "postpone", "delay", "adjourn", "plan", "expect", "slate",
                 "defer", "intend"}
_LEX_FUTURE = re.compile(r"\b(?:will|won't|'ll|shall|going to|gonna|is to|are to|plans? to|"
                         r"planned to|scheduled|expected to|set to|due to|would|intends? to|"
                         r"is slated|are slated|upcoming|next)\b", re.I)
_LEX_PAST = re.compile(r"\b(?:\w+ed|said|was|were|had|did|met|told|went|came|held|took|made|"
                       r"gave|began|left|saw|got|sent|won|lost|fell|rose|spoke|wrote|led|"
                       r"brought|found|thought|kept|paid|sold|bought|ago|yesterday|last)\b", re.I)


def _governor(sent, start: int, end: int):
    """The verb (or the highest token) governing the span, from the parse."""
    doc = sent.doc
    span = doc.char_span(start - sent.start, end - sent.start, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, None
    tok = span.root
    first = tok
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound") \
                and not (tok.i >= span.start and tok.i < span.end):
            return tok, first
        if tok.head is tok:
            break
        tok = tok.head
    return (tok if tok.pos_ in ("VERB", "AUX") else None), first


_PAST_PREP = re.compile(r"(?:\bsince|\bago)\s*$", re.I)


def tense(article: Article, mention: Mention) -> str:
    """"past", "future", "present" or "" (unknown) for the mention's clause.

    With a parse: the tense of the verb governing the expression (a
    possessive or noun-modifying expression, "Friday's ruling", takes none).
    Without: lexical cues in the sentence ("will", "said" ...).
    """
    if mention.sentence < 0 or mention.sentence >= len(article.sentences):
        return ""
    sent = article.sentences[mention.sentence]
    before = article.text[max(sent.start, mention.start - 12):mention.start]
    if _PAST_PREP.search(before):
        return "past"
    if sent.doc is not None:
        verb, head = _governor(sent, mention.start, mention.end)
        if head is not None and head.dep_ in ("poss", "compound", "nmod", "amod") \
                and head.head.pos_ in ("NOUN", "PROPN"):
            return ""
        if verb is not None:
            return _verb_tense(verb)
        return ""
    clause = article.text[sent.start:sent.end]
    if _LEX_FUTURE.search(clause):
        return "future"
    if _LEX_PAST.search(clause):
        return "past"
    return ""


def _verb_tense(verb, depth: int = 0) -> str:
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in aux}
    if words & _FUTURE_AUX or verb.lemma_ in _FUTURE_VERBS:
        return "future"
    if verb.tag_ == "VB" and any(c.lower_ == "to" for c in aux):
        gov = verb.head
        if gov.pos_ == "ADJ" and gov.head is not gov:
            gov = gov.head          # "had been due to expire"
        if gov is not verb and gov.pos_ in ("VERB", "AUX") and depth < 3:
            governing = _verb_tense(gov, depth + 1)
            if governing == "past" and gov.lemma_ not in ("want", "hope", "agree", "decide", "promise",
                                                          "vow", "pledge", "threaten"):
                return ""
        return "future"
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux):
        return "past"
    if verb.tag_ == "VBN":
        if words & {"has", "have", "had", "was", "were", "'ve", "'d"}:
            return "past"
        return "present" if aux else "past"
    if verb.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP") for c in aux):
        return "present"
    if verb.tag_ == "VBG":
        return "present"
    return ""


# --- resolution helpers ---------------------------------------------------------


def _lookup(table: str, word: Optional[str]):
    if word is None:
        return None
    return rules().vocab[table].get(norm(word))


def parse_number(text: Optional[str]):
    """An int (or float, for halves) for digits or number words; "X" for
    vague quantities ("several"); None when it is no number."""
    if text is None:
        return None
    t = norm(text).replace(",", "")
    half = 0
    for tail in (" 1/2", " and a half", "-and-a-half", "½"):
        if t.endswith(tail):
            t, half = t[: -len(tail)].strip(), 0.5
    value = _whole_number(t)
    if value is None or value == "X":
        return value
    return value + half if half else value


def _whole_number(t: str):
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        v = float(t)
        return int(v) if v.is_integer() else v
    if t in ("a", "an"):
        return 1
    if t in rules().vocab["vague_numbers"]:
        return "X"
    nums = rules().vocab["numbers"]
    if t in nums:
        return nums[t]
    total, current = 0, 0
    for w in re.split(r"[-\s]+", t):
        if w == "and":
            continue
        if w not in nums:
            return None
        v = nums[w]
        if v == 100:
            current = max(current, 1) * 100
        elif v == 1000:
            total, current = (total + max(current, 1)) * 1000, 0
        else:
            current += v
    return (total + current) or None


def parse_year(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    t = norm(text)
    if re.fullmatch(r"\d{4}", t):
        return int(t)
    if re.fullmatch(r"\d\d", t):
        n = int(t)
        return 2000 + n if n < 40 else 1900 + n
    words = re.split(r"[-\s]+", t)
    if words[:2] == ["two", "thousand"]:
        rest = parse_number(" ".join(w for w in words[2:] if w != "and")) if len(words) > 2 else 0
        return 2000 + int(rest or 0)
    head = parse_number(words[0])
    if head in (18, 19, 20) and len(words) > 1:
        rest_words = [w for w in words[1:] if w != "oh"]
        if rest_words == ["hundred"]:
            return head * 100
        rest = parse_number(" ".join(rest_words))
        if isinstance(rest, int) and rest < 100:
            return head * 100 + rest
    return None


def _day_number(groups: dict) -> int:
    if groups.get("day"):
        return int(re.match(r"\d+", groups["day"]).group())
    if groups.get("dayword"):
        v = _lookup("ordinals", groups["dayword"])
        return v if isinstance(v, int) and v > 0 else 0
    return 0


#: How much farther a date may be on the side the tense disfavours and
#: still win: past tense prefers dates before the reference, future after;
#: without a tense cue news text still leans to the past.
PICK_WEIGHTS = {"past": 3.0, "future": 3.0, "": 1.3, "present": 1.3}


def _pick(candidates: list[tuple[date, object]], ref: date, tense_: str):
    """Choose among dated candidates the one nearest ``ref``, distances on
    the side the tense disfavours being stretched by :data:`PICK_WEIGHTS`."""
    before = [c for c in candidates if c[0] <= ref]
    after = [c for c in candidates if c[0] >= ref]
    prev = max(before, key=lambda c: c[0]) if before else None
    nxt = min(after, key=lambda c: c[0]) if after else None
    if prev is None or nxt is None:
        return (prev or nxt)[1]
    dp, dn = (ref - prev[0]).days, (nxt[0] - ref).days
    weight = PICK_WEIGHTS.get(tense_, 1.3)
    if tense_ == "future":
        dp *= weight
    else:
        dn *= weight
    return prev[1] if dp <= dn else nxt[1]


@dataclass
class Result:
    """What a resolver returns (``point`` gives value and interval)."""

    point: Optional[Point] = None
    value: str = ""
    type: str = "DATE"
    mod: str = ""
    anchor: str = "none"
    confidence: float = 0.8
    start: Optional[date] = None
    end: Optional[date] = None
    gran: str = ""


class _Context:
    """What resolution needs besides the mention: the publication date, the
    tense of the clause and the dates mentioned so far."""

    def __init__(self, article: Article):
        self.article = article
        self.pub = article.published
        self.history: list[tuple[int, Point]] = []  # (mention index, point) in text order
        self.index = -1
        self.mention: Optional[Mention] = None
        self._tense: Optional[str] = None

    def tense(self) -> str:
        if self._tense is None:
            self._tense = tense(self.article, self.mention)
        return self._tense

    def last(self, finest: str = "century", coarsest_ok: bool = True) -> Optional[tuple[int, Point]]:
        """The latest earlier mention with a known year and a granularity no
        coarser than ``finest``."""
        rank = _GRAN_RANK.get(finest, 99)
        for idx, p in reversed(self.history):
            if p.year is not None and _GRAN_RANK.get(p.gran, 99) <= rank:
                return idx, p
        return None

    def anchor_point(self, gran: str) -> tuple[Optional[Point], str]:
        """The publication date coarsened to ``gran`` (or None)."""
        if self.pub is None:
            return None, "none"
        return Point.of_day(self.pub, gran), "publication"


def _pmod(groups: dict) -> str:
    word = groups.get("pmod")
    if not word:
        return ""
    word = norm(word).rstrip("-")
    if word == "end":
        return "END"
    return rules().vocab["position_modifiers"].get(word, "")


def _qmod(groups: dict) -> str:
    word = groups.get("qmod")
    if not word:
        return "APPROX" if groups.get("orso") in ("or so",) else ""
    word = norm(word)
    if word in ("post",):
        return "AFTER"
    if word in ("pre",):
        return "BEFORE"
    return rules().vocab["quantity_modifiers"].get(word, "APPROX")


# --- resolvers, one per pattern kind ----------------------------------------------


def _guess_year(ctx: _Context, make) -> tuple[Optional[Point], str, float]:
    """Place a year-less granule (``make(year) -> Point``) by the tense."""
    if ctx.pub is None:
        return make(None), "none", 0.5
    ref = ctx.pub
    cands = []
    for y in (ref.year - 1, ref.year, ref.year + 1):
        p = make(y)
        s = p.start()
        if s is not None:
            ref_start = Point.of_day(ref, p.gran).start() if p.gran not in ("part", "time") else ref
            cands.append((s, p, ref_start))
    if not cands:
        return make(None), "none", 0.5
    ref_start = cands[0][2]
    chosen = _pick([(s, p) for s, p, _ in cands], ref_start, ctx.tense())
    return chosen, "publication", 0.8


def resolve_calendar(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    r = Result(mod=_pmod(g) or _qmod(g), confidence=0.95)
    if g.get("after"):
        r.mod = "ON_OR_AFTER" if "beyond" in g["after"] or "later" in g["after"] else r.mod
    year = parse_year(g.get("year")) if g.get("year") else None
    if g.get("year2") and not year:
        year = parse_year(g["year2"])
    explicit = year is not None
    if g.get("yrel"):
        step = {"this": 0, "last": -1, "next": 1}[norm(g["yrel"])]
        year = ctx.pub.year + step if ctx.pub else None
        explicit = ctx.pub is not None
        r.anchor = "publication"
    if g.get("decade") or g.get("decade2d") or g.get("decadeword"):
        if g.get("decade"):
            y = int(g["decade"])
        elif g.get("decade2d"):
            y = 1900 + int(g["decade2d"])
        else:
            y = 1900 + 10 * _lookup("decade_words", g["decadeword"])
        r.point = Point("decade", y)
        return r
    if g.get("century"):
        c = g["century"]
        n = int(re.match(r"\d+", c).group()) if c[0].isdigit() else _lookup("ordinals", c)
        if not isinstance(n, int) or n <= 0:
            return None
        r.point = Point("century", (n - 1) * 100)
        return r
    month = int(g["mnum"]) if g.get("mnum") else _lookup("months", g.get("month"))
    day = _day_number(g)
    if g.get("quarter") or g.get("half") or g.get("qspan"):
        if g.get("quarter"):
            q = _lookup("ordinals", g["quarter"])
            q = 4 if q == -1 else q
            make = lambda y: Point("quarter", y, quarter=q)  # noqa: E731
        elif g.get("half"):
            h = 1 if norm(g["half"]) == "first" else 2
            make = lambda y: Point("half", y, half=h)  # noqa: E731
        else:
            h = 1 if norm(g["qspan"]) == "first" else 2
            make = lambda y: Point("half", y, half=h)  # noqa: E731
        if year is None:
            r.point, r.anchor, r.confidence = _relative_named(ctx, make, None, "quarter")
        else:
            r.point = make(year)
        return r
    if g.get("season"):
        s = _lookup("seasons", g["season"])
        make = lambda y: Point("season", y, season=s)  # noqa: E731
        if year is None:
            r.point, r.anchor, r.confidence = _relative_named(ctx, make, g.get("rel"), "season")
        else:
            r.point = make(year)
        return r
    if month:
        if day:
            if not 1 <= day <= 31:
                return None
            make = lambda y: Point("day", y, month, day)  # noqa: E731
        else:
            make = lambda y: Point("month", y, month)  # noqa: E731
        if year is None:
            r.point, r.anchor, r.confidence = _relative_named(ctx, make, g.get("rel"),
                                                              "day" if day else "month")
        else:
            r.point = make(year)
        if r.point and r.point.gran == "day" and r.point.year is not None and r.point.start() is None:
            return None   # "February 30"
        if r.point and r.point.year is None and r.point.gran == "day":
            r.point = make(None)
            _absolute_year_from_text(ctx, r)
        return r
    if year is not None:
        r.point = Point("year", year)
        if g.get("fiscal"):
            r.confidence = 0.9
        return r
    return None


def _absolute_year_from_text(ctx: _Context, r: Result) -> None:
    """Without a publication date, an earlier mention may give the year
    ("... in 2025; from 19 to 20 December"): use it at lower confidence."""
    if ctx.pub is not None:
        return
    last = ctx.last("century")
    if last is not None and last[1].year is not None and last[1].gran in ("year", "month", "day"):
        r.point = replace(r.point, year=last[1].year)
        r.anchor, r.confidence = f"mention:{last[0]}", 0.5


def _relative_named(ctx: _Context, make, rel: Optional[str], gran: str):
    """A named month/day/season/quarter without year, placed by
    "last/next/this" or by the tense of its clause."""
    if ctx.pub is None:
        return make(None), "none", 0.5
    rel = norm(rel) if rel else ""
    ref = ctx.pub
    cands = [p for p in (make(y) for y in (ref.year - 1, ref.year, ref.year + 1)) if p.start()]
    if not cands:
        return make(None), "none", 0.5
    here = Point.of_day(ref, cands[0].gran if cands[0].gran != "day" else "day").start()
    if rel in ("last", "past", "the past", "this past"):
        before = [p for p in cands if p.start() < here]
        return (max(before, key=Point.start) if before else cands[0]), "publication", 0.85
    if rel in ("next", "coming", "this coming"):
        after = [p for p in cands if p.start() > here]
        return (min(after, key=Point.start) if after else cands[-1]), "publication", 0.85
    if rel == "this":
        year = _season_of(ref)[0] if gran == "season" else ref.year
        same = [p for p in cands if p.year == year]
        return (same[0] if same else cands[1]), "publication", 0.85
    t = ctx.tense()
    if t == "future" and gran in ("month", "season"):
        ahead = [p for p in cands if p.end() >= ref]
        return min(ahead, key=Point.start), "publication", 0.8
    if t == "past" and gran in ("month", "season"):
        begun = [p for p in cands if p.start() <= ref]
        return max(begun, key=Point.start), "publication", 0.8
    mid = [(p.start() + (p.end() - p.start()) / 2, p) for p in cands]
    return _pick(mid, ref, t), "publication", 0.8


def resolve_weekday(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    wd = _lookup("weekdays", g["weekday"])
    part = _lookup("parts_of_day", g.get("part")) if g.get("part") else ""
    r = Result(mod=_pmod(g), confidence=0.85, type="TIME" if part else "DATE")
    rel = norm(g.get("rel") or "")
    if rel in ("the previous", "the following", "the next", "the preceding", "the same"):
        last = ctx.last("day")
        base = last[1].day_point().start() if last and last[1].day_point() else ctx.pub
        r.anchor = f"mention:{last[0]}" if last and last[1].day_point() else "publication"
        if base is None:
            r.value, r.anchor, r.confidence = f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""), "none", 0.3
            return r
        d = _weekday_from(base, wd, -1 if rel in ("the previous", "the preceding") else 1)
    else:
        if ctx.pub is None:
            r.value, r.anchor, r.confidence = f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""), "none", 0.3
            return r
        ref = ctx.pub
        r.anchor = "publication"
        if rel in ("last", "past", "this past"):
            d = _weekday_from(ref, wd, -1)
        elif rel in ("next", "coming", "this coming"):
            d = _weekday_from(ref, wd, 1)
        elif rel == "this":
            d = ref + timedelta(days=wd - ref.isoweekday())
        else:
            t = ctx.tense()
            prev = ref - timedelta(days=(ref.isoweekday() - wd) % 7)
            nxt = ref + timedelta(days=(wd - ref.isoweekday()) % 7)
            if t == "future":
                d = nxt
            elif t == "past":
                d = prev
            elif t == "present":
                d = prev if (ref - prev) <= (nxt - ref) else nxt
                r.confidence = 0.7
            else:                   # no verb to go by: news reports the past
                d = prev if (ref - prev).days <= 3 * (nxt - ref).days else nxt
                r.confidence = 0.7
    p = Point.of_day(d)
    if part:
        p = replace(p, gran="part", part=part)
    r.point = p
    return r


def _weekday_from(base: date, wd: int, direction: int) -> date:
    """The nearest weekday ``wd`` strictly before (-1) or after (+1) ``base``."""
    if direction < 0:
        delta = (base.isoweekday() - wd) % 7 or 7
        return base - timedelta(days=delta)
    delta = (wd - base.isoweekday()) % 7 or 7
    return base + timedelta(days=delta)


def resolve_deictic(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    word = norm(g.get("deictic") or "")
    part = _lookup("parts_of_day", g.get("part")) if g.get("part") else ""
    if m.rule == "overnight":
        word, part = "today", "NI"
    offset = _lookup("deictic_days", word)
    if word in ("this",):
        offset = 0
    elif word == "last":
        offset, part = (-1, "NI") if part == "NI" else (0, part)
    if word == "tonight":
        part = "NI"
    if offset is None:
        offset = 0
    r = Result(mod=_pmod(g), confidence=0.9, type="TIME" if part else "DATE")
    if word == "last" and part != "NI":
        pass
    if ctx.pub is None:
        r.value, r.anchor, r.confidence = "XXXX-XX-XX" + (f"T{part}" if part else ""), "none", 0.3
        return r
    p = Point.of_day(ctx.pub + timedelta(days=offset))
    if part:
        p = replace(p, gran="part", part=part)
    r.point, r.anchor = p, "publication"
    return r


_UNIT_GRAN = {"day": "day", "morning": "part", "afternoon": "part", "evening": "part",
              "night": "part", "week": "week", "weekend": "weekend", "month": "month",
              "quarter": "quarter", "year": "year", "decade": "decade", "century": "century"}
_PART_OF_UNIT = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_UNKNOWN = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "year": "XXXX",
            "quarter": "XXXX-QX", "half": "XXXX-HX", "day": "XXXX-XX-XX", "part": "XXXX-XX-XX"}


def _discussed(ctx: _Context, gran: str) -> tuple[Optional[Point], str]:
    """The period under discussion in a report: the last period of that
    granularity named in the text, else the last complete one before the
    publication date ("the quarter" in an earnings report)."""
    for idx, p in reversed(ctx.history):
        if p.gran == gran:
            return p, f"mention:{idx}"
    if ctx.pub is None:
        return None, "none"
    return Point.of_day(ctx.pub, gran).shift(-1, gran), "publication"


def _weekend(ctx: _Context, rel: str) -> Point:
    """The weekend meant by "the/this/last/next weekend" written on ``pub``."""
    week = Point.of_day(ctx.pub, "week")
    on_weekend = ctx.pub.isoweekday() >= 6
    if rel in ("last", "past", "the past", "this past", "the last"):
        step = -1 if not on_weekend else -1
    elif rel in ("next", "the next"):
        step = 1 if on_weekend else 0
    elif rel in ("this", "coming", "the coming", "this coming", "current"):
        step = 0
    else:                       # "the weekend": by tense
        step = 0 if on_weekend or ctx.tense() == "future" else -1
    return replace(week.shift(step, "week"), gran="weekend")


def resolve_relative(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    """this/last/next/the following ... + unit."""
    unit = norm(g["unit"])
    rel = norm(g.get("rel") or "this")
    mod = _pmod(g)
    gran = _UNIT_GRAN[unit]
    after = ctx.article.text[m.end:m.end + 14].lower()
    r = Result(mod=mod, confidence=0.85)
    if rel == "the next" and gran in ("day", "part"):
        rel = "the following"
    bare = rel in ("the", "that", "the same", "that same")
    if bare and not mod and re.match(r"\s+(?:before|after|earlier|later|of)\b", after):
        return None                 # "the year before", "the day of the vote"
    if rel == "the" and not mod and gran in ("day", "part", "decade", "century"):
        return None                 # "the day", "the night": too vague
    if rel == "that" and not mod and gran in ("decade", "century"):
        return None
    if rel in ("the past", "the last", "past", "last") and gran in ("decade", "century"):
        r.type, r.value = "DURATION", "P10Y" if gran == "decade" else "P100Y"
        return r
    if unit == "year" and rel == "the" and not mod and re.match(r"\s+(?:ended|ending|ends|to date)\b",
                                                                  after):
        r.type, r.value = "DURATION", "P1Y"
        return r
    relative = rules().vocab["relative_words"]
    if gran == "quarter" and rel not in relative:
        r.point, r.anchor = _discussed(ctx, "quarter")
        if r.point is None:
            r.value, r.confidence = _UNKNOWN["quarter"], 0.3
        return r
    anaphoric = rel in ("that", "that same", "the same", "the following", "the previous",
                        "the preceding", "the prior") or (rel == "the" and gran in ("day", "part"))
    if anaphoric:
        step = rules().vocab["anaphoric_words"].get(rel, 0)
        day_gran = "day" if gran == "part" else ("week" if gran == "weekend" else gran)
        last = ctx.last(day_gran)
        if last is not None:
            base, r.anchor = last[1].coarsen(day_gran), f"mention:{last[0]}"
        else:
            base, r.anchor = ctx.anchor_point(day_gran)
        if base is None:
            r.value, r.anchor, r.confidence = _UNKNOWN.get(gran, ""), "none", 0.3
            return r
        p = base.shift(step, day_gran)
        if gran == "part":
            p = replace(p, gran="part", part=_PART_OF_UNIT[unit])
            r.type = "TIME"
        r.point, r.confidence = p, 0.7
        return r
    step = relative.get(rel, 0)
    if ctx.pub is None:
        r.value, r.anchor, r.confidence = _UNKNOWN.get(gran, ""), "none", 0.3
        return r
    r.anchor = "publication"
    if gran == "weekend":
        r.point = _weekend(ctx, rel)
        return r
    if gran in ("part", "day"):
        p = Point.of_day(ctx.pub).shift(step, "day")
        if gran == "part":
            p, r.type = replace(p, gran="part", part=_PART_OF_UNIT[unit]), "TIME"
        r.point = p
        return r
    r.point = Point.of_day(ctx.pub, gran).shift(step, gran)
    return r


_BACK = {"year-earlier", "year-ago", "year earlier", "year ago", "prior-year", "previous-year",
         "a year ago", "last year", "a year earlier"}


def resolve_yearago(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    """Periods of financial reports: "the latest quarter", "the year-ago
    period", "the 1988 quarter": the period under discussion, moved."""
    unit = norm(g.get("unit") or "period")
    rel = norm(g.get("rel") or "")
    r = Result(confidence=0.7)
    months = {"nine months": "P9M", "six months": "P6M", "three months": "P3M"}
    if unit in months:
        r.type, r.value = "DURATION", months[unit]
        return r
    gran = {"half": "half", "fiscal year": "year"}.get(unit, "quarter")
    back = rel in _BACK or norm(m.text).startswith("last year")
    if rel == "current":
        base, r.anchor = ctx.anchor_point(gran)
    else:
        base, r.anchor = _discussed(ctx, gran)
        if base is None or (m.rule == "year_ago_adjective" and r.anchor == "publication"):
            base, r.anchor = ctx.anchor_point("year")
            base = base.shift(-1, "year") if base is not None and not back else base
    if base is None:
        r.value, r.anchor, r.confidence = _UNKNOWN.get(gran, ""), "none", 0.3
        return r
    if g.get("quarter"):
        q = _lookup("ordinals", g["quarter"])
        base = Point("quarter", base.year, quarter=4 if q == -1 else q)
    if g.get("year"):
        base = replace(base, year=int(g["year"]))
    elif back:
        base = base.shift(-1, "year")
    r.point = base
    return r


def _unit_info(unit: str):
    info = _lookup("units", unit)
    if info is None:
        return None
    return info  # [granularity, designator, multiplier]


def _duration_value(num, unit: str) -> Optional[str]:
    info = _unit_info(unit)
    if info is None:
        return None
    gran, designator, mult = info
    time_unit = gran in ("hour", "minute", "second")
    prefix = "PT" if time_unit else "P"
    if num == "X":
        if gran in ("decade", "century", "millennium"):
            return "PX" + rules().vocab["vague_unit_designators"][gran]
        if gran == "weekend":
            return "PXD"
        return f"{prefix}X{designator}"
    if num is None:
        return None
    total = num * mult
    if isinstance(total, float) and not total.is_integer():
        whole = int(total)
        frac = total - whole
        smaller = {"Y": ("M", 12), "M": ("D", 30) if not time_unit else ("S", 60),
                   "W": ("D", 7), "D": ("H", 24), "H": ("M", 60)}.get(designator)
        if smaller is None:
            return f"{prefix}{total}{designator}"
        sub_d, factor = smaller
        sub = int(round(frac * factor))
        if designator == "D" and not time_unit:
            return f"P{whole}DT{sub}H" if whole else f"PT{sub}H"
        if whole == 0:
            return f"{prefix}{sub}{sub_d}"
        return f"{prefix}{whole}{designator}{sub}{sub_d}"
    return f"{prefix}{int(total)}{designator}"


def resolve_duration(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    unit = g.get("unit")
    if g.get("det") and norm(g["det"]) == "recent":
        num = "X"
    elif g.get("num") is None:
        num = "X"
    else:
        num = "X" if norm(g["num"]) == "multi" else parse_number(g["num"])
        if norm(g["num"]) == "half":
            num = 0.5
        if g.get("unithalf") and isinstance(num, int):
            num += 0.5
    if num is None:
        return None
    if isinstance(num, (int, float)) and num <= 0:
        return None
    if norm(unit or "") in ("second",) and norm(g.get("num") or "") in ("a", "an"):
        return None        # "a second term"
    value = _duration_value(num, unit)
    if value is None:
        return None
    r = Result(type="DURATION", value=value, mod=_qmod(g), confidence=0.85)
    det = norm(g.get("det") or "")
    info = _unit_info(unit)
    if ctx.pub is not None and isinstance(num, int) and info and info[0] in ("day", "week", "month",
                                                                              "year", "quarter"):
        gran = info[0]
        n = num * info[2]
        step = {"day": ("day", 1), "week": ("day", 7), "month": ("month", 1),
                "quarter": ("month", 3), "year": ("month", 12)}[gran]
        if det in ("the past", "the last", "past", "last", "the previous"):
            start = Point.of_day(ctx.pub).shift(-n * step[1], step[0]).start()
            r.start, r.end, r.anchor = start + timedelta(days=1), ctx.pub, "publication"
        elif det in ("the next", "the coming", "next", "the following"):
            end = Point.of_day(ctx.pub).shift(n * step[1], step[0]).start()
            r.start, r.end, r.anchor = ctx.pub, end - timedelta(days=1), "publication"
    return r


def resolve_offset(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    """"three years ago", "a year earlier"; "three days later" is a duration."""
    num = parse_number(g.get("num"))
    info = _unit_info(g["unit"])
    if num is None or info is None:
        return None
    gran, _, mult = info
    direction = norm(g["dir"])
    sign = 1 if direction in ("later", "after", "from now", "hence") else -1
    r = Result(mod=_qmod(g), confidence=0.8)
    if m.rule == "offset_signal":
        r.type, r.value = "DURATION", _duration_value(num, g["unit"]) or ""
        last = ctx.last("day") if direction in ("later", "earlier") else None
        if last is not None and isinstance(num, int) and gran in ("day", "week", "month", "year") \
                and last[1].day_point() is not None:
            day = last[1].day_point().shift(sign * num * mult, gran)
            r.start = r.end = day.start()
            r.anchor = f"mention:{last[0]}"
        return r
    if num == "X":
        r.value = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return r
    if gran in ("hour", "minute", "second"):
        r.type, r.value = "DURATION", _duration_value(num, g["unit"]) or ""
        return r
    n = int(num * mult) if gran in ("decade", "century") else int(num)
    unit = {"decade": "year", "century": "year", "weekend": "week"}.get(gran, gran)
    base = None
    if unit == "year" and direction in ("ago", "earlier") and n == 1:
        quarter, anchor = _discussed(ctx, "quarter")
        if anchor.startswith("mention"):
            base, r.anchor = quarter, anchor
    if base is None and direction in ("earlier", "later"):
        last = ctx.last("century")
        if last is not None:
            base, r.anchor = last[1].coarsen(unit), f"mention:{last[0]}"
    if base is None:
        base, r.anchor = ctx.anchor_point(unit)
    if base is None:
        r.value, r.anchor, r.confidence = _UNKNOWN.get(unit, ""), "none", 0.3
        return r
    r.point = base.shift(sign * n, unit)
    return r


def resolve_set(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    r = Result(type="SET", confidence=0.8)
    if g.get("adverb"):
        r.value = {"daily": "P1D", "weekly": "P1W", "annually": "P1Y", "yearly": "P1Y",
                   "hourly": "PT1H", "nightly": "P1D", "biweekly": "P2W"}[norm(g["adverb"])]
        return r
    if g.get("weekday"):
        wd = _lookup("weekdays", re.sub(r"s$", "", g["weekday"])) or _lookup("weekdays", g["weekday"])
        if wd is None:
            return None
        part = _lookup("parts_of_day", g.get("part")) if g.get("part") else ""
        r.value = f"XXXX-WXX-{wd}" + (f"T{part}" if part else "")
        return r
    unit = g.get("unit", "")
    month = _lookup("months", unit)
    if month:
        r.value = f"XXXX-{month:02d}"
        return r
    season = _lookup("seasons", unit)
    if season:
        r.value = f"XXXX-{season}"
        return r
    n = 1
    if g.get("num"):
        n = 2 if norm(g["num"]) == "other" else (parse_number(g["num"]) if norm(g["num"]) != "single" else 1)
        if not isinstance(n, int):
            n = 1
    r.value = _duration_value(n, unit) or ""
    return r if r.value else None


def resolve_ref(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    pat = rules().by_name[m.rule]
    return Result(value=pat.value, type=pat.type or "DATE", confidence=0.7,
                  anchor="publication" if ctx.pub else "none")


def resolve_clock(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    r = Result(type="TIME", mod=_qmod(g) or _pmod(g), confidence=0.85)
    if g.get("clockword"):
        hour, minute = {"noon": (12, 0), "midday": (12, 0), "midnight": (24, 0)}[norm(g["clockword"])]
    else:
        hour = parse_number(g["hour"]) if not g["hour"].isdigit() else int(g["hour"])
        minute = int(g.get("minute") or 0)
        ampm = norm(g.get("ampm") or "").replace(".", "").replace(" ", "")
        part = norm(g.get("part") or "")
        if not isinstance(hour, int) or hour > 24:
            return None
        if ampm.startswith("p") or part in ("afternoon", "evening"):
            hour = hour + 12 if hour < 12 else hour
        elif (ampm.startswith("a") or part == "morning") and hour == 12:
            hour = 0
        if ampm.startswith("o") and hour > 12:
            return None
    day = None
    if g.get("weekday"):
        sub = resolve_weekday(m, {"weekday": g["weekday"]}, ctx)
        day, r.anchor = (sub.point, sub.anchor) if sub and sub.point else (None, "none")
    elif g.get("deictic"):
        sub = resolve_deictic(m, {"deictic": g["deictic"]}, ctx)
        day, r.anchor = (sub.point, sub.anchor) if sub and sub.point else (None, "none")
    elif g.get("month"):
        sub = resolve_calendar(m, {"month": g["month"], "day": g["day"]}, ctx)
        day, r.anchor = (sub.point, sub.anchor) if sub and sub.point else (None, "none")
    else:
        last = ctx.last("day")
        if last is not None and last[1].day_point() is not None:
            day, r.anchor = last[1].day_point(), f"mention:{last[0]}"
        elif ctx.pub is not None:
            day, r.anchor = Point.of_day(ctx.pub), "publication"
    if day is None or day.year is None:
        r.value, r.confidence = f"XXXX-XX-XXT{hour:02d}:{minute:02d}", 0.4
        return r
    r.point = Point("time", day.year, day.month, day.dom, hour=hour, minute=minute)
    return r


def resolve_holiday(m: Mention, g: dict, ctx: _Context) -> Optional[Result]:
    spec = _lookup("holidays", g["holiday"])
    if spec is None:
        return None

    def make(y):
        if y is None:
            return Point("day", None, spec[0], spec[1] if len(spec) == 2 else 0)
        return Point.of_day(_holiday_date(spec, y))

    year = parse_year(g.get("year")) if g.get("year") else None
    r = Result(confidence=0.9)
    if year is not None:
        r.point = make(year)
    else:
        r.point, r.anchor, r.confidence = _relative_named(ctx, make, g.get("rel"), "day")
    return r


def _holiday_date(spec: list, year: int) -> date:
    if len(spec) == 2:
        return date(year, spec[0], spec[1])
    month, wd, n = spec[0], spec[1], spec[2]
    first_day = spec[3] if len(spec) > 3 else 1
    if n > 0:
        d = date(year, month, first_day)
        d += timedelta(days=(wd - d.isoweekday()) % 7)
        return d + timedelta(weeks=n - 1)
    d = date(year, month, _cal.monthrange(year, month)[1])
    return d - timedelta(days=(d.isoweekday() - wd) % 7)


RESOLVERS = {
    "calendar": resolve_calendar, "weekday": resolve_weekday, "deictic": resolve_deictic,
    "relative": resolve_relative, "yearago": resolve_yearago, "offset": resolve_offset,
    "duration": resolve_duration, "set": resolve_set, "ref": resolve_ref,
    "clock": resolve_clock, "holiday": resolve_holiday,
}


# --- filters: candidates that are not temporal ----------------------------------

_NOT_TIME_NOUNS = re.compile(r"^(?:[a-z]+s)$")


def _is_spurious(article: Article, m: Mention) -> bool:
    """True for candidates that are not temporal in context."""
    g = m.extra.get("groups", {})
    sent = article.sentences[m.sentence] if 0 <= m.sentence < len(article.sentences) else None
    doc = sent.doc if sent is not None else None
    text_after = article.text[m.end:m.end + 30]
    # "May" the modal verb, "March" the verb or noun.
    if m.rule == "month" and norm(m.text) in ("may", "march") and not g.get("rel") and not g.get("pmod"):
        if doc is not None:
            tok = sent.token_at(m.start)
            if tok is not None and len(tok) and (tok[0].tag_ == "MD" or tok[0].pos_ in ("VERB", "AUX")):
                return True
        if norm(m.text) == "may" and re.match(r"\s+(?:not\s+)?[a-z]", text_after) and not re.match(
                r"\s+(?:and|or|to|through|until|of|this|last|next)\b", text_after):
            return True
        if norm(m.text) == "march" and re.match(r"\s+(?:on|to|toward|towards|through|against|"
                                                r"for|from|of|in)\b", text_after):
            return True
    # A bare four-digit number that counts things: "2000 people".
    if m.rule == "year" and set(g) <= {"year"}:
        if doc is not None:
            tok = sent.token_at(m.start)
            if tok is not None and len(tok):
                t = tok[0]
                if t.dep_ == "nummod" and t.head.tag_ == "NNS":
                    return True
                if t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "NNS" and doc[t.i + 1].lower_ not in (
                        "levels", "prices", "figures", "results", "sales", "earnings", "elections"):
                    return True
        if re.match(r"\s+(?:people|troops|soldiers|men|women|children|persons|votes|cars|units|"
                    r"tons|barrels|shares|jobs|employees|workers|members|points|feet|meters|"
                    r"miles|kilometers)\b", text_after, re.I):
            return True
    return False


# --- resolve ----------------------------------------------------------------------


def resolve(article: Article) -> Article:
    """Fill type, value, interval, granularity, mod, anchor and confidence of
    every mention; drop candidates that are not temporal.  Returns the article."""
    ctx = _Context(article)
    kept: list[Mention] = []
    for m in article.mentions:
        if m.value and "kind" not in m.extra:
            kept.append(m)        # resolved earlier or made by another stage
            continue
        if _is_spurious(article, m):
            continue
        ctx.index, ctx.mention, ctx._tense = len(kept), m, None
        g = m.extra.get("groups", {})
        resolver = RESOLVERS.get(m.extra.get("kind", ""))
        result = resolver(m, g, ctx) if resolver else None
        if result is None:
            continue
        _apply(m, result)
        if article.published_inferred and m.anchor == "publication":
            m.confidence = round(m.confidence * 0.6, 3)
        kept.append(m)
        if result.point is not None and m.type in ("DATE", "TIME") and result.point.year is not None \
                and not result.anchor.startswith("mention"):
            ctx.history.append((len(kept) - 1, result.point))
    article.mentions = kept
    return article


def _apply(m: Mention, r: Result) -> None:
    pat = rules().by_name.get(m.rule)
    m.type = (pat.type if pat and pat.type else "") or r.type
    m.mod = r.mod
    m.anchor = r.anchor
    m.confidence = r.confidence
    if r.point is not None:
        m.value = r.value or r.point.value()
        m.granularity = r.point.granularity()
        if r.point.year is not None:
            m.date_start, m.date_end = r.point.start(), r.point.end()
    else:
        m.value = r.value
        m.date_start, m.date_end = r.start, r.end
        if m.type == "DURATION":
            m.granularity = ""
    if m.type == "SET" or (m.type == "DURATION" and r.start is None):
        m.date_start = m.date_end = None
    if not m.value:
        m.anchor, m.confidence = "none", min(m.confidence, 0.3)


# --- convenience ------------------------------------------------------------------


def tag(text: str, published: Optional[date], nlp=None, doc_id: str = "") -> Article:
    """Tag one text: split, find, parse (when a model is given or installed),
    resolve.  Returns the Article with its mentions."""
    from . import nlp as nlp_mod

    article = Article(doc_id=doc_id, text=text, published=published)
    sentences_mod.split(article)
    find(article)
    if nlp is None:
        try:
            nlp = nlp_mod.load()
        except Exception:       # no model installed: lexical tense cues only
            nlp = None
    if nlp is not None:
        nlp_mod.parse([article], nlp)
    return resolve(article)


_DATELINE = re.compile(r"(?P<day>3[01]|[12]\d|0?[1-9])\s*(?P<month>January|February|March|April|May|"
                       r"June|July|August|September|October|November|December)"
                       r"(?:,?\s*(?P<year>(?:19|20)\d\d))?(?!\w)")
_DATELINE_MDY = re.compile(r"(?P<month>January|February|March|April|May|June|July|August|September|"
                           r"October|November|December)\s*(?P<day>3[01]|[12]\d|0?[1-9])"
                           r"(?:,?\s*(?P<year>(?:19|20)\d\d))?(?!\w)")


def infer_publication_date(article: Article, lines: int = 4) -> Article:
    """When ``published`` is None, take it from a dateline in the first lines
    ("Viewsnow21 November" run together).  A dateline without a year takes
    the year from the text itself (the latest year written in it that is not
    after the dateline's month); with no year in the text the date stays
    unknown.  Sets ``published_inferred``; returns the article."""
    if article.published is not None:
        return article
    head = "\n".join(article.text.splitlines()[:lines])
    match = _DATELINE.search(head) or _DATELINE_MDY.search(head)
    if not match:
        return article
    month = rules().vocab["months"][norm(match.group("month"))]
    day = int(match.group("day"))
    year = int(match.group("year")) if match.group("year") else None
    if year is None:
        years = [int(y) for y in re.findall(r"(?<![\d$.,])((?:19|20)\d\d)(?!\d)", article.text)]
        if not years:
            return article
        year = max(years)
    try:
        article.published = date(year, month, day)
    except ValueError:
        return article
    article.published_inferred = True
    return article
