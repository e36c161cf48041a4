"""The highlighted article view: marks at the right offsets, text always escaped."""

from __future__ import annotations

import html
import re

import pandas as pd

from timeline.highlight import highlight, spans
from samples import LINK, SCRIPT

TEXT = (f"Kiev said on Thursday that it rejects the plan. {SCRIPT}\n"
        f"The talks in late October ended. Read {LINK} & \"more\".")


def mention(expression: str, trigger: str | None = None, **cells) -> dict:
    start = TEXT.index(expression)
    row = {"doc_id": "d1", "start": start, "end": start + len(expression), "text": expression,
           "type": "DATE", "value": "2025-11-20", "trigger_start": -1, "trigger_end": -1}
    if trigger:
        row["trigger_start"] = TEXT.index(trigger)
        row["trigger_end"] = row["trigger_start"] + len(trigger)
    row.update(cells)
    return row


def article_body(page: str) -> str:
    """The article text as a reader sees it: labels dropped, tags removed, entities decoded."""
    body = page.split('white-space:pre-wrap', 1)[1].split(">", 1)[1]
    body = re.sub(r"<span [^>]*>.*?</span>", "", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_expressions_and_predicates_are_marked_at_their_offsets():
    mentions = pd.DataFrame([
        mention("on Thursday", "said", date_start="2025-11-20", date_end="2025-11-20"),
        mention("in late October", "ended", value="2025-10", date_start="2025-10-21",
                date_end="2025-10-31", granularity="month"),
    ])
    page = highlight(TEXT, mentions)
    assert re.search(r'<mark class="tl-timex"[^>]*>on Thursday<span[^>]*>1 DATE 2025-11-20</span>',
                     page)
    assert re.search(r'<mark class="tl-trigger"[^>]*>said<span[^>]*>1 event</span>', page)
    assert re.search(r'<mark class="tl-timex"[^>]*title="[^"]*2025-10-21 – 2025-10-31 \(month\)',
                     page)
    assert re.search(r'<mark class="tl-trigger"[^>]*>ended<span', page)
    assert page.count("<mark class=") == 4
    assert article_body(page) == TEXT


def test_article_text_is_escaped_never_markup():
    mentions = pd.DataFrame([mention("on Thursday", "said", value='"><script>x()</script>')])
    page = highlight(TEXT, mentions, title=f"Title {SCRIPT}")
    assert "<script" not in page and "<a " not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;a href=&quot;javascript:alert(2)&quot;&gt;" in page
    assert "&lt;h3" not in page and "Title &lt;script&gt;" in page
    assert article_body(page) == TEXT


def test_offsets_that_do_not_fit_are_skipped_and_counted():
    mentions = pd.DataFrame([mention("on Thursday"),
                             {"doc_id": "d1", "start": 5, "end": 5000, "text": "x"},
                             {"doc_id": "d1", "start": "", "end": "", "text": "y"}])
    page = highlight(TEXT, mentions)
    assert page.count('<mark class="tl-timex"') == 1
    assert "2 mention(s) skipped" in page
    assert article_body(page) == TEXT


def test_overlapping_marks_are_not_nested_and_expressions_win():
    start = TEXT.index("late October")
    mentions = pd.DataFrame([
        mention("in late October", "ended"),
        {"doc_id": "d1", "start": start, "end": start + 4, "text": "late",
         "trigger_start": TEXT.index("October"), "trigger_end": TEXT.index("October") + 7},
    ])
    marks, skipped = spans(TEXT, mentions)
    assert skipped == 0
    assert [(m["kind"], TEXT[m["start"]:m["end"]]) for m in marks] == \
        [("timex", "in late October"), ("trigger", "ended")]
    assert article_body(highlight(TEXT, mentions)) == TEXT


def test_rows_of_other_articles_are_left_out_and_csv_strings_work():
    rows = [mention("on Thursday", "said"), {**mention("in late October"), "doc_id": "d2"}]
    as_csv = pd.DataFrame(rows).astype(str)  # as tables.read_csv gives them
    page = highlight(TEXT, as_csv, doc_id="d1")
    assert page.count('<mark class="tl-timex"') == 1 and "in late October<span" not in page
