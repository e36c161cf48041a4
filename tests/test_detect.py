"""Event detection: every event mention, its TimeML class, and the event_mentions table."""

from datetime import date

import pytest

from timeline import events, nlp as nlp_mod, sentences, tables
from timeline.article import Article, Mention
from timeline.events import detect

PUBLISHED = date(2025, 11, 21)


def detected(nlp, text: str, dates: tuple[str, ...] = ()) -> Article:
    """An article of ``text``, every sentence parsed, a DATE mention (the
    20th) at each of ``dates``, anchored and its event mentions found."""
    article = sentences.split(Article(doc_id="t", text=text, published=PUBLISHED))
    for expr in dates:
        start = text.index(expr)
        article.mentions.append(Mention(
            start=start, end=start + len(expr), text=expr, type="DATE", value="2025-11-20",
            date_start=date(2025, 11, 20), date_end=date(2025, 11, 20), granularity="day",
            confidence=0.8, sentence=article.sentence_of(start).index))
    for sent in article.sentences:
        sent.needs_parse = True
    nlp_mod.parse([article], nlp)
    events.anchor(article)
    return detect.find_events(article)


def by_text(article: Article) -> dict:
    return {e.text: e for e in article.event_mentions}


def test_verbs_and_event_nouns_are_found_with_offsets(nlp):
    text = "The army launched an attack on the city and the talks collapsed."
    article = detected(nlp, text)
    found = by_text(article)
    assert {"launched", "attack", "talks", "collapsed"} <= set(found)
    assert "army" not in found and "city" not in found
    for e in article.event_mentions:
        assert text[e.start:e.end] == e.text
    assert found["attack"].pos == "NOUN" and found["launched"].pos == "VERB"


def test_auxiliaries_are_not_events(nlp):
    found = by_text(detected(nlp, "The company has been cutting jobs and will close a plant."))
    assert "has" not in found and "been" not in found and "will" not in found
    assert found["cutting"].aspect == "PERFECTIVE_PROGRESSIVE"
    assert found["close"].tense == "FUTURE"


@pytest.mark.parametrize("sentence, word, cls", [
    ("The minister said the plan was dead.", "said", "REPORTING"),
    ("Officials began talks with the rebels.", "began", "ASPECTUAL"),
    ("Witnesses saw the plane crash.", "saw", "PERCEPTION"),
    ("Analysts expect the bank to raise rates.", "expect", "I_STATE"),
    ("The rebels tried to seize the airport.", "tried", "I_ACTION"),
    ("The rebels tried to seize the airport.", "seize", "OCCURRENCE"),
])
def test_classes_come_from_the_resource(nlp, sentence, word, cls):
    assert by_text(detected(nlp, sentence))[word].event_class == cls


def test_a_negated_event_is_kept_with_its_reason(nlp):
    found = by_text(detected(nlp, "The rebels did not attack the town."))
    assert found["attack"].no_event == "negated" and found["attack"].polarity == "NEG"


def test_the_dated_predicate_takes_the_anchoring_result(nlp):
    text = "Kiev on Thursday confirmed receiving the document."
    article = detected(nlp, text, ("on Thursday",))
    confirmed = by_text(article)["confirmed"]
    assert confirmed.date_source == "explicit" and confirmed.mention == 0
    assert confirmed.actors == ["Kiev"] and confirmed.date_start == date(2025, 11, 20)
    assert confirmed.summary == article.mentions[0].summary
    receiving = by_text(article)["receiving"]
    assert receiving.date_source == "none" and receiving.mention == -1


def test_event_mention_rows_have_the_columns_other_tools_read(nlp):
    text = "Kiev on Thursday confirmed receiving the document."
    rows = tables.event_mention_rows(detected(nlp, text, ("on Thursday",)))
    frame = tables.frame(rows, tables.EVENT_MENTION_COLUMNS)
    for col in ("event_mention_id", "doc_id", "trigger", "trigger_start", "trigger_end",
                "class", "polarity", "modality", "no_event", "actors", "object", "summary",
                "sentence", "sentence_index", "sentence_start", "sentence_end", "date_start",
                "date_end", "granularity", "date_source", "mention_id", "event_id", "text",
                "confidence"):
        assert col in frame.columns
    row = frame.set_index("text").loc["confirmed"]
    assert row["mention_id"] == "t:m0" and row["class"] == "REPORTING"
    assert text[row["trigger_start"]:row["trigger_end"]] == "confirmed"
    assert row["sentence"] == text and row["date_start"] == "2025-11-20"


