"""entities.csv across documents, entity timelines, and merging of event mentions."""

import importlib

import pandas as pd
import pytest

from timeline import events, tables
merge_mod = importlib.import_module("timeline.events.merge")


def entity_rows(*rows):
    return pd.DataFrame([dict(zip(events.ENTITY_MENTION_COLUMNS, r)) for r in rows])


def test_entities_join_across_documents_by_name_and_unambiguous_alias():
    rows = entity_rows(
        ("a", 0, 11, "Marco Rubio", "Marco Rubio", "PERSON", "name"),
        ("a", 20, 25, "Rubio", "Marco Rubio", "PERSON", "surname"),
        ("a", 30, 32, "he", "Marco Rubio", "PERSON", "pronoun"),
        ("b", 0, 5, "Rubio", "Rubio", "PERSON", "name"),
        ("c", 0, 4, "IAEA", "International Atomic Energy Agency", "ORG", "acronym"),
        ("c", 10, 16, "Kremlin", "Kremlin", "ORG", "name"))
    table = events.entity_table(rows)
    assert list(table.columns) == events.ENTITY_COLUMNS
    rubio = table[table["name"] == "Marco Rubio"].iloc[0]
    assert rubio["aliases"] == "Marco Rubio; Rubio"
    assert rubio["doc_ids"] == "a; b" and rubio["n_mentions"] == 4
    assert rubio["label"] == "PERSON"
    iaea = table[table["name"] == "International Atomic Energy Agency"].iloc[0]
    assert "IAEA" in iaea["aliases"].split("; ")
    assert len(table) == 3
    assert table["entity_id"].is_unique


def test_an_ambiguous_surname_stays_its_own_entity():
    rows = entity_rows(("a", 0, 10, "John Smith", "John Smith", "PERSON", "name"),
                       ("b", 0, 10, "Anna Smith", "Anna Smith", "PERSON", "name"),
                       ("c", 0, 5, "Smith", "Smith", "PERSON", "name"))
    assert sorted(events.entity_table(rows)["name"]) == ["Anna Smith", "John Smith", "Smith"]


def _timeline_tables():
    ev = pd.DataFrame([
        {"event_id": "ev-2", "date_start": "2025-11-20", "date_end": "2025-11-20",
         "date_source": "explicit", "summary": "Peskov said the plan was useful",
         "trigger": "say"},
        {"event_id": "ev-1", "date_start": "2025-11-18", "date_end": "2025-11-18",
         "date_source": "narrative", "summary": "Kiev received the plan", "trigger": "receive"},
        {"event_id": "ev-3", "date_start": "", "date_end": "", "date_source": "none",
         "summary": "Peskov will travel", "trigger": "travel"},
        {"event_id": "ev-4", "date_start": "2025-11-19", "date_end": "2025-11-19",
         "date_source": "explicit", "summary": "Paris hosted talks", "trigger": "host"}])
    em = pd.DataFrame([
        {"event_id": "ev-2", "doc_id": "a", "actors": "Dmitry Peskov", "object": "",
         "sentence": "Peskov said ...", "summary": "", "trigger": "say"},
        {"event_id": "ev-1", "doc_id": "b", "actors": "Kiev", "object": "the plan",
         "sentence": "Kiev received ...", "summary": "", "trigger": "receive"},
        {"event_id": "ev-1", "doc_id": "c", "actors": "", "object": "Dmitry Peskov",
         "sentence": "... handed to Peskov", "summary": "", "trigger": "hand"},
        {"event_id": "ev-3", "doc_id": "a", "actors": "Dmitry Peskov", "object": "",
         "sentence": "Peskov will travel", "summary": "", "trigger": "travel"},
        {"event_id": "ev-4", "doc_id": "a", "actors": "Paris", "object": "talks",
         "sentence": "Paris hosted talks with Peskov", "summary": "", "trigger": "host"}])
    en = pd.DataFrame([{"entity_id": "en-1", "name": "Dmitry Peskov", "label": "PERSON",
                        "aliases": "Dmitry Peskov; Peskov", "doc_ids": "a; c",
                        "n_mentions": 3},
                       {"entity_id": "en-2", "name": "Kiev", "label": "GPE",
                        "aliases": "Kiev", "doc_ids": "b", "n_mentions": 1}])
    return ev, em, en


