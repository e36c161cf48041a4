"""The lanes of the timeline: one per main entity, the rest in "other".

The actors of events.csv are names as the text gave them.  Where the events
stage already writes canonical entity names, they are used as they are;
until then (and for any table) spellings of one name are merged here:

* case and a leading "the" do not matter ("the US", "US");
* a possessive ends a name ("Kopp's" is Kopp) and a possessive followed by
  more words is a description, not a name ("Kopp's car", "Russia's Donbass");
* a description starting in lower case ("politician", "senior negotiators")
  is no name;
* a single word that is the last word of exactly one longer name in the
  table is that name ("Peskov" -> "Dmitry Peskov").

:func:`lanes` gives each event its lane: at most ``max_lanes`` names, the
most frequent among the events that count (those in view), and "other" for
every other event; no lane is empty.  :func:`entity_lanes` gives one lane
per requested entity instead.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Iterable, Optional, Sequence

import pandas as pd

OTHER = "other"
#: lanes shown by name (a parameter of the figure)
MAX_LANES = 8
_POSSESSIVE = re.compile(r"['’]s?\b")
_MAX_WORDS = 7


def split_list(cell) -> list[str]:
    """The items of a list-valued cell (``"a; b"`` -> ``["a", "b"]``).

    Accepts a list already split, and treats None, NaN and "" as empty.
    """
    if cell is None:
        return []
    if isinstance(cell, (list, tuple)):
        return [str(item).strip() for item in cell if str(item).strip()]
    if isinstance(cell, float) and math.isnan(cell):
        return []
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def word_match(names: Iterable[str], items: Iterable[str]) -> bool:
    """True when one of ``names`` occurs as whole words in one of ``items``
    (case-insensitive), so "US" matches "US officials" but not "Russia"."""
    items = list(items)
    for name in names:
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        if any(pattern.search(item) for item in items):
            return True
    return False


def name_of(actor: str) -> Optional[str]:
    """The name an actor string stands for, or None when it is no name.

    >>> name_of("Kopp's"), name_of("Kopp's car"), name_of("politician"), name_of("the US")
    ('Kopp', None, None, 'US')
    """
    text = " ".join(str(actor).split()).strip(" .,;:")
    text = re.sub(r"^(?:the|The)\s+", "", text)
    if not text:
        return None
    possessive = _POSSESSIVE.search(text)
    if possessive:
        if text[possessive.end():].strip():
            return None  # "Kopp's car": a thing of Kopp's, not Kopp
        text = text[:possessive.start()].strip()
    if not text or not (text[0].isupper() or text[0].isdigit()):
        return None
    if len(text.split()) > _MAX_WORDS:
        return None
    return text


def _key(name: str) -> str:
    return name.casefold()


def canonical_names(actor_cells: Iterable) -> dict[str, str]:
    """Raw actor string -> canonical name, for every actor of ``actor_cells``
    (cells of the actors column); actors that are no name are left out."""
    raw_names: dict[str, str] = {}
    spellings: dict[str, Counter] = defaultdict(Counter)
    for cell in actor_cells:
        for actor in split_list(cell):
            name = name_of(actor)
            if name is None:
                continue
            raw_names[actor] = name
            spellings[_key(name)][name] += 1
    # a one-word name that ends exactly one longer name is that name
    by_last: dict[str, set[str]] = defaultdict(set)
    for key in spellings:
        words = key.split()
        if len(words) > 1:
            by_last[words[-1]].add(key)
    merged: dict[str, str] = {}
    for key in spellings:
        fuller = by_last.get(key, set()) if " " not in key else set()
        merged[key] = next(iter(fuller)) if len(fuller) == 1 else key
    totals: dict[str, Counter] = defaultdict(Counter)
    for key, counter in spellings.items():
        totals[merged[key]].update(counter)
    display = {}
    for target, counter in totals.items():
        # the spelling of the fuller name itself, the most frequent first
        own = [(n, c) for n, c in counter.items() if _key(n) == target] or list(counter.items())
        # ties: a mixed-case spelling before an all-capitals one ("Dmitry Peskov", "DMITRY PESKOV")
        display[target] = sorted(own, key=lambda nc: (-nc[1], nc[0].isupper(), nc[0]))[0][0]
    return {actor: display[merged[_key(name)]] for actor, name in raw_names.items()}


def event_names(actor_cells: Sequence) -> list[list[str]]:
    """The canonical names of each event, in the order of its actors, once each."""
    mapping = canonical_names(actor_cells)
    out = []
    for cell in actor_cells:
        names = [mapping[a] for a in split_list(cell) if a in mapping]
        out.append(list(dict.fromkeys(names)))
    return out


def lanes(actor_cells: Sequence, max_lanes: int = MAX_LANES,
          counted: Optional[Sequence[bool]] = None,
          weights: Optional[Sequence[float]] = None) -> tuple[list[str], list[str]]:
    """(lane names top to bottom, the lane of each event).

    actor_cells: the actors column of the events.
    max_lanes: names shown as lanes at most; every other event is in
        :data:`OTHER` (last, and only when it holds an event).
    counted: which events count when ranking names (e.g. those in the first
        view); by default all.  A name counts once per event.
    weights: the importance of each event (e.g. outlets plus confidence):
        names named by as many events are ranked by the sum of their
        events' weights, then alphabetically.
    """
    names = event_names(list(actor_cells))
    counted = [True] * len(names) if counted is None else list(counted)
    weights = [0.0] * len(names) if weights is None else [float(w) for w in weights]
    counts: Counter = Counter()
    weight: Counter = Counter()
    for these, ok, w in zip(names, counted, weights):
        if ok:
            counts.update(these)
            for name in these:
                weight[name] += w
    ranked = sorted(counts, key=lambda n: (-counts[n], -round(weight[n], 6), n))
    ranked = ranked[:max(0, int(max_lanes))]
    rank = {name: i for i, name in enumerate(ranked)}
    lane_of = []
    for these in names:
        shown = [n for n in these if n in rank]
        lane_of.append(shown[0] if shown else OTHER)
    used = set(lane_of)
    order = [n for n in ranked if n in used] + ([OTHER] if OTHER in used else [])
    return order, lane_of


def entity_lanes(events: pd.DataFrame, entities) -> tuple[list[str], list[list[str]]]:
    """(the requested entities that name an event, the lanes of each event).

    entities: names, a list or one string separated by ";".  An event is in
    the lane of every entity named (as whole words, ignoring case) in its
    actors, object or summary; an event naming none has no lane.
    """
    wanted = ([e.strip() for e in entities.split(";")] if isinstance(entities, str)
              else [str(e).strip() for e in entities])
    wanted = list(dict.fromkeys(e for e in wanted if e))
    def column(name):
        return events[name] if name in events.columns else pd.Series([""] * len(events))
    out = []
    for actors, obj, summary in zip(column("actors"), column("object"), column("summary")):
        items = split_list(actors) + [str(obj or ""), str(summary or "")]
        out.append([e for e in wanted if word_match([e], items)])
    used = {e for these in out for e in these}
    return [e for e in wanted if e in used], out
