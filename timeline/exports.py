"""Exports of the timeline: TimelineJS (sheet and JSON), the workbook, images.

* :func:`timelinejs` turns events.csv into the column template of
  TimelineJS (Knight Lab): a title slide, then one slide per event with its
  date in the text's words (:func:`display_date`), its article as Media and
  its lane as Group; :func:`timelinejs_json` gives the same slides in
  TimelineJS's JSON format.  TimelineJS renders Headline and Text as HTML,
  so text from the articles is HTML-escaped there, and only http(s)
  addresses are used (:func:`safe_url`).
* :func:`export_images` writes PNG, SVG and PDF of a figure through Plotly's
  image export (kaleido), which needs a Chrome or Chromium; without one it
  returns one line saying why it skipped.
* :func:`write_exports` writes the exports of a run: timeline_js.csv,
  timeline.json, timeline.xlsx (:mod:`timeline.workbook`) and columns.md
  (:mod:`timeline.columns`), and events.csv/mentions.csv when asked, with
  formula neutralisation (see :func:`timeline.tables.write_csv`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import textwrap
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlsplit

import pandas as pd

from . import lanes
from .figure import as_date, date_label
from .lanes import split_list
from .tables import write_csv, write_text

#: the TimelineJS spreadsheet template, in its order
TIMELINEJS_COLUMNS = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day",
                      "End Time", "Display Date", "Headline", "Text", "Media", "Media Credit",
                      "Media Caption", "Media Thumbnail", "Type", "Group", "Background"]

#: where Chromium is looked for when BROWSER_PATH is not set
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                       "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable")


def _cell(row, name: str) -> str:
    value = row.get(name, "")
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _last_of_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_SEASONS = "spring|summer|autumn|fall|winter"
_PARTS = "morning|afternoon|evening|night|midday|noon|midnight|dawn|overnight"
_MODIFIERS = "early|late|mid|middle|end|beginning|start"
#: words that tie an expression to the moment of writing: dropped from a
#: Display Date, which is read out of context ("next Thursday" -> "Thursday")
_DEICTIC = re.compile(r"\b(?:last|next|this|coming|past|previous|following|today|tonight|"
                      r"yesterday|tomorrow|ago|earlier|later|recently|current)\b", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:in|on|at|by|during|from|since|until|till|for|of|over|"
                      r"around|about|before|after|the)\s+)+", re.IGNORECASE)
_HAS = {name: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for name, words in (
    ("month", _MONTHS), ("weekday", _WEEKDAYS), ("season", _SEASONS), ("part", _PARTS),
    ("modifier", _MODIFIERS))}
_YEAR = re.compile(r"\b\d{4}s?\b|\b\d{2}s\b")
_DAY_NUMBER = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b")


def _short_day(day: date) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year:04d}"


def display_date(texts, start: Optional[date], end: Optional[date],
                 granularity: str = "") -> str:
    """The date of an event in the text's own words, completed from its resolved date.

    texts: the expressions as written (a list, or a "; "-joined cell).  The
    one with the most calendar words is used; words tying it to the moment
    of writing ("next", "last", "this", "yesterday") are dropped, modifiers
    and parts of the day kept, and what the text leaves out is added::

        "in late October" (2025-10)      -> "late October 2025"
        "Thursday evening" (2025-11-20)  -> "Thursday evening, 20 Nov 2025"
        "next Thursday" (2025-11-27)     -> "Thursday, 27 Nov 2025"

    An expression with no calendar word ("last week", "today") gives the
    resolved date in words.
    """
    if start is None:
        return ""
    end = end if end is not None and end >= start else start
    fallback = _fallback_display(start, end)
    best, best_score = "", 0
    for text in dict.fromkeys(split_list(texts)):
        found = {name: bool(rx.search(text)) for name, rx in _HAS.items()}
        score = (2 * (found["month"] or found["weekday"] or found["season"])
                 + found["part"] + found["modifier"] + bool(_YEAR.search(text)))
        if (found["month"] or found["weekday"] or found["season"] or _YEAR.search(text)) \
                and score > best_score:
            best, best_score = text, score
    if not best:
        return fallback
    phrase = " ".join(_DEICTIC.sub(" ", best).split())
    phrase = _LEADING.sub("", phrase).strip(" ,;")
    if not phrase:
        return fallback
    has_year = bool(_YEAR.search(phrase))
    if granularity in ("day", "time") or start == end:
        if _HAS["month"].search(phrase) and _DAY_NUMBER.search(_YEAR.sub("", phrase)):
            return phrase if has_year else f"{phrase} {start.year}"
        if _HAS["weekday"].search(phrase) or _HAS["part"].search(phrase):
            return f"{phrase}, {_short_day(start)}"
        return fallback
    if has_year:
        return phrase
    if _HAS["month"].search(phrase) or _HAS["season"].search(phrase):
        return f"{phrase} {start.year}" if start.year == end.year else \
            f"{phrase} {start.year}–{end.year}"
    return fallback


def _fallback_display(start: date, end: date) -> str:
    whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    whole_month = (start.day == 1 and (start.year, start.month) == (end.year, end.month)
                   and end == _last_of_month(end))
    if whole_years:
        return str(start.year) if end.year == start.year else f"{start.year}–{end.year}"
    if whole_month:
        return start.strftime("%B ") + str(start.year)
    return date_label(start, end if end != start else None)


def safe_url(url) -> str:
    """``url`` when it is an http(s) address with a host, else "" (no
    javascript:, data: or relative addresses reach a page)."""
    text = str(url or "").strip()
    if any(ch in text for ch in "\x00\r\n\t<>\"' `") or len(text) > 2000:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return text


def document_links(documents: Optional[pd.DataFrame]) -> dict[str, dict]:
    """doc_id -> {"url", "source", "title"} from documents.csv (url kept only when safe)."""
    if documents is None or len(documents) == 0 or "doc_id" not in documents.columns:
        return {}
    out = {}
    for row in documents.to_dict("records"):
        out[str(row.get("doc_id", ""))] = {"url": safe_url(row.get("url")),
                                           "source": _cell(row, "source"),
                                           "title": _cell(row, "title")}
    return out


def _first_link(row: dict, links: dict[str, dict]) -> dict:
    for doc_id in split_list(row.get("doc_ids")):
        link = links.get(doc_id)
        if link and link["url"]:
            return link
    return {"url": "", "source": "", "title": ""}


def _timelinejs_row(row: dict, group: str = "", links: Optional[dict] = None) -> Optional[dict]:
    start, end = as_date(row.get("date_start")), as_date(row.get("date_end"))
    if start is None:
        return None
    if end is None or end < start:
        end = start
    out = dict.fromkeys(TIMELINEJS_COLUMNS, "")
    whole_years = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    whole_month = (start.day == 1 and (start.year, start.month) == (end.year, end.month)
                   and end == _last_of_month(end))
    out["Year"] = str(start.year)
    if not whole_years:
        out["Month"] = str(start.month)
        if not whole_month:
            out["Day"] = str(start.day)
    if end != start and not whole_month and not (whole_years and end.year == start.year):
        out["End Year"] = str(end.year)
        if not whole_years:
            out["End Month"] = str(end.month)
            out["End Day"] = str(end.day)
    out["Display Date"] = html.escape(display_date(row.get("texts"), start, end,
                                                   _cell(row, "granularity")))
    summary = " ".join(_cell(row, "summary").split())
    trigger = _cell(row, "trigger")
    headline = summary or trigger or ", ".join(split_list(row.get("texts"))) or "event"
    out["Headline"] = html.escape(textwrap.shorten(headline, 100, placeholder="…"))
    parts = []
    sentence = " ".join(_cell(row, "sentence").split())
    if sentence:
        parts.append(f"<p>{html.escape(sentence)}</p>")
    expressions = list(dict.fromkeys(split_list(row.get("texts"))))
    if expressions:
        parts.append("<p><i>As written:</i> "
                     + html.escape(", ".join(f"“{e}”" for e in expressions)) + "</p>")
    sources = list(dict.fromkeys(split_list(row.get("sources"))))
    if sources:
        parts.append("<p><i>Sources:</i> " + html.escape(", ".join(sources)) + "</p>")
    out["Text"] = "".join(parts)
    link = _first_link(row, links or {})
    out["Media"] = link["url"]
    if link["url"]:
        out["Media Credit"] = html.escape(link["source"])
        out["Media Caption"] = html.escape(link["title"])
    out["Group"] = html.escape(group)
    return out


def _title_slide(events: pd.DataFrame, title: str, description: str) -> dict:
    out = dict.fromkeys(TIMELINEJS_COLUMNS, "")
    out["Type"] = "title"
    out["Headline"] = html.escape(title or "Timeline")
    out["Text"] = f"<p>{html.escape(description or _describe(events))}</p>"
    return out


def _describe(events: pd.DataFrame) -> str:
    """"48 events from 13 articles of 4 outlets, 20 Oct 2025 to 27 Nov 2025"."""
    starts = [d for d in (as_date(v) for v in events.get("date_start", [])) if d]
    ends = [d for d in (as_date(v) for v in events.get("date_end", [])) if d] or starts
    docs = {d for cell in events.get("doc_ids", []) for d in split_list(cell)}
    outlets = {s for cell in events.get("sources", []) for s in split_list(cell)}
    text = f"{len(events)} events"
    if docs:
        text += f" from {len(docs)} articles"
        if outlets:
            text += f" of {len(outlets)} outlet{'s' if len(outlets) != 1 else ''}"
    if starts:
        text += f", {_short_day(min(starts))} to {_short_day(max(ends))}"
    return text


def _groups(events: pd.DataFrame, max_lanes: int,
            lanes_by_id: Optional[dict] = None) -> list[str]:
    if lanes_by_id:
        return [lanes_by_id.get(str(e), lanes.OTHER) for e in events.get("event_id", [])] \
            if "event_id" in events.columns else [""] * len(events)
    if "actors" not in events.columns:
        return [""] * len(events)
    from .figure import lane_weights

    return lanes.lanes(events["actors"].tolist(), max_lanes=max_lanes,
                       weights=lane_weights(events))[1]


def figure_lanes(fig) -> dict[str, str]:
    """event_id -> its (first) lane in a figure of :func:`timeline.figure.timeline_figure`."""
    from .figure import event_records

    if fig is None:
        return {}
    return {r["id"]: r["lanes"][0] for r in event_records(fig) if r.get("lanes")}


def timelinejs(events: pd.DataFrame, documents: Optional[pd.DataFrame] = None,
               title: str = "", description: str = "",
               max_lanes: int = lanes.MAX_LANES,
               lanes_by_id: Optional[dict] = None) -> pd.DataFrame:
    """A TimelineJS sheet of ``events``: exactly :data:`TIMELINEJS_COLUMNS`.

    The first row is the title slide (Type "title"): ``title`` (default
    "Timeline") and ``description`` (default: the counts and the date range).
    Then one row per dated event.  Partial dates stay partial: a whole month
    gives Year and Month only, a whole year the Year only (a decade: Year
    and End Year); other periods get a full end date.  Display Date is the
    date in the text's words (:func:`display_date`), Headline the summary,
    Text the sentence, the expressions as written and the sources, Media the
    first article's http(s) address (from ``documents``), Group the event's
    lane in the figure: ``lanes_by_id`` (:func:`figure_lanes` of the figure
    drawn), else :func:`timeline.lanes.lanes` of these events.  Every text
    is HTML-escaped: TimelineJS renders these fields as HTML.
    """
    links = document_links(documents)
    groups = _groups(events, max_lanes, lanes_by_id)
    rows = [_timelinejs_row(row, group, links)
            for row, group in zip(events.to_dict("records"), groups)]
    dated = [r for r in rows if r is not None]
    shown = events[[r is not None for r in rows]]
    return pd.DataFrame([_title_slide(shown, title, description)] + dated,
                        columns=TIMELINEJS_COLUMNS)


def _date_object(year: str, month: str, day: str) -> Optional[dict]:
    if not year:
        return None
    out = {"year": int(year)}
    if month:
        out["month"] = int(month)
        if day:
            out["day"] = int(day)
    return out


def timelinejs_json(events: pd.DataFrame, documents: Optional[pd.DataFrame] = None,
                    title: str = "", description: str = "",
                    max_lanes: int = lanes.MAX_LANES,
                    lanes_by_id: Optional[dict] = None) -> dict:
    """The same slides in TimelineJS's JSON format, which its embed reads
    without a spreadsheet: ``{"title": slide, "events": [slide, ...]}``, each
    event slide with ``start_date`` (``year``, ``month``, ``day`` as numbers),
    ``end_date`` for periods, ``display_date``, ``text`` (``headline``,
    ``text``), ``group``, ``media`` (``url``, ``credit``, ``caption``) when
    the article's address is known, and ``unique_id`` (the event_id)."""
    sheet = timelinejs(events, documents, title, description, max_lanes, lanes_by_id)
    ids = [str(row.get("event_id", "")) for row in events.to_dict("records")
           if as_date(row.get("date_start")) is not None]
    first = sheet.iloc[0]
    doc = {"title": {"text": {"headline": first["Headline"], "text": first["Text"]}},
           "events": []}
    for event_id, row in zip(ids, sheet.iloc[1:].to_dict("records")):
        slide = {"start_date": _date_object(row["Year"], row["Month"], row["Day"]),
                 "display_date": row["Display Date"],
                 "text": {"headline": row["Headline"], "text": row["Text"]}}
        end = _date_object(row["End Year"], row["End Month"], row["End Day"])
        if end:
            slide["end_date"] = end
        if row["Group"]:
            slide["group"] = row["Group"]
        if row["Media"]:
            slide["media"] = {"url": row["Media"], "credit": row["Media Credit"],
                              "caption": row["Media Caption"]}
        if event_id:
            slide["unique_id"] = event_id
        doc["events"].append(slide)
    return doc


