"""One article as HTML, its temporal expressions and their predicates highlighted.

::

    from IPython.display import HTML
    HTML(highlight(documents.text[0], mentions[mentions.doc_id == documents.doc_id[0]]))

Each temporal expression (``start..end`` in mentions.csv) is marked in
yellow with its number, type and resolved value; the predicate it dates
(``trigger_start..trigger_end``) is marked in blue with the same number.
Hovering a mark shows the details.  Every piece of the article, and of the
mentions table, is HTML-escaped: the article is data, never markup.
"""

from __future__ import annotations

import html
import math
from typing import Optional

import pandas as pd

TIMEX_STYLE = ("background:#ffe9a8;border-radius:0.3em;padding:0.05em 0.25em;"
               "box-shadow:inset 0 -2px 0 #e0b000")
TRIGGER_STYLE = ("background:#d6e9ff;border-radius:0.3em;padding:0.05em 0.25em;"
                 "box-shadow:inset 0 -2px 0 #4a90d9")
LABEL_STYLE = ("font-size:0.68em;font-weight:600;margin-left:0.35em;color:#444;"
               "font-family:ui-monospace,monospace;white-space:nowrap")
ARTICLE_STYLE = ("white-space:pre-wrap;line-height:1.9;max-width:62em;"
                 "font-family:Georgia,serif;font-size:15px;color:#222")


def _int(value) -> Optional[int]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or number != int(number):
        return None
    return int(number)


def _str(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def spans(text: str, mentions: pd.DataFrame) -> tuple[list[dict], int]:
    """The marks to draw, sorted and not overlapping, and how many mentions
    were skipped because their offsets do not fit ``text``.

    Each mark is a dict: start, end, kind ("timex" or "trigger"), number
    (the mention's position, shared by an expression and its predicate),
    label and tooltip.  Expressions win over predicates where they overlap.
    """
    timexes, triggers, skipped = [], [], 0
    for number, row in enumerate(mentions.to_dict("records"), start=1):
        start, end = _int(row.get("start")), _int(row.get("end"))
        if start is None or end is None or not 0 <= start < end <= len(text):
            skipped += 1
            continue
        value = _str(row.get("value"))
        first, last = _str(row.get("date_start")), _str(row.get("date_end"))
        resolved = first if not last or last == first else f"{first} – {last}"
        tooltip = f"“{text[start:end]}” {_str(row.get('type'))} {value}".strip()
        if resolved:
            tooltip += f" = {resolved}"
        if _str(row.get("granularity")):
            tooltip += f" ({_str(row.get('granularity'))})"
        if _str(row.get("anchor")):
            tooltip += f"; anchor: {_str(row.get('anchor'))}"
        label = f"{number} {_str(row.get('type'))} {value or '?'}".strip()
        timexes.append({"start": start, "end": end, "kind": "timex", "number": number,
                        "label": label, "tooltip": tooltip})
        t_start, t_end = _int(row.get("trigger_start")), _int(row.get("trigger_end"))
        if t_start is not None and t_end is not None and 0 <= t_start < t_end <= len(text):
            summary = _str(row.get("summary"))
            tip = f"predicate dated by “{text[start:end]}”"
            if summary:
                tip += f": {summary}"
            triggers.append({"start": t_start, "end": t_end, "kind": "trigger",
                             "number": number, "label": f"{number} event", "tooltip": tip})
    kept: list[dict] = []
    for mark in sorted(timexes, key=lambda m: (m["start"], -m["end"])) + \
            sorted(triggers, key=lambda m: (m["start"], -m["end"])):
        if all(mark["end"] <= k["start"] or mark["start"] >= k["end"] for k in kept):
            kept.append(mark)
    return sorted(kept, key=lambda m: m["start"]), skipped


def highlight(text: str, mentions: pd.DataFrame, doc_id: Optional[str] = None,
              title: str = "") -> str:
    """HTML of one article with its temporal expressions and predicates marked.

    text: the article text (documents.csv ``text``; offsets point into it).
    mentions: rows of mentions.csv for this article (or for several, with
        ``doc_id`` naming the one to keep).
    title: optional heading shown above the article.
    Mentions whose offsets do not fit the text are skipped and counted in a
    note under the legend.
    """
    text = _str(text)
    if doc_id is not None and "doc_id" in mentions.columns:
        mentions = mentions[mentions["doc_id"].astype(str) == str(doc_id)]
    marks, skipped = spans(text, mentions)
    pieces, cursor = [], 0
    for mark in marks:
        pieces.append(html.escape(text[cursor:mark["start"]]))
        style = TIMEX_STYLE if mark["kind"] == "timex" else TRIGGER_STYLE
        pieces.append(
            f'<mark class="tl-{mark["kind"]}" style="{style}" title="{html.escape(mark["tooltip"])}">'
            f'{html.escape(text[mark["start"]:mark["end"]])}'
            f'<span style="{LABEL_STYLE}">{html.escape(mark["label"])}</span></mark>')
        cursor = mark["end"]
    pieces.append(html.escape(text[cursor:]))
    n_timex = sum(m["kind"] == "timex" for m in marks)
    n_trigger = len(marks) - n_timex
    legend = (f'<div style="font-family:sans-serif;font-size:13px;margin:0.4em 0 0.8em">'
              f'<mark style="{TIMEX_STYLE}">temporal expression</mark> {n_timex} &nbsp; '
              f'<mark style="{TRIGGER_STYLE}">the predicate it dates</mark> {n_trigger}'
              f' &nbsp; (same number = same mention; hover a mark for details)')
    if skipped:
        legend += f"<br>{skipped} mention(s) skipped: their offsets do not fit this text"
    legend += "</div>"
    heading = (f'<h3 style="font-family:sans-serif;margin-bottom:0.2em">{html.escape(title)}</h3>'
               if title else "")
    body = "".join(pieces)
    return f'<div class="tl-highlight">{heading}{legend}<div style="{ARTICLE_STYLE}">{body}</div></div>'
