"""From a candidate's captured words to its TIMEX3 value and interval.

There is one resolver per pattern ``kind`` (see patterns.toml).  Each gets
the mention, the groups its pattern captured and a :class:`Context` (the
publication date, the tense of the clause, the dates named so far) and
returns a :class:`Result`, or None when the candidate is not temporal
after all.  Anchors: the publication date; the date named before, for
anaphoric expressions ("the following day", "later in the day"); none for
absolute dates and for relative ones without a publication date.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Optional

from dateutil.easter import easter

from ..article import Article, Mention
from . import tense as tense_mod
from .rules import lookup, norm, rules
from .values import (GRAN_RANK, Point, duration_value, month_add, parse_number, parse_year,
                     season_of)


@dataclass
class Result:
    """A resolved value: ``point`` (a calendar granule, giving value and
    interval) or a plain ``value`` with an optional interval."""

    point: Optional[Point] = None
    value: str = ""
    type: str = "DATE"
    mod: str = ""
    anchor: str = "none"
    confidence: float = 0.8
    start: Optional[date] = None
    end: Optional[date] = None


class Context:
    """What resolving a mention needs besides its own words."""

    def __init__(self, article: Article):
        self.article = article
        self.pub = article.published
        #: (mention index, point) of the dates named so far that are not
        #: themselves anaphoric: the candidates an anaphor can point back to.
        self.history: list[tuple[int, Point]] = []
        #: sentence index of each mention in ``history``
        self.sentence_of: dict[int, int] = {}
        self.mention: Optional[Mention] = None
        self._tense: Optional[str] = None

    def start(self, mention: Mention) -> None:
        self.mention, self._tense = mention, None

    def tense(self) -> str:
        """The tense of the current mention's clause (computed once)."""
        if self._tense is None:
            self._tense = tense_mod.tense(self.article, self.mention)
        return self._tense

    def known_tense(self) -> str:
        """The tense if a resolver asked for it, else "" (for the record)."""
        return self._tense or ""

    def last(self, finest: str = "century") -> Optional[tuple[int, Point]]:
        """The latest date named before, no coarser than ``finest``."""
        rank = GRAN_RANK.get(finest, 99)
        for idx, p in reversed(self.history):
            if p.year is not None and GRAN_RANK.get(p.gran, 99) <= rank:
                return idx, p
        return None

    def named(self, *grans: str, within: Optional[int] = None) -> Optional[tuple[int, Point]]:
        """The latest date named before of one of ``grans``; with ``within``,
        only one named at most that many sentences before the current one."""
        for idx, p in reversed(self.history):
            if p.gran in grans and (within is None or self.mention is None
                                    or self.mention.sentence - self.sentence_of.get(idx, -99)
                                    <= within):
                return idx, p
        return None

    def joined_to_last(self, gran: str, joiner: re.Pattern,
                       limit: int = 40) -> Optional[tuple[int, Point]]:
        """The date named last, when it is of ``gran``, in the current
        mention's sentence, and only text that ``joiner`` matches whole (at
        most ``limit`` characters) stands between the two: "November and
        January", "next week, probably on Monday"."""
        if not self.history or self.mention is None:
            return None
        idx, point = self.history[-1]
        if point.gran != gran or point.year is None or idx >= len(self.article.mentions) \
                or self.sentence_of.get(idx) != self.mention.sentence:
            return None
        between = self.article.text[self.article.mentions[idx].end:self.mention.start]
        return (idx, point) if len(between) <= limit and joiner.fullmatch(between) else None

    def anchor_point(self, gran: str) -> tuple[Optional[Point], str]:
        """The publication date as a granule of ``gran`` (None without one)."""
        if self.pub is None:
            return None, "none"
        return Point.of_day(self.pub, gran), "publication"


# --- shared helpers -----------------------------------------------------------------

_UNKNOWN = {"week": "XXXX-WXX", "weekend": "XXXX-WXX-WE", "month": "XXXX-XX", "year": "XXXX",
            "quarter": "XXXX-QX", "half": "XXXX-HX", "day": "XXXX-XX-XX", "part": "XXXX-XX-XX"}


def position_mod(groups: dict) -> str:
    """TIMEX3 mod of "early/late/mid/the end of ..." (group ``pmod``)."""
    word = groups.get("pmod")
    if not word:
        return ""
    word = norm(word).rstrip("-")
    return "END" if word == "end" else rules().vocab["position_modifiers"].get(word, "")


def quantity_mod(groups: dict) -> str:
    """TIMEX3 mod of "nearly/more than/post- ..." (group ``qmod``, ``orso``)."""
    word = groups.get("qmod")
    if not word:
        return "APPROX" if groups.get("orso") == "or so" else ""
    word = norm(word)
    if word in ("post", "pre"):
        return "AFTER" if word == "post" else "BEFORE"
    return rules().vocab["quantity_modifiers"].get(word, "APPROX")


def pick(candidates: list[tuple[date, object]], ref: date, tense: str):
    """The candidate nearest ``ref``; distances on the side the tense
    disfavours count ``tense_weights`` times more (resolution.toml)."""
    before = [c for c in candidates if c[0] <= ref]
    after = [c for c in candidates if c[0] >= ref]
    prev = max(before, key=lambda c: c[0]) if before else None
    nxt = min(after, key=lambda c: c[0]) if after else None
    if prev is None or nxt is None:
        return (prev or nxt)[1]
    dp, dn = (ref - prev[0]).days, (nxt[0] - ref).days
    weight = rules().resolution["tense_weights"].get(tense or "unknown", 1.5)
    if tense == "future":
        dp *= weight
    else:
        dn *= weight
    return prev[1] if dp <= dn else nxt[1]