def test_entity_timelines_in_date_order_by_name_or_surname():
    ev, em, en = _timeline_tables()
    out = events.entity_timelines(ev, em, en, "Peskov; Kiev")
    assert list(out.columns) == events.ENTITY_TIMELINE_COLUMNS
    peskov = out[out["entity"] == "Dmitry Peskov"]
    # as actor or object; in date order, the undated last; not the event
    # whose sentence only names him
    assert list(peskov["event_id"]) == ["ev-1", "ev-2", "ev-3"]
    assert list(out[out["entity"] == "Kiev"]["event_id"]) == ["ev-1"]
    assert list(out["entity"]) == ["Dmitry Peskov"] * 3 + ["Kiev"]


def _em(eid, doc, trigger, actors="", obj="", day="2025-11-20", source="inherited",
        mention_id=""):
    return {"event_mention_id": eid, "doc_id": doc, "trigger": trigger, "text": trigger,
            "actors": actors, "object": obj, "date_start": day, "date_end": day,
            "granularity": "day" if day else "", "date_source": source, "no_event": "",
            "mention_id": mention_id, "confidence": 0.5, "summary": f"{actors} {trigger}",
            "sentence": "", "event_id": ""}


DOCS = pd.DataFrame([{"doc_id": "a", "source": "RT"}, {"doc_id": "b", "source": "Reuters"},
                     {"doc_id": "c", "source": "RT"}])


def _merged(rows):
    em = tables.frame(rows, tables.EVENT_MENTION_COLUMNS)
    return events.merge_event_mentions(em, None, None, DOCS)


def test_one_event_across_outlets_counts_outlets_not_articles():
    em, ev, _ = _merged([_em("a:e0", "a", "approve", "board", "the merger"),
                         _em("b:e0", "b", "approve", "board", "the merger"),
                         _em("c:e0", "c", "approve", "board", "the merger deal")])
    assert em["event_id"].nunique() == 1
    row = ev.iloc[0]
    assert row["n_docs"] == 3 and row["n_sources"] == 2
    assert row["date_source"] == "inherited"


def test_different_events_of_one_day_stay_apart():
    em, ev, _ = _merged([_em("a:e0", "a", "approve", "board", "the merger"),
                         _em("b:e0", "b", "approve", "parliament", "the budget"),
                         _em("b:e1", "b", "reject", "board", "the merger"),
                         _em("c:e0", "c", "approve", "board", "the merger",
                             day="2025-11-21")])
    assert em["event_id"].nunique() == 4 and len(ev) == 4


def test_reported_mentions_merge_only_with_actor_and_object():
    em, _, _ = _merged([
        _em("a:e0", "a", "announce", "Apple", "a new phone", source="reported"),
        _em("a:e1", "a", "announce", "Apple", "record profits", source="reported"),
        _em("b:e0", "b", "announce", "Apple", "a new phone", source="reported")])
    ids = dict(zip(em["event_mention_id"], em["event_id"]))
    assert ids["a:e0"] == ids["b:e0"] != ids["a:e1"]


def test_an_explicit_mention_keeps_the_event_of_its_expression():
    mentions = pd.DataFrame([{"mention_id": "a:m0", "event_id": "ev-x"}])
    old = tables.frame([{"event_id": "ev-x", "date_start": "2025-11-20",
                         "date_end": "2025-11-20", "doc_ids": "a", "mention_ids": "a:m0",
                         "granularity": "day"}], tables.EVENT_COLUMNS)
    rows = [_em("a:e0", "a", "approve", "board", "the merger", source="explicit",
                mention_id="a:m0"),
            _em("b:e0", "b", "approve", "board", "the merger", source="narrative")]
    em, ev, _ = events.merge_event_mentions(tables.frame(rows, tables.EVENT_MENTION_COLUMNS),
                                            mentions, old, DOCS)
    assert set(em["event_id"]) == {"ev-x"}
    assert ev.iloc[0]["doc_ids"] == "a; b" and ev.iloc[0]["n_sources"] == 2


