"""Entity timelines: every event an entity takes part in, in date order."""

from __future__ import annotations

import re
from typing import Iterable, Union

import pandas as pd

from .. import tables

#: entity_timelines.csv columns
ENTITY_TIMELINE_COLUMNS = ["entity", "date_start", "date_end", "date_source", "summary",
                           "trigger", "doc_id", "sentence", "event_id"]

LIST_SEP = "; "


def _names(names: Union[str, Iterable[str], None]) -> list[str]:
    if names is None:
        return []
    if isinstance(names, str):
        names = names.split(";")
    return [n.strip() for n in names if n and n.strip()]


def _split(cell) -> list[str]:
    if not isinstance(cell, str) or not cell:
        return []
    return [p.strip() for p in cell.split(";") if p.strip()]


def find_entity(entities: pd.DataFrame, name: str) -> tuple[str, set[str]]:
    """The canonical name and the aliases of the entity a researcher asks
    for by ``name``: its canonical name, one of its aliases, or a person's
    surname (case-insensitive; the entity with the most mentions wins).  An
    entity that entities.csv does not hold is itself, with no other alias."""
    key = name.strip().lower()
    best = None
    if entities is not None and not entities.empty:
        for row in tables.records(entities):
            canonical = str(row.get("name", ""))
            aliases = {a for a in _split(row.get("aliases", ""))} | {canonical}
            lowered = {a.lower() for a in aliases}
            surname = str(row.get("label", "")) == "PERSON" and " " in canonical \
                and canonical.split()[-1].lower() == key
            rank = 3 if canonical.lower() == key else 2 if key in lowered else 1 if surname else 0
            if rank and (best is None or (rank, int(row.get("n_mentions", 0) or 0)) > best[0]):
                best = ((rank, int(row.get("n_mentions", 0) or 0)), canonical, aliases)
    if best is None:
        return name.strip(), {name.strip()}
    return best[1], best[2]


def _matcher(aliases: set[str]) -> re.Pattern:
    alts = sorted((re.escape(a) for a in aliases if a), key=len, reverse=True)
    return re.compile(r"(?<![\w&])(?:" + "|".join(alts) + r")(?![\w&])", re.IGNORECASE)


def entity_timelines(events: pd.DataFrame, event_mentions: pd.DataFrame,
                     entities: pd.DataFrame, names: Union[str, Iterable[str]]
                     ) -> pd.DataFrame:
    """Per requested entity, every event it takes part in, in date order.

    names: "Kiev; Dmitry Peskov" or a list; each is found in ``entities``
    (entities.csv) by canonical name, alias or surname (:func:`find_entity`).
    An event takes part when one of its event mentions (event_mentions.csv,
    with event_id) has the entity among its actors or as its object (the
    names there are canonical: pronouns, descriptions, surnames and
    acronyms were resolved by coreference), or names one of its aliases
    there.  One row per entity and event: ENTITY_TIMELINE_COLUMNS, the date
    and summary from events.csv (undated events last), the document and
    sentence of the first mention that names the entity.
    """
    rows = []
    if event_mentions is None or event_mentions.empty:
        return pd.DataFrame(columns=ENTITY_TIMELINE_COLUMNS)
    ev_table = {} if events is None or events.empty else {
        str(r["event_id"]): r for r in tables.records(events.fillna(""))}
    mentions = event_mentions.fillna("")
    mentions = mentions[mentions["event_id"].astype(str) != ""]
    records = tables.records(mentions)
    for name in _names(names):
        canonical, aliases = find_entity(entities, name)
        pattern = _matcher(aliases)
        seen = set()
        for r in records:
            ev = str(r["event_id"])
            if ev in seen:
                continue
            cells = [*_split(r.get("actors", "")), str(r.get("object", "") or "")]
            if not any(c and pattern.search(c) for c in cells):
                continue
            seen.add(ev)
            event = ev_table.get(ev, {})
            rows.append({
                "entity": canonical,
                "date_start": event.get("date_start", r.get("date_start", "")) or "",
                "date_end": event.get("date_end", r.get("date_end", "")) or "",
                "date_source": event.get("date_source", r.get("date_source", "")) or "",
                "summary": event.get("summary", "") or r.get("summary", ""),
                "trigger": event.get("trigger", "") or r.get("trigger", ""),
                "doc_id": r.get("doc_id", ""), "sentence": r.get("sentence", ""),
                "event_id": ev})
    out = pd.DataFrame(rows, columns=ENTITY_TIMELINE_COLUMNS)
    if out.empty:
        return out
    out["_undated"] = out["date_start"].astype(str).eq("")
    out = out.sort_values(["entity", "_undated", "date_start", "date_end", "event_id"],
                          kind="stable").drop(columns="_undated")
    order = {n: i for i, n in enumerate(dict.fromkeys(out["entity"]))}
    requested = [find_entity(entities, n)[0] for n in _names(names)]
    rank = {n: i for i, n in enumerate(dict.fromkeys(requested))}
    out = out.sort_values("entity", key=lambda s: s.map(lambda n: rank.get(n, order[n])),
                          kind="stable")
    return out.reset_index(drop=True)
