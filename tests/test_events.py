"""The events stage: anchoring dates to predicates, and merging across articles."""

import importlib
import random
from datetime import date

import pandas as pd
import pytest

from conftest import TBAQ
from timeline import events, sentences, tables, timeml
from timeline import nlp as nlp_mod
from timeline.article import Article, Mention

PUBLISHED = date(2025, 11, 21)


def anchored(nlp, text: str, dates: list[str], undated: bool = False,
             published=PUBLISHED) -> Article:
    """An article of ``text`` with a DATE mention at each of ``dates``
    (first occurrence), parsed and anchored."""
    article = sentences.split(Article(doc_id="t", text=text, published=published))
    for expr in dates:
        start = text.index(expr)
        sent = article.sentence_of(start)
        sent.needs_parse = True
        article.mentions.append(Mention(
            start=start, end=start + len(expr), text=expr, type="DATE", value="2025-11-20",
            date_start=date(2025, 11, 20), date_end=date(2025, 11, 20), granularity="day",
            confidence=0.8, sentence=sent.index))
    if undated:
        for sent in article.sentences:
            sent.needs_parse = True
    nlp_mod.parse([article], nlp)
    return events.anchor(article, undated=undated)


def mention_for(article: Article, expr: str) -> Mention:
    return next(m for m in article.mentions if m.text == expr)


# --- anchoring: the examples of the issue ------------------------------------------------

ISSUE_EXAMPLES = [
    # (text, date expression, trigger lemma, trigger word, actors, summary start)
    ("Kiev on Thursday confirmed receiving the document, with Vladimir Zelensky saying he "
     "hopes to discuss it with US President Donald Trump “in the coming days.”",
     "on Thursday", "confirm", "confirmed", ["Kiev"], "Kiev confirmed receiving the document"),
    ("US Secretary of State Marco Rubio has hailed “tremendous progress” at talks in Geneva.\n"
     "Rubio, Secretary of the Army Dan Driscoll, and special envoy Steve Witkoff met with "
     "Ukrainian officials at the American mission in Geneva on Sunday as US President Donald "
     "Trump’s deadline looms.",
     "on Sunday", "meet", "met", ["Marco Rubio", "Dan Driscoll", "Steve Witkoff"],
     "Marco Rubio, Dan Driscoll and Steve Witkoff met with Ukrainian officials"),
    ("In its article on Wednesday, Reuters quoted anonymous sources as saying that “Washington "
     "wants Kiev to accept the main points” of the reported peace plan.",
     "on Wednesday", "quote", "quoted", ["Reuters"], "Reuters quoted anonymous sources"),
    ("The confirmed submission of a US-backed peace plan on Thursday and the subsequent "
     "publication of a reported text come as Vladimir Zelensky’s government is mired in a "
     "major corruption scandal.",
     "on Thursday", "submission", "submission", [],
     "Confirmed submission of a US-backed peace plan"),
    ("Kremlin spokesman Dmitry Peskov told journalists on Friday that the Russian government "
     "had not yet been informed about Ukraine’s Vladimir Zelensky agreeing to negotiate on "
     "the peace plan.",
     "on Friday", "tell", "told", ["Dmitry Peskov"], "Dmitry Peskov told journalists that"),
]


@pytest.mark.parametrize("text, expr, lemma, word, actors, summary", ISSUE_EXAMPLES,
                         ids=["confirm", "meet", "quote", "submission", "tell"])
def test_issue_examples(nlp, text, expr, lemma, word, actors, summary):
    article = anchored(nlp, text, [expr])
    m = mention_for(article, expr)
    assert m.trigger == lemma
    assert text[m.trigger_start:m.trigger_end] == word
    assert m.actors == actors
    assert m.summary.startswith(summary)
    assert expr not in m.summary          # the date is not repeated in the line


def test_reported_speech_keeps_its_layer(nlp):
    # the date dates the telling, not what was told
    text = ("Dmitry Peskov told journalists on Friday that Russia had received the plan "
            "and would study it.")
    m = mention_for(anchored(nlp, text, ["on Friday"]), "on Friday")
    assert m.trigger == "tell"
    # a date inside the reported clause dates the reported event
    text = "Dmitry Peskov said that Russia received the plan on Thursday."
    m = mention_for(anchored(nlp, text, ["on Thursday"]), "on Thursday")
    assert m.trigger == "receive"
    assert m.actors == ["Russia"]


def test_object_entities_and_offsets(nlp):
    text = ISSUE_EXAMPLES[0][0]
    m = mention_for(anchored(nlp, text, ["on Thursday"]), "on Thursday")
    assert m.object == "receiving the document"
    assert "Vladimir Zelensky" in m.entities and "Donald Trump" in m.entities
    assert "Thursday" not in m.entities             # dates are not named entities


def test_surname_and_pronoun_take_the_full_name(nlp):
    text = ("Veteran German politician Sahra Wagenknecht has criticised the bloc.\n"
            "In a post on X on Thursday, she wrote that the Europeans had isolated "
            "themselves.\n"
            "Kremlin spokesman Dmitry Peskov commented.\n"
            "Peskov said on Friday that nothing specific was being discussed.")
    article = anchored(nlp, text, ["on Thursday", "on Friday"])
    assert mention_for(article, "on Thursday").actors == ["Sahra Wagenknecht"]
    assert mention_for(article, "on Thursday").trigger == "write"
    assert mention_for(article, "on Friday").actors == ["Dmitry Peskov"]


