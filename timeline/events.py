"""Events: what each date dates, who did it, and one row per real-world event.

Two steps, each usable on its own:

* :func:`anchor` works on one parsed :class:`~timeline.article.Article`.  For
  every DATE or TIME mention it finds, in the dependency parse of its
  sentence, the predicate the expression dates -- the governing verb or
  event noun -- and fills the mention's ``trigger``, ``actors``, ``object``,
  ``summary`` and ``entities``.  With ``undated=True`` it also keeps the main
  event of each sentence without a temporal expression, dated by the
  publication date.
* :func:`merge` works on plain tables (``mentions.csv`` and
  ``documents.csv``): mentions from any articles that report the same event
  share one ``event_id``, and ``events.csv`` gets one row per event.

The word lists (reporting verbs, event nouns, titles, synonym sets, merge
thresholds) are resources in ``timeline/resources/events/``.

Example (``doc`` is the spaCy parse of the sentence)::

    >>> doc = nlp("Kiev on Thursday confirmed receiving the document.")
    >>> find_trigger(doc, 5, 16)      # "on Thursday"
    confirmed
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

import numpy as np
import pandas as pd

from . import tables
from .article import Article, Mention, Sentence

# --- resources -------------------------------------------------------------------


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


# --- finding the predicate a date dates -----------------------------------------------

#: entity labels kept as the named entities of a sentence
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT",
                          "PRODUCT", "WORK_OF_ART", "LAW"})
#: entity labels an actor's name may carry
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SUBJECT_DEPS = ("nsubj", "csubj", "expl")
PASSIVE_SUBJECT_DEPS = ("nsubjpass", "csubjpass")


def is_event_noun(tok, listed_only: bool = False) -> bool:
    """A noun that names an event by itself ("attack", "submission", "talks"):
    listed in the lexicon, or (unless ``listed_only``) derived with an
    event suffix ("-tion", "-ment" ...) and not listed as a non-event."""
    if tok.pos_ not in ("NOUN",):
        return False
    lex = lexicon()
    lemma = tok.lemma_.lower()
    if lemma in lex.not_events or tok.lower_ in lex.not_events:
        return False
    if lemma in lex.event_nouns or tok.lower_ in lex.event_nouns:
        return True
    if listed_only:
        return False
    return len(lemma) > 5 and lemma.endswith(lex.event_suffixes)


def is_verbal(tok) -> bool:
    """A verb, or a main (not auxiliary) use of be/have/do."""
    if tok.pos_ == "VERB":
        return True
    return tok.pos_ == "AUX" and tok.dep_ not in ("aux", "auxpass")


def span_tokens(doc, start: int, end: int):
    """The tokens of ``doc`` covering characters [start, end) of it."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        toks = [t for t in doc if t.idx < end and t.idx + len(t) > start]
        if not toks:
            return None
        span = doc[toks[0].i:toks[-1].i + 1]
    return span


#: dependencies of an adjective that predicates something ("debentures due
#: March 1", "shares worth $130 million in October", "is payable Jan. 2")
_PREDICATE_ADJ_DEPS = frozenset({"amod", "acomp", "oprd", "advcl", "conj", "ROOT", "ccomp",
                                 "xcomp", "appos"})


def _dated_nominal(timex, noun) -> bool:
    """A date used as a modifier of a noun that is an object ("attributed
    its fourth-quarter slump", "compared with year-earlier profit", "the
    boom of recent years") dates that noun, a state or event; as the subject
    of a verb ("third-quarter profit grew") it dates the verb."""
    if noun.pos_ != "NOUN" or not noun.is_alpha or noun.ent_type_ in ("DATE", "TIME"):
        return False
    if noun.dep_ not in ("dobj", "pobj") or noun.lower_ in lexicon().not_events \
            or noun.lemma_.lower() in lexicon().not_events:
        return False
    if timex.i > noun.i:
        return False
    if timex.dep_ == "poss" or (timex.dep_ == "amod" and not timex.lower_.endswith("ly")):
        return True         # "last month's squeeze", "future demand" (not "daily life")
    if timex.dep_ in ("compound", "nmod", "nummod"):
        # "its fourth-quarter slump"; but a name of a day straight after a
        # preposition is its object the parser misread ("on Tuesday cargo")
        first = timex.left_edge
        return first.i == 0 or first.nbor(-1).pos_ != "ADP"
    return False


def governor(span) -> Optional[object]:
    """The verb or event noun that governs ``span`` in the dependency tree.

    Climbs from the root of the span through prepositions, adverbs ("ago"),
    other temporal words and nouns that are not events, to the first verb or
    event noun.  None when the span heads its sentence (a fragment).
    """
    tok = span.root
    inside = range(span.start, span.end)
    for _ in range(40):
        head = tok.head
        if head.i == tok.i:
            return None
        if head.i in inside:
            tok = head
            continue
        if is_verbal(head):
            return head
        if head.pos_ == "ADJ" and head.dep_ in _PREDICATE_ADJ_DEPS \
                and head.tag_ not in ("JJR", "JJS") and (
                tok.i == span.root.i or (tok.pos_ == "ADP" and tok.i == span.root.head.i)):
            # "debentures due March 1, 2011", "worth $130 million in October";
            # but "the election due this September" dates the election
            if head.dep_ == "amod" and is_event_noun(head.head, listed_only=True):
                return head.head
            return head
        if tok.i == span.root.i and _dated_nominal(tok, head):
            return head
        if is_event_noun(head) and head.ent_type_ not in ("DATE", "TIME"):
            return head
        tok = head
    return None


def nearest_verb(doc, span) -> Optional[object]:
    """The VERB token closest to ``span`` (the baseline of the evaluation)."""
    best = None
    for tok in doc:
        if tok.pos_ != "VERB" or span.start <= tok.i < span.end:
            continue
        dist = span.start - tok.i if tok.i < span.start else tok.i - span.end + 1
        if best is None or dist < best[0]:
            best = (dist, tok)
    return best[1] if best else None


_ISO_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|T|-)")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})")


def time_relation(mention: Mention, published: Optional[date]) -> Optional[int]:
    """Where a temporal expression lies against the publication date: -1
    wholly before that day, 0 including it, 1 wholly after, None unknown.
    Uses the mention's interval, else its TIMEX3 value ("PAST_REF",
    "2025-11", "2025-W47" ...)."""
    value = (mention.value or "").upper()
    if value in ("PAST_REF", "PRESENT_REF", "FUTURE_REF"):
        return {"PAST_REF": -1, "PRESENT_REF": 0, "FUTURE_REF": 1}[value]
    if published is None:
        return None
    start, end = mention.date_start, mention.date_end
    if start is None:
        start, end = _value_interval(value)
    if start is None:
        return None
    end = end if end is not None and end >= start else start
    if end < published:
        return -1
    if start > published:
        return 1
    return 0


def _value_interval(value: str) -> tuple[Optional[date], Optional[date]]:
    """The days of a plain calendar TIMEX3 value (year, month, day, ISO week)."""
    try:
        week = _ISO_WEEK.match(value)
        if week:
            first = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
            return first, date.fromordinal(first.toordinal() + 6)
        match = _ISO_DAY.match(value)
        if not match:
            return None, None
        year, month, day = match.groups()
        if day:
            d = date(int(year), int(month), int(day))
            return d, d
        if month:
            first = date(int(year), int(month), 1)
            nxt = date(int(year) + (int(month) == 12), int(month) % 12 + 1, 1)
            return first, date.fromordinal(nxt.toordinal() - 1)
        return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:
        return None, None


#: adverbs that carry the predicate of "be" ("shares were up 2 pence")
_PREDICATIVE_ADVERBS = frozenset({"up", "down", "off", "out", "over", "in"})


def _event_noun_before(span, verb, max_gap: int = 6):
    """An event noun just before the date, inside the clause of ``verb``
    but not its object, that the date modifies although the parser hung it
    on the verb: "at a news conference Friday", "in a speech six weeks ago".
    The words between the noun and the date must all depend on the noun."""
    doc = span.doc
    last = span.start - 1
    if last >= 0 and doc[last].pos_ == "ADP":
        last -= 1
    for k in range(last, max(-1, last - max_gap), -1):
        tok = doc[k]
        if tok.pos_ in ("VERB", "AUX") or tok.is_punct:
            return None
        if is_event_noun(tok) and tok.ent_type_ not in ("DATE", "TIME"):
            if not is_event_noun(tok, listed_only=True):
                return None
            if tok.dep_ in ("dobj", "nsubj", "nsubjpass") or not verb.is_ancestor(tok):
                return None
            subtree = {t.i for t in tok.subtree}
            if all(i in subtree for i in range(k + 1, last + 1)):
                return tok
            return None
    return None


def refine(trig, span=None):
    """From the governing word to the word that carries the event: the
    predicate of "be" ("has been independent since 1901" -> independent,
    "there has been a rise" -> rise, "shares were up" -> up, "the change
    is since year-end" -> change), and the aspectual verb framing the dated
    one ("began to fall apart in mid-1996" -> begin)."""
    lemma = trig.lemma_.lower()
    if lemma == "be" and is_verbal(trig):
        # never the expression itself ("it was a great day")
        children = [c for c in trig.children
                    if span is None or not span.start <= c.i < span.end]
        for child in children:
            if child.dep_ == "acomp" and child.pos_ == "ADJ":
                return child
        subjects = [c for c in children if c.dep_ == "nsubj" and c.pos_ == "NOUN"]
        if subjects and any(c.dep_ == "attr" and (c.ent_type_ in ("MONEY", "PERCENT", "QUANTITY")
                                                   or c.pos_ == "NUM" or c.tag_ == "$")
                            for c in children):
            return subjects[0]      # "net income was $2.1 million": the figure's noun
        for child in children:
            if child.dep_ == "attr" and child.pos_ == "NOUN":
                return child
        for child in children:
            if child.dep_ in ("advmod", "prt") and child.lower_ in _PREDICATIVE_ADVERBS:
                return child
        for child in children:
            if child.dep_ in ("nsubj", "expl") and is_event_noun(child):
                return child
    if span is not None and is_verbal(trig):
        noun = _event_noun_before(span, trig)
        if noun is not None:
            return noun
    if trig.dep_ == "xcomp" and trig.head.lemma_.lower() in lexicon().aspectual:
        return trig.head
    if trig.dep_ == "acl" and trig.tag_ == "VBN" and lemma in lexicon().arranging \
            and trig.head.pos_ == "NOUN" and trig.head.is_alpha \
            and trig.head.ent_type_ not in ("DATE", "TIME") \
            and trig.head.lemma_.lower() not in lexicon().not_events:
        # "a summit set for April", "remarks made last week": the event named
        return trig.head
    return trig