def place_named(ctx: Context, make, rel: Optional[str], gran: str) -> tuple[Point, str, float]:
    """Give a year to a month, day, season or quarter named without one.

    ``make(year)`` builds the granule.  "last/next/this" place it from the
    publication date; otherwise the tense of the clause: a future clause
    takes the first month/season not yet over, other clauses the nearest,
    leaning to the side of the tense.  Without a publication date the year
    stays unknown.  Returns (point, anchor, confidence).
    """
    if ctx.pub is None:
        return make(None), "none", 0.5
    rel = norm(rel) if rel else ""
    ref = ctx.pub
    cands = [p for p in (make(y) for y in (ref.year - 1, ref.year, ref.year + 1))
             if p.start() and p.end()]
    if not cands:
        return make(None), "none", 0.5
    here = Point.of_day(ref, cands[0].gran if cands[0].gran != "day" else "day").start()
    if not rel and (joined := ctx.joined_to_last(cands[0].gran, _PAIRING)) is not None:
        # "between November and January", "in April and May": the second
        # is the first of its name from the first one on
        first = joined[1]
        after = [p for p in (make(first.year), make(first.year + 1))
                 if p.start() and p.start() >= first.start()]
        if after:
            return min(after, key=Point.start), "publication", 0.8
    if rel in ("last", "past", "the past", "this past"):
        before = [p for p in cands if p.start() < here]
        if rel == "last" and gran == "month" and len(before) > 1:
            # The month just before is "last month": "last February" written
            # on 1 March is the February of the year before.
            just_before = Point.of_day(ref, "month").shift(-1, "month")
            before = [p for p in before if p != just_before] or before
        return (max(before, key=Point.start) if before else cands[0]), "publication", 0.85
    if rel in ("next", "coming", "this coming"):
        after = [p for p in cands if p.start() > here]
        return (min(after, key=Point.start) if after else cands[-1]), "publication", 0.85
    if rel == "this":
        year = season_of(ref)[0] if gran == "season" else ref.year
        same = [p for p in cands if p.year == year]
        return (same[0] if same else cands[len(cands) // 2]), "publication", 0.85
    if not rel and gran == "month" and (same := ctx.named("month", within=1)) is not None \
            and same[1].month == cands[0].month and same[1].year is not None \
            and same[0] < len(ctx.article.mentions) \
            and not (ctx.article.mentions[same[0]].extra.get("groups") or {}).get("year"):
        # "cast ballots last January ... unlike the runup to January's
        # ballot": the month just named again
        return same[1], f"mention:{same[0]}", 0.8
    t = ctx.tense()
    filters = rules().resolution["filters"]
    if gran == "day" and filters["past_event_after"].match(ctx.article.text, ctx.mention.end):
        # "the January 13 incident": an event that is over, the latest such
        # day up to publication
        begun = [p for p in cands if p.start() <= ref]
        if begun:
            return max(begun, key=Point.start), "publication", 0.8
    if t == "future" and gran in ("month", "season"):
        ahead = [p for p in cands if p.end() >= ref]
        return min(ahead, key=Point.start), "publication", 0.8
    if t == "past" and gran in ("month", "season", "holiday") and not rules().resolution[
            "tense"]["forward_cues"].search(tense_mod.clause_text(ctx.article, ctx.mention)):
        # "The jet crashed in January", "we met on Christmas Day" (written in
        # December, in November): the latest one up to publication, unless
        # its clause looks ahead ("a summit set for April", "gave them
        # until mid-November"; not "nearly triple the number that stood in
        # January, ... turnout expected to be higher")
        begun = [p for p in cands if p.start() <= ref]
        return max(begun, key=Point.start), "publication", 0.8
    if _SINCE_BEFORE.search(ctx.article.text, max(0, ctx.mention.start - 48), ctx.mention.start):
        # "since January", "since its win in the January polls": already begun
        begun = [p for p in cands if p.start() <= ref]
        return max(begun, key=Point.start), "publication", 0.85
    middles = [(p.start() + (p.end() - p.start()) / 2, p) for p in cands]
    return pick(middles, ref, t), "publication", 0.8


_SINCE_BEFORE = re.compile(r"\bsince\s+(?:(?:its|his|her|their|the|a|an|[\w-]+)\s+){0,4}?"
                          r"(?:(?:in|of|at)\s+(?:the\s+)?)?$", re.IGNORECASE)

# what joins two dates of one kind: "November and January", "May-June"
_PAIRING = re.compile(r"\s*(?:,|and|or|to|through|until|till|-|\u2013|\u2014)\s*(?:(?:in|on)\s+)?",
                      re.IGNORECASE)


def discussed(ctx: Context, gran: str, reported: bool = False) -> tuple[Optional[Point], str]:
    """The period under discussion: the last one of that granularity named
    in the text, else the last complete one before publication ("the
    quarter" of an earnings report).  ``reported``: only a period over
    by publication counts."""
    for idx, p in reversed(ctx.history):
        if p.gran == gran:
            if reported and ctx.pub is not None and (p.end() is None or p.end() >= ctx.pub):
                continue
            return p, f"mention:{idx}"
    if ctx.pub is None:
        return None, "none"
    return Point.of_day(ctx.pub, gran).shift(-1, gran), "publication"


# --- calendar names -------------------------------------------------------------------


def resolve_calendar(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """Dates, months, years, seasons, quarters, halves, decades, centuries;
    "the week of March 6" is the week holding that day; "the day before
    Oct. 12" the day before it."""
    if g.get("yend"):
        g = _year_range_part(m, g)
        if g is None:
            return None
    r = _resolve_calendar(m, g, ctx)
    if r is not None and g.get("weekof") and r.point is not None and r.point.gran == "day":
        start = r.point.start()
        r.point = Point.of_day(start, "week") if start else Point("week", None)
    if r is not None and g.get("dayshift") and r.point is not None:
        r.point = _shift_day(r.point, g["dayshift"])
    return r


def _year_range_part(m: Mention, g: dict) -> Optional[dict]:
    """The groups of one end of a range of years ("1998-99"): the second
    end takes the century of the first; None when the two numbers cannot
    be a range of years (backwards, or more than 60 years apart)."""
    first = int(g["year"])
    end = g["yend"]
    last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
    if len(end) == 2 and last <= first:
        last += 100
    if not 0 < last - first <= 60:
        return None
    g = {k: v for k, v in g.items() if k != "yend"}
    if m.extra.get("part") == "2":
        g["year"] = str(last)
    return g


def _shift_day(point: Point, shift: str) -> Point:
    """The day before or after a day-level point ("the day before ...")."""
    day = point.day_point()
    if day is None or day.year is None:
        return point
    moved = day.shift(-1 if norm(shift).endswith("before") else 1, "day")
    return replace(moved, gran=point.gran, part=point.part) if point.gran == "part" else moved


def _resolve_calendar(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    r = Result(mod=position_mod(g) or quantity_mod(g), confidence=0.95)
    if g.get("after"):
        r.mod = "ON_OR_AFTER"
    year = parse_year(g.get("year")) if g.get("year") else None
    if year is None and g.get("year2"):
        year = parse_year(g["year2"])
    if g.get("yrel") or g.get("yrelof"):  # "June last year", "the second quarter of last year"
        if ctx.pub is None:
            year = None
        else:
            year = ctx.pub.year + _YEAR_STEP[norm(g.get("yrel") or g["yrelof"])]
            r.anchor = "publication"
    if g.get("weekord"):
        return _week_of_month(g, r, year, ctx)
    if g.get("mrel") and (g.get("day") or g.get("day2")):    # "from 24 to 27 of this month"
        g = dict(g, day=g.get("day") or g["day2"])
        if ctx.pub is None:
            r.value, r.confidence = f"XXXX-XX-{int(re.match(r'[0-9]+', g['day']).group()):02d}", 0.3
            return r
        month = Point.of_day(ctx.pub, "month").shift(
            {"this": 0, "next": 1, "last": -1}[norm(g["mrel"])], "month")
        r.point = Point("day", month.year, month.month, int(re.match(r"[0-9]+", g["day"]).group()))
        r.anchor = "publication"
        return r if r.point.start() is not None else None
    if g.get("decade") or g.get("decade2d") or g.get("decadeword"):
        if g.get("decade"):
            first = int(g["decade"])
        elif g.get("decade2d"):
            first = 1900 + int(g["decade2d"])
        else:
            first = 1900 + 10 * lookup("decade_words", g["decadeword"])
        r.point = Point("decade", first)
        return r
    if g.get("century"):
        c = g["century"]
        n = int(re.match(r"\d+", c).group()) if c[0].isdigit() else lookup("ordinals", c)
        if n == -1 and norm(m.text).startswith("the "):
            r.type, r.value = "DURATION", "P100Y"      # "the last century": the past hundred years
            return r
        if n == -1:                        # "early last century": the one before publication's
            if ctx.pub is None:
                r.value, r.anchor, r.confidence = "XX", "none", 0.3
                return r
            r.point, r.anchor = Point("century", (ctx.pub.year // 100 - 1) * 100), "publication"
            return r
        if not isinstance(n, int) or n <= 0:
            return None
        r.point = Point("century", (n - 1) * 100)
        return r
    if g.get("domonly"):
        return _day_of_month(int(g["domonly"][:-2]), r, ctx)
    make, gran = _calendar_maker(g)
    if make is None:
        if year is None:
            return None
        r.point = Point("year", year)
        if g.get("fiscal"):
            m.extra["fiscal_year"] = f"FY{year}"     # see resolve_relative
        return r
    if year is not None:
        r.point = make(year)
        if r.point.start() is None:
            return None                   # "February 30"
        if m.rule == "numeric_date":
            r.point = _day_first_if_past(r.point, ctx)
        if g.get("fiscal") and r.point.gran == "year":
            m.extra["fiscal_year"] = f"FY{year}"     # see resolve_relative
        return r
    if gran in ("day", "month") and not g.get("rel") and ctx.pub is not None \
            and (back := _anniversary(m, ctx)) is not None:
        # "the first anniversary of the July 7 bombings": the year of those
        # bombings, never this year's July 7; with no count, no year
        r.point, r.anchor, r.confidence = make(back or None), "publication", 0.6
        if r.point.start() is None and back:
            r.point = make(None)
        return r
    r.point, r.anchor, r.confidence = place_named(ctx, make, g.get("rel"), gran)
    if r.point.year is None and gran == "day":
        _year_from_text(ctx, r)
    return r


#: the step in years of a word naming a year relative to publication
_YEAR_STEP = {"this": 0, "current": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}


def _week_of_month(g: dict, r: Result, year: Optional[int], ctx: Context) -> Result:
    """"the third week of this month", "the last week of March": the ISO
    week holding the middle day of that stretch of seven days."""
    n = lookup("ordinals", g["weekord"])
    if g.get("mrel"):
        rel = norm(g["mrel"])
        named = ctx.named("month", "day", within=2) if rel.startswith("the") else None
        if named is not None:
            month, r.anchor = named[1].coarsen("month"), f"mention:{named[0]}"
        else:
            month, r.anchor = ctx.anchor_point("month")
        step = {"last": -1, "the previous": -1, "next": 1, "the following": 1}.get(rel, 0)
        month = month.shift(step, "month") if month is not None else None
    else:
        number = lookup("months", g["month"])
        make = lambda y: Point("month", y, number)     # noqa: E731
        if year is not None:
            month = make(year)
        else:
            month, r.anchor, r.confidence = place_named(ctx, make, None, "month")
    if month is None or month.year is None:
        r.value, r.confidence = _UNKNOWN["week"], 0.3
        return r
    last_day = _cal.monthrange(month.year, month.month)[1]
    middle = last_day - 3 if n == -1 else min(7 * (n - 1) + 4, last_day)
    r.point = Point.of_day(date(month.year, month.month, middle), "week")
    return r


_EVENT_YEAR = re.compile(r"(?:\s+[\w-]+){1,4}?\s+(?:in|of)\s+(?P<year>(?:19|20)\d\d)\b")
_ANNIVERSARY = re.compile(r"\b(?:(?P<nth>\w+)\s+)?anniversary\s+of\s+(?:the\s+)?$", re.IGNORECASE)


def _anniversary(m: Mention, ctx: Context) -> Optional[int]:
    """The year of a date that names a past event in a sentence about its
    anniversary or its memory: "marked the first anniversary of the July 7
    bombings" (a year back), "since the 7 July bombings in London in 2005"
    (2005); 0 when unsaid ("remembered the July 7 bombings"); None for any
    other date."""
    filters = rules().resolution["filters"]
    if not filters["past_event_after"].match(ctx.article.text, m.end):
        return None
    year = _EVENT_YEAR.match(ctx.article.text, m.end)
    if year is not None:
        return int(year["year"])           # "the 7 July bombings in London in 2005"
    sentence = _sentence_text(ctx.article, m)
    if not filters["memory_words"].search(sentence):
        return None
    before = ctx.article.text[max(0, m.start - 40):m.start]
    found = _ANNIVERSARY.search(before)
    if found and found["nth"]:
        nth = found["nth"].lower()
        count = lookup("ordinals", nth) if not nth[:1].isdigit() else int(re.match(r"\d+", nth).group())
        if isinstance(count, int) and count > 0:
            return ctx.pub.year - count
    return 0


def _day_first_if_past(point: Point, ctx: Context) -> Point:
    """"announced on 12/03/2013", written on 14 March 2013: read month first
    it lies ahead of publication, which a past clause rules out; read day
    first (12 March) it does not.  Otherwise the American order stands."""
    if ctx.pub is None or point.month == point.dom or point.dom > 12 or point.start() <= ctx.pub:
        return point
    swapped = Point("day", point.year, point.dom, point.month)
    if swapped.start() is not None and swapped.start() <= ctx.pub and ctx.tense() == "past":
        return swapped
    return point


def _day_of_month(day: int, r: Result, ctx: Context) -> Result:
    """"on the 20th": that day of the publication month, of the month
    before or of the month after, whichever the tense favours."""
    r.confidence = 0.6
    if ctx.pub is None:
        r.value, r.confidence = f"XXXX-XX-{day:02d}", 0.3
        return r
    cands = []
    for k in (-1, 0, 1):
        y, month = month_add(ctx.pub.year, ctx.pub.month, k)
        if day <= _cal.monthrange(y, month)[1]:
            cands.append((date(y, month, day), Point("day", y, month, day)))
    r.point, r.anchor = pick(cands, ctx.pub, ctx.tense()), "publication"
    return r


def _calendar_maker(g: dict):
    """(make(year) -> Point, granularity) for the named part of a date."""
    if g.get("qcode"):                     # "Q3", "3Q", "H1", "1H"
        code = norm(g["qcode"])
        n = int(code.strip("qh"))
        if "h" in code:
            return (lambda y: Point("half", y, half=n)), "quarter"
        return (lambda y: Point("quarter", y, quarter=n)), "quarter"
    if g.get("quarter"):
        q = lookup("ordinals", g["quarter"])
        q = 4 if q == -1 else q
        return (lambda y: Point("quarter", y, quarter=q)), "quarter"
    if g.get("qmonthend") and not g.get("qmonth"):     # "the September quarter"
        last = lookup("months", g["qmonthend"])
        if not last or last % 3:
            return None, ""
        return (lambda y: Point("quarter", y, quarter=last // 3)), "quarter"
    if g.get("qmonth"):                    # "the July-September quarter"
        first, last = lookup("months", g["qmonth"]), lookup("months", g["qmonthend"])
        if not first or last != first + 2 or first % 3 != 1:
            return None, ""
        return (lambda y: Point("quarter", y, quarter=(first + 2) // 3)), "quarter"
    if g.get("half") or g.get("qspan"):
        h = 1 if norm(g.get("half") or g.get("qspan")) == "first" else 2
        return (lambda y: Point("half", y, half=h)), "quarter"
    if g.get("season"):
        s = lookup("seasons", g["season"])
        return (lambda y: Point("season", y, season=s)), "season"
    month = int(g["mnum"]) if g.get("mnum") else lookup("months", g.get("month"))
    if not month:
        return None, ""
    day = _day_number(g)
    if day:
        if not 1 <= day <= _cal.monthrange(2000, month)[1]:     # 2000: a leap year
            return None, ""                                      # "June 31"
        return (lambda y: Point("day", y, month, day)), "day"
    return (lambda y: Point("month", y, month)), "month"


def _day_number(groups: dict) -> int:
    if groups.get("day"):
        return int(re.match(r"\d+", groups["day"]).group())
    if groups.get("dayword"):
        v = lookup("ordinals", groups["dayword"])
        return v if isinstance(v, int) and v > 0 else 0
    return 0


def _year_from_text(ctx: Context, r: Result) -> None:
    """Without a publication date, a year named just before may give a
    year-less date its year ("... in 2025 ... on 19 December"): lower
    confidence, anchored on that mention."""
    last = ctx.last("year")
    if last is not None and last[1].gran in ("year", "month", "day"):
        r.point = replace(r.point, year=last[1].year)
        r.anchor, r.confidence = f"mention:{last[0]}", 0.5


def resolve_holiday(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """Named holidays: a fixed day, or the n-th weekday of a month."""
    spec = lookup("holidays", g["holiday"])
    if spec is None:
        return None

    week = bool(g.get("hweek"))            # "Easter week": the week holding it

    def make(y):
        if y is None:
            if week:
                return Point("week", None)
            if spec[0] == "easter":
                return Point("day", None, None, 0)      # a movable feast: no day without a year
            return Point("day", None, spec[0], spec[1] if len(spec) == 2 else 0)
        return Point.of_day(holiday_date(spec, y), "week" if week else "day")

    year = parse_year(g.get("year")) if g.get("year") else None
    r = Result(confidence=0.9)
    filters = rules().resolution["filters"]
    text = ctx.article.text
    if filters["holiday_thing_after"].match(text, m.end):
        return None                        # "Christmas trees"
    if year is None and not g.get("rel") \
            and filters["generic_example_before"].search(text[max(0, m.start - 20):m.start]):
        r.point, r.confidence = make(None), 0.5    # "festivals such as Christmas": any year's
        return r
    if year is not None:
        r.point = make(year)
    elif not g.get("rel") and ctx.pub is not None and _HOLIDAY_SEASON.match(text, m.end):
        # "the former action hero's Christmas holiday skiing accident",
        # written on 24 December: the holiday season at hand, the nearest
        cands = [(holiday_date(spec, y), make(y))
                 for y in (ctx.pub.year - 1, ctx.pub.year, ctx.pub.year + 1)]
        r.point = min(cands, key=lambda c: abs((c[0] - ctx.pub).days))[1]
        r.anchor = "publication"
    else:
        r.point, r.anchor, r.confidence = place_named(ctx, make, g.get("rel"), "holiday")
    return r


_HOLIDAY_SEASON = re.compile(r"\s+(?:holidays?|season|break|period|vacation|recess)\b",
                             re.IGNORECASE)


def holiday_date(spec: list, year: int) -> date:
    """The day of a holiday rule of vocabulary.toml in ``year``."""
    if spec[0] == "easter":
        return easter(year) + timedelta(days=spec[1])      # dateutil: Western Easter
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


# --- days of the week, today, parts of the day ---------------------------------------


def resolve_weekday(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """A weekday: "last/next/this Friday", "the previous Friday", or by tense:
    a past clause takes the latest such day up to publication (the same day
    included), a future clause the first one from publication on."""
    wd = lookup("weekdays", g["weekday"])
    part = lookup("parts_of_day", g.get("part")) if g.get("part") else ""
    r = Result(confidence=0.85, type="TIME" if part else "DATE")
    rel = norm(g.get("rel") or "")
    unknown = f"XXXX-WXX-{wd}" + (f"T{part}" if part else "")
    if rel in ("the previous", "the following", "the next", "the preceding", "the same"):
        last = ctx.last("day")
        if last is not None and last[1].day_point() is not None:
            base, r.anchor = last[1].day_point().start(), f"mention:{last[0]}"
        else:
            base, r.anchor = ctx.pub, "publication"
        if base is None:
            r.value, r.anchor, r.confidence = unknown, "none", 0.3
            return r
        d = weekday_from(base, wd, -1 if rel in ("the previous", "the preceding") else 1)
    elif ctx.pub is None:
        r.value, r.confidence = unknown, 0.3
        return r
    else:
        ref, r.anchor = ctx.pub, "publication"
        if rel in ("last", "past", "this past"):
            d = weekday_from(ref, wd, -1)
        elif rel in ("next", "coming", "this coming"):
            d = weekday_from(ref, wd, 1)
        elif rel == "this":
            d = ref + timedelta(days=wd - ref.isoweekday())
        elif (week := ctx.joined_to_last("week", _NARROWING)) is not None:
            # "next week, probably on Monday or Tuesday": a day of that week
            d, r.anchor = week[1].start() + timedelta(days=wd - 1), f"mention:{week[0]}"
        else:
            t = ctx.tense()
            prev = ref - timedelta(days=(ref.isoweekday() - wd) % 7)
            nxt = ref + timedelta(days=(wd - ref.isoweekday()) % 7)
            if t in ("future", "prospective"):
                d = nxt
            elif t == "past":
                d = prev
            else:
                lean = 1 if t == "present" else 3      # no verb: news reports the past
                d = prev if (ref - prev).days <= lean * (nxt - ref).days else nxt
                r.confidence = 0.7
    r.point = Point.of_day(d)
    if part:
        r.point = replace(r.point, gran="part", part=part)
    if g.get("dayshift"):
        r.point = _shift_day(r.point, g["dayshift"])
    return r


def _generic_day(article: Article, m: Mention):
    """"lead" for "today" in general after a predicate ("than is possible
    today"), True for "today" or "tomorrow" in general before or after a
    noun ("today's youth", "the people of tomorrow"), False for the day
    ("the start of today's hearing", "the vote of today", "a crisis like
    that of today").  (TBAQ tags none of the second kind, 0 of 5, so they
    are dropped rather than valued PRESENT_REF; see the closing note.)"""
    filters = rules().resolution["filters"]
    text = article.text
    after = text[m.end:m.end + 40]
    before = text[max(0, m.start - 30):m.start]
    if filters["generic_day_lead"].search(before):
        return "lead"
    if filters["generic_day_after"].match(after):
        return True
    return bool(filters["generic_day_before"].search(before)
                and not filters["specific_day_after"].match(after)
                and not filters["specific_day_of"].search(before))


# what stands between a week and a weekday narrowing it: "next week,
# probably on Monday or Tuesday"
_NARROWING = re.compile(r"[\s,;:(\u2013\u2014-]*(?:(?:probably|possibly|likely|perhaps|maybe|"
                        r"most likely|either|on|or|and|as early as|as soon as|"
                        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)[\s,]+)*$", re.IGNORECASE)


def weekday_from(base: date, wd: int, direction: int) -> date:
    """The nearest weekday ``wd`` strictly before (-1) or after (+1) ``base``."""
    if direction < 0:
        return base - timedelta(days=(base.isoweekday() - wd) % 7 or 7)
    return base + timedelta(days=(wd - base.isoweekday()) % 7 or 7)


def resolve_deictic(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """today, yesterday, tomorrow, tonight, this morning, last night, overnight;
    "today's smartphones", "the builders of tomorrow": the present or the
    future in general."""
    word = norm(g.get("deictic") or "")
    if m.rule == "deictic_day" and set(g) <= {"deictic"} and word in ("today", "tomorrow"):
        generic = _generic_day(ctx.article, m)
        if generic == "lead":              # "cheaper than is possible today"
            return Result(value="PRESENT_REF" if word == "today" else "FUTURE_REF",
                          confidence=0.6, anchor="publication" if ctx.pub else "none")
        if generic:
            return None                    # "today's youth", "the people of tomorrow"
    part = lookup("parts_of_day", g.get("part")) if g.get("part") else ""
    offset = lookup("deictic_days", word)
    if m.rule == "overnight":                # in a past clause, the night before
        offset, part = (-1 if ctx.tense() == "past" else 0), "NI"
    elif word == "last":                   # "last night", "last evening": yesterday's
        offset = -1 if part in ("NI", "EV") else 0
    elif word == "this" or offset is None:
        offset = 0
    if word == "tonight":
        part = "NI"
    r = Result(mod=position_mod(g), confidence=0.9, type="TIME" if part else "DATE")
    if ctx.pub is None:
        r.value, r.confidence = "XXXX-XX-XX" + (f"T{part}" if part else ""), 0.3
        return r
    r.point, r.anchor = Point.of_day(ctx.pub + timedelta(days=offset)), "publication"
    if part:
        r.point = replace(r.point, gran="part", part=part)
    return r


def resolve_clock(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """Clock times, on the day named with them (also after a bracketed
    conversion), else a day named before in the same sentence, else the
    publication date."""
    r = Result(type="TIME", mod=quantity_mod(g) or position_mod(g), confidence=0.85)
    if g.get("clockword"):
        hour, minute = {"noon": (12, 0), "midday": (12, 0), "midnight": (24, 0)}[norm(g["clockword"])]
    else:
        hour = int(g["hour"]) if g["hour"].isdigit() else parse_number(g["hour"])
        minute = int(g.get("minute") or 0)
        ampm = norm(g.get("ampm") or "").replace(".", "").replace(" ", "")
        part = norm(g.get("part") or "")
        if not isinstance(hour, int) or hour > 24 or (ampm.startswith("o") and hour > 12):
            return None
        if ampm.startswith("p") or part in ("afternoon", "evening"):
            hour = hour + 12 if hour < 12 else hour
        elif (ampm.startswith("a") or part == "morning") and hour == 12:
            hour = 0
    sub = None
    if g.get("weekday"):
        sub = resolve_weekday(m, {"weekday": g["weekday"]}, ctx)
    elif g.get("deictic"):
        sub = resolve_deictic(m, {"deictic": g["deictic"]}, ctx)
    elif g.get("month"):
        sub = resolve_calendar(m, {"month": g["month"], "day": g["day"]}, ctx)
    else:
        sub = _day_after_conversion(m, ctx, hour)   # "9:05 a.m. (0305 GMT) Tuesday"
    day = None
    if sub is not None and sub.point is not None:
        day, r.anchor = sub.point, sub.anchor
    else:
        # a day named earlier in the same sentence, else the publication
        # date: a day named sentences before is most often another event's
        last = ctx.last("day")
        if last is not None and last[1].day_point() is not None \
                and ctx.sentence_of.get(last[0]) == m.sentence:
            day, r.anchor = last[1].day_point(), f"mention:{last[0]}"
        elif (later := _day_later_in_sentence(m, ctx)) is not None:
            day, r.anchor = later.point.day_point(), later.anchor   # "at 7 a.m. during Monday's vote"
        elif ctx.pub is not None:
            day, r.anchor = Point.of_day(ctx.pub), "publication"
    if day is None or day.year is None:
        r.value, r.anchor, r.confidence = f"XXXX-XX-XXT{hour:02d}:{minute:02d}", "none", 0.4
        return r
    r.point = Point("time", day.year, day.month, day.dom, hour=hour, minute=minute)
    return r


def _day_later_in_sentence(m: Mention, ctx: Context) -> Optional[Result]:
    """The day named after a clock time in its sentence ("at 7 a.m. during
    Monday's referendum"), resolved in the clock's clause."""
    for x in ctx.article.mentions:                   # sorted by start
        if x.start < m.end:
            continue
        if x.sentence != m.sentence:
            return None
        between = ctx.article.text[m.end:x.start]
        if len(between) > 40 or _COMPARISON.search(between):
            return None                    # "At 5 p.m., the dollar ..., compared with Friday"
        g, kind = x.extra.get("groups") or {}, x.extra.get("kind")
        if kind == "weekday" and not g.get("rel") or kind == "deictic" and g.get("deictic") \
                or kind == "calendar" and g.get("month") and (g.get("day") or g.get("dayword")):
            sub = RESOLVERS[kind](x, g, ctx)
            if sub is not None and sub.point is not None and sub.point.day_point() is not None:
                return sub
            return None
    return None


_COMPARISON = re.compile(r"\b(?:compared|against|from|than|since|versus|vs)\b", re.IGNORECASE)
_CONVERSION = re.compile(r"\s*\((?:[^)]{0,30}?\s)?(?P<inner>[A-Za-z]+)?\)"
                         r"\s*(?:on\s+)?(?P<after>[A-Za-z]+)?")


def _day_after_conversion(m: Mention, ctx: Context, hour: int) -> Optional[Result]:
    """The weekday or today/yesterday written after a bracketed conversion
    of a clock time, or at the end of it: "at 9:05 a.m. (0305 GMT)
    Tuesday", "at 4 in the morning (4 a.m. EDT Thursday)".  A day inside
    the brackets is the converted time's: "8:30 a.m. (2330 GMT Thursday)"
    in Tokyo is Friday, since no time zone is more than 12 hours behind
    GMT or 14 ahead."""
    text = ctx.article.text
    gap = _CONVERSION.match(text, m.end, m.end + 60)
    if gap is None:
        return None
    for word, inside in ((gap.group("after"), False), (gap.group("inner"), True)):
        sub = None
        if word and lookup("weekdays", word) is not None:
            sub = resolve_weekday(m, {"weekday": word}, ctx)
        elif word and norm(word) in ("today", "tonight", "yesterday", "tomorrow"):
            sub = resolve_deictic(m, {"deictic": word}, ctx)
        if sub is None:
            continue
        converted = _CLOCK_IN_BRACKETS.search(gap.group(0))
        if inside and converted and sub.point is not None and sub.point.day_point() is not None:
            diff = hour - int(converted["hour"]) - (12 if converted["pm"] else 0)
            step = 1 if diff < -12 else (-1 if diff > 14 else 0)
            sub.point = sub.point.day_point().shift(step, "day")
        return sub
    return None


_CLOCK_IN_BRACKETS = re.compile(r"\((?:[^)]*?\s)?(?P<hour>[012]?\d)(?:[:.]?\d\d)?\s*"
                                r"(?:(?P<pm>p\.?m\.?)|a\.?m\.?)?\s*(?:GMT|UTC|[ECMP][SD]?T)\b",
                                re.IGNORECASE)


# --- relative to publication or to the date before -------------------------------------

_UNIT_GRAN = {"day": "day", "morning": "part", "afternoon": "part", "evening": "part",
              "night": "part", "week": "week", "weekend": "weekend", "month": "month",
              "quarter": "quarter", "year": "year", "decade": "decade", "century": "century"}
_PART_OF_UNIT = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_ANAPHORIC = ("that", "that same", "the same", "the following", "the previous", "the preceding",
              "the prior")


def resolve_relative(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """this/last/next/the coming ... + unit (publication date), and
    that/the following/later in the ... + unit (the date named before).

    A fiscal year keeps the calendar year as its value and interval (TBAQ
    writes "fiscal 1989" as 1989, 6 of 6, and a timeline needs a place for
    it); TimeML's fiscal value ("FY1989") is kept in ``extra["fiscal_year"]``."""
    r = _resolve_relative(m, g, ctx)
    if r is not None and g.get("fiscal") and norm(g["fiscal"]) != "calendar" \
            and r.point is not None and r.point.gran == "year" and r.point.year is not None:
        m.extra["fiscal_year"] = f"FY{r.point.year}"
    return r


def _resolve_relative(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    if g["unit"][:1].isupper() and not g["unit"].isupper() and not m.text.startswith(g["unit"]) \
            and m.rule != "new_year":
        return None                        # "ABC's This Week": a title
    unit = norm(g["unit"])
    rel = norm(g.get("rel") or "this")
    mod = position_mod(g)
    gran = _UNIT_GRAN[unit]
    text = ctx.article.text
    after = text[m.end:m.end + 14].lower()
    r = Result(mod=mod, confidence=0.85)
    if rel == "the next" and gran in ("day", "part"):
        rel = "the following"             # "the next day" counts from the date before
    if rel in ("the", "that", "the same", "that same") and not mod \
            and re.match(r"\s+(?:before|after|earlier|later)\b", after):
        return None                        # "the year before": a signal, not a date
    if rel == "the" and not mod and gran != "weekend" \
            and re.search(r"\b(?:by|per|a)\s+$", text[max(0, m.start - 6):m.start]):
        return None                        # "louder by the month": distributive (not "by the weekend")
    if g.get("dir"):                       # "the day before,": next to the date named before
        rel = "the previous" if norm(g["dir"]) in ("before", "earlier", "previous", "prior",
                                                   "preceding") else "the following"
    if rel == "the" and not mod and gran in ("day", "part", "decade", "century") \
            and m.rule != "part_of_that_day":
        return None                        # "the day", "the night": too vague
    if rel == "new":                       # "the new year"
        if ctx.pub is None:
            r.value, r.confidence = _UNKNOWN["year"], 0.3
            return r
        r.point, r.anchor = Point("year", ctx.pub.year + (ctx.pub.month >= 10)), "publication"
        return r
    if rel == "that" and not mod and gran in ("decade", "century"):
        return None
    if rel in ("the past", "the last", "past", "last", "the next", "next", "the coming", "coming") \
            and gran in ("decade", "century"):
        # "over the past decade", "over the next decade": a stretch of ten years
        r.type, r.value = "DURATION", "P10Y" if gran == "decade" else "P100Y"
        return r
    if gran == "year" and (rel in ("the full", "the entire", "the whole")
                           or rel == "the" and not g.get("fiscal")):
        # "lost $3.1bn in the last quarter of 2008 and $7bn for the full
        # year", "began in early December and was over by the end of the
        # year": the year of the date named before in the same sentence --
        # unless that date lies in a year after publication ("elections on
        # January 25 ... due to expire at the end of the year", written in
        # December: the year is the current one, not the election's)
        named = ctx.named("year", "half", "quarter", "season", "month", "week", "day", "part",
                          "time", within=0)
        if named is not None and named[1].year is not None and named[1].coarsen("year").year \
                is not None and not _APPOSITION.search(text, max(0, m.start - 20), m.start) \
                and not _YEAR_TO.match(text, m.end) \
                and (ctx.pub is None or named[1].coarsen("year").year <= ctx.pub.year):
            r.point, r.anchor, r.confidence = named[1].coarsen("year"), f"mention:{named[0]}", 0.75
            return r
    if rel == "the" and not mod and re.search(r"\b(?:days?|nights?|hours?|time|times)\s+of\s+$",
                                              text[max(0, m.start - 12):m.start]):
        return None                        # "certain days of the week": any week
    if unit == "year" and rel == "the" and re.match(r"\s+\d{1,4}\b", text[m.end:m.end + 6]):
        return None                        # "until the year 325": a year we do not resolve
    appositive = _APPOSITION.search(text, max(0, m.start - 20), m.start)
    if unit == "year" and rel == "the" and not mod and appositive:
        # "In 2000, the year the data was collected": that year
        r.point, r.anchor = Point("year", int(appositive.group(1))), "none"
        return r
    if unit == "year" and rel == "the" and not mod and (to := _YEAR_TO.match(text, m.end)) \
            and (not to["month"] or lookup("months", to["month"])):
        r.type, r.value = "DURATION", "P1Y"   # "for the year ended Sept. 30", "the year to March"
        return r
    if unit == "month" and rel == "the" and not mod and (of := _MONTH_OF.match(text, m.end)) \
            and (of["name"][:1].isupper() or lookup("months", of["name"])):
        return None                        # "in the month of March": March alone is the date
                                           # ("the month of Ramadan": no month of ours)
    relative = rules().vocab["relative_words"]
    if gran == "quarter" and rel not in relative:
        r.point, r.anchor = discussed(ctx, "quarter")
        step = rules().vocab["anaphoric_words"].get(rel, 0) if rel in _ANAPHORIC else 0
        if step and r.point is not None and r.anchor.startswith("mention"):
            r.point = r.point.shift(step, "quarter")    # "the previous quarter"
            return r
        ended = _ENDED.match(text, m.end)
        if ended and not r.anchor.startswith("mention"):
            r.point, r.anchor = _quarter_ended(ended, ctx) or (r.point, r.anchor)
        if r.point is None:
            r.value, r.confidence = _UNKNOWN["quarter"], 0.3
        return r
    if rel in _ANAPHORIC or (rel == "the" and gran in ("day", "part")):
        return _anaphoric_unit(r, unit, gran, rel, ctx)
    if rel == "the" and gran == "month" and not mod:
        named = ctx.named("month", within=1)
        if named is not None:               # "prices rose in November ... in the month"
            r.point, r.anchor, r.confidence = named[1], f"mention:{named[0]}", 0.7
            return r
    if ctx.pub is None:
        r.value, r.confidence = _UNKNOWN.get(gran, ""), 0.3
        return r
    step = relative.get(rel, 0)
    if gran == "year" and mod == "END" and norm(g.get("rel") or "the") == "the" and ctx.pub.month < 12 \
            and re.search(r"\bsince\s+$", text[max(0, m.start - 8):m.start], re.I):
        step = -1                          # "up 5% since year-end": the last one passed
    r.anchor = "publication"
    if gran == "weekend":
        r.point = _weekend(ctx, rel)
    elif gran in ("part", "day"):
        r.point = Point.of_day(ctx.pub).shift(step, "day")
        if gran == "part":
            r.point, r.type = replace(r.point, gran="part", part=_PART_OF_UNIT[unit]), "TIME"
    else:
        r.point = Point.of_day(ctx.pub, gran).shift(step, gran)
    return r


# (the word after "to" / "of" is looked up in the months table)
_YEAR_TO = re.compile(r"\s+(?:ended|ending|ends|to\s+date\b|to\s+(?:end-|the\s+end\s+of\s+)?"
                      r"(?P<month>[A-Za-z]+\.?)(?!\w))", re.IGNORECASE)
_MONTH_OF = re.compile(r"\s+of\s+(?P<name>[A-Za-z]+\.?)(?!\w)")
_APPOSITION = re.compile(r"\b((?:1[5-9]|20)\d\d)(?:,|\s+(?:is|was|will\s+be|be|became|becomes))\s*$")
_ENDED = re.compile(r"\s+(?:that\s+)?(?:ended|ending|ends)\s+(?P<month>[A-Za-z]+)\.?\s+"
                    r"(?P<day>\d{1,2})\b(?:,?\s+(?P<year>(?:19|20)\d\d))?")


def _quarter_ended(ended: re.Match, ctx: Context) -> Optional[tuple[Point, str]]:
    """"the quarter ended July 31" when no quarter was named before: the
    calendar quarter holding most of the three months up to that day
    (May-July: the second quarter)."""
    month = lookup("months", ended["month"])
    if not isinstance(month, int) or not month:
        return None
    if ended["year"]:
        year = int(ended["year"])
    elif ctx.pub is not None:
        year = ctx.pub.year if (month, int(ended["day"])) <= (ctx.pub.month, ctx.pub.day) \
            else ctx.pub.year - 1
    else:
        return None
    middle = date(year, month, 1) - timedelta(days=30)     # the period's middle month
    if int(ended["day"]) >= 25:
        middle = date(year, month, 15) - timedelta(days=31)
    return Point.of_day(middle, "quarter"), "publication" if not ended["year"] else "none"


def _anaphoric_unit(r: Result, unit: str, gran: str, rel: str, ctx: Context) -> Result:
    step = rules().vocab["anaphoric_words"].get(rel, 0)
    base_gran = "day" if gran == "part" else ("week" if gran == "weekend" else gran)
    if gran in ("day", "part") and step == 0 and rel != "the" and ctx.history \
            and ctx.history[-1][1].gran == "month":
        # "... last October, when ... His name was crossed out that same day":
        # the day of the month named just before, its number unknown ("the
        # morning" after "the January 1994 quake" is not in that month).
        idx, month = ctx.history[-1]
        r.value = month.value() + "-XX" + (f"T{_PART_OF_UNIT[unit]}" if gran == "part" else "")
        r.type = "TIME" if gran == "part" else "DATE"
        r.start, r.end, r.anchor, r.confidence = month.start(), month.end(), f"mention:{idx}", 0.5
        return r
    last = ctx.last(base_gran)
    if last is not None and ctx.pub is not None and last[1].start() is not None \
            and last[1].start() > ctx.pub and ctx.tense() == "past":
        # "gathered in the afternoon" after "Sunday's polls"; "volumes were up
        # from the previous week" after "next week": not a date ahead
        last = None
    if last is not None:
        base, r.anchor = last[1].coarsen(base_gran), f"mention:{last[0]}"
    else:
        base, r.anchor = ctx.anchor_point(base_gran)
    if base is None:
        r.value, r.confidence = _UNKNOWN.get(gran, ""), 0.3
        if gran == "part":                 # "in the morning", no date known
            r.value, r.type = r.value + f"T{_PART_OF_UNIT[unit]}", "TIME"
        return r
    r.point, r.confidence = base.shift(step, base_gran), 0.7
    if gran == "part":
        r.point, r.type = replace(r.point, gran="part", part=_PART_OF_UNIT[unit]), "TIME"
    return r


def _weekend(ctx: Context, rel: str) -> Point:
    """The weekend meant by "the/this/last/next weekend" on the publication date."""
    week = Point.of_day(ctx.pub, "week")
    on_weekend = ctx.pub.isoweekday() >= 6
    if rel in ("last", "past", "the past", "this past", "the last"):
        step = -1
    elif rel in ("next", "the next"):
        step = 1 if on_weekend else 0
    elif rel in ("the", "that"):
        t = ctx.tense()
        m = ctx.mention
        deadline = m is not None and t != "past" and re.search(
            r"\b(?:by|until|till|before)\s+$", ctx.article.text[max(0, m.start - 8):m.start])
        # "could hit the coast by the weekend" (no tense told): the coming one
        step = 0 if on_weekend or t in ("future", "prospective") or deadline else -1
    else:                                   # this, coming, current
        step = 0
    return replace(week.shift(step, "week"), gran="weekend")


def resolve_anaphor(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """"by that time", "at the time": the time named just before (in the
    same or the previous sentence); with none, a reference to the past."""
    r = Result(confidence=0.6)
    named = ctx.named("time", "part", "day", "weekend", "week", "month", "quarter", "half",
                      "season", "year", "decade", within=1)
    if named is not None and named[1].year is not None:
        r.point, r.anchor = named[1], f"mention:{named[0]}"
        r.type = "TIME" if named[1].gran in ("time", "part") else "DATE"
        return r
    r.value, r.anchor = "PAST_REF", "publication" if ctx.pub else "none"
    return r


def resolve_session(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """A trading session: "finished higher on the day" is the day named
    before (else the publication date); "in morning trading (on
    Wednesday)" the morning of that day."""
    if g.get("weekday"):
        r = resolve_weekday(m, {"weekday": g["weekday"]}, ctx)
    else:
        r = _anaphoric_unit(Result(confidence=0.7), "day", "day", "that", ctx)
    if r is None or not g.get("sessionpart"):
        return r
    part = "NI" if norm(g["sessionpart"]) == "overnight" else lookup("parts_of_day", g["sessionpart"])
    r.type, r.mod = "TIME", position_mod(g)
    if r.point is not None and r.point.day_point() is not None:
        r.point = replace(r.point.day_point(), gran="part", part=part)
    elif r.value:
        r.value = r.value.split("T")[0] + f"T{part}"
    return r


def resolve_ordinal_day(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """"on the 12th day (of the strike)": counted from the day named before
    as the first; with no day named before, the day is unknown."""
    nth = g["nth"]
    n = int(re.match(r"\d+", nth).group()) if nth[:1].isdigit() else lookup("ordinals", nth)
    if not isinstance(n, int) or n < 1:
        return None
    r = Result(confidence=0.5)
    last = ctx.last("day")
    if _PRESENT_COPULA.search(ctx.article.text, max(0, m.start - 12), m.start) and ctx.pub:
        # "today is the eighth day of the blockade": the day of writing
        r.point, r.anchor = Point.of_day(ctx.pub), "publication"
    elif last is not None and last[1].day_point() is not None:
        r.point, r.anchor = last[1].day_point().shift(n - 1, "day"), f"mention:{last[0]}"
    elif (later := _day_later_in_sentence(m, ctx)) is not None:
        # "at lunch on the first day of the Test ... here Friday": that day
        r.point, r.anchor = later.point.day_point(), later.anchor
    else:
        r.value = _UNKNOWN["day"]
    return r


_PRESENT_COPULA = re.compile(r"(?:\bis|\bmarks|['’]s)\s+$", re.IGNORECASE)


def resolve_vicinity(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """"in the weeks before the shooting": days or weeks next to an event,
    dated by the month of the date named last (the event's, most often);
    without one, a reference to the past."""
    r = Result(confidence=0.5)
    last = ctx.last("month")
    if last is not None and last[1].coarsen("month").year is not None:
        r.point, r.anchor = last[1].coarsen("month"), f"mention:{last[0]}"
    else:
        r.value, r.anchor = "PAST_REF", "publication" if ctx.pub else "none"
    return r


_BACK = {"year-earlier", "year-ago", "year earlier", "year ago", "prior-year", "previous-year",
         "a year ago", "last year", "a year earlier"}
_BACK_WORDS = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(_BACK, key=len, reverse=True)))
                         + r")(?![\w-])")
_PERIOD_DURATIONS = {"nine months": "P9M", "six months": "P6M", "three months": "P3M"}


def resolve_yearago(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """Periods of financial reports: "the latest quarter", "the year-ago
    period", "the 1988 quarter": the period under discussion, moved."""
    unit = norm(g.get("unit") or "period")
    rel = norm(g.get("rel") or "")
    r = Result(confidence=0.7)
    if unit in _PERIOD_DURATIONS:
        r.type, r.value = "DURATION", _PERIOD_DURATIONS[unit]
        return r
    if m.rule == "same_period_last_year":
        return _same_period_last_year(unit, r, ctx, parse_year(g.get("year")))
    if unit == "period" and not g.get("year") and not _quarterly(ctx):
        return None                        # "over that period" (2007-2013): no quarter meant
    gran = {"half": "half", "fiscal year": "year"}.get(unit, "quarter")
    words = norm(m.text)
    # a year back anywhere in the words: "last year's quarter", "the
    # comparable year-ago quarter", "the quarter a year ago"
    back = bool(_BACK_WORDS.search(words))
    if rel == "current":
        base, r.anchor = ctx.anchor_point(gran)
    else:
        # a period compared with a year before is one already reported:
        # a period named ahead of publication is not it
        base, r.anchor = discussed(ctx, gran, reported=back)
        if m.rule == "year_ago_adjective" and r.anchor == "publication":
            base, r.anchor = ctx.anchor_point("year")   # "year-earlier" with no period named
    if base is None:
        r.value, r.anchor, r.confidence = _UNKNOWN.get(gran, ""), "none", 0.3
        return r
    if g.get("quarter"):
        q = lookup("ordinals", g["quarter"])
        base = Point("quarter", base.year, quarter=4 if q == -1 else q)
    if g.get("year"):
        base = replace(base, year=int(g["year"]))
    elif back:
        base = base.shift(-1, "year")
    r.point = base
    return r


def _quarterly(ctx: Context) -> bool:
    """True in a report of periodic results: a quarter or half named
    before, or a word of financial results in the article (resolution.toml,
    ``results_words``)."""
    return any(p.gran in ("quarter", "half") for _, p in ctx.history) \
        or bool(rules().resolution["filters"]["results_words"].search(ctx.article.text))


def _same_period_last_year(unit: str, r: Result, ctx: Context, year: Optional[int]) -> Result:
    """"the same month last year": the month under discussion (named last,
    else the publication's), a year back; "the same period": the period
    named last, whatever its length; "the same time last year": the year
    before.  "the same period of 2005": that period in 2005, or the year
    2005 when no period was named."""
    if year is not None:
        grans = ("month", "quarter", "half", "season") if unit == "period" else (unit,)
        found = ctx.named(*grans)
        if found is None or found[1].year is None:
            r.point = Point("year", year)
        else:
            r.point, r.anchor = replace(found[1], year=year), f"mention:{found[0]}"
        return r
    if ctx.pub is None and not ctx.history:
        r.value, r.confidence = _UNKNOWN.get(unit, "XXXX"), 0.3
        return r
    longer = rules().resolution["filters"]["longer_period"].search(_sentence_text(ctx.article,
                                                                                  ctx.mention))
    if unit == "time" or unit == "period" and longer \
            and ctx.named("month", "quarter", "half", "season", within=0) is None:
        # "the same time last year"; "in the first nine months, up 1.7
        # percent on the same period last year": the year before
        base, r.anchor = ctx.anchor_point("year")
    else:
        found = ctx.named("month", "quarter", "half", "season", "year") if unit == "period" \
            else ctx.named(unit)
        if found is not None:
            base, r.anchor = found[1], f"mention:{found[0]}"
        elif unit == "period":
            base, r.anchor = discussed(ctx, "quarter", reported=True)
        else:
            base, r.anchor = ctx.anchor_point(unit)
    if base is None:
        r.value, r.confidence = _UNKNOWN.get(unit, "XXXX"), 0.3
        return r
    r.point = base.shift(-1, "year")
    return r


def _sentence_text(article: Article, m: Mention) -> str:
    """The text of the sentence holding ``m`` ("" when it has none)."""
    sents = article.sentences
    if 0 <= m.sentence < len(sents):
        return article.text[sents[m.sentence].start:sents[m.sentence].end]
    return ""


def resolve_offset(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """"three years ago", "a year earlier" (dates); "three days later" is a
    duration whose interval is the day it lands on."""
    num = parse_number(g.get("num"))
    info = lookup("units", g["unit"])
    if num is None or info is None:
        return None
    gran, _, mult = info
    direction = norm(g["dir"])
    sign = 1 if direction in ("later", "after", "from now", "hence") else -1
    r = Result(mod=quantity_mod(g) or ("APPROX" if g.get("numlow") else ""), confidence=0.8)
    if direction in ("earlier", "later") \
            and re.match(r"\s+than\b", ctx.article.text[m.end:m.end + 6]):
        r.type, r.value = "DURATION", duration_value(num, g["unit"]) or ""
        return r                           # "a year earlier than planned": a difference
    if m.rule == "offset_signal":
        r.type, r.value = "DURATION", duration_value(num, g["unit"]) or ""
        last = ctx.last("day") if direction in ("later", "earlier") else None
        if last is not None and isinstance(num, int) and gran in ("day", "week", "month", "year") \
                and last[1].day_point() is not None:
            landed = last[1].day_point().shift(sign * num * mult, gran)
            r.start = r.end = landed.start()
            r.anchor = f"mention:{last[0]}"
        return r
    if num == "X":
        r.value = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return r
    if gran in ("hour", "minute", "second"):
        r.type, r.value = "DURATION", duration_value(num, g["unit"]) or ""
        return r
    n = int(num * mult) if gran in ("decade", "century") else int(num)
    unit = {"decade": "year", "century": "year", "weekend": "week"}.get(gran, gran)
    base = None
    if unit == "year" and direction in ("ago", "earlier") and n == 1 \
            and not rules().resolution["filters"]["longer_period"].search(
                _sentence_text(ctx.article, m)):
        # "a year ago" in a quarterly report: the quarter a year back; not
        # when the sentence compares nine months or a year ("for the first
        # nine months, compared with ... a year earlier")
        quarter, anchor = discussed(ctx, "quarter")
        if anchor.startswith("mention"):
            base, r.anchor = quarter, anchor
    if base is None and direction in ("earlier", "later"):
        last = ctx.last("century")
        if last is not None:
            base, r.anchor = last[1].coarsen(unit), f"mention:{last[0]}"
    if base is None:
        base, r.anchor = ctx.anchor_point(unit)
    if base is None:
        r.value, r.confidence = _UNKNOWN.get(unit, ""), 0.3
        return r
    r.point = base.shift(sign * n, unit)
    return r


# --- durations, sets, fixed values ---------------------------------------------------


def resolve_duration(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """"four years", "the past two months" (interval up to publication),
    "the next 14 months" (interval from publication), "for years" (PXY)."""
    if g.get("unitb"):
        value = _compound_duration(g)
        if value:
            return Result(type="DURATION", value=value, confidence=0.85)
    if g.get("hh"):                       # "won in 2:08:15"
        h, mi, sec = int(g["hh"]), int(g["mm"]), int(g["ss"])
        return Result(type="DURATION", confidence=0.8, value="PT" + "".join(
            f"{n}{u}" for n, u in ((h, "H"), (mi, "M"), (sec, "S")) if n) if h or mi or sec else "")
    unit = g.get("unit") or ""
    if norm(g.get("det") or "") == "recent":
        num = "X"
    elif g.get("num") is None:            # "for years", "day-long"
        num = "X" if norm(unit).endswith(("s", "ies", "millennia")) else 1
    else:
        num = "X" if norm(g["num"]) == "multi" else parse_number(g["num"])
        if norm(g["num"]) == "half":
            num = 0.5
        if g.get("unithalf") and isinstance(num, int):
            num += 0.5
    if num is None or (num != "X" and num <= 0):
        return None
    if norm(unit) == "second" and norm(g.get("num") or "") in ("a", "an"):
        return None                        # "a second term"
    filters = rules().resolution["filters"]
    if norm(g.get("num") or "") in ("a", "an") and not g.get("det") and not g.get("qmod") \
            and (filters["generic_unit_after"].match(ctx.article.text, m.end)
                 or filters["generic_unit_before"].search(
                     ctx.article.text[max(0, m.start - 24):m.start])):
        return None                        # "not a day too soon", "if a day comes when"
    if unit[:1].isupper() and not unit.isupper():
        return None                        # "CBS's 60 Minutes": a title
    filters = rules().resolution["filters"]
    after = ctx.article.text[m.end:m.end + 40]
    if filters["age_after"].match(after):
        return None                        # "Mr. Reupke, 52 years old": an age
    if norm(unit).startswith("quarter") and norm(g.get("num") or "") in filters["fraction_numbers"] \
            and (filters["fraction_after"].match(after)
                 or filters["fraction_by_before"].search(
                     ctx.article.text[max(0, m.start - 24):m.start])):
        return None                        # "more than a quarter of the market", "rise by a quarter"
    value = duration_value(num, unit)
    if value is None:
        return None
    det = norm(g.get("det") or "")
    if num == "X" and g.get("num") and det in ("the past", "the last", "past", "last") \
            and unit.endswith("s"):
        # "the last few months", "the past several quarters": TimeBank
        # writes such vague stretches up to now as a reference to the past
        # (2 of 3 in TBAQ; issue 17 asked for PXM, see the closing note).
        return Result(type="DATE", value="PAST_REF", confidence=0.7,
                      anchor="publication" if ctx.pub else "none")
    r = Result(type="DURATION", value=value, mod=quantity_mod(g), confidence=0.85)
    if g.get("num2") and not r.mod and m.rule == "duration":
        r.mod = "EQUAL_OR_MORE"            # "two to three weeks": at least the first (TBAQ)
    info = lookup("units", unit)
    if ctx.pub is not None and isinstance(num, int) and info[0] in ("day", "week", "month", "quarter",
                                                                     "year"):
        days = {"day": 1, "week": 7}.get(info[0])
        months = {"month": 1, "quarter": 3, "year": 12}.get(info[0])
        n = num * info[2]
        today = Point.of_day(ctx.pub)
        if det in ("the past", "the last", "past", "last", "the previous"):
            start = today.shift(-n * days, "day") if days else today.shift(-n * months, "month")
            r.start, r.end, r.anchor = start.start() + timedelta(days=1), ctx.pub, "publication"
        elif det in ("the next", "the coming", "next", "the following"):
            end = today.shift(n * days, "day") if days else today.shift(n * months, "month")
            r.start, r.end, r.anchor = ctx.pub, end.start() - timedelta(days=1), "publication"
    return r


def _compound_duration(g: dict) -> Optional[str]:
    """"14 years, nine months and 20 days" -> P14Y9M20D; None unless every
    part is a whole number and the units get smaller."""
    order = ["year", "month", "week", "day", "hour", "minute", "second"]
    date_part, time_part, last = "", "", -1
    for n_key, u_key in (("num", "unit"), ("numb", "unitb"), ("numc", "unitc")):
        if not g.get(u_key):
            continue
        num, info = parse_number(g[n_key]), lookup("units", g[u_key])
        if not isinstance(num, int) or info is None or info[0] not in order:
            return None
        rank = order.index(info[0])
        if rank <= last:
            return None
        last = rank
        if rank >= order.index("hour"):
            time_part += f"{num}{info[1]}"
        else:
            date_part += f"{num}{info[1]}"
    return "P" + date_part + ("T" + time_part if time_part else "")


_SET_ADVERBS = {"daily": "P1D", "weekly": "P1W", "annually": "P1Y", "yearly": "P1Y",
                "hourly": "PT1H", "nightly": "P1D", "biweekly": "P2W"}


def resolve_set(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """"every day", "daily", "each July", "Tuesday nights", "$5 a year"."""
    r = Result(type="SET", confidence=0.8)
    if g.get("adverb"):
        r.value = _SET_ADVERBS[norm(g["adverb"])]
        return r
    if g.get("weekday"):
        wd = lookup("weekdays", g["weekday"]) or lookup("weekdays", re.sub(r"s$", "", g["weekday"]))
        if wd is None:
            return None
        part = lookup("parts_of_day", g.get("part")) if g.get("part") else ""
        r.value = f"XXXX-WXX-{wd}" + (f"T{part}" if part else "")
        return r
    unit = g.get("unit", "")
    month, season = lookup("months", unit), lookup("seasons", unit)
    part = lookup("parts_of_day", unit) if norm(unit) in ("morning", "afternoon", "evening") else ""
    if part:
        r.value = f"XXXX-XX-XXT{part}"      # "every afternoon"
    elif month:
        r.value = f"XXXX-{month:02d}"
    elif season:
        r.value = f"XXXX-{season}"
    else:
        word = norm(g.get("num") or "")
        n = 2 if word == "other" else 1 if word in ("", "single") else parse_number(word)
        r.value = duration_value(n if isinstance(n, int) or n == "X" else 1, unit) or ""
    return r if r.value else None


def resolve_ref(m: Mention, g: dict, ctx: Context) -> Optional[Result]:
    """Fixed values: PRESENT_REF, PAST_REF, FUTURE_REF."""
    pat = rules().by_name[m.rule]
    return Result(value=pat.value, type=pat.type or "DATE", confidence=0.7,
                  anchor="publication" if ctx.pub else "none")


RESOLVERS = {
    "calendar": resolve_calendar, "weekday": resolve_weekday, "deictic": resolve_deictic,
    "relative": resolve_relative, "yearago": resolve_yearago, "offset": resolve_offset,
    "duration": resolve_duration, "set": resolve_set, "ref": resolve_ref,
    "clock": resolve_clock, "holiday": resolve_holiday, "vicinity": resolve_vicinity,
    "anaphor": resolve_anaphor, "session": resolve_session, "ordinal_day": resolve_ordinal_day,
}


# --- look-alikes ---------------------------------------------------------------------


def is_spurious(article: Article, m: Mention) -> bool:
    """True for a candidate that is not temporal in its context: "May" the
    modal verb, "March" the verb or noun, "Jan" the name, "2000 people",
    "today's youth"."""
    filters = rules().resolution["filters"]
    g = m.extra.get("groups", {})
    text = article.text
    after = text[m.end:m.end + 40]
    before = text[max(0, m.start - 20):m.start]
    word = norm(m.text)
    if m.rule == "month" and not g.get("rel") and not g.get("pmod"):
        if word in ("may", "march") and not filters["month_before"].search(before):
            sent = article.sentences[m.sentence] if 0 <= m.sentence < len(article.sentences) else None
            if sent is not None and sent.doc is not None:
                tok = sent.token_at(m.start)
                if tok is not None and len(tok) and (tok[0].tag_ == "MD" or tok[0].pos_ in ("VERB", "AUX")):
                    return True
            elif word == "may" and filters["modal_after"].match(after):
                return True
            if word == "march" and filters["march_noun_after"].match(after):
                return True
        if not m.text.endswith(".") and len(m.text) <= 4 and word not in ("may", "june", "july"):
            return True                     # "Jan Kavan": an abbreviation needs its dot
    if m.rule == "month" and not g.get("rel") and not g.get("pmod") and _first_name(m, before, after):
        return True                         # "April Ryan asked": a person
    if g.get("season") and norm(g["season"]) in filters["ambiguous_seasons"] \
            and set(g) <= {"season", "det"} \
            and (not filters["season_preposition_before"].search(before)
                 or filters["season_noun_after"].match(after)):
        return True                         # "led the fall in prices": a movement
    if m.rule == "clock_zone" and filters["conversion_before"].search(before):
        return True                         # "10:35 a.m. (0735 GMT)": a conversion
    if m.rule == "year" and set(g) <= {"year"} and _amount_pair(article, m, before, after):
        return True                         # "the score was 2025 to 1999"
    if m.rule == "adverb_set" and word in ("daily", "weekly") and _newspaper(article, m, before, after):
        return True                         # "the French daily Le Figaro": a newspaper
    if m.rule == "weekday" and not g.get("rel") and re.search(r"\bthe\s+$", before, re.I) \
            and filters["paper_after"].match(after):
        return True                         # "the Sunday Times": a newspaper
    if m.rule == "quarter" and not (set(g) & {"year", "year2", "yrel", "fiscal"}) \
            and filters["game_words"].search(_sentence_text(article, m)):
        return True                         # "12 points in the first quarter": a game's
    if m.rule == "century" and not g.get("pmod") \
            and (filters["runs_century_after"].match(after)
                 or filters["runs_century_before"].search(before)) \
            and not re.match(r"\s*(?:century|centuries)?\s*(?:BC|AD|B\.C\.|A\.D\.)", after):
        return True                         # "his first century of the series": cricket runs
    if m.rule == "duration_adjective" and filters["format_after"].match(after):
        return True                         # "the one-day international": a cricket format
    if m.rule == "relative_unit" and norm(g.get("rel") or "") == "the" and not g.get("pmod") \
            and filters["title_before"].search(text[max(0, m.start - 30):m.start]):
        return True                         # "coach of the year": a title
    bare_year = m.rule == "year" and set(g) <= {"year"}
    if bare_year and _label_number(article, m):
        return True                         # "delegation 2004": a number labelling a thing
    return bare_year and bool(filters["count_nouns_after"].match(after))


def _label_number(article: Article, m: Mention) -> bool:
    """True for a four-digit number right after a common noun written in lower
    case ("the delegation 2004 arrived", "page 1998"): it labels the thing, it
    is no year; a noun that takes a year ("season 2004", "budget 2004") is kept.
    Read from the parse only (an unparsed sentence keeps the year)."""
    sent = article.sentences[m.sentence] if 0 <= m.sentence < len(article.sentences) else None
    if sent is None or sent.doc is None:
        return False
    tok = sent.token_at(m.start)
    if tok is None or not len(tok) or tok[0].i == 0:
        return False
    prev = tok[0].doc[tok[0].i - 1]
    if prev.tag_ not in ("NN", "NNS") or not prev.is_lower or prev.whitespace_ != " ":
        return False
    return prev.lower_ not in rules().resolution["filters"]["year_naming_nouns"]


def _newspaper(article: Article, m: Mention, before: str, after: str) -> bool:
    """True for "daily" or "weekly" the newspaper: "the daily Granma",
    "China Daily", "the daily said", "according to the French daily.",
    "the news weekly Der Spiegel" """
    filters = rules().resolution["filters"]
    if m.text[:1].isupper() and not any(s.start == m.start for s in article.sentences):
        return True
    if filters["daily_noun_after"].match(after):
        return True
    wide = article.text[max(0, m.start - 60):m.start]
    return bool(filters["daily_noun_before"].search(wide) and filters["daily_noun_end"].match(after))


def _first_name(m: Mention, before: str, after: str) -> bool:
    """True for a month name that is a first name: "April Ryan", "May
    Smith" (a capitalised word follows that is not a date word, and no
    preposition of time comes before)."""
    filters = rules().resolution["filters"]
    if norm(m.text) not in filters["name_months"] or filters["name_keep_before"].search(before):
        return False
    nxt = filters["name_after"].match(after)
    if nxt is None:
        return False
    word = nxt.group(0).strip()
    return not any(lookup(table, word) is not None
                   for table in ("months", "weekdays", "holidays", "seasons", "deictic_days"))


def _amount_pair(article: Article, m: Mention, before: str, after: str) -> bool:
    """True for a four-digit number joined to another by "to" or a dash in a
    score or a range of amounts ("2025 to 1999"), not a range of years."""
    filters = rules().resolution["filters"]
    nxt = filters["number_pair_after"].match(after)
    prev = None if nxt else filters["number_pair_before"].search(before)
    pair = nxt or prev
    if pair is None:
        return False
    other = int(pair.group(1).replace(",", ""))
    year = parse_year(g_year) if (g_year := m.extra.get("groups", {}).get("year")) else None
    if year is None:
        return False
    first, second = (year, other) if nxt else (other, year)
    begin = m.start if nxt else m.start - len(before) + pair.start(1)
    lead = article.text[max(0, begin - 40):begin]
    if filters["range_before"].search(lead):
        return False                        # "from 1995 to 1999"
    if not 1500 <= other <= 2099 or first > second:
        return True
    return bool(filters["score_words"].search(_sentence_text(article, m)))
