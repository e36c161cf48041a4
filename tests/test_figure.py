"""The timeline figure: filters, marks, lanes, hover labels, WebGL, HTML file."""

from __future__ import annotations

import re

import pandas as pd

import plotly.graph_objects as go
import pytest

from timeline import figure, lanes
from timeline import labels as labelling
import samples


def marks(fig) -> dict[str, str]:
    """event_id -> trace type ("bar", "scatter", "scattergl") of every mark."""
    found = {}
    for trace in fig.data:
        for event_id in trace.customdata or ():
            assert event_id not in found, f"{event_id} drawn twice"
            found[event_id] = trace.type
    return found


def lanes_of(fig) -> dict[str, set]:
    """lane -> event ids drawn in it (bars and points)."""
    found: dict[str, set] = {}
    for trace in fig.data:
        found.setdefault(trace.name, set()).update(trace.customdata)
    return found


def hovers(fig) -> dict[str, str]:
    return {e: h for trace in fig.data for e, h in zip(trace.customdata, trace.hovertext)}


# -- filters -----------------------------------------------------------------


def test_date_range_keeps_events_whose_interval_overlaps_it():
    kept = figure.filter_events(samples.events(), date_from="2025-10-25", date_to="2025-11-20")
    # e4 (21-31 Oct) and e5 (the year) overlap; e2 (27 Nov) and e6 (1990s) do not; e8 has no date
    assert sorted(kept.event_id) == ["e1", "e3", "e4", "e5"]
    assert list(kept.index) == list(range(len(kept)))


def test_actor_filter_matches_whole_words_ignoring_case():
    events = samples.events()
    assert list(figure.filter_events(events, actors="putin").event_id) == ["e2"]
    # "US" names "US officials" but must not match inside "Russia"
    assert list(figure.filter_events(events, actors="US").event_id) == ["e3"]
    both = figure.filter_events(events, actors="Rubio; Lavrov")
    assert sorted(both.event_id) == ["e1", "e4", "e7", "e8"]
    # a list works as well, and the object counts as an entity
    assert len(figure.filter_events(events, actors=["the plan"])) == len(events)


def test_source_filter_matches_outlets_and_doc_ids():
    events = samples.events()
    assert sorted(figure.filter_events(events, sources="Ahram").event_id) == ["e2", "e7"]
    assert sorted(figure.filter_events(events, sources="mwn-2").event_id) == ["e1", "e4"]


def test_confidence_sources_granularity_and_text_filters():
    events = samples.events()
    assert sorted(figure.filter_events(events, min_confidence=0.8).event_id) == ["e1", "e2", "e4"]
    assert list(figure.filter_events(events, min_sources=3).event_id) == ["e2"]
    assert sorted(figure.filter_events(events, granularities="week, month").event_id) == ["e3", "e4"]
    assert sorted(figure.filter_events(events, granularities=["DAY"]).event_id) == ["e1", "e2", "e7"]
    assert list(figure.filter_events(events, text="GENEVA").event_id) == ["e1"]
    assert len(figure.filter_events(events, actors="", sources=None, granularities="")) == len(events)


def test_bad_filter_values_give_a_one_line_reason():
    with pytest.raises(ValueError, match="date_from: '20 Nov' is not a date") as error:
        figure.filter_events(samples.events(), date_from="20 Nov")
    assert "\n" not in str(error.value)
    with pytest.raises(ValueError, match="after date_to"):
        figure.filter_events(samples.events(), date_from="2025-12-01", date_to="2025-11-01")
    with pytest.raises(ValueError, match="min_confidence"):
        figure.filter_events(samples.events(), min_confidence="high")
    with pytest.raises(ValueError, match="min_confidence: the events have no 'confidence' column"):
        figure.filter_events(samples.events().drop(columns="confidence"), min_confidence=0.5)


# -- marks ---------------------------------------------------------------------


def test_day_events_are_points_and_periods_are_bars_over_their_interval():
    fig = figure.timeline_figure(samples.events(), samples.documents())
    drawn = marks(fig)
    assert set(drawn) == {f"e{i}" for i in range(1, 8)}  # e8 has no date
    assert {e for e, kind in drawn.items() if kind == "scatter"} == {"e1", "e2", "e7"}
    assert {e for e, kind in drawn.items() if kind == "bar"} == {"e3", "e4", "e5", "e6"}
    for trace in fig.data:
        if trace.type == "bar":
            for event_id, base, length in zip(trace.customdata, trace.base, trace.x):
                row = samples.events().set_index("event_id").loc[event_id]
                assert base == row.date_start + "T00:00:00"
                # inclusive end: 21..31 October is 11 days
                days = length / 86_400_000
                assert days == (figure.as_date(row.date_end) - figure.as_date(row.date_start)).days + 1
        else:
            assert trace.mode == "markers"
            assert all(x.endswith("T12:00:00") for x in trace.x)
    assert fig.layout.meta["undated"] == 1
    assert "1 event(s) without a date not shown" in fig.layout.title.subtitle.text


