"""Small hand-made tables for the figure, export and browser tests.

Cells are strings, as :func:`timeline.tables.read_csv` gives them; list
cells are joined by "; " (tables.LIST_SEP).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from timeline.tables import EVENT_COLUMNS

SCRIPT = "<script>alert(1)</script>"
LINK = '<a href="javascript:alert(2)">click</a>'


def event(event_id: str, start: str, end: str, granularity: str, **cells) -> dict:
    row = {"event_id": event_id, "date_start": start, "date_end": end,
           "granularity": granularity, "summary": f"summary of {event_id}", "trigger": "meet",
           "actors": "Zelensky", "object": "the plan", "doc_ids": "rt-1", "sources": "RT",
           "n_docs": "1", "mention_ids": f"rt-1:m{event_id}", "texts": "on Thursday",
           "sentence": f"The sentence of {event_id}.", "confidence": "0.8"}
    row.update(cells)
    return row


def events() -> pd.DataFrame:
    """Eight events: days, a week, part of a month, a year, a decade and one undated."""
    rows = [
        event("e1", "2025-11-20", "2025-11-20", "day", actors="Zelensky; Rubio",
              texts="on Thursday; Thursday", doc_ids="rt-1; mwn-2", sources="RT; MWN",
              n_docs="2", summary="Zelensky meets Rubio in Geneva"),
        event("e2", "2025-11-27", "2025-11-27", "day", actors="Vladimir Putin",
              texts="next Thursday", summary="deadline for Kiev to accept the plan",
              confidence="0.95", doc_ids="rt-1; rt-3; ahram-4", sources="RT; RT; Ahram",
              n_docs="3"),
        event("e3", "2025-11-17", "2025-11-23", "week", actors="US officials",
              texts="last week", confidence="0.6"),
        event("e4", "2025-10-21", "2025-10-31", "month", actors="Rubio",
              texts="in late October", doc_ids="mwn-2", sources="MWN"),
        event("e5", "2025-01-01", "2025-12-31", "year", actors="", texts="this year",
              confidence="0.5"),
        event("e6", "1990-01-01", "1999-12-31", "decade", actors="Russia",
              texts="the 1990s", confidence="0.7"),
        event("e7", "2025-11-21", "2025-11-21", "day", actors="Lavrov", texts="on Friday",
              doc_ids="cairo-5", sources="Ahram", confidence="0.4"),
        event("e8", "", "", "", actors="Lavrov", texts="soon", confidence="0.3"),
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def documents() -> pd.DataFrame:
    return pd.DataFrame([
        {"doc_id": "rt-1", "source": "RT", "title": "Rubio hails progress at Geneva talks"},
        {"doc_id": "mwn-2", "source": "MWN", "title": "Talks in Riyadh"},
        {"doc_id": "rt-3", "source": "RT", "title": "US pressing Kiev by next Thursday"},
        {"doc_id": "ahram-4", "source": "Ahram", "title": "Cairo consultations"},
        {"doc_id": "cairo-5", "source": "Ahram", "title": "Lavrov in Cairo",
         "url": "javascript:alert(4)"},
    ]).assign(url=lambda df: df["url"].fillna("").where(df["doc_id"] != "rt-1",
                                                         "https://www.rt.com/news/geneva/"))


def hostile_events() -> pd.DataFrame:
    """Events whose text cells hold markup and spreadsheet formulas."""
    rows = [
        event("h1", "2025-11-20", "2025-11-20", "day", summary=f"{SCRIPT} =HYPERLINK(1)",
              sentence=f"Officials said {LINK} on Thursday.", actors=f"<b>Bold</b>; {SCRIPT}",
              texts="<i>on Thursday</i>", sources="@evil", doc_ids="evil-1"),
        event("h2", "2025-10-01", "2025-10-31", "month", summary="+cmd|' /C calc'!A0",
              sentence=f"-2+3 {SCRIPT}", actors="=1+1", texts="in October"),
        event("h3", "2025-11-21", "2025-11-21", "day", summary="plain", actors="Rubio"),
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def hostile_documents() -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": "evil-1", "source": "@evil", "title": f"Title {LINK}",
                          "url": "javascript:alert(5)//http://x"}])


def many_events(n: int, start: date = date(2025, 9, 1)) -> pd.DataFrame:
    """``n`` plain synthetic events over about three months, a fifth of them periods."""
    rows = []
    actors = ["Zelensky", "Putin", "Rubio", "Witkoff", "Lavrov", "Trump", "Umerov", "EU",
              "NATO", "Erdogan", "Macron", "Merz", "Starmer", "Shoigu"]
    for i in range(n):
        day = start + timedelta(days=(i * 37) % 90)
        if i % 5 == 0:
            first = day - timedelta(days=day.weekday())
            span = (first.isoformat(), (first + timedelta(days=6)).isoformat(), "week")
        elif i % 17 == 0:
            span = (day.replace(day=1).isoformat(),
                    (day.replace(day=1) + timedelta(days=27)).isoformat(), "month")
        else:
            span = (day.isoformat(), day.isoformat(), "day")
        rows.append(event(f"s{i}", *span, actors=actors[(i * 5) % len(actors)],
                          n_docs=str(1 + i % 4), confidence=f"{0.3 + (i % 7) / 10:.1f}",
                          doc_ids="; ".join(f"d{(i + k) % 300}" for k in range(1 + i % 4))))
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)
