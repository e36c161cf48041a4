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
  class (``resources/events/detection.toml``), as ``Article.event_mentions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

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


@dataclass(frozen=True)
class DetectionRules:
    """The rules of ``resources/events/detection.toml``."""

    #: lemma -> TimeML class, per part of speech ("VERB", "NOUN", "ADJ")
    classes: dict
    verb_deps_not_events: frozenset
    prep_verbs_events: frozenset
    participles_as_prepositions: frozenset
    participles_not_events: frozenset
    verbs_not_events: frozenset
    noun_deps_not_events: frozenset
    event_nouns: frozenset
    noun_suffixes: tuple
    nouns_not_events: frozenset
    state_adjectives: frozenset
    copulas: frozenset
    #: classes a verb keeps only with an event as argument (else OCCURRENCE)
    need_event_argument: frozenset
    #: lemmas that keep their class only with an event as argument
    need_argument_words: frozenset
    nouns_need_complement: frozenset = frozenset()
    noun_complement_words: frozenset = frozenset()
    quote_is_argument: frozenset = frozenset()
    intensional_always: frozenset = frozenset()
    amount_nouns_state: frozenset = frozenset()
    nouns_after_not_events: tuple = ()
    #: verbs that make an amount-measured result noun their object a STATE
    amount_state_governors: frozenset = frozenset()
    #: lemmas that keep their class only with a clause as argument
    need_clause_argument: frozenset = frozenset()
    #: verbs of possession that are STATEs in the simple present
    present_possession_state: frozenset = frozenset()
    #: verb -> object nouns of speech that make it REPORTING ("gave no reason")
    speech_objects: dict = None
    #: verbs that are ASPECTUAL with an object and its predicate ("kept rates firm")
    object_predicate_aspectual: frozenset = frozenset()
    #: noun lemma -> class it has with a "to" infinitive ("an effort to reduce costs")
    infinitive_noun_classes: dict = None
    #: reporting verbs that are OCCURRENCEs in the passive ("he was quoted as saying")
    passive_occurrences: frozenset = frozenset()
    #: verbs that are events only with a direct object and no clause ("had a loss")
    verbs_need_object: frozenset = frozenset()
    #: dependencies in which a noun in "-ing" is an event ("resumed the bombing")
    gerund_noun_deps: frozenset = frozenset()
    #: whether a verb the rules reject stays no event where an expression anchors on it
    anchored_verbs_need_detection: bool = False
    #: naming participles that are events where a temporal expression dates them
    #: ("Jobs, born on February 24, 1955"; "a child born abroad" names)
    dated_participles_events: frozenset = frozenset()
    #: light verb -> object nouns that name the event it supports ("gave a keynote")
    light_verb_objects: dict = None
    #: whether a verb's extent takes in its particle right after it ("showed off")
    particle_in_extent: bool = False


#: which class a lemma listed twice keeps
CLASS_PRIORITY = ("REPORTING", "PERCEPTION", "ASPECTUAL", "I_ACTION", "I_STATE", "STATE")


