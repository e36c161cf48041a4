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
* events sit in **lanes** (one per value of ``color_by``, coloured alike);
  inside a lane, events that would overlap are stacked on sub-rows;
* the **size and opacity** of a mark grow with the number of articles
  (``n_docs``) that report the event;
* the **hover label** gives the expression(s) as written, the resolved
  date, the summary, the actors, the sources with their titles and the
  sentence.  Every piece of text from the articles is HTML-escaped, because
  Plotly renders a subset of HTML in labels.

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
from typing import Iterable, Optional

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .tables import write_text

#: above this many events the points are drawn with WebGL traces
WEBGL_THRESHOLD = 1000
#: lanes shown by name; the remaining values share one "(other)" lane
MAX_LANES = 10
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


# --------------------------------------------------------------------------
# small helpers over cells


def split_list(cell) -> list[str]:
    """The items of a list-valued cell (``"a; b"`` -> ``["a", "b"]``).

    Accepts a list already split, and treats None, NaN and "" as empty.
    """
    if cell is None:
        return []
    if isinstance(cell, (list, tuple)):
        return [str(item).strip() for item in cell if str(item).strip()]
    if isinstance(cell, float) and math.isnan(cell):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


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


def _word_match(names: list[str], items: Iterable[str]) -> bool:
    """True when one of ``names`` occurs as whole words in one of ``items``
    (case-insensitive), so "US" matches "US officials" but not "Russia"."""
    items = list(items)
    for name in names:
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        if any(pattern.search(item) for item in items):
            return True
    return False


def _column(events: pd.DataFrame, name: str, default="") -> pd.Series:
    if name in events.columns:
        return events[name]
    return pd.Series([default] * len(events), index=events.index, dtype="object")


def _n_docs(events: pd.DataFrame) -> pd.Series:
    """Number of articles per event: ``n_docs``, else counted from ``doc_ids``."""
    counted = _column(events, "doc_ids").map(lambda cell: len(split_list(cell)))
    given = pd.to_numeric(_column(events, "n_docs", None), errors="coerce")
    return given.fillna(counted).clip(lower=1).astype(int)


