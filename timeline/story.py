"""A story view: the events of one entity, or of one search term, in date order.

::

    from timeline import story, tables
    events = tables.read_csv("outputs/seeds/events.csv")
    mentions = tables.read_csv("outputs/seeds/mentions.csv")
    rows = story.select(events, entity="Zelensky")      # or search="ceasefire"
    html = story.story_html(rows, mentions)              # the sentences, expressions marked
    tables.write_csv(rows, "outputs/seeds/story.csv")

Which events name an entity is decided by :func:`entity_events` alone (and
how one name matches another by :func:`name_matches`), so that the
selection can later be read from a table of entity timelines instead.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Iterable, Optional

import pandas as pd

from .highlight import LABEL_STYLE, TIMEX_STYLE, TRIGGER_STYLE, spans
from .tables import LIST_SEP

#: the columns of a story, in order (those the events table has)
STORY_COLUMNS = ["date_start", "date_end", "granularity", "summary", "actors", "object",
                 "texts", "sentence", "sources", "doc_ids", "n_docs", "confidence",
                 "event_id", "mention_ids"]
#: columns of events.csv an entity is looked for in
ENTITY_COLUMNS = ("actors", "object")
#: columns of events.csv a search term is looked for in
SEARCH_COLUMNS = ("summary", "sentence", "texts", "actors", "object", "trigger")

_WORD = re.compile(r"\w+")


def _words(name: str) -> list[str]:
    return _WORD.findall(str(name).casefold())


def _items(cell) -> list[str]:
    """The names of one list-valued cell ("A; B")."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [part.strip() for part in str(cell).split(LIST_SEP.strip()) if part.strip()]


def name_matches(entity: str, name: str) -> bool:
    """Does ``name`` (an actor, object or entity as extracted) refer to ``entity``
    (as a user types it)?

    Case and punctuation are ignored.  It matches when the entity's words
    occur together in the name ("Zelensky" in "Vladimir Zelensky", "Marco
    Rubio" in "US Secretary of State Marco Rubio"), or when the name is
    the entity's last word, its surname ("Zelensky" for "Vladimir
    Zelensky").
    """
    wanted, words = _words(entity), _words(name)
    if not wanted or not words:
        return False
    n = len(wanted)
    if any(words[i:i + n] == wanted for i in range(len(words) - n + 1)):
        return True
    return words == wanted[-1:]


def entity_events(events: pd.DataFrame, entity: str) -> pd.Series:
    """A boolean mask over ``events``: the events whose actors or object name
    ``entity`` (see :func:`name_matches`)."""
    columns = [c for c in ENTITY_COLUMNS if c in events.columns]

    def names(row) -> Iterable[str]:
        for column in columns:
            yield from _items(row[column])

    return pd.Series([any(name_matches(entity, n) for n in names(row))
                      for _, row in events[columns].iterrows()], index=events.index, dtype=bool)


def search_events(events: pd.DataFrame, term: str) -> pd.Series:
    """A boolean mask over ``events``: those whose summary, sentence,
    expressions, actors, object or trigger contain ``term`` (any case, as text)."""
    wanted = term.casefold().strip()
    mask = pd.Series(False, index=events.index)
    for column in SEARCH_COLUMNS:
        if column in events.columns:
            mask |= events[column].fillna("").astype(str).str.casefold().str.contains(
                wanted, regex=False)
    return mask


def top_entity(events: pd.DataFrame) -> str:
    """The actor named by the most events ("" when none has one); ties go to
    the name seen first."""
    counts = Counter(name for cell in events.get("actors", pd.Series(dtype=str))
                     for name in dict.fromkeys(_items(cell)))
    return counts.most_common(1)[0][0] if counts else ""


def select(events: pd.DataFrame, entity: str = "", search: str = "") -> pd.DataFrame:
    """The events of ``entity`` and/or containing ``search``, in date order
    (undated events last), with :data:`STORY_COLUMNS` first.

    With both empty, every event is kept.
    """
    mask = pd.Series(True, index=events.index)
    if entity.strip():
        mask &= entity_events(events, entity)
    if search.strip():
        mask &= search_events(events, search)
    chosen = events[mask].copy()
    undated = chosen["date_start"].fillna("").astype(str).eq("") if "date_start" in chosen \
        else pd.Series(False, index=chosen.index)
    chosen["_undated"] = undated
    keys = ["_undated"] + [c for c in ("date_start", "date_end") if c in chosen]
    chosen = chosen.sort_values(keys, kind="stable").drop(columns="_undated")
    first = [c for c in STORY_COLUMNS if c in chosen.columns]
    return chosen[first + [c for c in chosen.columns if c not in first]].reset_index(drop=True)


