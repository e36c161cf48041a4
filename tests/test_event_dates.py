"""Dating every event mention (date_source) and who took part in it."""

from datetime import date

import pytest

from timeline import pipeline
from timeline.article import Article

PUBLISHED = date(2025, 11, 21)      # a Friday


def processed(nlp, text: str, published=PUBLISHED) -> Article:
    """An article of ``text`` run through the per-article stages."""
    article = Article(doc_id="t", text=text, published=published)
    return pipeline.process_batch([article], nlp)[0]


def event(article: Article, word: str):
    return next(e for e in article.event_mentions if e.text == word)


def test_own_clause_and_governing_clause_dates(nlp):
    a = processed(nlp, "On Tuesday the board met and approved the merger.")
    met, approved = event(a, "met"), event(a, "approved")
    assert met.date_source == "explicit" and met.date_start == date(2025, 11, 18)
    assert approved.date_source == "inherited"
    assert (approved.date_start, approved.date_end) == (met.date_start, met.date_end)
    assert approved.confidence < met.confidence


def test_a_future_conjunct_keeps_none_of_a_past_date(nlp):
    a = processed(nlp, "On Tuesday the board met and will decide on the merger next year.")
    assert event(a, "decide").date_start != event(a, "met").date_start


def test_the_reference_time_carries_forward_and_a_new_date_resets_it(nlp):
    a = processed(nlp, "The ministry announced the plan on Monday. Officials described the "
                       "details to reporters. On Wednesday the ministry withdrew the plan. "
                       "Officials criticised the decision.")
    announced, described = event(a, "announced"), event(a, "described")
    assert described.date_source == "narrative"
    assert described.date_start == announced.date_start == date(2025, 11, 17)
    criticised = event(a, "criticised")
    assert criticised.date_source == "narrative"
    assert criticised.date_start == event(a, "withdrew").date_start == date(2025, 11, 19)
    assert described.confidence < event(a, "announced").confidence


def test_a_month_named_in_passing_is_not_carried(nlp):
    a = processed(nlp, "He had a liver transplant in 2009. The company praised his work.")
    assert event(a, "praised").date_source == "reported"


def test_nothing_is_inherited_across_after_or_since(nlp):
    a = processed(nlp, "Five years after its launch, the service passed its rival on Monday.")
    launch = event(a, "launch")
    assert launch.date_source != "inherited"
    assert launch.date_start != event(a, "passed").date_start


def test_a_past_event_without_a_date_is_reported_at_publication(nlp):
    a = processed(nlp, "The company cut 300 jobs.")
    cut = event(a, "cut")
    assert cut.date_source == "reported" and cut.granularity == "reported"
    assert cut.date_start == cut.date_end == PUBLISHED
    assert 0 < cut.confidence < 0.5


def test_future_events_and_articles_without_a_date_get_none(nlp):
    a = processed(nlp, "The company will open a new plant.")
    assert event(a, "open").date_source == "none" and event(a, "open").date_start is None
    b = processed(nlp, "The company cut 300 jobs.", published=None)
    assert event(b, "cut").date_source == "none" and event(b, "cut").date_start is None


# --- who took part ------------------------------------------------------------------------


def test_agent_and_patient_of_an_active_verb(nlp):
    a = processed(nlp, "The shipyard delivered two frigates on Monday.")
    delivered = event(a, "delivered")
    assert delivered.actors == ["shipyard"]
    assert delivered.object == "two frigates"


def test_the_subject_of_a_verb_of_change_is_its_patient(nlp):
    a = processed(nlp, "Shares fell sharply on Monday.")
    fell = event(a, "fell")
    assert fell.actors == [] and fell.object == "Shares"
    assert "Shares" in fell.summary


def test_the_agent_of_a_passive_is_its_by_phrase(nlp):
    a = processed(nlp, "The merger was approved by the board on Monday.")
    approved = event(a, "approved")
    assert approved.actors == ["board"] and approved.object == "merger"