def _class_table(table: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in CLASS_PRIORITY + ("OCCURRENCE",):
        for word in table.get(name, []):
            out.setdefault(word.replace("_", " "), name)
    return out


@lru_cache(maxsize=1)
def rules() -> DetectionRules:
    """Load (once) the detection rules."""
    raw = _toml("detection.toml")
    verbs = _class_table(raw["classes"])
    nouns = _class_table(raw.get("noun_classes", {}))
    adjectives = dict(verbs)
    adjectives.update(_class_table(raw.get("adjective_classes", {})))
    det = raw["detection"]
    return DetectionRules(
        classes={"VERB": verbs, "NOUN": nouns, "ADJ": adjectives},
        verb_deps_not_events=frozenset(det["verb_deps_not_events"]),
        prep_verbs_events=frozenset(det.get("prep_verbs_events", [])),
        participles_as_prepositions=frozenset(det.get("participles_as_prepositions", [])),
        participles_not_events=frozenset(det.get("participles_not_events", [])),
        verbs_not_events=frozenset(det["verbs_not_events"]),
        noun_deps_not_events=frozenset(det["noun_deps_not_events"]),
        event_nouns=frozenset(det["event_nouns"]),
        noun_suffixes=tuple(det["noun_suffixes"]),
        nouns_not_events=frozenset(det["nouns_not_events"]),
        state_adjectives=frozenset(det["state_adjectives"]),
        copulas=frozenset(det["copulas"]),
        need_event_argument=frozenset(det["need_event_argument"]),
        need_argument_words=frozenset(det.get("need_argument_words", [])),
        nouns_need_complement=frozenset(det.get("nouns_need_complement", [])),
        noun_complement_words=frozenset(det.get("noun_complement_words", [])),
        quote_is_argument=frozenset(det.get("quote_is_argument", [])),
        intensional_always=frozenset(det.get("intensional_always", [])),
        amount_nouns_state=frozenset(det.get("amount_nouns_state", [])),
        nouns_after_not_events=tuple(tuple(w.split()) for w in det.get("nouns_after_not_events", [])),
        amount_state_governors=frozenset(det.get("amount_state_governors", [])),
        need_clause_argument=frozenset(det.get("need_clause_argument", [])),
        present_possession_state=frozenset(det.get("present_possession_state", [])),
        speech_objects={verb: frozenset(nouns)
                        for verb, nouns in raw.get("speech_objects", {}).items()},
        object_predicate_aspectual=frozenset(det.get("object_predicate_aspectual", [])),
        infinitive_noun_classes=_class_table(raw.get("infinitive_noun_classes", {})),
        passive_occurrences=frozenset(det.get("passive_occurrences", [])),
        verbs_need_object=frozenset(det.get("verbs_need_object", [])),
        gerund_noun_deps=frozenset(det.get("gerund_noun_deps", [])),
        anchored_verbs_need_detection=bool(det.get("anchored_verbs_need_detection", False)),
        dated_participles_events=frozenset(det.get("dated_participles_events", [])),
        light_verb_objects={verb: frozenset(nouns)
                            for verb, nouns in raw.get("light_verb_objects", {}).items()},
        particle_in_extent=bool(det.get("particle_in_extent", False)),
    )


def event_class(tok, pos: str = "VERB") -> str:
    """The TimeML class of an event token of part of speech ``pos``: listed
    in detection.toml by its lemma, else OCCURRENCE (STATE for an
    adjective).  A verb of a class that introduces another event (I_ACTION,
    I_STATE, ASPECTUAL: ``need_event_argument``) keeps it only when it has
    one (:func:`has_event_argument`): "declined to comment" is an I_ACTION,
    "shares declined 5%" an OCCURRENCE."""
    r = rules()
    default = "STATE" if pos == "ADJ" else "OCCURRENCE"
    table = r.classes.get(pos, r.classes["VERB"])
    lemma = lemma_of(tok, table)
    cls = table.get(lemma, default)
    if pos == "NOUN" and lemma in r.amount_nouns_state and _with_amount(tok) \
            and _governed_by(tok, r.amount_state_governors):
        return "STATE"          # "had a net loss of $4 million"
    if pos == "VERB" and tok.tag_ == "VBN" and tok.dep_ in ("acomp", "oprd") \
            and tok.doc.has_annotation("DEP"):
        # a participle a copula predicates is a state, as an adjective
        # would be ("the market was saturated", "they were prepared to")
        adjectives = r.classes["ADJ"]
        cls = adjectives.get(tok.lower_) or adjectives.get(lemma_of(tok, adjectives), "STATE")
        return "I_STATE" if cls == "I_STATE" else "STATE"
    if pos == "NOUN" and r.infinitive_noun_classes and lemma in r.infinitive_noun_classes \
            and _with_infinitive(tok):
        return r.infinitive_noun_classes[lemma]     # "an effort to reduce costs"
    if pos == "VERB" and lemma in r.passive_occurrences and _passive(tok):
        return "OCCURRENCE"     # "he was quoted as saying": the saying reports
    if pos == "VERB" and lemma in r.present_possession_state and _present_possession(tok):
        return "STATE"          # "the fund holds a 5% stake"
    if pos == "VERB" and r.speech_objects and lemma in r.speech_objects \
            and _object_lemma(tok) in r.speech_objects[lemma]:
        return "REPORTING"      # "police gave no details"
    if pos == "VERB" and lemma in r.object_predicate_aspectual and _object_predicate(tok):
        return "ASPECTUAL"      # "kept interest rates firm"
    if pos == "VERB" and lemma in r.need_clause_argument and not _clause_argument(tok):
        return "OCCURRENCE"     # "wrote a letter"; "wrote that ..." is REPORTING
    if pos == "VERB" and cls != "OCCURRENCE" and lemma not in r.intensional_always and (
            cls in r.need_event_argument or lemma in r.need_argument_words) \
            and not has_event_argument(tok) \
            and not (lemma in r.quote_is_argument and _quoting(tok)):
        return "OCCURRENCE"
    return cls


def _governed_by(tok, verbs: frozenset) -> bool:
    """Whether a noun is the object of one of ``verbs`` ("had a loss"),
    directly or as a conjunct of that object ("had sales of $40 million and
    a loss of $1.5 million"); in a sentence with tags only, whether the
    nearest verb before it, within six words, is one of them."""
    if not verbs:
        return True
    if not tok.doc.has_annotation("DEP"):
        for k in range(tok.i - 1, max(-1, tok.i - 7), -1):
            word = tok.doc[k]
            if word.pos_ in ("VERB", "AUX") and word.dep_ not in ("aux", "auxpass") \
                    and word.lemma_.lower() not in ("be",):
                return word.lemma_.lower() in verbs
        return False
    node = tok
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    return node.dep_ == "dobj" and node.head.lemma_.lower() in verbs


def _present_possession(tok) -> bool:
    """A verb in the simple present (no auxiliary before it) with an object
    that is no event: "the fund now holds 15% of the shares", but "holds
    talks" and "is holding" are occurrences."""
    if tok.tag_ not in ("VBZ", "VBP"):
        return False
    if not tok.doc.has_annotation("DEP"):
        nxt = _next(tok)
        return nxt is not None and not _eventive(nxt) and nxt.pos_ not in ("ADP", "PART", "PUNCT")
    objects = [c for c in tok.children if c.dep_ == "dobj"]
    return bool(objects) and not any(_eventive(o) for o in objects)


def _passive(tok) -> bool:
    """Whether a participle is passive: with a passive auxiliary or an
    agent ("was quoted as saying", "sources quoted by the paper"); in a
    sentence with tags only, a participle after a form of "be" or before
    "by" or "as"."""
    if tok.tag_ != "VBN":
        return False
    if not tok.doc.has_annotation("DEP"):
        before, after = _previous(tok), _next(tok)
        return (before is not None and before.lemma_.lower() == "be") or (
            after is not None and after.lower_ in ("by", "as"))
    return any(c.dep_ in ("auxpass", "agent") for c in tok.children) or tok.dep_ == "acl"


def _with_infinitive(tok) -> bool:
    """Whether a noun takes a "to" infinitive as its complement ("an offer
    to buy the shares"); in a sentence with tags only, whether "to" and a
    base verb follow it."""
    doc = tok.doc
    if not doc.has_annotation("DEP"):
        return tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "to" \
            and doc[tok.i + 2].tag_ == "VB"
    return any(c.dep_ == "acl" and c.pos_ == "VERB" and any(
        g.dep_ == "aux" and g.lower_ == "to" for g in c.children) for c in tok.children)


def _object_lemma(tok) -> str:
    """The lemma of a verb's direct object ("gave no details" -> "detail"),
    or ""; in a sentence with tags only, of the first noun within three
    words after it."""
    if not tok.doc.has_annotation("DEP"):
        for word in tok.doc[tok.i + 1: tok.i + 4]:
            if word.pos_ == "NOUN":
                return word.lemma_.lower()
            if word.pos_ not in ("DET", "ADJ", "NUM", "PRON"):
                break
        return ""
    for child in tok.children:
        if child.dep_ == "dobj":
            return child.lemma_.lower()
    return ""


def _object_predicate(tok) -> bool:
    """Whether a verb has an object and a predicate of that object ("kept
    rates firm", "keep the market guessing"): a dobj and an oprd or a
    clausal complement.  Not read in a sentence with tags only."""
    if not tok.doc.has_annotation("DEP"):
        return False
    deps = {c.dep_ for c in tok.children}
    return "dobj" in deps and bool(deps & {"oprd", "ccomp", "xcomp"}) or (
        "ccomp" in deps and any(g.dep_ == "nsubj" for c in tok.children if c.dep_ == "ccomp"
                                for g in c.children))


def _clause_argument(tok) -> bool:
    """Whether a verb takes a clause as argument (a complement clause,
    "wrote that the deal was off", "made it impossible to enter"); in a
    sentence with tags only, whether "that" follows it."""
    if not tok.doc.has_annotation("DEP"):
        nxt = _next(tok)
        return nxt is not None and nxt.lower_ == "that"
    return any(c.dep_ in ("ccomp", "xcomp") for c in tok.children)


#: quotation marks as spaCy tokenizes them
_QUOTES = frozenset({'"', "``", "''", "\u201c", "\u201d", "'"})


def _with_amount(tok) -> bool:
    """Whether a noun is measured by an amount: a number or currency
    sign among the three words before it ("a $50.9 million loss") or right
    after its "of" ("a loss of $158,666")."""
    doc = tok.doc
    before = doc[max(0, tok.i - 3): tok.i]
    after = doc[tok.i + 1: tok.i + 4]
    amount = lambda t: t.pos_ == "NUM" or t.tag_ == "$" or t.text in ("$", "%")
    if any(amount(t) for t in before):
        return True
    return len(after) > 1 and after[0].lower_ == "of" and any(amount(t) for t in after[1:])


def _quoting(tok) -> bool:
    """Whether a verb introduces or closes a quotation: its sentence holds
    a quotation mark and the verb has no object, standing before a comma, a
    full stop or a quotation mark ("'...,' the official added.", "But, she
    added, ``...''")."""
    doc = tok.doc
    if not any(t.text in _QUOTES for t in doc):
        return False
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return nxt is None or nxt.text in (",", ".", ":", ";") or nxt.text in _QUOTES


def lemma_of(tok, table: dict) -> str:
    """The lemma of ``tok`` as a key of ``table``: spaCy's lemma, else the
    base a regular inflection gives where spaCy's lemma is not in the table
    but that base is ("hoped" -> "hope", which spaCy may give as "hop")."""
    lemma = tok.lemma_.lower()
    if lemma in table:
        return lemma
    low = tok.lower_
    for suffix, repl in (("ied", "y"), ("ing", "e"), ("ed", "e"), ("es", "e"), ("d", ""),
                         ("s", "")):
        if low.endswith(suffix) and low[: len(low) - len(suffix)] + repl in table:
            return low[: len(low) - len(suffix)] + repl
    return lemma


#: dependencies of a clausal complement
_CLAUSAL = frozenset({"xcomp", "ccomp", "csubj", "pcomp"})


def has_event_argument(tok) -> bool:
    """Whether a verb takes another event as its argument: a clause
    ("tried to flee", "said it would sell"), a gerund or event noun as
    object, directly or through a preposition ("began talks", "called for a
    ceasefire", "kept rising"), or as the subject of a passive ("the vote was
    postponed")."""
    if not tok.doc.has_annotation("DEP"):
        return _tagged_argument(tok)
    for child in tok.children:
        dep = child.dep_
        if dep in _CLAUSAL or (dep in ("dobj", "nsubjpass", "attr", "oprd") and _eventive(child)):
            return True
        if dep == "prep" and child.i > tok.i:
            for grand in child.children:
                if grand.dep_ in _CLAUSAL or (grand.dep_ == "pobj" and _eventive(grand)):
                    return True
    return False


def _eventive(tok) -> bool:
    """A verb form, or a noun that is listed as an event or derived with an
    event suffix ("sought approval", "began talks")."""
    if tok.pos_ in ("VERB", "AUX"):
        return True
    if tok.pos_ != "NOUN":
        return False
    r = rules()
    lemma = tok.lemma_.lower()
    return lemma not in r.nouns_not_events and (
        lemma in r.event_nouns or len(lemma) > 5 and lemma.endswith(r.noun_suffixes))


def is_detected_noun(tok) -> bool:
    """A noun that is an event mention: listed among the event nouns of
    detection.toml, or derived with one of its suffixes ("-tion", "-ment",
    "-ing" ...) with an "of" or "by" phrase ("the submission of the plan"),
    and not listed as a non-event."""
    r = rules()
    lemma = tok.lemma_.lower()
    if _light_verb_object(tok):
        return True             # "gave his keynote", "made an appearance"
    if lemma in r.nouns_not_events or tok.lower_ in r.nouns_not_events:
        return False
    if lemma in r.event_nouns or tok.lower_ in r.event_nouns:
        return lemma not in r.nouns_need_complement or _noun_complement(tok)
    if tok.dep_ in r.gerund_noun_deps and tok.lower_.endswith("ing") and len(lemma) > 5:
        return True             # "resumed the shelling", "halted trading"
    return len(lemma) > 5 and lemma.endswith(r.noun_suffixes) and any(
        c.dep_ == "prep" and c.lower_ in ("of", "by") for c in tok.children)


def _light_verb_object(tok) -> bool:
    """Whether a noun is the object of a light verb that it names the event
    of (``[light_verb_objects]`` of detection.toml): "gave his annual
    keynote", "made an appearance", "extended an invitation"."""
    table = rules().light_verb_objects
    if not table or tok.dep_ != "dobj":
        return False
    nouns = table.get(tok.head.lemma_.lower())
    return bool(nouns) and (tok.lemma_.lower() in nouns or tok.lower_ in nouns)


def _in_connective(tok) -> bool:
    """Whether a noun closes a fixed connective phrase ("as a result"):
    the words before it are one of ``nouns_after_not_events``."""
    doc = tok.doc
    for words in rules().nouns_after_not_events:
        k = tok.i - len(words)
        if k >= 0 and tuple(t.lower_ for t in doc[k: tok.i]) == words:
            return True
    return False


def _noun_complement(tok) -> bool:
    """Whether the word after a noun opens its complement ("the plan to
    sell", "charges of fraud", "a threat against"): ``noun_complement_words``
    of detection.toml."""
    doc = tok.doc
    return tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in rules().noun_complement_words


def event_pos(tok, parsed: Optional[bool] = None) -> Optional[str]:
    """The part of speech under which ``tok`` is an event mention, or None:

    * "VERB": a verb (no auxiliary, see spaCy's AUX) not in one of the
      dependencies TimeML leaves out (adjectival participles "the proposed
      merger", prepositions "including", "based on") nor listed as no event;
    * "NOUN": an event noun (:func:`is_detected_noun`) that is no modifier
      of another noun ("the takeover bid": only the bid);
    * "ADJ": an adjective predicated by a copula ("is dead", "remained
      available") that is listed as a state or is a participle
      ("pleased", "prepared").

    ``parsed`` says whether the token's sentence has a dependency parse
    (read from the doc when not given).  Only a VERB, a NOUN or an ADJ is
    ever an event mention (:data:`EVENT_POS`).
    """
    if not (tok.doc.has_annotation("DEP") if parsed is None else parsed):
        return tagged_event_pos(tok)
    r = rules()
    if tok.pos_ == "VERB":
        lemma = tok.lemma_.lower()
        if tok.dep_ in r.verb_deps_not_events and lemma not in r.prep_verbs_events \
                or lemma in r.verbs_not_events:
            return None
        if tok.dep_ == "acl" and tok.tag_ == "VBN" and lemma in r.participles_not_events:
            return None         # "the quarter ended Sept. 30", "known as"
        if lemma in r.verbs_need_object and (
                not any(c.dep_ == "dobj" for c in tok.children)
                or any(c.dep_ in ("ccomp", "xcomp") for c in tok.children)):
            return None         # "than they have", "to have the boy returned"
        if lemma in ("have", "go") and any(
                c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children)
                for c in tok.children) and (lemma == "have" or tok.tag_ == "VBG"):
            return None         # "had to leave": a modal; "is going to leave": a future
        return "VERB"
    if tok.pos_ == "NOUN":
        if tok.dep_ in r.noun_deps_not_events or not tok.is_alpha or _in_connective(tok):
            return None
        return "NOUN" if is_detected_noun(tok) else None
    if tok.pos_ == "ADJ" and tok.dep_ in ("acomp", "oprd") \
            and tok.head.lemma_.lower() in r.copulas:
        lemma = tok.lemma_.lower()
        if lemma in r.state_adjectives or (tok.lower_.endswith("ed") and tok.tag_ == "JJ"):
            return "ADJ"
    return None


