"""Merging of a store run that added a few articles: only what they touch.

A run with ``--store`` on a store that already holds a merge (by the same
code) merges only a *closed part* of the store: the rows of the new or
changed articles, and every stored row that the merge could compare with
them or with a row compared with them, and so on.  Merging compares two
mentions only when their date intervals meet (:func:`~timeline.events.merge.
candidate_pairs` and ``_event_mention_pairs``: the partner starts inside
the interval), when they are one predicate of one article dated twice, or
when an event mention is dated by a temporal expression; undated event
mentions meet only the undated ones of their block (same predicate synonym
set).  So the part is grown from the date intervals of the new rows (and of
the rows the changed articles had) until no stored row outside it meets it
(:func:`closed_part`); every event of the last merge is then either wholly
inside it (made again) or wholly outside (kept as stored).  The word
weights of the similarity scores are those of the whole store
(:func:`timeline.events.merge.merge_word_counts`), so the merged part gets
the event ids, rows and order a merge of the whole store gives.  (The
events outside it keep the decisions made with the weights of their own
run: a pair whose similarity sat exactly at a threshold could be decided
the other way by a merge of the whole final store.)  A part of more than
:data:`WHOLE_SHARE` of the store is not worth it: the whole store is
merged instead.  Dates chain the part: a year ("in 2004"), or many
articles naming the same days, brings in every row of its period.

What stays proportional to the store: reading the corpus (each article's
content hash says whether it is stored), the duplicate index, and the
output tables (read from the store and written whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pandas as pd

from . import tables
from .events.merge import (event_block, merge, merge_event_mentions, merge_word_counts,
                           merge_words)

__all__ = ["Part", "closed_part", "merge_part", "merge_words", "event_id_rows",
           "with_event_ids", "sorted_events", "WHOLE_SHARE"]

#: share of the stored rows above which the closed part is merged as a whole
#: store instead (the two give the same tables; the whole is then cheaper)
WHOLE_SHARE = 0.5


@dataclass
class Part:
    """A closed part of the store: the rows to merge again."""

    mention_ids: set = field(default_factory=set)
    #: the dated event mentions
    event_mention_ids: set = field(default_factory=set)
    #: the undated event mentions (whole blocks: they meet no dated row)
    undated_ids: set = field(default_factory=set)
    doc_ids: set = field(default_factory=set)
    #: how many closure rounds grew it
    rounds: int = 0
    #: the growth stopped at the limit: the whole store is to be merged
    whole: bool = False

    def dated_size(self) -> int:
        """Rows of the dated part (the undated blocks aside)."""
        return len(self.mention_ids) + len(self.event_mention_ids)


def _merge_ranges(ranges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Overlapping or touching ISO date ranges joined into disjoint ones."""
    out: list[list[str]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def closed_part(db, doc_ids: set, old_ranges: list[tuple[str, str]],
                old_keys: set, limit: Optional[int] = None) -> Part:
    """The closed part of the store (see the module's docstring) grown from
    the stored rows of ``doc_ids`` (the articles this run stored), the date
    ranges ``old_ranges`` of the rows the changed ones had before, and the
    undated blocks ``old_keys`` they had.  With ``limit``, the growth stops
    once the dated part holds more rows than that (``Part.whole`` is then
    true: merge the whole store instead)."""
    part = Part()
    ranges = list(old_ranges)
    keys = set(old_keys)
    mention_ids, em_ids = set(), set()
    links: set = set()      # (doc_id, trigger_start) of mentions: one predicate dated twice
    pending = db.interval_rows(doc_ids=doc_ids, ranges=_merge_ranges(ranges) or None)
    while pending:
        part.rounds += 1
        for kind, row_id, doc_id, start, end, trigger, obj, trigger_start, mention_id in pending:
            if kind == "event_mention" and not start:
                # undated: meets only the undated rows of its block, taken whole below
                keys.add(event_block("", "", trigger or "", obj or "")[0])
                continue
            target = mention_ids if kind == "mention" else em_ids
            if row_id in target:
                continue
            target.add(row_id)
            part.doc_ids.add(doc_id)
            if start:
                ranges.append((start, end or start))
            if kind == "mention":
                links.add(("=", row_id))
                if trigger_start is not None:
                    links.add((doc_id, trigger_start))
            if mention_id:
                links.add(("=", mention_id))
        if limit is not None and len(mention_ids) + len(em_ids) > limit:
            part.whole = True
            break
        ranges = _merge_ranges(ranges)
        pending = [r for r in db.interval_rows(ranges=ranges, links=links,
                                               known=(mention_ids, em_ids))
                   if r[3] or r[0] == "mention"]
    for row in db.interval_rows(undated_keys=keys) if keys else ():
        part.undated_ids.add(row[1])
        part.doc_ids.add(row[2])
    part.mention_ids, part.event_mention_ids = mention_ids, em_ids
    return part


def merge_part(db, part: Part, dropped_mentions: set) -> tuple:
    """Merge the rows of ``part`` as :func:`timeline.pipeline.extract` merges
    a whole corpus, with the word weights of the whole store (the stored
    words of the mentions outside the part and ``dropped_mentions``, and
    those of the part's mentions, made again).  Returns (mentions,
    event_mentions, events, words) of the part: event ids filled, and the
    words of its mentions (:func:`timeline.events.merge.merge_words`)."""
    documents = db.documents_of(part.doc_ids)
    mentions = db.rows_of("mentions", "mention_id", part.mention_ids)
    event_mentions = db.rows_of("event_mentions", "event_mention_id", part.event_mention_ids)
    undated = db.rows_of("event_mentions", "event_mention_id", part.undated_ids)
    words = merge_words(mentions, documents)
    left_out = set(part.mention_ids) | set(dropped_mentions)
    counts = merge_word_counts(
        [(u, w) for m, u, w in db.merge_word_rows() if m not in left_out]
        + [(u, w) for u, w in zip(words["undated"], words["words"])])
    mentions, event_table = merge(mentions, documents, word_counts=counts)
    event_mentions, event_table, mentions = merge_event_mentions(
        event_mentions, mentions, event_table, documents)
    if len(undated):
        # the undated blocks: merged among themselves, as in a whole merge
        undated, undated_events, _ = merge_event_mentions(
            undated, None, None, documents)
        event_mentions = pd.concat([event_mentions, undated], ignore_index=True)
        event_table = pd.concat([event_table, undated_events], ignore_index=True)
    return mentions, event_mentions, event_table, words


def event_id_rows(mentions: pd.DataFrame, event_mentions: pd.DataFrame) -> list[list[str]]:
    """(kind, row id, event_id) of every merged row, as the store keeps them."""
    rows = []
    for kind, frame, key in (("mention", mentions, "mention_id"),
                             ("event_mention", event_mentions, "event_mention_id")):
        if frame is None or frame.empty or "event_id" not in frame.columns:
            continue
        for row_id, event_id in zip(frame[key].astype(str), frame["event_id"]):
            if isinstance(event_id, str) and event_id:
                rows.append([kind, row_id, event_id])
    return rows


def with_event_ids(frame: pd.DataFrame, ids: dict, key: str) -> pd.DataFrame:
    """``frame`` (a stored table, fresh from the store: changed in place, not
    copied, to keep one copy of a table of the whole store in memory) with
    its ``event_id`` column from ``ids`` (row id -> event id; "" for rows no
    event holds)."""
    frame["event_id"] = [ids.get(str(k), "") for k in frame[key]] if len(frame) else []
    return frame


def sorted_events(frame: pd.DataFrame) -> pd.DataFrame:
    """events.csv's order (as :func:`timeline.events.merge_event_mentions`)."""
    columns = tables.EVENT_COLUMNS + tables.EVENT_SOURCE_COLUMNS
    frame = tables.with_columns(frame.copy(), columns) if len(frame) else \
        tables.frame([], columns)
    frame = frame.sort_values(["date_start", "date_end", "event_id"], kind="stable",
                              na_position="last")
    return frame.reset_index(drop=True)