def write_timelinejs(events: pd.DataFrame, path: str | Path, raw: bool = False,
                     documents: Optional[pd.DataFrame] = None, title: str = "",
                     description: str = "", fig=None) -> Path:
    """Write :func:`timelinejs` of ``events`` as CSV (formulas neutralised unless
    ``raw``); Group is the lane of each event in ``fig`` when given."""
    return write_csv(timelinejs(events, documents, title, description,
                                lanes_by_id=figure_lanes(fig)), path, raw=raw)


def write_timelinejs_json(events: pd.DataFrame, path: str | Path,
                          documents: Optional[pd.DataFrame] = None, title: str = "",
                          description: str = "", fig=None) -> Path:
    """Write :func:`timelinejs_json` of ``events`` as UTF-8 JSON (``<`` escaped)."""
    doc = timelinejs_json(events, documents, title, description, lanes_by_id=figure_lanes(fig))
    text = json.dumps(doc, ensure_ascii=False, indent=1).replace("<", "\\u003c")
    return write_text(text + "\n", path)


#: tables the workbook and columns.md take from the output folder when not given
TABLE_FILES = {"events": "events.csv", "mentions": "mentions.csv", "documents": "documents.csv",
               "event_mentions": "event_mentions.csv", "entities": "entities.csv",
               "entity_timelines": "entity_timelines.csv", "rejects": "rejects.csv"}