def test_light_verb_event_noun_and_passive(nlp):
    text = ("Sergey Shoigu held talks in Oman on Sunday.\n"
            "The draft was handed to Kiev on Monday by US officials.")
    article = anchored(nlp, text, ["on Sunday", "on Monday"])
    talks = mention_for(article, "on Sunday")
    assert talks.trigger == "talk" and talks.actors == ["Sergey Shoigu"]
    assert talks.summary.startswith("Sergey Shoigu held talks")
    handed = mention_for(article, "on Monday")
    assert handed.trigger == "hand" and handed.actors == ["US officials"]
    assert handed.summary.startswith("The draft was handed to Kiev")


# --- anchoring: syntactic patterns ---------------------------------------------------------

PATTERNS = [
    # (text, date expression, trigger lemma, summary start)
    # reported speech: a date between the reporting verb and its clause
    ("Tanzanian police said on Tuesday they had arrested 14 foreigners.", "on Tuesday",
     "say", "Tanzanian police said they had arrested 14 foreigners"),
    # a past date on the complement of a past verb dates that verb
    ("The British government invited Sinn Fein to rejoin the talks two weeks ago.",
     "two weeks ago", "invite", "The British government invited Sinn Fein to rejoin"),
    # a span of time measured from an event dates the event
    ("Three days after the attack, police arrested two men in Kiev.", "Three days",
     "attack", "Attack"),
    # a cleft focuses the date of its clause
    ("It was not until Tuesday that Castro revealed the plan.", "Tuesday", "reveal",
     "Castro revealed the plan"),
    # an adjective predicated of a noun ("due", "payable", "worth")
    ("The company will redeem its debentures due March 1, 2011.", "March 1, 2011", "due",
     "Its debentures due"),
    # a date modifying an object noun dates that noun
    ("Ralston attributed its fourth-quarter slump to higher costs.", "fourth-quarter",
     "slump", "Ralston: slump"),
    # "X was $N": the figure's noun
    ("Sales for the full year were $6.6 billion, up 13%.", "the full year", "sale", "Sales"),
]


@pytest.mark.parametrize("text, expr, lemma, summary", PATTERNS,
                         ids=["said-on", "invited-to", "days-after", "cleft", "due",
                              "object-noun", "figure"])
def test_anchoring_patterns(nlp, text, expr, lemma, summary):
    m = mention_for(anchored(nlp, text, [expr]), expr)
    assert m.trigger == lemma
    assert m.summary.startswith(summary)


def test_a_future_date_stays_on_the_complement(nlp):
    text = "Hewlett planned to ship the new computer early next year."
    article = anchored(nlp, text, ["early next year"])
    m = mention_for(article, "early next year")
    assert m.trigger == "plan"                  # dated 2025-11-20: before publication
    m.date_start = m.date_end = date(2026, 3, 1)
    m.value = "2026"
    events.anchor(article)
    assert m.trigger == "ship"                  # after publication: the shipping


def test_time_relation_from_interval_or_value():
    published = date(2025, 11, 21)
    past = Mention(start=0, end=1, text="x", type="DATE", value="2025-11-20",
                   date_start=date(2025, 11, 20), date_end=date(2025, 11, 20))
    assert events.time_relation(past, published) == -1
    assert events.time_relation(Mention(start=0, end=1, text="x", value="2025-11"),
                                published) == 0
    assert events.time_relation(Mention(start=0, end=1, text="x", value="2026-W02"),
                                published) == 1
    assert events.time_relation(Mention(start=0, end=1, text="x", value="PAST_REF"),
                                None) == -1
    assert events.time_relation(Mention(start=0, end=1, text="x", value="XXXX-SU"),
                                published) is None
    assert events.time_relation(past, None) is None


def test_only_parsed_date_and_time_mentions_are_anchored(nlp):
    text = "The war has lasted for three years. Talks resumed on Friday."
    article = sentences.split(Article(doc_id="t", text=text, published=PUBLISHED))
    duration = Mention(start=text.index("three years"), end=text.index("three years") + 11,
                       text="three years", type="DURATION", value="P3Y", sentence=0)
    friday = Mention(start=text.index("on Friday"), end=text.index("on Friday") + 9,
                     text="on Friday", type="DATE", sentence=1)
    article.mentions = [duration, friday]
    article.sentences[0].needs_parse = True
    nlp_mod.parse([article], nlp)
    events.anchor(article)
    assert duration.trigger == "" and friday.trigger == ""   # no parse for sentence 1
    article.sentences[1].needs_parse = True
    nlp_mod.parse([article], nlp)
    events.anchor(article)
    assert duration.trigger == "" and friday.trigger == "resume"


# --- undated sentences -------------------------------------------------------------------


UNDATED_TEXT = ("Sergey Lavrov met Badr Abdelatty in Cairo.\n"
                "The ministers discussed Gaza on Friday.\n"
                "Egypt remains cautious.")


def test_undated_sentences_keep_their_main_event(nlp):
    article = anchored(nlp, UNDATED_TEXT, ["on Friday"], undated=True)
    undated = [m for m in article.mentions if m.rule == "undated"]
    assert [m.trigger for m in undated] == ["meet", "remain"]
    for m in undated:
        assert UNDATED_TEXT[m.start:m.end] == m.text            # offsets round-trip
        assert (m.start, m.end) == (m.trigger_start, m.trigger_end)
        assert m.type == "DATE" and m.granularity == "reported"
        assert m.date_start == m.date_end == PUBLISHED and m.value == "2025-11-21"
        assert m.confidence < 0.5 and m.anchor == "publication"
    assert undated[0].actors == ["Sergey Lavrov"]
    # the dated mention keeps its place; the undated ones follow, by start
    assert article.mentions[0].text == "on Friday"
    assert [m.sentence for m in article.mentions] == [1, 0, 2]


def test_undated_is_off_by_default_and_needs_a_publication_date(nlp):
    assert len(anchored(nlp, UNDATED_TEXT, ["on Friday"]).mentions) == 1
    article = anchored(nlp, UNDATED_TEXT, ["on Friday"], undated=True, published=None)
    assert len(article.mentions) == 1