def test_seeds_event_mentions_share_the_event_of_their_dated_mention(seed_tables):
    em = seed_tables.event_mentions
    assert list(em.columns[:len(tables.EVENT_MENTION_COLUMNS)]) == tables.EVENT_MENTION_COLUMNS
    explicit = em[em.date_source == "explicit"]
    assert len(explicit) and (explicit.mention_id != "").all()
    ids = dict(zip(seed_tables.mentions.mention_id, seed_tables.mentions.event_id))
    assert all(ids[m] == e for m, e in zip(explicit.mention_id, explicit.event_id))
    assert (explicit.event_id != "").all() and (explicit.date_start != "").all()
    assert len(em) > 5 * len(seed_tables.mentions)


# --- detection rules (made-up sentences) ------------------------------------------------


@pytest.mark.parametrize("sentence, found, not_found", [
    # event nouns from the vocabulary, and derived nouns with an "of" phrase
    ("The bombing of the embassy followed weeks of talks.", ["bombing", "talks"], ["embassy"]),
    ("The submission of the plan surprised the government.", ["submission"], ["government"]),
    # a derived noun alone names a thing
    ("The information was sent to the station.", ["sent"], ["information", "station"]),
    # a noun modifying a noun: only the head
    ("The takeover bid collapsed.", ["bid", "collapsed"], ["takeover"]),
    # predicative adjectives of state, not attributive ones
    ("The minister is dead and the old bridge remained open.", ["dead", "open"], ["old"]),
    # auxiliaries, modal "have to", future "going to", adjectival participles
    ("They had to leave because the proposed merger is going to fail.",
     ["leave", "merger", "fail"], ["had", "proposed", "going", "is"]),
    # participles used as prepositions, and relations
    ("Sales rose 5%, including exports, compared with last year.", ["rose"],
     ["including", "compared"]),
    # a participle that only names or places its noun ("aged 55", "known as")
    ("The founder, aged 61, retired, and a firm known as Brightline grew.",
     ["retired", "grew"], ["aged", "known"]),
])
def test_detection_rows(nlp, sentence, found, not_found):
    words = set(by_text(detected(nlp, sentence)))
    assert set(found) <= words
    assert not set(not_found) & words


@pytest.mark.parametrize("sentence, word, cls", [
    ("The company declined to comment.", "declined", "I_ACTION"),
    ("Shares declined 5% on the news.", "declined", "OCCURRENCE"),
    ("He added that the sale would close soon.", "added", "REPORTING"),
    ("The index added 12 points.", "added", "OCCURRENCE"),
    ("The rebels were able to flee.", "able", "I_STATE"),
    ("The minister is dead.", "dead", "STATE"),
    ("They hoped for a quick deal.", "hoped", "I_STATE"),
    ("The announcement came after the strike ended.", "announcement", "REPORTING"),
    ("The attempt to land failed.", "attempt", "I_ACTION"),
])
def test_classes_depend_on_the_words_and_their_arguments(nlp, sentence, word, cls):
    assert by_text(detected(nlp, sentence))[word].event_class == cls


def tagged_only(nlp, text: str) -> Article:
    """An article of ``text`` whose sentences are only tagged (no parse)."""
    article = sentences.split(Article(doc_id="t", text=text, published=PUBLISHED))
    nlp_mod.parse([article], nlp, tag_rest=True)
    assert all(s.doc is None and s.tags is not None for s in article.sentences)
    return detect.find_events(article)


def test_a_sentence_with_tags_only_has_its_events_found_from_the_neighbours(nlp):
    text = ("The state-owned company announced the proposed merger and is going to sell "
            "the remaining shares. The takeover bid did not collapse.")
    article = tagged_only(nlp, text)
    found = by_text(article)
    assert {"announced", "merger", "sell", "bid", "collapse"} <= set(found)
    assert not {"owned", "proposed", "going", "remaining", "takeover"} & set(found)
    assert found["announced"].event_class == "REPORTING" and found["announced"].tense == "PAST"
    assert found["collapse"].no_event == "negated" and found["collapse"].polarity == "NEG"
    for e in article.event_mentions:
        assert text[e.start:e.end] == e.text


def test_modality_and_tense_with_and_without_a_parse(nlp):
    text = "The firm would sell the unit."
    for article in (detected(nlp, text), tagged_only(nlp, text)):
        sell = by_text(article)["sell"]
        assert sell.modality == "would" and sell.tense == "NONE"


# --- rules of i12c: classes by complement, nouns by context ----------------------------


@pytest.mark.parametrize("sentence, word, cls", [
    # "add" closing or opening a quotation is reporting, with no clause of its own
    ("``The bridge will hold,'' the engineer added.", "added", "REPORTING"),
    # intensional verbs keep their class whatever the parse finds as argument
    ("The mayor urged the residents to stay indoors.", "urged", "I_ACTION"),
    ("The guard is accused of stealing the keys.", "accused", "I_ACTION"),
    ("Forecasters warned against travel on the coast.", "warned", "I_ACTION"),
    ("Rescuers are seeking survivors in the rubble.", "seeking", "I_ACTION"),
    # attitude verbs are I_STATEs
    ("The farmers oppose the new tax.", "oppose", "I_STATE"),
    # a financial result measured by an amount is a STATE, otherwise an occurrence
    ("The bakery had a net loss of $2.5 million last year.", "loss", "STATE"),
    ("The loss of the contract hurt the bakery.", "loss", "OCCURRENCE"),
])
def test_classes_by_complement_and_context(nlp, sentence, word, cls):
    assert by_text(detected(nlp, sentence))[word].event_class == cls


