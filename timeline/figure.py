"""The interactive timeline: filter the events table, draw it, write it as HTML.

Two small functions a researcher can chain on the ``events`` table
(columns in :data:`timeline.tables.EVENT_COLUMNS`)::

    shown = filter_events(events, date_from="2025-11-01", actors="Zelensky")
    fig = timeline_figure(shown, documents, color_by="sources")
    write_html(fig, "outputs/seeds/timeline.html")

Drawing conventions:

* an event that denotes one day is a **point**; an event that denotes a
  longer period (week, month, season, quarter, year, decade ...) is a
  **bar** from its first to its last day, so "in late October" is not drawn
  as if it were a day;
* events sit in **lanes**: one per main entity (:mod:`timeline.lanes`), at
  most ``max_lanes``, the rest in "other"; inside a lane, events that would
  overlap are stacked on sub-rows;
* the **size and opacity** of a mark grow with the number of distinct
  outlets that report the event (``n_sources``), not with the articles;
* the most important events in view carry a **label** (:mod:`timeline.labels`);
* the **hover label** gives the expression(s) as written, the resolved
  date, the summary, the actors, the sources with their titles and the
  sentence.  Every piece of text from the articles is HTML-escaped, because
  Plotly renders a subset of HTML in labels;
* the **title and caption** give the counts, the dates of the events in
  view and the filters in effect.

:func:`write_html` writes the page of :mod:`timeline.page` (filters and a
table beside the figure); :func:`static_figure` is the publication copy the
image exports use.

Above :data:`WEBGL_THRESHOLD` events the points are drawn with WebGL
(``Scattergl``) so that the page stays responsive.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import pandas as pd
import plotly.graph_objects as go

from . import labels as labelling
from . import lanes as lanes_mod
from .lanes import OTHER, split_list, word_match
from .tables import write_text

#: above this many events the points are drawn with WebGL traces
WEBGL_THRESHOLD = 1000
#: lanes shown by name; the remaining values share one "other" lane
MAX_LANES = lanes_mod.MAX_LANES
#: sub-rows per lane at most (further overlapping events share a row)
MAX_ROWS_PER_LANE = 12
#: colourblind-safe qualitative colours (CARTO "Safe") for the named lanes
PALETTE = ["#88CCEE", "#CC6677", "#DDCC77", "#117733", "#332288",
           "#AA4499", "#44AA99", "#999933", "#882255", "#661100"]
OTHER_COLOUR = "#8C8C8C"
NONE_COLOUR = "#C4C4C4"
#: columns holding several values joined by ``"; "``
LIST_COLUMNS = ("actors", "doc_ids", "sources", "mention_ids", "texts", "entities")
_GRANULARITY_ORDER = ["time", "day", "week", "month", "season", "quarter", "year",
                      "decade", "century", "reported", ""]
_DAY_MS = 86_400_000
#: how an event's date was obtained (events.csv ``date_source``), most explicit first
DATE_SOURCES = ("explicit", "inherited", "narrative", "reported", "none")
#: the date sources the figure shows unless told otherwise
DEFAULT_DATE_SOURCES = ("explicit", "inherited")


# --------------------------------------------------------------------------
# small helpers over cells


def _names(value) -> list[str]:
    """A filter argument as a list of names: ``"a; b"``, ``"a, b"`` or a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def as_date(value) -> Optional[date]:
    """A date from a cell: ISO string (a time part is ignored), date,
    datetime or Timestamp; None for empty or unreadable cells."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _argument_date(value, name: str) -> Optional[date]:
    """A date given as a filter argument; a clear error when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = as_date(value)
    if parsed is None:
        raise ValueError(f"{name}: {value!r} is not a date; write it as YYYY-MM-DD")
    return parsed


_word_match = word_match


def _column(events: pd.DataFrame, name: str, default="") -> pd.Series:
    if name in events.columns:
        return events[name]
    return pd.Series([default] * len(events), index=events.index, dtype="object")


def _n_docs(events: pd.DataFrame) -> pd.Series:
    """Number of articles per event: ``n_docs``, else counted from ``doc_ids``."""
    counted = _column(events, "doc_ids").map(lambda cell: len(split_list(cell)))
    given = pd.to_numeric(_column(events, "n_docs", None), errors="coerce")
    return given.fillna(counted).clip(lower=1).astype(int)


def n_sources(events: pd.DataFrame) -> pd.Series:
    """Distinct outlets per event: ``n_sources`` where the table has it, else
    counted from the distinct values of ``sources`` (at least 1).  Never the
    number of articles: three articles of one outlet are one source."""
    counted = _column(events, "sources").map(lambda cell: len(set(split_list(cell))))
    given = pd.to_numeric(_column(events, "n_sources", None), errors="coerce")
    return given.fillna(counted).clip(lower=1).astype(int)


def lane_weights(events: pd.DataFrame) -> list[float]:
    """The importance of each event when ranking lanes: distinct outlets plus confidence."""
    return (n_sources(events) + _confidence(events)).tolist()