def test_undated_mentions_leave_dated_positions_and_anchors(nlp):
    article = sentences.split(Article(doc_id="t", text=UNDATED_TEXT, published=PUBLISHED))
    friday = UNDATED_TEXT.index("on Friday")
    article.mentions = [Mention(start=friday, end=friday + 9, text="on Friday", type="DATE",
                                anchor="mention:0", sentence=1)]
    for sent in article.sentences:
        sent.needs_parse = True
    nlp_mod.parse([article], nlp)
    events.anchor(article, undated=True)
    assert article.mentions[0].text == "on Friday"
    assert article.mentions[0].anchor == "mention:0"     # it still points at itself
    assert [m.rule for m in article.mentions[1:]] == ["undated", "undated"]


# --- merging -----------------------------------------------------------------------------


def mention(mid: str, doc: str, day: str, trigger: str, actors: str = "", obj: str = "",
            sentence: str = "", end: str = "", granularity: str = "day", summary: str = "",
            kind: str = "DATE", confidence: str = "0.8", trigger_start: int = 0) -> dict:
    return {"mention_id": mid, "doc_id": doc, "start": "0", "end": "1", "text": "Thursday",
            "type": kind, "value": day, "date_start": day, "date_end": end or day,
            "granularity": granularity, "mod": "", "anchor": "publication",
            "confidence": confidence, "sentence": "0", "sentence_start": "-1",
            "sentence_end": "-1", "event_id": "", "trigger": trigger,
            "trigger_start": str(trigger_start), "trigger_end": str(trigger_start + 3),
            "actor": actors.split("; ")[0], "actors": actors, "object": obj,
            "summary": summary or f"{actors} {trigger} {obj} {sentence}", "entities": "",
            "rule": ""}


def documents(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "source": s, "duplicate_of": dup, "text": ""}
                         for d, s, dup in rows])


DOCS = documents(("rt-1", "RT", ""), ("ahram-2", "Ahram", ""), ("rt-3", "RT", ""),
                 ("mwn-4", "Morocco World News", ""), ("rt-1-copy", "RT", "rt-1"))


def merged(rows, docs=DOCS):
    frame = pd.DataFrame(rows, columns=tables.MENTION_COLUMNS)
    return events.merge(frame, docs)


def test_same_event_from_two_outlets_merges():
    mentions, evs = merged([
        mention("rt-1:m0", "rt-1", "2025-11-20", "meet", "Sergey Lavrov; Badr Abdelatty",
                "political consultations"),
        mention("ahram-2:m3", "ahram-2", "2025-11-20", "talk", "Lavrov", "bilateral relations"),
    ])
    assert len(evs) == 1
    event = evs.iloc[0]
    assert event.doc_ids == "ahram-2; rt-1" and event.n_docs == 2
    assert event.sources == "Ahram; RT"
    assert event.mention_ids == "ahram-2:m3; rt-1:m0"
    assert event.actors == "Sergey Lavrov; Badr Abdelatty"    # "Lavrov" folded in
    assert set(mentions.event_id) == {event.event_id}
    assert list(evs.columns) == tables.EVENT_COLUMNS


def test_different_events_on_the_same_day_stay_apart():
    day = "2025-11-20"
    _, evs = merged([
        mention("rt-1:m0", "rt-1", day, "confirm", "Kiev", "receiving the document",
                "Kiev on Thursday confirmed receiving the document."),
        mention("rt-3:m1", "rt-3", day, "receive", "Kiev", "a new draft peace plan",
                summary="Kiev confirmed receiving a new draft peace plan from the US"),
        mention("ahram-2:m0", "ahram-2", day, "report", "Politico",
                "Andrey Sibiga complained to EU ministers"),
        mention("mwn-4:m0", "mwn-4", day, "report", "Russia",
                "it had taken full control of Kupyansk"),
    ])
    assert len(evs) == 3
    kiev = evs[evs.actors == "Kiev"].iloc[0]
    assert kiev.doc_ids == "rt-1; rt-3"      # "confirmed receiving" both ways
    assert set(evs.actors) == {"Kiev", "Politico", "Russia"}


def test_seed_events_of_2025_11_20_stay_apart_and_peskov_merges(seed_tables):
    m = seed_tables.mentions
    texts = dict(zip(seed_tables.documents.doc_id, seed_tables.documents.text))

    def event_of(phrase: str, day: str) -> set:
        rows = m[(m.date_start == day) & (m.event_id != "")]
        found = {r.event_id for r in rows.itertuples()
                 if phrase in texts[r.doc_id][int(r.sentence_start):int(r.sentence_end)]}
        assert found, phrase
        return found
    confirm = event_of("Kiev on Thursday confirmed receiving", "2025-11-20")
    politico = event_of("Politico reported on Thursday", "2025-11-20")
    kupyansk = event_of("Kupyansk", "2025-11-20")
    assert not (confirm & politico) and not (confirm & kupyansk) and not (politico & kupyansk)
    peskov = event_of("Peskov told", "2025-11-21")
    assert len(peskov) == 1                    # told journalists / told reporters
    row = seed_tables.events.set_index("event_id").loc[peskov.pop()]
    assert row.n_docs == 2