def test_lanes_are_the_main_names_and_the_rest_is_other():
    fig = figure.timeline_figure(samples.events(), color_by="actors")
    lanes = list(fig.layout.yaxis.ticktext)
    # Rubio names two events (e1, e4); every name of a drawn event has a lane here
    assert lanes[0] == "Rubio"
    assert {"Zelensky", "Rubio", "Vladimir Putin", "Lavrov", "US officials"} <= set(lanes)
    assert lanes[-1] == "other"  # e5 names nobody
    # e1 ("Zelensky; Rubio") sits in the lane of its first name, coloured like it
    by_name = {t.name: t for t in fig.data}
    assert "e1" in by_name["Zelensky"].customdata
    assert by_name["other"].marker.color == figure.OTHER_COLOUR

    # names of as many events: the one of the events reported by more outlets first
    few = figure.timeline_figure(samples.events(), max_lanes=2)
    assert list(few.layout.yaxis.ticktext) == ["Rubio", "Vladimir Putin", "other"]
    assert lanes_of(few)["other"] == {"e3", "e5", "e6", "e7"}

    split = figure.timeline_figure(samples.events(), color_by="sources", list_mode="split")
    ids = [e for t in split.data for e in t.customdata]
    assert ids.count("e1") == 2

    by_kind = figure.timeline_figure(samples.events(), color_by="granularity")
    assert list(by_kind.layout.yaxis.ticktext) == ["day", "week", "month", "year", "decade"]


def test_spellings_of_one_name_share_a_lane_and_descriptions_make_none():
    events = samples.events().assign(actors=[
        "Peskov", "Dmitry Peskov", "the US", "US", "Kopp's car", "politician", "DMITRY PESKOV",
        "Kopp's"])
    fig = figure.timeline_figure(events)
    lanes = list(fig.layout.yaxis.ticktext)
    assert lanes == ["Dmitry Peskov", "US", "other"]
    by_name = lanes_of(fig)
    assert by_name["Dmitry Peskov"] == {"e1", "e2", "e7"}
    assert by_name["other"] == {"e5", "e6"}  # "Kopp's car" and "politician" are no lanes


def test_entity_lanes_hold_the_events_naming_each_entity():
    fig = figure.timeline_figure(samples.events(), entities="Rubio; Putin; Nobody")
    assert list(fig.layout.yaxis.ticktext) == ["Rubio", "Putin"]
    by_name = lanes_of(fig)
    assert by_name == {"Rubio": {"e1", "e4"}, "Putin": {"e2"}}
    assert "4 event(s) naming none of them left out" in fig.layout.title.subtitle.text
    assert "lanes: Rubio, Putin" in fig.layout.title.subtitle.text


def test_a_color_by_column_that_does_not_exist_is_a_clear_error():
    with pytest.raises(ValueError, match="no column 'outlet'.*actors"):
        figure.timeline_figure(samples.events(), color_by="outlet")


def test_marks_grow_with_distinct_outlets_not_articles():
    fig = figure.timeline_figure(samples.events(), color_by="granularity")
    days = next(t for t in fig.data if t.type == "scatter")
    size = dict(zip(days.customdata, days.marker.size))
    opacity = dict(zip(days.customdata, days.marker.opacity))
    # e2: 3 articles of 2 outlets (RT twice), e1: 2 articles of 2 outlets, e7: 1
    assert size["e2"] == size["e1"] > size["e7"]
    assert opacity["e2"] == opacity["e1"] > opacity["e7"]
    hover = hovers(fig)["e2"]
    assert "2 outlet(s) · 3 article(s)" in hover
    # n_sources, where the events work writes it, is used as it is
    given = samples.events().assign(n_sources=["3", "1", "1", "1", "1", "1", "1", "1"])
    days = next(t for t in figure.timeline_figure(given, color_by="granularity").data
                if t.type == "scatter")
    size = dict(zip(days.customdata, days.marker.size))
    assert size["e1"] > size["e2"] == size["e7"]


