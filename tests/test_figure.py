"""The timeline figure: filters, marks, lanes, hover labels, WebGL, HTML file."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest

from timeline import figure
import samples


def marks(fig) -> dict[str, str]:
    """event_id -> trace type ("bar", "scatter", "scattergl") of every mark."""
    found = {}
    for trace in fig.data:
        for event_id in trace.customdata or ():
            assert event_id not in found, f"{event_id} drawn twice"
            found[event_id] = trace.type
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


def test_lanes_follow_color_by_using_the_first_item_of_list_cells():
    fig = figure.timeline_figure(samples.events(), color_by="actors")
    lanes = list(fig.layout.yaxis.ticktext)
    assert "Zelensky" in lanes and "Rubio" in lanes and "(no actors)" in lanes
    assert "Vladimir Putin" in lanes
    # e1 ("Zelensky; Rubio") sits in the Zelensky lane, coloured like it
    by_name = {t.name: t for t in fig.data}
    assert "e1" in by_name["Zelensky"].customdata
    colours = {t.marker.color for t in fig.data}
    assert len(colours) == len(lanes)

    split = figure.timeline_figure(samples.events(), color_by="actors", list_mode="split")
    ids = [e for t in split.data for e in t.customdata]
    assert ids.count("e1") == 2

    by_kind = figure.timeline_figure(samples.events(), color_by="granularity")
    assert list(by_kind.layout.yaxis.ticktext) == ["day", "week", "month", "year", "decade"]


def test_a_color_by_column_that_does_not_exist_is_a_clear_error():
    with pytest.raises(ValueError, match="no column 'outlet'.*actors"):
        figure.timeline_figure(samples.events(), color_by="outlet")


def test_marks_grow_with_the_number_of_articles():
    fig = figure.timeline_figure(samples.events(), color_by="granularity")
    days = next(t for t in fig.data if t.type == "scatter")
    size = dict(zip(days.customdata, days.marker.size))
    opacity = dict(zip(days.customdata, days.marker.opacity))
    # e2: 3 articles, e1: 2, e7: 1
    assert size["e2"] > size["e1"] > size["e7"]
    assert opacity["e2"] > opacity["e1"] > opacity["e7"]


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
    assert "&lt;b&gt;Bold&lt;/b&gt;" in fig.layout.yaxis.ticktext
    assert all("<" not in name for name in fig.layout.yaxis.ticktext)
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
    assert len(fig.data) <= 2 * (figure.MAX_LANES + 2)
    assert fig.layout.height <= 1500
    assert len(fig.layout.yaxis.ticktext) <= figure.MAX_LANES + 2
    assert "(other)" in fig.layout.yaxis.ticktext


def test_first_view_skips_a_distant_outlier_and_says_so():
    fig = figure.timeline_figure(samples.many_events(40).pipe(
        lambda df: df.assign(date_start=df.date_start.where(df.index != 3, "1991-06-01"),
                             date_end=df.date_end.where(df.index != 3, "1991-06-01"))))
    low, high = fig.layout.xaxis.range
    assert low > "2025-08" and high < "2026-01"
    assert "1 event(s) outside this view" in fig.layout.title.subtitle.text
    assert fig.layout.xaxis.rangeslider.visible
    labels = [b.label for b in fig.layout.xaxis.rangeselector.buttons]
    assert labels[-1] == "all" and "1m" in labels


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
