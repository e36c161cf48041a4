"""A readable line per event: actor(s), predicate, object, in the text's words."""

from __future__ import annotations

import re
from collections import defaultdict

from ..article import Sentence
from .detect import is_verbal
from .lexicon import lexicon
from .participants import (ACTOR_LABELS, PASSIVE_SUBJECT_DEPS, NameIndex, _clause_subject,
                           _phrase_tokens, _shorten, _timex_skip, _with_conjuncts, actor_names)


def _display_verb(trig):
    """The verb a summary is told from: the copula of a predicate
    ("has been independent"), the top of a chain of complements ("confirmed
    receiving", "is pressing Kiev to accept")."""
    verb = trig
    if trig.pos_ in ("ADJ", "ADV", "ADP", "NOUN") and trig.dep_ in (
            "acomp", "attr", "advmod", "prt", "prep") and is_verbal(trig.head):
        verb = trig.head
    elif trig.tag_ == "VBN" and trig.dep_ == "acomp" and trig.head.lemma_.lower() == "be":
        verb = trig.head      # "the days ... are gone"
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
    if not have_object and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN") \
            and verb.lemma_.lower() not in lex.reporting \
            and not any(c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP")
                        for c in verb.children) \
            and any(c.dep_ == "nsubj" for c in verb.children):
        # "a plan the US submitted": the noun is what was submitted
        head = verb.head
        comps["object"].extend([head, *(c for c in head.children if c.i < head.i
                                        and c.dep_ in ("det", "amod", "compound", "nummod"))])
        have_object = True
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
        patients = _passive_subjects(verb)
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
        if not who and subj and subj[0].pos_ in ("NOUN", "PROPN", "NUM") \
                and not any(s.is_ancestor(verb) for s in subj):
            # no named actor ("shares fell", "the talks ended"): the
            # subject in the text's own words, never a bare verb
            who = _shorten([t for s in subj for t in _phrase_tokens(s, skip)], 8)
        who = _with_determiners(who, subj, names, sent)
        phrase = _verb_phrase(verb, skip, limit)
        line = f"{who} {phrase}" if who else phrase
    line = _readable(line.strip(), trig, skip)
    return line[:1].upper() + line[1:] if line else ""


_REPEATED = re.compile(r"\b(\w+)(\s+\1\b)+", re.IGNORECASE)
_MEDIA_REPORT = re.compile(r"^(?P<who>.+?) (?P<verb>reported|reports|quoted|quotes|cited|cites|"
                           r"revealed|reveals|published|publishes)(?::| that) (?P<what>.+)$")


def _readable(line: str, trig, skip: set) -> str:
    """The last touches of a summary, by general rules: a word the text
    repeats by mistake once ("told told"); an outlet's report told by
    what was reported, the outlet after it ("Reuters reported: the US
    threatened ..." -> "The US threatened ... (Reuters reported)"); an
    infinitive or a participle with no subject told with the noun it
    belongs to ("To end the conflict" -> "US-proposed plan to end the
    conflict"; "Held" -> "trilateral naval exercises held")."""
    line = _REPEATED.sub(r"\1", line)
    words = line.split()
    if trig.pos_ == "NOUN" and len(words) > 2 \
            and words[-1].lower().strip(".,") in {w.lower() for w in words[:-1]}:
        line = " ".join(words[:-1])    # "Major corruption scandal corruption"
    media = _MEDIA_REPORT.match(line)
    if media and trig.lemma_.lower() in ("report", "quote", "cite", "reveal", "publish") \
            and len(media.group("what").split()) >= 3:
        what = media.group("what")
        line = f"{what[:1].upper()}{what[1:]} ({media.group('who')} {media.group('verb')})"
    words = line.split()
    head = trig.head
    if words and (len(words) == 1 or words[0].lower() == "to") and head.i != trig.i \
            and head.pos_ in ("NOUN", "PROPN") and head.i not in skip:
        keep = [c for c in head.children if c.i < head.i and c.i not in skip
                and c.dep_ in ("amod", "compound", "nummod", "poss", "nmod")]
        for child in head.children:
            if child.dep_ == "acl" and child.i != trig.i and child.i < trig.i:
                keep.extend(t for t in child.subtree if t.i < trig.i and t.i not in skip)
        noun = _shorten(sorted({*keep, head}, key=lambda t: t.i), 8)
        if noun:
            line = f"{noun} {line[:1].lower()}{line[1:]}"
    return line


def _passive_subjects(verb) -> list:
    """The patients of a passive verb: its own passive subject, else, for a
    passive conjunct, that of the clause it is coordinated with ("the merger
    was approved by the board and was signed by the chairman")."""
    own = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
    if own or verb.dep_ != "conj" or not any(c.dep_ == "auxpass" for c in verb.children):
        return own
    return [c for c in verb.head.children if c.dep_ in PASSIVE_SUBJECT_DEPS]


def _with_determiners(who: str, subj: list, names, sent) -> str:
    """An actor that is a common noun told with its article, as the text
    has it ("The politician stepped down", "An official said"), not as a
    headline ("Politician stepped down"); names are left as they are."""
    from .participants import _noun_phrase
    resolve = getattr(names, "resolve", None)
    for tok in subj:
        if tok.pos_ != "NOUN" or (resolve is not None and sent is not None
                                  and resolve(tok, sent)):
            continue
        plain = _noun_phrase(tok, limit=10)
        full = _noun_phrase(tok, limit=10, keep_det=True)
        at = _word_start(who, plain) if plain and full != plain else -1
        if at >= 0:
            who = who[:at] + full + who[at + len(plain):]
    return who


def _word_start(text: str, part: str) -> int:
    """Where ``part`` first occurs in ``text`` not right after a letter, a
    digit or "_" (where the regex ``(?<!\\w)`` would find it), or -1."""
    at = text.find(part)
    while at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_"):
        at = text.find(part, at + 1)
    return at


def _list_names(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
