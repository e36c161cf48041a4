"""timeline.html: the figure with its filters and the table of the events shown.

The page is one self-contained file: plotly.js, a small script
(``resources/page/timeline.js``) and a style sheet (``timeline.css``) are
inlined, so it works offline and loads nothing from elsewhere.  Above the
figure: a search box and actor, outlet and date-source selectors that filter
the marks, the labels and the table in the page itself.  Under it: a table
of the events shown (sortable by its header buttons, reachable with the
keyboard), each linking to its articles where their http(s) address is
known.  Clicking a mark brings its row into view.

Every text from the articles is data: it is HTML-escaped here, carried to
the script as JSON in a data element (``<`` written as ``\\u003c``) and
written by the script with ``textContent`` only.  The div id is fixed and
nothing depends on the clock, so the same input gives the same bytes.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from importlib import resources

import plotly.graph_objects as go
import plotly.io as pio

from .figure import DIV_ID, PLOTLY_CONFIG, event_records


def _resource(name: str) -> str:
    return resources.files("timeline.resources").joinpath("page", name).read_text("utf-8")


def _esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _json(data) -> str:
    """JSON safe inside a <script> element: <, > and & written as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _options(counts: Counter, label: str) -> str:
    items = [f'<option value="">{_esc(label)}</option>']
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        items.append(f'<option value="{_esc(name)}">{_esc(name)} ({n})</option>')
    return "".join(items)


def _links(record: dict) -> str:
    parts = []
    for doc in record["docs"]:
        name = doc["source"] or doc["doc_id"]
        if doc["url"]:
            title = f' title="{_esc(doc["title"])}"' if doc["title"] else ""
            parts.append(f'<a href="{_esc(doc["url"])}" rel="noopener noreferrer" '
                         f'target="_blank"{title}>{_esc(name)}</a>')
        else:
            parts.append(f"<span>{_esc(name)}</span>")
    return ", ".join(parts)


def table_html(records: list[dict], caption: str = "") -> str:
    """The table of the events (escaped HTML), one row per event, in date order."""
    with_sources = any(r["date_source"] for r in records)
    heads = [("start", "Date"), ("summary", "Event"), ("lane", "Lane"),
             ("n_sources", "Outlets"), ("n_docs", "Articles")]
    if with_sources:
        heads.append(("date_source", "Dated by"))
    heads.append(("confidence", "Confidence"))
    sorted_by = ' aria-sort="ascending"'
    head = "".join(
        f'<th scope="col"{sorted_by if key == "start" else ""}>'
        f'<button type="button" data-key="{key}">{label}</button></th>' for key, label in heads)
    rows = []
    for r in sorted(records, key=lambda r: (r["start"], r["end"], r["id"])):
        cells = [f"<td>{_esc(r['date'])}</td>", f"<td>{_esc(r['summary'])}</td>",
                 f"<td>{_esc('; '.join(r['lanes']))}</td>", f"<td>{r['n_sources']}</td>",
                 f"<td>{r['n_docs']}: {_links(r)}</td>"]
        if with_sources:
            cells.append(f"<td>{_esc(r['date_source'])}</td>")
        cells.append(f"<td>{r['confidence']:.2f}</td>")
        rows.append(
            f'<tr data-id="{_esc(r["id"])}" data-start="{_esc(r["start"] + r["end"])}" '
            f'data-summary="{_esc(r["summary"].lower())}" data-lane="{_esc(r["lanes"][0].lower())}" '
            f'data-n_sources="{r["n_sources"]}" data-n_docs="{r["n_docs"]}" '
            f'data-date_source="{_esc(r["date_source"])}" data-confidence="{r["confidence"]:.3f}" '
            f'tabindex="-1">{"".join(cells)}</tr>')
    return (f'<div class="tl-table-wrap" tabindex="0" role="region" aria-label="Events shown">'
            f'<table id="tl-table"><caption>{_esc(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def controls_html(records: list[dict]) -> str:
    """The search box and the selectors above the figure (escaped HTML)."""
    actors = Counter(name for r in records for name in r["actors"])
    outlets = Counter(name for r in records for name in r["outlets"])
    sources = Counter(r["date_source"] for r in records if r["date_source"])
    parts = ['<label>Search <input type="search" id="tl-search" '
             'placeholder="words of the summary, sentence, names" autocomplete="off"></label>',
             f'<label>Actor <select id="tl-actor">{_options(actors, "all actors")}</select></label>',
             f'<label>Outlet <select id="tl-outlet">{_options(outlets, "all outlets")}</select></label>']
    if sources:
        parts.append(f'<label>Dated by <select id="tl-date-source">'
                     f'{_options(sources, "all dates")}</select></label>')
    parts.append('<button type="button" id="tl-reset">Show all</button>')
    parts.append(f'<span id="tl-count" aria-live="polite">{len(records)} events</span>')
    return f'<form class="tl-controls" role="search" onsubmit="return false">{"".join(parts)}</form>'


def page_html(fig: go.Figure, title: str = "") -> str:
    """The whole page for ``fig`` (a figure of :func:`timeline.figure.timeline_figure`)."""
    meta = fig.layout.meta or {}
    records = event_records(fig)
    caption = meta.get("caption", "") if isinstance(meta, dict) else ""
    heading = title or (fig.layout.title.text if fig.layout.title and fig.layout.title.text
                        else "Timeline")
    plot = pio.to_html(fig, include_plotlyjs=True, full_html=False, config=PLOTLY_CONFIG,
                       default_width="100%", default_height=f"{int(fig.layout.height or 500)}px",
                       div_id=DIV_ID, validate=True)
    return "".join([
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        # the title is escaped already when it comes from the figure (Plotly text)
        f"<title>{_esc(html.unescape(heading))}</title>\n",
        f"<style>\n{_resource('timeline.css')}</style>\n</head>\n<body>\n",
        controls_html(records), "\n<main>\n", plot, "\n<section class=\"tl-events\">",
        "<h2>Events shown</h2>", table_html(records, caption), "</section>\n</main>\n",
        '<script type="application/json" id="tl-events">', _json(records), "</script>\n",
        f"<script>\n{_resource('timeline.js')}</script>\n</body>\n</html>\n",
    ])