def test_marks_in_a_lane_do_not_overlap():
    fig = figure.timeline_figure(samples.many_events(200), color_by="actors")
    for trace in fig.data:
        if trace.type != "scatter":
            continue
        seen = set()
        for x, y in zip(trace.x, trace.y):
            assert (x, y) not in seen, "two points of one lane drawn on top of each other"
            seen.add((x, y))


def test_hover_gives_expression_date_summary_actors_sources_and_sentence():
    hover = hovers(figure.timeline_figure(samples.events(), samples.documents()))
    e1 = hover["e1"]
    assert "“on Thursday”, “Thursday”" in e1
    assert "Thu 20 Nov 2025 (day)" in e1
    assert "Zelensky meets Rubio in Geneva" in e1
    assert "Zelensky, Rubio" in e1
    assert "RT: Rubio hails progress at Geneva talks (rt-1)" in e1
    assert "MWN: Talks in Riyadh (mwn-2)" in e1
    assert "The sentence of e1." in e1
    assert "2 article(s) · confidence 0.80 · event e1" in e1
    assert "21 Oct 2025 – 31 Oct 2025 (month)" in hover["e4"]


def test_hostile_text_is_escaped_in_hover_labels_lanes_and_title():
    fig = figure.timeline_figure(samples.hostile_events(), samples.hostile_documents(),
                                 title="<img src=x onerror=alert(3)>")
    hover = hovers(fig)["h1"]
    assert "<script>" not in hover and "<a " not in hover and "<i>on" not in hover
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hover
    assert '&lt;a href="javascript:alert(2)"&gt;click&lt;/a&gt;' in hover
    assert "&lt;i&gt;on Thursday&lt;/i&gt;" in hover
    assert "Title &lt;a href" in hover
    # our own markup stays markup
    assert hover.count("<br>") >= 4 and "<b>" in hover
    assert all("<" not in name for name in fig.layout.yaxis.ticktext)
    named = samples.hostile_events().assign(actors=["Bold <b>x</b>", "=1+1", "Rubio"])
    lanes = figure.timeline_figure(named).layout.yaxis.ticktext
    assert "Bold &lt;b&gt;x&lt;/b&gt;" in lanes and all("<" not in name for name in lanes)
    labels = [a.text for a in fig.layout.annotations]
    assert labels and all("<" not in text for text in labels)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;…" in labels or any(
        text.startswith("&lt;script&gt;") for text in labels)
    assert fig.layout.title.text == "&lt;img src=x onerror=alert(3)&gt;"


# -- size ------------------------------------------------------------------------


def test_webgl_above_a_thousand_events_and_on_request():
    small = figure.timeline_figure(samples.many_events(50))
    assert {t.type for t in small.data} == {"bar", "scatter"}
    large = figure.timeline_figure(samples.many_events(1200))
    assert {t.type for t in large.data} == {"bar", "scattergl"}
    assert len(marks(large)) == 1200
    assert large.layout.meta["webgl"] is True
    forced = figure.timeline_figure(samples.many_events(50), webgl=True)
    assert "scattergl" in {t.type for t in forced.data}


def test_two_thousand_events_keep_a_bounded_figure_with_few_traces():
    fig = figure.timeline_figure(samples.many_events(2000))
    assert len(marks(fig)) == 2000
    assert len(fig.data) <= 2 * (lanes.MAX_LANES + 1)
    assert fig.layout.height <= figure.MAX_HEIGHT
    assert len(fig.layout.yaxis.ticktext) == lanes.MAX_LANES + 1
    assert fig.layout.yaxis.ticktext[-1] == "other"
    assert 0 < len(fig.layout.annotations) <= labelling.MAX_LABELS


def test_first_view_skips_a_distant_outlier_and_says_so():
    fig = figure.timeline_figure(samples.many_events(40).pipe(
        lambda df: df.assign(date_start=df.date_start.where(df.index != 3, "1991-06-01"),
                             date_end=df.date_end.where(df.index != 3, "1991-06-01"))))
    low, high = fig.layout.xaxis.range
    assert low > "2025-08" and high < "2026-01"
    assert "1 event(s) outside this view" in fig.layout.title.subtitle.text
    assert fig.layout.xaxis.rangeslider.visible
    # the title gives the dates of the events in view, not the outlier's
    assert "1991" not in fig.layout.title.text and "in view: " in fig.layout.title.text
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert labels == ["1w", "1m", "3m", "1y", "10y", "all"]


