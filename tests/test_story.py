"""The story view (timeline/story.py) and the notebooks' interactive tables
(timeline/views.py), on made-up tables."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import story, tables, views
import samples


@pytest.mark.parametrize("entity, name, expected", [
    ("Zelensky", "Vladimir Zelensky", True),         # surname in a full name
    ("zelensky", "VLADIMIR ZELENSKY", True),         # any case
    ("Vladimir Zelensky", "Zelensky", True),         # a name that is the surname
    ("Marco Rubio", "US Secretary of State Marco Rubio", True),
    ("Vladimir Zelensky", "Vladimir Putin", False),  # the first name alone is not enough
    ("Rubio", "Rubiodale", False),                   # whole words only
    ("Putin", "Zelensky", False),
    ("", "Zelensky", False),
    ("Lavrov", "Lavrov's office", True),
])
def test_name_matches(entity, name, expected):
    assert story.name_matches(entity, name) is expected


def test_select_an_entity_gives_its_events_in_date_order_undated_last():
    events = samples.events()
    rows = story.select(events, entity="lavrov")
    assert rows.event_id.tolist() == ["e7", "e8"]
    rows = story.select(events, entity="Rubio")
    assert rows.event_id.tolist() == ["e4", "e1"]  # 21 October, then 20 November
    assert list(rows.columns[:4]) == ["date_start", "date_end", "granularity", "summary"]
    assert set(rows.columns) == set(events.columns)
    assert story.select(events, entity="Nobody").empty


def test_select_by_search_term_and_both():
    events = samples.events()
    assert story.select(events, search="GENEVA").event_id.tolist() == ["e1"]
    assert story.select(events, search="late october").event_id.tolist() == ["e4"]
    assert story.select(events, entity="Rubio", search="geneva").event_id.tolist() == ["e1"]
    everything = story.select(events)
    assert len(everything) == len(events) and everything.event_id.iloc[-1] == "e8"
    assert everything.date_start.iloc[0] == "1990-01-01"


def test_top_entity_is_the_actor_of_the_most_events():
    events = samples.events()  # Rubio 2 (e1, e4), Lavrov 2 (e7, e8), Zelensky 1 ...
    assert story.top_entity(events) == "Rubio"  # two events, named before Lavrov
    assert story.top_entity(events.iloc[:2]) == "Zelensky"  # ties: the first seen
    assert story.top_entity(events.assign(actors="")) == ""


def _one_article():
    text = ("Intro line. The ministers met in Geneva on Thursday and will meet again "
            "next week. Other news.")
    sentence = "The ministers met in Geneva on Thursday and will meet again next week."
    start = text.index(sentence)

    def mention(i, expr, value, ds, de, trigger):
        s = text.index(expr)
        t = text.index(trigger)
        return {"mention_id": f"d1:m{i}", "doc_id": "d1", "start": s, "end": s + len(expr),
                "text": expr, "type": "DATE", "value": value, "date_start": ds, "date_end": de,
                "granularity": "day", "anchor": "publication", "sentence": sentence,
                "sentence_index": 1, "sentence_start": start,
                "sentence_end": start + len(sentence), "trigger": trigger,
                "trigger_start": t, "trigger_end": t + len(trigger), "summary": ""}

    mentions = pd.DataFrame([mention(0, "on Thursday", "2025-11-20", "2025-11-20", "2025-11-20",
                                     "met"),
                             mention(1, "next week", "2025-W48", "2025-11-24", "2025-11-30",
                                     "meet again")])
    event = {"event_id": "e1", "date_start": "2025-11-20", "date_end": "2025-11-20",
             "summary": "Ministers meet in Geneva", "actors": "ministers", "object": "",
             "sources": "Wire; Daily", "doc_ids": "d1", "mention_ids": "d1:m0",
             "sentence": sentence, "texts": "on Thursday"}
    return text, sentence, mentions, event


def test_sentence_mentions_shift_offsets_into_the_sentence():
    _, sentence, mentions, event = _one_article()
    text, inside = story.sentence_mentions(event, mentions)
    assert text == sentence
    assert sorted(inside["text"]) == ["next week", "on Thursday"]  # every expression of it
    for m in inside.itertuples():
        assert sentence[int(m.start):int(m.end)] == m.text
        assert sentence[int(m.trigger_start):int(m.trigger_end)] == m.trigger
    # no usable mention: the event's own sentence, nothing marked
    text, inside = story.sentence_mentions(dict(event, mention_ids=""), mentions)
    assert text == sentence and inside.empty


def test_story_html_marks_the_expressions_and_keeps_text_as_data():
    _, sentence, mentions, event = _one_article()
    page = story.story_html(pd.DataFrame([event]), mentions, title="Ministers")
    assert page.count('class="tl-timex"') == 2 and 'class="tl-trigger"' in page
    assert ">on Thursday<span" in page and ">next week<span" in page
    assert "source: Wire, Daily" in page and "2025-11-20" in page
    hostile = samples.hostile_events()
    page = story.story_html(story.select(hostile), None, title=samples.SCRIPT)
    assert samples.SCRIPT not in page and samples.LINK not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "No event matches" in story.story_html(story.select(hostile, entity="Nobody"), None)


def test_the_story_export_is_a_safe_csv(tmp_path):
    rows = story.select(samples.hostile_events())
    path = tables.write_csv(rows, tmp_path / "story.csv")
    raw = path.read_text(encoding="utf-8")
    assert ",=" not in raw and ",+" not in raw and ",@" not in raw
    back = tables.read_csv(path)
    assert back.summary.tolist() == rows.summary.tolist()


def test_interactive_tables_keep_dates_on_one_line_and_escape_text():
    itables = pytest.importorskip("itables")
    events = pd.concat([samples.events(), samples.hostile_events()], ignore_index=True)
    options = views.table_options(events)
    nowrap, text = options["columnDefs"]
    assert "dt-nowrap" in nowrap["className"].split() and "nowrap" in options["classes"]
    assert [events.columns[i] for i in nowrap["targets"]] == [
        "event_id", "date_start", "date_end", "granularity"]
    assert "summary" in [events.columns[i] for i in text["targets"]]  # cut for display only
    assert "type !== 'display'" in str(text["render"]) and str(views.CLIP) in str(text["render"])
    page = itables.to_html_datatable(events, **options)
    assert samples.SCRIPT not in page and samples.LINK not in page
    assert "e1" in page and "Zelensky meets Rubio in Geneva" in page


def test_figure_output_loads_nothing_from_the_network():
    import re

    from timeline import figure

    fig = figure.timeline_figure(samples.events(), samples.documents())
    bundle = views.figure_bundle(fig)
    page = bundle["text/html"]
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # no MathJax (nor anything) from a CDN
    assert "Plotly.newPlot" in page
    figure_json = bundle["application/vnd.plotly.v1+json"]
    ids = [i for trace in figure_json["data"] for i in trace.get("customdata") or []]
    assert sorted(ids) == sorted(e for e, d in zip(samples.events().event_id,
                                                   samples.events().date_start) if d)