def _confidence(events: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(_column(events, "confidence", None), errors="coerce").fillna(0.0)


# --------------------------------------------------------------------------
# filtering


def filter_events(events: pd.DataFrame, date_from=None, date_to=None, actors=None,
                  sources=None, min_confidence: float = 0.0, min_sources: int = 1,
                  granularities=None, text: Optional[str] = None,
                  date_sources=None) -> pd.DataFrame:
    """The events that pass every given filter (a new frame, index reset).

    date_from, date_to: ISO dates (or dates); an event is kept when its
        interval ``date_start..date_end`` overlaps the range.  Events
        without a date are dropped as soon as either bound is given.
    actors: a name or names (list, or one string separated by ``;`` or ``,``);
        kept when one of them occurs as whole words, ignoring case, in the
        event's actors, object or entities ("Putin" matches "Vladimir Putin").
    sources: outlet names or doc ids, matched the same way against the
        ``sources`` and ``doc_ids`` cells.
    min_confidence: lowest ``confidence`` kept (0..1).
    min_sources: lowest number of articles reporting the event (``n_docs``).
    granularities: granularities kept ("day", "week", "month" ...), a list
        or one string separated by ``,`` or ``;``.
    text: kept when this text occurs (ignoring case) in the summary, the
        expressions, the sentence, the trigger, the actors or the object.
    date_sources: how the date was obtained ("explicit", "inherited",
        "narrative", "reported", "none"), a list or one string separated by
        ``,`` or ``;``; needs the ``date_source`` column.

    Empty values (None, "", []) mean "no filter".  An unreadable argument
    raises ValueError with a one-line reason.  The filters in effect and the
    number of events before filtering are kept in the result's ``attrs``
    ("filters", "n_before"), which :func:`timeline_figure` states in its
    caption.
    """
    def need(column: str, argument: str) -> None:
        if column not in events.columns:
            raise ValueError(f"{argument}: the events have no {column!r} column to filter on")

    keep = pd.Series(True, index=events.index)
    low = _argument_date(date_from, "date_from")
    high = _argument_date(date_to, "date_to")
    if low and high and low > high:
        raise ValueError(f"date_from {low.isoformat()} is after date_to {high.isoformat()}")
    if low or high:
        need("date_start", "date_from" if low else "date_to")
        starts = _column(events, "date_start").map(as_date)
        ends = _column(events, "date_end").map(as_date)
        ends = ends.where(ends.notna(), starts)
        if low:
            keep &= ends.map(lambda d: d is not None and d >= low)
        if high:
            keep &= starts.map(lambda d: d is not None and d <= high)

    wanted = _names(actors)
    if wanted:
        need("actors", "actors")
        cells = zip(_column(events, "actors"), _column(events, "object"),
                    _column(events, "entities"))
        keep &= pd.Series([_word_match(wanted, split_list(a) + [str(o or "")] + split_list(e))
                           for a, o, e in cells], index=events.index, dtype=bool)

    wanted = _names(sources)
    if wanted:
        need("sources", "sources")
        cells = zip(_column(events, "sources"), _column(events, "doc_ids"))
        keep &= pd.Series([_word_match(wanted, split_list(s) + split_list(d))
                           for s, d in cells], index=events.index, dtype=bool)

    try:
        min_confidence = float(min_confidence or 0.0)
        min_sources = int(min_sources or 1)
    except (TypeError, ValueError):
        raise ValueError(f"min_confidence must be a number and min_sources a whole number, "
                         f"not {min_confidence!r} and {min_sources!r}") from None
    if min_confidence > 0:
        need("confidence", "min_confidence")
        keep &= _confidence(events) >= min_confidence - 1e-9
    if min_sources > 1:
        if "n_docs" not in events.columns:
            need("doc_ids", "min_sources")
        keep &= _n_docs(events) >= min_sources

    kinds = {name.lower() for name in _names(granularities)}
    if kinds:
        need("granularity", "granularities")
        keep &= _column(events, "granularity").map(lambda g: str(g or "").lower() in kinds)

    if text is not None and str(text).strip():
        needle = str(text).strip().lower()
        columns = ["summary", "texts", "sentence", "trigger", "actors", "object"]
        haystack = pd.Series([""] * len(events), index=events.index, dtype="object")
        for name in columns:
            haystack = haystack + " " + _column(events, name).fillna("").astype(str)
        keep &= haystack.str.lower().str.contains(needle, regex=False)

    kinds = {name.lower() for name in _names(date_sources)}
    if kinds:
        need("date_source", "date_sources")
        unknown = kinds - set(DATE_SOURCES)
        if unknown:
            raise ValueError(f"date_sources: {', '.join(sorted(unknown))} is not one of "
                             f"{', '.join(DATE_SOURCES)}")
        keep &= _column(events, "date_source").map(lambda g: str(g or "none").lower() in kinds)

    given = {"date_from": low.isoformat() if low else "", "date_to": high.isoformat() if high else "",
             "actors": "; ".join(_names(actors)), "sources": "; ".join(_names(sources)),
             "min_confidence": min_confidence if min_confidence > 0 else "",
             "min_sources": min_sources if min_sources > 1 else "",
             "granularities": ", ".join(_names(granularities)),
             "text": str(text).strip() if text is not None else "",
             "date_sources": ", ".join(sorted(kinds))}
    result = events[keep.astype(bool)].reset_index(drop=True)
    before = dict(events.attrs.get("filters", {}))
    before.update({k: v for k, v in given.items() if v not in ("", None)})
    result.attrs = {"filters": before,
                    "n_before": int(events.attrs.get("n_before", len(events)))}
    return result


def describe_filters(filters: dict) -> str:
    """The filters in effect in words ("from 2025-11-01; actors Zelensky"); "" for none."""
    words = {"date_from": "from", "date_to": "to", "actors": "actors", "sources": "outlets",
             "min_confidence": "confidence ≥", "min_sources": "articles ≥",
             "granularities": "granularity", "text": "text", "date_sources": "dates"}
    parts = []
    for key, value in (filters or {}).items():
        if value in ("", None, [], 0, 0.0) or (key == "min_sources" and value == 1):
            continue
        shown = f"“{value}”" if key == "text" else value
        parts.append(f"{words.get(key, key)} {shown}")
    return "; ".join(parts)


# --------------------------------------------------------------------------
# hover labels


def _text(value) -> str:
    """A cell as text: "" for None and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _esc(text) -> str:
    """Escape a piece of data for a Plotly label.

    Plotly decodes only a few entities (``&lt; &gt; &amp;`` and numeric
    ones), so quotes are left as they are.
    """
    return html.escape("" if text is None else str(text), quote=False)


def _wrapped(text: str, width: int = 72, max_lines: int = 4) -> list[str]:
    """Wrap plain text into at most ``max_lines`` escaped lines."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return [_esc(line) for line in lines]


def date_label(start: Optional[date], end: Optional[date], granularity: str = "") -> str:
    """A readable label of an interval: "Thu 27 Nov 2025" or
    "21 Oct 2025 – 31 Oct 2025 (month)"."""
    if start is None:
        return "no date"
    suffix = f" ({granularity})" if granularity else ""
    if end is None or end == start:
        return f"{start.strftime('%a')} {start.day} {start.strftime('%b')} {start.year:04d}{suffix}"
    return (f"{start.day} {start.strftime('%b')} {start.year:04d} – "
            f"{end.day} {end.strftime('%b')} {end.year:04d}{suffix}")


def _source_lines(row, titles: dict[str, tuple[str, str]], limit: int = 4) -> list[str]:
    """"Source: title" per article of the event (escaped)."""
    doc_ids = split_list(row.get("doc_ids"))
    sources = split_list(row.get("sources"))
    lines = []
    if doc_ids:
        for i, doc_id in enumerate(doc_ids):
            source, title = titles.get(doc_id, ("", ""))
            if not source and len(sources) == len(doc_ids):
                source = sources[i]
            label = f"{source}: " if source else ""
            label += f"{title} ({doc_id})" if title else doc_id
            lines.append(label)
    else:
        lines = sources
    extra = len(lines) - limit
    shown = [_esc(textwrap.shorten(line, 90, placeholder="…")) for line in lines[:limit]]
    if extra > 0:
        shown.append(f"… and {extra} more")
    return shown


def hover_text(row, titles: Optional[dict[str, tuple[str, str]]] = None) -> str:
    """The hover label of one event row (a dict or Series), escaped HTML."""
    titles = titles or {}
    start, end = as_date(row.get("date_start")), as_date(row.get("date_end"))
    expressions = list(dict.fromkeys(split_list(row.get("texts"))))
    shown = ", ".join(f"“{e}”" for e in expressions[:3])
    if len(expressions) > 3:
        shown += f" and {len(expressions) - 3} more"
    lines = [f"<b>{_esc(shown or '(no expression)')}</b> → "
             f"{_esc(date_label(start, end, _text(row.get('granularity'))))}"]
    if _text(row.get("summary")):
        lines += _wrapped(_text(row.get("summary")), width=72, max_lines=3)
    actors = split_list(row.get("actors"))
    if actors:
        lines.append("<i>Actors:</i> " + _esc(textwrap.shorten(", ".join(actors), 80,
                                                                placeholder="…")))
    sources = _source_lines(row, titles)
    if sources:
        lines.append("<i>Sources:</i>")
        lines += ["  " + line for line in sources]
    if _text(row.get("sentence")):
        lines.append("<i>Sentence:</i>")
        lines += _wrapped(_text(row.get("sentence")), width=80, max_lines=4)
    facts = []
    outlets = pd.to_numeric(row.get("n_sources"), errors="coerce")
    if pd.isna(outlets):
        outlets = len(set(split_list(row.get("sources")))) or None
    if outlets:
        facts.append(f"{int(outlets)} outlet(s)")
    n_docs = pd.to_numeric(row.get("n_docs"), errors="coerce")
    if pd.notna(n_docs):
        facts.append(f"{int(n_docs)} article(s)")
    if _text(row.get("date_source")):
        facts.append(f"date {_esc(_text(row.get('date_source')))}")
    confidence = pd.to_numeric(row.get("confidence"), errors="coerce")
    if pd.notna(confidence):
        facts.append(f"confidence {float(confidence):.2f}")
    if _text(row.get("event_id")):
        facts.append(f"event {_esc(row.get('event_id'))}")
    if facts:
        lines.append("<span style='color:#666'>" + " · ".join(facts) + "</span>")
    return "<br>".join(lines)


def _titles(documents: Optional[pd.DataFrame]) -> dict[str, tuple[str, str]]:
    if documents is None or len(documents) == 0 or "doc_id" not in documents.columns:
        return {}
    source = _column(documents, "source").fillna("").astype(str)
    title = _column(documents, "title").fillna("").astype(str)
    return {str(d): (s, t) for d, s, t in zip(documents["doc_id"], source, title)}


# --------------------------------------------------------------------------
# layout: lanes, rows, view


def _group_labels(events: pd.DataFrame, color_by: str, list_mode: str) -> pd.Series:
    """One lane label per row (after exploding list cells when ``list_mode`` is "split")."""
    # columns starting with "_" are the figure's own working columns, not the user's
    choices = [c for c in map(str, events.columns) if not c.startswith("_")]
    if color_by not in choices:
        raise ValueError(f"color_by: events have no column {color_by!r}; "
                         f"choose one of {', '.join(choices)}")
    values = events[color_by]
    empty = f"(no {color_by})"
    numeric = pd.to_numeric(values, errors="coerce")
    non_empty = values.map(lambda v: str(v).strip() != "" and not (
        isinstance(v, float) and math.isnan(v)))
    if color_by not in LIST_COLUMNS and non_empty.any() and numeric[non_empty].notna().all():
        if numeric[non_empty].nunique() > MAX_LANES:
            bins = pd.qcut(numeric, q=5, duplicates="drop")
            return bins.map(lambda b: f"{b.left:g} – {b.right:g}" if pd.notna(b) else empty
                            ).astype(object)
        return numeric.map(lambda v: empty if pd.isna(v) else f"{v:g}").astype(object)
    if color_by in LIST_COLUMNS or values.astype(str).str.contains(";").any():
        items = values.map(split_list)
        if list_mode == "first":
            return items.map(lambda xs: xs[0] if xs else empty)
        return items.map(lambda xs: xs or [empty])
    return pd.Series([str(v).strip() if ok else empty for v, ok in zip(values, non_empty)],
                     index=values.index, dtype=object)


def _lane_order(labels: pd.Series, color_by: str, max_lanes: int) -> tuple[list[str], dict]:
    """The lanes top to bottom and the lane of each label (rare ones -> "other")."""
    empty = f"(no {color_by})"
    counts = labels[labels != empty].value_counts()
    if color_by == "granularity":
        names = sorted(counts.index, key=lambda g: (_GRANULARITY_ORDER.index(g)
                                                    if g in _GRANULARITY_ORDER else 99, g))
    else:
        names = sorted(counts.index, key=lambda name: (-counts[name], name))
    named = names[:max_lanes] if len(names) > max_lanes + 1 else names
    lane_of = {name: name for name in named}
    lanes = list(named)
    if len(named) < len(names):
        lanes.append(OTHER)
        lane_of.update({name: OTHER for name in names[len(named):]})
    if (labels == empty).any():
        lanes.append(empty)
        lane_of[empty] = empty
    return lanes, lane_of


def _initial_view(starts: list[int], ends: list[int]) -> tuple[int, int, int]:
    """(first, last, hidden) day ordinals of the first view.

    The view covers everything unless 90 % of the day events (of all events
    when there are fewer than 5 day events) crowd into less than a fifth of
    the span (a story of a few weeks with a mention of "the 1990s"): then it
    covers the narrowest window holding 90 % of them, widened to the events
    next to it up to the first wide gap; ``hidden`` counts the events left
    wholly outside (the range slider shows all).
    """
    first, last = min(starts), max(ends) + 1
    days = [(s + e + 1) / 2 for s, e in zip(starts, ends) if s == e]
    mids = sorted(days if len(days) >= 5 else [(s + e + 1) / 2 for s, e in zip(starts, ends)])
    n = len(mids)
    if n >= 5:
        k = math.ceil(0.9 * n)
        width, i = min((mids[i + k - 1] - mids[i], i) for i in range(n - k + 1))
        if width < 0.2 * (last - first):
            low_i, high_i = i, i + k - 1
            # take in the neighbours of the crowd: stop only at a wide gap
            step = max(7.0, 0.25 * width)
            while low_i > 0 and mids[low_i] - mids[low_i - 1] <= step:
                low_i -= 1
            while high_i < n - 1 and mids[high_i + 1] - mids[high_i] <= step:
                high_i += 1
            low, high = mids[low_i], mids[high_i]
            pad = max(3.0, 0.06 * (high - low))
            low, high = int(low - pad), int(math.ceil(high + pad))
            hidden = sum(1 for s, e in zip(starts, ends) if e + 1 < low or s > high)
            return low, high, hidden
    pad = max(2.0, 0.04 * (last - first))
    return int(first - pad), int(math.ceil(last + pad)), 0


def _pack(spans: list[tuple[float, float]], max_rows: int) -> list[int]:
    """Greedy interval packing: the sub-row of each span so that spans on a
    row do not overlap (beyond ``max_rows`` rows, the row that frees first)."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1]))
    row_end: list[float] = []
    rows = [0] * len(spans)
    for i in order:
        start, end = spans[i]
        free = next((r for r, last in enumerate(row_end) if last <= start), None)
        if free is None and len(row_end) < max_rows:
            row_end.append(end)
            free = len(row_end) - 1
        elif free is None:
            free = min(range(len(row_end)), key=lambda r: row_end[r])
        row_end[free] = max(row_end[free], end)
        rows[i] = free
    return rows


def _size_and_opacity(outlets: pd.Series, base: float) -> tuple[list[float], list[float]]:
    """Marker size and opacity from the number of distinct outlets."""
    extra = (outlets - 1).clip(lower=0)
    size = (base + 4.0 * extra.map(math.sqrt)).clip(upper=base + 12)
    opacity = (0.6 + 0.15 * extra).clip(upper=1.0)
    return size.round(2).tolist(), opacity.round(2).tolist()


#: the range buttons: label and width of the window in days ("all": everything)
RANGE_BUTTONS = (("1w", 7), ("1m", 31), ("3m", 92), ("1y", 366), ("10y", 3653), ("all", 0))


def densest_window(starts: list[int], ends: list[int], days: int) -> tuple[float, float]:
    """The window of ``days`` days (day ordinals, end exclusive) centred on the
    events it holds, placed where it holds the most events.

    An event counts where its middle is; the window found is then centred on
    the middles it holds, so it always shows at least one mark.
    """
    mids = sorted((s + e + 1) / 2 for s, e in zip(starts, ends))
    best, best_i, j = 0, 0, 0
    for i in range(len(mids)):
        while j < len(mids) and mids[j] - mids[i] <= days * 0.9:
            j += 1
        if j - i > best:
            best, best_i = j - i, i
    held = mids[best_i:best_i + best]
    centre = (held[0] + held[-1]) / 2
    return centre - days / 2, centre + days / 2


def _day_iso(ordinal: float) -> str:
    """A day ordinal (fractions allowed) as an ISO date-time string for Plotly."""
    whole = int(math.floor(ordinal))
    whole = min(max(1, whole), date.max.toordinal())
    hours = int(round((ordinal - math.floor(ordinal)) * 24)) % 24
    return f"{date.fromordinal(whole).isoformat()} {hours:02d}:00"


def timeline_figure(events: pd.DataFrame, documents: Optional[pd.DataFrame] = None,
                    color_by: str = "actors", title: str = "", webgl: Optional[bool] = None,
                    *, lanes: bool = True, list_mode: str = "first",
                    max_lanes: int = lanes_mod.MAX_LANES, entities=None,
                    date_sources=None, all_dates: bool = False,
                    labels: int = labelling.MAX_LABELS, corpus: str = "",
                    filters: Optional[dict] = None, width: int = 1400) -> go.Figure:
    """The interactive timeline of ``events`` (a Plotly figure).

    events: rows of events.csv (see :data:`timeline.tables.EVENT_COLUMNS`);
        cells may be strings as read from CSV.  Events without a date are
        counted in the caption but not drawn.
    documents: rows of documents.csv; gives the titles of the sources in
        the hover labels and the article links of the page's table.
    color_by: column giving lanes and colours.  "actors" (the default) makes
        one lane per main entity (:func:`timeline.lanes.lanes`: spellings of
        one name merged, descriptions left out); other columns ("sources",
        "granularity", "trigger" ...) one lane per value, the first item of a
        list cell, or each item when ``list_mode`` is "split".
    title: figure title; by default the counts and the dates of the events
        in the first view.
    webgl: draw points with WebGL; by default above :data:`WEBGL_THRESHOLD`.
    lanes: one lane per value of ``color_by`` (else colours only, one band).
    max_lanes: names shown as lanes at most; every other event is in "other".
    entities: names ("Kiev; Dmitry Peskov" or a list): one lane per entity,
        holding the events that name it in their actors, object or summary
        (an event naming two is drawn in both); events naming none are left
        out and counted in the caption.
    date_sources, all_dates: where the table has ``date_source``, only the
        events dated explicitly or by inheritance are drawn unless
        ``all_dates`` is true or ``date_sources`` names the ones to draw;
        the caption says so.  Without the column everything is drawn.
    labels: how many of the most important events in the first view carry a
        label (their summary cut at a word), placed without overlap.
    corpus: the corpus's name, for the caption of the static exports.
    filters: the filters applied before (default: those recorded by
        :func:`filter_events` in ``events.attrs``), stated in the caption.
    width: width in pixels the labels are placed for (the static exports'
        width; the page checks them again in the browser).
    """
    if list_mode not in ("first", "split"):
        raise ValueError(f"list_mode must be 'first' or 'split', not {list_mode!r}")
    filters = dict(events.attrs.get("filters", {}) if filters is None else filters)
    n_before = int(events.attrs.get("n_before", len(events)))
    df = events.copy().reset_index(drop=True)
    hidden_dates = 0
    if "date_source" in df.columns:
        wanted = ([] if all_dates else [k.lower() for k in _names(date_sources)]
                  or list(DEFAULT_DATE_SOURCES))
        if wanted:
            kept = _column(df, "date_source").map(lambda g: str(g or "none").lower() in wanted)
            hidden_dates = int((~kept).sum())
            df = df[kept].reset_index(drop=True)
            filters["dates"] = ", ".join(wanted)
    df["_start"] = _column(df, "date_start").map(as_date)
    df["_end"] = _column(df, "date_end").map(as_date)
    df["_end"] = [e if e is not None and s is not None and e >= s else s
                  for s, e in zip(df["_start"], df["_end"])]
    undated = int(df["_start"].isna().sum())
    df = df[df["_start"].notna()].reset_index(drop=True)
    if "event_id" not in df.columns:
        df["event_id"] = [f"row-{i}" for i in range(len(df))]
    df["event_id"] = df["event_id"].astype(str)
    if webgl is None:
        webgl = len(df) > WEBGL_THRESHOLD
    fig = go.Figure()
    context = {"filters": filters, "n_before": n_before, "hidden_dates": hidden_dates,
               "undated": undated, "corpus": corpus, "all_dates": all_dates}
    fig.update_layout(template="plotly_white", hovermode="closest",
                      meta={"n_events": int(len(df)), "undated": undated,
                            "webgl": bool(webgl), "hidden_dates": hidden_dates})
    if df.empty:
        return _empty_figure(fig, title, context)

    df["_s"] = df["_start"].map(date.toordinal)
    df["_e"] = df["_end"].map(date.toordinal)
    df["_point"] = df["_s"] == df["_e"]
    view_low, view_high, hidden = _initial_view(df["_s"].tolist(), df["_e"].tolist())
    in_view = ((df["_e"] + 1 >= view_low) & (df["_s"] <= view_high)).tolist()

    dropped_entities = 0
    if entities:
        lane_names, per_event = lanes_mod.entity_lanes(df, entities)
        dropped_entities = sum(1 for these in per_event if not these)
        df["_lane"] = per_event
        df = df.explode("_lane", ignore_index=True)
        df = df[df["_lane"].notna()].reset_index(drop=True)
        context["entities"] = lane_names
        context["dropped_entities"] = dropped_entities
        if df.empty:
            return _empty_figure(fig, title, context)
    elif color_by == "actors" and lanes:
        if "actors" not in df.columns:
            df["actors"] = ""
        lane_names, lane_of = lanes_mod.lanes(df["actors"].tolist(), max_lanes, counted=in_view,
                                              weights=lane_weights(df))
        df["_lane"] = lane_of
    else:
        df["_group"] = _group_labels(df, color_by, list_mode)
        if list_mode == "split":
            df = df.explode("_group", ignore_index=True)
        lane_names, lane_of = _lane_order(df["_group"], color_by, max_lanes)
        df["_lane"] = df["_group"].map(lane_of)
    df["_n_sources"] = n_sources(df)
    df["_n_docs"] = _n_docs(df)

    gap = max(0.5, (view_high - view_low) * 0.009)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(
        n for n in lane_names if n != OTHER and not n.startswith("(no "))}
    colours[OTHER] = OTHER_COLOUR
    colours[f"(no {color_by})"] = NONE_COLOUR

    # rows inside lanes, lanes stacked top to bottom: in each lane the day
    # events first (a swarm), then the periods, then the long ones (longer
    # than 80 days and than half the view: drawn thin and light, as context)
    long_days = max(80.0, (view_high - view_low) / 2)
    df["_long"] = ~df["_point"] & ((df["_e"] - df["_s"] + 1) >= long_days)
    band_of = df["_lane"] if lanes or entities else pd.Series(["all"] * len(df))
    bands = lane_names if lanes or entities else ["all"]
    rows_cap = max(2, min(MAX_ROWS_PER_LANE, 60 // max(1, len(bands))))
    df["_y"] = 0.0
    ticks, spans_y = [], []
    offset = 0
    for band in bands:
        in_band = band_of == band
        height = 0
        for kind, cap in ((df["_point"], rows_cap), (~df["_point"] & ~df["_long"], max(2, rows_cap // 2)),
                          (df["_long"], 2)):
            members = df.index[in_band & kind].tolist()
            if not members:
                continue
            spans = [(df.at[i, "_s"] + 0.5 - gap / 2, df.at[i, "_s"] + 0.5 + gap / 2)
                     if df.at[i, "_point"] else (df.at[i, "_s"], df.at[i, "_e"] + 1 + gap / 2)
                     for i in members]
            rows = _pack(spans, cap)
            for i, row in zip(members, rows):
                df.at[i, "_y"] = offset + height + row
            height += max(rows) + 1
        height = max(height, 1)
        ticks.append(offset + (height - 1) / 2)
        spans_y.append((offset - 0.5, offset + height - 0.5))
        offset += height + 1

    titles = _titles(documents)
    df["_hover"] = [hover_text(row, titles) for row in df.to_dict("records")]
    base = 9 if len(df) <= 300 else 7 if len(df) <= 1000 else 6
    scatter = go.Scattergl if webgl else go.Scatter
    df["_size"], df["_opacity"] = _size_and_opacity(df["_n_sources"], base)

    for lane in lane_names:
        part = df[df["_lane"] == lane]
        if part.empty:
            continue
        colour = colours.get(lane, OTHER_COLOUR)
        name = _esc(textwrap.shorten(lane, 40, placeholder="…"))
        points, periods = part[part["_point"]], part[~part["_point"]]
        first_trace = True
        if not periods.empty:
            long = periods["_long"].tolist()
            fig.add_trace(go.Bar(
                orientation="h", name=name, legendgroup=name, showlegend=first_trace,
                base=[f"{d.isoformat()}T00:00:00" for d in periods["_start"]],
                x=[(e - s + 1) * _DAY_MS for s, e in zip(periods["_s"], periods["_e"])],
                y=periods["_y"].tolist(), width=[0.3 if lg else 0.62 for lg in long],
                marker={"color": colour,
                        "opacity": [round(o * 0.5, 2) if lg else o
                                    for o, lg in zip(periods["_opacity"], long)],
                        "line": {"color": "rgba(40,40,40,0.55)", "width": 0.8}},
                customdata=periods["event_id"].tolist(),
                hovertext=periods["_hover"].tolist(), hoverinfo="text",
            ))
            first_trace = False
        if not points.empty:
            fig.add_trace(scatter(
                mode="markers", name=name, legendgroup=name, showlegend=first_trace,
                x=[f"{d.isoformat()}T12:00:00" for d in points["_start"]],
                y=points["_y"].tolist(),
                marker={"color": colour, "size": points["_size"].tolist(),
                        "opacity": points["_opacity"].tolist(),
                        "line": {"color": "rgba(40,40,40,0.7)", "width": 0.8}},
                customdata=points["event_id"].tolist(),
                hovertext=points["_hover"].tolist(), hoverinfo="text",
            ))

    height = int(min(MAX_HEIGHT, max(MIN_HEIGHT, 170 + 15 * offset)))
    # the dates of the events in view: those wholly inside it (a year mentioned
    # around a story of some weeks only overlaps it)
    inside = (df["_s"] >= view_low) & (df["_e"] + 1 <= view_high)
    if not inside.any():
        inside = _in(df, view_low, view_high)
    first_in, last_in = df.loc[inside, "_start"].tolist(), df.loc[inside, "_end"].tolist()
    context.update(view=(view_low, view_high), hidden=hidden, n_drawn=int(df["event_id"].nunique()),
                   first=min(first_in), last=max(last_in),
                   n_in_view=int(df.loc[_in(df, view_low, view_high), "event_id"].nunique()),
                   n_articles=len({d for cell in _column(df, "doc_ids") for d in split_list(cell)}),
                   n_outlets=len({o for cell in _column(df, "sources") for o in split_list(cell)}))
    _layout(fig, df, title=title, color_by=color_by, bands=bands, ticks=ticks,
            spans_y=spans_y, rows_total=offset, height=height, context=context,
            show_ticks=bool(lanes or entities))
    if labels:
        _add_labels(fig, df, width=width, height=height, view=(view_low, view_high),
                    rows_total=offset, limit=int(labels), bands=bands)
    fig.layout.meta = {**fig.layout.meta, "caption": context["caption"]}
    # the page's records stay beside the figure, out of its JSON (a notebook's
    # output keeps only what Plotly draws)
    fig._timeline_events = _page_records(df, documents, lane_names)
    return fig


def event_records(fig: go.Figure) -> list[dict]:
    """The records of the events drawn in ``fig`` (for the page's filters and
    table): id, dates, summary, lanes, actors, outlets, date_source, counts,
    articles with their safe links.  Empty for a figure made otherwise."""
    return list(getattr(fig, "_timeline_events", None) or [])


#: the figure's height in pixels at least and at most (at most: a 1280x720
#: screen shows the whole figure, date axis included, under the page's filters)
MIN_HEIGHT = 380
MAX_HEIGHT = 540


def _in(df: pd.DataFrame, low: float, high: float) -> pd.Series:
    return (df["_e"] + 1 >= low) & (df["_s"] <= high)


def _plot_frame(fig: go.Figure, width: int, height: int, view, rows_total: int,
                bands: list[str]) -> labelling.Frame:
    margin = fig.layout.margin
    tick_chars = max([len(textwrap.shorten(b, 28, placeholder="…")) for b in bands] or [4])
    left = (margin.l or 0) + tick_chars * 11 * 0.6 + 6
    legend = 0 if fig.layout.showlegend is False else LEGEND_WIDTH
    right = (margin.r or 0) + legend
    top, bottom = margin.t or 0, (margin.b or 0)
    plot_height = height - top - bottom
    if fig.layout.xaxis.rangeslider.visible:
        plot_height *= 1 - (fig.layout.xaxis.rangeslider.thickness or 0.15)
    return labelling.Frame(left=left, top=top, width=width - left - right,
                           height=plot_height - 30, x_range=(view[0], view[1]),
                           y_range=(-1.0, rows_total - 0.5))


def _add_labels(fig: go.Figure, df: pd.DataFrame, *, width: int, height: int, view,
                rows_total: int, limit: int, bands: list[str]) -> None:
    """Label the most important events in the first view (see :mod:`timeline.labels`)."""
    first = ~df["event_id"].duplicated()
    frame = _plot_frame(fig, width, height, view, rows_total, bands)
    anchors, texts = [], []
    for i, row in enumerate(df.to_dict("records")):
        if row["_point"]:
            x = row["_s"] + 0.5
        else:  # a bar: the middle of what is in view
            x = (max(row["_s"], view[0]) + min(row["_e"] + 1, view[1])) / 2
        anchors.append((x, row["_y"], (row["_size"] / 2) if row["_point"] else 5,
                        bool(row["_point"])))
        summary = _text(row.get("summary")) or _text(row.get("trigger"))
        texts.append(labelling.label_text(summary) if first.iloc[i] else "")
    order = labelling.rank(df["_n_sources"].tolist(), _confidence(df).tolist(),
                           _column(df, "date_source").tolist(), df["_n_docs"].tolist())
    placed = labelling.place(anchors, texts, order, frame, limit=limit)
    for number, label in enumerate(placed):
        x = anchors[label.index][0]
        fig.add_annotation(
            x=_day_iso(x), y=float(df.at[label.index, "_y"]), xref="x", yref="y",
            text=_esc(label.text), showarrow=False, xanchor=label.xanchor,
            xshift=label.xshift, yshift=label.yshift, align="left",
            font={"size": labelling.FONT_SIZE, "color": "#222"},
            bgcolor="rgba(255,255,255,0.82)", borderpad=1,
            name=f"label:{df.at[label.index, 'event_id']}",
            captureevents=False)


#: room the legend takes right of the plot, in pixels (label placement)
LEGEND_WIDTH = 170


def _empty_figure(fig: go.Figure, title: str, context: dict) -> go.Figure:
    note = "No events to show with these filters."
    if context.get("undated"):
        note += f" ({context['undated']} event(s) without a date are never drawn.)"
    if context.get("hidden_dates"):
        note += (f" {context['hidden_dates']} event(s) dated only by the story or the publication"
                 " date are hidden: all_dates=True shows them.")
    fig.add_annotation(text=_esc(note), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": "#555"})
    caption = _caption(context)
    fig.update_layout(title={"text": _esc(title or "Timeline"),
                             "subtitle": {"text": _esc(caption)}}, height=MIN_HEIGHT,
                      xaxis={"type": "date", "visible": False}, yaxis={"visible": False})
    fig.layout.meta = {**fig.layout.meta, "caption": caption}
    fig._timeline_events = []
    return fig


def _short(day: date) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year:04d}"


def _caption(context: dict) -> str:
    """What the figure shows, in words: filters in effect, dates, what is left out."""
    parts = []
    if context.get("corpus"):
        parts.append(f"corpus {context['corpus']}")
    filters = describe_filters(context.get("filters", {}))
    if context.get("filters", {}).get("dates"):
        others = ", ".join(k for k in DATE_SOURCES if k not in context["filters"]["dates"])
        note = (f"; {context['hidden_dates']} dated otherwise ({others}) hidden"
                if context.get("hidden_dates") else "")
        filters = filters.replace(f"dates {context['filters']['dates']}",
                                  f"dates {context['filters']['dates']} only{note}")
    parts.append(f"filters: {filters}" if filters else "no filter")
    if context.get("entities"):
        parts.append("lanes: " + ", ".join(context["entities"]))
        if context.get("dropped_entities"):
            parts.append(f"{context['dropped_entities']} event(s) naming none of them left out")
    if context.get("hidden"):
        parts.append(f"{context['hidden']} event(s) outside this view")
    if context.get("undated"):
        parts.append(f"{context['undated']} event(s) without a date not shown")
    return " · ".join(parts)


def _layout(fig: go.Figure, df: pd.DataFrame, *, title: str, color_by: str,
            bands: list[str], ticks: list[float], spans_y: list[tuple[float, float]],
            rows_total: int, height: int, context: dict, show_ticks: bool) -> None:
    view = context["view"]
    n_before = context["n_before"]
    shown = context["n_drawn"]
    counts = f"{shown} events" + (f" of {n_before}" if n_before > shown else "")
    if context["n_articles"]:
        counts += f" from {context['n_articles']} articles"
        if context["n_outlets"]:
            counts += f" ({context['n_outlets']} outlet{'s' if context['n_outlets'] != 1 else ''})"
    dates = (f"{_short(context['first'])} – {_short(context['last'])}"
             if context["first"] != context["last"] else _short(context["first"]))
    default_title = f"{counts}; in view: {dates}"
    if context["n_in_view"] < shown:
        default_title += f" ({context['n_in_view']} events)"
    caption = _caption(context)
    context["caption"] = f"{default_title if title else 'Events shown: ' + dates} · {caption}"
    key = "● one day  ▬ a period  size: distinct outlets (articles in the hover)"
    for low, high in spans_y[::2]:
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=low, y1=high,
                      fillcolor="rgba(0,0,0,0.035)", line={"width": 0}, layer="below")
    starts, ends = df["_s"].tolist(), df["_e"].tolist()
    low_all, high_all = min(starts), max(ends) + 1
    pad = max(2.0, 0.03 * (high_all - low_all))
    buttons = []
    for label, days in RANGE_BUTTONS:
        low, high = ((low_all - pad, high_all + pad) if not days
                     else densest_window(starts, ends, days))
        buttons.append({"label": label, "method": "relayout",
                        "args": [{"xaxis.range": [_day_iso(low), _day_iso(high)]}]})
    fig.update_layout(
        title={"text": _esc(title or default_title),
               "subtitle": {"text": _esc(f"{caption}   ·   {key}")}, "x": 0.01,
               "y": 0.985, "yanchor": "top", "font": {"size": 16}},
        height=height, barmode="overlay", bargap=0,
        margin={"l": 10, "r": 10, "t": 112, "b": 30},
        showlegend=True,
        legend={"title": {"text": _esc("lanes (click to hide)" if show_ticks else color_by)},
                "itemsizing": "constant", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top",
                "font": {"size": 11}},
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12},
                    "namelength": 0},
        updatemenus=[{"type": "buttons", "direction": "right", "showactive": False,
                      "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
                      "pad": {"t": 2, "b": 4}, "buttons": buttons,
                      "font": {"size": 11}, "bgcolor": "#f2f2f2", "bordercolor": "#bbb"}],
        xaxis={
            "type": "date",
            "range": [_day_iso(max(1, view[0])), _day_iso(min(view[1], date.max.toordinal()))],
            "showgrid": True, "gridcolor": "#e6e6e6",
            "rangeslider": {"visible": True, "thickness": 0.06},
        },
        yaxis={
            "tickmode": "array", "tickvals": ticks if show_ticks else [],
            "ticktext": [_esc(textwrap.shorten(b, 28, placeholder="…")) for b in bands]
            if show_ticks else [],
            "range": [rows_total - 0.5, -1.0], "fixedrange": True,
            "showgrid": False, "zeroline": False, "automargin": True,
        },
    )


def _page_records(df: pd.DataFrame, documents: Optional[pd.DataFrame],
                  lane_names: list[str]) -> list[dict]:
    """One record per event drawn, for the page's filters and table (plain data:
    the page writes it with textContent, never as markup)."""
    from .exports import document_links  # exports imports this module

    links = document_links(documents)
    names = lanes_mod.event_names(_column(df, "actors").tolist())
    confidence = _confidence(df).tolist()
    out, seen = [], {}
    for i, row in enumerate(df.to_dict("records")):
        event_id = row["event_id"]
        if event_id in seen:  # drawn in several lanes (entities=)
            out[seen[event_id]]["lanes"].append(str(row["_lane"]))
            continue
        seen[event_id] = len(out)
        docs = []
        for doc_id in split_list(row.get("doc_ids")):
            link = links.get(doc_id, {})
            docs.append({"doc_id": doc_id, "url": link.get("url", ""),
                         "source": link.get("source", ""), "title": link.get("title", "")})
        outlets = list(dict.fromkeys(split_list(row.get("sources"))))
        search = " ".join(_text(row.get(c)) for c in ("summary", "texts", "sentence", "trigger",
                                                       "actors", "object", "sources"))
        out.append({
            "id": event_id, "start": row["_start"].isoformat(), "end": row["_end"].isoformat(),
            "date": date_label(row["_start"], row["_end"] if row["_end"] != row["_start"] else None,
                               _text(row.get("granularity"))),
            "summary": _text(row.get("summary")) or _text(row.get("trigger")),
            "lanes": [str(row["_lane"])], "actors": names[i], "outlets": outlets,
            "date_source": _text(row.get("date_source")),
            "n_sources": int(row["_n_sources"]), "n_docs": int(row["_n_docs"]),
            "confidence": float(confidence[i]),
            "docs": docs, "search": " ".join(search.split()).lower(),
        })
    return out


# --------------------------------------------------------------------------
# static exports


def static_figure(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` as a publication figure: labels and legend kept, the
    caption (corpus, filters, dates) written under the plot, no buttons, no
    range slider (the modebar is never part of an image)."""
    out = go.Figure(fig)
    caption = (out.layout.meta or {}).get("caption", "") if out.layout.meta else ""
    out.layout.updatemenus = ()
    # the plot area keeps (at least) the height the labels were placed for
    out.update_layout(xaxis={"rangeslider": {"visible": False}}, margin={"b": 80},
                      height=int(out.layout.height or MIN_HEIGHT) + 50)
    out.update_layout(title={"subtitle": {"text": _esc(
        "● one day  ▬ a period  size: distinct outlets")}}, legend={"title": {"text": "lanes"}})
    if caption:
        out.add_annotation(text=_esc(textwrap.shorten(caption, 400, placeholder="…")),
                           xref="paper", yref="paper", x=0, y=0, yshift=-40, xanchor="left",
                           yanchor="top", showarrow=False, align="left",
                           font={"size": 11, "color": "#444"})
    return out


# --------------------------------------------------------------------------
# writing

#: Plotly's configuration for the page and the notebook: no logo, no cloud
#: buttons (they cannot work offline), no lasso or box selection
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio",
                                            "lasso2d", "select2d"],
                 "toImageButtonOptions": {"filename": "timeline", "format": "png", "scale": 2}}
#: the page's fixed div id (the same input gives the same bytes)
DIV_ID = "timeline-figure"


def to_html(fig: go.Figure, title: str = "") -> str:
    """The page: the figure, its filters and its table, self-contained (plotly.js inline)."""
    from .page import page_html

    return page_html(fig, title=title)


def write_html(fig: go.Figure, path: str | Path, title: str = "") -> Path:
    """Write ``fig`` as a self-contained HTML page that works offline.

    plotly.js and the page's small filter script are embedded (nothing is
    loaded from elsewhere); the file is written to a temporary name and
    renamed, so a reader never sees half a page.
    """
    return write_text(to_html(fig, title=title), path)
