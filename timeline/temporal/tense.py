"""The tense of the clause holding an expression: "past", "future",
"present", "prospective" (ahead of a past moment: "agreed to meet on
Tuesday") or "" (unknown).

A year-less date is placed by it: "met on Friday" is the Friday before the
publication date, "will meet on Friday" the one after.  With a spaCy parse
of the sentence the verb governing the expression decides; without one,
lexical cues in the sentence (``resolution.toml``).
"""

from __future__ import annotations

from ..article import Article, Mention
from .rules import rules


def governor(sent, start: int, end: int):
    """(verb governing the span, root token of the span) from the parse."""
    doc = sent.doc
    span = doc.char_span(start - sent.start, end - sent.start, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, None
    tok = first = span.root
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound") \
                and not span.start <= tok.i < span.end:
            return tok, first
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return (tok if tok.pos_ in ("VERB", "AUX") else None), first


def tense(article: Article, mention: Mention) -> str:
    """The tense of the mention's clause ("" when nothing tells).

    Prepositions right before it decide first ("since Monday": past, "set
    for Thursday": future); an expression that modifies a noun ("Friday's
    ruling") takes no tense from the clause.
    """
    if not 0 <= mention.sentence < len(article.sentences):
        return ""
    cues = rules().resolution["tense"]
    sent = article.sentences[mention.sentence]
    before = article.text[max(sent.start, mention.start - 24):mention.start]
    if cues["past_preceding"].search(before) or cues["reported_preceding"].search(before):
        return "past"
    if cues["future_preceding"].search(before) or cues["ahead_of_phrase"].search(
            article.text, max(sent.start, mention.start - 80), mention.start):
        return "future"
    if sent.doc is not None:
        verb, head = governor(sent, mention.start, mention.end)
        if head is not None and head.dep_ in ("poss", "compound", "nmod", "amod") \
                and head.head.pos_ in ("NOUN", "PROPN"):
            # "Friday's ruling" takes no tense from a future clause ("they will
            # appeal Wednesday's ruling"), but a past one dates it ("won the
            # January polls"); "the December tsunami" is past anyway
            noun = head.head.lemma_.lower()
            if noun in cues["past_event_nouns"]:
                return "past"
            clause = verb_tense(verb) if verb is not None else ""
            weekday = mention.extra.get("kind") == "weekday"
            if clause == "future" and (noun in cues["scheduled_event_nouns"] or weekday
                                       and noun not in cues["outcome_nouns"]):
                # "polls will open during Monday's referendum", "he will miss
                # Wednesday's trip"; not "they will appeal Wednesday's ruling"
                return "future"
            # (a weekday keeps its lean to the nearest: "for Thursday's Times",
            # written on Wednesday, is tomorrow's edition)
            if clause == "present" and noun in cues["scheduled_event_nouns"]:
                return "present"    # "Argentina are one of the seeds for Friday's draw"
            return "past" if clause == "past" and not weekday else ""
        if verb is None:
            return ""
        if cues["until_preceding"].search(before) and (_reaches_now(verb) or verb_tense(
                _main_verb(verb)) in ("present", "future") or _state_in_present(verb)):
            return "future"     # "has given them until Tuesday", "the border stays
                                # closed until Friday": a deadline ahead
        if _reported_object(verb, head) and _period(mention):
            return ""           # "announced a restructuring leading to layoffs during
                                # the third quarter": the nearest one
        found = verb_tense(verb)
        if found == "present" and (_scheduled_copula(verb, head) or _timetable(verb)):
            return "future"     # "the vote is on Friday", "the offer expires Friday"
        return found
    clause = article.text[sent.start:sent.end]
    if cues["lexical_future"].search(clause):
        return "future"
    if cues["lexical_past"].search(clause):
        return "past"
    return ""


def clause_text(article: Article, mention: Mention) -> str:
    """The text of the clause governing the mention: the subtree of its
    governing verb when the sentence is parsed ("the number that stood in
    January", not the rest of the sentence), else the whole sentence."""
    if not 0 <= mention.sentence < len(article.sentences):
        return ""
    sent = article.sentences[mention.sentence]
    whole = article.text[sent.start:sent.end]
    if sent.doc is None:
        return whole
    verb, _ = governor(sent, mention.start, mention.end)
    if verb is None:
        return whole
    tokens = list(verb.subtree)
    return sent.doc.text[tokens[0].idx:tokens[-1].idx + len(tokens[-1])]


def verb_tense(verb, depth: int = 0) -> str:
    """The tense of a spaCy verb token, from its tag and auxiliaries."""
    cues = rules().resolution["tense"]
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {c.lower_ for c in aux}
    if words & {"would", "could", "might", "should"} and words & {"have", "'ve"} \
            and verb.tag_ == "VBN":
        return "past"       # "would have risen by 0.1 percent in October": what was not
    if words & set(cues["future_auxiliaries"]):
        return "future"
    if words & set(cues["modal_auxiliaries"]) and not words & {"have", "'ve"} \
            and (verb.tag_ == "VB" or (verb.tag_ == "VBN" and "be" in words)):
        return "future"     # "could attack on Monday", "could be held on Monday";
                            # not "may have left on Monday"
    deferred = verb.lemma_ in cues["deferral_verbs"] and (
        verb.tag_ == "VBD" or verb.tag_ == "VBN" and words & {"was", "were"})
    if verb.lemma_ in cues["future_verbs"] and (aux or verb.tag_ != "VBN") \
            and not words & set(cues["past_perfect_auxiliaries"]) and not deferred:
        return "future"     # "has scheduled ... Thursday"; not "a meeting planned for ...",
                            # nor "had been scheduled to expire Friday"
    if (verb.tag_ == "VB" or verb.tag_ == "VBN" and "be" in words) \
            and any(c.lower_ == "to" for c in aux):      # "to meet", "to be announced"
        gov = verb.head
        intent = gov.lower_ in cues["intent_adjectives"]
        if gov.pos_ == "ADJ" and gov.head.i != gov.i:
            gov = gov.head          # "had been due to expire"
        if gov.i != verb.i and gov.pos_ in ("VERB", "AUX") and depth < 3:
            if _past_perfect(gov):
                return "past"       # "had been scheduled to expire Friday": the plan is over
            if verb_tense(gov, depth + 1) == "past":
                if gov.lemma_ in cues["intent_verbs"] or intent:
                    # ahead of a past moment ("decided in October to cut output
                    # from November"): a weekday lies ahead ("agreed to meet
                    # Tuesday"), a month is the nearest
                    return "prospective"
                return ""           # (not "were due to arrive by Friday": ahead)
        return "future"
    if verb.tag_ == "VBG" and not aux and verb.dep_ in ("pcomp", "conj") and depth < 3:
        prep = verb.head if verb.dep_ == "pcomp" else verb.head.head
        if prep.lower_ in ("after", "since"):
            return "past"   # "would be reluctant ... after losing him in the summer"
        if prep.lower_ == "of" and prep.head.lemma_ in cues["accusation_words"]:
            return "past"   # "accused of kidnapping and executing a civilian on April 26"
    if verb.tag_ == "VBG" and not aux and verb.dep_ in _NONFINITE and depth < 3:
        # a bare participle has no tense of its own: it takes its clause's
        # ("has fluctuated, rising to a high in June from $29.75 in March")
        gov = verb.head            # (spaCy makes a new Token per access: compare indices)
        while gov.pos_ not in ("VERB", "AUX") and gov.head.i != gov.i:
            gov = gov.head
        if gov.i != verb.i and gov.pos_ in ("VERB", "AUX"):
            return verb_tense(gov, depth + 1)
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" for c in aux):
        return "past"
    if verb.tag_ == "VBN":
        if words & {"has", "have", "had", "was", "were", "'ve", "'d"}:
            return "past"
        return "present" if aux else "past"
    if verb.tag_ in ("VBZ", "VBP", "VBG") or any(c.tag_ in ("VBZ", "VBP") for c in aux):
        return "present"
    return ""


# the relations of a participle hanging on a clause, not heading one
_NONFINITE = ("advcl", "pcomp", "xcomp", "acl")


def _main_verb(verb):
    """The finite verb above a participle or adjective complement: "stays"
    in "stays closed until Friday" (spaCy makes a new Token per access:
    compare indices)."""
    for _ in range(3):
        aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        if aux or verb.tag_ not in ("VBN", "VBG", "JJ") or verb.head.i == verb.i \
                or verb.dep_ not in ("acomp", "xcomp", "oprd", "ccomp", "conj"):
            return verb
        verb = verb.head
    return verb


def _state_in_present(verb) -> bool:
    """True for a participle right after a verb of state in the present
    ("stays closed", "remains shut"), which the parser may take for a noun."""
    cues = rules().resolution["tense"]
    if verb.tag_ != "VBN" or verb.i == 0 or any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    return verb.doc[verb.i - 1].lower_ in cues["state_verbs_present"]


def _period(mention) -> bool:
    """True for a month, season, quarter or half named without a day."""
    g = mention.extra.get("groups") or {}
    return mention.extra.get("kind") == "calendar" and not (g.get("day") or g.get("dayword")) \
        and bool(g.keys() & {"quarter", "half", "qcode", "qspan", "season", "month"})


def _reported_object(verb, head) -> bool:
    """True when the only tense cue is a reporting verb whose object noun
    phrase holds the expression ("announced a restructuring leading to
    layoffs during the third quarter"): the report's tense does not date
    what it reports."""
    cues = rules().resolution["tense"]
    if head is None:
        return False
    top, noun = verb, False
    if verb.tag_ == "VBG" and verb.dep_ == "acl" and not any(
            c.dep_ in ("aux", "auxpass") for c in verb.children):
        top = verb.head                       # the participle hangs on a noun
        noun = True
        while top.pos_ not in ("VERB", "AUX") and top.head.i != top.i:
            top = top.head
    if top.lemma_ not in cues["reporting_verbs"]:
        return False
    if any(c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") for c in top.children):
        noun = True                           # "announced layoffs during the third quarter"
    tok = head
    for _ in range(10):                       # from the expression up to the verb
        if tok.i == top.i or tok.head.i == tok.i:
            break
        if tok.i != head.i and tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("dobj", "pobj",
                                                                              "nsubjpass", "attr"):
            noun = True
        tok = tok.head
    return noun and tok.i == top.i


def _past_perfect(verb) -> bool:
    """True for a verb in the past perfect ("had been scheduled")."""
    perfect = set(rules().resolution["tense"]["past_perfect_auxiliaries"])
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in perfect for c in verb.children)


def _reaches_now(verb) -> bool:
    """True for a verb in the present or the present perfect ("runs",
    "has given"): a state lasting "until" a day lasts from now on."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"has", "have", "'ve"}:
        return not aux & {"had", "'d"}
    return verb.tag_ in ("VBZ", "VBP") and not aux & {"did", "was", "were"}


def _timetable(verb) -> bool:
    """True for a timetable verb in the simple present, without auxiliary:
    "the offer expires on Dec. 31", "talks resume Monday"."""
    cues = rules().resolution["tense"]
    if verb.lemma_ not in cues["scheduled_verbs"] or verb.tag_ not in ("VBZ", "VBP"):
        return False
    return not any(c.dep_ in ("aux", "auxpass", "neg") for c in verb.children)


def _scheduled_copula(verb, head) -> bool:
    """True for a copula in the simple present that governs the day itself,
    or through "on" ("the vote is on Friday", "the deadline is Monday"): a
    scheduled day, ahead."""
    cues = rules().resolution["tense"]
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")]
    if verb.lemma_ not in cues["scheduled_copulas"] or verb.tag_ not in ("VBZ", "VBP") or aux:
        return False
    up = head.head
    if up.dep_ == "prep" and up.lower_ in cues["scheduled_prepositions"]:
        up = up.head
    return up.i == verb.i
