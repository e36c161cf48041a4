"""Calendar granules (:class:`Point`), their TIMEX3 values and intervals,
and the number words of durations."""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Optional

from .rules import lookup, norm, rules

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}

#: Granularities from finest to coarsest.
GRAN_RANK = {"time": 0, "part": 1, "day": 2, "weekend": 3, "week": 4, "month": 5, "season": 6,
             "quarter": 6, "half": 7, "year": 8, "decade": 9, "century": 10}


def season_of(d: date) -> tuple[int, str]:
    """(year, season code) of a day; winter belongs to the year it starts in."""
    m = d.month
    if m == 12:
        return d.year, "WI"
    if m <= 2:
        return d.year - 1, "WI"
    return d.year, ("SP" if m <= 5 else "SU" if m <= 8 else "FA")


def month_add(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def clamp_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _cal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Point:
    """A calendar granule: a day, a week, a month, a quarter, a year ...

    ``year`` None means the year is unknown (value "XXXX-..."); weeks use
    ISO years and numbers; a decade or century is stored by its first year.
    ``part`` is a part of the day (MO AF EV NI), ``hour``/``minute`` a time.
    """

    gran: str
    year: Optional[int] = None
    month: int = 0
    dom: int = 0
    week: int = 0
    quarter: int = 0
    half: int = 0
    season: str = ""
    part: str = ""
    hour: int = -1
    minute: int = -1

    @staticmethod
    def of_day(d: date, gran: str = "day") -> "Point":
        """The granule of ``gran`` holding day ``d``."""
        if gran in ("day", "part", "time"):
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
            y, s = season_of(d)
            return Point("season", y, season=s)
        if gran == "year":
            return Point("year", d.year)
        if gran == "decade":
            return Point("decade", d.year // 10 * 10)
        if gran == "century":
            return Point("century", d.year // 100 * 100)
        raise ValueError(f"unknown granularity {gran!r}")

    def start(self) -> Optional[date]:
        """First day (None when the year is unknown or out of range)."""
        y = self.year
        if y is None or not 1 <= y <= 9999:
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
                return date(y, SEASON_MONTHS[self.season][0], 1)
            return date(y, 1, 1)
        except ValueError:
            return None

    def end(self) -> Optional[date]:
        """Last day (inclusive)."""
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
                y, m = month_add(s.year, s.month, {"month": 1, "half": 6}.get(g, 3))
                return date(y, m, 1) - timedelta(days=1)
            span = {"year": 1, "decade": 10, "century": 100}[g]
            return date(min(s.year + span - 1, 9999), 12, 31)
        except (ValueError, OverflowError):
            return None

    def value(self) -> str:
        """The TIMEX3 value: "2025-11-20", "2025-W47", "2025-Q3", "197" ..."""
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
        day = f"{y}-{self.month:02d}-{self.dom:02d}" if self.month and self.dom else \
            f"{y}-{self.month:02d}-XX" if self.month else f"{y}-XX-XX"
        if g == "part":
            return f"{day}T{self.part}"
        if g == "time":
            return f"{day}T{self.hour:02d}:{max(self.minute, 0):02d}"
        return day

    def granularity(self) -> str:
        """The Mention granularity ("time" for parts of the day, "week" for weekends)."""
        return {"part": "time", "weekend": "week"}.get(self.gran, self.gran)

    def coarsen(self, gran: str) -> "Point":
        """The granule of ``gran`` holding this one (itself if not coarser)."""
        if GRAN_RANK.get(gran, 99) <= GRAN_RANK.get(self.gran, 99):
            return self
        s = self.start()
        if s is None:
            return replace(self, gran=gran)
        return Point.of_day(s, gran)

    def day_point(self) -> Optional["Point"]:
        """The day of a day/part/time granule (None for coarser ones)."""
        s = self.start()
        return Point.of_day(s) if s and self.gran in ("day", "part", "time") else None

    def shift(self, n: int, unit: str) -> "Point":
        """Move by ``n`` units ("day", "week", "month", "quarter", "year" ...);
        the year becomes unknown when the result leaves years 1-9999."""
        if self.year is None or n == 0:
            return self
        try:
            return self._shift(n, unit)
        except (ValueError, OverflowError):
            return replace(self, year=None)

    def _shift(self, n: int, unit: str) -> "Point":
        if unit in ("decade", "century"):
            n, unit = n * (10 if unit == "decade" else 100), "year"
        elif unit == "half":
            n, unit = n * 6, "month"
        elif unit == "season":
            n, unit = n * 3, "month"
        g = self.gran
        s = self.start()
        if s is None:
            return replace(self, year=None)
        if unit in ("day", "week", "weekend"):
            moved = s + timedelta(days=n * (7 if unit in ("week", "weekend") else 1))
            if g in ("day", "part", "time"):
                return replace(self, year=moved.year, month=moved.month, dom=moved.day)
            if g in ("week", "weekend"):
                return replace(Point.of_day(moved, "week"), gran=g)
            return Point.of_day(moved, g)
        y, m = month_add(s.year, s.month, n * {"month": 1, "quarter": 3}.get(unit, 12))
        if g in ("decade", "century"):
            return replace(self, year=self.year + (y - s.year))
        if g == "season":
            return replace(self, year=self.year + (y - s.year))
        d = clamp_day(y, m, s.day)
        if g in ("day", "part", "time"):
            return replace(self, year=d.year, month=d.month, dom=d.day)
        if g in ("week", "weekend"):
            return replace(Point.of_day(d, "week"), gran=g)
        return Point.of_day(d, g)


# --- numbers ---------------------------------------------------------------------------


def parse_number(text: Optional[str]):
    """An int (a float for halves) for digits or number words ("twenty-four",
    "2 1/2"); "X" for vague quantities ("several"); None for no number."""
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
    total, current, prev = 0, 0, None
    for w in re.split(r"[-\s]+", t):
        if w == "and":
            if prev not in (100, 1000):
                return None                 # "six and four": two numbers, not a sum
            continue
        if w not in nums:
            return None
        v = nums[w]
        if v == 100:
            current = max(current, 1) * 100
        elif v == 1000:
            total, current = (total + max(current, 1)) * 1000, 0
        elif current % 100 and (v >= 10 or current % 10):
            return None                     # "six four", "twenty thirty": not one number
        else:
            current += v
        prev = v
    return (total + current) or None


def parse_year(text: Optional[str]) -> Optional[int]:
    """A year from "1998", "'98"-style two digits, or words ("nineteen
    ninety-six", "two thousand and one")."""
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


def duration_value(num, unit: str) -> Optional[str]:
    """The ISO 8601 duration of ``num`` ``unit`` s: P3Y, PT5H30M, P2Y6M, PXD ..."""
    info = lookup("units", unit)
    if info is None or num is None:
        return None
    gran, designator, mult = info
    time_unit = gran in ("hour", "minute", "second")
    prefix = "PT" if time_unit else "P"
    if num == "X":
        if gran in ("decade", "century", "millennium"):
            return "PX" + rules().vocab["vague_unit_designators"][gran]
        return "PXD" if gran == "weekend" else f"{prefix}X{designator}"
    total = num * mult
    if isinstance(total, float) and not total.is_integer():
        whole, frac = int(total), total - int(total)
        smaller = {"Y": ("M", 12), "W": ("D", 7), "D": ("H", 24), "H": ("M", 60),
                   "M": ("S", 60) if time_unit else ("D", 30)}.get(designator)
        if smaller is None:
            return f"{prefix}{total}{designator}"
        sub_designator, factor = smaller
        sub = int(round(frac * factor))
        if designator == "D":
            return f"P{whole}DT{sub}H" if whole else f"PT{sub}H"
        if whole == 0:
            return f"{prefix}{sub}{sub_designator}"
        return f"{prefix}{whole}{designator}{sub}{sub_designator}"
    return f"{prefix}{int(total)}{designator}"
