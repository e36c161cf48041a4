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
from re import _parser as sre
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
    #: Indices into :attr:`Rules.clauses`: a stretch of text can hold a match
    #: only if, for each clause, one of its strings is in the stretch
    #: (:func:`fold` ed).  Derived from the regex, see :func:`needs`.
    needs: frozenset = frozenset()


@dataclass
class Rules:
    """Everything the engine reads from the resources."""

    vocab: dict            # table name -> {normalised word: meaning}
    patterns: list         # Pattern, in priority order
    by_name: dict          # pattern name -> Pattern
    trigger: re.Pattern    # a digit pattern or key word: every expression holds one
    resolution: dict       # resolution.toml, with its regexes compiled
    clauses: tuple = ()    # the prefilter clauses of the patterns (Pattern.needs)
    scan: Optional[re.Pattern] = None   # finds the strings of the clauses (see held)
    satisfies: Optional[dict] = None    # string found by scan -> clauses it satisfies

    def held(self, folded: str) -> set:
        """Indices of the clauses that the :func:`fold` ed text satisfies.

        ``scan`` reports at each position the longest clause string that
        starts there; the shorter ones starting there are its prefixes,
        which ``satisfies`` counts in."""
        out: set = set()
        for found in set(self.scan.findall(folded)):
            out |= self.satisfies[found]
        return out


def norm(word: str) -> str:
    """Lookup key of a word: folded to lower case as the case-insensitive
    patterns match it (so "laſt" finds "last"), single spaces, ’ as ', no
    final dot."""
    return re.sub(r"\s+", " ", fold(word.strip()).replace("’", "'")).rstrip(".")


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
    # digits | \b(?:words)\b | \bMONTH | \bWEEKDAY ...: each part behind a
    # look-ahead for the characters it can start with, which lets most
    # positions fail at once (same matches, in half the time).
    named = [r"(?:" + words + r")\b"] + [macros[name] for name in trig["macros"]]
    trigger = re.compile(_guarded(expand(macros["TRIGGER_DIGITS"], macros)) + r"|\b"
                         + _guarded("|".join(named)), re.IGNORECASE)

    patterns = []
    clauses: dict = {}
    for item in spec["pattern"]:
        body = expand(spaces(item["regex"]), macros)
        regex = re.compile(r"(?<![\w-])(?:" + body + r")(?![\w]|-\w)", re.IGNORECASE)
        ids = frozenset(clauses.setdefault(c, len(clauses)) for c in needs(regex))
        patterns.append(Pattern(item["name"], item["kind"], regex, item.get("type", ""),
                                item.get("value", ""), tuple(item.get("examples", ())),
                                tuple(item.get("requires", ())), ids))

    # every string of [tense] and [filters] is a regular expression (lists
    # are word lists)
    for table in (resolution["tense"], resolution["filters"]):
        for key, value in table.items():
            if isinstance(value, str):
                table[key] = re.compile(value, re.IGNORECASE)
    filters = resolution["filters"]
    filters["count_nouns_after"] = re.compile(
        r"\s+(?:" + "|".join(map(re.escape, filters["count_nouns"])) + r")\b", re.IGNORECASE)
    filters["year_naming_nouns"] = frozenset(filters["year_naming_nouns"])
    # "the July 7 bombings": a date before a noun of an event that is over
    # (at most one word between)
    filters["past_event_after"] = re.compile(
        r"(?:\s+[\w-]+)?\s+(?:" + "|".join(map(re.escape, resolution["tense"]["past_event_nouns"]))
        + r")\b", re.IGNORECASE)
    strings = sorted({s for c in clauses for s in c}, key=lambda s: (-len(s), s))
    scan = re.compile("(?=(" + _trie(strings) + "))")
    satisfies = {s: frozenset(k for k, c in enumerate(clauses) if any(s.startswith(t) for t in c))
                 for s in strings}
    return Rules(vocab, patterns, {p.name: p for p in patterns}, trigger, resolution,
                 tuple(clauses), scan, satisfies)


def lookup(table: str, word: Optional[str]):
    """What ``word`` means in a vocabulary table (None if absent)."""
    if word is None:
        return None
    return rules().vocab[table].get(norm(word))


# --- prefilters derived from the compiled regexes -----------------------------------
#
# A pattern is only worth running over a stretch of text that holds the words
# (or characters) every match of it must contain: "ago" or "from now" or ...
# for offset_ago, a month name for month_day_year.  :func:`needs` reads them
# off the parsed regex (the stdlib's own parser), so they follow the
# resources without a hand-kept list.  All comparisons are on folded text
# (:func:`fold`): lower case, and the few non-ASCII letters that a
# case-insensitive regex takes for an ASCII one (the Kelvin sign for "k") made
# that letter, so a prefilter never rejects text the regex would match.

#: At most this many strings in a set of alternatives followed exactly.
_EXACT_LIMIT = 64

#: Rough chance that a string of this length is in a stretch of news text,
#: for choosing the most selective clauses.
_CHANCE = {0: 1.0, 1: 1.0, 2: 0.25, 3: 0.06}

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))
_EMPTY = frozenset([""])


class _FoldTable(dict):
    """str.translate table of :func:`fold`, filled on demand."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        folded = char.lower() if char.isascii() else next(
            (c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(c, char, re.IGNORECASE)),
            char)
        self[code] = ord(folded)
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """``text`` as the prefilters compare it: a character a case-insensitive
    pattern letter matches becomes that letter in lower case; the length is
    kept."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def _char(code: int) -> Optional[str]:
    """The folded form of a pattern character, None if case makes it vague."""
    char = chr(code)
    if char.isascii():
        return char.lower()
    return char if char.lower() == char == char.upper() else None