def test_incremental_merge_touches_only_the_given_blocks():
    rows = [_em("a:e0", "a", "approve", "board", "the merger"),
            _em("b:e0", "b", "approve", "board", "the merger"),
            _em("a:e1", "a", "reject", "board", "the plan")]
    em, ev, _ = _merged(rows)
    new = tables.frame([_em("c:e0", "c", "approve", "board", "the merger")],
                       tables.EVENT_MENTION_COLUMNS)
    blocks = events.event_blocks(new)
    assert blocks == {events.event_block("2025-11-20", "2025-11-20", "approve")}
    both = pd.concat([em, new], ignore_index=True)
    em2, ev2, _ = events.merge_event_mentions(both, None, ev, DOCS, only_blocks=blocks)
    ids = dict(zip(em2["event_mention_id"], em2["event_id"]))
    assert ids["a:e0"] == ids["b:e0"] == ids["c:e0"]
    assert ids["a:e1"] == dict(zip(em["event_mention_id"], em["event_id"]))["a:e1"]
    assert len(ev2) == 2


# --- bounded pairs (issue 13.3) -------------------------------------------------------------


def _same_block_columns(n: int) -> dict:
    # the columns _event_mention_pairs reads, as merge_event_mentions makes them
    return {"doc_id": [f"d{i % 7}" for i in range(n)],
            "_actor_keys": [merge_mod.actor_keys("Apple")] * n,
            "_object_words": [merge_mod.object_words("the phone")] * n,
            "_weak": [False] * n, "_reporting": [False] * n,
            "_start": [739000] * n, "_end": [739000] * n}


def test_event_mention_pairs_stay_linear_in_one_block():
    cap = events.max_pairs_per_mention()
    counts = {}
    for n in (200, 800):
        counts[n] = len(merge_mod._event_mention_pairs(_same_block_columns(n),
                                                       list(range(n)), cap, 2))
        assert counts[n] <= cap * n
    assert counts[800] <= 4.5 * counts[200]


def test_the_merge_reads_its_columns_once_whatever_the_number_of_blocks(monkeypatch):
    # one conversion per block made the merge grow with the square of the corpus:
    # each row's dates are read once (start and end), however many blocks there are
    calls = []
    original = merge_mod._parse_day
    monkeypatch.setattr(merge_mod, "_parse_day", lambda v: calls.append(1) or original(v))
    rows = [_em(f"a:e{i}{k}", "a", f"verb{i}", "Apple", "the phone", day=f"2025-11-{10 + i}")
            for i in range(12) for k in range(2)]
    em, _ev, _ = events.merge_event_mentions(tables.frame(rows, tables.EVENT_MENTION_COLUMNS),
                                             None, None, DOCS)
    assert len(set(em["event_id"])) == 12     # 12 blocks of two, each merged
    assert len(calls) == 2 * len(rows)


def _mention_frame(n: int) -> pd.DataFrame:
    keys = frozenset({"say"})
    frame = pd.DataFrame({
        "doc_id": [f"d{i % 5}" for i in range(n)], "trigger_start": list(range(n)),
        "day_start": [739000] * n, "day_end": [739000] * n, "keys": [keys] * n,
        "actor_keys": [merge_mod.actor_keys("Apple")] * n,
        "object_words": [merge_mod.object_words("the new phone")] * n,
        "reporting": [False] * n, "coarse": [False] * n})
    return frame


def test_candidate_pairs_of_mentions_stay_linear():
    counts = {}
    for n in (150, 600):
        frame = _mention_frame(n)
        vectors = merge_mod._tfidf_rows([["apple", "phone", "launch"]] * n, {})
        counts[n] = len(merge_mod.candidate_pairs(frame, vectors))
        # a predicate block, and one of sentences close in meaning: each
        # mention meets at most `cap` others in each
        assert counts[n] <= 2 * events.max_pairs_per_mention() * n
    assert counts[600] <= 4.5 * counts[150]


# --- a reported date is on or before the publication -----------------------------------------


def _reported(eid, doc, trigger, actors, obj, published, tense="PAST", aspect="NONE"):
    row = _em(eid, doc, trigger, actors, obj, day=published, source="reported")
    row.update(granularity="reported", tense=tense, aspect=aspect)
    return row