def test_a_reported_event_has_its_own_actors(nlp):
    a = processed(nlp, "Reuters reported that the United States threatened to cut off "
                       "intelligence.")
    assert event(a, "reported").actors == ["Reuters"]
    assert event(a, "threatened").actors == ["United States"]


def test_pronouns_descriptions_surnames_and_acronyms_are_resolved(nlp):
    a = processed(nlp, "Dmitry Peskov spoke to reporters on Friday. He said the talks were "
                       "useful. Microsoft raised its prices. The company blamed the weather. "
                       "The International Atomic Energy Agency (IAEA) inspected the plant. "
                       "The IAEA praised the operators. Marco Rubio arrived in Geneva. "
                       "Rubio met the delegation.")
    assert event(a, "said").actors == ["Dmitry Peskov"]
    assert event(a, "blamed").actors == ["Microsoft"]
    assert event(a, "praised").actors == ["International Atomic Energy Agency"]
    assert event(a, "met").actors == ["Marco Rubio"]


def test_a_pronoun_prefers_the_last_subject_to_a_later_mention(nlp):
    a = processed(nlp, "Steve Jobs thanked Tim Cook. He returned to California.")
    assert event(a, "returned").actors == ["Steve Jobs"]


@pytest.mark.parametrize("text, word, must_hold", [
    ("Shares fell on Monday.", "fell", "Shares"),
    ("The talks ended on Monday.", "ended", "talks"),
    ("Dmitry Peskov told reporters on Friday that the plan was useful.", "told",
     "Dmitry Peskov told"),
])
def test_summaries_name_who_acted_and_never_repeat_or_stand_bare(nlp, text, word, must_hold):
    summary = event(processed(nlp, text), word).summary
    assert must_hold.lower() in summary.lower()
    words = summary.lower().split()
    assert len(words) >= 2
    assert all(a != b for a, b in zip(words, words[1:]))
    assert not summary.startswith("To ")


def test_a_pronoun_subject_carries_its_entity_past_the_window(nlp):
    # the last name is four sentences back; the pronoun subjects between carry it on
    a = processed(nlp, "Steve Jobs founded the firm in 1976. He built a computer. He sold "
                       "his van. He met investors. One year later he was fired from the "
                       "company.")
    assert event(a, "met").actors == ["Steve Jobs"]
    assert event(a, "fired").object == "Steve Jobs"


def test_a_surname_the_recogniser_mislabels_is_still_the_person(nlp):
    a = processed(nlp, "Steve Jobs spoke on Monday. Jobs said that Mac OS X has had a secret "
                       "life. He talked about the easiness for developers to port their Mac "
                       "apps.")
    assert event(a, "said").actors == ["Steve Jobs"]
    assert event(a, "talked").actors == ["Steve Jobs"]


def test_a_shared_first_name_is_the_last_full_name_written_before_it(nlp):
    a = processed(nlp, "Steve Jobs thanked Tim Cook. Steve leaves behind a company. "
                       "Steve Ballmer expressed condolences.")
    assert event(a, "leaves").actors == ["Steve Jobs"]
    assert event(a, "expressed").actors == ["Steve Ballmer"]


def test_an_active_conjunct_of_a_passive_takes_its_subject_not_the_agent(nlp):
    a = processed(nlp, "Apple Computer was started by Steve Jobs and Steve Wozniak in 1976, "
                       "and launched the iTunes Music Store in 2003.")
    assert event(a, "started").actors == ["Steve Jobs", "Steve Wozniak"]
    assert event(a, "launched").actors == ["Apple Computer"]


def test_coreference_without_recognised_entities_uses_proper_nouns(nlp):
    from timeline.events.coref import Coreference
    a = processed(nlp, "Marco Rubio arrived in Geneva. Rubio met the delegation. "
                       "He praised the talks.")
    for sent in a.sentences:      # as if the entity recogniser had skipped every sentence
        if sent.doc is not None:
            sent.doc.ents = []
    coref = Coreference(a)
    names = {r.entity for r in coref.refs}
    assert "Marco Rubio" in names
    sent, he = next((s, t) for s in a.sentences if s.doc is not None for t in s.doc
                    if t.text == "He")
    assert coref.resolve(he, sent) == "Marco Rubio"