# --- sentences with tags only (no dependency parse) ------------------------------------
#
# A sentence no temporal candidate needs is only tagged (see
# ``timeline.nlp.parse``); its event mentions are found from the tags and
# the neighbouring words, with the same resources as above.


def _next(tok, skip=("ADV", "PART")):
    """The next token of ``tok`` past adverbs and particles, or None."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and doc[i].pos_ in skip and doc[i].lower_ not in ("to", "not", "n't"):
        i += 1
    return doc[i] if i < len(doc) else None


def _previous(tok, skip=("ADV", "PART")):
    doc = tok.doc
    i = tok.i - 1
    while i >= 0 and doc[i].pos_ in skip:
        i -= 1
    return doc[i] if i >= 0 else None


def tagged_event_pos(tok) -> Optional[str]:
    """:func:`event_pos` for a token of a sentence with tags only: the
    dependencies are read off the neighbours (a participle between a
    determiner or adjective and a noun is adjectival, "the proposed merger";
    a noun before a noun modifies it, "takeover bid"; an adjective after a
    copula is predicative, "is dead")."""
    r = rules()
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    prev = doc[tok.i - 1] if tok.i > 0 else None
    lemma = tok.lemma_.lower()
    pos = tok.pos_
    if pos == "VERB":
        if lemma in r.verbs_not_events:
            return None
        if prev is not None and prev.text == "-":
            return None         # "state-owned", "profit-taking"
        before_noun = nxt is not None and nxt.pos_ in ("NOUN", "PROPN", "ADJ", "NUM")
        starts = ("DET", "ADJ", "NUM", "CCONJ", "PUNCT") + (("ADP",) if tok.tag_ == "VBN" else ())
        if tok.tag_ in ("VBN", "VBG") and before_noun \
                and (prev is None or prev.pos_ in starts or prev.tag_ == "PRP$"):
            return None         # "the proposed merger", "a growing number", "on promised aid"
        if lemma == "go" and tok.tag_ == "VBG" and nxt is not None and nxt.lower_ == "to":
            return None         # "is going to break": a future
        if tok.tag_ == "VBG" and lemma in r.participles_as_prepositions \
                and lemma not in r.prep_verbs_events:
            return None         # "including", "following"
        if tok.tag_ == "VBN" and prev is not None and prev.pos_ == "NOUN" \
                and lemma in r.participles_not_events:
            return None         # "the quarter ended Sept. 30", "known as"
        if lemma == "have" and nxt is not None and nxt.lower_ == "to":
            return None         # "had to leave"
        if lemma in r.verbs_need_object:
            after = _next(tok)
            if after is None or after.pos_ not in ("DET", "NOUN", "PROPN", "NUM", "PRON", "ADJ") \
                    and after.tag_ != "$":
                return None     # "than they have", "as it has for years"
        return "VERB"
    if tok.pos_ == "NOUN":
        if not tok.is_alpha or (nxt is not None and (nxt.pos_ in ("NOUN", "PROPN")
                                                     or nxt.tag_ == "POS")):
            return None         # a modifier: "takeover bid", "the war's end"
        if _tagged_light_verb_object(tok):
            return "NOUN"       # "gave his keynote"
        if lemma in r.nouns_not_events or tok.lower_ in r.nouns_not_events \
                or _in_connective(tok):
            return None
        if lemma in r.event_nouns or tok.lower_ in r.event_nouns:
            if lemma in r.nouns_need_complement and not _noun_complement(tok):
                return None
            return "NOUN"
        if len(lemma) > 5 and lemma.endswith(r.noun_suffixes) and nxt is not None \
                and nxt.lower_ in ("of", "by"):
            return "NOUN"
        return None
    if tok.pos_ == "ADJ":
        before = _previous(tok)
        if before is not None and before.pos_ in ("AUX", "VERB") \
                and before.lemma_.lower() in r.copulas \
                and (nxt is None or nxt.pos_ not in ("NOUN", "PROPN")) \
                and (lemma in r.state_adjectives or (tok.lower_.endswith("ed") and tok.tag_ == "JJ")):
            return "ADJ"
    return None


def _tagged_light_verb_object(tok) -> bool:
    """:func:`_light_verb_object` from the words before a noun: a light verb
    it is listed for, with only determiners, adjectives and possessives
    between ("made a brief appearance")."""
    table = rules().light_verb_objects
    if not table:
        return False
    for k in range(tok.i - 1, max(-1, tok.i - 5), -1):
        word = tok.doc[k]
        if word.pos_ in ("VERB", "AUX"):
            nouns = table.get(word.lemma_.lower())
            return bool(nouns) and (tok.lemma_.lower() in nouns or tok.lower_ in nouns)
        if word.pos_ not in ("DET", "ADJ", "PRON", "NUM", "ADV") and word.tag_ != "PRP$":
            return False
    return False


def _tagged_argument(tok) -> bool:
    """:func:`has_event_argument` from the words after a verb: "to" and a
    verb, "that", a gerund, or an event noun within a short phrase."""
    doc = tok.doc
    nxt = _next(tok)
    if nxt is None:
        return False
    if nxt.lower_ == "to" and nxt.i + 1 < len(doc) and doc[nxt.i + 1].tag_ == "VB":
        return True
    if nxt.lower_ == "that" or nxt.tag_ in ("VBG", "VB"):
        return True             # "said that", "kept rising", "helped hang"
    # an object and then "to" and a verb, or a preposition and a gerund:
    # "urged its people to keep", "accused of organizing", "prevented
    # them from leaving"
    for k in range(nxt.i, min(len(doc) - 1, nxt.i + 5)):
        word, after = doc[k], doc[k + 1]
        if (word.lower_ == "to" and after.tag_ == "VB") \
                or (word.pos_ == "ADP" and after.tag_ == "VBG"):
            return True
        if word.pos_ not in ("DET", "ADJ", "NUM", "PRON", "PROPN", "NOUN", "ADP", "PART"):
            break
    for k in range(nxt.i, min(len(doc), nxt.i + 4)):
        word = doc[k]
        if word.pos_ == "NOUN":
            return _eventive(word)
        if word.pos_ not in ("DET", "ADJ", "NUM", "PRON", "ADP"):
            break
    return False


def _tagged_negated(tok) -> bool:
    """A verb of a tags-only sentence is negated when "not", "n't" or
    "never" stands among the three words before it."""
    doc = tok.doc
    return any(doc[k].lower_ in ("not", "n't", "never") for k in range(max(0, tok.i - 3), tok.i))


_TENSES = {"VBD": "PAST", "VBZ": "PRESENT", "VBP": "PRESENT", "VBG": "PRESPART",
           "VBN": "PASTPART", "VB": "INFINITIVE"}


def tense_aspect(tok) -> tuple[str, str]:
    """TimeML tense and aspect of a verb token, from its tag and auxiliaries
    ("has been cutting" -> PRESENT, PERFECTIVE_PROGRESSIVE)."""
    if tok.pos_ != "VERB":
        return "NONE", "NONE"
    if tok.doc.has_annotation("DEP"):
        auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass") and c.i < tok.i]
    else:   # tags only: the auxiliaries right before it
        auxes, k = [], tok.i - 1
        while k >= 0 and (tok.doc[k].pos_ in ("AUX", "PART") or tok.doc[k].tag_ == "RB"):
            if tok.doc[k].pos_ == "AUX":
                auxes.append(tok.doc[k])
            k -= 1
        auxes.reverse()
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
    if not tense and auxes and (any(a.tag_ == "TO" for a in auxes)
                                or auxes[0].tag_ == "VB"):
        tense = "INFINITIVE"    # "to be used", "let the phone be used", "to have left"
    if not tense:
        tense = _TENSES.get(tok.tag_, "NONE")
    return tense, aspect


def modality_of(tok) -> str:
    """The modal auxiliary of a verb ("would", "may", "could" ...), or ""."""
    if not tok.doc.has_annotation("DEP"):
        k = tok.i - 1
        while k >= 0 and (tok.doc[k].pos_ in ("AUX", "PART") or tok.doc[k].tag_ == "RB"):
            if tok.doc[k].tag_ == "MD" and tok.doc[k].lower_ not in ("will", "shall", "'ll"):
                return tok.doc[k].lower_
            k -= 1
        return ""
    for child in tok.children:
        if child.dep_ == "aux" and child.tag_ == "MD" and child.lower_ not in ("will", "shall", "'ll"):
            return child.lower_
    return ""


def _particle(tok):
    """The particle of a phrasal verb right after it ("showed off", "step
    down"), which its extent takes in (``particle_in_extent``), or None."""
    if not rules().particle_in_extent or tok.i + 1 >= len(tok.doc):
        return None
    nxt = tok.doc[tok.i + 1]
    if tok.doc.has_annotation("DEP"):
        return nxt if nxt.dep_ == "prt" and nxt.head.i == tok.i else None
    return nxt if nxt.tag_ == "RP" else None


def _explicit(article: Article) -> dict[int, int]:
    """Article offset of each dated predicate (the trigger
    :func:`timeline.events.dating.anchor` picked) -> index of the first
    mention that dates it."""
    out: dict[int, int] = {}
    for k, mention in enumerate(article.mentions):
        if mention.trigger_start >= 0 and mention.rule != "undated":
            out.setdefault(mention.trigger_start, k)
    return out


#: the parts of speech an event mention can have (:func:`event_pos`)
EVENT_POS = ("VERB", "NOUN", "ADJ")


@lru_cache(maxsize=1)
def _event_pos_ids() -> frozenset:
    """spaCy's ids of the parts of speech of :data:`EVENT_POS`."""
    from spacy.symbols import IDS as SYMBOLS

    return frozenset(SYMBOLS[p] for p in EVENT_POS)


def _candidates(doc, offset: int, explicit: dict) -> Iterator:
    """The tokens of ``doc`` (a sentence starting at ``offset`` in its
    article) that can be event mentions: those of :data:`EVENT_POS`, and
    those a temporal expression dates (``explicit``: article offsets).  Read
    from the doc's arrays, so the other tokens cost nothing."""
    from spacy.attrs import IDX, POS

    wanted = _event_pos_ids()
    for i, (pos, idx) in enumerate(doc.to_array([POS, IDX]).tolist()):
        if pos in wanted or offset + idx in explicit:
            yield doc[i]


def find_events(article: Article) -> Article:
    """Fill ``article.event_mentions`` with every event mention of its
    sentences (parsed, or tagged only: see :func:`tagged_event_pos`), in
    text order.

    An event mention is a verb, an event noun or a predicative adjective
    (:func:`event_pos`), or a predicate a temporal expression dates (but,
    with ``anchored_verbs_need_detection`` in detection.toml, not a verb the
    rules reject: "was" in "the vote was on Tuesday", "compared"); its
    class comes from ``detection.toml`` (:func:`event_class`), its assertion
    from :func:`not_asserted` (kept in ``no_event``, never dropped).  A
    mention that is the predicate a DATE/TIME expression dates
    (``Mention.trigger_start``, set by ``events.dating.anchor``) takes that
    result: actors, object, summary, the mention's index and, when the
    expression has an interval, its date with ``date_source`` "explicit".
    The others are left undated (``date_source`` "none") for the dating and
    participant steps.  Returns the same article.
    """
    explicit = _explicit(article)
    anchored_verbs_detected = rules().anchored_verbs_need_detection
    found: list[EventMention] = []
    for sent in article.sentences:
        doc = sent.doc if sent.doc is not None else sent.tags
        if doc is None:
            continue
        parsed = doc.has_annotation("DEP")
        for tok in _candidates(doc, sent.start, explicit):
            start = sent.start + tok.idx
            k = explicit.get(start, -1)
            pos = event_pos(tok, parsed)
            if pos is None and k >= 0 and tok.pos_ == "VERB" \
                    and tok.lemma_.lower() in rules().dated_participles_events:
                pos = "VERB"    # "Jobs, born on February 24, 1955": the birth, dated
            if pos is None and k >= 0 and not (
                    anchored_verbs_detected and tok.pos_ in ("VERB", "AUX")):
                # the predicate a temporal expression dates, though the
                # rules above take no event there ("a sale due Friday")
                pos = {"VERB": "VERB", "NOUN": "NOUN", "ADJ": "ADJ"}.get(tok.pos_, "OTHER")
            if pos is None:
                # with anchored_verbs_need_detection, a verb the rules reject
                # is no event mention even where an expression anchors on it:
                # a copula ("was on Tuesday"), a relation ("compared with $3
                # a year earlier"), a naming participle ("the quarter ended
                # Sept. 30"); the expression keeps its trigger
                continue
            tense, aspect = tense_aspect(tok)
            particle = _particle(tok) if pos == "VERB" else None
            text = tok.text if particle is None else doc.text[tok.idx:particle.idx + len(particle)]
            event = EventMention(
                start=start, end=start + len(text), text=text,
                trigger=tok.lemma_.lower(), event_class=event_class(tok, pos), pos=pos,
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
            elif parsed:
                event.no_event = not_asserted(tok)
            else:
                event.no_event = "negated" if _tagged_negated(tok) else ""
            event.polarity = "NEG" if event.no_event == "negated" else "POS"
            found.append(event)
    article.event_mentions = found
    return article