def _confidence(events: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(_column(events, "confidence", None), errors="coerce").fillna(0.0)


# --------------------------------------------------------------------------
# filtering


def filter_events(events: pd.DataFrame, date_from=None, date_to=None, actors=None,
                  sources=None, min_confidence: float = 0.0, min_sources: int = 1,
                  granularities=None, text: Optional[str] = None) -> pd.DataFrame:
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

    Empty values (None, "", []) mean "no filter".  An unreadable argument
    raises ValueError with a one-line reason.
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

    return events[keep.astype(bool)].reset_index(drop=True)


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
    n_docs = pd.to_numeric(row.get("n_docs"), errors="coerce")
    if pd.notna(n_docs):
        facts.append(f"{int(n_docs)} article(s)")
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
    """The lanes top to bottom and the lane of each label (rare ones -> "(other)")."""
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
        lanes.append("(other)")
        lane_of.update({name: "(other)" for name in names[len(named):]})
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


def _size_and_opacity(n_docs: pd.Series, base: float) -> tuple[list[float], list[float]]:
    extra = (n_docs - 1).clip(lower=0)
    size = (base + 3.2 * extra.map(math.sqrt)).clip(upper=base + 12)
    opacity = (0.55 + 0.15 * extra).clip(upper=1.0)
    return size.round(2).tolist(), opacity.round(2).tolist()


# --------------------------------------------------------------------------
# the figure


def timeline_figure(events: pd.DataFrame, documents: Optional[pd.DataFrame] = None,
                    color_by: str = "actors", title: str = "", webgl: Optional[bool] = None,
                    *, lanes: bool = True, list_mode: str = "first",
                    max_lanes: int = MAX_LANES) -> go.Figure:
    """The interactive timeline of ``events`` (a Plotly figure).

    events: rows of events.csv (see :data:`timeline.tables.EVENT_COLUMNS`);
        cells may be strings as read from CSV.  Events without a date are
        counted in the subtitle but not drawn.
    documents: rows of documents.csv; gives the titles of the sources in
        the hover labels.
    color_by: column giving lanes and colours ("actors", "sources",
        "granularity", "trigger", "n_docs" ...).  For list-valued cells
        ("a; b") the first item is used, or each item when ``list_mode``
        is "split" (the event is then drawn once per item).
    title: figure title; by default the number of events and the period.
    webgl: draw points with WebGL; by default above :data:`WEBGL_THRESHOLD`
        events.
    lanes: one lane per value of ``color_by`` (else colours only, one band).
    max_lanes: values shown by name; the rest share the "(other)" lane.
    """
    if list_mode not in ("first", "split"):
        raise ValueError(f"list_mode must be 'first' or 'split', not {list_mode!r}")
    df = events.copy().reset_index(drop=True)
    df["_start"] = _column(df, "date_start").map(as_date)
    df["_end"] = _column(df, "date_end").map(as_date)
    df["_end"] = [e if e is not None and s is not None and e >= s else s
                  for s, e in zip(df["_start"], df["_end"])]
    undated = int(df["_start"].isna().sum())
    df = df[df["_start"].notna()].reset_index(drop=True)
    if webgl is None:
        webgl = len(df) > WEBGL_THRESHOLD
    fig = go.Figure()
    fig.update_layout(template="plotly_white", hovermode="closest",
                      meta={"n_events": int(len(df)), "undated": undated,
                            "webgl": bool(webgl)})
    if df.empty:
        return _empty_figure(fig, title, undated)

    df["_group"] = _group_labels(df, color_by, list_mode)
    if list_mode == "split":
        df = df.explode("_group", ignore_index=True)
    lane_names, lane_of = _lane_order(df["_group"], color_by, max_lanes)
    df["_lane"] = df["_group"].map(lane_of)
    df["_n_docs"] = _n_docs(df)
    df["_s"] = df["_start"].map(date.toordinal)
    df["_e"] = df["_end"].map(date.toordinal)
    df["_point"] = df["_s"] == df["_e"]

    view_low, view_high, hidden = _initial_view(df["_s"].tolist(), df["_e"].tolist())
    gap = max(0.5, (view_high - view_low) * 0.009)

    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(lane_names)}
    colours["(other)"] = OTHER_COLOUR
    colours[f"(no {color_by})"] = NONE_COLOUR

    # rows inside lanes, lanes stacked top to bottom: in each lane the day
    # events first (a swarm), then the periods, then the long ones (longer
    # than 80 days and than half the view: drawn thin and light, as context)
    long_days = max(80.0, (view_high - view_low) / 2)
    df["_long"] = ~df["_point"] & ((df["_e"] - df["_s"] + 1) >= long_days)
    band_of = df["_lane"] if lanes else pd.Series(["all"] * len(df))
    bands = lane_names if lanes else ["all"]
    df["_y"] = 0.0
    ticks, spans_y = [], []
    offset = 0
    for band in bands:
        in_band = band_of == band
        height = 0
        for kind, cap in ((df["_point"], MAX_ROWS_PER_LANE), (~df["_point"] & ~df["_long"], 6),
                          (df["_long"], 3)):
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

    for lane in lane_names:
        part = df[df["_lane"] == lane]
        if part.empty:
            continue
        colour = colours[lane]
        name = _esc(textwrap.shorten(lane, 40, placeholder="…"))
        points, periods = part[part["_point"]], part[~part["_point"]]
        first_trace = True
        if not periods.empty:
            _, opacity = _size_and_opacity(periods["_n_docs"], base)
            long = periods["_long"].tolist()
            fig.add_trace(go.Bar(
                orientation="h", name=name, legendgroup=name, showlegend=first_trace,
                base=[f"{d.isoformat()}T00:00:00" for d in periods["_start"]],
                x=[(e - s + 1) * _DAY_MS for s, e in zip(periods["_s"], periods["_e"])],
                y=periods["_y"].tolist(), width=[0.3 if lg else 0.62 for lg in long],
                marker={"color": colour,
                        "opacity": [round(o * 0.5, 2) if lg else o for o, lg in zip(opacity, long)],
                        "line": {"color": "rgba(40,40,40,0.55)", "width": 0.8}},
                customdata=periods["event_id"].astype(str).tolist()
                if "event_id" in periods else None,
                hovertext=periods["_hover"].tolist(), hoverinfo="text",
            ))
            first_trace = False
        if not points.empty:
            size, opacity = _size_and_opacity(points["_n_docs"], base)
            fig.add_trace(scatter(
                mode="markers", name=name, legendgroup=name, showlegend=first_trace,
                x=[f"{d.isoformat()}T12:00:00" for d in points["_start"]],
                y=points["_y"].tolist(),
                marker={"color": colour, "size": size, "opacity": opacity,
                        "line": {"color": "rgba(40,40,40,0.7)", "width": 0.8}},
                customdata=points["event_id"].astype(str).tolist()
                if "event_id" in points else None,
                hovertext=points["_hover"].tolist(), hoverinfo="text",
            ))

    _layout(fig, df, title=title, color_by=color_by, lanes=lanes, bands=bands,
            ticks=ticks, spans_y=spans_y, view=(view_low, view_high), hidden=hidden,
            undated=undated, rows_total=offset)
    return fig


