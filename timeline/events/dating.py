"""Dating event mentions: the predicate each temporal expression dates.

* :func:`find_trigger`: in the parse of a sentence, the predicate dated by
  a temporal expression (its governor, with the rules for reported speech,
  clefts, complements, measured spans ...).
* :func:`time_relation`: where an expression lies against the publication date.
* :func:`anchor`: for every DATE/TIME mention of a parsed article, its
  predicate, actors, object and summary (and with ``undated`` the main
  event of each sentence without one, dated by the publication date).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Optional

from ..article import Article, Mention, Sentence
from .detect import (is_event_noun, is_verbal, main_event, nearest_verb, not_asserted, refine,
                     span_tokens)
from .lexicon import _toml, lexicon
from .coref import coreference_of
from .participants import (NameIndex, _subject_tokens, _with_conjuncts, actor_names, object_of,
                           sentence_entities)
from .summaries import summary_of


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
    names = coreference_of(article)
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


# --- a date for every event mention ------------------------------------------------------


@lru_cache(maxsize=1)
def dating_settings() -> dict:
    """The settings of ``resources/events/dating.toml``."""
    return _toml("dating.toml")


def finite_class(tok) -> str:
    """The tense class of a finite verb: "future" (will, shall), "modal"
    (would, could, may ...), "perfect" (a present perfect: "has sold"),
    "pluperfect" (a past perfect: "had sold"), "past" (a simple past),
    "present", or "" for a
    non-finite form, a noun or an adjective."""
    if tok.pos_ not in ("VERB", "AUX"):
        return ""
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass") and c.i < tok.i]
    for aux in auxes:
        low = aux.lower_
        if low in ("will", "shall", "'ll", "wo", "ll") or aux.lemma_.lower() == "will":
            return "future"
        if aux.tag_ == "MD":
            return "modal"
    if any(a.lemma_.lower() == "have" and a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "perfect"
    if tok.tag_ == "VBN" and any(a.lemma_.lower() == "have" and a.tag_ == "VBD"
                                 for a in auxes):
        return "pluperfect"
    for aux in auxes:
        if aux.tag_ == "VBD":
            return "past"
        if aux.tag_ in ("VBZ", "VBP"):
            # "is going to close": a plan
            if aux.lemma_.lower() == "be" and tok.lower_ == "going" and any(
                    c.dep_ == "xcomp" for c in tok.children):
                return "future"
            return "present"
    if tok.tag_ == "VBD":
        return "past"
    if tok.tag_ in ("VBZ", "VBP"):
        return "present"
    return ""


def clause_class(tok, max_steps: int = 8) -> str:
    """The tense class of the clause ``tok`` belongs to: its own
    (:func:`finite_class`), else that of the nearest finite verb above it
    ("to cut", "the sale" take the verb that governs them); "" when none."""
    cur = tok
    for _ in range(max_steps):
        cls = finite_class(cur)
        if cls:
            return cls
        if cur.head.i == cur.i:
            return ""
        cur = cur.head
    return ""


def _crosses_report(child, head) -> bool:
    """Whether ``child`` is the reported clause of the reporting verb ``head``
    ("said on Tuesday it had closed ...": the closing keeps its own time)."""
    return child.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in lexicon().reporting


def _through_other_time(tok, not_through: frozenset) -> bool:
    """Whether ``tok`` is linked to its head through a word that puts it at
    another time ("after its launch", "before the vote", "when it fell"):
    it is, or it has as marker, one of ``not_through``."""
    if tok.lower_ in not_through:
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ in not_through:
        return True
    return any(c.dep_ in ("mark", "advmod") and c.lower_ in not_through and c.i < tok.i
               for c in tok.children)


def _noun_inherits_from(tok, dated: dict, noun_deps: frozenset, noun_preps: frozenset):
    """The dated predicate an event noun is an argument of (one link up,
    or through one of ``noun_preps``), or None."""
    head = tok.head
    if tok.dep_ in noun_deps and head.i in dated:
        return dated[head.i]
    if tok.dep_ == "pobj" and head.lower_ in noun_preps and head.dep_ == "prep" \
            and head.head.i in dated and head.head.pos_ in ("VERB", "AUX"):
        return dated[head.head.i]
    return None


def _marks_alternative(tok, phrases: frozenset) -> bool:
    """Whether ``tok`` is a word of a two-word marker of the alternative not
    taken (``[alternatives] phrases``: "rather than", "instead of").  A bare
    "rather" or "instead" is not one: "Instead, it called on the
    ministries" tells what was done."""
    doc = tok.doc
    after = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
    before = doc[tok.i - 1].lower_ if tok.i > 0 else ""
    return f"{tok.lower_} {after}" in phrases or f"{before} {tok.lower_}" in phrases