def test_typed_frames_with_missing_cells_work_as_well():
    typed = samples.events()
    typed["n_docs"] = typed["n_docs"].astype(int)
    typed["confidence"] = typed["confidence"].astype(float)
    typed.loc[0, "summary"] = float("nan")
    typed.loc[1, "n_docs"] = 5
    fig = figure.timeline_figure(typed, color_by="confidence")
    assert len(marks(fig)) == 7
    hover = hovers(fig)
    assert "nan" not in hover["e1"] and "5 article(s)" in hover["e2"]
    assert set(fig.layout.yaxis.ticktext) == {"0.4", "0.5", "0.6", "0.7", "0.8", "0.95"}
    assert list(figure.filter_events(typed, min_sources=4).event_id) == ["e2"]


def test_no_events_gives_a_figure_that_says_so():
    fig = figure.timeline_figure(samples.events().iloc[:0])
    assert not fig.data
    assert "No events" in fig.layout.annotations[0].text


# -- HTML ------------------------------------------------------------------------


def test_html_is_self_contained_and_written_atomically(tmp_path):
    fig = figure.timeline_figure(samples.hostile_events())
    path = figure.write_html(fig, tmp_path / "out" / "timeline.html")
    html = path.read_text(encoding="utf-8")
    assert re.search(r"<script[^>]*\bsrc=", html) is None  # nothing loaded from elsewhere
    assert len(html) > 1_000_000  # plotly.js itself is inline
    assert "<script>alert(1)" not in html
    assert [p.name for p in path.parent.iterdir()] == ["timeline.html"]
    assert isinstance(fig, go.Figure)


# -- dates by source, filters in the caption ------------------------------------------


def with_date_sources():
    return samples.events().assign(date_source=[
        "explicit", "inherited", "narrative", "reported", "explicit", "none", "explicit", "none"])


def test_the_figure_shows_explicit_and_inherited_dates_unless_told_and_says_so():
    fig = figure.timeline_figure(with_date_sources())
    assert set(marks(fig)) == {"e1", "e2", "e5", "e7"}
    subtitle = fig.layout.title.subtitle.text
    assert "dates explicit, inherited only" in subtitle
    assert "4 dated otherwise (narrative, reported, none) hidden" in subtitle
    every = figure.timeline_figure(with_date_sources(), all_dates=True)
    assert set(marks(every)) == {f"e{i}" for i in range(1, 8)}
    assert "dates" not in every.layout.title.subtitle.text
    chosen = figure.timeline_figure(with_date_sources(), date_sources="narrative, reported")
    assert set(marks(chosen)) == {"e3", "e4"}
    # without the column (before the events work) everything is drawn
    assert len(marks(figure.timeline_figure(samples.events()))) == 7


def test_filter_events_by_date_source_and_the_filters_reach_the_caption():
    events = with_date_sources()
    kept = figure.filter_events(events, date_sources=["reported", "none"])
    assert sorted(kept.event_id) == ["e4", "e6", "e8"]
    with pytest.raises(ValueError, match="date_sources: guessed is not one of"):
        figure.filter_events(events, date_sources="guessed")
    with pytest.raises(ValueError, match="no 'date_source' column"):
        figure.filter_events(samples.events(), date_sources="explicit")
    shown = figure.filter_events(samples.events(), date_from="2025-11-01", actors="Rubio")
    assert shown.attrs["filters"] == {"date_from": "2025-11-01", "actors": "Rubio"}
    fig = figure.timeline_figure(shown, corpus="seeds")
    assert "filters: from 2025-11-01; actors Rubio" in fig.layout.title.subtitle.text
    assert fig.layout.title.text.startswith("1 events of 8 from 2 articles (2 outlets)")
    assert "corpus seeds" in fig.layout.meta["caption"]
    plain = figure.timeline_figure(samples.events())
    assert "no filter" in plain.layout.title.subtitle.text


# -- controls, labels, height ----------------------------------------------------------


def _ordinal(text: str) -> float:
    from datetime import datetime
    moment = datetime.fromisoformat(text)
    return moment.toordinal() + moment.hour / 24


