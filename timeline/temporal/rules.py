"""Loading the rules of ``resources/temporal/``: vocabulary, patterns, resolution.

The resources are read and compiled once per process (:func:`rules`).  A
pattern's regex is written for people: a space stands for white space, and
``{NAME}`` inserts a macro or a vocabulary table (see the header of
``patterns.toml``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional

RESOURCES = "timeline.resources.temporal"

#: Vocabulary tables whose words must be capitalised in the text.
CASE_SENSITIVE = {"months", "weekdays", "holidays"}

#: Macros made from vocabulary tables, usable as {NAME} in patterns.
MACRO_TABLES = {
    "MONTH": "months", "WEEKDAY": "weekdays", "SEASON": "seasons", "PART": "parts_of_day",
    "NUMWORD": "numbers", "VAGUE": "vague_numbers", "ORDWORD": "ordinals",
    "DECADEWORD": "decade_words", "UNIT": "units", "HOLIDAY": "holidays",
    "QMOD": "quantity_modifiers", "PMOD": "position_modifiers", "REL": "relative_words",
    "ANAPHOR": "anaphoric_words", "DEICTIC": "deictic_days",
}

_SPACE = r"[^\S\n]+"          # white space, but an expression never spans lines
_OPT_SPACE = r"[^\S\n]*"


@dataclass
class Pattern:
    """One ``[[pattern]]`` of patterns.toml, compiled."""

    name: str
    kind: str
    regex: re.Pattern
    type: str = ""
    value: str = ""
    examples: tuple = ()
    requires: tuple = ()


@dataclass
class Rules:
    """Everything the engine reads from the resources."""

    vocab: dict            # table name -> {normalised word: meaning}
    patterns: list         # Pattern, in priority order
    by_name: dict          # pattern name -> Pattern
    trigger: re.Pattern    # a digit pattern or key word: every expression holds one
    resolution: dict       # resolution.toml, with its regexes compiled


def norm(word: str) -> str:
    """Lookup key of a word: lower case, single spaces, ’ as ', no final dot."""
    return re.sub(r"\s+", " ", word.strip().lower().replace("’", "'")).rstrip(".")


def _word_regex(word: str) -> str:
    body = re.escape(word.rstrip(".")).replace(r"\ ", _SPACE).replace("'", "['’]")
    return body + (r"\.?" if word.endswith(".") else "")


def _table_regex(name: str, table: dict) -> str:
    """An alternation of a table's words, longest first."""
    words = sorted(table, key=len, reverse=True)
    alts = [_word_regex(w) for w in words]
    if name in CASE_SENSITIVE:
        alts += [_word_regex(w.upper()) for w in words if not w.endswith(".")]
        return "(?-i:" + "|".join(alts) + ")"
    return "(?:" + "|".join(alts) + ")"


def spaces(regex: str) -> str:
    """A literal space means white space (not a line break); " ?" optional."""
    return re.sub(r" (\?|\*)?", lambda m: _OPT_SPACE if m.group(1) else _SPACE, regex)


def expand(regex: str, macros: dict) -> str:
    """Insert the {NAME} macros (nested up to a few levels)."""
    for _ in range(6):
        new = re.sub(r"\{([A-Z][A-Z_0-9]*)\}", lambda m: macros[m.group(1)], regex)
        if new == regex:
            break
        regex = new
    return regex


def read_toml(name: str) -> dict:
    """One resource file, parsed."""
    return tomllib.loads(resources.files(RESOURCES).joinpath(name).read_text("utf-8"))


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The vocabulary, the compiled patterns and the resolution tables."""
    raw_vocab = read_toml("vocabulary.toml")
    spec = read_toml("patterns.toml")
    resolution = read_toml("resolution.toml")
    vocab = {name: {norm(k): v for k, v in table.items()} for name, table in raw_vocab.items()}
    macros = {macro: _table_regex(table, raw_vocab[table]) for macro, table in MACRO_TABLES.items()}
    macros.update({k: spaces(v) for k, v in spec.get("macros", {}).items()})

    trig = spec["triggers"]
    words = "|".join(re.escape(w) for w in sorted(trig["words"], key=len, reverse=True))
    alts = [expand(macros["TRIGGER_DIGITS"], macros), r"\b(?:" + words + r")\b"]
    alts += [r"\b" + macros[name] for name in trig["macros"]]
    trigger = re.compile("|".join(alts), re.IGNORECASE)

    patterns = []
    for item in spec["pattern"]:
        body = expand(spaces(item["regex"]), macros)
        regex = re.compile(r"(?<![\w-])(?:" + body + r")(?![\w]|-\w)", re.IGNORECASE)
        patterns.append(Pattern(item["name"], item["kind"], regex, item.get("type", ""),
                                item.get("value", ""), tuple(item.get("examples", ())),
                                tuple(item.get("requires", ()))))

    tense = resolution["tense"]
    for key in ("past_preceding", "future_preceding", "until_preceding", "lexical_future",
                "lexical_past"):
        tense[key] = re.compile(tense[key], re.IGNORECASE)
    filters = resolution["filters"]
    for key in ("modal_after", "march_noun_after", "month_before", "age_after", "fraction_after",
                "generic_day_after", "generic_day_before", "number_pair_after", "number_pair_before",
                "range_before", "score_words", "conversion_before", "season_preposition_before",
                "season_noun_after", "name_after", "name_keep_before"):
        filters[key] = re.compile(filters[key], re.IGNORECASE)
    filters["count_nouns_after"] = re.compile(
        r"\s+(?:" + "|".join(map(re.escape, filters["count_nouns"])) + r")\b", re.IGNORECASE)
    return Rules(vocab, patterns, {p.name: p for p in patterns}, trigger, resolution)


def lookup(table: str, word: Optional[str]):
    """What ``word`` means in a vocabulary table (None if absent)."""
    if word is None:
        return None
    return rules().vocab[table].get(norm(word))