def _tables_in(out_dir: Path, given: dict) -> dict[str, pd.DataFrame]:
    """The tables of the run: those given, else read from ``out_dir``'s CSV files."""
    from .tables import read_csv

    found = {}
    for name, file in TABLE_FILES.items():
        if given.get(name) is not None:
            found[name] = given[name]
        elif (out_dir / file).exists():
            found[name] = read_csv(out_dir / file)
    return found


def write_exports(events: pd.DataFrame, out_dir: str | Path,
                  mentions: Optional[pd.DataFrame] = None, raw: bool = False,
                  tables: bool = True, documents: Optional[pd.DataFrame] = None,
                  title: str = "", description: str = "", workbook: bool = True,
                  all_events: Optional[pd.DataFrame] = None, fig=None) -> dict[str, Path]:
    """Write the exports of a run into ``out_dir``; the paths written, by name.

    * events.csv and mentions.csv (when given), unless ``tables`` is false
      (when the extraction has written them already);
    * timeline_js.csv and timeline.json (TimelineJS: sheet and JSON) of
      ``events`` (the events shown, possibly filtered), with ``title`` and
      ``description`` on the title slide, article links from ``documents`` and
      Group the lane of each event in ``fig`` (the figure drawn) when given;
    * timeline.xlsx (unless ``workbook`` is false): the events (``all_events``
      when given, else ``events``), mentions and documents sheets, any other
      table of the run found in ``out_dir`` (entities.csv ...), and a sheet
      describing every column;
    * columns.md, the data dictionary of the tables written.

    CSV cells that would start a spreadsheet formula (=, +, -, @) are
    prefixed with a quote unless ``raw`` is true; the workbook stores them as
    text, never as formulas.
    """
    out_dir = Path(out_dir)
    written = {}
    if tables:
        written["events"] = write_csv(all_events if all_events is not None else events,
                                      out_dir / "events.csv", raw=raw)
        if mentions is not None:
            written["mentions"] = write_csv(mentions, out_dir / "mentions.csv", raw=raw)
    if documents is None and (out_dir / "documents.csv").exists():
        from .tables import read_csv
        documents = read_csv(out_dir / "documents.csv")
    written["timeline_js"] = write_timelinejs(events, out_dir / "timeline_js.csv", raw=raw,
                                              documents=documents, title=title,
                                              description=description, fig=fig)
    written["timeline_json"] = write_timelinejs_json(events, out_dir / "timeline.json",
                                                     documents=documents, title=title,
                                                     description=description, fig=fig)
    named = _tables_in(out_dir, {"events": all_events if all_events is not None else events,
                                 "mentions": mentions, "documents": documents})
    named["timeline_js"] = timelinejs(events, documents, title, description,
                                      lanes_by_id=figure_lanes(fig))
    if workbook:
        from .workbook import write_workbook
        sheets = {n: t for n, t in named.items() if n != "timeline_js"}
        written["workbook"] = write_workbook(sheets, out_dir / "timeline.xlsx")
    from .columns import write_markdown
    written["columns"] = write_markdown(out_dir / "columns.md", named)
    return written