def test_a_present_state_holds_at_publication_and_a_present_habit_has_no_date(nlp):
    a = processed(nlp, "The phone has two cameras. The store sells music online.")
    has, sells = event(a, "has"), event(a, "sells")
    assert has.date_source == "reported" and has.date_start == PUBLISHED
    assert sells.date_source == "none" and sells.date_start is None


def test_a_past_perfect_is_before_the_reference_time_not_at_it(nlp):
    a = processed(nlp, "The ministry announced the plan on Monday. The minister had resigned "
                       "over the scandal.")
    resigned = event(a, "resigned")
    assert resigned.date_source == "reported"
    assert resigned.date_start != event(a, "announced").date_start


def test_a_participle_modifying_a_noun_inherits_no_date(nlp):
    import dataclasses

    from timeline import events

    text = "Orders for the recently announced phone began on Tuesday."
    a = processed(nlp, text)
    began = event(a, "began")
    assert began.date_source == "explicit"
    # detection leaves a prenominal participle out (TimeML's convention); a detector that
    # keeps it must still not date it by the clause it modifies a noun of
    assert not any(e.text == "announced" for e in a.event_mentions)
    start = text.index("announced")
    a.event_mentions.append(dataclasses.replace(
        began, start=start, end=start + len("announced"), text="announced", trigger="announce",
        tense="PAST", date_source="", date_start=None, date_end=None, granularity="",
        mention=-1))
    events.date_events(a)
    assert event(a, "began").date_source == "explicit"
    assert event(a, "announced").date_source != "inherited"


@pytest.mark.parametrize("text, word, expected", [
    # an infinitive or a gerund with no subject takes that of its clause
    ("However, he stressed that Russia remains eager to look for a solution.", "look",
     "Russia to look for a solution"),
    ("Reuters quoted anonymous sources as saying that the plan was ready.", "saying",
     "Anonymous sources saying that the plan was ready"),
    # a participle said of something is told with it
    ("And that uncertainty has left its allies exposed.", "exposed", "Its allies exposed"),
    ("The old certainties of the region are gone.", "gone",
     "The old certainties of the region are gone"),
    ("The secretary stressed that Moscow greatly values Oman's balanced and measured "
     "stance on global issues.", "measured", "Oman's balanced and measured stance"),
    # an event noun with nothing of its own is told with its noun phrase
    ("Both countries have become accustomed to avoiding responsibility for the "
     "consequences of their actions.", "actions", "Consequences of their actions"),
    # a common-noun actor keeps its article; a passive conjunct its patient
    ("The official said Ukraine requested the change.", "said", "The official said"),
    ("The merger was approved by the board and was signed by the chairman.", "signed",
     "The merger was signed by the chairman"),
])
def test_summaries_are_told_with_what_a_bare_word_is_said_of(nlp, text, word, expected):
    summary = event(processed(nlp, text), word).summary
    assert summary.startswith(expected)


def test_a_passive_conjunct_has_the_patient_of_its_clause(nlp):
    a = processed(nlp, "The merger was approved by the board and was signed by the chairman.")
    assert event(a, "signed").actors == ["chairman"]
    assert event(a, "signed").object == "merger"


def test_a_participle_on_a_there_clause_takes_the_speaker(nlp):
    a = processed(nlp, "Peskov said earlier there was “nothing new” in the negotiations, "
                       "adding that Moscow remains willing to look for a solution.")
    assert event(a, "adding").actors == ["Peskov"]


def test_an_infinitive_takes_no_story_or_publication_date(nlp):
    a = processed(nlp, "The board met on Monday. It recommended Tim Cook to take over as "
                       "chief executive.")
    take = event(a, "take over")      # (a phrasal verb's extent takes in its particle)
    assert take.date_source == "none" and take.date_start is None
    assert event(a, "recommended").date_source == "narrative"