def _alternative(tok, phrases: frozenset) -> bool:
    """Whether ``tok`` names the alternative not taken: "rather than
    **recall**", "instead of **raising**" (a marker of ``[alternatives]
    phrases`` as an adverb or a mark before it, on the preposition it hangs
    on, or on the "than" that joins it: "cut spending rather than **raise**
    taxes"), or a conjunct of one ("rather than recall the phones or
    **offer** a fix")."""
    if not phrases:
        return False
    cur = tok
    for _ in range(4):
        if any(c.dep_ in ("advmod", "mark") and c.i < cur.i and _marks_alternative(c, phrases)
               for c in cur.children):
            return True
        head = cur.head
        if cur.dep_ in ("pobj", "pcomp") and head.i != cur.i and (
                _marks_alternative(head, phrases)
                or any(c.dep_ == "advmod" and _marks_alternative(c, phrases)
                       for c in head.children)):
            return True
        if cur.dep_ != "conj" or head.i == cur.i:
            return False
        if any(c.dep_ == "cc" and head.i < c.i < cur.i and (
                _marks_alternative(c, phrases)
                or any(_marks_alternative(g, phrases) for g in c.children))
               for c in head.children):
            return True     # "cut spending rather than raise taxes"
        cur = head
    return False


def _inherited_from(tok, dated: dict, deps: frozenset, max_steps: int,
                    not_through: frozenset = frozenset()):
    """The dated event mention of a governing clause of ``tok``, or None:
    climbs heads through clause and phrase links (``[inherit] deps``), never
    into a reporting verb from its reported clause, and only while the tense
    classes agree (a future conjunct keeps none of a past date)."""
    own = finite_class(tok)
    cur = tok
    for _ in range(max_steps):
        head = cur.head
        if head.i == cur.i or cur.dep_ not in deps or _crosses_report(cur, head) \
                or _through_other_time(cur, not_through):
            return None
        event = dated.get(head.i)
        if event is not None:
            if own and own != clause_class(head) and {own, clause_class(head)} != {
                    "past", "pluperfect"}:
                return None
            return event
        cur = head
    return None


_OPENING_QUOTES = frozenset({"“", "«", "„"})
_CLOSING_QUOTES = frozenset({"”", "»"})


def in_quotation(tok, opened: bool = False) -> bool:
    """Whether ``tok`` stands inside a direct quotation of its sentence: an
    opening quote mark before it not yet closed (curly or guillemet), or an
    odd number of straight double quotes before it (even, when the sentence
    starts inside a quotation ``opened`` in an earlier sentence: '... into
    the cloud," said Jobs')."""
    depth, straight = 0, int(opened)
    for t in tok.doc[tok.sent.start:tok.i]:
        for ch in t.text:
            if ch in _OPENING_QUOTES:
                depth += 1
            elif ch in _CLOSING_QUOTES:
                depth = max(0, depth - 1)
            elif ch == '"':
                straight += 1
    return depth > 0 or straight % 2 == 1


def _blank_line_between(text: str, end: int, start: int) -> bool:
    return "\n\n" in text[end:start] or "\n \n" in text[end:start]