def test_dates_must_be_compatible():
    same = dict(trigger="meet", actors="Sergey Lavrov", obj="Badr Abdelatty",
                sentence="Lavrov met Abdelatty in Cairo for talks on Gaza")
    _, evs = merged([
        mention("rt-1:m0", "rt-1", "2025-11-20", **same),
        mention("ahram-2:m0", "ahram-2", "2025-11-21", **same),
    ])
    assert len(evs) == 2                       # two days: two meetings
    _, evs = merged([
        mention("rt-1:m0", "rt-1", "2025-11-20", **same),
        mention("ahram-2:m0", "ahram-2", "2025-11-17", end="2025-11-23", granularity="week",
                **same),
    ])
    assert len(evs) == 1                       # the day lies inside the week
    event = evs.iloc[0]
    assert (event.date_start, event.date_end, event.granularity) == (
        "2025-11-20", "2025-11-20", "day")      # the tightest interval


def test_sentences_close_in_meaning_merge_whatever_the_predicate():
    first = "Russian forces took full control of Kupyansk, the Russian Defense Ministry said."
    second = ("The Russian Defense Ministry said its forces had captured Kupyansk and taken "
              "full control of the city.")
    other = "Ukrainian officials denied that the city of Kupyansk had fallen."
    docs = pd.DataFrame([
        {"doc_id": "rt-1", "source": "RT", "duplicate_of": "", "text": first},
        {"doc_id": "ahram-2", "source": "Ahram", "duplicate_of": "", "text": second},
        {"doc_id": "mwn-4", "source": "MWN", "duplicate_of": "", "text": other}])
    rows = [mention("rt-1:m0", "rt-1", "2025-11-20", "take", "Russian forces"),
            mention("ahram-2:m0", "ahram-2", "2025-11-20", "say", "Defense Ministry"),
            mention("mwn-4:m0", "mwn-4", "2025-11-20", "deny", "Ukrainian officials")]
    for row, text in zip(rows, (first, second, other)):
        row["sentence_start"], row["sentence_end"] = "0", str(len(text))
    _, evs = merged(rows, docs)
    assert sorted(evs.doc_ids) == ["ahram-2; rt-1", "mwn-4"]
    assert evs.set_index("doc_ids").loc["ahram-2; rt-1", "sentence"] in (first, second)


def test_similar_pairs_large_blocks_agree_with_the_exact_comparison(monkeypatch):
    rng = random.Random(11)
    vocab = ["".join(rng.choice("abcdefgh") for _ in range(5)) for _ in range(600)]
    lists = [[rng.choice(vocab) for _ in range(12)] for _ in range(300)]
    lists += [words[:10] + ["zzz", "yyy"] for words in lists[:40]]
    rows = events._tfidf_rows(lists, {})
    exact = events.similar_pairs(rows, 0.6)
    # the constant is read by the merging module (``events.merge`` is the function)
    monkeypatch.setattr(importlib.import_module("timeline.events.merge"), "DENSE_BLOCK", 10)
    indexed = events.similar_pairs(rows, 0.6)
    assert len(exact) >= 40
    assert [(i, j) for i, j, _ in exact] == [(i, j) for i, j, _ in indexed]


def test_a_coarse_mention_never_joins_two_different_days():
    same = dict(trigger="meet", actors="Sergey Lavrov", obj="Badr Abdelatty",
                sentence="Lavrov met Abdelatty in Cairo for talks on Gaza")
    _, evs = merged([
        mention("rt-1:m0", "rt-1", "2025-11-20", **same),
        mention("rt-3:m0", "rt-3", "2025-11-01", end="2025-11-30", granularity="month",
                **same),
        mention("ahram-2:m0", "ahram-2", "2025-11-21", **same),
    ])
    for event in evs.itertuples():
        assert event.date_start <= event.date_end
    days = [e for e in evs.itertuples() if e.granularity == "day"]
    assert len(days) == 2 and len(evs) == 2


def test_one_predicate_dated_twice_in_an_article_is_one_event():
    _, evs = merged([
        mention("rt-1:m0", "rt-1", "2025-11-20", "sign", "Kiev", trigger_start=40),
        mention("rt-1:m1", "rt-1", "2025-11-20", "sign", "Kiev", trigger_start=40),
        mention("rt-1:m2", "rt-1", "2025-11-20", "attack", "Russia", trigger_start=90),
    ])
    assert sorted(evs.mention_ids) == ["rt-1:m0; rt-1:m1", "rt-1:m2"]


def test_mentions_without_date_trigger_or_from_duplicates_get_no_event():
    mentions, evs = merged([
        mention("rt-1:m0", "rt-1", "", "meet", "Lavrov"),                  # no date
        mention("rt-1:m1", "rt-1", "2025-11-20", "", "Lavrov"),            # no trigger
        mention("rt-1:m2", "rt-1", "2025-11-20", "meet", kind="DURATION"),
        mention("rt-1-copy:m0", "rt-1-copy", "2025-11-20", "meet", "Lavrov"),
        mention("rt-3:m0", "rt-3", "2025-11-20", "meet", "Lavrov"),
    ])
    assert list(mentions.event_id != "") == [False, False, False, False, True]
    assert evs.doc_ids.tolist() == ["rt-3"]


def test_event_ids_are_deterministic_and_independent_of_row_order():
    rows = [mention(f"{d}:m{i}", d, f"2025-11-{20 + i % 2}", t, a, o)
            for i, (d, t, a, o) in enumerate([
                ("rt-1", "meet", "Lavrov", "Abdelatty"), ("ahram-2", "talk", "Sergey Lavrov", ""),
                ("rt-3", "report", "Reuters", "the plan"), ("mwn-4", "say", "Rubio", "peace"),
                ("rt-1", "attack", "Russia", "Kupyansk"), ("ahram-2", "meet", "Lavrov", ""),
                ("rt-3", "sign", "Kiev", "deal"), ("mwn-4", "confirm", "Kiev", "receipt")])]
    first, events_first = merged(rows)
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    second, events_second = merged(shuffled)
    ids_first = dict(zip(first.mention_id, first.event_id))
    ids_second = dict(zip(second.mention_id, second.event_id))
    assert ids_first == ids_second
    assert sorted(events_first.event_id) == sorted(events_second.event_id)
    assert all(e.startswith("ev-") for e in ids_first.values())
    assert len(set(ids_first.values())) < len(rows)        # something did merge