def test_a_reported_mention_joins_the_dated_event_before_its_publication():
    em, ev, _ = _merged([
        _em("a:e0", "a", "unveil", "Acme", "the Zephyr tablet", day="2031-03-04",
            source="narrative"),
        _reported("b:e0", "b", "unveil", "Acme", "the Zephyr tablet", "2031-05-20"),
        # published before the dated event: it cannot be that event
        _reported("c:e0", "c", "unveil", "Acme", "the Zephyr tablet", "2031-02-01")])
    ids = dict(zip(em["event_mention_id"], em["event_id"]))
    assert ids["a:e0"] == ids["b:e0"] != ids["c:e0"]
    row = ev[ev["event_id"] == ids["a:e0"]].iloc[0]
    assert (row["date_start"], row["date_end"]) == ("2031-03-04", "2031-03-04")
    assert row["date_source"] == "narrative"


def test_reported_mentions_alone_are_placed_at_the_earliest_publication():
    em, ev, _ = _merged([
        _reported("a:e0", "a", "unveil", "Acme", "the Zephyr tablet", "2031-05-20"),
        _reported("b:e0", "b", "unveil", "Acme", "the Zephyr tablet", "2031-04-02")])
    assert em["event_id"].nunique() == 1
    row = ev.iloc[0]
    assert (row["date_start"], row["date_end"]) == ("2031-04-02", "2031-04-02")
    assert row["date_source"] == "reported"


def test_a_present_state_holds_at_its_publication_not_before():
    em, _, _ = _merged([
        _em("a:e0", "a", "have", "the Zephyr tablet", "two cameras", day="2031-03-04",
            source="narrative"),
        _reported("b:e0", "b", "have", "the Zephyr tablet", "two cameras", "2031-05-20",
                  tense="PRESENT")])
    assert em["event_id"].nunique() == 2


def test_a_coarse_date_is_narrowed_only_by_the_same_act():
    year = dict(date_start="2031-01-01", date_end="2031-12-31", granularity="year")
    rows = [dict(_em("a:e0", "a", "release", "Acme", "a new laptop", source="explicit"), **year),
            _em("b:e0", "b", "release", "Acme", "the text of the memo", day="2031-01-17",
                source="narrative"),
            dict(_em("c:e0", "c", "release", "Acme", "the new laptop line", source="explicit"),
                 **year),
            _em("d:e0", "d", "release", "Acme", "a new laptop line", day="2031-03-02")]
    em, _, _ = _merged(rows)
    ids = dict(zip(em["event_mention_id"], em["event_id"]))
    assert ids["a:e0"] != ids["b:e0"]
    assert ids["c:e0"] == ids["d:e0"] == ids["a:e0"]


def test_a_report_finds_the_dated_event_past_many_other_reports():
    # more reports of the block than the pair cap stand between them
    cap = events.max_pairs_per_mention()
    rows = [_em("a:e0", "a", "unveil", "Acme", "the Zephyr tablet", day="2031-03-04",
                source="narrative")]
    rows += [_reported(f"c{k}:e0", f"c{k}", "unveil", f"Firm{k} Ltd", f"gadget {k} series",
                       f"2031-04-{10 + k % 15:02d}") for k in range(cap + 6)]
    rows.append(_reported("b:e0", "b", "unveil", "Acme", "the Zephyr tablet", "2031-03-05"))
    em, ev, _ = _merged(rows)
    ids = dict(zip(em["event_mention_id"], em["event_id"]))
    assert ids["a:e0"] == ids["b:e0"]
    assert ev[ev["event_id"] == ids["a:e0"]].iloc[0]["date_start"] == "2031-03-04"


# --- the merge's short cuts give what the plain merge gives ----------------------------------


def _mixed_rows():
    """Event mentions of several blocks: an explicit one (dated by its own
    expression, joined to an event of merge()) with a narrative partner,
    reported ones, pairs across outlets, lone ones."""
    return [_em("a:e0", "a", "approve", "board", "the merger", source="explicit",
                mention_id="a:m0"),
            _em("b:e0", "b", "approve", "board", "the merger", source="narrative"),
            _em("c:e0", "c", "approve", "parliament", "the budget"),
            _em("b:e1", "b", "approve", "parliament", "the budget bill"),
            _em("a:e1", "a", "announce", "Apple", "a new phone", source="reported"),
            _em("b:e2", "b", "announce", "Apple", "a new phone", source="reported"),
            _em("c:e1", "c", "announce", "Apple Inc", "record profits", source="reported"),
            _em("a:e2", "a", "reject", "", "", day=""),
            _em("a:e3", "a", "reject", "", "", day=""),
            _em("c:e2", "c", "meet", "Hu Jintao", "", day="2025-11-21"),
            _em("b:e3", "b", "meet", "Hu", "", day="2025-11-21"),
            _em("b:e4", "b", "meet", "Wen Jiabao", "", day="2025-11-21")]