def test_direct_speech_keeps_its_own_time(nlp):
    a = processed(nlp, "The ministry announced the plan on Monday. “We changed nothing in "
                       "the text,” the minister said.")
    assert event(a, "said").date_source == "narrative"
    assert event(a, "changed").date_source == "reported"


def test_a_company_named_like_a_person_stays_the_company(nlp):
    a = processed(nlp, "The singer Fiona Apple performed on Monday. Apple said its profits rose. "
                       "Apple raised its prices.")
    assert event(a, "raised").actors == ["Apple"]


def test_a_passive_gerund_takes_its_patient_from_the_clause(nlp):
    a = processed(nlp, "Despite the reassurances, Volodymyr Zelenskyy expressed frustration "
                       "over being left out of the discussions.")
    left = event(a, "left")
    assert left.actors == [] and left.object == "Volodymyr Zelenskyy"
    assert left.summary.startswith("Volodymyr Zelenskyy being left out")


def test_a_present_with_a_later_date_sets_no_reference_time(nlp):
    # "goes live on Monday" (after the publication) is a scheduled future: the
    # next present clauses are not on that Monday
    a = processed(nlp, "The streaming service goes live on Monday. It comes in three "
                       "colours.")
    assert event(a, "goes").date_start == date(2025, 11, 24)
    assert event(a, "comes").date_source != "narrative"
    # a present dated on or before the publication still sets it
    a = processed(nlp, "On Wednesday the ministry announces the plan. Officials describe "
                       "the details to reporters.")
    assert event(a, "describe").date_source == "narrative"
    assert event(a, "describe").date_start == date(2025, 11, 19)


def test_a_birth_dated_by_its_own_expression_is_an_event_of_that_day(nlp):
    a = processed(nlp, "Maria Lindqvist, born in Uppsala on February 24, 1961, has written "
                       "four novels.")
    born = event(a, "born")
    assert born.date_source == "explicit" and born.date_start == date(1961, 2, 24)


def test_a_dated_participle_modifying_a_noun_sets_no_reference_time(nlp):
    # the date tells of the demand, not of the time of the story
    a = processed(nlp, "The profit is explained by strong demand enjoyed on Tuesday. The "
                       "analysts describe the figures.")
    assert event(a, "enjoyed").date_source == "explicit"
    assert event(a, "describe").date_source != "narrative"
    # the same date on the clause's own verb does
    a = processed(nlp, "On Tuesday the ministry announces the plan. Officials describe the "
                       "details to reporters.")
    assert event(a, "describe").date_source == "narrative"


def test_a_phrase_that_only_dates_the_event_is_not_its_object(nlp):
    a = processed(nlp, "On August 24, the minister resigned from his post. The ferry sank "
                       "in the spring of 2024.")
    assert event(a, "resigned").object == "his post"
    assert "2024" not in event(a, "sank").object and "spring" not in event(a, "sank").object


def test_a_quotation_opened_in_an_earlier_sentence_closes_before_its_speaker(nlp):
    # the third sentence starts inside the quotation: "said" stands after it and
    # takes the story's time, which the quoted "opened" does not
    a = processed(nlp, 'The mayor opened the bridge on Monday. " The bridge is finished. '
                       'We opened it in two years, " the mayor said.')
    said = event(a, "said")
    assert said.date_source == "narrative" and said.date_start == date(2025, 11, 17)
    quoted = [e for e in a.event_mentions if e.text == "opened"][-1]
    assert quoted.date_source != "narrative"