def _empty_figure(fig: go.Figure, title: str, undated: int) -> go.Figure:
    note = "No events to show with these filters."
    if undated:
        note += f" ({undated} event(s) without a date are never drawn.)"
    fig.add_annotation(text=note, x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": "#555"})
    fig.update_layout(title={"text": _esc(title or "Timeline")}, height=360,
                      xaxis={"type": "date", "visible": False}, yaxis={"visible": False})
    return fig


def _layout(fig: go.Figure, df: pd.DataFrame, *, title: str, color_by: str, lanes: bool,
            bands: list[str], ticks: list[float], spans_y: list[tuple[float, float]],
            view: tuple[int, int], hidden: int, undated: int, rows_total: int) -> None:
    first, last = df["_start"].min(), df["_end"].max()
    n_events = len(df) if "event_id" not in df else df["event_id"].nunique()
    n_articles = len({d for cell in _column(df, "doc_ids") for d in split_list(cell)})
    default_title = (f"{n_events} events" + (f" from {n_articles} articles" if n_articles else "")
                     + f", {first.isoformat()} to {last.isoformat()}")
    notes = ["● one day", "▬ a period (week, month, season, year …)",
             "bigger, darker: reported by more articles"]
    if hidden:
        notes.append(f"{hidden} event(s) outside this view: use the slider below")
    if undated:
        notes.append(f"{undated} event(s) without a date not shown")
    for low, high in spans_y[::2]:
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=low, y1=high,
                      fillcolor="rgba(0,0,0,0.035)", line={"width": 0}, layer="below")
    height = int(min(1500, max(420, 230 + 16 * rows_total)))
    fig.update_layout(
        title={"text": _esc(title or default_title),
               "subtitle": {"text": _esc("   ·   ".join(notes))}, "x": 0.01},
        height=height, barmode="overlay", bargap=0,
        margin={"l": 10, "r": 20, "t": 90, "b": 40},
        showlegend=not lanes,
        legend={"title": {"text": _esc(color_by)}, "itemsizing": "constant"},
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12},
                    "namelength": 0},
        xaxis={
            "type": "date",
            "range": [date.fromordinal(max(1, view[0])).isoformat(),
                      date.fromordinal(min(view[1], date.max.toordinal())).isoformat()],
            "showgrid": True, "gridcolor": "#e6e6e6",
            "rangeslider": {"visible": True, "thickness": 0.07},
            "rangeselector": {"buttons": [
                {"count": 7, "label": "1w", "step": "day", "stepmode": "backward"},
                {"count": 1, "label": "1m", "step": "month", "stepmode": "backward"},
                {"count": 3, "label": "3m", "step": "month", "stepmode": "backward"},
                {"count": 1, "label": "1y", "step": "year", "stepmode": "backward"},
                {"count": 10, "label": "10y", "step": "year", "stepmode": "backward"},
                {"step": "all", "label": "all"},
            ], "x": 0, "y": 1.0, "yanchor": "bottom"},
        },
        yaxis={
            "tickmode": "array", "tickvals": ticks if lanes else [],
            "ticktext": [_esc(textwrap.shorten(b, 28, placeholder="…")) for b in bands]
            if lanes else [],
            "range": [rows_total - 0.5, -1.0], "fixedrange": True,
            "showgrid": False, "zeroline": False, "automargin": True,
        },
    )


# --------------------------------------------------------------------------
# writing


def to_html(fig: go.Figure) -> str:
    """The figure as one self-contained HTML page (plotly.js inline)."""
    return pio.to_html(fig, include_plotlyjs=True, full_html=True,
                       config={"displaylogo": False, "responsive": True,
                               "toImageButtonOptions": {"filename": "timeline"}},
                       default_width="100%", validate=True)


def write_html(fig: go.Figure, path: str | Path) -> Path:
    """Write ``fig`` as a self-contained HTML file that works offline.

    plotly.js is embedded in the page (never loaded from a CDN); the file
    is written to a temporary name and renamed, so a reader never sees half
    a page.
    """
    return write_text(to_html(fig), path)