def _explicit_inputs():
    mentions = pd.DataFrame([{"mention_id": "a:m0", "event_id": "ev-x"}])
    old = tables.frame([{"event_id": "ev-x", "date_start": "2025-11-20",
                         "date_end": "2025-11-20", "doc_ids": "a", "mention_ids": "a:m0",
                         "granularity": "day"}], tables.EVENT_COLUMNS)
    return mentions, old


def test_settling_the_unanchored_events_first_gives_the_same_tables():
    em_in = tables.frame(_mixed_rows(), tables.EVENT_MENTION_COLUMNS)
    mentions, old = _explicit_inputs()
    plain = events.merge_event_mentions(em_in, mentions, old, DOCS)
    pairs = events.event_mention_pairs(em_in, DOCS)
    events.settle_unanchored(pairs)
    # the explicit mention's component waits for merge(); the others are made
    assert 0 < len(pairs.settled) < int(em_in["no_event"].eq("").sum())
    assert 0 not in pairs.settled and 1 not in pairs.settled
    settled = events.merge_event_mentions(em_in, mentions, old, DOCS, pairs=pairs)
    for before, after in zip(plain, settled):
        pd.testing.assert_frame_equal(before.reset_index(drop=True),
                                      after.reset_index(drop=True))
    ids = dict(zip(settled[0]["event_mention_id"], settled[0]["event_id"]))
    assert ids["a:e0"] == ids["b:e0"] == "ev-x"
    assert ids["a:e1"] == ids["b:e2"] != ids["c:e1"]
    assert ids["c:e2"] == ids["b:e3"] != ids["b:e4"]


def test_settling_is_refused_for_a_merge_of_some_blocks():
    em_in = tables.frame(_mixed_rows(), tables.EVENT_MENTION_COLUMNS)
    pairs = events.event_mention_pairs(em_in, DOCS)
    events.settle_unanchored(pairs)
    with pytest.raises(ValueError):
        events.merge_event_mentions(em_in, None, None, DOCS, only_blocks=set(), pairs=pairs)


def test_the_pair_signatures_set_aside_only_pairs_that_would_fail():
    # every pair the signatures set aside fails _pair_ok; those they keep are tested
    rows = _mixed_rows() + [_em(f"c:x{k}", "c", "approve", actor, obj)
                            for k, (actor, obj) in enumerate(
                                [("", "the merger"), ("board", ""), ("Hu", "merger talks"),
                                 ("", ""), ("EU ministers", "the budget")])]
    em_in = tables.frame(rows, tables.EVENT_MENTION_COLUMNS)
    n = len(em_in)
    columns = {"doc_id": list(em_in["doc_id"]),
               "_actor_keys": [merge_mod.actor_keys(a) for a in em_in["actors"]],
               "_object_words": [merge_mod.object_words(o) for o in em_in["object"]],
               "_weak": [False] * n, "_reporting": [False] * n,
               "_start": [739000] * n, "_end": [739000] * n}
    for min_objects in (0, 1, 2):
        signatures = merge_mod._pair_signatures(dict(columns), min_objects)
        for i in range(n):
            for j in range(n):
                if i != j and signatures[i].isdisjoint(signatures[j]):
                    assert not merge_mod._pair_ok(columns, i, j, min_objects)
        unfiltered = [(i, j) for i in range(n) for j in range(i + 1, n)
                      if merge_mod._pair_ok(columns, i, j, min_objects)]
        found = merge_mod._event_mention_pairs(dict(columns), list(range(n)), n, min_objects)
        assert found == unfiltered


@pytest.mark.parametrize("a, b, meet", [
    ("Marco Rubio", "Rubio", True), ("Hu", "Hu Jintao", True),
    ("Vladimir Putin", "Vladimir Zelensky", False), ("US", "US government", True),
    ("Beijing Summit", "Chinese Private Enterprise Summit", False), ("", "Apple", False),
    ("Apple; Google", "Google", True)])
def test_actors_meet(a, b, meet):
    assert events.actors_meet(events.actor_keys(a), events.actor_keys(b)) is meet
    assert events.actors_meet(events.actor_keys(b), events.actor_keys(a)) is meet
