"""Events: what each date dates, who did it, and one row per real-world event.

One module per step, each usable on its own (a notebook can swap one):

========================  ====================================================
module                    job
========================  ====================================================
``events.detect``         which tokens are event mentions, their TimeML class,
                          whether they are asserted; :func:`find_events` fills
                          ``Article.event_mentions``
``events.dating``         the predicate each temporal expression dates
                          (:func:`anchor`), where a date lies against the
                          publication date
``events.participants``   actors (agents), objects (patients), names and
                          in-document coreference (:class:`NameIndex`)
``events.summaries``      a readable line per event
``events.merge``          cross-document merging: :func:`merge` over
                          mentions.csv and documents.csv gives events.csv
``events.describe``       actors, object and summary of every event mention
                          (:func:`describe_events`)
``events.coref``          in-document coreference (:class:`Coreference`) and
                          entities.csv across documents (:func:`entity_table`)
``events.timelines``      entity timelines (:func:`entity_timelines`)
``events.lexicon``        the vocabularies of ``timeline/resources/events/``
========================  ====================================================

The public functions are re-exported here, so ``events.anchor(article)`` and
``events.merge(mentions, documents)`` work as before.  Note that
``events.merge`` is the *function*; the module of the same name is reached
with ``from timeline.events.merge import ...`` (or
``importlib.import_module("timeline.events.merge")``).

Example (``doc`` is the spaCy parse of the sentence)::

    >>> doc = nlp("Kiev on Thursday confirmed receiving the document.")
    >>> find_trigger(doc, 5, 16)      # "on Thursday"
    confirmed
"""

from .dating import (UNDATED_CONFIDENCE, anchor, clause_class, date_events, describe,
                     find_trigger, finite_class, governor, time_relation)
from .coref import (ENTITY_COLUMNS, ENTITY_MENTION_COLUMNS, Coreference, coreference_of,
                    entity_table)
from .describe import describe_events, is_unaccusative, roles
from .timelines import ENTITY_TIMELINE_COLUMNS, entity_timelines, find_entity
from .detect import (generic_present, is_event_noun, is_verbal, main_event, nearest_verb,
                     not_asserted, refine, span_tokens)
from .lexicon import Lexicon, lexicon, merge_settings
from .merge import (DEADLINE_KEY, EventMentionPairs, event_block, event_blocks,
                    event_mention_pairs, max_pairs_per_mention, merge_event_mentions,
                    settle_unanchored, DENSE_BLOCK, GRANULARITY_ORDER, _cosine, _tfidf_rows,
                    actor_keys, actors_meet, candidate_pairs, conflicting_numbers,
                    content_words, converse_keys, is_deadline, looks_like_person, merge,
                    object_words, predicate_key, predicate_keys, sentence_numbers,
                    similar_pairs)
from .participants import (ACTOR_LABELS, NAMED_LABELS, PASSIVE_SUBJECT_DEPS, SUBJECT_DEPS,
                           NameIndex, actor_names, object_of, proper_name, sentence_entities)
from .summaries import summary_of

__all__ = [
    "ENTITY_COLUMNS", "ENTITY_MENTION_COLUMNS", "ENTITY_TIMELINE_COLUMNS", "Coreference",
    "clause_class", "coreference_of", "date_events", "describe_events", "entity_table",
    "entity_timelines", "event_block", "event_blocks", "find_entity", "finite_class",
    "is_unaccusative", "max_pairs_per_mention", "merge_event_mentions",
    "EventMentionPairs", "event_mention_pairs", "roles", "settle_unanchored",
    "ACTOR_LABELS", "DEADLINE_KEY", "DENSE_BLOCK", "GRANULARITY_ORDER", "Lexicon", "NAMED_LABELS",
    "NameIndex", "PASSIVE_SUBJECT_DEPS", "SUBJECT_DEPS", "UNDATED_CONFIDENCE", "actor_keys",
    "actor_names", "actors_meet", "anchor", "candidate_pairs", "conflicting_numbers",
    "content_words", "converse_keys", "describe", "find_trigger", "generic_present", "governor",
    "is_deadline", "is_event_noun", "is_verbal", "lexicon", "looks_like_person", "main_event",
    "merge", "merge_settings", "nearest_verb", "not_asserted", "object_of", "object_words",
    "predicate_key", "predicate_keys", "proper_name", "refine", "sentence_entities",
    "sentence_numbers", "similar_pairs", "span_tokens", "summary_of", "time_relation",
]