def test_every_range_button_shows_events_wherever_they_are():
    # a story of a few days, one event years before and one a year after
    events = samples.many_events(30).pipe(lambda df: df.assign(
        date_start=df.date_start.where(df.index != 2, "2019-03-05"),
        date_end=df.date_end.where(df.index != 2, "2019-03-05")))
    events.loc[7, ["date_start", "date_end"]] = ["2027-01-01", "2027-12-31"]
    fig = figure.timeline_figure(events)
    middles = [(_ordinal(s + "T00:00") + _ordinal(e + "T00:00") + 1) / 2
               for s, e in zip(events.date_start, events.date_end)]
    for button in fig.layout.updatemenus[0].buttons:
        low, high = map(_ordinal, button.args[0]["xaxis.range"])
        inside = [m for m in middles if low <= m <= high]
        assert inside, f"{button.label} shows no event"
        if button.label == "all":
            assert low < min(middles) and high > max(middles)
        else:
            days = dict(figure.RANGE_BUTTONS)[button.label]
            assert abs((high - low) - days) < 0.1


def test_labels_are_cut_at_a_word_and_placed_without_overlap():
    assert labelling.label_text("Kiev confirmed receiving the document from Washington", 30) \
        == "Kiev confirmed receiving the…"
    frame = labelling.Frame(left=0, top=0, width=600, height=300, x_range=(0, 100),
                            y_range=(-1, 10))
    anchors = [(50 + (i % 3), i % 4, 5, True) for i in range(12)]
    texts = [f"event number {i} with words" for i in range(12)]
    placed = labelling.place(anchors, texts, list(range(12)), frame, limit=12)
    assert 3 <= len(placed) <= 12
    for i, a in enumerate(placed):
        assert 0 <= a.box[0] and a.box[2] <= 600 and 0 <= a.box[1] and a.box[3] <= 300
        for b in placed[i + 1:]:
            assert not labelling._meets(a.box, b.box, 0.0), (a, b)
    fig = figure.timeline_figure(samples.many_events(300))
    names = [a.name for a in fig.layout.annotations if (a.name or "").startswith("label:")]
    assert 0 < len(names) <= labelling.MAX_LABELS and len(set(names)) == len(names)
    assert not figure.timeline_figure(samples.events(), labels=0).layout.annotations


def test_height_follows_the_lanes_and_fits_a_small_screen():
    small = figure.timeline_figure(samples.events(), max_lanes=1)
    large = figure.timeline_figure(samples.many_events(400))
    assert figure.MIN_HEIGHT <= small.layout.height < large.layout.height <= figure.MAX_HEIGHT
    assert large.layout.showlegend is True
    assert "sendDataToCloud" in figure.PLOTLY_CONFIG["modeBarButtonsToRemove"]
    assert figure.PLOTLY_CONFIG["displaylogo"] is False


def test_static_figure_is_a_publication_figure():
    fig = figure.timeline_figure(samples.events(), samples.documents(), corpus="seeds")
    static = figure.static_figure(fig)
    assert not static.layout.updatemenus
    assert static.layout.xaxis.rangeslider.visible is False
    assert static.layout.showlegend is True
    caption = static.layout.annotations[-1].text
    assert "corpus seeds" in caption and "Events shown: 1 Jan 1990 – 31 Dec 2025" in caption
    assert figure.event_records(fig) and not figure.event_records(static)
    assert fig.layout.updatemenus  # the interactive figure keeps its buttons
    labels = [a for a in static.layout.annotations if (a.name or "").startswith("label:")]
    assert labels


def test_the_same_input_gives_the_same_page(tmp_path):
    events = pd.concat([samples.events(), samples.hostile_events()], ignore_index=True)
    documents = pd.concat([samples.documents(), samples.hostile_documents()], ignore_index=True)
    one = figure.write_html(figure.timeline_figure(events, documents), tmp_path / "a.html")
    two = figure.write_html(figure.timeline_figure(events, documents), tmp_path / "b.html")
    assert one.read_bytes() == two.read_bytes()
    page = one.read_text(encoding="utf-8")
    assert f'id="{figure.DIV_ID}"' in page
    assert re.search(r"<title>[^<]*10 events", page)
    assert re.search(r"<(?:script|link|img|iframe)[^>]*\b(?:src|href)=", page) is None
    # the only links are the safe article addresses
    hrefs = re.findall(r'href="([^"]*)"', page.split('<section class="tl-events">')[1])
    assert set(hrefs) == {"https://www.rt.com/news/geneva/"} and len(hrefs) == 7  # rt-1's events
    assert "javascript:alert(4)" not in page and "javascript:alert(5)" not in page
    assert "<script>alert(1)" not in page and "<b>Bold</b>" not in page
    # Plotly's config, plotly.js, the plot, the events (JSON data), the page's script
    assert page.count("<script") == 5
    data = page.split('<script type="application/json" id="tl-events">')[1].split("</script>")[0]
    assert "<" not in data and ">" not in data and "&" not in data
