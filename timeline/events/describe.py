"""Who did what to whom, for every event mention: actors, object, summary.

:func:`describe_events` fills ``actors`` (PropBank Arg0: the agents, as
canonical entity names through :class:`timeline.events.coref.Coreference`),
``object`` (Arg1: the patient or theme) and ``summary`` of each event mention
of an article:

* active verbs: the subject is the agent, the direct object (else the
  complement, the reported clause, a prepositional object) the patient
  ("the shipyard delivered two frigates": shipyard / two frigates);
* passives: the "by" phrase is the agent, the subject the patient ("the
  merger was approved by the board": board / the merger);
* verbs of change with no direct object (``resources/events/
  participants.toml``): the subject is the patient and there is no agent
  ("shares fell": object shares);
* a reported clause is an event of its own with its own subject ("Reuters
  reported that the US threatened ...": threaten has the actor US), while
  the reporting verb keeps the outlet;
* event nouns: a possessor or "by" phrase is the agent, the "of" phrase the
  patient ("Russia's attack on Kiev").
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Optional

from ..article import Article
from .coref import Coreference, coreference_of
from .participants import (PASSIVE_SUBJECT_DEPS, SUBJECT_DEPS, _noun_phrase, _phrase_tokens,
                           _shorten, _subject_tokens, _with_conjuncts, _entity_of_phrase,
                           actor_names, object_of)
from .summaries import _passive_subjects, summary_of


@lru_cache(maxsize=1)
def unaccusative_verbs() -> frozenset:
    """The verbs of change whose subject is their patient (participants.toml)."""
    path = resources.files("timeline.resources").joinpath("events", "participants.toml")
    return frozenset(tomllib.loads(path.read_text("utf-8"))["unaccusative"]["verbs"])


def is_unaccusative(tok) -> bool:
    """A verb of change used with no direct object ("shares fell", "the
    plant closed"), whose subject undergoes the event."""
    return tok.pos_ == "VERB" and tok.lemma_.lower() in unaccusative_verbs() and not any(
        c.dep_ in ("dobj", "auxpass") for c in tok.children)


def _object_entity(trig, sent, coref: Coreference) -> Optional[str]:
    """The canonical entity of a short object phrase ("it", "the company",
    "the IAEA", "Apple"), or None."""
    for child in trig.children:
        if child.dep_ in ("dobj", *PASSIVE_SUBJECT_DEPS) and len(list(child.subtree)) <= 4:
            return _entity_of_phrase(child, sent, coref.resolve)
    return None


def roles(tok, sent, coref: Coreference) -> tuple[list[str], str]:
    """(actors, object) of the event token ``tok`` of parsed sentence ``sent``."""
    subj, passive = _subject_tokens(tok)
    subj = _with_conjuncts(subj)
    verb = tok if tok.pos_ == "VERB" else None
    if verb is not None and not passive and is_unaccusative(verb) and subj \
            and all(s.head.i == verb.i and s.dep_ in SUBJECT_DEPS for s in subj):
        # "shares fell": the subject is the patient
        names = actor_names(subj, coref, sent) if any(
            coref.resolve(s, sent) for s in subj) else []
        obj = names[0] if names else _noun_phrase(subj[0], limit=8)
        return [], obj
    if passive:
        patients = [s for s in subj if s.dep_ in PASSIVE_SUBJECT_DEPS] or subj
        actors: list[str] = []
        if patients:
            entity = _entity_of_phrase(patients[0], sent, coref.resolve)
            return actors, entity or _noun_phrase(patients[0], limit=8)
        return actors, object_of(tok)
    actors = actor_names(subj, coref, sent)
    obj = ""
    if verb is not None:
        obj = _object_entity(verb, sent, coref) or ""
        if not obj:
            passive_subj = _passive_subjects(verb)
            if passive_subj and passive_subj[0].i not in {c.i for c in verb.children}:
                # a passive conjunct: its patient is that of its clause
                obj = _entity_of_phrase(passive_subj[0], sent, coref.resolve) or ""
            obj = obj or (_noun_phrase(passive_subj[0], limit=8) if passive_subj
                          else object_of(verb))
    else:
        obj = object_of(tok)
    return actors, obj


def describe_events(article: Article, coref: Optional[Coreference] = None) -> Article:
    """Fill ``actors``, ``object`` and ``summary`` of every event mention of
    the parsed sentences of ``article`` (see the module's docstring); the
    explicit ones keep the summary :func:`timeline.events.dating.anchor` made.  Returns the
    same article."""
    coref = coref or coreference_of(article)
    by_sentence: dict[int, list] = {}
    for event in article.event_mentions:
        by_sentence.setdefault(event.sentence, []).append(event)
    for sent in article.sentences:
        items = by_sentence.get(sent.index)
        if not items or sent.doc is None:
            continue
        toks = {sent.start + t.idx: t for t in sent.doc}
        for event in items:
            tok = toks.get(event.start)
            if tok is None:
                continue
            actors, obj = roles(tok, sent, coref)
            if event.mention >= 0 and event.summary:
                # the dated predicate keeps its summary (events.dating.anchor);
                # its roles are told as for every other event mention
                event.actors, event.object = actors, obj or event.object
                continue
            event.actors, event.object = actors, obj
            event.summary = _with_context(tok, summary_of(tok, actors, None, coref, sent),
                                          sent, coref)
    return article


def _predicate_complement(tok, coref: Coreference, sent) -> str:
    """A participle or adjective said of something, told with what it is
    said of: the object of the verb it completes ("left its allies exposed"
    -> "Its allies exposed"; "whom many see as entangled in ..." -> the noun
    "whom" stands for), the clause of a copula ("The days ... are gone"), or
    the noun it modifies, through coordination ("a balanced and measured
    stance" -> "Balanced and measured stance")."""
    base = tok
    while base.dep_ == "conj" and base.head.i != base.i:
        base = base.head
    head = base.head
    if head.i == base.i:
        return ""
    if base.dep_ == "acomp" and head.pos_ in ("AUX", "VERB") and head.lemma_.lower() in (
            "be", "become", "remain", "seem", "look", "appear", "stay", "get"):
        line = summary_of(head, actor_names(_with_conjuncts(_subject_tokens(head)[0]),
                                            coref, sent), None, coref, sent)
        return line if tok.lower_ in line.lower() and len(line.split()) > 1 else ""
    if base.dep_ in ("ccomp", "oprd", "xcomp", "advcl", "acomp") and head.pos_ == "VERB":
        said_of = [c for c in head.children if c.dep_ == "dobj"]
        if said_of and said_of[0].tag_ in ("WP", "WDT") and head.dep_ == "relcl":
            said_of = [head.head]
        if said_of and said_of[0].i < tok.i:
            names = actor_names(said_of, coref, sent)
            who = names[0] if names and said_of[0].pos_ != "NOUN" else \
                _noun_phrase(said_of[0], limit=8, keep_det=True)
            rest = _shorten([t for t in _phrase_tokens(tok, set()) ], 10)
            return f"{who[:1].upper()}{who[1:]} {rest}" if who and rest else ""
    if base.dep_ == "amod" and head.pos_ in ("NOUN", "PROPN"):
        toks = [t for t in head.subtree if t.i <= head.i and t.dep_ not in ("det",)
                and not (t.dep_ == "poss" and t.pos_ == "PRON")]
        line = _shorten(toks, 10)
        return line[:1].upper() + line[1:] if len(line.split()) > 1 else ""
    return ""


def _in_noun_phrase(tok) -> str:
    """An event noun with nothing of its own, told with the noun phrase it
    is part of ("the consequences of their actions", "practical areas of
    cooperation"), or ""."""
    head = tok.head
    if tok.dep_ != "pobj" or head.dep_ != "prep" or head.head.pos_ not in ("NOUN", "PROPN"):
        return ""
    noun = head.head
    toks = [t for t in noun.subtree if t.i <= noun.i and t.dep_ not in ("relcl", "acl", "appos")
            and t.i >= noun.left_edge.i]
    toks = [t for t in toks if not (t.dep_ == "det" and t.head.i == noun.i)]
    toks += [head] + [t for t in tok.subtree if t.dep_ not in ("relcl", "acl", "appos")]
    line = _shorten(toks, 10)
    return line[:1].upper() + line[1:] if len(line.split()) > 2 else ""


def _with_context(tok, summary: str, sent, coref: Coreference) -> str:
    """A summary that would be a bare word or an infinitive with no subject
    told with its context: an event noun with nothing of its own ("Talks")
    by the clause that governs it ("Zelensky expressed frustration over
    being left out of the discussions"), an infinitive ("To engage") with
    the subject of the clause it depends on ("Moscow to engage")."""
    words = summary.split()
    if not words:
        return summary
    if len(words) == 1 and tok.pos_ in ("VERB", "ADJ"):
        told = _predicate_complement(tok, coref, sent)
        if told:
            return told
    if len(words) == 1 and tok.pos_ == "NOUN":
        cur = tok
        for _ in range(4):
            if cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.pos_ in ("VERB", "AUX"):
                line = summary_of(cur, actor_names(_with_conjuncts(_subject_tokens(cur)[0]),
                                                   coref, sent), None, coref, sent, limit=18)
                if tok.lower_ in line.lower() and len(line.split()) > 1:
                    return line
                break
        return _in_noun_phrase(tok) or summary
    if words[0].lower() == "to" and tok.pos_ == "VERB":
        subj, passive = _subject_tokens(tok)
        who = actor_names(_with_conjuncts(subj), coref, sent) if subj and not passive else []
        if who:
            return f"{' and '.join(who)} {summary[:1].lower()}{summary[1:]}"
    return summary