def _when_clause(span):
    """The verb of a "when" clause hung on the expression: "since November,
    when he was found ..." -> found."""
    doc = span.doc
    i = span.end
    if i < len(doc) and doc[i].text == ",":
        i += 1
    if i < len(doc) and doc[i].lower_ == "when" and doc[i].head.pos_ in ("VERB", "AUX") \
            and doc[i].head.i > i:
        return doc[i].head
    return None


#: tags of a verb form that is itself past (a past tense or participle)
_PAST_TAGS = frozenset({"VBD", "VBN"})


def _unrealised_complement(trig, when: Optional[int]):
    """"invited Sinn Fein to rejoin two weeks ago", "was found clinging to an
    inner tube Nov. 25": a past date on the infinitive or participle a past
    verb takes as complement dates that verb -- the complement's event is
    still to come, or only describes the state found.  A future date stays on
    the complement ("plans to ship early next year")."""
    if when is None or when > 0 or trig.dep_ not in ("xcomp",):
        return None
    head = trig.head
    lemma = head.lemma_.lower()
    lex = lexicon()
    if head.pos_ != "VERB" or head.tag_ not in _PAST_TAGS or lemma in ("be", "have", "go") \
            or lemma in lex.aspectual or lemma in lex.dated_complement:
        return None
    return head


def _attachment(span, trig):
    """The dependant of ``trig`` whose subtree holds the expression (its
    preposition, or the expression itself)."""
    tok = span.root
    while tok.head.i != trig.i and tok.head.i != tok.i:
        tok = tok.head
    return tok


def _is_adverbial(att, span) -> bool:
    """Whether ``att`` is the expression used as an adverbial: the expression
    itself, or a preposition governing it ("on Tuesday")."""
    if att.i in range(span.start, span.end):
        return att.dep_ in ("npadvmod", "advmod", "tmod", "obl", "dep", "prep")
    return att.dep_ == "prep" and span.root.head.i == att.i


def _reporting_layer(span, trig):
    """Reported speech keeps its layer although the parser moved the date:
    "police said on Tuesday they had arrested ..." (the date, between the
    reporting verb and its clause, dates the saying), and "said it had a
    loss ... for the quarter" (a date after the reported clause's verb,
    hung on the reporting verb, dates the reported event)."""
    lex = lexicon()
    head = trig.head
    if trig.dep_ == "ccomp" and head.lemma_.lower() in lex.reporting and head.i < span.start:
        att = _attachment(span, trig)
        if not _is_adverbial(att, span):
            return None
        inside = {t.i for t in att.subtree}
        rest = [t.i for t in trig.subtree if t.i not in inside and not t.is_punct]
        if rest and max(inside) < min(rest):
            return head
    if trig.lemma_.lower() in lex.reporting and trig.i < span.start:
        for child in trig.children:
            if child.dep_ == "ccomp" and trig.i < child.i < span.start \
                    and child.right_edge.i < span.start:
                att = _attachment(span, trig)
                if att.i > child.right_edge.i and att.left_edge.i > trig.i + 1 \
                        and _is_adverbial(att, span):
                    return child
    return None


def _measured_from(span):
    """"a week after the anniversary", "two days before the vote", "the week
    following the squeeze": a span of time measured from an event dates that
    event (the reference point), not the verb of the clause."""
    root = span.root
    prep = root.head
    if root.dep_ not in ("npadvmod", "advmod") or prep.i in range(span.start, span.end) \
            or prep.lower_ not in lexicon().measured_from:
        return None
    for child in prep.children:
        if child.dep_ == "pobj" and child.i > root.i and child.pos_ == "NOUN" \
                and child.ent_type_ not in ("DATE", "TIME") \
                and child.lemma_.lower() not in lexicon().not_events:
            return child
        if child.dep_ == "pcomp" and child.i > root.i and is_verbal(child):
            return child
    return None


def _cleft(span, trig):
    """"It was not until Tuesday that Castro revealed ...", "it's not tonight
    we're worried about": the date focused by a cleft dates the clause."""
    if trig.lemma_.lower() != "be" or not any(
            c.dep_ in ("nsubj", "expl") and c.lower_ == "it" for c in trig.children):
        return None
    att = _attachment(span, trig)
    if att.dep_ not in ("attr", "prep", "advmod", "npadvmod") or att.i < trig.i:
        return None
    for child in trig.children:
        if child.dep_ in ("ccomp", "advcl", "relcl") and child.i > span.end - 1 \
                and is_verbal(child):
            return child
    return None


def _subject_event(span, trig):
    """"whose rescue off Florida's coast two months ago set off a tug-of-war":
    a bare date between an event noun subject and its verb dates that noun."""
    att = _attachment(span, trig)
    if att.dep_ not in ("npadvmod", "advmod") or not att.i < trig.i:
        return None
    for child in trig.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i < span.start \
                and child.right_edge.i == span.start - 1 \
                and is_event_noun(child, listed_only=True):
            return child
    return None


def find_trigger(doc, start: int, end: int, when: Optional[int] = None):
    """The token of the predicate dated by the expression at characters
    [start, end) of ``doc`` (a parsed sentence), or None.

    The governing verb or event noun in the parse; when the expression has
    none (it heads a fragment), the nearest verb, else the sentence's root
    if it is an event noun.  ``when`` places the expression against the
    publication date (see :func:`time_relation`): -1 before it, 0 on it, 1
    after it, None unknown; a few attachments depend on it.
    """
    span = span_tokens(doc, start, end)
    if span is None:
        return None
    clause = _when_clause(span)
    if clause is not None:
        return refine(clause)
    reference = _measured_from(span)
    if reference is not None:
        return refine(reference)
    trig = governor(span)
    if trig is not None:
        trig = _unrealised_complement(trig, when) or trig
        trig = _reporting_layer(span, trig) or trig
        trig = _cleft(span, trig) or _subject_event(span, trig) or trig
        return refine(trig, span)
    # the expression heads its sentence: "Friday, the bombs exploded" parsed
    # with Friday as root -- take a predicate among its dependants, then the
    # nearest verb
    for child in span.root.children:
        if child.i not in range(span.start, span.end) and is_verbal(child):
            return child
    verb = nearest_verb(doc, span)
    if verb is not None:
        return verb
    root = span.root.sent.root
    if is_event_noun(root) and root.i not in range(span.start, span.end):
        return root
    return None


# --- asserted, specific events only ------------------------------------------------------

#: dependencies through which a predicate is the complement of a verb whose
#: negation or condition it shares
_COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp"})


def _negated(tok) -> bool:
    lex = lexicon()
    for child in tok.children:
        if child.dep_ == "neg" and not (child.i + 1 < len(child.doc)
                                        and child.nbor(1).lower_ == "until"):
            return True     # but "It was not until Tuesday that ..." is a cleft
        if child.dep_ == "det" and child.lower_ in lex.negative_determiners \
                and tok.pos_ in ("NOUN", "PROPN"):
            return True
        if child.dep_ in ("nsubj", "nsubjpass") and (
                child.lower_ in lex.negative_subjects
                or any(g.dep_ == "det" and g.lower_ in lex.negative_determiners
                       for g in child.children)):
            return True
    return False


def _conditional(tok) -> bool:
    """A modal with an "if" clause, or the "if" clause itself."""
    lex = lexicon()
    if tok.dep_ in ("advcl", "ccomp") and any(
            c.dep_ == "mark" and c.lower_ in lex.conditions for c in tok.children):
        return True
    has_modal = any(c.dep_ == "aux" and c.lower_ in lex.modals for c in tok.children)
    return has_modal and any(
        c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in lex.conditions
                                  for g in c.children)
        for c in tok.children)


def _clause_verb(trig):
    """The verb of the clause ``trig`` predicates in: itself, or the "be"
    whose complement it is ("is different")."""
    if is_verbal(trig):
        return trig
    if trig.dep_ in ("acomp", "attr", "advmod", "prt", "nsubj") and is_verbal(trig.head):
        return trig.head
    return None


def generic_present(trig, span) -> bool:
    """"today"/"now" meaning "nowadays": the expression is one of the
    lexicon's, and the predicate a stative verb in the simple present ("an
    issue that today defines the agenda", "Today's landscape is different")."""
    lex = lexicon()
    words = span.text.lower().replace("’", "'")
    if words.endswith("'s"):
        words = words[:-2]
    if words.strip() not in lex.generic_expressions:
        return False
    verb = _clause_verb(trig)
    if verb is None or verb.tag_ not in ("VBZ", "VBP") or verb.lemma_.lower() not in lex.stative:
        return False
    if span.root.dep_ in ("nsubj", "attr") and span.root.head.i == verb.i \
            and verb.lemma_.lower() == "be":
        return False            # "Today is the deadline"
    return not any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def not_asserted(trig, span=None) -> str:
    """Why the predicate ``trig`` dated by ``span`` makes no event: "negated",
    "hypothetical", "generic" (see the lexicon's ``[assertion]`` and
    ``[generic_present]``), or "" when it is an asserted, specific event."""
    if span is not None and generic_present(trig, span):
        return "generic"
    # "will not be made until mid-May", "did not arrive before Friday": the
    # negation bounds the date, the event does happen (then)
    bounded = span is not None and span.start > 0 \
        and span.doc[span.start - 1].lower_ in ("until", "till", "before")
    tok = trig
    for _ in range(8):
        if _negated(tok) and not (bounded and tok.i == trig.i):
            return "negated"
        if _conditional(tok):
            return "hypothetical"
        if tok.dep_ not in _COMPLEMENT_DEPS or tok.head.i == tok.i \
                or tok.head.lemma_.lower() == "be":
            break
        tok = tok.head
    return ""


