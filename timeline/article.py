"""The one object that flows through the pipeline: an :class:`Article`.

Each stage reads what the stages before it filled in and adds its own part:

1. ``corpus``     makes Articles (id, text, publication date, source, title, url).
2. ``sentences``  splits the text into :class:`Sentence` spans.
3. ``temporal``   finds candidate temporal expressions (cheap, no parse) and
                  marks the sentences that hold one.
4. ``nlp``        parses only the marked sentences with spaCy, and tags the
                  others (part of speech and lemma only).
5. ``temporal``   resolves each candidate into a :class:`Mention` (type, value,
                  interval) using the parse for tense.
6. ``events``     ties each dated mention to the predicate it dates (trigger,
                  actors, object, summary) (``events.dating.anchor``).
7. ``events``     finds every event mention of the parsed sentences, with its
                  TimeML class, as :class:`EventMention` objects
                  (``events.detect.find_events``).

All character offsets are offsets into ``Article.text``: ``text[start:end]``
is always the span that was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional


@dataclass
class Sentence:
    """A sentence of an article: ``article.text[start:end]``.

    ``doc`` is the spaCy ``Doc`` of this sentence alone (its token offsets are
    relative to ``start``), with the dependency parse and named entities; it
    is ``None`` when the sentence was not parsed, which is the case for
    sentences where no temporal candidate needs a parse.  ``tags`` is, for
    those other sentences, a cheaper ``Doc`` with only part-of-speech tags
    and lemmas (no dependency parse, no entities), enough to find their
    event mentions; ``None`` where ``doc`` is set or nothing was tagged.
    """

    index: int
    start: int
    end: int
    needs_parse: bool = False
    doc: Any = None
    tags: Any = None

    def token_at(self, char: int):
        """The spaCy token covering article offset ``char``, or None."""
        if self.doc is None:
            return None
        return self.doc.char_span(char - self.start, char - self.start + 1,
                                  alignment_mode="expand")


@dataclass
class Mention:
    """One temporal expression and what it denotes.

    type: DATE, TIME, DURATION or SET (TIMEX3 types).
    value: the TIMEX3 value ("2025-11-20", "2025-W47", "2025-SP", "197",
        "2025-11-20TEV", "P3Y", "XXXX-12-19", "PRESENT_REF" ...); may be "" for
        a candidate not yet resolved.
    date_start, date_end: inclusive interval the expression denotes; None
        where it denotes none (durations, sets, unresolved expressions).
    granularity: "time", "day", "week", "month", "quarter", "season",
        "year", "decade", "century", "reported" or "" when unknown.
    mod: TIMEX3 modifier kept from the text ("START", "MID", "END",
        "APPROX", "BEFORE", "AFTER", ...) or "".
    anchor: what the value was resolved against: "publication" (the
        article's publication date), "mention:<n>" (an earlier expression
        in the same article, by its index in ``Article.mentions``), or "none"
        (absolute expressions, and relative ones left unresolved).
    confidence: 0..1.
    sentence: index of the sentence in ``Article.sentences``.
    rule: name of the resource pattern that found it (for debugging).
    Event fields (filled by ``events``): trigger (lemma), trigger_start,
    trigger_end (article offsets), actors (list of names), object, summary.
    """

    start: int
    end: int
    text: str
    type: str = "DATE"
    value: str = ""
    date_start: Optional[date] = None
    date_end: Optional[date] = None
    granularity: str = ""
    mod: str = ""
    anchor: str = "none"
    confidence: float = 0.0
    sentence: int = -1
    rule: str = ""
    # filled by events.anchor
    trigger: str = ""
    trigger_start: int = -1
    trigger_end: int = -1
    actors: list[str] = field(default_factory=list)
    object: str = ""
    summary: str = ""
    entities: list[str] = field(default_factory=list)
    # free slot for a stage's own notes (e.g. captured groups of a pattern)
    extra: dict = field(default_factory=dict)


#: the TimeML event classes
EVENT_CLASSES = ("OCCURRENCE", "REPORTING", "STATE", "I_ACTION", "I_STATE", "ASPECTUAL",
                 "PERCEPTION")

#: how an event mention's date was obtained, most confident first (see
#: :class:`EventMention`)
DATE_SOURCES = ("explicit", "inherited", "narrative", "reported", "none")


@dataclass
class EventMention:
    """One mention of an event: a verb, an event noun or a predicative
    adjective of the text (TimeML's EVENT), with what is known of it.

    start, end: article offsets of the trigger word: ``text[start:end]`` of
        the article is ``text``.
    text: the trigger as written ("met", "talks", "dead").
    trigger: its lemma, lower case ("meet", "talk", "dead").
    event_class: the TimeML class, one of :data:`EVENT_CLASSES`
        (OCCURRENCE, REPORTING, STATE, I_ACTION, I_STATE, ASPECTUAL,
        PERCEPTION).
    pos: the trigger's part of speech: "VERB", "NOUN" or "ADJ" (TimeML's
        VERB, NOUN, ADJECTIVE; other parts are "OTHER").
    sentence: index of its sentence in ``Article.sentences``.
    tense, aspect: TimeML's tense (PAST, PRESENT, FUTURE, NONE, INFINITIVE,
        PRESPART, PASTPART) and aspect (PROGRESSIVE, PERFECTIVE,
        PERFECTIVE_PROGRESSIVE, NONE) of a verb; "" where unknown.
    polarity: "POS", or "NEG" when the event is negated.
    modality: the modal word the event is under ("would", "may", "could"),
        or "".
    no_event: why the mention is not an asserted, specific event:
        "negated", "hypothetical", "generic", or "" when it is one (the
        judgement the dated mentions already had; kept, never a drop).
    actors: canonical names of the agents (PropBank Arg0), in order.
    object: the patient or theme (Arg1), in the text's words, or "".
    summary: a readable line: actor(s), predicate, object.
    date_start, date_end: inclusive interval of the event's date; None when
        it has none.
    granularity: as for :class:`Mention` ("day", "month", "reported" ...).
    date_source: how the date was obtained, one of :data:`DATE_SOURCES`:
        "explicit" (its own temporal expression), "inherited" (one of its
        clause or a governing clause), "narrative" (the reference time of the
        story), "reported" (placed at or before publication), "none".
    mention: index in ``Article.mentions`` of the temporal expression that
        dates it, or -1.
    confidence: 0..1, confidence in its date (0 when it has none).
    extra: free slot for a stage's own notes.
    """

    start: int
    end: int
    text: str
    trigger: str
    event_class: str = "OCCURRENCE"
    pos: str = "VERB"
    sentence: int = -1
    tense: str = ""
    aspect: str = ""
    polarity: str = "POS"
    modality: str = ""
    no_event: str = ""
    actors: list[str] = field(default_factory=list)
    object: str = ""
    summary: str = ""
    date_start: Optional[date] = None
    date_end: Optional[date] = None
    granularity: str = ""
    date_source: str = "none"
    mention: int = -1
    confidence: float = 0.0
    extra: dict = field(default_factory=dict)


@dataclass
class Article:
    """One news article and everything extracted from it so far."""

    doc_id: str
    text: str
    published: Optional[date] = None
    published_inferred: bool = False
    source: str = ""
    title: str = ""
    url: str = ""
    duplicate_of: str = ""
    #: one line, set when a stage failed on this article (it then keeps no mentions)
    error: str = ""
    #: one line each: what a stage altered on this article (a sentence cut for
    #: length ...); each becomes a row of rejects.csv
    notes: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    #: every event mention found, in text order (filled by events.detect)
    event_mentions: list[EventMention] = field(default_factory=list)

    def sentence_of(self, char: int) -> Optional[Sentence]:
        """The sentence holding article offset ``char``."""
        for sent in self.sentences:
            if sent.start <= char < sent.end:
                return sent
        return None