def date_events(article: Article) -> Article:
    """Give every event mention of ``article`` a date and its ``date_source``.

    Run after :func:`timeline.events.detect.find_events` (which sets the
    "explicit" dates: the mention's own temporal expression), on parsed
    sentences.  An asserted event mention (``no_event`` empty) without a
    date is dated, in this order:

    * "inherited": the date of a dated predicate that governs it in the
      parse through a clause or phrase link ("On Tuesday the board met and
      approved the merger": approve is Tuesday), with agreeing tenses, never
      across the reported clause of a reporting verb;
    * "narrative": the reference time of the story in its tense class
      ("past", "present", "future": the last explicit or inherited date of a
      clause of that class), carried forward to the later events of the same
      class for at most ``[narrative] max_sentences`` sentences past the last
      one that set or used it (sentences in another tense do not use it);
      replaced by a new date of the class, reset by a blank line; verbs only
      (an event noun has no tense: it inherits only as the argument of a
      dated predicate), never an infinitive (``[narrative] not_tenses``)
      nor, with ``into_quotations = false``, a word of direct speech;
    * "reported": no time in the text, in a clause of the past, the
      present perfect or the past perfect (``[reported] classes``), or a
      state in the present ("the phone has two cameras", ``[reported]
      present_classes``): placed at the publication date with granularity
      "reported" and low confidence;
    * "none": anything else with nothing to anchor it (future, modal, an
      infinitive, a present event that is not a state), or an article with
      no publication date.  Events not asserted (negated, hypothetical, generic) keep no
      date unless their own expression gave one.

    Confidence falls in that order (``resources/events/dating.toml``).
    Returns the same article.
    """
    settings = dating_settings()
    conf = settings["confidence"]
    deps = frozenset(settings["inherit"]["deps"])
    max_steps = int(settings["inherit"]["max_steps"])
    narrative = settings["narrative"]
    max_gap = int(narrative["max_sentences"])
    classes = frozenset(narrative["classes"])
    grans = frozenset(narrative["granularities"])
    reported_classes = frozenset(settings["reported"]["classes"])
    reported_pos = frozenset(settings["reported"]["pos"])
    present_classes = frozenset(settings["reported"].get("present_classes", []))
    present_values = frozenset(settings["reported"].get("present_values", []))
    modifier_deps = frozenset(settings["inherit"].get("participle_modifier_deps", []))
    not_through = frozenset(settings["inherit"]["not_through"])
    alternatives = frozenset(phrase.lower() for phrase in
                             settings.get("alternatives", {}).get("phrases", []))
    noun_deps = frozenset(settings["inherit"]["noun_deps"])
    noun_preps = frozenset(settings["inherit"]["noun_prepositions"])
    narrative_pos = frozenset(narrative["pos"])
    not_tenses = frozenset(narrative.get("not_tenses", []))
    into_quotes = bool(narrative.get("into_quotations", True))
    future_presents = frozenset(narrative.get("not_after_publication", []))
    participle_no_reference = frozenset(narrative.get("participle_modifiers_set_none", []))
    nouns_from_story = bool(settings["inherit"].get("nouns_from_story", False))
    infinitive_deps = frozenset(settings["inherit"].get("infinitives_from_story", []))
    intensional = frozenset(settings["inherit"].get("intensional_classes", []))
    relative_none = bool(narrative.get("relative_to_dated_none", False))
    by_sentence: dict[int, list] = {}
    for event in article.event_mentions:
        by_sentence.setdefault(event.sentence, []).append(event)
    # the reference time of each tense class: (event giving it, last sentence using it)
    refs: dict[str, tuple] = {}
    last_end = None
    quote_open = False      # a straight-quoted speech left open by the sentences before
    for sent in article.sentences:
        items = by_sentence.get(sent.index, [])
        paragraph = last_end is not None and _blank_line_between(article.text, last_end,
                                                                 sent.start)
        last_end = sent.end
        if paragraph:
            refs = {}
            quote_open = False
        opened = quote_open
        quote_open = (article.text[sent.start:sent.end].count('"') + quote_open) % 2 == 1
        if sent.doc is None or not items:
            continue
        toks = {sent.start + tok.idx: tok for tok in sent.doc}
        tok_of = [(e, toks.get(e.start)) for e in items]
        # an alternative not taken ("rather than recall") keeps only its own date
        tok_of = [(e, t) for e, t in tok_of
                  if t is None or e.date_source == "explicit" or not _alternative(t, alternatives)]
        dated = {t.i: e for e, t in tok_of if t is not None and e.date_start is not None
                 and e.date_source == "explicit"}
        # 1. inherited, in tree order (a chain of clauses takes the nearest date)
        for event, tok in tok_of:
            if tok is None or event.date_start is not None or event.no_event:
                continue
            if event.pos == "NOUN":
                source = _noun_inherits_from(tok, dated, noun_deps, noun_preps)
            elif tok.tag_ == "VBN" and tok.dep_ in modifier_deps:
                source = None
            else:
                source = _inherited_from(tok, dated, deps, max_steps, not_through)
            if source is not None:
                _set_date(event, source, "inherited",
                          source.confidence * float(conf["inherited_factor"]))
                event.mention = source.mention
        # 2. the reference times: one per tense class, dropped when unused
        # for too long, replaced by the last date of their class here
        refs = {cls: ref for cls, ref in refs.items() if sent.index - ref[1] <= max_gap}
        root = sent.doc[:].root if len(sent.doc) else None
        root_cls = clause_class(root) if root is not None else ""
        current = dict(refs)
        for event, tok in tok_of:
            if tok is not None and event.date_start is not None and not event.no_event \
                    and event.date_source in ("explicit", "inherited") \
                    and event.granularity in grans:
                if tok.tag_ in ("VBN", "VBG") and tok.dep_ in participle_no_reference:
                    continue    # "demand enjoyed during Christmas": of the noun, not the story
                cls = clause_class(tok)
                if cls in future_presents and article.published is not None \
                        and event.date_start > article.published:
                    continue    # "the service goes live on July 1": a scheduled future
                if cls in classes:
                    current[cls] = (event, sent.index)
        # 3. narrative, then reported or none
        for event, tok in tok_of:
            if event.date_start is not None or event.no_event or event.tense in not_tenses:
                continue
            cls = (clause_class(tok) if tok is not None else "") or root_cls
            if relative_none and tok is not None and _through_other_time(tok, not_through) \
                    and tok.dep_ in ("conj", "advcl") and tok.head.i in dated:
                continue    # "returned in 1996 and soon after reassumed": told from that date
            ref = current.get(cls) if event.pos in narrative_pos else None
            if ref is not None and not into_quotes and tok is not None \
                    and in_quotation(tok, opened):
                ref = None
            if ref is not None:
                source = ref[0]
                _set_date(event, source, "narrative",
                          min(float(conf["narrative_cap"]),
                              source.confidence * float(conf["narrative_factor"])))
                current[cls] = (source, sent.index)
                continue
            if article.published is not None and event.pos in reported_pos and (
                    cls in reported_classes
                    or (cls == "present" and event.event_class in present_classes)
                    or (cls == "present" and _own_value(article, event) in present_values)):
                event.date_start = event.date_end = article.published
                event.granularity = "reported"
                event.date_source = "reported"
                event.confidence = float(conf["reported"])
        # 4. an event noun that is the argument of a predicate dated by the story or
        # the publication ("during his speech he stated ...") shares its time
        if nouns_from_story:
            story = {t.i: e for e, t in tok_of if t is not None and e.date_start is not None
                     and e.pos != "NOUN" and e.date_source in ("narrative", "reported")}
            for event, tok in tok_of:
                if tok is None or event.pos != "NOUN" or event.date_start is not None \
                        or event.no_event:
                    continue
                source = _noun_inherits_from(tok, story, noun_deps, noun_preps)
                if source is not None:
                    _set_date(event, source, source.date_source,
                              source.confidence * float(conf["inherited_factor"]))
        # 5. an infinitive completing a predicate dated by the story or the
        # publication ("returned to the stage to reveal ...", "moved on to talk
        # about ..."), as it would inherit that predicate's own date, shares its
        # time -- unless the predicate is intensional ("asked him to stay"), or
        # the infinitive is direct speech, as for the story's reference time
        if infinitive_deps:
            story = {t.i: e for e, t in tok_of if t is not None and e.date_start is not None
                     and e.pos == "VERB" and e.date_source in ("narrative", "reported")
                     and e.event_class not in intensional}
            for event, tok in tok_of:
                if tok is None or event.pos != "VERB" or event.tense != "INFINITIVE" \
                        or event.date_start is not None or event.no_event \
                        or tok.dep_ not in infinitive_deps or tok.head.i not in story \
                        or _through_other_time(tok, not_through) \
                        or (not into_quotes and in_quotation(tok, opened)):
                    continue
                source = story[tok.head.i]
                _set_date(event, source, source.date_source,
                          source.confidence * float(conf["inherited_factor"]))
        refs = current
    return article


def _own_value(article, event) -> str:
    """The TIMEX3 value of the expression anchored on ``event`` ("" if none)."""
    k = event.mention
    if k is None or k < 0 or k >= len(article.mentions):
        return ""
    return article.mentions[k].value or ""


def _set_date(event, source, how: str, confidence: float) -> None:
    event.date_start, event.date_end = source.date_start, source.date_end
    event.granularity = source.granularity
    event.date_source = how
    event.confidence = round(confidence, 3)
