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

import pandas as pd

#: columns holding dates or TIMEX3 values: never broken over two lines
NOWRAP_COLUMNS = ("date_start", "date_end", "published", "value", "date", "granularity",
                  "doc_id", "event_id", "mention_id")
#: rows shown per page, and the page sizes offered
PAGE_LENGTH = 10
LENGTH_MENU = [10, 25, 100, -1]
#: largest table (in bytes of data) embedded whole; larger ones are downsampled by itables
MAX_BYTES = 2 ** 21


def init_offline() -> None:
    """Load DataTables into the notebook, embedded (no network needed later).

    Only the tables given to :func:`show` become interactive; other
    DataFrames keep pandas' own display.
    """
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)


def table_options(df: pd.DataFrame) -> dict:
    """The itables options :func:`show` uses for ``df``."""
    nowrap = [i for i, column in enumerate(df.columns) if str(column) in NOWRAP_COLUMNS]
    options = {"classes": "display compact", "showIndex": False, "pageLength": PAGE_LENGTH,
               "lengthMenu": LENGTH_MENU, "maxBytes": MAX_BYTES,
               "style": "table-layout:auto;width:100%;margin:0"}
    if nowrap:
        options["columnDefs"] = [{"targets": nowrap, "className": "dt-nowrap"}]
    return options


def show(df: pd.DataFrame, caption: str = "") -> None:
    """Display ``df`` as an interactive table: sort by a header click,
    search box, pages of :data:`PAGE_LENGTH` rows."""
    import itables

    itables.show(df.reset_index(drop=True), caption=caption or None, **table_options(df))