def test_confidence_grows_with_independent_sources():
    def confidence(docs: list[str]) -> float:
        rows = [mention(f"{d}:m0", d, "2025-11-20", "meet", "Sergey Lavrov", "Abdelatty")
                for d in docs]
        _, evs = merged(rows)
        assert len(evs) == 1
        return float(evs.iloc[0].confidence)
    one = confidence(["rt-1"])
    same_outlet = confidence(["rt-1", "rt-3"])
    two_outlets = confidence(["rt-1", "ahram-2"])
    three_outlets = confidence(["rt-1", "ahram-2", "mwn-4"])
    assert one < same_outlet < two_outlets < three_outlets <= 1.0


def test_merge_of_an_empty_table():
    mentions, evs = events.merge(pd.DataFrame(columns=tables.MENTION_COLUMNS), DOCS)
    assert mentions.empty and evs.empty and list(evs.columns) == tables.EVENT_COLUMNS


def test_merge_tolerates_missing_cells():
    rows = [mention("rt-1:m0", "rt-1", "2025-11-20", "meet", "Lavrov"),
            mention("ahram-2:m0", "ahram-2", "2025-11-20", "meet", "Lavrov")]
    frame = pd.DataFrame(rows, columns=tables.MENTION_COLUMNS)
    frame.loc[1, ["object", "summary", "confidence", "sentence_start"]] = float("nan")
    frame = frame.drop(columns=["entities"])
    docs = DOCS.copy()
    docs.loc[0, "text"] = float("nan")
    mentions, evs = events.merge(frame, docs)
    assert len(evs) == 1 and "nan" not in evs.iloc[0].actors.lower()
    assert "entities" in mentions.columns


def test_merge_gives_every_one_of_many_mentions_an_event():
    rng = random.Random(3)
    verbs = ["say", "meet", "report", "confirm", "reject", "attack", "visit", "sign"]
    names = [f"Person{chr(65 + i % 26)}{chr(65 + i // 26)}" for i in range(60)]
    rows = []
    for i in range(6000):
        day = f"2025-{9 + i % 3:02d}-{1 + rng.randrange(28):02d}"
        rows.append(mention(f"d{i % 700}:m{i}", f"d{i % 700}", day, rng.choice(verbs),
                            "; ".join(rng.sample(names, 2)), trigger_start=i))
    docs = documents(*[(f"d{i}", f"S{i % 40}", "") for i in range(700)])
    mentions, evs = merged(rows, docs)   # (its cost is bounded by the pair cap: see test_entities)
    assert (mentions.event_id != "").all()
    assert evs.n_docs.sum() >= len(evs)


# --- asserted, specific events only -----------------------------------------------------

@pytest.mark.parametrize("text, expr, reason", [
    ("None of this means Norland or Southia is preparing to launch major wars tomorrow.",
     "tomorrow", "negated"),
    ("The ministers did not meet on Friday, the agency said.", "on Friday", "negated"),
    ("There was no meeting on Friday between the two envoys.", "on Friday", "negated"),
    ("Southia could attack the port on Monday if the talks fail.", "on Monday", "hypothetical"),
    ("The dispute is an issue that today defines much of the regional agenda.", "today",
     "generic"),
    ("Today’s landscape is different.", "Today", "generic"),
])
def test_unasserted_or_generic_predicates_make_no_event(nlp, text, expr, reason):
    article = anchored(nlp, text, [expr])
    m = mention_for(article, expr)
    assert m.trigger == "" and m.summary == "" and m.actors == []
    assert m.extra["no_event"] == reason
    assert text[m.trigger_start:m.trigger_end].strip()      # the predicate's span is kept
    rows = pd.DataFrame(tables.mention_rows(article))
    mentions, evs = events.merge(rows, documents(("t", "T", "")))
    assert evs.empty and (mentions.event_id == "").all()


@pytest.mark.parametrize("text, expr, lemma", [
    ("The summit opens today in the capital.", "today", "open"),
    ("Today, the president signed the decree.", "Today", "sign"),
    ("Officials said the talks would resume on Monday.", "on Monday", "resume"),
    ("It was not until Tuesday that the minister revealed the plan.", "Tuesday", "reveal"),
    ("A decision will not be made until mid-May, the agency said.", "mid-May", "make"),
])
def test_specific_and_reported_predicates_still_make_events(nlp, text, expr, lemma):
    m = mention_for(anchored(nlp, text, [expr]), expr)
    assert m.trigger == lemma and "no_event" not in m.extra


def test_a_date_is_never_the_actor_of_an_event_noun(nlp):
    m = mention_for(anchored(nlp, "Nobody mentioned the issue at Monday's talks in Hanoi.",
                             ["Monday"]), "Monday")
    assert m.trigger == "talk" and m.actors == []


def test_a_transfer_seen_from_both_ends_merges_when_objects_meet():
    day = "2025-11-20"
    _, evs = merged([
        mention("rt-1:m0", "rt-1", day, "submission", "", "US-backed peace plan",
                summary="Confirmed submission of a US-backed peace plan"),
        mention("ahram-2:m0", "ahram-2", day, "confirm", "Kiev",
                "receiving a new draft peace plan from the US",
                summary="Kiev confirmed receiving a new draft peace plan from the US"),
        mention("mwn-4:m0", "mwn-4", day, "receive", "Cairo", "a shipment of wheat",
                summary="Cairo received a shipment of wheat"),
    ])
    assert len(evs) == 2
    plan = evs[evs.n_docs == 2].iloc[0]
    assert plan.doc_ids == "ahram-2; rt-1"


