"""Finding event mentions: which tokens are events, and whether they are asserted.

* :func:`is_verbal`, :func:`is_event_noun`: the word classes that can carry
  an event (verbs and main uses of be/have/do; event nouns listed in the
  lexicon or derived with an event suffix).
* :func:`refine`: from a governing word to the word that carries the event
  ("has been independent" -> independent, "began to fall" -> begin).
* :func:`not_asserted`: why a predicate makes no asserted, specific event
  ("negated", "hypothetical", "generic").
* :func:`main_event`: the main predicate of a sentence.
* :func:`find_events`: every event mention of an article, with its TimeML
  class (``resources/events/classes.toml``), as ``Article.event_mentions``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from ..article import Article, EventMention
from .lexicon import _toml, lexicon


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


# --- every event mention -----------------------------------------------------------------


@lru_cache(maxsize=1)
def event_classes() -> dict[str, str]:
    """lemma -> TimeML class, from ``resources/events/classes.toml`` (a lemma
    listed under several classes keeps the first in the order of
    :data:`CLASS_PRIORITY`)."""
    table = _toml("classes.toml")["classes"]
    out: dict[str, str] = {}
    for name in CLASS_PRIORITY:
        for word in table.get(name, []):
            out.setdefault(word.replace("_", " "), name)
    return out


#: which class a lemma listed twice keeps
CLASS_PRIORITY = ("REPORTING", "PERCEPTION", "ASPECTUAL", "I_ACTION", "I_STATE", "STATE")


def event_class(tok) -> str:
    """The TimeML class of an event token: listed in classes.toml by its
    lemma, else OCCURRENCE."""
    return event_classes().get(tok.lemma_.lower(), "OCCURRENCE")


def event_pos(tok) -> Optional[str]:
    """The part of speech under which ``tok`` is an event mention: "VERB" (a
    verb that is no auxiliary), "NOUN" (an event noun, :func:`is_event_noun`),
    "ADJ" (an adjective predicated by a copula whose lemma is listed as a
    state); None when it is none."""
    if tok.pos_ == "VERB":
        return "VERB"
    if tok.pos_ == "NOUN" and is_event_noun(tok):
        return "NOUN"
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp" and tok.head.lemma_.lower() == "be" \
            and tok.lemma_.lower() in event_classes():
        return "ADJ"
    return None


_TENSES = {"VBD": "PAST", "VBZ": "PRESENT", "VBP": "PRESENT", "VBG": "PRESPART",
           "VBN": "PASTPART", "VB": "INFINITIVE"}


def tense_aspect(tok) -> tuple[str, str]:
    """TimeML tense and aspect of a verb token, from its tag and auxiliaries
    ("has been cutting" -> PRESENT, PERFECTIVE_PROGRESSIVE)."""
    if tok.pos_ != "VERB":
        return "NONE", "NONE"
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass") and c.i < tok.i]
    has_have = any(a.lemma_.lower() == "have" for a in auxes)
    progressive = tok.tag_ == "VBG" and any(a.lemma_.lower() == "be" for a in auxes)
    perfect = has_have and (tok.tag_ == "VBN" or progressive)
    aspect = ("PERFECTIVE_PROGRESSIVE" if perfect and progressive else "PERFECTIVE" if perfect
              else "PROGRESSIVE" if progressive else "NONE")
    tense = ""
    for aux in auxes:
        low = aux.lower_
        if low in ("will", "shall", "'ll") or aux.lemma_.lower() == "will":
            tense = "FUTURE"
            break
        if aux.tag_ in _TENSES and aux.tag_ in ("VBD", "VBZ", "VBP"):
            tense = _TENSES[aux.tag_]
            break
        if aux.tag_ == "MD":
            tense = "NONE"
            break
    if not tense:
        tense = _TENSES.get(tok.tag_, "NONE")
    return tense, aspect


def modality_of(tok) -> str:
    """The modal auxiliary of a verb ("would", "may", "could" ...), or ""."""
    for child in tok.children:
        if child.dep_ == "aux" and child.tag_ == "MD" and child.lower_ not in ("will", "shall", "'ll"):
            return child.lower_
    return ""


def _explicit(article: Article) -> dict[int, int]:
    """Article offset of each dated predicate (the trigger
    :func:`timeline.events.dating.anchor` picked) -> index of the first
    mention that dates it."""
    out: dict[int, int] = {}
    for k, mention in enumerate(article.mentions):
        if mention.trigger_start >= 0 and mention.rule != "undated":
            out.setdefault(mention.trigger_start, k)
    return out


def find_events(article: Article) -> Article:
    """Fill ``article.event_mentions`` with every event mention of its parsed
    sentences, in text order.

    An event mention is a verb, an event noun or a predicative adjective
    (:func:`event_pos`), or a predicate a temporal expression dates; its
    class comes from ``classes.toml`` (:func:`event_class`), its assertion
    from :func:`not_asserted` (kept in ``no_event``, never dropped).  A
    mention that is the predicate a DATE/TIME expression dates
    (``Mention.trigger_start``, set by ``events.dating.anchor``) takes that
    result: actors, object, summary, the mention's index and, when the
    expression has an interval, its date with ``date_source`` "explicit".  The others are left undated (``date_source``
    "none") for the dating and participant steps.  Returns the same article.
    """
    explicit = _explicit(article)
    found: list[EventMention] = []
    for sent in article.sentences:
        doc = sent.doc
        if doc is None:
            continue
        for tok in doc:
            start = sent.start + tok.idx
            k = explicit.get(start, -1)
            pos = event_pos(tok)
            if pos is None and k < 0:
                continue
            if pos is None:
                pos = {"VERB": "VERB", "NOUN": "NOUN", "ADJ": "ADJ"}.get(tok.pos_, "OTHER")
            tense, aspect = tense_aspect(tok)
            event = EventMention(
                start=start, end=start + len(tok.text), text=tok.text,
                trigger=tok.lemma_.lower(), event_class=event_class(tok), pos=pos,
                sentence=sent.index, tense=tense, aspect=aspect, modality=modality_of(tok))
            if k >= 0:
                mention = article.mentions[k]
                event.mention = k
                event.no_event = mention.extra.get("no_event", "")
                if not event.no_event:
                    event.actors = list(mention.actors)
                    event.object = mention.object
                    event.summary = mention.summary
                    if mention.date_start is not None:
                        # (an expression with no interval, "now" or
                        # "recently", names its mention but gives no date)
                        event.date_start, event.date_end = mention.date_start, mention.date_end
                        event.granularity = mention.granularity
                        event.date_source = "explicit"
                        event.confidence = mention.confidence
            else:
                event.no_event = not_asserted(tok)
            event.polarity = "NEG" if event.no_event == "negated" else "POS"
            found.append(event)
    article.event_mentions = found
    return article