def find_browser() -> Optional[str]:
    """The Chrome/Chromium kaleido should use: ``BROWSER_PATH`` when set,
    else the first of :data:`CHROMIUM_CANDIDATES` that exists; None if none."""
    given = os.environ.get("BROWSER_PATH", "").strip()
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


@contextmanager
def _browser_path(path: str) -> Iterator[None]:
    previous = os.environ.get("BROWSER_PATH")
    os.environ["BROWSER_PATH"] = path
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("BROWSER_PATH", None)
        else:
            os.environ["BROWSER_PATH"] = previous


def export_images(fig, out_dir: str | Path, name: str = "timeline", width: int = 1400,
                  formats: tuple[str, ...] = ("png", "svg", "pdf"),
                  publication: bool = True) -> list[Path] | str:
    """Write ``fig`` as ``<name>.png``, ``.svg`` and ``.pdf`` into ``out_dir``.

    With ``publication`` (the default) a figure of
    :func:`timeline.figure.timeline_figure` is first made a publication
    figure (:func:`timeline.figure.static_figure`: labels, legend, a caption
    with the corpus, the filters and the dates; no buttons, no range
    slider).  ``width`` is the width the labels were placed for.  Uses
    Plotly's image export (kaleido) with the browser of
    :func:`find_browser`.  Returns the paths written, or, when no browser
    is found or the export fails, one line saying why the images were
    skipped (nothing is raised: images are a convenience).
    """
    browser = find_browser()
    if browser is None:
        where = os.environ.get("BROWSER_PATH", "").strip()
        why = (f"BROWSER_PATH={where!r} is not an executable file" if where
               else "no Chrome/Chromium found (set BROWSER_PATH or install Debian's chromium)")
        return f"images skipped: {why}"
    try:
        import plotly.io as pio
    except ImportError:  # pragma: no cover - plotly is a dependency
        return "images skipped: plotly is not installed"
    if publication and isinstance(fig.layout.meta, dict) and "caption" in fig.layout.meta:
        from .figure import static_figure
        fig = static_figure(fig)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    height = int(fig.layout.height or 600)
    targets = [out_dir / f"{name}.{fmt}" for fmt in formats]
    temporary = [path.with_name(f".{path.name}.tmp") for path in targets]
    try:
        with _browser_path(browser):
            # one kaleido session for all formats: about half the time of one call each
            pio.write_images([fig] * len(formats), temporary, format=list(formats),
                             width=width, height=height)
        for tmp, path in zip(temporary, targets):
            os.replace(tmp, path)
    except Exception as error:  # kaleido/choreographer raise many kinds
        for tmp in temporary:
            tmp.unlink(missing_ok=True)
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        return f"images skipped: export with {browser} failed: {reason}"
    return targets