def test_an_event_noun_shares_the_story_or_publication_date_of_its_predicate(nlp):
    a = processed(nlp, "The ministry announced the plan on Monday. Officials held talks "
                       "with the unions.")
    talks = event(a, "talks")
    assert talks.date_source == "narrative" and talks.date_start == date(2025, 11, 17)
    a = processed(nlp, "During his speech, the mayor praised the volunteers. The "
                       "damage will need months.")
    speech = event(a, "speech")
    assert speech.date_source == "reported" and speech.date_start == PUBLISHED
    assert speech.confidence < event(a, "praised").confidence
    # a noun that is no argument of a dated predicate keeps none
    assert event(a, "damage").date_source == "none"


def test_a_clause_told_after_a_dated_one_takes_no_story_date(nlp):
    a = processed(nlp, "The firm announced a merger on Monday. It moved to Paris in 1996 "
                       "and soon after opened a second office.")
    assert event(a, "moved").date_start == date(1996, 1, 1)
    opened = event(a, "opened")
    assert opened.date_source not in ("narrative", "reported", "inherited")


@pytest.mark.parametrize("text, taken, alternatives", [
    ("Rather than close the plant or sell it, the owners said on Tuesday that they will "
     "look for a buyer.", "said", ["close", "sell"]),
    ("Instead of raising taxes, the council cut spending on Monday.", "cut", ["raising"]),
    ("The council cut spending on Monday rather than raise taxes.", "cut", ["raise"]),
])
def test_an_alternative_not_taken_takes_no_date(nlp, text, taken, alternatives):
    a = processed(nlp, text)
    assert event(a, taken).date_source == "explicit"
    for word in alternatives:
        e = event(a, word)
        assert e.date_source == "none" and e.date_start is None


@pytest.mark.parametrize("text, verb", [
    ("The ministry announced the plan on Monday. Instead, it called on the regions to "
     "submit their budgets.", "called"),
    ("The ministry announced the plan on Monday. Rather, it eased the pressure on the "
     "regions.", "eased"),
])
def test_a_bare_instead_or_rather_tells_what_was_done(nlp, text, verb):
    # "instead" alone marks the alternative taken: it keeps the date of the story
    e = event(processed(nlp, text), verb)
    assert e.date_source in ("narrative", "reported") and e.date_start is not None


def test_a_conjunct_without_rather_than_still_inherits(nlp):
    a = processed(nlp, "The council cut spending on Monday and raised taxes.")
    assert event(a, "raised").date_source == "inherited"


def test_an_infinitive_completing_a_verb_dated_by_the_story_shares_its_date(nlp):
    a = processed(nlp, "The ministry announced the plan on Monday. The minister then returned "
                       "to the stage to reveal the budget. She moved on to talk about taxes.")
    returned, reveal = event(a, "returned"), event(a, "reveal")
    assert returned.date_source == "narrative"
    assert reveal.date_source == "narrative" and reveal.date_start == date(2025, 11, 17)
    assert event(a, "talk").date_start == event(a, "moved on").date_start == date(2025, 11, 17)
    assert reveal.confidence < returned.confidence


@pytest.mark.parametrize("text, word", [
    # under an intensional verb, the infinitive is only wanted or asked for
    ("The ministry announced the plan on Monday. The insider asked to remain anonymous.",
     "remain"),
    ("The ministry announced the plan on Monday. The mayor hoped to return soon.", "return"),
    # direct speech keeps its own time
    ("The ministry announced the plan on Monday. \"We came here to help the farmers,\" the "
     "minister said.", "help"),
])
def test_an_infinitive_only_wanted_or_quoted_takes_no_story_date(nlp, text, word):
    e = event(processed(nlp, text), word)
    assert e.date_source == "none" and e.date_start is None


@pytest.mark.parametrize("text, verb", [
    ("The phone now uses a faster processor.", "uses"),
    ("The museum currently displays three of his paintings.", "displays"),
])
def test_a_present_event_of_now_is_at_publication(nlp, text, verb):
    e = event(processed(nlp, text), verb)
    assert e.date_source == "reported" and e.date_start == PUBLISHED
    # without "now", the same present is a habit and keeps none
    plain = event(processed(nlp, text.replace("now ", "").replace("currently ", "")), verb)
    assert plain.date_source == "none"
