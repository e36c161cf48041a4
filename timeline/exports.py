"""Exports of the timeline: CSV tables, a TimelineJS sheet, PNG and SVG images.

* :func:`timelinejs` turns events.csv into the column template of
  TimelineJS (Knight Lab), ready to paste into its Google Sheet or load
  as CSV.  TimelineJS renders Headline and Text as HTML, so text from the
  articles is HTML-escaped there.
* :func:`export_images` writes PNG and SVG of a figure through Plotly's
  image export (kaleido), which needs a Chrome or Chromium; without one it
  returns one line saying why it skipped.
* :func:`write_exports` writes events.csv, mentions.csv and
  timeline_js.csv with formula neutralisation (see
  :func:`timeline.tables.write_csv`).
"""

from __future__ import annotations

import html
import os
import shutil
import textwrap
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd

from .figure import as_date, date_label, split_list
from .tables import write_csv

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


def _timelinejs_row(row: dict) -> Optional[dict]:
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
    if whole_years:
        out["Display Date"] = (str(start.year) if end.year == start.year
                               else f"{start.year}–{end.year}")
    elif whole_month:
        out["Display Date"] = start.strftime("%B ") + str(start.year)
    else:
        out["Display Date"] = date_label(start, end if end != start else None)
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
    actors = split_list(row.get("actors"))
    out["Group"] = html.escape(actors[0]) if actors else ""
    return out


def timelinejs(events: pd.DataFrame) -> pd.DataFrame:
    """A TimelineJS sheet of ``events``: exactly :data:`TIMELINEJS_COLUMNS`.

    Partial dates stay partial: a whole month gives Year and Month only, a
    whole year the Year only (a decade: Year and End Year), so TimelineJS
    shows "October 2025" rather than a made-up day; other periods get a
    full end date.  Display Date is the resolved date in words.  Headline is the
    summary, Text the sentence, the expressions as written and the sources;
    Group is the first actor.  Events without a date are left out.
    """
    rows = [_timelinejs_row(row) for row in events.to_dict("records")]
    return pd.DataFrame([r for r in rows if r is not None], columns=TIMELINEJS_COLUMNS)


def write_timelinejs(events: pd.DataFrame, path: str | Path, raw: bool = False) -> Path:
    """Write :func:`timelinejs` of ``events`` as CSV (formulas neutralised unless ``raw``)."""
    return write_csv(timelinejs(events), path, raw=raw)


def write_exports(events: pd.DataFrame, out_dir: str | Path,
                  mentions: Optional[pd.DataFrame] = None, raw: bool = False,
                  tables: bool = True) -> dict[str, Path]:
    """Write events.csv, mentions.csv (when given) and timeline_js.csv into ``out_dir``.

    Cells that would start a spreadsheet formula (=, +, -, @) are prefixed
    with a quote unless ``raw`` is true.  ``tables=False`` writes
    timeline_js.csv alone (when events.csv already holds the full table).
    Returns the paths written, by name.
    """
    out_dir = Path(out_dir)
    written = {}
    if tables:
        written["events"] = write_csv(events, out_dir / "events.csv", raw=raw)
        if mentions is not None:
            written["mentions"] = write_csv(mentions, out_dir / "mentions.csv", raw=raw)
    written["timeline_js"] = write_timelinejs(events, out_dir / "timeline_js.csv", raw=raw)
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
                  formats: tuple[str, ...] = ("png", "svg")) -> list[Path] | str:
    """Write ``fig`` as ``<name>.png`` and ``<name>.svg`` into ``out_dir``.

    Uses Plotly's image export (kaleido) with the browser of
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