def deadline_rows(sentences_by_doc: dict, day: str, trigger_of: dict) -> tuple:
    """Mention rows (with their documents) for the expression "Thursday" in
    each document's sentence."""
    rows, docs = [], []
    for doc, (sentence, actors, obj, summary, entities) in sentences_by_doc.items():
        expr = "next Thursday" if "next Thursday" in sentence else "Thursday"
        start = sentence.index(expr)
        row = mention(f"{doc}:m0", doc, day, trigger_of[doc], actors, obj, summary=summary)
        row.update({"start": str(start), "end": str(start + len(expr)), "sentence_start": "0",
                    "sentence_end": str(len(sentence)), "entities": entities})
        rows.append(row)
        docs.append({"doc_id": doc, "source": doc.split("-")[0], "duplicate_of": "",
                     "published": "2025-11-21", "text": sentence})
    return pd.DataFrame(rows, columns=tables.MENTION_COLUMNS), pd.DataFrame(docs)


def test_mentions_of_one_deadline_merge_whatever_their_predicate():
    frame, docs = deadline_rows({
        "a-1": ("Washington is pressing Kiev to accept Donald Trump’s peace plan by next "
                "Thursday.", "Kiev", "Donald Trump’s peace plan",
                "Washington is pressing Kiev to accept Donald Trump’s peace plan",
                "Washington; Kiev; Donald Trump’s"),
        "b-2": ("The envoys met in Geneva as Donald Trump’s deadline – set for Thursday – "
                "looms.", "", "", "Donald Trump’s deadline set", "Geneva; Donald Trump"),
        "c-3": ("Sources said the US wanted Kiev to sign the framework by Thursday.", "Kiev",
                "the framework", "Kiev to sign the framework", "US; Kiev"),
        # the same day, no deadline: stays apart
        "d-4": ("The Lisbon council will meet Thursday to sign the budget.", "Lisbon council",
                "the budget", "Lisbon council to sign the budget", "Lisbon"),
    }, "2025-11-27", {"a-1": "accept", "b-2": "set", "c-3": "sign", "d-4": "sign"})
    first = docs.text[0]
    at = first.index("next Thursday")
    assert events.is_deadline(first, at, at + 13, 0, len(first))
    assert not events.is_deadline(first, at, at + 13, 0, len(first), future=False)
    assert events.is_deadline(first, at, at + 13, 0, len(first), granularity="day")
    target = "The EU will cut emissions by 2030."
    year = target.index("2030")
    assert events.is_deadline(target, year, year + 4, 0, len(target))      # granularity unknown
    assert not events.is_deadline(target, year, year + 4, 0, len(target), granularity="year")
    mentions, evs = events.merge(frame, docs)
    ids = dict(zip(mentions.doc_id, mentions.event_id))
    assert ids["a-1"] == ids["b-2"] == ids["c-3"] != ids["d-4"]


def test_a_deadline_needs_a_shared_party_or_object():
    frame, docs = deadline_rows({
        "a-1": ("Kiev must accept the peace plan by Thursday.", "Kiev", "the peace plan",
                "Kiev must accept the peace plan", "Kiev"),
        "b-2": ("Tax returns are due by Thursday for Ruritanian firms.", "", "",
                "Tax returns are due", "Ruritanian"),
    }, "2025-11-27", {"a-1": "accept", "b-2": "due"})
    mentions, evs = events.merge(frame, docs)
    assert len(evs) == 2


def test_objects_sharing_only_a_predicate_word_or_chance_words_stay_apart():
    day = "2025-04-02"
    _, evs = merged([
        mention("rt-1:m0", "rt-1", day, "meet", "Newt Gingrich", "for talks"),
        mention("ahram-2:m0", "ahram-2", day, "arrive", "Pakistani military chief",
                "for talks", summary="Pakistani military chief arrived for talks"),
    ])
    assert len(evs) == 2
    _, evs = merged([
        mention("rt-1:m0", "rt-1", day, "say", "Bank",
                "the share of South Korean foreign debt rose", "Korean debt statistics"),
        mention("ahram-2:m0", "ahram-2", day, "say", "foreign ministry official",
                "South Korean foreign minister will visit Japan", "visit to Tokyo planned"),
    ])
    assert len(evs) == 2


# --- the measure on gold TimeML -------------------------------------------------------------

TML = """<?xml version="1.0" ?>
<TimeML><DOCID>t</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-08" functionInDocument="CREATION_TIME">1998-08-08</TIMEX3></DCT>
<TEXT>Police <EVENT eid="e1" class="REPORTING">said</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-08-07">Friday</TIMEX3> that two bombs <EVENT eid="e2" class="OCCURRENCE">exploded</EVENT> near the embassy.
The ministers <EVENT eid="e3" class="OCCURRENCE">met</EVENT> in Cairo on <TIMEX3 tid="t2" type="DATE" value="1998-08-06">Thursday</TIMEX3> before <EVENT eid="e4" class="OCCURRENCE">leaving</EVENT>.
</TEXT>
<MAKEINSTANCE eventID="e1" eiid="ei1"/><MAKEINSTANCE eventID="e2" eiid="ei2"/>
<MAKEINSTANCE eventID="e3" eiid="ei3"/><MAKEINSTANCE eventID="e4" eiid="ei4"/>
<TLINK lid="l1" relType="IS_INCLUDED" eventInstanceID="ei1" relatedToTime="t1"/>
<TLINK lid="l2" relType="IS_INCLUDED" timeID="t2" relatedToEventInstance="ei3"/>
</TimeML>
"""


