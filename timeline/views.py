"""Interactive tables for the notebooks: itables (DataTables) in offline mode.

::

    from timeline import views
    views.init_offline()          # once, near the top of a notebook
    views.show(events, caption="events")

:func:`init_offline` embeds the DataTables JavaScript and CSS in the
notebook's output, so the executed notebook and its HTML export sort, search
and page their tables without a network.  Cell values are HTML-escaped by
itables: article text stays text.  Dates stay on one line.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd

#: columns holding dates or TIMEX3 values: never broken over two lines
NOWRAP_COLUMNS = ("date_start", "date_end", "published", "value", "date", "granularity",
                  "doc_id", "event_id", "mention_id")
#: rows shown per page, and the page sizes offered
PAGE_LENGTH = 10
LENGTH_MENU = [10, 25, 100, -1]
#: largest table (in bytes of data) embedded whole; larger ones are downsampled by itables
MAX_BYTES = 2 ** 21
#: a longer text cell is shown cut to this many characters, with "…" (the row stays one
#: line high); sorting and searching use the whole text
CLIP = 80

#: DataTables renderer: cut long text for display only.  The cell is already
#: HTML-escaped by itables, so a cut can at worst show part of an entity as text.
_CLIP_JS = ("function (data, type) { if (type !== 'display' || typeof data !== 'string' || "
            "data.length <= %d) { return data; } return data.slice(0, %d) + '\u2026'; }")


def init_offline() -> None:
    """Load DataTables into the notebook, embedded (no network needed later).

    Only the tables given to :func:`show` become interactive; other
    DataFrames keep pandas' own display.
    """
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)


def table_options(df: pd.DataFrame) -> dict:
    """The itables options :func:`show` uses for ``df``: rows one line high
    (dates whole, long text cut to :data:`CLIP` characters for display),
    text left-aligned, a horizontal scroll bar for wide tables."""
    from itables import JavascriptFunction

    nowrap = [i for i, column in enumerate(df.columns) if str(column) in NOWRAP_COLUMNS]
    text = [i for i, column in enumerate(df.columns)
            if i not in nowrap and not pd.api.types.is_numeric_dtype(df[column])]
    options = {"classes": "display nowrap compact", "showIndex": False,
               "pageLength": PAGE_LENGTH, "lengthMenu": LENGTH_MENU, "maxBytes": MAX_BYTES,
               "scrollX": True, "style": "width:100%;margin:0",
               # a click anywhere on a header sorts (not only on its arrows)
               "text_in_header_can_be_selected": False}
    defs = []
    if nowrap:
        defs.append({"targets": nowrap, "className": "dt-nowrap dt-left"})
    if text:
        defs.append({"targets": text, "className": "dt-left",
                     "render": JavascriptFunction(_CLIP_JS % (CLIP, CLIP))})
    if defs:
        options["columnDefs"] = defs
    return options


def show(df: pd.DataFrame, caption: str = "") -> None:
    """Display ``df`` as an interactive table: sort by a header click,
    search box, pages of :data:`PAGE_LENGTH` rows."""
    import html

    import itables
    from IPython.display import HTML, display

    if caption:  # above the table, where a scrolling table still shows it
        display(HTML(f'<div class="tl-caption" style="font-family:sans-serif;font-weight:600;'
                     f'margin:0.6em 0 0.2em">{html.escape(caption)}</div>'))
    itables.show(df.reset_index(drop=True), **table_options(df))


#: the figure's toolbar settings, as in timeline.html
FIGURE_CONFIG = {"displaylogo": False, "responsive": True,
                 "toImageButtonOptions": {"filename": "timeline"}}


def figure_bundle(fig, config: Optional[dict] = None) -> dict:
    """A Plotly figure as one notebook output: Plotly's own mimetype (drawn
    by JupyterLab) and an HTML copy with plotly.js inline, which nbconvert
    and other viewers show.  Unlike Plotly's "notebook" renderer, the HTML
    loads no MathJax from a CDN, so the export works offline.  ``config`` is
    Plotly's configuration (toolbar, logo ...); default :data:`FIGURE_CONFIG`."""
    import json

    import plotly.io as pio

    config = dict(FIGURE_CONFIG if config is None else config)
    figure = json.loads(pio.to_json(fig, validate=False, remove_uids=False))
    figure["config"] = config
    page = pio.to_html(fig, include_plotlyjs=True, include_mathjax=False, full_html=False,
                       config=config, default_width="100%")
    return {"application/vnd.plotly.v1+json": figure, "text/html": page}


def show_figure(fig, config: Optional[dict] = None) -> None:
    """Display a Plotly figure: interactive in JupyterLab and in the HTML
    export; ``config`` as in :func:`figure_bundle`."""
    from IPython.display import display

    display(figure_bundle(fig, config), raw=True)