def sentence_mentions(event: dict, mentions: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The sentence an event is told by, and the mentions inside it with
    offsets relative to that sentence (ready for :func:`highlight.spans`).

    The sentence is that of the event's first mention whose sentence is the
    event's ``sentence``; every mention of the same article and sentence is
    returned, so that all its expressions can be marked.  Without a usable
    mention, the event's ``sentence`` and no mentions.
    """
    text = str(event.get("sentence") or "")
    ids = _items(event.get("mention_ids"))
    needed = {"mention_id", "doc_id", "sentence_index", "sentence_start", "start", "end"}
    if not ids or mentions is None or not needed <= set(mentions.columns):
        return text, mentions.iloc[0:0] if mentions is not None else pd.DataFrame()
    own = mentions[mentions["mention_id"].astype(str).isin(ids)]
    if "sentence" in own.columns and text:
        same = own[own["sentence"].astype(str) == text]
        own = same if len(same) else own
    if not len(own):
        return text, mentions.iloc[0:0]
    first = own.iloc[0]
    text = str(first.get("sentence") or text)
    inside = mentions[(mentions["doc_id"].astype(str) == str(first["doc_id"]))
                      & (mentions["sentence_index"].astype(str) == str(first["sentence_index"]))]
    shifted = inside.copy()
    offset = int(first["sentence_start"])
    for column in ("start", "end", "trigger_start", "trigger_end"):
        if column in shifted.columns:
            shifted[column] = pd.to_numeric(shifted[column], errors="coerce") - offset
    return text, shifted


def marked_sentence(text: str, mentions: pd.DataFrame) -> str:
    """HTML of ``text`` with the temporal expressions of ``mentions`` (offsets
    into ``text``) and the predicates they date marked as
    :func:`timeline.highlight.highlight` marks them; everything escaped."""
    marks, _ = spans(text, mentions)
    pieces, cursor = [], 0
    for mark in marks:
        style = TIMEX_STYLE if mark["kind"] == "timex" else TRIGGER_STYLE
        label = (f'<span style="{LABEL_STYLE}">{html.escape(mark["label"])}</span>'
                 if mark["kind"] == "timex" else "")
        pieces.append(html.escape(text[cursor:mark["start"]]))
        pieces.append(f'<mark class="tl-{mark["kind"]}" style="{style}" '
                      f'title="{html.escape(mark["tooltip"])}">'
                      f'{html.escape(text[mark["start"]:mark["end"]])}{label}</mark>')
        cursor = mark["end"]
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def _period(event: dict) -> str:
    start, end = str(event.get("date_start") or ""), str(event.get("date_end") or "")
    if not start:
        return "undated"
    return start if not end or end == start else f"{start} – {end}"


def story_html(rows: pd.DataFrame, mentions: Optional[pd.DataFrame], title: str = "") -> str:
    """The story as HTML: one entry per event in the order of ``rows`` (from
    :func:`select`): its date, summary, sources and its sentence with the
    temporal expressions marked.  Every piece of text is escaped."""
    entries = []
    for event in rows.to_dict("records"):
        text, inside = sentence_mentions(event, mentions)
        sources = ", ".join(_items(event.get("sources"))) or ", ".join(_items(event.get("doc_ids")))
        entries.append(
            '<li class="tl-story-event" style="margin:0 0 0.9em">'
            f'<div style="font-family:ui-monospace,monospace;white-space:nowrap;color:#555">'
            f'{html.escape(_period(event))}</div>'
            f'<div style="font-weight:600">{html.escape(str(event.get("summary") or ""))}</div>'
            f'<div style="font-family:Georgia,serif;line-height:1.8">'
            f'{marked_sentence(text, inside)}</div>'
            f'<div style="font-size:0.85em;color:#555">source: {html.escape(sources or "unknown")}'
            f'</div></li>')
    heading = (f'<h3 style="font-family:sans-serif;margin:0.2em 0">{html.escape(title)}</h3>'
               if title else "")
    if not entries:
        return f'<div class="tl-story">{heading}<p>No event matches.</p></div>'
    return (f'<div class="tl-story">{heading}<ol style="list-style:none;padding-left:0;'
            f'max-width:62em">{"".join(entries)}</ol></div>')