def _class_chars(items) -> Optional[frozenset]:
    """Folded characters of a character class, None if open-ended."""
    out = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(_char(av))
        elif op is sre.RANGE and av[1] - av[0] < 32:
            out.update(_char(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return None if None in out else frozenset(out)


def _score(clause) -> float:
    return sum(_CHANCE.get(len(s), 0.015) for s in clause)


def _node(op, av) -> tuple:
    """(exact, clauses) of one regex item: ``exact`` the set of every folded
    string it can match (None if unknown or too many), ``clauses`` what any
    match of it must contain when ``exact`` is None."""
    if op is sre.LITERAL:
        char = _char(av)
        return (frozenset([char]) if char is not None else None), []
    if op is sre.IN:
        return _class_chars(av), []
    if op in _ZERO_WIDTH:                      # look-arounds consume nothing
        return _EMPTY, []
    if op is sre.SUBPATTERN:
        return _sequence(av[-1])
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _sequence(av)
    if op is sre.BRANCH:
        return _either([_sequence(branch) for branch in av[1]])
    if op is sre.GROUPREF_EXISTS:
        return _either([_sequence(av[1]), _sequence(av[2]) if av[2] else (_EMPTY, [])])
    if op in _REPEATS:
        low, high, sub = av
        exact, clauses = _sequence(sub)
        if exact is not None and high <= 3:
            out, cur = set(), {""}
            for k in range(high + 1):
                if k >= low:
                    out |= cur
                cur = {a + b for a in cur for b in exact}
                if len(out) > _EXACT_LIMIT or len(cur) > _EXACT_LIMIT:
                    break
            else:
                return frozenset(out), []
        if low == 0:
            return None, []
        return None, clauses + ([exact] if exact is not None else [])
    return None, []                            # any other item: no knowledge


def _either(results: list) -> tuple:
    """(exact, clauses) of alternatives: the union of their strings, or one
    clause joining the best clause of each."""
    exacts = [exact for exact, _ in results]
    if all(e is not None for e in exacts):
        union = frozenset().union(*exacts)
        if len(union) <= _EXACT_LIMIT:
            return union, []
    joined: set = set()
    for exact, clauses in results:
        options = [c for c in clauses + ([exact] if exact is not None else []) if "" not in c]
        if not options:
            return None, []
        joined |= min(options, key=_score)
    return None, [frozenset(joined)]


def _sequence(items) -> tuple:
    """(exact, clauses) of a sequence: runs of exactly known items give
    the strings they can spell together."""
    clauses: list = []
    run: set = {""}
    whole = True
    for op, av in items:
        exact, more = _node(op, av)
        clauses += more
        if exact is not None and len(run) * len(exact) <= _EXACT_LIMIT:
            run = {a + b for a in run for b in exact}
            continue
        whole = False
        if "" not in run:
            clauses.append(frozenset(run))
        run = set(exact) if exact is not None else {""}
    if whole:
        return frozenset(run), clauses
    if "" not in run:
        clauses.append(frozenset(run))
    return None, clauses


def needs(regex: re.Pattern, most: int = 3) -> list[tuple[str, ...]]:
    """Clauses a stretch of text must satisfy to hold a match of ``regex``:
    each a tuple of folded strings, one of which the match contains.  The
    ``most`` most selective are returned (an empty list: no prefilter)."""
    exact, clauses = _sequence(sre.parse(regex.pattern, regex.flags))
    if exact is not None:
        clauses = clauses + [exact]
    kept = set()
    for clause in clauses:
        if "" in clause:
            continue
        minimal = {s for s in clause if not any(t != s and t in s for t in clause)}
        kept.add(tuple(sorted(minimal)))
    ranked = sorted((c for c in kept if _score(c) <= 1.5), key=lambda c: (_score(c), c))
    return ranked[:most]


def _trie(strings: list[str]) -> str:
    """A regex matching the longest of ``strings`` that starts at a position
    (the strings as a tree of their characters: fast to try)."""
    tree: dict = {}
    for string in strings:
        node = tree
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alts = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body     # longer first

    return branch(tree)


def _first_chars(items) -> Optional[set]:
    """Class items (regex source) for the first character a match of
    ``items`` can consume; None if unknown."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return {re.escape(chr(av))}
        if op is sre.IN:
            out = set()
            for iop, iav in av:
                if iop is sre.LITERAL:
                    out.add(re.escape(chr(iav)))
                elif iop is sre.RANGE:
                    out.add(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
                elif iop is sre.CATEGORY and iav is sre.CATEGORY_DIGIT:
                    out.add(r"\d")
                else:
                    return None
            return out
        if op is sre.SUBPATTERN:
            return _first_chars(av[-1])
        if op is sre.BRANCH:
            out = set()
            for branch in av[1]:
                first = _first_chars(branch)
                if first is None:
                    return None
                out |= first
            return out
        if op in _REPEATS and av[0] >= 1:
            return _first_chars(av[2])
        return None
    return None


def _guarded(regex: str) -> str:
    """``regex`` behind a look-ahead for its possible first characters
    (matched under the same flags, so it never rejects a match)."""
    first = _first_chars(sre.parse(regex, re.IGNORECASE))
    if not first:
        return "(?:" + regex + ")"
    return "(?=[" + "".join(sorted(first)) + "])(?:" + regex + ")"