@pytest.mark.parametrize("sentence, found, not_found", [
    # nouns that name a document or content alone, an event with a complement
    ("The council approved the plan.", ["approved"], ["plan"]),
    ("The council discussed a plan to close the library.", ["plan", "close"], []),
    # "statement" names the text put out
    ("The club said in a statement that the coach resigned.", ["said", "resigned"],
     ["statement"]),
    # a noun closing a connective phrase
    ("As a result, the ferry stopped running.", ["stopped"], ["result"]),
    # adjectives of likelihood qualify the event they introduce
    ("The team is likely to win the cup.", ["win"], ["likely"]),
])
def test_nouns_and_adjectives_by_context(nlp, sentence, found, not_found):
    words = set(by_text(detected(nlp, sentence)))
    assert set(found) <= words
    assert not set(not_found) & words


def test_tags_only_arguments_after_an_object_or_a_preposition(nlp):
    text = ("The mayor pressed the residents to stay indoors. The guard helped carry the "
            "boxes. The council blocked the workers from entering.")
    found = by_text(tagged_only(nlp, text))
    assert found["pressed"].event_class == "I_ACTION"
    assert found["helped"].event_class == "I_ACTION"
    assert found["blocked"].event_class == "I_ACTION"
    # no event argument: an occurrence
    found = by_text(tagged_only(nlp, "The police blocked the road."))
    assert found["blocked"].event_class == "OCCURRENCE"


# --- rules of i12class: classes by object, tense and complement ------------------------


@pytest.mark.parametrize("sentence, word, cls", [
    # a financial result a subject has is a state; one reported is an occurrence
    ("The bakery reported a net loss of $2.5 million.", "loss", "OCCURRENCE"),
    ("Last year the bakery had a net loss of $2.5 million.", "loss", "STATE"),
    # possession in the simple present is a state; holding an event is not
    ("The fund now holds a 5% stake in the brewery.", "holds", "STATE"),
    ("The generals held talks in the capital.", "held", "OCCURRENCE"),
    # posting a result reports it; posting letters does not
    ("The brewery posted a loss for the quarter.", "posted", "REPORTING"),
    ("The clerk posted the letters.", "posted", "OCCURRENCE"),
    # writing or maintaining a clause reports it
    ("The critic wrote that the play was too long.", "wrote", "REPORTING"),
    ("The critic wrote a long letter.", "wrote", "OCCURRENCE"),
    ("The driver maintained that the light was green.", "maintained", "REPORTING"),
    # intention and wondering are states of mind
    ("The mayor intends to resign.", "intends", "I_STATE"),
    ("Voters wonder whether the bridge will open.", "wonder", "I_STATE"),
    # giving something said is reporting
    ("The police gave no details about the theft.", "gave", "REPORTING"),
    ("The boy gave his sister a book.", "gave", "OCCURRENCE"),
    # keeping an object in a state continues that state
    ("The central bank kept interest rates steady.", "kept", "ASPECTUAL"),
])
def test_classes_by_object_tense_and_complement(nlp, sentence, word, cls):
    assert by_text(detected(nlp, sentence))[word].event_class == cls


@pytest.mark.parametrize("sentence, found", [
    ("The delay angered the passengers after the cancellation.", ["delay", "cancellation"]),
    ("The setback followed a crackdown and a walkout.", ["setback", "crackdown", "walkout"]),
    # an absence from work: "on medical leave"
    ("The director is on medical leave after the operation.", ["leave"]),
])
def test_event_nouns_of_their_own(nlp, sentence, found):
    assert set(found) <= set(by_text(detected(nlp, sentence)))


@pytest.mark.parametrize("sentence, word, cls", [
    # a participle a copula predicates is a state, of mind when listed so
    ("The town seemed deserted after the storm.", "deserted", "STATE"),
    ("The lawyers appeared prepared for a long trial.", "prepared", "I_STATE"),
    # dependence on another event
    ("The sale is subject to approval by the regulators.", "subject", "I_STATE"),
])
def test_predicated_participles_and_dependence(nlp, sentence, word, cls):
    assert by_text(detected(nlp, sentence))[word].event_class == cls


def test_a_verb_form_in_a_compound_noun_is_no_event(nlp):
    found = by_text(detected(nlp, "The bakery's operating profit rose."))
    assert "rose" in found and "operating" not in found


