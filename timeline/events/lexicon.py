"""The vocabularies of the events package, read once from
``timeline/resources/events/`` (``lexicon.toml``, ``synonyms.toml``,
``merge.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``resources/events/lexicon.toml`` and ``synonyms.toml``."""

    reporting: frozenset
    light: frozenset
    aspectual: frozenset
    dated_complement: frozenset
    arranging: frozenset
    measured_from: frozenset
    event_nouns: frozenset
    event_suffixes: tuple
    not_events: frozenset
    roles: frozenset
    title_modifiers: frozenset
    person_pronouns: frozenset
    other_pronouns: frozenset
    organisation_words: frozenset
    generic_heads: frozenset
    side_prepositions: frozenset
    negative_subjects: frozenset
    negative_determiners: frozenset
    modals: frozenset
    conditions: frozenset
    generic_expressions: frozenset
    stative: frozenset
    #: lemma -> name of its synonym set
    synonyms: dict


def _toml(name: str) -> dict:
    path = resources.files("timeline.resources").joinpath("events", name)
    return tomllib.loads(path.read_text("utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load (once) the events lexicon."""
    lex = _toml("lexicon.toml")
    syn = _toml("synonyms.toml")
    synonyms = {}
    for key, words in syn.items():
        for word in words:
            synonyms.setdefault(word.replace("_", " "), key)
    nouns = lex["event_nouns"]
    return Lexicon(
        reporting=frozenset(lex["reporting"]["verbs"]),
        light=frozenset(lex["light"]["verbs"]),
        aspectual=frozenset(lex["aspectual"]["verbs"]),
        dated_complement=frozenset(lex["complement"]["dated_complement"]),
        arranging=frozenset(lex["light"]["arranging"]),
        measured_from=frozenset(lex["measured"]["prepositions"]),
        event_nouns=frozenset(nouns["words"]),
        event_suffixes=tuple(nouns["suffixes"]),
        not_events=frozenset(nouns["not_events"]),
        roles=frozenset(lex["titles"]["roles"]),
        title_modifiers=frozenset(lex["titles"]["modifiers"]),
        person_pronouns=frozenset(lex["pronouns"]["person"]),
        other_pronouns=frozenset(lex["pronouns"]["other"]),
        organisation_words=frozenset(lex["names"]["organisation_words"]),
        generic_heads=frozenset(lex["names"]["generic_heads"]),
        side_prepositions=frozenset(lex["summary"]["side_prepositions"]),
        negative_subjects=frozenset(lex["assertion"]["negative_subjects"]),
        negative_determiners=frozenset(lex["assertion"]["negative_determiners"]),
        modals=frozenset(lex["assertion"]["modals"]),
        conditions=frozenset(lex["assertion"]["conditions"]),
        generic_expressions=frozenset(lex["generic_present"]["expressions"]),
        stative=frozenset(lex["generic_present"]["stative"]),
        synonyms=synonyms,
    )


@lru_cache(maxsize=1)
def merge_settings() -> dict:
    """The settings of ``resources/events/merge.toml``."""
    return _toml("merge.toml")