def main_event(doc) -> Optional[object]:
    """The main predicate of a parsed sentence (its root verb or event noun)."""
    for sent in doc.sents:
        root = sent.root
        if is_verbal(root):
            return refine(root)
        if is_event_noun(root):
            return root
        verbs = [t for t in sent if t.pos_ == "VERB"]
        if verbs:
            return verbs[0]
    return None


# --- actors ----------------------------------------------------------------------------


def _agent_tokens(verb) -> list:
    for child in verb.children:
        if child.dep_ == "agent":
            return [c for c in child.children if c.dep_ == "pobj"]
    return []


def _clause_subject(verb) -> tuple[list, bool]:
    """Subject tokens of a verb, climbing to the verb it depends on when it
    has none ("met ... and agreed", "confirmed receiving", "pressed Kiev to
    accept" -> Kiev), and whether they are the patient of a passive."""
    tok = verb
    for _ in range(6):
        subj = [c for c in tok.children if c.dep_ in SUBJECT_DEPS and c.dep_ != "expl"]
        if subj and tok.dep_ == "relcl" and subj[0].tag_ in ("WP", "WDT") \
                and tok.head.pos_ in ("NOUN", "PROPN"):
            return [tok.head], False     # "Rubio, who met ...": Rubio
        if subj:
            return subj, False
        agent = _agent_tokens(tok)
        if agent:
            return agent, False
        passive = [c for c in tok.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
        if passive:
            return passive, True
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return [tok.head], False
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("VBN", "VBG"):
            # "the plan submitted last week": the noun is the patient;
            # "officials attending the talks": the agent
            return [tok.head], tok.tag_ == "VBN"
        head = tok.head
        if head.i == tok.i or head.pos_ not in ("VERB", "AUX"):
            break
        if tok.dep_ == "xcomp":
            objects = [c for c in head.children if c.dep_ == "dobj" and c.pos_ != "PRON"]
            if objects:     # object control: "pressing Kiev to accept" -> Kiev
                return objects, False
        if tok.dep_ not in ("conj", "xcomp", "advcl", "pcomp"):
            break
        tok = head
    return [], False


def _subject_tokens(trig) -> tuple[list, bool]:
    """The subject tokens of a predicate (coordination not yet expanded) and
    whether they are the patient of a passive (no agent found)."""
    if trig.pos_ == "NOUN":
        for child in trig.children:
            # (not a date: "Monday's talks" has no actor in "Monday")
            if child.dep_ == "poss" and child.pos_ != "PRON" \
                    and child.ent_type_ not in ("DATE", "TIME"):
                return [child], False
        for child in trig.children:
            if child.dep_ == "prep" and child.lower_ == "by":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs:
                    return objs, False
        for child in trig.children:
            if child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ACTOR_LABELS:
                return [child], False
        # an event noun in a phrase of a clause ("spoke at a conference"):
        # the clause's subject takes part in it
        verb = None
        if trig.dep_ in ("attr", "dobj") and is_verbal(trig.head):
            verb = trig.head
        elif trig.dep_ == "pobj" and trig.head.dep_ == "prep" and is_verbal(trig.head.head) \
                and trig.head.lower_ not in lexicon().measured_from:
            # (not "arrested two men three days after the attack")
            verb = trig.head.head
        if verb is not None and verb.dep_ not in ("acl", "relcl", "amod"):
            subj, passive = _clause_subject(verb)
            if subj and not passive and not any(s.is_ancestor(trig) for s in subj):
                return subj, False
        return [], False
    if trig.pos_ in ("ADJ", "ADV", "ADP") and is_verbal(trig.head):
        return _clause_subject(trig.head)
    return _clause_subject(trig)


def _with_conjuncts(tokens: list) -> list:
    out = []
    for tok in tokens:
        for t in (tok, *tok.conjuncts):
            if t not in out and t.pos_ in ("PROPN", "NOUN", "PRON"):
                out.append(t)
    return sorted(out, key=lambda t: t.i)


def _strip_titles(words: list[str], person_like: bool) -> list[str]:
    """Drop leading titles ("US President Donald Trump" -> "Donald Trump")
    when they hold a role word, or the name is a person's; a leading "the"
    goes in any case."""
    lex = lexicon()
    i = 0
    has_role = False
    while i < len(words) - 1:
        word = words[i].lower().strip(".,")
        if word in lex.roles:
            has_role = True
        elif word not in lex.title_modifiers and word not in ("-", "–"):
            break
        i += 1
    if i and (has_role or person_like) and words[i][:1].isupper():
        return words[i:]
    if words and words[0].lower() == "the" and len(words) > 1:
        return words[1:]
    return words


def proper_name(tok) -> str:
    """The name a proper-noun token stands for, titles stripped: the token
    and the proper nouns compounded to it ("Dmitry Peskov")."""
    parts = [tok]
    frontier = [tok]
    while frontier:
        cur = frontier.pop()
        for child in cur.children:
            if child.dep_ in ("compound", "flat") and child.pos_ == "PROPN":
                parts.append(child)
                frontier.append(child)
    run = [tok]
    for t in sorted((p for p in parts if p.i < tok.i), key=lambda t: -t.i):
        if t.i == run[0].i - 1 or (t.i == run[0].i - 2 and t.nbor(1).text in ("-", ".")):
            run.insert(0, t)
        else:
            break
    for t in sorted((p for p in parts if p.i > tok.i), key=lambda t: t.i):
        if t.i == run[-1].i + 1:
            run.append(t)
    person_like = any(t.ent_type_ == "PERSON" for t in run)
    kept = _strip_titles([t.text for t in run], person_like)
    return _join(run[len(run) - len(kept):])


def _noun_phrase(tok, limit: int = 8, keep_det: bool = False) -> str:
    """A short noun phrase for a common-noun actor or object."""
    keep = [tok]
    for child in tok.children:
        if child.dep_ in ("amod", "compound", "poss", "nummod", "case", "det", "nmod",
                          "quantmod") and child.i < tok.i:
            keep.extend(child.subtree)
        elif child.dep_ in ("conj", "cc") and child.pos_ in ("NOUN", "PROPN", "CCONJ"):
            keep.extend(child.subtree)
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i > tok.i:
            phrase = [t for t in child.subtree if t.dep_ not in ("relcl", "acl", "appos")]
            if len(keep) + len(phrase) <= limit:
                keep.extend(phrase)
    toks = sorted(set(keep), key=lambda t: t.i)
    if toks and not keep_det and toks[0].dep_ == "det" and toks[0].lower_ in ("the", "a", "an"):
        toks = toks[1:]
    return _shorten(toks, limit)


def _join(tokens) -> str:
    """The text of tokens in order, with their own spacing."""
    out = []
    prev = None
    for t in tokens:
        if prev is not None and prev.i + 1 != t.i and out and not out[-1].endswith(" "):
            out.append(" ")
        out.append(t.text_with_ws)
        prev = t
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    text = re.sub(r"\s+([,.;:!?’”)])", r"\1", text)
    text = re.sub(r"([“‘(])\s+", r"\1", text)
    text = text.strip(" ,;:–—-\"“”‘’'`")
    # a quote mark left alone after trimming
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    return text


def _shorten(tokens: list, limit: int) -> str:
    toks = sorted(set(tokens), key=lambda t: t.i)
    # no dangling "and", "for", "the" where a date was left out
    while len(toks) > 1 and toks[-1].pos_ in ("CCONJ", "ADP", "DET", "SCONJ", "PUNCT", "PART"):
        toks.pop()
    if len(toks) <= limit:
        return _join(toks)
    return _join(toks[:limit]) + "…"


class NameIndex:
    """Full names seen in an article, to expand a bare surname ("Rubio" ->
    "Marco Rubio") and to resolve he/she to the last person named.

    Names come from the entities of the parsed sentences and, since most
    sentences are not parsed, from runs of capitalised words in the text.
    """

    _NAME = re.compile(r"(?<![\w’'])(?:(?:[A-Z][\w’'\-]+|[A-Z]\.) ){1,4}[A-Z][\w’'\-]+")

    def __init__(self, article: Article):
        lex = lexicon()
        self.full: dict[str, Counter] = defaultdict(Counter)   # last word -> names
        persons: list[tuple[int, str]] = []                    # (offset, name)
        not_persons: set[str] = set()
        for sent in article.sentences:
            if sent.doc is None:
                continue
            for ent in sent.doc.ents:
                if ent.label_ not in ACTOR_LABELS:
                    continue
                words = _strip_titles(ent.text.split(), ent.label_ == "PERSON")
                name = " ".join(words)
                if ent.label_ == "PERSON":
                    persons.append((sent.start + ent.start_char, name))
                else:
                    not_persons.add(name)
                if len(words) >= 2:
                    self.full[words[-1]][name] += 2
        common = {w for w in re.findall(r"\b[a-z][\w’'\-]*", article.text)}
        for match in self._NAME.finditer(article.text):
            words = match.group(0).split()
            while words and words[0].lower() in common:   # "After Russia"
                words = words[1:]
            words = _strip_titles(words, True)
            if len(words) < 2 or words[0].lower() in lex.roles | lex.title_modifiers:
                continue
            name = " ".join(words)
            self.full[words[-1]][name] += 1
            if name not in not_persons and not any(
                    w.lower() in lex.organisation_words for w in words):
                persons.append((match.start() + match.group(0).index(words[0]), name))
        self.persons = sorted(set(persons))
        self.not_persons = not_persons

    def expand(self, name: str) -> str:
        """The fullest name of the article ending with ``name``'s last word."""
        if " " in name or name not in self.full:
            return name
        candidates = self.full[name]
        best = max(candidates.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
        return best[0]

    def person_before(self, offset: int) -> Optional[str]:
        """The last person named before article offset ``offset`` (a full
        name: a lone word the article never completes is not trusted)."""
        pos = bisect_left(self.persons, (offset, ""))
        while pos > 0:
            name = self.expand(self.persons[pos - 1][1])
            words = name.split()
            if len(words) >= 2 and all(w[:1].isupper() for w in words[-1:]) \
                    and name not in self.not_persons:
                return name
            pos -= 1
        return None


def actor_names(tokens: list, names: NameIndex, sent: Sentence) -> list[str]:
    """Readable full names of actor tokens (he/she resolved, other pronouns
    dropped)."""
    lex = lexicon()
    out = []
    for tok in tokens:
        if tok.pos_ == "PRON" or tok.lower_ in lex.other_pronouns:
            if tok.lower_ in lex.person_pronouns:
                person = names.person_before(sent.start + tok.idx)
                if person and person not in out:
                    out.append(person)
            continue
        if tok.pos_ == "PROPN":
            name = names.expand(proper_name(tok))
        else:
            name = _noun_phrase(tok, limit=10)
        if name and name not in out:
            out.append(name)
    return out


# --- objects and summaries ------------------------------------------------------------

_CUT_DEPS = frozenset({"relcl", "advcl", "parataxis", "appos", "acl", "punct", "cc", "conj",
                       "mark", "intj", "meta", "dep", "npadvmod", "advmod", "nsubj",
                       "nsubjpass", "csubj", "expl", "preconj"})


def _phrase_tokens(tok, skip: set, top: bool = True) -> list:
    """``tok`` and its dependants, leaving out ``skip`` subtrees, subjects
    and side clauses (coordinated nouns and "that" of a clause are kept)."""
    out = [tok]
    noun = tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ")
    for child in tok.children:
        if child.i in skip:
            continue
        keep = child.dep_ not in _CUT_DEPS \
            or (noun and child.dep_ in ("conj", "cc") and not top) \
            or (child.dep_ == "npadvmod" and child.ent_type_ not in ("DATE", "TIME")) \
            or (child.dep_ == "mark" and child.lower_ == "that") \
            or (child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") and not top) \
            or (child.dep_ == "punct" and child.text in ("“", "”", "‘", "’", "-"))
        if keep:
            out.extend(_phrase_tokens(child, skip, top=False))
    return out


def _timex_skip(span) -> set:
    """Token indices to leave out of phrases: the date, its preposition,
    and "ago"."""
    if span is None:
        return set()
    skip = set(range(span.start, span.end))
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.pos_ == "ADP":
        skip.add(head.i)
        # "In its article on Wednesday": a phrase with nothing else left
        noun = head.head
        if head.dep_ == "prep" and noun.pos_ == "NOUN" and noun.lower_ in lexicon().not_events \
                and noun.dep_ == "pobj" and not any(
                    t.i not in skip and t.i != noun.i and t.dep_ not in ("det", "poss", "case")
                    for t in noun.subtree):
            skip.update(t.i for t in noun.subtree)
            skip.add(noun.head.i)
    if head.lower_ == "ago":
        skip.add(head.i)
    return skip


def object_of(trig, span=None) -> str:
    """The object of a predicate: its direct object, else its complement
    ("receiving the document"), else its first prepositional object, else
    (for a reporting verb) the reported clause; for a noun, what it is "of"."""
    skip = _timex_skip(span)
    lex = lexicon()
    children = [c for c in trig.children if c.i not in skip]
    if trig.pos_ == "NOUN":
        for child in children:
            if child.dep_ == "prep" and child.lower_ in ("of", "on", "to", "with", "against",
                                                         "for"):
                objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
                if objs:
                    return _noun_phrase(objs[0])
        return ""
    if trig.pos_ != "VERB" and is_verbal(trig.head):
        trig = trig.head
        children = [c for c in trig.children if c.i not in skip]
    for dep in ("dobj", "attr", "oprd"):
        for child in children:
            if child.dep_ == dep and child.lower_ not in lex.other_pronouns:
                return _shorten(_phrase_tokens(child, skip, top=False), 10)
    for child in children:
        if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
            return _shorten(_phrase_tokens(child, skip, top=False), 10)
    if trig.lemma_.lower() in lex.reporting:
        # what was said, before any phrase the parser hung on the verb
        for child in children:
            if child.dep_ == "ccomp":
                return _shorten([t for t in _phrase_tokens(child, skip, top=False)
                                 if t.dep_ != "mark"], 10)
    for child in children:
        if child.dep_ == "prep" and child.lower_ not in lex.side_prepositions:
            objs = [c for c in child.children if c.dep_ == "pobj" and c.i not in skip]
            if objs:
                return _noun_phrase(objs[0])
    for child in children:
        if child.dep_ in PASSIVE_SUBJECT_DEPS and child.lower_ not in lex.other_pronouns:
            return _noun_phrase(child)
    return ""


def _display_verb(trig):
    """The verb a summary is told from: the copula of a predicate
    ("has been independent"), the top of a chain of complements ("confirmed
    receiving", "is pressing Kiev to accept")."""
    verb = trig
    if trig.pos_ in ("ADJ", "ADV", "ADP", "NOUN") and trig.dep_ in (
            "acomp", "attr", "advmod", "prt", "prep") and is_verbal(trig.head):
        verb = trig.head
    elif trig.dep_ == "dobj" and trig.head.lemma_.lower() in lexicon().light:
        verb = trig.head      # "held talks"
    for _ in range(2):
        if verb.dep_ in ("xcomp", "pcomp") and is_verbal(verb.head) and verb.head.i < verb.i:
            verb = verb.head
        else:
            break
    return verb


def _verb_phrase(verb, skip: set, limit: int) -> str:
    """The verb group and complements of ``verb``, told in that order even
    where the reported clause comes first ("..., Reuters reported")."""
    lex = lexicon()
    group = [verb]
    comps: dict[str, list] = defaultdict(list)
    have_object = False
    for child in verb.children:
        if child.i in skip:
            continue
        dep = child.dep_
        if dep in ("aux", "auxpass", "neg") and child.i < verb.i:
            group.append(child)
        elif dep == "prt":
            group.append(child)
        elif dep in ("dative", "dobj", "attr", "acomp", "oprd", "pobj"):
            if child.tag_ not in ("WP", "WDT"):
                comps["object"].extend(_phrase_tokens(child, skip, top=False))
                have_object = True
        elif dep in ("xcomp", "ccomp"):
            comps[dep].extend(_phrase_tokens(child, skip, top=False))
        elif dep == "agent":
            comps["agent"].extend(_phrase_tokens(child, skip, top=False))
    reported = verb.lemma_.lower() in lex.reporting and comps["ccomp"]
    if not have_object and not comps["xcomp"] and not reported:
        for child in verb.children:
            if child.dep_ == "prep" and child.i not in skip and child.i > verb.i \
                    and child.lower_ not in lex.side_prepositions:
                comps["prep"].extend(_phrase_tokens(child, skip, top=False))
                break
    words: list = []
    parts = [sorted(group, key=lambda t: t.i)]
    for key in ("object", "prep", "agent", "xcomp", "ccomp"):
        if comps[key]:
            parts.append(sorted(set(comps[key]), key=lambda t: t.i))
    text = ""
    for part in parts:
        room = limit - len(words)
        if room <= 0:
            text += "…"
            break
        piece = _shorten(part, room)
        if not piece:
            continue
        if part[0].i < verb.i and part[0].dep_ != "aux" and part is not parts[0]:
            # a reported clause told before its verb: "“...,” she said"
            if part[0].i == 0 and part[0].pos_ != "PROPN" and piece[:2] != "I ":
                piece = piece[:1].lower() + piece[1:]
            text += (": " if _starts_clause(part) else " ") + piece
        else:
            text += (" " if text else "") + piece
        words.extend(part)
    return text.replace(" …", "…")


def _starts_clause(part: list) -> bool:
    """Whether a reported clause was the opening of its sentence (possibly
    after a quote mark)."""
    first = part[0]
    return first.i == first.sent.start or all(
        t.is_punct for t in first.doc[first.sent.start:first.i])


def summary_of(trig, actors: list[str], span=None, names: "NameIndex | None" = None,
               sent: Sentence | None = None, limit: int = 16) -> str:
    """A short readable line: actor(s), predicate, object."""
    skip = _timex_skip(span)
    if trig.pos_ == "ADJ" and trig.dep_ == "amod" and trig.head.pos_ in ("NOUN", "PROPN"):
        # "debentures due March 1": the noun and its predicate
        noun = trig.head
        toks = [t for t in noun.subtree if t.i <= noun.i and t.i not in skip
                and t.dep_ not in ("relcl", "acl", "appos") and t.i != trig.i]
        toks = [t for t in toks if not (t.dep_ == "det" and t.head.i == noun.i)]
        phrase = _shorten(toks, limit - 4)
        rest = _shorten([t for t in _phrase_tokens(trig, skip) if t.i != trig.i], 6)
        line = " ".join(x for x in (phrase, trig.text, rest) if x)
    elif trig.pos_ == "NOUN" and _display_verb(trig).i == trig.i:
        drop = set()
        for child in trig.children:
            if child.i < trig.i and (child.dep_ in ("det", "poss") or (
                    actors and child.dep_ in ("compound", "amod", "nmod")
                    and child.ent_type_ in ACTOR_LABELS)):
                drop.update(t.i for t in child.subtree)
        toks = [t for t in _phrase_tokens(trig, skip) if t.i not in drop]
        phrase = _shorten(toks, limit)
        line = f"{_list_names(actors)}: {phrase}" if actors else phrase
    else:
        verb = _display_verb(trig)
        subj, passive = _clause_subject(verb)
        subj = _with_conjuncts(subj)
        patients = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
        if patients:
            who = _shorten([t for p in patients for t in _phrase_tokens(p, skip, top=False)
                            if t.tag_ not in ("WP", "WDT")], 8)
        elif passive:
            who = _shorten([t for s in subj for t in _phrase_tokens(s, skip)], 8)
        elif verb.i == trig.i or (verb.i == trig.head.i and trig.pos_ != "VERB"):
            who = _list_names(actors)
        else:
            who = _list_names(actor_names(subj, names, sent)) if names else ""
        if not who and subj and subj[0].pos_ == "PRON" and subj[0].lower_ not in (
                "who", "which", "that"):
            who = subj[0].text
        phrase = _verb_phrase(verb, skip, limit)
        line = f"{who} {phrase}" if who else phrase
    line = line.strip()
    return line[:1].upper() + line[1:] if line else ""


def _list_names(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def sentence_entities(doc) -> list[str]:
    """The named entities of a parsed sentence, each once, in order, titles
    stripped from names ("Army Dan Driscoll" -> "Dan Driscoll")."""
    out = []
    for ent in doc.ents:
        if ent.label_ not in NAMED_LABELS:
            continue
        text = " ".join(_strip_titles(ent.text.split(), ent.label_ == "PERSON"))
        if text and text not in out:
            out.append(text)
    return out


# --- anchor ------------------------------------------------------------------------------


def describe(mention: Mention, sent: Sentence, trig, names: NameIndex, span=None) -> Mention:
    """Fill the event fields of ``mention`` from its predicate token ``trig``."""
    subj, passive = _subject_tokens(trig)
    actors = [] if passive else actor_names(_with_conjuncts(subj), names, sent)
    mention.trigger = trig.lemma_.lower()
    mention.trigger_start = sent.start + trig.idx
    mention.trigger_end = sent.start + trig.idx + len(trig.text)
    mention.actors = actors
    mention.object = object_of(trig, span)
    mention.summary = summary_of(trig, actors, span, names, sent)
    mention.entities = sentence_entities(sent.doc)
    return mention


def _sentence_of(article: Article, mention: Mention) -> Optional[Sentence]:
    if 0 <= mention.sentence < len(article.sentences):
        sent = article.sentences[mention.sentence]
        if sent.start <= mention.start < sent.end:
            return sent
    return article.sentence_of(mention.start)


def anchor(article: Article, undated: bool = False) -> Article:
    """Tie each DATE/TIME mention of a parsed article to the predicate it dates.

    Fills ``trigger`` (lemma), ``trigger_start``/``trigger_end`` (article
    offsets), ``actors`` (full names), ``object``, ``summary`` and
    ``entities`` of every DATE or TIME mention whose sentence has a parse.
    A predicate that is not asserted (negated, hypothetical) or a generic
    "today"/"now" with a stative present (see :func:`not_asserted`) makes no
    event: the mention is kept with only ``trigger_start``/``trigger_end``
    (the predicate's span) and ``extra["no_event"]`` (the reason) set, so
    that merging leaves it without an event_id.

    With ``undated`` (the sentences must all be parsed), each sentence that
    holds no temporal expression adds a mention for its main event, dated by
    the publication date with granularity "reported", low confidence and
    rule "undated"; its span is the trigger's, so ``text[start:end]`` still
    round-trips.  These come after the dated mentions (by start among
    themselves), which keep their positions: their "mention:<n>" anchors and
    mention ids are the same with ``undated`` on or off.  Returns the same
    article.
    """
    names = NameIndex(article)
    for mention in article.mentions:
        if mention.type not in ("DATE", "TIME"):
            continue
        sent = _sentence_of(article, mention)
        if sent is None or sent.doc is None:
            continue
        span = span_tokens(sent.doc, mention.start - sent.start, mention.end - sent.start)
        trig = find_trigger(sent.doc, mention.start - sent.start, mention.end - sent.start,
                            time_relation(mention, article.published))
        if trig is None:
            continue
        if mention.sentence < 0:
            mention.sentence = sent.index
        reason = not_asserted(trig, span)
        if reason:
            # no event: the predicate's span stays for provenance, the
            # trigger and the other event fields stay empty
            mention.trigger_start = sent.start + trig.idx
            mention.trigger_end = sent.start + trig.idx + len(trig.text)
            mention.extra["no_event"] = reason
            continue
        describe(mention, sent, trig, names, span)
    if undated:
        _add_undated(article, names)
    return article


#: confidence of the mention kept for an undated sentence's main event
UNDATED_CONFIDENCE = 0.2


def _add_undated(article: Article, names: NameIndex) -> None:
    if article.published is None:
        return
    dated = {sent.index for sent in (_sentence_of(article, m) for m in article.mentions)
             if sent is not None}
    added = []
    for sent in article.sentences:
        if sent.index in dated or sent.doc is None:
            continue
        trig = main_event(sent.doc)
        if trig is None or not_asserted(trig):
            continue
        start = sent.start + trig.idx
        mention = Mention(
            start=start, end=start + len(trig.text), text=trig.text, type="DATE",
            value=article.published.isoformat(), date_start=article.published,
            date_end=article.published, granularity="reported", anchor="publication",
            confidence=UNDATED_CONFIDENCE, sentence=sent.index, rule="undated")
        describe(mention, sent, trig, names)
        added.append(mention)
    # appended, not interleaved: the dated mentions keep their indices
    article.mentions.extend(sorted(added, key=lambda m: (m.start, m.end)))


# --- merging across articles ----------------------------------------------------------

_WORD = re.compile(r"[a-z][a-z’'\-]*[a-z]|[a-z]")


def _stem(word: str) -> str:
    """A crude stem: enough to meet "talks"/"talk", "agreed"/"agree"."""
    word = word.replace("’", "'").split("'")[0]
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    return word


@lru_cache(maxsize=1)
def _stop_words() -> frozenset:
    return frozenset(merge_settings()["stop_words"]["words"])


def content_words(text: str) -> list[str]:
    """Lower-cased stems of the content words of ``text`` (no dates)."""
    stops = _stop_words()
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in stops and len(w) > 1]


def predicate_key(trigger: str, object_text: str = "") -> str:
    """The synonym set of a predicate; a light verb ("hold talks") is keyed
    by its object's head noun when that noun is known."""
    lex = lexicon()
    trigger = (trigger or "").lower()
    if trigger in lex.light and object_text:
        words = [w for w in _WORD.findall(object_text.lower())
                 if w not in ("the", "a", "an", "full", "new")]
        for word in words[:3]:
            for form in (word, _stem(word)):
                if form in lex.synonyms:
                    return lex.synonyms[form]
    return lex.synonyms.get(trigger, trigger)


def _lemma_forms(word: str) -> tuple[str, ...]:
    stem = _stem(word)
    return (word, stem, stem + "e", stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem)


def predicate_keys(trigger: str, object_text: str = "", summary: str = "",
                   actors: str = "") -> frozenset:
    """The synonym sets a mention's predicate belongs to: its trigger's, and
    those of the first words of its summary after the actors, so that
    "Kiev confirmed receiving ..." (trigger receive) also counts as confirm."""
    lex = lexicon()
    keys = {predicate_key(trigger, object_text)}
    text = summary or ""
    for name in sorted(_split(actors), key=len, reverse=True):
        text = text.replace(name, " ")
    words = [w for w in _WORD.findall(text.lower()) if w not in _stop_words()
             or w in lex.synonyms]
    for word in words[:3]:
        for form in _lemma_forms(word):
            if form in lex.synonyms:
                keys.add(lex.synonyms[form])
                break
    return frozenset(keys)


_POSSESSIVE = re.compile(r"['’]s?$")


def looks_like_person(name: str) -> bool:
    """Whether an actor name looks like a personal name: 2-3 capitalised
    words (initials allowed, no acronyms), none an organisation word, a
    generic head noun or an event noun ("Marco Rubio", "Hu Jintao"; not
    "Beijing Summit", "Foreign Ministry", "EU ministers")."""
    lex = lexicon()
    words = _POSSESSIVE.sub("", name).split()
    if not 2 <= len(words) <= 3:
        return False
    for word in words:
        bare = word.strip(".,")
        if not bare[:1].isupper() or (len(bare) > 1 and bare.isupper()):
            return False
        low = bare.lower()
        if low in lex.organisation_words or low in lex.generic_heads \
                or low in lex.event_nouns or low in lex.roles:
            return False
    return True


def _distinctive_words(words: list[str]) -> list[str]:
    """The lower-cased capitalised words of a name that may identify it: not
    a generic head noun ("summit", "ministry") nor a stop word."""
    lex = lexicon()
    stops = _stop_words()
    out = []
    for word in words:
        low = word.strip(".,").lower()
        if word[:1].isupper() and low not in lex.generic_heads and low not in stops \
                and len(low) > 1:
            out.append(low)
    return out


def _name_keys(cell: str) -> set[str]:
    """Comparable keys of the actors in one cell: each whole name; for a
    personal name (:func:`looks_like_person`) its last word ("Rubio" meets
    "Marco Rubio"); for any other proper name its distinctive words
    (:func:`_distinctive_words`: "US" meets "US government", while "Beijing
    Summit" and "Chinese Private Enterprise Summit" do not meet on
    "Summit"; "EU ministers" does not meet "Arab ministers")."""
    keys = set()
    for name in _split(cell):
        words = _POSSESSIVE.sub("", name).split()
        if not words:
            continue
        keys.add(" ".join(words).lower())
        if len(words) == 1:
            continue
        if looks_like_person(name):
            keys.add(words[-1].lower())
        elif len(words) <= 4:
            keys.update(_distinctive_words(words))
    return keys


def actor_keys(cell: str) -> frozenset:
    """The keys :func:`actors_meet` compares: :func:`_name_keys`, plus
    ``"=word"`` for a lone capitalised name and ``"+word"`` for the other
    words of a personal name, so that a bare surname written first ("Hu")
    meets the full name ("Hu Jintao") without two people sharing a first
    name ("Vladimir Putin", "Vladimir Zelensky") meeting."""
    keys = set(_name_keys(cell))
    for name in _split(cell):
        words = _POSSESSIVE.sub("", name).split()
        if len(words) == 1 and words[0][:1].isupper():
            keys.add("=" + words[0].lower())
        elif looks_like_person(name):
            keys.update("+" + w.strip(".,").lower() for w in words[:-1])
    return frozenset(keys)


def actors_meet(a: frozenset, b: frozenset) -> bool:
    """Whether two mentions' :func:`actor_keys` name a common actor."""
    if any(k[:1] not in ("=", "+") for k in a & b):
        return True
    return any(k[:1] == "=" and "+" + k[1:] in other
               for keys, other in ((a, b), (b, a)) for k in keys)


def _split(cell) -> list[str]:
    if not isinstance(cell, str) or not cell:
        return []
    return [part.strip() for part in cell.split(tables.LIST_SEP.strip()) if part.strip()]


def _parse_day(value) -> Optional[date]:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


class _Clusters:
    """Union-find of mentions keeping each cluster's common date interval.

    With ``agree`` (mention positions i, j -> bool), a union that would
    narrow a coarse mention (an interval longer than a week) to a finer date
    is refused unless that mention agrees with a mention of the other group
    that gives the finer date (see :func:`_agreement`)."""

    def __init__(self, starts: list[int], ends: list[int], agree=None):
        self.parent = list(range(len(starts)))
        self.start = list(starts)
        self.end = list(ends)
        self.first_start = list(starts)
        self.first_end = list(ends)
        self.agree = agree
        self.members = [[i] for i in range(len(starts))]

    def _narrowing_agreed(self, a: int, b: int, start: int, end: int) -> bool:
        for side, other in ((a, b), (b, a)):
            # the members of the other group that give the finer date
            finer = [o for o in self.members[other]
                     if start <= self.first_start[o] and self.first_end[o] <= end] \
                or self.members[other]
            for m in self.members[side]:
                if self.first_end[m] - self.first_start[m] <= 7 or (
                        self.first_start[m] == start and self.first_end[m] == end):
                    continue        # not coarse, or not narrowed
                if not any(self.agree(m, o) for o in finer):
                    return False
        return True

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        start, end = max(self.start[a], self.start[b]), min(self.end[a], self.end[b])
        if start > end:     # the two groups' dates do not agree
            return False
        if self.agree is not None and not self._narrowing_agreed(a, b, start, end):
            return False
        if b < a:
            a, b = b, a
        self.parent[b] = a
        self.start[a], self.end[a] = start, end
        self.members[a] += self.members[b]
        self.members[b] = []
        return True


def _tfidf_rows(word_lists: list[list[str]], idf: dict) -> list[dict]:
    rows = []
    for words in word_lists:
        counts = Counter(words)
        vec = {w: (1 + math.log(c)) * idf.get(w, 1.0) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        rows.append({w: v / norm for w, v in vec.items()})
    return rows


def _cosine(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


#: blocks up to this size get an exact dense cosine matrix; larger ones (e.g.
#: thousands of undated sentences of one publication day) go through an
#: inverted index of each sentence's strongest words
DENSE_BLOCK = 1500


def similar_pairs(rows: list[dict], threshold: float, top_words: int = 8,
                  max_postings: int = 400) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine), i < j, of sparse unit vectors with a cosine of
    at least ``threshold``.

    Small blocks are compared exhaustively (numpy); in large ones a pair is
    only considered when the two share one of their ``top_words`` strongest
    words, a word held by more than ``max_postings`` rows not counting.
    """
    if len(rows) < 2:
        return []
    if len(rows) <= DENSE_BLOCK:
        vocab: dict = {}
        for row in rows:
            for w in row:
                vocab.setdefault(w, len(vocab))
        mat = np.zeros((len(rows), max(1, len(vocab))), dtype=np.float32)
        for i, row in enumerate(rows):
            for w, v in row.items():
                mat[i, vocab[w]] = v
        sims = np.triu(mat @ mat.T, 1)
        found = np.nonzero(sims >= threshold)
        return [(int(i), int(j), float(sims[i, j])) for i, j in zip(*found)]
    postings: dict = defaultdict(list)
    for i, row in enumerate(rows):
        for w, _ in sorted(row.items(), key=lambda kv: (-kv[1], kv[0]))[:top_words]:
            postings[w].append(i)
    candidates: set = set()
    for members in postings.values():
        if len(members) > max_postings:
            continue
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                candidates.add((members[a], members[b]))
    out = []
    for i, j in sorted(candidates):
        sim = _cosine(rows[i], rows[j])
        if sim >= threshold:
            out.append((i, j, sim))
    return out


#: the predicate key every mention naming a deadline carries
DEADLINE_KEY = "deadline"


def candidate_pairs(frame: pd.DataFrame, vectors: list[dict]) -> list[tuple[float, int, int]]:
    """Pairs of mention rows (positions in ``frame``) that report one event,
    each with a score (higher first when clusters are built).

    ``frame`` holds the columns: doc_id, trigger_start, day_start, day_end
    (day ordinals), keys (predicate synonym sets, converse pairs such as
    "submit~receive", and ``DEADLINE_KEY``), actor_keys (:func:`actor_keys`,
    compared by :func:`actors_meet`), object_words,
    reporting, coarse, and optionally party_keys (names of a deadline's
    parties), numbers (:func:`sentence_numbers`), named_actor_words (words of
    the actors that are named entities), sentence_words (the sentence's
    lower-cased words) and sentence_keys (the predicate sets of a reporting
    sentence's words).

    Same or synonymous predicates from two articles never pair when their
    sentences give conflicting figures or both have named actors that differ
    (no word in common, and neither named in the other's sentence).  Sentences close in meaning (same
    interval) pair only when their predicates are related (a shared key, or
    a reporting sentence naming the other's predicate) or their actors meet,
    never when both have named actors that differ, nor conflicting figures.
    """
    settings = merge_settings()["similarity"]
    same_event, supporting = float(settings["same_event"]), float(settings["supporting"])
    reported = float(settings.get("reported_without_actor", supporting))
    pairs: list[tuple[float, int, int]] = []
    starts = frame["day_start"].to_numpy()
    ends = frame["day_end"].to_numpy()
    docs = frame["doc_id"].to_numpy()
    trig_starts = frame["trigger_start"].to_numpy()
    keys = frame["keys"].to_list()
    actor_keys = frame["actor_keys"].to_list()
    object_words = frame["object_words"].to_list()
    reporting = frame["reporting"].to_numpy()
    coarse = frame["coarse"].to_numpy()
    numbers = _optional(frame, "numbers", frozenset())
    named = _optional(frame, "named_actor_words", frozenset())
    sentence_words = _optional(frame, "sentence_words", frozenset())

    def other_named_actors(i: int, j: int) -> bool:
        # both name their actors, with no word in common, and neither
        # sentence names the other's ("Beijing warned ... anti-China" /
        # "China warned" may be one actor; "Hu" is "Hu Jintao")
        return bool(named[i]) and bool(named[j]) and not (
            named[i] & named[j] or named[i] & sentence_words[j]
            or named[j] & sentence_words[i])

    # 1. one predicate in one article dated twice ("on Thursday, Nov. 20")
    by_trigger: dict = defaultdict(list)
    for i in range(len(frame)):
        by_trigger[(docs[i], trig_starts[i])].append(i)
    for group in by_trigger.values():
        for a in group[1:]:
            pairs.append((3.0, group[0], a))

    # 2. same or synonymous predicate, nested dates, overlapping actors/objects
    by_key: dict = defaultdict(list)
    for i in range(len(frame)):
        for key in keys[i]:
            by_key[key].append(i)
    party_keys = frame["party_keys"].to_list() if "party_keys" in frame.columns \
        else [set()] * len(frame)
    seen: set = set()
    for key, members in by_key.items():
        if len(members) < 2:
            continue
        kind = "deadline" if key == DEADLINE_KEY else "converse" if "~" in key else "same"
        members.sort(key=lambda i: (starts[i], ends[i], i))
        m_starts = [starts[i] for i in members]
        for i in members:
            lo = bisect_left(m_starts, starts[i])
            hi = bisect_right(m_starts, ends[i])
            for j in members[lo:hi]:
                # j starts inside i: nested when it also ends inside i, or
                # when both start on the same day (then i is inside j)
                if j == i or not (ends[j] <= ends[i] or starts[j] == starts[i]):
                    continue
                pair = (min(i, j), max(i, j))
                if (kind, pair) in seen:
                    continue
                seen.add((kind, pair))
                objects = len(object_words[i] & object_words[j]) >= 2 or bool(
                    object_words[i] and object_words[i] == object_words[j])
                if kind != "same":
                    # a converse transfer: the objects must meet (giver and
                    # receiver differ); a deadline: a party or the objects
                    if kind == "converse" and not objects or kind == "deadline" and not (
                            objects or party_keys[i] & party_keys[j]):
                        continue
                    cos = _cosine(vectors[i], vectors[j])
                    if (coarse[i] or coarse[j]) and cos < supporting:
                        continue
                    pairs.append((1.0 + cos, pair[0], pair[1]))
                    continue
                meet = actors_meet(actor_keys[i], actor_keys[j])
                overlap = meet or objects
                # within one article, a predicate told twice with no actor
                # against it is one event
                same_doc = docs[i] == docs[j] and (
                    not actor_keys[i] or not actor_keys[j] or overlap)
                if not overlap and not same_doc:
                    continue
                cos = _cosine(vectors[i], vectors[j])
                if (reporting[i] or reporting[j] or coarse[i] or coarse[j] or not overlap) \
                        and cos < supporting:
                    continue
                if (reporting[i] or reporting[j]) and not meet and cos < reported:
                    continue
                if docs[i] != docs[j] and (conflicting_numbers(numbers[i], numbers[j])
                                           or other_named_actors(i, j)):
                    continue    # "totaled 1.96 billion" / "48.89 billion"; "John
                    #             Howard condemned the attacks" / "Iraq condemned"
                pairs.append((1.0 + cos, pair[0], pair[1]))

    # 3. sentences close in meaning, same date interval, related predicates
    #    or the same actors, no conflicting figures or named actors
    sentence_keys = _optional(frame, "sentence_keys", frozenset())
    by_interval: dict = defaultdict(list)
    for i in range(len(frame)):
        by_interval[(starts[i], ends[i])].append(i)
    for members in by_interval.values():
        if len(members) < 2:
            continue
        for r, c, sim in similar_pairs([vectors[i] for i in members], same_event):
            i, j = members[r], members[c]
            meet = actors_meet(actor_keys[i], actor_keys[j])
            related = bool(keys[i] & keys[j]) \
                or reporting[i] and bool(sentence_keys[i] & keys[j]) \
                or reporting[j] and bool(sentence_keys[j] & keys[i])
            if not (related or meet):
                continue
            if not meet and other_named_actors(i, j):
                continue        # "John Howard condemned" / "Iraq condemned"
            if conflicting_numbers(numbers[i], numbers[j]):
                continue        # "475 million" / "197 million"
            pairs.append((sim, min(i, j), max(i, j)))
    return pairs


def _optional(frame: pd.DataFrame, name: str, default) -> list:
    return frame[name].to_list() if name in frame.columns else [default] * len(frame)


def conflicting_numbers(a: frozenset, b: frozenset) -> bool:
    """Whether two sentences' figures (:func:`sentence_numbers`) disagree:
    both give some and neither set holds the other."""
    return bool(a) and bool(b) and not (a <= b or b <= a)


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def sentence_numbers(text: str) -> frozenset:
    """The figures of a sentence ("475 million" -> "475", "1,200" ->
    "1200"), years (1000-2199) left out: dates are compared on their own."""
    out = set()
    for match in _NUMBER.finditer(text):
        raw = match.group().rstrip(",")
        value = raw.replace(",", "")
        if raw.isdigit() and len(raw) == 4 and 1000 <= int(raw) <= 2199:
            continue
        out.add(value)
    return frozenset(out)


def _agreement(frame: pd.DataFrame):
    """agree(i, j) for mention positions of ``frame``: from one article, or
    a shared predicate key with actors, objects or a deadline's parties in
    common.  A coarse date is only narrowed by a mention it agrees with."""
    docs = frame["doc_id"].astype(str).to_list()
    keys = frame["keys"].to_list()
    actor_keys = frame["actor_keys"].to_list()
    objs = frame["object_words"].to_list()
    parties = _optional(frame, "party_keys", set())

    def agree(i: int, j: int) -> bool:
        if docs[i] == docs[j]:
            return True
        if not keys[i] & keys[j]:
            return False
        return actors_meet(actor_keys[i], actor_keys[j]) or len(objs[i] & objs[j]) >= 2 or bool(
            objs[i] and objs[i] == objs[j]) or bool(parties[i] & parties[j])
    return agree


def _event_id(mention_ids: Iterable[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(mention_ids)).encode("utf-8")).hexdigest()
    return "ev-" + digest[:12]


def _confidence(base: float, n_sources: int, n_docs: int, undated: bool) -> float:
    """Event confidence: the mentions' confidence times a corroboration that
    grows with each independent source (and less with each further article
    of a source already counted)."""
    conf = merge_settings()["confidence"]
    if base <= 0:
        base = float(conf["default_base"])
    doubt = (1 - float(conf["single_source"])) \
        * float(conf["per_source"]) ** max(0, n_sources - 1) \
        * float(conf["per_document"]) ** max(0, n_docs - n_sources)
    value = base * (1 - doubt)
    if undated:
        value = min(value, float(conf["undated_cap"]))
    return round(value, 3)


GRANULARITY_ORDER = ["time", "day", "week", "month", "quarter", "season", "year", "decade",
                     "century"]


def merge(mentions: pd.DataFrame, documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give mentions that report the same real-world event one ``event_id``.

    mentions, documents: tables shaped like mentions.csv and documents.csv
    (list cells joined by ``tables.LIST_SEP``, dates as ISO strings).

    A DATE or TIME mention with a date and a trigger takes part.  Two such
    mentions (from any articles, or the same one) are one event when their
    dates are compatible (one interval inside the other, which includes the
    same day) and either their predicates are the same or synonymous with
    overlapping actors or objects, or their sentences are close in meaning
    (same interval only) with related predicates or the same actors, and no
    conflicting figures or different named actors (see
    :func:`candidate_pairs`).  Two further cases (merge.toml): converse
    predicates of one transfer ("submit" / "receive") with overlapping
    objects, and mentions naming one deadline ("sign by next Thursday",
    "Trump's deadline -- set for Thursday") sharing a party or an object.
    Mentions of articles that duplicate another are left out.  Clusters never join when their intervals do not intersect,
    nor when that would narrow a coarse mention (longer than a week) to a
    finer date of another article whose predicate and actors or objects do
    not agree with it.  Undated mentions (rule "undated", granularity
    "reported") only merge with one another, weighted apart: with or
    without them the dated events are the same.

    Returns (mentions with ``event_id`` filled, events table with
    ``tables.EVENT_COLUMNS``), both independent of the order of the rows.
    """
    mentions = mentions.copy()
    for col in tables.MENTION_COLUMNS:
        if col not in mentions.columns:
            mentions[col] = ""
    mentions["event_id"] = ""
    if mentions.empty:
        return mentions, tables.frame([], tables.EVENT_COLUMNS)
    docs = documents if documents is not None else pd.DataFrame(columns=["doc_id"])
    ids = [str(d) for d in docs.get("doc_id", [])]

    def column(name: str) -> list[str]:
        values = docs[name] if name in docs.columns else [""] * len(ids)
        return [v if isinstance(v, str) else "" for v in values]
    doc_text = dict(zip(ids, column("text")))
    doc_source = dict(zip(ids, column("source")))
    duplicates = {d for d, dup in zip(ids, column("duplicate_of")) if dup}

    published = {d: p for d, p in zip(ids, map(_parse_day, column("published")))
                 if p is not None}
    frame = _candidates(mentions.astype(object).where(mentions.notna(), ""), duplicates,
                        published, doc_text)
    if frame.empty:
        return mentions, tables.frame([], tables.EVENT_COLUMNS)
    pairs = []
    # undated pseudo-mentions (rule "undated") only ever meet each other, with
    # their own word weights, so that they add events and change no dated one
    undated = (frame["rule"].astype(str).eq("undated")
               | frame["granularity"].astype(str).eq("reported")).to_numpy()
    for part in (np.flatnonzero(~undated), np.flatnonzero(undated)):
        if len(part) < 2:
            continue
        sub = frame.iloc[part]
        pairs += [(score, int(part[i]), int(part[j]))
                  for score, i, j in candidate_pairs(sub, _vectors(sub, doc_text))]
    # canonical order: strongest pairs first, ties by mention ids
    mention_ids = frame["mention_id"].to_list()
    pairs.sort(key=lambda p: (-round(p[0], 6), mention_ids[p[1]], mention_ids[p[2]]))
    clusters = _Clusters(frame["day_start"].to_list(), frame["day_end"].to_list(),
                         _agreement(frame))
    for _, i, j in pairs:
        clusters.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(frame)):
        groups[clusters.find(i)].append(i)

    records = frame.to_dict("records")
    event_rows = []
    event_ids = [""] * len(frame)
    for root, members in groups.items():
        row = _event_row([records[i] for i in members], clusters.start[root],
                         clusters.end[root], doc_text, doc_source)
        event_rows.append(row)
        for i in members:
            event_ids[i] = row["event_id"]
    mentions.loc[frame.index, "event_id"] = event_ids
    events = tables.frame(event_rows, tables.EVENT_COLUMNS)
    events = events.sort_values(["date_start", "date_end", "event_id"], kind="stable")
    return mentions, events.reset_index(drop=True)


@lru_cache(maxsize=1)
def _converse_lemmas() -> dict:
    """lemma -> the names of the converse pairs it belongs to ("handover" ->
    {"submit~receive"})."""
    out: dict = defaultdict(set)
    for pair in merge_settings().get("converse", {}).get("pairs", []):
        name = "~".join(words[0] for words in pair)
        for words in pair:
            for word in words:
                out[word].add(name)
    return dict(out)


def converse_keys(trigger: str, summary: str = "", actors: str = "") -> set[str]:
    """The converse pairs (merge.toml) of a mention's predicate: its
    trigger's, and those of the first words of its summary after the actors
    ("Kiev confirmed receiving ..." -> "submit~receive")."""
    table = _converse_lemmas()
    keys = set(table.get((trigger or "").lower(), ()))
    text = summary or ""
    for name in sorted(_split(actors), key=len, reverse=True):
        text = text.replace(name, " ")
    words = [w for w in _WORD.findall(text.lower()) if w not in _stop_words()]
    for word in words[:3]:
        for form in _lemma_forms(word):
            if form in table:
                keys |= table[form]
                break
    return keys


@lru_cache(maxsize=1)
def _deadline_patterns() -> tuple:
    settings = merge_settings().get("deadline", {})
    preps = sorted(settings.get("prepositions", []), key=len, reverse=True)
    before = re.compile(r"(?:^|[^\w])(?:" + "|".join(re.escape(p) for p in preps)
                        + r")\s+(?:the\s+)?$", re.IGNORECASE) if preps else None
    nouns = frozenset(n.lower() for n in settings.get("nouns", []))
    grans = frozenset(settings.get("preposition_granularities", []))
    return before, nouns, int(settings.get("window", 4)), grans


_WORD_OR_NAME = re.compile(r"[\w’'\-]+")


def is_deadline(text: str, start: int, end: int, sentence_start: int, sentence_end: int,
                future: bool = True, granularity: str = "") -> bool:
    """Whether the expression at ``text[start:end]`` names a deadline: it
    follows a deadline preposition ("by next Thursday"; only when ``future``,
    the date not before the publication day, and for a date no coarser than
    a month: "cut emissions by 2030" is a target), or a deadline noun is
    within a few words of it ("Trump's deadline -- set for Thursday"); see
    the ``[deadline]`` settings of merge.toml."""
    if not (0 <= sentence_start <= start <= end <= sentence_end <= len(text)):
        return False
    before_re, nouns, window, grans = _deadline_patterns()
    left = text[sentence_start:start]
    fine = not granularity or not grans or granularity in grans
    if future and fine and before_re is not None and before_re.search(left[-40:]):
        return True
    left_words = [w.lower().replace("’", "'").split("'")[0]
                  for w in _WORD_OR_NAME.findall(left)][-window:]
    right_words = [w.lower().replace("’", "'").split("'")[0]
                   for w in _WORD_OR_NAME.findall(text[end:sentence_end])][:window]
    return any(w in nouns for w in left_words + right_words)


def object_words(object_text: str) -> set[str]:
    """The content words of an object compared in merging, less the words
    that name a predicate ("talks" in "for talks", "visit"): two objects
    that share only those share no participant or thing."""
    lex = lexicon()
    return {w for w in content_words(object_text)
            if not any(f in lex.synonyms or f in lex.event_nouns for f in _lemma_forms(w))}


def _party_keys(actors: str, entities: str, summary: str, object_text: str) -> set[str]:
    """The actors' keys and those of the sentence's entities named in the
    summary or the object: the parties of a deadline."""
    keys = _name_keys(actors)
    described = f"{summary} {object_text}"
    for name in _split(entities):
        if name and name in described:
            keys |= _name_keys(name)
    return keys


def _candidates(mentions: pd.DataFrame, duplicates: set,
                published: Optional[dict] = None, doc_text: Optional[dict] = None
                ) -> pd.DataFrame:
    """The mentions taking part in merging (DATE/TIME with a date and a
    trigger, not from a duplicate article), sorted by mention id, with the
    columns merging needs added."""
    lex = lexicon()
    published = published or {}
    doc_text = doc_text or {}
    starts = mentions["date_start"].map(_parse_day)
    ends = mentions["date_end"].map(_parse_day)
    keep = (mentions["type"].isin(["DATE", "TIME"]) & starts.notna()
            & (mentions["trigger"].astype(str) != "")
            & ~mentions["doc_id"].isin(duplicates))
    frame = mentions[keep].copy()
    if frame.empty:
        return frame
    frame["mention_id"] = frame["mention_id"].astype(str)
    frame["day_start"] = [d.toordinal() for d in starts[keep]]
    frame["day_end"] = [(e if e is not None and e >= s else s).toordinal()
                        for s, e in zip(starts[keep], ends[keep])]
    frame["trigger_start"] = pd.to_numeric(frame["trigger_start"], errors="coerce").fillna(-1)
    keys = [predicate_keys(t, o, su, a) for t, o, su, a in zip(
        frame["trigger"].astype(str), frame["object"].astype(str),
        frame["summary"].astype(str), frame["actors"].astype(str))]
    deadline = []
    for row, day in zip(frame.to_dict("records"), frame["day_start"]):
        pub = published.get(str(row["doc_id"]))
        deadline.append(is_deadline(
            doc_text.get(str(row["doc_id"]), ""), int(_number(row.get("start"), -1)),
            int(_number(row.get("end"), -1)), int(_number(row.get("sentence_start"), -1)),
            int(_number(row.get("sentence_end"), -1)),
            future=pub is None or day >= pub.toordinal(),
            granularity=str(row.get("granularity", "") or "")))
    frame["deadline"] = deadline
    frame["keys"] = [k | converse_keys(t, su, a) | ({DEADLINE_KEY} if dl else set())
                     for k, t, su, a, dl in zip(
                         keys, frame["trigger"].astype(str), frame["summary"].astype(str),
                         frame["actors"].astype(str), deadline)]
    frame["party_keys"] = [
        _party_keys(a, e, su, o) if dl else set() for a, e, su, o, dl in zip(
            frame["actors"].astype(str), frame["entities"].astype(str),
            frame["summary"].astype(str), frame["object"].astype(str), deadline)]
    frame["actor_keys"] = [actor_keys(a) for a in frame["actors"].astype(str)]
    frame["object_words"] = [object_words(o) for o in frame["object"].astype(str)]
    frame["reporting"] = frame["trigger"].astype(str).str.lower().isin(lex.reporting)
    frame["coarse"] = ((frame["day_end"] - frame["day_start"]) > 7) \
        | frame["granularity"].astype(str).eq("reported")
    records = frame.to_dict("records")
    frame["numbers"] = [sentence_numbers(_sentence_text(r, doc_text, blank_mention=True))
                        for r in records]
    frame["named_actor_words"] = [_named_actor_words(a, e) for a, e in zip(
        frame["actors"].astype(str), frame["entities"].astype(str))]
    frame["sentence_words"] = [frozenset(_LETTERS.findall(_sentence_text(r, doc_text).lower()))
                               for r in records]
    frame["sentence_keys"] = [
        _word_keys(_sentence_text(r, doc_text)) if rep else frozenset()
        for r, rep in zip(records, frame["reporting"])]
    return frame.sort_values("mention_id", kind="stable")


_LETTERS = re.compile(r"[a-z]+")


def _named_actor_words(actors: str, entities: str) -> frozenset:
    """The lower-cased words (stop words left out) of the actors that are
    named entities of their sentence ("John Howard" -> {"john", "howard"})."""
    entity_keys = _name_keys(entities)
    stops = _stop_words() | lexicon().generic_heads     # "summit" is no shared name
    return frozenset(w for name in _split(actors) if _name_keys(name) & entity_keys
                     for w in _LETTERS.findall(_POSSESSIVE.sub("", name).lower())
                     if w not in stops and len(w) > 1)


def _word_keys(text: str) -> frozenset:
    """The predicate synonym sets of any word of ``text``: what a reporting
    sentence reports ("said its forces had captured Kupyansk" -> capture)."""
    lex = lexicon()
    out = set()
    for word in _WORD.findall(text.lower()):
        for form in _lemma_forms(word):
            if form in lex.synonyms:
                out.add(lex.synonyms[form])
                break
    return frozenset(out)


def _sentence_text(row: dict, doc_text: dict, blank_mention: bool = False) -> str:
    """The sentence of a mention row (else its summary and text); with
    ``blank_mention`` the date expression itself is left out."""
    text = doc_text.get(str(row.get("doc_id")), "")
    try:
        start, end = int(row.get("sentence_start")), int(row.get("sentence_end"))
    except (TypeError, ValueError):
        start = end = -1
    if 0 <= start < end <= len(text):
        if blank_mention:
            m_start = int(_number(row.get("start"), -1))
            m_end = int(_number(row.get("end"), -1))
            if start <= m_start < m_end <= end and row.get("rule") != "undated":
                return text[start:m_start] + " " + text[m_end:end]
        return text[start:end]
    if blank_mention:
        return str(row.get("summary", ""))
    return f"{row.get('summary', '')} {row.get('text', '')}"


def _vectors(frame: pd.DataFrame, doc_text: dict) -> list[dict]:
    word_lists = [content_words(_sentence_text(row, doc_text))
                  for row in frame.to_dict("records")]
    df = Counter(w for words in word_lists for w in set(words))
    n = len(word_lists)
    idf = {w: math.log((n + 1) / (c + 1)) + 1 for w, c in df.items()}
    return _tfidf_rows(word_lists, idf)


def _number(value, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _event_row(rows: list[dict], start: int, end: int, doc_text: dict,
               doc_source: dict) -> dict:
    """The events.csv row of one group of mention records."""
    rows = sorted(rows, key=lambda r: str(r["mention_id"]))
    mention_ids = [str(r["mention_id"]) for r in rows]

    def quality(r: dict) -> tuple:
        summary = str(r.get("summary", "") or "")
        return (bool(r.get("actors")), bool(r.get("object")), _number(r.get("confidence")),
                -len(summary) if len(summary) > 90 else 0, str(r["mention_id"]))
    best = max(rows, key=quality)
    triggers = Counter(str(r.get("trigger", "")) for r in rows)
    trigger = max(triggers.items(),
                  key=lambda kv: (kv[1], kv[0] == best.get("trigger"), kv[0]))[0]
    actors = _union_names(str(r.get("actors", "") or "") for r in rows)
    doc_ids = sorted({str(r["doc_id"]) for r in rows})
    sources = sorted({doc_source.get(d, "") for d in doc_ids} - {""})
    n_sources = len({doc_source.get(d, "") or d for d in doc_ids})
    texts = list(dict.fromkeys(str(r.get("text", "")) for r in rows))
    grans = [str(r.get("granularity", "") or "") for r in rows]
    grans = [g for g in grans if g]
    confidences = [c for c in (_number(r.get("confidence")) for r in rows) if c > 0] or [0.0]
    return {
        "event_id": _event_id(mention_ids),
        "date_start": date.fromordinal(start).isoformat(),
        "date_end": date.fromordinal(end).isoformat(),
        "granularity": _granularity(rows, start, end, grans),
        "summary": best.get("summary") or best.get("text", ""),
        "trigger": trigger,
        "actors": tables.LIST_SEP.join(actors),
        "object": best.get("object", "") or "",
        "doc_ids": tables.LIST_SEP.join(doc_ids),
        "sources": tables.LIST_SEP.join(sources),
        "n_docs": len(doc_ids),
        "mention_ids": tables.LIST_SEP.join(mention_ids),
        "texts": tables.LIST_SEP.join(texts),
        "sentence": _sentence_text(best, doc_text),
        "confidence": _confidence(sum(confidences) / len(confidences), n_sources,
                                  len(doc_ids), bool(grans) and all(
                                      g == "reported" for g in grans)),
    }


def _granularity(rows: list[dict], start: int, end: int, grans: list[str]) -> str:
    """The granularity of the mention whose interval is the event's, else
    the finest one."""
    for r in rows:
        if r["day_start"] == start and r["day_end"] == end and r.get("granularity"):
            return str(r["granularity"])
    known = [g for g in grans if g in GRANULARITY_ORDER]
    if known:
        return min(known, key=GRANULARITY_ORDER.index)
    return grans[0] if grans else ""


def _union_names(cells: Iterable[str]) -> list[str]:
    """All actor names, most frequent first; a bare surname is dropped when
    a fuller name ending with it is there ("Rubio" within "Marco Rubio"), or
    a personal name starting with it ("Hu" within "Hu Jintao")."""
    counts: Counter = Counter()
    first: dict = {}
    for cell in cells:
        for name in _split(cell):
            counts[name] += 1
            first.setdefault(name, len(first))
    names = sorted(counts, key=lambda n: (-counts[n], first[n]))
    out = []
    for name in names:
        if any(other != name and (other.endswith(" " + name) or " " not in name
                                  and other.startswith(name + " ") and looks_like_person(other))
               for other in names):
            continue
        out.append(name)
    return out