@pytest.mark.parametrize("sentence, found, not_found", [
    # "have" is a state with an object, no event in an ellipsis or as a causative
    ("The bank has assets of $3 billion.", ["has"], []),
    ("Prices rose faster than they have in years.", ["rose"], ["have"]),
    ("The family wants to have the boy returned.", ["returned"], ["have"]),
])
def test_have_needs_an_object(nlp, sentence, found, not_found):
    words = set(by_text(detected(nlp, sentence)))
    assert set(found) <= words
    assert not set(not_found) & words


def test_quoted_in_the_passive_is_an_occurrence(nlp):
    found = by_text(detected(nlp, "The mayor was quoted as saying that the bridge was safe."))
    assert found["quoted"].event_class == "OCCURRENCE"
    assert found["saying"].event_class == "REPORTING"


def test_tags_only_possession_and_results(nlp):
    found = by_text(tagged_only(nlp, "The fund holds a large stake. The bakery had a net loss "
                                     "of $2 million. Prices rose faster than they have."))
    assert found["holds"].event_class == "STATE"
    assert found["loss"].event_class == "STATE"
    assert "have" not in found


def test_an_anchored_verb_the_rules_reject_makes_no_event_mention(nlp):
    # "compared" is a relation (verbs_not_events): the date anchors on it,
    # the expression keeps it as its trigger, but it is no event mention
    text = "Profit rose to $5 million, compared with $3 million a year earlier."
    article = detected(nlp, text, ("a year earlier",))
    mention = article.mentions[0]
    assert text[mention.trigger_start:mention.trigger_end] == "compared"
    assert set(by_text(article)) == {"rose"}
    # an adjective the date anchors on stays an event mention, with its date
    article = detected(nlp, "The dividend is payable Friday.", ("Friday",))
    payable = by_text(article)["payable"]
    assert payable.date_source == "explicit" and payable.mention == 0


def test_a_naming_participle_dated_by_its_own_expression_is_an_event(nlp):
    # "born" names the child in "a child born abroad"; dated, it is the birth
    article = detected(nlp, "Maria Lindqvist, born in Uppsala on Thursday, has written "
                            "four novels.", ("on Thursday",))
    born = by_text(article)["born"]
    assert born.date_source == "explicit" and born.date_start == date(2025, 11, 20)
    assert "born" not in by_text(detected(nlp, "A child born abroad was granted "
                                               "citizenship."))


@pytest.mark.parametrize("sentence,noun", [
    ("The mayor gave her annual keynote to the assembly.", "keynote"),
    ("The minister made a brief appearance at the festival.", "appearance"),
    ("The council extended an invitation to the visiting delegation.", "invitation"),
    ("The premier paid a visit to the flooded villages.", "visit"),
])
def test_the_object_of_a_light_verb_is_the_event_it_names(nlp, sentence, noun):
    for article in (detected(nlp, sentence), tagged_only(nlp, sentence)):
        found = by_text(article)
        assert found[noun].pos == "NOUN" and found[noun].event_class == "OCCURRENCE"
    # the same noun after another verb, or alone, keeps the lists' word
    # ("appearance" names a look)
    assert "appearance" not in by_text(detected(nlp, "The appearance of the building "
                                                     "changed little."))


def test_a_light_verb_object_inherits_the_date_of_its_verb(nlp):
    article = detected(nlp, "The mayor gave her annual keynote on Thursday.", ("on Thursday",))
    events.date_events(article)
    keynote = by_text(article)["keynote"]
    assert keynote.date_source == "inherited" and keynote.date_start == date(2025, 11, 20)


def test_a_phrasal_verb_takes_in_its_adjacent_particle(nlp):
    text = "The chef showed off her new menu, and the manager chose to step down."
    found = by_text(detected(nlp, text))
    assert {"showed off", "step down"} <= set(found)
    assert found["showed off"].trigger == "show"
    # tags only: a word tagged as a particle (RP), not an adverb ("down" RB)
    article = tagged_only(nlp, text)
    assert "showed off" in by_text(article)
    for e in article.event_mentions:
        assert text[e.start:e.end] == e.text
    # a particle after the object is not taken in; a preposition never is
    found = by_text(detected(nlp, "The chef took two weeks off and looked at the menu."))
    assert {"took", "looked"} <= set(found)


def test_a_passive_or_perfect_infinitive_is_an_infinitive(nlp):
    text = ("The council wants the bridge to be repaired and lets the road be used again. "
            "The ferry was repaired.")
    for article in (detected(nlp, text), tagged_only(nlp, text)):
        bridge, ferry = [e for e in article.event_mentions if e.text == "repaired"]
        assert bridge.tense == "INFINITIVE" and ferry.tense == "PAST"
        assert by_text(article)["used"].tense == "INFINITIVE"