def test_anchoring_measure_on_a_small_gold_file(tmp_path, nlp):
    from timeline import evaluate
    (tmp_path / "t.tml").write_text(TML, encoding="utf-8")
    result = evaluate.anchoring([tmp_path], nlp)
    assert result["n"] == 2 and result["n_files"] == 1
    assert result["accuracy"] == 100.0
    # the nearest verb to "Friday" is "said", to "Thursday" it is "leaving"
    assert result["baseline_accuracy"] == 50.0


@pytest.mark.skipif(not TBAQ.exists(), reason="TempEval-3 data not available")
def test_anchoring_beats_the_nearest_verb_on_timebank(nlp):
    from timeline import evaluate
    files = sorted(timeml.find_files([TBAQ / "TimeBank"]))[:40]
    result = evaluate.anchoring(files, nlp)
    assert result["n"] > 100
    assert result["accuracy"] >= result["baseline_accuracy"] + 10
    assert result["accuracy"] >= 80


# --- undated mentions never touch the dated events ----------------------------------------

UNDATED_CORPUS = [
    {"id": "a-1", "published": "2025-11-21", "text":
        "Dmitry Peskov told reporters on Friday that Moscow had not received the plan.\n"
        "Peskov stressed that the Kremlin was open to talks.\n"
        "Meetings in Moscow and Muscat took place in 2025.\n"
        "The talks were held behind closed doors."},
    {"id": "b-2", "published": "2025-11-21", "text":
        "Kremlin spokesman Dmitry Peskov told journalists on Friday that Moscow had not "
        "received the plan.\n"
        "Peskov stressed that the Kremlin remained open to talks.\n"
        "Two rounds of talks were held in Muscat."},
]


def test_undated_mentions_only_add_events(tmp_path):
    import json
    from timeline import pipeline
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in UNDATED_CORPUS), encoding="utf-8")
    off = pipeline.extract(corpus, progress=False)
    on = pipeline.extract(corpus, undated=True, progress=False)
    cols = ["event_id", "date_start", "date_end", "granularity", "doc_ids", "mention_ids",
            "confidence"]
    dated_on = on.events[on.events.granularity != "reported"]
    assert len(on.events) > len(off.events) == len(dated_on) > 0
    key = lambda f: sorted(map(tuple, f[cols].astype(str).values))
    assert key(dated_on) == key(off.events)
    peskov = off.events[off.events.summary.str.contains("Peskov told")]
    assert peskov.n_docs.tolist() == [2]                 # still merged across articles
    # the dated mentions keep their ids, and no undated one joins their events
    m_on = on.mentions.set_index("mention_id")
    for row in off.mentions.itertuples():
        assert m_on.loc[row.mention_id, "event_id"] == row.event_id
    undated_events = set(on.mentions[on.mentions.rule == "undated"].event_id)
    assert not undated_events & set(off.events.event_id)


def test_undated_mentions_merge_only_with_one_another():
    day = "2025-11-21"
    rows = [mention("rt-1:m0", "rt-1", day, "tell", "Dmitry Peskov", "reporters"),
            mention("ahram-2:m0", "ahram-2", day, "tell", "Dmitry Peskov", "reporters",
                    granularity="reported"),
            mention("rt-3:m0", "rt-3", day, "tell", "Dmitry Peskov", "reporters",
                    granularity="reported")]
    for row in rows[1:]:
        row["rule"] = "undated"
    _, evs = merged(rows)
    assert sorted(evs.mention_ids) == ["ahram-2:m0; rt-3:m0", "rt-1:m0"]
    assert set(evs.set_index("mention_ids").granularity) == {"day", "reported"}


# --- close sentences, figures, named actors, coarse dates ------------------------------------


def _with_sentences(rows: list[dict], texts: list[str]) -> pd.DataFrame:
    for row, text in zip(rows, texts):
        row["sentence_start"], row["sentence_end"] = "0", str(len(text))
    return pd.DataFrame([{"doc_id": r["doc_id"], "source": r["doc_id"], "duplicate_of": "",
                          "text": t} for r, t in zip(rows, texts)])


def _events_of(rows: list[dict], texts: list[str]) -> list:
    """The merged events of ``rows`` whose sentences are ``texts``."""
    return merged(rows, _with_sentences(rows, texts))[1]


def test_close_sentences_with_conflicting_figures_stay_apart():
    texts = ["Bilateral trade totaled 475 million U.S. dollars in 2005.",
             "Bilateral trade amounted to 197 million U.S. dollars in 2005."]
    rows = [mention("rt-1:m0", "rt-1", "2005-01-01", "total", "Bilateral trade",
                    end="2005-12-31", granularity="year"),
            mention("ahram-2:m0", "ahram-2", "2005-01-01", "amount", "Bilateral trade",
                    end="2005-12-31", granularity="year")]
    assert len(_events_of(rows, texts)) == 2
    texts[1] = texts[1].replace("197", "475")            # the same figure: one event
    assert len(_events_of(rows, texts)) == 1
    assert events.sentence_numbers("1,200 troops and 3.5 percent in 2005 on Nov. 20") == {
        "1200", "3.5", "20"}


def test_different_named_actors_of_one_predicate_stay_apart():
    texts = ["Australian Prime Minister John Howard on Thursday condemned the bomb attacks "
             "on three hotels in Jordan.",
             "Iraq condemned on Thursday the three suicide bombing attacks on three hotels "
             "in Amman."]
    rows = [mention("rt-1:m0", "rt-1", "2005-11-10", "condemn", "John Howard",
                    "the bomb attacks on three hotels in Jordan"),
            mention("ahram-2:m0", "ahram-2", "2005-11-10", "condemn", "Iraq",
                    "the three suicide bombing attacks on three hotels")]
    rows[0]["entities"], rows[1]["entities"] = "John Howard; Jordan", "Iraq; Amman"
    assert len(_events_of(rows, texts)) == 2
    # the same country by another name in the sentence: still one event
    texts[0] = texts[0].replace("in Jordan", "in Jordan, echoing Iraq")
    assert len(_events_of(rows, texts)) == 1


def test_close_sentences_need_a_related_predicate_or_actor():
    texts = ["Economists at the central bank expected output prices to rise in 1997 across "
             "Britain.",
             "Economists at the central bank expected literacy rates to improve in 1997 across "
             "Britain."]
    rows = [mention("rt-1:m0", "rt-1", "1997-01-01", "rise", end="1997-12-31",
                    granularity="year"),
            mention("ahram-2:m0", "ahram-2", "1997-01-01", "reach", end="1997-12-31",
                    granularity="year")]
    docs = _with_sentences(rows, texts)
    vectors = events._tfidf_rows([events.content_words(t) for t in texts], {})
    assert events._cosine(vectors[0], vectors[1]) >= 0.5  # close sentences ...
    _, evs = merged(rows, docs)
    assert len(evs) == 2                                  # ... of unrelated predicates
    rows[1]["trigger"] = "climb"                          # a synonym of "rise"
    _, evs = merged(rows, docs)
    assert len(evs) == 1


def test_a_year_is_not_narrowed_by_another_article_without_agreement():
    # rt-1 and ahram-2 agree on the year; ahram-2 also dates a rise to April,
    # without saying what rose: rt-1's year must not become April
    texts = ["Literacy rates rose from 50 percent in 1997.",
             "Literacy rates rose in 1997, and prices rose in April."]
    rows = [mention("rt-1:m0", "rt-1", "1997-01-01", "rise", "Literacy rates",
                    end="1997-12-31", granularity="year"),
            mention("ahram-2:m0", "ahram-2", "1997-01-01", "rise", "Literacy rates",
                    end="1997-12-31", granularity="year"),
            mention("ahram-2:m1", "ahram-2", "1997-04-01", "rise", end="1997-04-30",
                    granularity="month", trigger_start=40)]
    docs = _with_sentences(rows, texts)
    rows[2]["sentence_start"], rows[2]["sentence_end"] = "0", str(len(texts[1]))
    _, evs = merged(rows, docs)
    year = evs[evs.mention_ids.str.contains("rt-1:m0")].iloc[0]
    assert (year.date_start, year.date_end) == ("1997-01-01", "1997-12-31")
    assert "ahram-2:m1" not in year.mention_ids
    # the same actor in the finer mention: the narrowing is agreed
    rows[2]["actors"] = "Literacy rates"
    _, evs = merged(rows, docs)
    assert len(evs) == 1 and evs.iloc[0].date_start == "1997-04-01"


# --- which actors meet -----------------------------------------------------------------------


def _two_articles(day: str, trigger: str, first: tuple, second: tuple) -> pd.DataFrame:
    """Merge one mention from each of two articles; ``first``/``second`` are
    (actors, object, sentence), the sentence also the article text."""
    rows, texts = [], []
    for mid, doc, (actors, obj, text) in (("rt-1:m0", "rt-1", first),
                                           ("ahram-2:m0", "ahram-2", second)):
        row = mention(mid, doc, day, trigger, actors, obj, summary=text.rstrip("."))
        row["entities"] = actors
        rows.append(row)
        texts.append(text)
    _, evs = merged(rows, _with_sentences(rows, texts))
    return evs


def test_organisations_sharing_only_a_generic_head_noun_stay_apart():
    evs = _two_articles("2025-11-22", "open",
                        ("Beijing Summit", "", "Beijing Summit opened Saturday."),
                        ("Chinese Private Enterprise Summit", "",
                         "Chinese Private Enterprise Summit opened Saturday."))
    assert len(evs) == 2
    assert not events.actors_meet(events.actor_keys("Beijing Summit"),
                                  events.actor_keys("Chinese Private Enterprise Summit"))
    # a distinctive word still joins variants of one organisation's name
    assert events.actors_meet(events.actor_keys("Beijing Summit"),
                              events.actor_keys("Beijing Summit Committee"))
    assert events.actors_meet(events.actor_keys("US"), events.actor_keys("US government"))
    assert not events.actors_meet(events.actor_keys("Defence Ministry"),
                                  events.actor_keys("Finance Ministry"))


def test_a_surname_meets_the_full_name_of_another_article():
    evs = _two_articles("2025-11-22", "visit",
                        ("Hu Jintao", "the Port of Piraeus",
                         "Hu Jintao visited the Port of Piraeus on Saturday."),
                        ("Hu", "a container terminal near Athens",
                         "Hu visited a container terminal near Athens on Saturday."))
    assert len(evs) == 1 and evs.iloc[0].n_docs == 2
    assert evs.iloc[0].actors == "Hu Jintao"             # "Hu" folded in
    evs = _two_articles("2025-11-23", "meet",
                        ("Rubio", "Ukrainian negotiators",
                         "Rubio met Ukrainian negotiators on Sunday."),
                        ("Marco Rubio", "a delegation from Kyiv",
                         "Marco Rubio met a delegation from Kyiv on Sunday."))
    assert len(evs) == 1 and evs.iloc[0].actors == "Marco Rubio"
    # two people sharing a first name are not one actor
    assert not events.actors_meet(events.actor_keys("Vladimir Putin"),
                                  events.actor_keys("Vladimir Zelensky"))
    evs = _two_articles("2025-11-23", "meet",
                        ("Vladimir Putin", "Ukrainian negotiators",
                         "Vladimir Putin met Ukrainian negotiators on Sunday."),
                        ("Vladimir Zelensky", "a delegation from Washington",
                         "Vladimir Zelensky met a delegation from Washington on Sunday."))
    assert len(evs) == 2
